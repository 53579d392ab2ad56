"""Session Alliance Check scoring, row by row (rendered into docs/instruments/bordin_sac.md)."""

from bordin.domain.instruments.specs import InstrumentSpec, SpecRow, SpecSection

_ = None  # a missing answer

SPEC = InstrumentSpec(
    instrument_id="bordin_sac",
    sections=(
        SpecSection(
            "Total and the four dimensions",
            "Four items 0–10 (goals, tasks, bond, overall); the total is their sum (0–40) and "
            "each item is its own subscale. The check is not validated, so no cut-off is "
            "flagged: Bordin watches each client's ratings against their own baseline.",
            (
                SpecRow(
                    (10, 10, 10, 10),
                    total=40,
                    subscales={"goals": 10, "tasks": 10, "bond": 10, "overall": 10},
                ),
                SpecRow(
                    (8, 6, 9, 7),
                    total=30,
                    subscales={"goals": 8, "tasks": 6, "bond": 9, "overall": 7},
                ),
                SpecRow(
                    (0, 0, 0, 0),
                    total=0,
                    subscales={"goals": 0, "tasks": 0, "bond": 0, "overall": 0},
                    note="no cut-off, so nothing is flagged here",
                ),
                SpecRow(
                    {"goals": 8, "tasks": 7, "bond": 9, "overall": 8},
                    total=32,
                    subscales={"goals": 8, "tasks": 7, "bond": 9, "overall": 8},
                    note="answers by link id",
                ),
            ),
        ),
        SpecSection(
            "Missing and invalid answers",
            "All four ratings are needed; they are whole numbers 0–10. The free-text question "
            "is optional and never scored.",
            (
                SpecRow((8, _, 9, 8), rejected="item 2 is required"),
                SpecRow((8, 7.5, 9, 8), rejected="item 2: 7.5 must be a whole number"),
                SpecRow((8, 11, 9, 8), rejected="item 2: 11 is out of range"),
                SpecRow({"goals": 8, "didnt_land": 3}, rejected="has no item 'didnt_land'"),
            ),
        ),
    ),
)
