"""GAD-7 scoring, row by row (rendered into docs/instruments/gad7.md)."""

from bordin.domain.instruments.specs import InstrumentSpec, SpecRow, SpecSection

_ = None  # a missing answer

SPEC = InstrumentSpec(
    instrument_id="gad7",
    sections=(
        SpecSection(
            "Totals and severity bands",
            "The total is the sum of the seven items (0–21). Bordin's default cut-off is 8, "
            "NHS Talking Therapies caseness; configure 10 for the diagnostic cut-off.",
            (
                SpecRow((0, 0, 0, 0, 0, 0, 0), total=0, band="minimal"),
                SpecRow((1, 1, 1, 1, 0, 0, 0), total=4, band="minimal"),
                SpecRow((1, 1, 1, 1, 1, 0, 0), total=5, band="mild"),
                SpecRow((1, 1, 1, 1, 1, 1, 1), total=7, band="mild", note="just below caseness"),
                SpecRow(
                    (2, 1, 1, 1, 1, 1, 1),
                    total=8,
                    band="mild",
                    cutoff_exceeded=True,
                    note="caseness starts at 8",
                ),
                SpecRow((2, 2, 2, 1, 1, 1, 1), total=10, band="moderate", cutoff_exceeded=True),
                SpecRow((2, 2, 2, 2, 2, 2, 2), total=14, band="moderate", cutoff_exceeded=True),
                SpecRow((3, 2, 2, 2, 2, 2, 2), total=15, band="severe", cutoff_exceeded=True),
                SpecRow((3, 3, 3, 3, 3, 3, 3), total=21, band="severe", cutoff_exceeded=True),
            ),
        ),
        SpecSection(
            "Missing and invalid answers",
            "No score with an item missing (configurable). Answers off the 0–3 scale are "
            "refused. The GAD-7 has no risk item.",
            (
                SpecRow((1, 1, 1, _, 1, 1, 1), rejected="item 4 is required"),
                SpecRow((1, 1, 1, 1, 1, 1, 7), rejected="item 7: 7 is out of range"),
                SpecRow((1, 1, 1, 1, 1, 1, 1, 1), rejected="gad7 takes 7 values"),
                SpecRow((1, 1, 1, 1, 1, 1, "2"), rejected="is not a number"),
            ),
        ),
    ),
)
