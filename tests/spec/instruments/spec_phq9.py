"""PHQ-9 scoring, row by row (rendered into docs/instruments/phq9.md)."""

from bordin.domain.instruments.specs import InstrumentSpec, SpecRow, SpecSection

_ = None  # a missing answer

SPEC = InstrumentSpec(
    instrument_id="phq9",
    sections=(
        SpecSection(
            "Totals and severity bands",
            "The total is the sum of items 1–9 (0–27). A total of 10 or more is on the clinical "
            "side of the cut-off.",
            (
                SpecRow((0, 0, 0, 0, 0, 0, 0, 0, 0), total=0, band="minimal"),
                SpecRow((1, 1, 1, 1, 0, 0, 0, 0, 0), total=4, band="minimal"),
                SpecRow((1, 1, 1, 1, 1, 0, 0, 0, 0), total=5, band="mild"),
                SpecRow(
                    (2, 2, 2, 1, 1, 1, 0, 0, 0), total=9, band="mild", note="just below the cut-off"
                ),
                SpecRow(
                    (2, 2, 2, 2, 1, 1, 0, 0, 0),
                    total=10,
                    band="moderate",
                    cutoff_exceeded=True,
                    note="the cut-off itself counts",
                ),
                SpecRow(
                    (3, 3, 2, 2, 2, 2, 0, 0, 0), total=14, band="moderate", cutoff_exceeded=True
                ),
                SpecRow(
                    (3, 3, 3, 2, 2, 2, 0, 0, 0),
                    total=15,
                    band="moderately severe",
                    cutoff_exceeded=True,
                ),
                SpecRow(
                    (3, 3, 3, 3, 3, 2, 2, 0, 0),
                    total=19,
                    band="moderately severe",
                    cutoff_exceeded=True,
                ),
                SpecRow((3, 3, 3, 3, 3, 3, 2, 0, 0), total=20, band="severe", cutoff_exceeded=True),
                SpecRow(
                    (3, 3, 3, 3, 3, 3, 3, 3, 3),
                    total=27,
                    band="severe",
                    cutoff_exceeded=True,
                    risk_items=("q9",),
                ),
            ),
        ),
        SpecSection(
            "Item 9 is the risk item",
            "Any answer above 0 on item 9 is flagged, whatever the total. It is a trigger for "
            "same-day follow-up, never the only risk screen.",
            (
                SpecRow((0, 0, 0, 0, 0, 0, 0, 0, 1), total=1, band="minimal", risk_items=("q9",)),
                SpecRow((1, 1, 1, 1, 1, 1, 1, 1, 0), total=8, band="mild", note="not flagged"),
            ),
        ),
        SpecSection(
            "The difficulty question is not scored",
            "A tenth value, the difficulty question (0–3), may be given; it never changes the "
            "total.",
            (
                SpecRow((1, 1, 1, 1, 1, 1, 1, 1, 1, 3), total=9, band="mild", risk_items=("q9",)),
                SpecRow((0, 0, 0, 0, 0, 0, 0, 0, 0, 2), total=0, band="minimal"),
                SpecRow((0, 0, 0, 0, 0, 0, 0, 0, 0, _), total=0, band="minimal"),
            ),
        ),
        SpecSection(
            "Missing and invalid answers",
            "No PHQ-9 score is computed with a symptom item missing (no published prorating "
            "rule was confirmed; configurable). Answers off the 0–3 scale are refused.",
            (
                SpecRow((1, 1, 1, 1, _, 1, 1, 1, 1), rejected="item 5 is required"),
                SpecRow((1, 1, 1, 1, 4, 1, 1, 1, 1), rejected="item 5: 4 is out of range"),
                SpecRow((1, 1, 1, 1, -1, 1, 1, 1, 1), rejected="item 5: -1 is out of range"),
                SpecRow((1, 1, 1, 1, 1.5, 1, 1, 1, 1), rejected="must be a whole number"),
                SpecRow((1, 1, 1), rejected="phq9 takes 9 or 10 values"),
                SpecRow({"q1": 1, "q99": 2}, rejected="phq9 has no item 'q99'"),
            ),
        ),
    ),
)
