"""WAI-SR scoring, row by row (rendered into docs/instruments/wai_sr.md)."""

from bordin.domain.instruments.specs import InstrumentSpec, SpecRow, SpecSection

_ = None  # a missing answer

SPEC = InstrumentSpec(
    instrument_id="wai_sr",
    sections=(
        SpecSection(
            "Total and the goal, task and bond subscales",
            "Items are rated 1–5; the total is their sum (12–60). Tasks = items 1, 2, 10, 12; "
            "bond = items 3, 5, 7, 9; goals = items 4, 6, 8, 11 (each 4–20). No cut-off is "
            "validated, so none is flagged.",
            (
                SpecRow((1,) * 12, total=12, subscales={"goals": 4, "tasks": 4, "bond": 4}),
                SpecRow((5,) * 12, total=60, subscales={"goals": 20, "tasks": 20, "bond": 20}),
                SpecRow(
                    (5, 5, 1, 1, 1, 1, 1, 1, 1, 5, 1, 5),
                    total=28,
                    subscales={"goals": 4, "tasks": 20, "bond": 4},
                    note="task items high",
                ),
                SpecRow(
                    (1, 1, 5, 1, 5, 1, 5, 1, 5, 1, 1, 1),
                    total=28,
                    subscales={"goals": 4, "tasks": 4, "bond": 20},
                    note="bond items high",
                ),
                SpecRow(
                    (1, 1, 1, 5, 1, 5, 1, 5, 1, 1, 5, 1),
                    total=28,
                    subscales={"goals": 20, "tasks": 4, "bond": 4},
                    note="goal items high",
                ),
                SpecRow(
                    (4, 4, 5, 3, 5, 4, 4, 3, 5, 4, 4, 4),
                    total=49,
                    subscales={"goals": 14, "tasks": 16, "bond": 19},
                ),
            ),
        ),
        SpecSection(
            "Missing and invalid answers",
            "Every item is needed (no published prorating rule; configurable). The scale starts "
            "at 1, so 0 is refused.",
            (
                SpecRow((4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, _), rejected="item 12 is required"),
                SpecRow((0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4), rejected="item 1: 0 is out of range"),
                SpecRow((6, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4), rejected="item 1: 6 is out of range"),
            ),
        ),
    ),
)
