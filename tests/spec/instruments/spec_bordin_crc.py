"""Cultural Responsiveness Check scoring, row by row (docs/instruments/bordin_crc.md)."""

from bordin.domain.instruments.specs import InstrumentSpec, SpecRow, SpecSection

_ = None  # a missing answer

SPEC = InstrumentSpec(
    instrument_id="bordin_crc",
    sections=(
        SpecSection(
            "Total",
            "Five statements rated 0–4 (Not at all … Completely); the total is their sum "
            "(0–20), higher is better. The check is not validated, so no cut-off is flagged "
            "here; a low or falling rating is a signal (any statement at 1 or below, a total "
            "of 10 or less, or a fall of 4 points from the client's best).",
            (
                SpecRow((4, 4, 4, 4, 4), total=20),
                SpecRow((3, 4, 2, 3, 4), total=16),
                SpecRow((0, 0, 0, 0, 0), total=0, note="no cut-off, so nothing is flagged here"),
                SpecRow(
                    {"understood": 3, "safe": 1, "checked": 2, "fitted": 2, "welcome": 3},
                    total=11,
                    note="answers by link id",
                ),
            ),
        ),
        SpecSection(
            "Missing and invalid answers",
            "All five ratings are needed; they are whole numbers 0–4. The free-text question "
            "is optional and never scored.",
            (
                SpecRow((4, _, 4, 4, 4), rejected="item 2 is required"),
                SpecRow((4, 2.5, 4, 4, 4), rejected="item 2: 2.5 must be a whole number"),
                SpecRow((4, 5, 4, 4, 4), rejected="item 2: 5 is out of range"),
            ),
        ),
    ),
)
