"""Views named by a link: parsing, the territory without OPSN as a view, names, breadcrumbs."""

from __future__ import annotations

import pytest

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.views import FRANCE, View
from geo.explore.views import (
    breadcrumb,
    name_of,
    parse_view,
    resolve_view,
    selection,
    territory_mask,
)
from geo.importers.inputs import bundled_inputs


@pytest.fixture(scope="module")
def zones(reference):
    """Territories without OPSN under the default options."""
    return analyse(reference, bundled_inputs(), CoverageOptions()).zones


@pytest.fixture(scope="module")
def partial_zones(reference):
    """… and when partial offers count (DataSud then serves Marseille)."""
    return analyse(reference, bundled_inputs(), CoverageOptions(count_partial_offers=True)).zones


def test_parse_view_accepts_every_level(reference):
    assert parse_view("france", "", reference) == (FRANCE, None)
    assert parse_view("region", "53", reference) == (View("region", "53"), None)
    assert parse_view("departement", "2a", reference) == (View("departement", "2A"), None)
    assert parse_view("commune", "29232", reference) == (View("commune", "29232"), None)
    assert parse_view("territoire", "z13055", reference) == (View("territoire", "Z13055"), None)


@pytest.mark.parametrize(
    ("level", "code", "words"),
    [
        ("territoire", "Z99999", "Territoire sans OPSN « Z99999 » introuvable"),
        ("territoire", "13055", "introuvable"),  # the Z is part of the id
        ("region", "99", "Région « 99 » introuvable"),
        ("planete", "3", "Vue « planete » inconnue"),
    ],
)
def test_unknown_views_fall_back_to_france_in_french(reference, level, code, words):
    view, message = parse_view(level, code, reference)
    assert view == FRANCE and words in message


def test_existing_territory_is_kept(reference, zones):
    assert resolve_view(View("territoire", "Z13055"), reference, zones) == (
        View("territoire", "Z13055"),
        None,
    )
    # Other levels never change with the options.
    assert resolve_view(View("departement", "29"), reference, zones) == (
        View("departement", "29"),
        None,
    )


def test_territory_named_after_a_commune_of_another_territory(reference, zones, partial_zones):
    """Lyon leads a territory when partial offers count; by default it is in Marseille's."""
    assert "Z69123" in set(partial_zones["id"]) and "Z69123" not in set(zones["id"])
    view, message = resolve_view(View("territoire", "Z69123"), reference, zones)
    assert view == View("territoire", "Z13055")
    assert "n'existe pas avec les options choisies" in message
    assert "Lyon (69123)" in message


def test_territory_whose_commune_is_served_opens_its_department(reference, partial_zones):
    view, message = resolve_view(View("territoire", "Z13055"), reference, partial_zones)
    assert view == View("departement", "13")
    assert message == (
        "Avec les options choisies, Marseille (13055) n'est dans aucun territoire sans OPSN : "
        "ouverture de son département."
    )


def test_territory_names_breadcrumbs_and_masks(reference, zones):
    communes = reference.communes
    marseille = View("territoire", "Z13055")
    assert name_of(reference, marseille, zones).startswith("Provence-Alpes-Côte d'Azur")
    assert name_of(reference, marseille) == "Territoire sans OPSN Z13055"  # zones unknown
    # Eight departments in three regions: right under France.
    assert breadcrumb(reference, marseille, zones) == [FRANCE, marseille]
    caen = View("territoire", "Z14118")
    assert breadcrumb(reference, caen, zones) == [
        FRANCE,
        View("region", "28"),
        View("departement", "14"),
        caen,
    ]
    paris = View("territoire", "Z75056")  # four departments of Île-de-France
    assert breadcrumb(reference, paris, zones) == [FRANCE, View("region", "11"), paris]

    figures_mask = territory_mask(reference, marseille, zones)
    zone = zones.set_index("id").loc["Z13055"]
    assert figures_mask.sum() == zone["communes"] == 2057
    assert communes.loc[figures_mask, "population"].sum() == zone["population"]
    drawn = selection(reference, marseille, zones)
    # Drawn within its departments, so that the OPSN next door are on the map.
    assert drawn.sum() > figures_mask.sum() and (drawn >= figures_mask).all()
    assert set(communes.loc[drawn, "departement"]) == set(zone["departements"].split(","))


def test_table_rows_open_their_views() -> None:
    from geo.explore.views import table_row_view

    assert table_row_view("regions", {"Code": "53", "Nom": "Bretagne"}) == View("region", "53")
    assert table_row_view("departements", {"Code": "2A"}) == View("departement", "2A")
    assert table_row_view("epci", {"SIREN": "200000172"}) == View("epci", "200000172")
    assert table_row_view("communes", {"Code INSEE": "29232"}) == View("commune", "29232")
    assert table_row_view("territoires", {"Identifiant": "Z13055"}) == View("territoire", "Z13055")
    assert table_row_view("opsn", {"Identifiant": "megalis"}) is None
    assert table_row_view("territoires", {"Identifiant": ""}) is None
