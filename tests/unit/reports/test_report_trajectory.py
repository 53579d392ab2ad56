"""A trajectory's text alternative, data table and validation."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bordin.domain.errors import InvalidInput
from bordin.reports.examples import example_couple_trajectory, example_trajectory
from bordin.reports.trajectory import (
    Band,
    Marker,
    Series,
    Trajectory,
    TrajectoryPoint,
    describe_trajectory,
    trajectory_columns,
    trajectory_data_table,
    trajectory_table,
)

DAY = dt.date(2025, 1, 6)


def _series(values: list[float], **kwargs: object) -> Series:
    points = tuple(
        TrajectoryPoint(i + 1, DAY + dt.timedelta(weeks=i), v) for i, v in enumerate(values)
    )
    fields: dict[str, object] = {
        "label": "Overall",
        "instrument_id": "bordin_sac",
        "kind": "alliance",
        "dimension": "overall",
        "points": points,
    }
    fields.update(kwargs)
    return Series(**fields)  # type: ignore[arg-type]


def test_the_text_alternative_mentions_the_rupture_and_its_session() -> None:
    text = describe_trajectory(example_trajectory())
    assert "Possible rupture (detected from ratings) at session 4" in text
    assert "rupture logged by the therapist at session 4" in text
    assert "repair at session 6" in text


def test_the_text_alternative_gives_the_last_values() -> None:
    text = describe_trajectory(example_trajectory())
    assert "Last values:" in text
    assert "Overall 10 (session 10)" in text
    assert "PHQ-9 7 (session 10)" in text


def test_the_text_alternative_describes_the_trend_and_the_dip() -> None:
    text = describe_trajectory(example_trajectory())
    assert "Overall rose from 8 at session 1 to 10 at session 10, dipping to 6 at session 4" in text
    assert "PHQ-9 fell from 18 at session 1 to 7 at session 10" in text


def test_the_text_alternative_places_the_last_score_against_cutoff_and_band() -> None:
    text = describe_trajectory(example_trajectory())
    assert "The last PHQ-9 score is below the cut-off of 10." in text
    assert "expected range of 7.7 to 15" in text


def test_the_text_alternative_speaks_of_each_partner_in_couples_work() -> None:
    text = describe_trajectory(example_couple_trajectory())
    assert "Partner A: Overall fell from 8" in text
    assert "Partner B: Overall rose from 9" in text
    assert "(Partner A) at session 5" in text


def test_the_text_alternative_says_when_nothing_went_wrong() -> None:
    calm = Trajectory("Calm", (_series([8, 9, 9]),))
    assert "No ruptures were detected or logged." in describe_trajectory(calm)


def test_the_text_alternative_of_an_empty_trajectory_says_so() -> None:
    assert describe_trajectory(Trajectory("New", ())) == "New: no ratings recorded yet."


def test_the_table_has_one_row_per_session_with_every_series() -> None:
    trajectory = example_trajectory()
    rows = trajectory_table(trajectory)
    assert [row["session"] for row in rows] == list(range(1, 11))
    assert rows[3]["Tasks"] == 5.0
    assert rows[3]["date"] == "2025-01-27"
    assert rows[0]["expected_lower"] == 16.0
    assert set(rows[0]) == set(trajectory_columns(trajectory))


def test_the_table_lists_the_events_at_each_session() -> None:
    rows = trajectory_table(example_trajectory())
    assert "possible rupture (detected from ratings)" in str(rows[3]["events"])
    assert "rupture logged by the therapist: withdrawal" in str(rows[3]["events"])
    assert rows[5]["events"] == "repair: back to the pre-drop level"
    assert rows[0]["events"] == ""


def test_the_table_leaves_a_blank_where_a_session_was_not_rated() -> None:
    gappy = Trajectory(
        "Gappy",
        (
            _series([8, 9]),
            _series(
                [15, 12, 10], label="PHQ-9", instrument_id="phq9", kind="outcome", dimension="total"
            ),
        ),
    )
    rows = trajectory_table(gappy)
    assert rows[2]["Overall"] is None
    assert rows[2]["PHQ-9"] == 10


def test_couples_columns_name_the_partner() -> None:
    columns = trajectory_columns(example_couple_trajectory())
    assert "Partner A: Goals" in columns
    assert "Partner B: Goals" in columns


def test_it_refuses_two_scores_for_one_session_in_one_series() -> None:
    twice = (TrajectoryPoint(1, DAY, 8), TrajectoryPoint(1, DAY, 9))
    with pytest.raises(InvalidInput, match="same session"):
        Trajectory("Twice", (dataclasses.replace(_series([8]), points=twice),))


def test_it_refuses_a_band_whose_lengths_disagree() -> None:
    with pytest.raises(InvalidInput, match="expected_band"):
        Trajectory("Band", (), expected_band=Band((1, 2), (1.0,), (2.0, 3.0)))


def test_it_refuses_an_unknown_marker_kind() -> None:
    with pytest.raises(InvalidInput, match=r"markers\[0\]\.kind"):
        Trajectory("Odd", (), markers=(Marker(1, "tea_break"),))  # type: ignore[arg-type]


def test_it_names_the_instrument_in_cutoff_sentences_from_instrument_names() -> None:
    t = Trajectory(
        "Named",
        (
            _series(
                [14, 12],
                label="Depression",
                instrument_id="phq9",
                kind="outcome",
                dimension="total",
            ),
        ),
        cutoffs={"phq9": 10},
        instrument_names={"phq9": "PHQ-9"},
    )
    assert t.instrument_label("phq9") == "PHQ-9"
    assert "above the cut-off of 10" in describe_trajectory(t)


def test_the_shown_table_has_plain_headings_and_no_long_decimals() -> None:
    odd = Trajectory(
        "Odd",
        (_series([8.0, 7.3333333, 9.26]),),
        expected_band=Band(
            session_numbers=(1, 2, 3),
            lower=(16.04123, 14.4, 13.0),
            upper=(20.0, 19.2666667, 18.4),
            instrument_id="phq9",
        ),
    )
    table = trajectory_data_table(odd)
    assert table.headers == ("Session", "Date", "Overall", "Expected range", "What happened")
    assert not any("_" in header for header in table.headers)
    assert table.rows[0] == ("1", "06 Jan 2025", "8", "16–20", "")
    assert table.rows[1][2:4] == ("7.3", "14.4–19.3")
    assert table.rows[2][2] == "9.3"
    assert all(len(cell.partition(".")[2]) <= 1 for row in table.rows for cell in row[2:3])


def test_the_shown_table_can_write_dates_the_reports_way() -> None:
    table = trajectory_data_table(example_trajectory(), day=lambda d: f"{d.day} {d:%B %Y}")
    assert table.rows[0][1] == "6 January 2025"
