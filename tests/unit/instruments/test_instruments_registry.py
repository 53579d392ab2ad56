"""The registry, the public API and the built-in definitions."""

from __future__ import annotations

import ast
import dataclasses
import sys
import types
from pathlib import Path

import pytest

import bordin.domain.instruments as instruments
from bordin.domain.errors import InstrumentNotFound, InvalidInput
from bordin.domain.instruments import (
    Instrument,
    Item,
    Registry,
    all_instruments,
    builtin_registry,
    configured,
    get_instrument,
)

BUILT_IN = ("phq9", "gad7", "core10", "wai_sr", "srs", "ors", "bordin_sac", "bordin_crc")
PACKAGE = Path(instruments.__file__).parent


def _toy(instrument_id: str = "toy_scale") -> Instrument:
    return Instrument(
        id=instrument_id,
        version="1",
        title="Toy scale",
        short_title="Toy",
        kind="outcome",
        items=(Item("a", 1, 0, 2), Item("b", 2, 0, 2)),
        direction="higher_is_worse",
        score_min=0,
        score_max=4,
    )


def test_the_built_in_instruments_are_registered_in_order():
    assert tuple(i.id for i in all_instruments())[: len(BUILT_IN)] == BUILT_IN


def test_an_unknown_id_raises_instrument_not_found():
    with pytest.raises(InstrumentNotFound) as raised:
        get_instrument("oq45")
    assert raised.value.instrument_id == "oq45"


def test_the_public_api_is_exactly_what_all_lists():
    assert sorted(instruments.__all__) == sorted(set(instruments.__all__))
    for name in (
        "get_instrument",
        "all_instruments",
        "register_instrument",
        "score",
        "Instrument",
        "Item",
        "Score",
        "classify_change",
        "apply_import",
    ):
        assert name in instruments.__all__
        assert hasattr(instruments, name)


def test_the_domain_package_imports_only_the_stdlib_and_bordin_domain():
    allowed_roots = set(sys.stdlib_module_names) | {"bordin"}
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] in allowed_roots, f"{path.name} imports {name}"
                if name.startswith("bordin."):
                    assert name.startswith("bordin.domain"), f"{path.name} imports {name}"


def test_built_ins_load_through_the_same_plugin_hook_a_practice_would_use():
    registry = Registry()
    plugin = types.ModuleType("practice_plugin")
    plugin.instruments = lambda: (_toy(),)  # type: ignore[attr-defined]
    assert [i.id for i in registry.load_plugin(plugin)] == ["toy_scale"]
    for module_name in instruments.BUILTIN_PLUGINS:
        registry.load_plugin(module_name)
    assert registry.ids() == ("toy_scale", *BUILT_IN)


def test_a_module_without_the_hook_is_refused():
    with pytest.raises(InvalidInput, match="no instruments"):
        Registry().load_plugin(types.ModuleType("empty"))


def test_registering_an_existing_id_needs_replace():
    registry = builtin_registry()
    with pytest.raises(InvalidInput, match="already registered"):
        registry.register(dataclasses.replace(get_instrument("phq9"), cutoff=12))
    registry.register(dataclasses.replace(get_instrument("phq9"), cutoff=12), replace=True)
    assert registry.get("phq9").cutoff == 12
    assert registry.original("phq9").cutoff == 10


def test_a_copy_is_independent_of_its_source():
    registry = builtin_registry()
    clone = registry.copy()
    clone.register(_toy())
    assert "toy_scale" in clone and "toy_scale" not in registry


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id": "Bad Id"}, "id"),
        ({"score_max": 30}, "score_min"),
        ({"cutoff": 99}, "cutoff"),
        ({"reliable_change": 0}, "reliable_change"),
        ({"max_missing": 9}, "max_missing"),
        ({"dimensions": {"goals": ("nope",)}}, "dimensions.goals"),
        ({"reliability": 1.5}, "reliability"),
    ],
)
def test_a_self_contradicting_definition_is_refused_naming_the_field(changes, field):
    with pytest.raises(InvalidInput) as raised:
        configured(get_instrument("phq9"), **changes)
    assert field in [e.field for e in raised.value.errors]


def test_configured_refuses_unknown_settings():
    with pytest.raises(InvalidInput, match="cut_off"):
        configured(get_instrument("gad7"), cut_off=10)


def test_the_gad7_diagnostic_cut_off_is_one_setting_away():
    assert configured(get_instrument("gad7"), cutoff=10).cutoff == 10
    assert get_instrument("gad7").cutoff == 8


def test_phq9_has_item_9_as_risk_item_and_an_unscored_difficulty_question():
    phq9 = get_instrument("phq9")
    assert phq9.risk_items == ("q9",)
    assert phq9.item("q9").code == "44260-8"
    difficulty = phq9.items[-1]
    assert (difficulty.scored, difficulty.required, difficulty.code) == (False, False, "69722-7")
    assert (phq9.cutoff, phq9.reliable_change, phq9.code) == (10, 6, "44249-1")


def test_gad7_items_6_and_7_carry_the_confirmed_loinc_codes():
    gad7 = get_instrument("gad7")
    assert [gad7.item("q6").code, gad7.item("q7").code] == ["69689-8", "69736-7"]
    assert gad7.code == "69737-5"


def test_core10_reverses_items_2_and_3_and_flags_item_6():
    core10 = get_instrument("core10")
    assert [i.number for i in core10.items if i.reverse] == [2, 3]
    assert core10.risk_items == ("q6",)
    assert (core10.cutoff, core10.prorate, core10.score_label) == (11, True, "clinical score")


def test_wai_sr_maps_items_to_goals_tasks_and_bond():
    wai = get_instrument("wai_sr")
    numbers = {k: [wai.item(i).number for i in v] for k, v in wai.dimensions.items()}
    assert numbers == {"goals": [4, 6, 8, 11], "tasks": [1, 2, 10, 12], "bond": [3, 5, 7, 9]}


def test_srs_and_ors_cut_offs_are_on_the_low_side():
    srs, ors = get_instrument("srs"), get_instrument("ors")
    assert (srs.cutoff, ors.cutoff) == (36, 25)
    assert srs.direction == ors.direction == "higher_is_better"
    assert srs.on_clinical_side(35.9) and not srs.on_clinical_side(36)
    assert set(srs.dimensions) == {"goals", "tasks", "bond", "overall"}
    assert ors.dimensions == {}


def test_the_session_alliance_check_has_the_agreed_link_ids_and_a_free_text_question():
    sac = get_instrument("bordin_sac")
    assert sac.link_ids == ("goals", "tasks", "bond", "overall")
    assert all(item.text and (item.min_value, item.max_value) == (0, 10) for item in sac.items)
    assert [p.link_id for p in sac.free_text] == ["didnt_land"]
    assert "not yet been validated" in sac.caution
    assert sac.cutoff is None and sac.reliable_change is None


@pytest.mark.parametrize("instrument_id", ["phq9", "gad7", "core10", "wai_sr", "srs", "ors"])
def test_licensed_and_third_party_instruments_ship_without_wording(instrument_id):
    instrument = get_instrument(instrument_id)
    assert not instrument.has_wording
    assert all(o.label is None for item in instrument.items for o in item.options)
    assert instrument.licence is not None and not instrument.licence.wording_shipped
    assert instrument.citation


@pytest.mark.parametrize("instrument_id", BUILT_IN)
def test_every_unconfirmed_figure_is_graded_in_the_evidence(instrument_id):
    grades = {e.grade for e in get_instrument(instrument_id).evidence}
    assert grades <= {"V", "S", "M", "design"} and grades
