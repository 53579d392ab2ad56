"""Reading real FHIR Questionnaires written by other parties (../shared/data/fhir/).

Those files carry PHQ-9 and GAD-7 wording; these tests compare with the files at run time and
never copy wording into the repository.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bordin.domain.errors import InvalidImport
from bordin.domain.instruments import apply_import, builtin_registry, score
from bordin.interop.fhir.questionnaire import load_questionnaire_file, read_questionnaire

ROOT = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("BORDIN_FHIR_TEST_DATA", ROOT.parent / "shared" / "data" / "fhir"))
FILES = sorted(DATA.glob("*.json")) if DATA.is_dir() else []
needs_data = pytest.mark.skipif(
    not FILES, reason=f"external FHIR test files not found at {DATA} (set BORDIN_FHIR_TEST_DATA)"
)
MII_VALUE_SET = DATA / "mii__ValueSet-mii-vs-pro-phq-9-answer-list-ll358-3.json"

#: What each Questionnaire must become: (instrument, how it is recognised, items matched).
EXPECTED = {
    "uscore__Questionnaire-phq-9-example.json": ("phq9", "code 44249-1", 10),
    "sdc__questionnaire-sdc-profile-example-PHQ9.json": ("phq9", "title ('phq9')", 9),
    "lforms__R4__phq9.json": ("phq9", "code 44249-1", 10),
    "lforms__R5__argonaut-phq9-ish.json": ("phq9", "code 44249-1", 10),
    "pco__Questionnaire-GAD7.json": ("gad7", "code 69737-5", 7),
    "cqf-sample__Questionnaire-phq-9-questionnaire.json": ("phq9", "code 44249-1", 8),
    "mii__Questionnaire-mii-qst-pro-phq-9.json": ("phq9", "code 44249-1", 10),
    "rkof__GAD-7.json": ("gad7", "title ('gad7')", 7),
}


def _raw(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _walk(items, parents=()):
    for item in items:
        yield item, parents
        yield from _walk(item.get("item", []), (*parents, item["linkId"]))


def _import(name: str):
    registry = builtin_registry()
    value_sets = [MII_VALUE_SET] if name.startswith("mii__Questionnaire") else []
    summary = apply_import(
        load_questionnaire_file(DATA / name, value_set_paths=value_sets), registry
    )
    return summary, registry


@needs_data
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_external_file_is_imported_or_refused_as_not_a_questionnaire(path):
    kind = json.loads(path.read_text(encoding="utf-8"))["resourceType"]
    if kind != "Questionnaire":
        with pytest.raises(InvalidImport) as raised:
            load_questionnaire_file(path)
        assert raised.value.errors[0].field == "$.resourceType"
        assert (
            f"not a Questionnaire: this file is a{'n' if kind[0] in 'AEIOU' else ''} {kind}"
            in str(raised.value)
        )
        return
    instrument_id, matched_by, n_matched = EXPECTED[path.name]
    summary, registry = _import(path.name)
    assert (summary.instrument_id, summary.matched_by) == (instrument_id, matched_by)
    assert len(summary.items_matched) == n_matched
    instrument = registry.get(instrument_id)
    raw_items = {item["linkId"]: item for item, _ in _walk(_raw(path.name)["item"])}
    for match in summary.items_matched:
        assert instrument.item(match.link_id).text == raw_items[match.source_link_id].get("text")
    assert instrument.questionnaire is not None
    assert instrument.questionnaire.url == _raw(path.name).get("url")


def test_every_questionnaire_in_the_folder_has_an_expectation():
    names = {p.name for p in FILES if json.loads(p.read_text())["resourceType"] == "Questionnaire"}
    assert names <= set(EXPECTED)


@needs_data
def test_scoring_is_unchanged_by_imported_wording():
    _, registry = _import("uscore__Questionnaire-phq-9-example.json")
    assert score(registry.get("phq9"), [1, 0, 2, 1, 0, 0, 1, 2, 1]).total == 8


@needs_data
def test_loinc_answer_codes_keep_the_published_values_and_gain_labels():
    _, registry = _import("pco__Questionnaire-GAD7.json")
    options = registry.get("gad7").item("q1").options
    assert [(o.value, o.code) for o in options] == [
        (0, "LA6568-5"),
        (1, "LA6569-3"),
        (2, "LA6570-1"),
        (3, "LA6571-9"),
    ]
    assert all(o.label for o in options)


@needs_data
def test_a_contained_value_set_with_ordinals_and_nested_groups_are_read():
    imported = load_questionnaire_file(DATA / "sdc__questionnaire-sdc-profile-example-PHQ9.json")
    q1 = next(item for item in imported.items if item.link_id == "H1/T1/Q1")
    assert q1.parents == ("H1/T1",) and q1.path == "$.item[0].item[0]"
    assert [o.weight for o in q1.options] == [0, 1, 2, 3]
    assert q1.options[2].code == "More than half the days"
    total = next(item for item in imported.items if item.link_id == "H1/TS")
    assert total.calculated


@needs_data
def test_the_sdc_file_maps_by_position_and_finds_its_calculated_total():
    summary, registry = _import("sdc__questionnaire-sdc-profile-example-PHQ9.json")
    assert {m.matched_by for m in summary.items_matched} == {f"position {n}" for n in range(1, 10)}
    assert summary.total_link_id == "H1/TS"
    assert registry.get("phq9").item("q9").source.parents == ("H1/T1",)


@needs_data
def test_r5_coding_items_and_expansion_value_sets_are_understood():
    imported = load_questionnaire_file(DATA / "lforms__R5__argonaut-phq9-ish.json")
    assert imported.fhir_version == "R5"
    q9 = next(item for item in imported.items if item.link_id == "g1.q9")
    assert q9.type == "coding" and [o.weight for o in q9.options] == [0, 1, 2, 3]
    difficulty = next(item for item in imported.items if item.link_id == "g2.q1")
    assert [o.code for o in difficulty.options][-2:] == ["LA6575-0", "LA6574-3"]
    assert all(o.weight is None for o in difficulty.options)
    hidden = next(item for item in imported.items if item.link_id == "g1.s")
    assert hidden.hidden and not hidden.answerable


@needs_data
def test_the_difficulty_options_are_matched_by_code_even_when_listed_out_of_order():
    _, registry = _import("lforms__R5__argonaut-phq9-ish.json")
    options = registry.get("phq9").item("difficulty").options
    assert [(o.value, o.code) for o in options][2:] == [(2, "LA6574-3"), (3, "LA6575-0")]


@needs_data
def test_an_external_value_set_given_alongside_supplies_labels_and_is_noted_when_absent():
    summary, registry = _import("mii__Questionnaire-mii-qst-pro-phq-9.json")
    assert all(o.label for o in registry.get("phq9").item("q1").options)
    vs = _raw(MII_VALUE_SET.name)
    expected = [c["display"] for c in vs["compose"]["include"][0]["concept"]]
    assert [o.label for o in registry.get("phq9").item("q1").options] == expected
    assert any("ll359-1" in w for w in summary.warnings)

    alone = load_questionnaire_file(DATA / "mii__Questionnaire-mii-qst-pro-phq-9.json")
    assert not next(i for i in alone.items if i.link_id == "PHQ-9.1").options_known
    assert any("ll358-3" in w for w in alone.warnings)


@needs_data
def test_a_phq9_without_item_9_attaches_what_it_has_and_says_what_is_missing():
    summary, registry = _import("cqf-sample__Questionnaire-phq-9-questionnaire.json")
    assert summary.items_missing == ("q9", "difficulty")
    assert any("item 9" in w for w in summary.warnings)
    assert ("Difficulty", "not an item of phq9") in summary.items_ignored
    assert registry.get("phq9").item("q9").text is None
    assert summary.total_link_id == "TotalScore"


@needs_data
def test_an_uncoded_gad7_is_recognised_by_its_title():
    summary, registry = _import("rkof__GAD-7.json")
    assert summary.matched_by == "title ('gad7')"
    assert registry.get("gad7").item("q1").source.parents == (
        "a2ae9518-55b5-41cc-928d-00132d1a3c1e",
    )


@needs_data
def test_the_pco_total_item_is_found_by_its_text():
    summary, _ = _import("pco__Questionnaire-GAD7.json")
    assert summary.total_link_id == "58628"


@needs_data
def test_a_bundle_of_questionnaire_and_value_set_is_read_as_one():
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": _raw("mii__Questionnaire-mii-qst-pro-phq-9.json")},
            {"resource": _raw(MII_VALUE_SET.name)},
        ],
    }
    imported = read_questionnaire(bundle)
    assert next(i for i in imported.items if i.link_id == "PHQ-9.1").options_known


# Malformed files (built in the test; wording is synthetic).


def _minimal(**changes):
    resource = {
        "resourceType": "Questionnaire",
        "status": "draft",
        "title": "Synthetic",
        "item": [{"linkId": "a", "type": "choice", "text": "Synthetic item"}],
    }
    resource.update(changes)
    return resource


@pytest.mark.parametrize(
    ("resource", "field", "message"),
    [
        (_minimal(item=[]), "$.item", "needs a list of items"),
        (_minimal(item=[{"type": "choice"}]), "$.item[0].linkId", "needs a linkId"),
        (
            _minimal(item=[{"linkId": "a", "type": "choice"}, {"linkId": "a", "type": "choice"}]),
            "$.item[1].linkId",
            "used twice",
        ),
        (_minimal(item=[{"linkId": "a", "type": "slider"}]), "$.item[0].type", "unsupported"),
        (
            _minimal(item=[{"linkId": "a", "type": "choice", "answerValueSet": "#nowhere"}]),
            "$.item[0].answerValueSet",
            "not in the file",
        ),
        (
            _minimal(
                item=[
                    {
                        "linkId": "a",
                        "type": "choice",
                        "answerOption": [
                            {
                                "valueCoding": {"code": "x"},
                                "extension": [
                                    {
                                        "url": "http://hl7.org/fhir/StructureDefinition/itemWeight",
                                        "valueString": "one",
                                    }
                                ],
                            }
                        ],
                    }
                ]
            ),
            "$.item[0].answerOption[0].extension",
            "must be a number",
        ),
        (
            _minimal(
                item=[{"linkId": "a", "type": "choice", "answerOption": [{"valueCoding": {}}]}]
            ),
            "$.item[0].answerOption[0].valueCoding.code",
            "needs a code",
        ),
        (_minimal(item=[{"linkId": "g", "type": "group", "item": "x"}]), "$.item[0].item", "list"),
        (_minimal(url=5), "$.url", "expected text"),
        ({"status": "draft"}, "$.resourceType", "no resourceType"),
    ],
)
def test_a_malformed_questionnaire_is_refused_saying_what_and_where(resource, field, message):
    with pytest.raises(InvalidImport) as raised:
        read_questionnaire(resource)
    matching = [e for e in raised.value.errors if e.field == field]
    assert matching and message in matching[0].message, raised.value.errors


def test_text_that_is_not_json_is_refused_with_its_position():
    with pytest.raises(InvalidImport, match=r"not valid JSON \(line 1, column 2\)"):
        read_questionnaire(b"{]")


def test_a_json_array_is_not_a_resource():
    with pytest.raises(InvalidImport, match="JSON object"):
        read_questionnaire("[1, 2]")


def test_a_bundle_without_exactly_one_questionnaire_is_refused():
    with pytest.raises(InvalidImport, match="exactly one Questionnaire, found 0"):
        read_questionnaire({"resourceType": "Bundle", "entry": []})


def test_a_questionnaire_with_only_display_items_has_no_questions():
    with pytest.raises(InvalidImport, match="no questions"):
        read_questionnaire(_minimal(item=[{"linkId": "d", "type": "display"}]))


def test_a_refused_file_leaves_the_registry_unchanged():
    registry = builtin_registry()
    before = {i.id: i for i in registry.all()}
    with pytest.raises(InvalidImport):
        apply_import(read_questionnaire(_minimal(title="PHQ-9")), registry)
    assert {i.id: i for i in registry.all()}.keys() == before.keys()
    assert all(registry.get(k) is v for k, v in before.items())


def test_integer_options_count_as_their_own_weights_for_a_custom_instrument():
    resource = _minimal(
        name="SyntheticSleepiness",
        item=[
            {
                "linkId": "nap",
                "type": "integer",
                "text": "Synthetic nap urge",
                "answerOption": [{"valueInteger": v} for v in (0, 1, 2, 3)],
            }
        ],
    )
    registry = builtin_registry()
    summary = apply_import(read_questionnaire(resource), registry)
    assert summary.action == "registered_custom"
    assert registry.get(summary.instrument_id).score_max == 3
