"""The research export's pure rules: pseudonyms, coarse dates, small-cell suppression."""

from __future__ import annotations

from datetime import date

from bordin.docgen import ROOT
from bordin.domain.research import (
    COLUMNS,
    POOLED,
    SUMMARY_COLUMNS,
    dictionary_markdown,
    grouped_counts,
    pool_rare_values,
    pseudonym,
    quarter,
    whole_weeks,
)


def test_a_pseudonym_is_a_keyed_hmac_stable_for_one_key_and_different_for_another() -> None:
    key, other = b"k" * 32, b"j" * 32
    assert pseudonym(key, "client", 7) == pseudonym(key, "client", 7)
    assert pseudonym(key, "client", 7) != pseudonym(other, "client", 7)
    assert pseudonym(key, "client", 7) != pseudonym(key, "therapist", 7)
    assert len(pseudonym(key, "client", 7)) == 16


def test_dates_become_quarters_and_whole_weeks() -> None:
    assert quarter(date(2026, 7, 1)) == "2026-Q3"
    assert quarter(date(2026, 12, 31)) == "2026-Q4"
    assert quarter(None) is None
    assert whole_weeks(date(2026, 1, 1), date(2026, 1, 14)) == 1


def test_values_shared_by_fewer_than_five_clients_are_pooled_counting_clients_not_rows() -> None:
    rows = [{"client": f"a{i}", "therapist": "T1"} for i in range(5)]
    rows += [{"client": "b", "therapist": "T2"} for _ in range(9)]  # one client, many ratings
    pooled = pool_rare_values(rows, ["therapist"])
    assert {r["therapist"] for r in pooled[:5]} == {"T1"}
    assert {r["therapist"] for r in pooled[5:]} == {POOLED}


def test_grouped_counts_below_five_are_withheld() -> None:
    rows = [{"client": f"a{i}", "g": "big"} for i in range(6)] + [{"client": "z", "g": "small"}]
    cells = {c["g"]: c for c in grouped_counts(rows, ["g"])}
    assert cells["big"]["clients"] == 6 and cells["big"]["suppressed"] is False
    assert cells["small"]["clients"] is None and cells["small"]["suppressed"] is True


def test_the_data_dictionary_lists_every_column_and_is_committed() -> None:
    page = dictionary_markdown()
    for column in (*COLUMNS, *SUMMARY_COLUMNS):
        assert f"| `{column.name}` | {column.type} |" in page
    assert (ROOT / "docs/research-export.md").read_text() == page
