"""The supervision report: contents, privacy, developmental framing, and the PDF."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from bordin.domain.errors import NotFound
from bordin.reports.examples import example_supervision_report, example_trajectory
from bordin.reports.supervision_report import (
    PRIVACY_NOTICE,
    ClientSection,
    RuptureEntry,
    SupervisionReportData,
    client_prompts,
    clients_of_concern,
    render_supervision_report_html,
    render_supervision_report_pdf,
    single_client_report,
)

GENERATED = dt.datetime(2025, 4, 1, 9, 30)


@pytest.fixture(scope="module")
def html() -> str:
    return render_supervision_report_html(example_supervision_report(GENERATED))


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_supervision_report_pdf(example_supervision_report(GENERATED))


def test_the_report_says_it_is_private_to_therapist_and_supervisor(html: str) -> None:
    assert PRIVACY_NOTICE == "Private: for the therapist and their supervisor"
    assert PRIVACY_NOTICE in html
    # The same words head every printed page (CSS-escaped inside the @page rule).
    assert "@top-left" in html and "Private: for the therapist and their supervisor" in html


def test_the_report_names_therapist_supervisor_and_period(html: str) -> None:
    assert "Test-Alice (synthetic therapist)" in html
    assert "Test-Bob (synthetic supervisor)" in html
    assert "1 January 2025 to 31 March 2025" in html


def test_the_report_inlines_each_clients_chart_as_accessible_svg(html: str) -> None:
    assert html.count('role="img" aria-label="Example-Robin (synthetic client)"') == 1
    assert 'aria-label="Example-Kit and Example-Sam (synthetic couple)"' in html
    assert "<?xml" not in html


def test_the_report_gives_each_chart_its_text_alternative_and_data_table(html: str) -> None:
    assert "<figcaption>Example-Robin (synthetic client). Alliance: Overall rose" in html
    assert "Data table for this chart" in html
    assert '<th scope="col">Partner A: Goals</th>' in html


def test_the_report_lists_signals_and_the_rupture_log(html: str) -> None:
    assert "Possible rupture" in html
    assert "more than 2 SD below the client&#39;s own mean" in html
    assert "Withdrawal: went quiet" in html
    assert "repaired by session 6" in html
    assert "still open" in html


def test_the_report_shows_outcome_rates_with_counts_and_wilson_intervals(html: str) -> None:
    assert "95% CI (Wilson)" in html
    assert "Reliable improvement" in html
    assert "Reliable deterioration" in html
    assert "50%</td>" in html  # recovery 5 of 10
    assert "24% to 76%" in html


def test_the_report_asks_reflective_questions_for_a_developmental_conversation(
    html: str,
) -> None:
    assert "Which of these ruptures would be worth replaying in supervision?" in html
    assert "For your deliberate practice" in html
    assert "Name shifts in the room sooner" in html


def test_the_report_never_ranks_or_compares_with_colleagues(html: str) -> None:
    visible = re.sub(r"<style>.*?</style>", "", html, flags=re.DOTALL).lower()
    words = set(re.findall(r"[a-z]+", visible))
    assert not words & {"league", "percentile", "quartile", "ranking", "rank", "best", "worst"}
    assert "does not compare you" in visible
    assert "nobody is ranked" in visible


def test_the_caseload_table_has_labelled_sparklines(html: str) -> None:
    assert 'class="bordin-sparkline"' in html
    assert 'aria-label="Overall, last sessions: 8, 9, 9, 6, 7, 9, 9, 9"' not in html
    assert "Overall, last sessions: 9, 6, 7, 9, 9, 9, 10, 10" in html


def test_the_html_is_well_formed_enough_to_parse_each_inline_svg(html: str) -> None:
    start = html.index("<svg xmlns:xlink")
    end = html.index("</svg>", start) + len("</svg>")
    ET.fromstring(html[start:end])


def test_names_are_escaped_in_the_page_and_in_the_print_header() -> None:
    data = dataclasses.replace(
        example_supervision_report(GENERATED), therapist_name='Dr "Quote" <b>&</b>'
    )
    page = render_supervision_report_html(data)
    assert "Dr &#34;Quote&#34; &lt;b&gt;&amp;&lt;/b&gt;" in page
    assert 'Dr "Quote"' not in page
    assert "Dr \\000022Quote\\000022" in page  # CSS escape inside the @page header


def test_the_per_client_variant_shows_one_client_and_no_caseload_rates() -> None:
    data = single_client_report(example_supervision_report(GENERATED), "cl-robin")
    page = render_supervision_report_html(data)
    assert "Supervision notes: Example-Robin" in page
    assert "Caseload in this period" not in page
    assert "Example-Kit" not in page
    assert "95% CI (Wilson)" not in page
    assert PRIVACY_NOTICE in page


def test_the_per_client_variant_refuses_a_client_not_in_the_report() -> None:
    with pytest.raises(NotFound):
        single_client_report(example_supervision_report(GENERATED), "cl-nobody")


def test_the_pdf_is_a_real_multi_page_pdf(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 20_000
    assert pdf.rstrip().endswith(b"%%EOF")


def test_the_pdf_lays_out_one_section_per_client_on_its_own_pages() -> None:
    page = render_supervision_report_html(example_supervision_report(GENERATED))
    document = HTML(string=page).render()
    assert len(document.pages) >= 3  # caseload summary, then a page break before each client


def test_the_pdf_is_the_same_for_the_same_input() -> None:
    data = single_client_report(example_supervision_report(GENERATED), "cp-kit-sam")
    assert render_supervision_report_pdf(data) == render_supervision_report_pdf(data)


def test_prompts_follow_what_happened_with_the_client() -> None:
    quiet = ClientSection("c", "Quiet", example_trajectory())
    assert client_prompts(quiet) == [
        "What do you notice in this client's ratings that you had not noticed in the room?"
    ]
    open_rupture = dataclasses.replace(
        quiet,
        ruptures=(RuptureEntry(4, dt.date(2025, 1, 27), "detected", "open"),),
    )
    prompts = client_prompts(open_rupture)
    assert prompts[0].startswith("Which of these ruptures would be worth replaying")
    assert any("session 4 is still open" in p for p in prompts)


def test_a_report_for_a_period_with_no_clients_still_renders() -> None:
    data = dataclasses.replace(example_supervision_report(GENERATED), clients=(), outcomes=None)
    page = render_supervision_report_html(data)
    assert "No clients were seen in this period." in page
    assert "For your deliberate practice" in page


def _with_quiet_clients(data: SupervisionReportData, quiet: int) -> SupervisionReportData:
    """The example report plus ``quiet`` clients with nothing to discuss (no signal, no rupture)."""
    robin = data.clients[0]
    extra = tuple(
        dataclasses.replace(
            robin,
            client_key=f"quiet-{i}",
            client_label=f"Example-Quiet-{i} (synthetic client)",
            signals=(),
            ruptures=(),
        )
        for i in range(quiet)
    )
    return dataclasses.replace(data, clients=data.clients + extra)


def _pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() or "" for page in reader.pages)


def test_only_clients_of_concern_get_a_page_so_six_clients_take_a_few_pages_not_thirteen() -> None:
    data = _with_quiet_clients(example_supervision_report(GENERATED), quiet=4)
    assert len(data.clients) == 6 and len(clients_of_concern(data)) == 2
    pages, text = _pdf_text(render_supervision_report_pdf(data))
    # The caseload (a page or two), a page for each client of concern, the closing prompts:
    # fewer pages than clients, where every client used to take two.
    assert pages <= 2 + len(clients_of_concern(data)) + 1 < len(data.clients)
    for i in range(4):  # a quiet client is a row in the caseload table, not a section
        assert text.count(f"Example-Quiet-{i}") == 1
    assert "2 with an urgent or high signal or an unrepaired rupture have a page of their own" in (
        " ".join(text.split())
    )


def test_the_pdf_writes_every_date_one_way() -> None:
    _pages, text = _pdf_text(render_supervision_report_pdf(example_supervision_report(GENERATED)))
    text = " ".join(text.split())
    months = "January|February|March|April|May|June|July|August|September|October|November|December"
    assert re.findall(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", text) == []
    long_dates = re.findall(rf"\b\d{{1,2}} (?:{months}) \d{{4}}\b", text)
    assert len(long_dates) >= 6  # period, signal and rupture dates, the footer
    assert "1 April 2025, 09:30" in text  # generated at, in the footer
