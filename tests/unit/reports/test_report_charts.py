"""The trajectory chart and the sparkline: valid, accessible, complete and deterministic SVG."""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from bordin.reports.charts import (
    MARKER_STYLES,
    encoding_table,
    render_sparkline_svg,
    render_trajectory_png,
    render_trajectory_svg,
)
from bordin.reports.examples import example_couple_trajectory, example_trajectory
from bordin.reports.trajectory import Series, Trajectory, TrajectoryPoint

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


@pytest.fixture(scope="module")
def individual_svg() -> str:
    return render_trajectory_svg(example_trajectory())


@pytest.fixture(scope="module")
def couple_svg() -> str:
    return render_trajectory_svg(example_couple_trajectory())


def test_it_renders_svg_that_parses_as_xml(individual_svg: str) -> None:
    root = ET.fromstring(individual_svg)
    assert root.tag == f"{SVG}svg"


def test_it_drops_the_xml_prolog_so_the_svg_can_be_inlined_in_html(individual_svg: str) -> None:
    assert individual_svg.lstrip().startswith("<svg")
    assert "<!DOCTYPE" not in individual_svg


def test_it_gives_the_svg_an_accessible_name_and_description(individual_svg: str) -> None:
    root = ET.fromstring(individual_svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Example-Robin (synthetic client)"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text == "Example-Robin (synthetic client)"
    assert desc is not None and "rupture" in (desc.text or "")
    assert root.get("aria-describedby") == desc.get("id")


def test_it_keeps_text_as_text_not_glyph_paths(individual_svg: str) -> None:
    texts = _texts(individual_svg)
    assert "Session" in texts
    assert "Alliance rating" in texts


def test_it_labels_every_alliance_dimension_and_outcome_measure(individual_svg: str) -> None:
    texts = _texts(individual_svg)
    for label in ("Goals", "Tasks", "Bond", "Overall", "PHQ-9", "GAD-7"):
        assert label in texts


def test_it_labels_the_cutoff_lines(individual_svg: str) -> None:
    texts = _texts(individual_svg)
    assert "PHQ-9 cut-off (10)" in texts
    assert "GAD-7 cut-off (8)" in texts


def test_it_shows_the_expected_recovery_band_in_the_legend(individual_svg: str) -> None:
    assert "expected recovery (default model)" in _texts(individual_svg)


def test_it_names_detected_and_logged_ruptures_and_repairs_in_the_legend(
    individual_svg: str,
) -> None:
    texts = _texts(individual_svg)
    assert "possible rupture (detected from ratings)" in texts
    assert "rupture logged by the therapist" in texts
    assert "repair" in texts


def test_detected_and_logged_ruptures_differ_by_shape_and_line_not_only_colour() -> None:
    detected, logged = MARKER_STYLES["rupture_detected"], MARKER_STYLES["rupture_logged"]
    assert detected.marker != logged.marker
    assert detected.linestyle != logged.linestyle


def test_the_couples_chart_shows_both_partners_alliance(couple_svg: str) -> None:
    texts = _texts(couple_svg)
    for partner in ("Partner A", "Partner B"):
        for dimension in ("Goals", "Bond", "Overall"):
            assert f"{partner}: {dimension}" in texts


def test_the_couples_chart_tells_partners_apart_by_line_style(couple_svg: str) -> None:
    # Partner B's lines are dashed: a dasharray appears on alliance lines, not only on events.
    root = ET.fromstring(couple_svg)
    styles = [p.get("style", "") for p in root.iter(f"{SVG}path")]
    dashed_blue = [s for s in styles if "stroke-dasharray" in s and "#0072b2" in s]
    solid_blue = [s for s in styles if "stroke-dasharray" not in s and "#0072b2" in s]
    assert dashed_blue and solid_blue


def test_the_couples_chart_says_whose_rupture_it_is(couple_svg: str) -> None:
    assert "Partner A" in _texts(couple_svg)


def test_the_same_trajectory_gives_the_same_svg_bytes() -> None:
    assert render_trajectory_svg(example_trajectory()) == render_trajectory_svg(
        example_trajectory()
    )


def test_different_trajectories_get_different_element_ids(
    individual_svg: str, couple_svg: str
) -> None:
    def ids(svg: str) -> set[str]:
        return {el.get("id") for el in ET.fromstring(svg).iter() if el.get("id")} - {None}

    assert not ids(individual_svg) & ids(couple_svg)


def test_the_svg_has_no_date_metadata(individual_svg: str) -> None:
    assert "<dc:date>" not in individual_svg


def test_it_escapes_markup_in_titles_and_labels() -> None:
    base = example_trajectory()
    hostile = dataclasses.replace(base, title='Client <script>"x"</script> & co')
    svg = render_trajectory_svg(hostile)
    root = ET.fromstring(svg)
    assert root.get("aria-label") == 'Client <script>"x"</script> & co'
    assert "<script>" not in svg


def test_it_draws_a_trajectory_with_no_ratings_yet() -> None:
    empty = Trajectory(title="New client", series=())
    svg = render_trajectory_svg(empty)
    assert "No ratings recorded yet." in _texts(svg)


def test_it_draws_outcome_only_trajectories_with_markers() -> None:
    base = example_trajectory()
    outcome_only = dataclasses.replace(base, series=base.outcome_series)
    texts = _texts(render_trajectory_svg(outcome_only))
    assert "PHQ-9" in texts
    assert "Alliance rating" not in texts
    assert "repair" in texts


def test_it_leaves_out_a_cutoff_that_lies_off_the_lines_scale() -> None:
    day = dt.date(2025, 1, 6)
    item = Series(
        "Goals",
        "srs",
        "alliance",
        "goals",
        (TrajectoryPoint(1, day, 8.0),),
        scale=(0.0, 10.0),
    )
    texts = _texts(render_trajectory_svg(Trajectory("Item only", (item,), cutoffs={"srs": 36})))
    assert not any("cut-off" in t for t in texts)


def test_the_png_preview_is_a_png() -> None:
    assert render_trajectory_png(example_trajectory(), dpi=40).startswith(b"\x89PNG")


def test_the_encoding_table_lists_every_event_kind() -> None:
    table = encoding_table()
    for name in ("possible rupture", "rupture logged", "repair", "cut-off", "partner 2"):
        assert name in table


# --- sparkline --------------------------------------------------------------------------------


def test_the_sparkline_has_an_accessible_name() -> None:
    svg = render_sparkline_svg([30, 32, 35], minimum=0, maximum=40, label="Alliance 30, 32, 35")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Alliance 30, 32, 35"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Alliance 30, 32, 35"


def test_the_sparkline_clamps_values_to_its_range() -> None:
    svg = render_sparkline_svg([-50, 500], width=100, height=20, minimum=0, maximum=40, label="x")
    path = ET.fromstring(svg).find(f"{SVG}path")
    assert path is not None
    ys = [
        float(part.split()[1])
        for part in path.get("d", "").replace("M", "|").replace("L", "|").split("|")
        if part.strip()
    ]
    assert ys == [17.0, 3.0]  # bottom and top edge inside the 3-pixel padding


def test_the_sparkline_leaves_a_gap_for_unrated_sessions() -> None:
    svg = render_sparkline_svg([30, None, 32, 34], minimum=0, maximum=40, label="x")
    d = ET.fromstring(svg).find(f"{SVG}path")
    assert d is not None and d.get("d", "").count("M") == 2


def test_the_sparkline_marks_the_last_score() -> None:
    svg = render_sparkline_svg([30, 31], width=100, minimum=0, maximum=40, label="x")
    circle = ET.fromstring(svg).find(f"{SVG}circle")
    assert circle is not None and circle.get("cx") == "97.0"


def test_the_sparkline_with_no_values_is_still_labelled() -> None:
    root = ET.fromstring(render_sparkline_svg([], minimum=0, maximum=40, label="no ratings"))
    assert root.get("aria-label") == "no ratings"
    assert root.find(f"{SVG}path") is None


def test_the_sparkline_refuses_an_empty_range() -> None:
    with pytest.raises(ValueError, match="maximum"):
        render_sparkline_svg([1], minimum=5, maximum=5, label="x")
