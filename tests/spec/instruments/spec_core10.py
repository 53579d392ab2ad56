"""CORE-10 scoring, row by row (rendered into docs/instruments/core10.md)."""

from bordin.domain.instruments.specs import InstrumentSpec, SpecRow, SpecSection

_ = None  # a missing answer

SPEC = InstrumentSpec(
    instrument_id="core10",
    sections=(
        SpecSection(
            "Reverse keying of items 2 and 3",
            "Items 2 and 3 are positively worded: an answer of 0 counts 4, 4 counts 0. So "
            "answering 0 to every item gives 8, not 0.",
            (
                SpecRow((0, 0, 0, 0, 0, 0, 0, 0, 0, 0), total=8, band="healthy/low"),
                SpecRow((0, 4, 4, 0, 0, 0, 0, 0, 0, 0), total=0, band="healthy/low"),
                SpecRow((0, 2, 2, 0, 0, 0, 0, 0, 0, 0), total=4, band="healthy/low"),
            ),
        ),
        SpecSection(
            "Clinical score, bands and the cut-off",
            "With every item answered the clinical score is the plain total, 0–40. A clinical "
            "score of 11 or more is on the clinical side of the cut-off.",
            (
                SpecRow((1, 3, 3, 1, 1, 0, 1, 1, 1, 1), total=9, band="healthy/low"),
                SpecRow(
                    (1, 3, 3, 1, 1, 0, 1, 1, 2, 1), total=10, band="healthy/low", note="just below"
                ),
                SpecRow(
                    (2, 3, 3, 1, 1, 0, 1, 1, 2, 1),
                    total=11,
                    band="mild",
                    cutoff_exceeded=True,
                    note="the cut-off itself counts",
                ),
                SpecRow(
                    (2, 2, 2, 2, 2, 0, 2, 2, 2, 2), total=18, band="moderate", cutoff_exceeded=True
                ),
                SpecRow(
                    (3, 1, 1, 3, 3, 0, 3, 3, 3, 2), total=26, band="severe", cutoff_exceeded=True
                ),
                SpecRow(
                    (4, 0, 0, 4, 4, 4, 4, 4, 4, 4),
                    total=40,
                    band="severe",
                    cutoff_exceeded=True,
                    risk_items=("q6",),
                ),
            ),
        ),
        SpecSection(
            "Item 6 is the risk item",
            "Any answer above 0 on item 6 is flagged.",
            (
                SpecRow(
                    (0, 4, 4, 0, 0, 1, 0, 0, 0, 0), total=1, band="healthy/low", risk_items=("q6",)
                ),
            ),
        ),
        SpecSection(
            "Prorating: 10 × total ÷ items answered",
            "With one item missing the clinical score is 10 × the total of the nine answered "
            "items ÷ 9, rounded to 2 decimals. With two or more missing there is no score "
            "(the limit is configurable; the manual's exact rule was not confirmed).",
            (
                SpecRow(
                    (2, 2, 2, 2, 2, 2, 2, 2, 2, _),
                    total=20,
                    band="moderate-severe",
                    cutoff_exceeded=True,
                    risk_items=("q6",),
                    prorated=True,
                    note="18 over 9 items",
                ),
                SpecRow(
                    (1, 4, 4, 1, 1, 0, 1, 1, _, 1),
                    total=6.67,
                    band="healthy/low",
                    prorated=True,
                    note="6 over 9 items",
                ),
                SpecRow(
                    (2, 3, 3, 2, 1, 0, 1, 1, _, 1),
                    total=11.11,
                    band="mild",
                    cutoff_exceeded=True,
                    prorated=True,
                    note="10 over 9 items crosses the cut-off",
                ),
                SpecRow(
                    (1, 3, 3, 1, 1, _, 1, 1, 1, 1),
                    total=10,
                    band="healthy/low",
                    prorated=True,
                    note="a missing risk item is not flagged: ask about it",
                ),
                SpecRow(
                    (2, 2, 2, 2, 2, 2, 2, 2, _, _), rejected="2 of 10 scored items are missing"
                ),
            ),
        ),
        SpecSection(
            "Invalid answers",
            "Answers off the 0–4 scale are refused.",
            (
                SpecRow((5, 2, 2, 2, 2, 2, 2, 2, 2, 2), rejected="item 1: 5 is out of range"),
                SpecRow((2, 2, 2, 2, 2, 2, 2, 2, 2), rejected="core10 takes 10 values"),
            ),
        ),
    ),
)
