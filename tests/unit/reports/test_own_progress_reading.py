"""The client's own progress page: the sentences follow from the numbers, and the chart is a
chart (an accessible SVG sized for a phone), not a long table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bordin.domain.instruments import get_instrument
from bordin.reports.progress_chart import render_progress_svg
from bordin.services.progress import Point, _measure

START = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)


def _points(*totals: float) -> tuple[Point, ...]:
    return tuple(Point(i + 1, START + timedelta(weeks=i), t) for i, t in enumerate(totals))


def _reading(*totals: float) -> str:
    return " ".join(_measure(get_instrument("phq9"), _points(*totals)).sentences)


def test_a_small_drop_is_not_called_an_improvement() -> None:
    said = _reading(15, 13)  # PHQ-9 reliable change is 6 points
    assert "gone down by 2 points" in said
    assert "improvement" not in said
    assert "Changes smaller than 6 points can be everyday ups and downs." in said


def test_a_reliable_drop_is_called_a_real_improvement() -> None:
    said = _reading(18, 14, 9)
    assert "gone down by 9 points: more than everyday ups and downs, a real improvement." in said


def test_a_reliable_rise_in_difficulties_suggests_talking_it_over() -> None:
    said = _reading(6, 14)
    assert "gone up by 8 points" in said and "improvement" not in said
    assert "talk it over with your therapist" in said


def test_the_chart_names_itself_and_carries_the_reading_for_screen_readers() -> None:
    measure = _measure(get_instrument("phq9"), _points(*range(20, 4, -1)))
    svg = render_progress_svg(
        [p.total for p in measure.points],
        [p.session_number for p in measure.points],
        title="PHQ-9: your scores",
        score_min=measure.score_min,
        score_max=measure.score_max,
        higher_is_better=measure.higher_is_better,
        description=" ".join(measure.sentences),
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-label="PHQ-9: your scores"' in svg
    assert "Your latest score is 5 out of 27" in svg  # the <desc>
    width = float(svg.split('width="', 1)[1].split("pt", 1)[0])
    assert width <= 390 * 0.75  # 390 px in points: drawn for a phone, never wider
    assert svg == render_progress_svg(
        [p.total for p in measure.points],
        [p.session_number for p in measure.points],
        title="PHQ-9: your scores",
        score_min=measure.score_min,
        score_max=measure.score_max,
        higher_is_better=measure.higher_is_better,
        description=" ".join(measure.sentences),
    )
