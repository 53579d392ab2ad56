"""ORS scoring, row by row (rendered into docs/instruments/ors.md)."""

from bordin.domain.instruments.specs import InstrumentSpec, SpecRow, SpecSection

_ = None  # a missing answer

SPEC = InstrumentSpec(
    instrument_id="ors",
    sections=(
        SpecSection(
            "Total and the adult cut-off",
            "Each line is measured 0–10 to 0.1; the total is their sum (0–40), higher is "
            "better. A total *below* 25 is in the clinical range (adults).",
            (
                SpecRow((5, 5, 5, 5), total=20, cutoff_exceeded=True, note="a typical intake"),
                SpecRow((6.2, 6.2, 6.2, 6.3), total=24.9, cutoff_exceeded=True),
                SpecRow((6.2, 6.3, 6.2, 6.3), total=25, note="25 itself is not clinical"),
                SpecRow((10, 10, 10, 10), total=40),
                SpecRow((0, 0, 0, 0), total=0, cutoff_exceeded=True),
            ),
        ),
        SpecSection(
            "Missing and invalid answers",
            "All four lines are needed; marks off the line are refused.",
            (
                SpecRow((5, _, 5, 5), rejected="item 2 is required"),
                SpecRow((5, 5, 5, -0.1), rejected="item 4: -0.1 is out of range"),
            ),
        ),
    ),
)
