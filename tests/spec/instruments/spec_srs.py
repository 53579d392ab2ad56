"""SRS scoring, row by row (rendered into docs/instruments/srs.md)."""

from bordin.domain.instruments.specs import InstrumentSpec, SpecRow, SpecSection

_ = None  # a missing answer

SPEC = InstrumentSpec(
    instrument_id="srs",
    sections=(
        SpecSection(
            "Total, subscales and the cut-off",
            "Each line is measured 0–10 to 0.1; the total is their sum (0–40). The four lines "
            "are, in order: relationship (bond), goals and topics (goals), approach or method "
            "(tasks), overall. A total *below* 36 is on the concern side of the cut-off.",
            (
                SpecRow(
                    (10, 10, 10, 10),
                    total=40,
                    subscales={"goals": 10, "tasks": 10, "bond": 10, "overall": 10},
                ),
                SpecRow(
                    (9, 9, 9, 9),
                    total=36,
                    subscales={"goals": 9, "tasks": 9, "bond": 9, "overall": 9},
                    note="36 itself is not below the cut-off",
                ),
                SpecRow(
                    (9, 9, 9, 8.9),
                    total=35.9,
                    cutoff_exceeded=True,
                    subscales={"goals": 9, "tasks": 9, "bond": 9, "overall": 8.9},
                ),
                SpecRow(
                    (9.1, 8.5, 9, 7.3),
                    total=33.9,
                    cutoff_exceeded=True,
                    subscales={"goals": 8.5, "tasks": 9, "bond": 9.1, "overall": 7.3},
                ),
                SpecRow(
                    (0, 0, 0, 0),
                    total=0,
                    cutoff_exceeded=True,
                    subscales={"goals": 0, "tasks": 0, "bond": 0, "overall": 0},
                ),
            ),
        ),
        SpecSection(
            "Missing and invalid answers",
            "All four lines are needed. Marks off the line, or finer than a millimetre, are "
            "refused.",
            (
                SpecRow((9, 9, _, 9), rejected="item 3 is required"),
                SpecRow((10.1, 9, 9, 9), rejected="item 1: 10.1 is out of range"),
                SpecRow((9.15, 9, 9, 9), rejected="finer than the scale's resolution"),
            ),
        ),
    ),
)
