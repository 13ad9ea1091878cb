"""What-if on the hand-made grid: several changes, local OPSN, exports, and the batch engine.

The batch engine (:func:`geo.planning.scenarios.addition_gains`) must give, for every
additive change, exactly what the full computation (:func:`run_scenario`)
gives: it is checked here on every kind of change, rule and option.
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from geo.core.analysis import Inputs, analyse
from geo.core.coverage import CoverageOptions
from geo.core.registry import perimeter_table
from geo.planning.scenarios import (
    Change,
    addition_gains,
    apply_changes,
    figures_table,
    run_scenario,
)
from tests.tiny_reference import memberships, tiny_reference

GRID = ("01001", "01002", "01003", "01004", "01005", "01006", "01007", "01008", "01009")


@pytest.fixture(scope="module")
def reference():
    return tiny_reference()


def registry(rows) -> pd.DataFrame:
    """A typed registry: (id, scope, departments)."""
    frame = pd.DataFrame(rows, columns=["id", "portee", "departements"])
    frame["nom"] = "OPSN " + frame["id"]
    frame["sigle"] = ""
    return frame


# L is a local OPSN of 2A with one member (2A004); R offers services in Paris; M has 01005.
REGISTRY = registry([("L", "locale", ("2A",)), ("R", "departementale", ("75",)), ("M", "", ())])
INPUTS = Inputs(
    REGISTRY,
    perimeter_table(REGISTRY),
    memberships([("L", "2A004", ""), ("M", "01005", "")]),
)


def statuses(analysis) -> dict[str, str]:
    return dict(zip(analysis.coverage["insee"], analysis.coverage["statut"], strict=True))


def test_several_changes_apply_in_order_and_leave_the_inputs_alone(reference):
    changes = [Change("R", add_departements=("01",)), Change("R", drop_departements=("75",))]
    result = run_scenario(reference, INPUTS, changes, CoverageOptions())
    after = statuses(result.after)
    assert after["75056"] == "sans_opsn" and after["01009"] == "perimetre"
    assert result.summary.population_lost == 2_000_000
    assert result.summary.population_gained == 15610 - 12000  # the grid but M's member
    assert result.summary.changes[0]["add_departements"] == ["01"]
    assert set(INPUTS.perimeters["departement"]) == {"75"}
    assert list(INPUTS.registry.set_index("id").at["R", "departements"]) == ["75"]


def test_a_local_opsn_extended_serves_whole_departments_its_own_too(reference):
    before = analyse(reference, INPUTS, CoverageOptions())
    assert statuses(before)["2A005"] == "sans_opsn"  # local: only its member counts
    result = run_scenario(
        reference, INPUTS, Change("L", add_departements=("01",)), CoverageOptions()
    )
    after = statuses(result.after)
    assert after["2A005"] == "perimetre" and after["01009"] == "perimetre"
    registry = result.inputs.registry.set_index("id")
    assert registry.at["L", "portee"] == "departementale"
    assert registry.at["L", "departements"] == ("2A", "01")


def test_a_new_opsn_gets_a_registry_row(reference):
    changed = apply_changes(INPUTS, [Change("N", name="Nouveau", add_communes=("01006",))])
    row = changed.registry.set_index("id").loc["N"]
    assert row["nom"] == "Nouveau" and row["departements"] == ()
    assert set(changed.memberships.loc[changed.memberships["opsn"] == "N", "source"]) == {
        "scénario"
    }


def test_figures_table_for_export(reference):
    result = run_scenario(
        reference, INPUTS, Change("R", add_departements=("01",)), CoverageOptions()
    )
    table = figures_table(result.summary).set_index("indicateur")
    gained = result.summary.population_gained
    assert table.at["Population couverte", "ecart"] == gained
    assert table.at["Population gagnée", "apres"] == gained
    assert table.at["Territoires sans OPSN", "avant"] == result.summary.white_zones_before


def test_change_round_trips_and_names_its_command():
    change = Change("megalis", add_departements=("50", "14"), drop_epci=("200000172",))
    assert Change.from_dict(change.as_dict()) == change
    assert change.command() == (
        "python -m geo scenario megalis --add-departements 50,14 --drop-epci 200000172"
    )
    assert Change("x").empty and not change.empty


CANDIDATES = [
    ("R", "departement", ["01"]),
    ("R", "departement", ["2A", "971"]),
    ("L", "departement", ["01"]),  # local: its own 2A comes too
    ("M", "epci", ["200000001"]),
    ("M", "epci", ["200000002"]),  # 01005 is already a member
    ("M", "commune", ["01003", "97101"]),
    ("N", "commune", ["01009"]),  # an OPSN not in the registry
    ("R", "departement", ["75"]),  # already its perimeter: nothing
]


def change_of(opsn, kind, codes) -> Change:
    key = {"departement": "add_departements", "epci": "add_epci", "commune": "add_communes"}[kind]
    return Change(opsn, **{key: tuple(codes)})


@pytest.mark.parametrize(
    "options",
    [
        CoverageOptions(),
        CoverageOptions(rule="adhesion"),
        CoverageOptions(territory="metropole"),
        CoverageOptions(epci_membership=False),
        CoverageOptions(opsn=("R", "M")),
    ],
    ids=["perimetre", "adhesion", "metropole", "sans-epci", "filtre"],
)
def test_batch_gains_equal_the_full_scenario_for_every_change(reference, options):
    before = analyse(reference, INPUTS, options)
    additions = pd.DataFrame(
        [
            (number, opsn, kind, code)
            for number, (opsn, kind, codes) in enumerate(CANDIDATES)
            for code in codes
        ],
        columns=["candidate", "opsn", "kind", "code"],
    )
    gains = addition_gains(reference, before, INPUTS.registry, additions).set_index("candidate")
    for number, candidate in enumerate(CANDIDATES):
        summary = run_scenario(reference, INPUTS, change_of(*candidate), options, before).summary
        got = gains.loc[number] if number in gains.index else None
        expected = (summary.population_gained, summary.communes_gained)
        assert (
            (int(got["population_gained"]), int(got["communes_gained"]))
            if got is not None
            else (0, 0)
        ) == expected, candidate
        after = summary.after.status["sans_opsn"].population
        before_without = summary.before.status["sans_opsn"].population
        leaving = int(got["population_leaving"]) if got is not None else 0
        assert before_without - after == leaving, candidate


def test_batch_gains_of_combined_units_count_each_commune_once(reference):
    before = analyse(reference, INPUTS, CoverageOptions())
    additions = pd.DataFrame(
        [
            (0, "R", "departement", "01"),
            (0, "R", "epci", "200000001"),
            (0, "R", "commune", "01003"),
        ],
        columns=["candidate", "opsn", "kind", "code"],
    )
    gains = addition_gains(reference, before, INPUTS.registry, additions)
    combined = Change(
        "R", add_departements=("01",), add_epci=("200000001",), add_communes=("01003",)
    )
    summary = run_scenario(reference, INPUTS, combined, CoverageOptions(), before).summary
    assert int(gains.loc[0, "population_gained"]) == summary.population_gained


def test_every_pair_of_grid_communes_as_members(reference):
    """Exhaustive on small changes: any two grid communes joining M."""
    options = CoverageOptions(rule="adhesion")
    before = analyse(reference, INPUTS, options)
    pairs = list(itertools.combinations(GRID, 2))
    additions = pd.DataFrame(
        [(n, "M", "commune", c) for n, pair in enumerate(pairs) for c in pair],
        columns=["candidate", "opsn", "kind", "code"],
    )
    gains = addition_gains(reference, before, INPUTS.registry, additions).set_index("candidate")
    population = dict(
        zip(reference.communes["insee"], reference.communes["population"], strict=True)
    )
    for n, pair in enumerate(pairs):
        expected = sum(population[c] for c in pair if c != "01005")
        assert gains.at[n, "population_gained"] == expected


@pytest.mark.parametrize("counted", [False, True], ids=["offres-completes", "offres-partielles"])
def test_an_opsn_with_a_partial_offer_covers_only_when_asked(reference, counted):
    registry_ = registry([("P", "departementale", ("75",)), ("R", "departementale", ("2A",))])
    registry_["offre"] = ["partielle", "complete"]
    registry_["offre_partielle"] = [("sig",), ()]
    inputs = Inputs(registry_, perimeter_table(registry_), memberships([]))
    options = CoverageOptions(count_partial_offers=counted)
    before = analyse(reference, inputs, options)
    additions = pd.DataFrame(
        [(0, "P", "departement", "01"), (1, "R", "departement", "01")],
        columns=["candidate", "opsn", "kind", "code"],
    )
    gains = addition_gains(reference, before, registry_, additions).set_index("candidate")
    for number, opsn in ((0, "P"), (1, "R")):
        summary = run_scenario(
            reference, inputs, Change(opsn, add_departements=("01",)), options, before
        ).summary
        got = int(gains.at[number, "population_gained"]) if number in gains.index else 0
        assert got == summary.population_gained
    assert (0 in gains.index and gains.at[0, "population_gained"] > 0) == counted


def test_a_new_opsn_is_a_complete_offer_to_communes(reference):
    registry_ = registry([("R", "departementale", ("75",))])
    registry_["offre"] = "complete"
    registry_["offre_partielle"] = [()]
    registry_["sert_les_communes"] = True
    inputs = Inputs(registry_, perimeter_table(registry_), memberships([]))
    result = run_scenario(
        reference, inputs, Change("N", add_departements=("01",)), CoverageOptions()
    )
    assert result.summary.population_gained == 15610
    row = result.inputs.registry.set_index("id").loc["N"]
    assert row["sert_les_communes"] is True or row["sert_les_communes"] == True  # noqa: E712
    assert row["offre"] == "complete" and row["offre_partielle"] == ()
