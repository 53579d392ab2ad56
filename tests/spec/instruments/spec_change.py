"""Reliable and clinically significant change, and NHS Talking Therapies outcomes, row by row.

Rendered into docs/instruments/change.md.
"""

from bordin.domain.instruments.specs import ChangeRow, ChangeSpec, TalkingTherapiesRow
from bordin.domain.instruments.talking_therapies import PairedScores as P

CHANGE_SPEC = ChangeSpec(
    change_rows=(
        ChangeRow("phq9", 18, 8, True, "improved", "recovered", "−10, and below 10"),
        ChangeRow("phq9", 12, 6, True, "improved", "recovered", "exactly 6 points is reliable"),
        ChangeRow("phq9", 18, 11, True, "improved", "reliably_improved", "still at or above 10"),
        ChangeRow("phq9", 14, 9, False, "improved", "no_reliable_change", "crossed, not reliable"),
        ChangeRow("phq9", 8, 15, True, "deteriorated", "reliably_deteriorated"),
        ChangeRow("phq9", 12, 12, False, "none", "no_reliable_change"),
        ChangeRow("gad7", 12, 7, True, "improved", "recovered", "below caseness (8)"),
        ChangeRow("gad7", 12, 9, False, "improved", "no_reliable_change"),
        ChangeRow("core10", 18, 8, True, "improved", "recovered", "criterion c = 10.46"),
        ChangeRow(
            "core10", 17, 10.5, True, "improved", "reliably_improved", "10.5 is above criterion c"
        ),
        ChangeRow("core10", 17, 10.4, True, "improved", "recovered", "10.4 is below criterion c"),
        ChangeRow("core10", 5, 11, True, "deteriorated", "reliably_deteriorated"),
        ChangeRow("ors", 18, 26, True, "improved", "recovered", "higher is better; crossed 25"),
        ChangeRow("ors", 18, 22, False, "improved", "no_reliable_change"),
        ChangeRow("ors", 30, 24, True, "deteriorated", "reliably_deteriorated"),
    ),
    talking_therapies_rows=(
        TalkingTherapiesRow(
            P(15, 12), P(6, 5), True, False, True, True, False, True, "reliable recovery"
        ),
        TalkingTherapiesRow(
            P(12, 6),
            P(9, 5),
            True,
            False,
            True,
            False,
            False,
            False,
            "recovered, but the change is within measurement error",
        ),
        TalkingTherapiesRow(
            P(8, 7),
            P(3, 2),
            False,
            False,
            None,
            True,
            False,
            None,
            "not a case at the start: cannot recover, can improve",
        ),
        TalkingTherapiesRow(
            P(14, 9), P(10, 5), True, True, False, True, False, False, "GAD-7 −4; PHQ-9 still 10"
        ),
        TalkingTherapiesRow(
            P(10, 8), P(17, 14), True, True, False, False, True, False, "reliable deterioration"
        ),
        TalkingTherapiesRow(
            P(15, 6),
            P(8, 11),
            True,
            True,
            False,
            False,
            False,
            False,
            "mixed: PHQ-9 −7, GAD-7 +5 counts as neither (configurable)",
        ),
    ),
)
