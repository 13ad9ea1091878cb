"""Coverage engine on the hand-made reference of tests/tiny_reference.py.

Every expected figure below is computed by hand from the grid drawn there.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions, area_figures, commune_coverage, selection_figures
from geo.core.inputs import Inputs
from geo.core.memberships import empty_memberships
from geo.planning.scenarios import Change, apply_change, compare
from tests.tiny_reference import memberships, perimeters, tiny_reference

TOTAL = 15610 + 1400 + 2_000_000 + 5000  # grid + Corsica + Paris + Guadeloupe
METRO_TOTAL = TOTAL - 5000


@pytest.fixture(scope="module")
def reference():
    return tiny_reference()


def inputs(perimeter_rows, member_rows) -> Inputs:
    registry = pd.DataFrame({"id": list("ABCDEF"), "nom": [f"OPSN {x}" for x in "ABCDEF"]})
    members = memberships(member_rows) if member_rows else empty_memberships()
    return Inputs(registry, perimeters(perimeter_rows), members)


# A and E offer services in Corsica, B in Paris; C has 01005 as member, D the EPCI E1.
BASE = inputs(
    [("A", "2A"), ("E", "2A"), ("B", "75")],
    [("C", "01005", ""), ("D", "", "200000001")],
)


def statuses(analysis) -> dict[str, str]:
    return dict(zip(analysis.coverage["insee"], analysis.coverage["statut"], strict=True))


def test_statuses_follow_membership_then_perimeter(reference):
    result = analyse(reference, BASE, CoverageOptions())
    status = statuses(result)
    assert [status[f"0100{k}"] for k in (1, 2, 4, 5)] == ["adherente"] * 4
    assert status["2A004"] == status["2A005"] == status["75056"] == "perimetre"
    assert [status[c] for c in ("01003", "01006", "01007", "01008", "01009", "97101")] == [
        "sans_opsn"
    ] * 6


def test_perimeter_rule_counts_members_and_perimeters(reference):
    figures = analyse(reference, BASE, CoverageOptions(rule="perimetre")).figures
    covered = 100 + 600 + 50 + 12000 + 1400 + 2_000_000
    assert figures.total_population == TOTAL
    assert figures.covered_population == covered
    assert figures.covered_communes == 7
    assert figures.covered_share == pytest.approx(covered / TOTAL, abs=1e-6)


def test_membership_rule_counts_members_only(reference):
    figures = analyse(reference, BASE, CoverageOptions(rule="adhesion")).figures
    assert figures.covered_population == 100 + 600 + 50 + 12000
    assert figures.covered_communes == 4


def test_epci_expansion_can_be_switched_off(reference):
    result = analyse(reference, BASE, CoverageOptions(rule="adhesion", epci_membership=False))
    assert result.figures.covered_population == 12000
    assert statuses(result)["01001"] == "sans_opsn"
    via = result.coverage.set_index("insee")["adhesion_via_epci"]
    assert not via.any()
    with_epci = analyse(reference, BASE, CoverageOptions()).coverage.set_index("insee")
    assert with_epci.loc["01001", "adhesion_via_epci"]
    assert not with_epci.loc["01005", "adhesion_via_epci"]


def test_commune_served_by_several_opsn_counts_once(reference):
    both = inputs(
        [("A", "2A"), ("E", "2A"), ("B", "75")],
        [("B", "75056", ""), ("C", "75056", ""), ("D", "", "200000001")],
    )
    result = analyse(reference, both, CoverageOptions())
    figures = result.figures
    # Paris: member of B and C, in B's perimeter — three facts, one commune.
    assert figures.covered_population == 100 + 600 + 50 + 1400 + 2_000_000
    paris = result.coverage.set_index("insee").loc["75056"]
    assert paris["opsn_adhesion"] == "B|C"
    assert paris["n_opsn"] == 2
    # 2A004 and 2A005 are in the perimeters of A and E, and Paris served by B and C.
    assert figures.multi_opsn_communes == 3
    assert figures.multi_opsn_population == 1400 + 2_000_000


def test_metropole_leaves_out_the_drom(reference):
    figures = analyse(reference, BASE, CoverageOptions(territory="metropole")).figures
    assert figures.total_population == METRO_TOTAL
    assert figures.total_communes == 12
    assert figures.white_zone_count == 1  # Guadeloupe's zone is not counted


def test_size_classes(reference):
    by_size = {
        row.taille: row for row in analyse(reference, BASE, CoverageOptions()).figures.by_size
    }
    assert by_size["moins de 500"].communes == 7  # 100, 50, 300, 10, 20, 30, 400
    assert by_size["moins de 500"].covered_communes == 3  # 01001, 01004, 2A005
    assert by_size["500 à 1 999"].communes == 2  # 600, 1000
    assert by_size["2 000 à 9 999"].communes == 2  # 2500, 5000
    assert by_size["10 000 et plus"].covered_population == 12000 + 2_000_000


def test_dates_select_memberships_in_force(reference):
    dated = inputs(
        [],
        [("C", "01005", "", "2021-01-01", None), ("F", "01007", "", None, "2019-12-31")],
    )
    in_2019 = statuses(analyse(reference, dated, CoverageOptions(at=dt.date(2019, 6, 1))))
    in_2024 = statuses(analyse(reference, dated, CoverageOptions(at=dt.date(2024, 6, 1))))
    assert (in_2019["01005"], in_2019["01007"]) == ("sans_opsn", "adherente")
    assert (in_2024["01005"], in_2024["01007"]) == ("adherente", "sans_opsn")
    last_day = statuses(analyse(reference, dated, CoverageOptions(at=dt.date(2019, 12, 31))))
    assert last_day["01007"] == "adherente"


def test_opsn_filter_keeps_only_the_chosen_operators(reference):
    result = analyse(reference, BASE, CoverageOptions(opsn=("B",)))
    status = statuses(result)
    assert status["75056"] == "perimetre"
    assert status["01005"] == status["2A004"] == "sans_opsn"


def test_white_zones_group_neighbours_and_rank_by_population(reference):
    zones = analyse(reference, BASE, CoverageOptions()).zones
    assert list(zones["population"]) == [5000, 2500 + 300 + 10 + 20 + 30]
    guadeloupe, grid = zones.iloc[0], zones.iloc[1]
    assert guadeloupe["id"] == "Z97101" and guadeloupe["outre_mer"]
    assert grid["id"] == "Z01003"  # named after its most populated commune
    assert grid["insee"] == "01003|01006|01007|01008|01009"
    assert grid["opsn_voisins_adhesion"] == "C|D"
    assert grid["distance_km"] == 0
    assert pd.isna(guadeloupe["distance_km"])  # no served commune in Guadeloupe
    assert list(zones["rang"]) == [1, 2]


def test_white_zone_population_equals_sans_opsn_population(reference):
    result = analyse(reference, BASE, CoverageOptions())
    assert result.figures.white_zone_population == result.figures.status["sans_opsn"].population


def test_two_groups_separated_by_a_covered_commune_stay_two(reference):
    split = inputs([], [("C", "01005", ""), ("C", "01006", ""), ("D", "", "200000001")])
    zones = analyse(reference, split, CoverageOptions()).zones
    grid = zones[zones["departements"] == "01"]
    assert sorted(grid["insee"]) == ["01003", "01007|01008|01009"]


def test_island_far_from_everything_has_a_distance(reference):
    served_guadeloupe = inputs([("A", "2A")], [])
    zones = analyse(reference, served_guadeloupe, CoverageOptions()).zones
    grid_zone = zones[zones["id"] == "Z01005"].iloc[0]
    # Nearest served commune: 2A004, several hundred kilometres away.
    assert grid_zone["distance_km"] > 300


def test_scenario_extension_absorbs_a_zone(reference):
    result = compare(reference, BASE, Change("A", add_departements=("01",)), CoverageOptions())
    assert result.population_gained == 2860
    assert result.white_zones_before == 2 and result.white_zones_after == 1
    assert result.white_zones_absorbed == 1
    assert result.after.covered_population == result.before.covered_population + 2860
    # The inputs themselves are untouched: nothing is saved.
    assert set(BASE.perimeters["departement"]) == {"2A", "75"}


def test_scenario_that_splits_a_zone(reference):
    result = compare(
        reference, BASE, Change("X", name="Nouveau", add_communes=("01006",)), CoverageOptions()
    )
    assert result.white_zones_split == 1
    assert result.population_gained == 300
    fates = {row["id"]: row["devenir"] for row in result.white_zone_fates}
    assert fates == {"Z97101": "inchangé", "Z01003": "scindé"}


def test_scenario_dropping_a_department_loses_population(reference):
    result = compare(reference, BASE, Change("B", drop_departements=("75",)), CoverageOptions())
    assert result.population_lost == 2_000_000
    assert result.share_gained < 0
    changed = apply_change(BASE, Change("D", drop_epci=("200000001",)))
    assert changed.memberships["epci"].eq("200000001").sum() == 0


# ----------------------------------------------------------------------------- one counting


def test_selection_figures_honour_the_territory_like_the_headline(reference):
    """France under « Métropole » in the side panel is the France of the headline."""
    for options in (CoverageOptions(territory="metropole"), CoverageOptions(opsn=("B",))):
        result = analyse(reference, BASE, options)
        everything = np.ones(len(reference.communes), dtype=bool)
        panel = selection_figures(reference.communes, result.coverage, everything, options)
        for key in ("total_communes", "total_population", "covered_communes", "covered_share"):
            assert getattr(panel, key) == getattr(result.figures, key), (options, key)
        assert panel.status == result.figures.status
        assert not panel.outside_territory
    metro = analyse(reference, BASE, CoverageOptions(territory="metropole"))
    assert metro.figures.total_population == METRO_TOTAL


def test_a_view_outside_the_territory_keeps_its_own_figures(reference):
    """Guadeloupe under « Métropole »: its 5 000 inhabitants, flagged, not zeros."""
    options = CoverageOptions(territory="metropole")
    result = analyse(reference, BASE, options)
    guadeloupe = (reference.communes["departement"] == "971").to_numpy()
    figures = area_figures(reference.communes, result.coverage, guadeloupe, options)
    assert figures.total_population == 5000 and figures.outside_territory
    corsica = (reference.communes["departement"] == "2A").to_numpy()
    figures = area_figures(reference.communes, result.coverage, corsica, options)
    assert figures.total_population == 1400 and not figures.outside_territory


# ----------------------------------------------------------------------------- partial offers


def offer_inputs() -> Inputs:
    """A complete offer in Corsica, a partial one (a GIS platform) in department 01, a
    health GIP that does not serve communes with a member in the grid."""
    registry = pd.DataFrame(
        {
            "id": ["A", "P", "H"],
            "nom": ["OPSN A", "SIG P", "GIP H"],
            "offre": ["complete", "partielle", "complete"],
            "offre_partielle": [(), ("sig",), ()],
            "sert_les_communes": [True, True, False],
        }
    )
    return Inputs(
        registry,
        perimeters([("A", "2A"), ("P", "01")]),
        memberships([("P", "75056", ""), ("H", "01005", "")]),
    )


def test_partial_offers_count_only_when_asked(reference):
    offers = offer_inputs()
    default = analyse(reference, offers, CoverageOptions())
    assert default.figures.covered_population == 1400  # Corsica only
    assert default.figures.partial_offers_counted is False
    status = statuses(default)
    assert status["01005"] == status["75056"] == "sans_opsn"  # H never counts
    counted = analyse(reference, offers, CoverageOptions(count_partial_offers=True))
    assert counted.figures.covered_population == 1400 + 15610 + 2_000_000
    assert statuses(counted)["75056"] == "adherente"
    assert statuses(counted)["01005"] == "perimetre"  # H's membership still ignored
    assert "offres partielles comptées" in counted.figures.counting_rule
    # Chosen in the filter, a partial offer counts: the person asked for it.
    chosen = analyse(reference, offers, CoverageOptions(opsn=("P",)))
    assert chosen.figures.covered_population == 15610 + 2_000_000


def test_commune_coverage_leaves_out_uncounted_opsn(reference):
    communes = reference.communes
    both = commune_coverage(
        communes, perimeters([("A", "01"), ("P", "01")]), empty_memberships(), CoverageOptions()
    )
    assert set(both["opsn_perimetre"][communes["departement"] == "01"]) == {"A|P"}
    without = commune_coverage(
        communes,
        perimeters([("A", "01"), ("P", "01")]),
        empty_memberships(),
        CoverageOptions(),
        uncounted={"P"},
    )
    assert set(without["opsn_perimetre"][communes["departement"] == "01"]) == {"A"}
    assert (without["n_opsn"][communes["departement"] == "01"] == 1).all()
