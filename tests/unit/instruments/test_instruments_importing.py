"""Attaching imported wording and registering custom instruments (domain side, no FHIR).

The questionnaires here are written for these tests; their wording is obviously synthetic.
"""

from __future__ import annotations

import pytest

from bordin.domain.errors import InvalidImport
from bordin.domain.instruments import (
    ImportedItem,
    ImportedOption,
    ImportedQuestionnaire,
    apply_import,
    builtin_registry,
    configured,
    score,
)
from bordin.domain.instruments.importing import custom_instrument_id, match_instrument


def _questionnaire(items, **fields) -> ImportedQuestionnaire:
    base = dict(
        source_format="test",
        fhir_version="R4/R4B",
        resource_id=None,
        url=None,
        version=None,
        name=None,
        title=None,
        status=None,
        language=None,
        copyright=None,
        codes=(),
        identifiers=(),
        items=tuple(items),
    )
    base.update(fields)
    return ImportedQuestionnaire(**base)


def _weighted(link_id: str, text: str, weights=(0, 1, 2)) -> ImportedItem:
    return ImportedItem(
        link_id=link_id,
        path=f"$.item[{link_id}]",
        type="choice",
        text=text,
        options=tuple(
            ImportedOption(f"c{w}", "urn:test", f"Synthetic level {w}", w) for w in weights
        ),
    )


def _plain(link_id: str, text: str, type_: str = "integer") -> ImportedItem:
    return ImportedItem(link_id=link_id, path=f"$.item[{link_id}]", type=type_, text=text)


def test_weighted_items_that_match_nothing_become_a_custom_instrument():
    registry = builtin_registry()
    imported = _questionnaire(
        [
            _weighted("a", "Zebra-crossing confidence (synthetic)"),
            _weighted("b", "Teapot steadiness (synthetic)"),
            _plain("sum", "Total score", "decimal"),
        ],
        name="SyntheticWellbeing",
        url="urn:test:synthetic",
    )
    summary = apply_import(imported, registry)
    assert (summary.action, summary.instrument_id) == (
        "registered_custom",
        "custom_syntheticwellbeing",
    )
    custom = registry.get("custom_syntheticwellbeing")
    assert (custom.score_min, custom.score_max, custom.origin) == (0, 4, "imported")
    assert summary.total_link_id == "sum"
    assert score(custom, [2, 1]).total == 3
    assert custom.items[0].options[2].label == "Synthetic level 2"


def test_reimporting_the_same_file_replaces_the_custom_instrument():
    registry = builtin_registry()
    imported = _questionnaire([_weighted("a", "Synthetic item")], name="Synth", url="urn:test:s")
    apply_import(imported, registry)
    again = apply_import(imported, registry)
    assert again.instrument_id == "custom_synth"
    assert len(registry) == len(builtin_registry()) + 1


def test_a_questionnaire_without_weights_or_a_match_is_refused_and_nothing_changes():
    registry = builtin_registry()
    before = registry.ids()
    imported = _questionnaire([_plain("a", "Synthetic free number")], title="Unknown thing")
    with pytest.raises(InvalidImport, match="cannot score it"):
        apply_import(imported, registry)
    assert registry.ids() == before


def test_uncoded_items_match_a_built_in_by_position_when_the_counts_agree():
    registry = builtin_registry()
    items = [_plain(f"line{n}", f"Synthetic line {n}", "decimal") for n in range(1, 5)]
    summary = apply_import(_questionnaire(items, title="Session Rating Scale"), registry)
    assert summary.matched_by == "title ('sessionratingscale')"
    srs = registry.get("srs")
    assert [i.source.link_id for i in srs.items if i.source] == ["line1", "line2", "line3", "line4"]
    assert srs.item("overall").text == "Synthetic line 4"
    assert score(srs, [9, 9, 9, 9]).total == 36


def test_uncoded_items_that_do_not_line_up_are_refused_with_the_counts():
    registry = builtin_registry()
    items = [_plain(f"l{n}", "Synthetic", "decimal") for n in range(3)]
    with pytest.raises(InvalidImport, match="3 answerable items"):
        apply_import(_questionnaire(items, title="Outcome Rating Scale"), registry)
    assert not registry.get("ors").has_wording


def test_a_configured_cut_off_survives_a_wording_import():
    registry = builtin_registry()
    registry.register(configured(registry.get("gad7"), cutoff=10), replace=True)
    items = [
        ImportedItem(
            link_id=f"g{n}",
            path=f"$.item[{n}]",
            type="choice",
            text=f"Synthetic worry item {n}",
            codes=(("http://loinc.org", code),),
        )
        for n, code in enumerate(
            ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"), start=1
        )
    ]
    imported = _questionnaire(items, codes=(("http://loinc.org", "69737-5"),), url="urn:test:g")
    summary = apply_import(imported, registry)
    assert summary.matched_by == "code 69737-5"
    assert registry.get("gad7").cutoff == 10
    assert registry.get("gad7").questionnaire.url == "urn:test:g"


def test_a_later_import_replaces_rather_than_mixes_earlier_wording():
    registry = builtin_registry()
    first = [_plain(f"a{n}", f"First wording {n}", "decimal") for n in range(1, 5)]
    second = [_plain(f"b{n}", f"Second wording {n}", "decimal") for n in range(1, 5)]
    apply_import(_questionnaire(first, title="Outcome Rating Scale"), registry)
    apply_import(_questionnaire(second, title="Outcome Rating Scale"), registry)
    assert [i.text for i in registry.get("ors").items] == [
        f"Second wording {n}" for n in range(1, 5)
    ]


def test_matching_prefers_codes_over_titles():
    imported = _questionnaire([], title="GAD-7", codes=(("http://loinc.org", "44249-1"),))
    found = match_instrument(imported, builtin_registry())
    assert found is not None and found[0].id == "phq9"


def test_custom_ids_are_slugs_of_the_name():
    assert custom_instrument_id(_questionnaire([], name="My Scale (v2)")) == "custom_my_scale_v2"
