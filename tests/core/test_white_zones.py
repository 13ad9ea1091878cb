"""Territories without OPSN: named from what they contain, in correct French, and defined."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.inputs import Inputs
from geo.core.memberships import empty_memberships
from geo.core.white_zones import (
    FILTERED_WHITE_ZONE_DEFINITION,
    WHITE_ZONE_DEFINITION,
    white_zone_definition,
)
from geo.core.zone_names import around, de, zone_names
from geo.importers.inputs import bundled_inputs
from tests.tiny_reference import perimeters, tiny_reference


@pytest.fixture(scope="module")
def bundled_zones(reference) -> pd.DataFrame:
    return analyse(reference, bundled_inputs(), CoverageOptions()).zones.set_index("id")


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("Ajaccio", "d'Ajaccio"),
        ("Les Abymes", "des Abymes"),
        ("Le Havre", "du Havre"),
        ("La Rochelle", "de La Rochelle"),
        ("L'Haÿ-les-Roses", "de L'Haÿ-les-Roses"),
        ("Marseille", "de Marseille"),
        ("Évry-Courcouronnes", "d'Évry-Courcouronnes"),
        ("Yerres", "d'Yerres"),
        ("Hyères", "d'Hyères"),
        ("Haguenau", "de Haguenau"),  # aspirated h
        ("Œuilly", "d'Œuilly"),
    ],
)
def test_de_elides_and_contracts(place, expected):
    assert de(place) == expected
    assert around(place) == "autour " + expected


def commune_rows(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["group", "nom", "departement", "region", "population"])


def test_names_by_size_of_the_zone():
    table = commune_rows(
        [
            (0, "Terre-de-Haut", "971", "01", 1463),  # alone
            (1, "Les Abymes", "971", "01", 53000),
            (1, "Morne-à-l'Eau", "971", "01", 16000),
            (2, "Strasbourg", "67", "44", 290000),
            (2, "Mulhouse", "68", "44", 105000),
            (2, "Colmar", "68", "44", 67000),
            (3, "Marseille", "13", "93", 880000),
            (3, "Lyon", "69", "84", 520000),
            (3, "Saint-Étienne", "42", "84", 173000),
            (3, "Grenoble", "38", "84", 156000),
            (3, "Avignon", "84", "93", 90000),
        ]
    )
    names = zone_names(
        table,
        homonyms=set(),
        departement_names={"67": "Bas-Rhin", "68": "Haut-Rhin"},
        region_names={"84": "Auvergne-Rhône-Alpes", "93": "Provence-Alpes-Côte d'Azur"},
    )["nom"]
    assert names[0] == "Terre-de-Haut"
    assert names[1] == "autour des Abymes"
    # Parts of two departments (their sizes unknown here): « autour de » each.
    assert names[2] == "Bas-Rhin (autour de Strasbourg) et Haut-Rhin (autour de Mulhouse)"
    # Never « autour de Marseille » for a zone that reaches Lyon and Grenoble.
    assert names[3] == (
        "Provence-Alpes-Côte d'Azur et Auvergne-Rhône-Alpes : 5 départements, "
        "autour de Marseille, Lyon, Saint-Étienne…"
    )


def test_a_whole_department_or_island_is_named_by_it():
    table = commune_rows(
        [
            (0, "Caen", "14", "28", 108000),
            (0, "Lisieux", "14", "28", 20000),
            (1, "Terre-de-Bas", "971", "01", 873),
            (2, "Grand-Bourg", "971", "01", 4900),
            (2, "Saint-Louis", "971", "01", 2500),
            (3, "Strasbourg", "67", "44", 290000),
            (3, "Mulhouse", "68", "44", 105000),
            (4, "Valréas", "84", "93", 9500),
            (4, "Visan", "84", "93", 2000),
        ]
    )
    shapes = pd.DataFrame({"island": [False, True, True, False, False], "pieces": 1})
    names = zone_names(
        table,
        homonyms={"Saint-Louis"},
        departement_names={"14": "Calvados", "971": "Guadeloupe", "67": "Bas-Rhin",
                           "68": "Haut-Rhin", "84": "Vaucluse"},
        department_sizes={"14": 2, "971": 32, "67": 1, "68": 1, "84": 150},
        shapes=shapes,
    )["nom"]  # fmt: skip
    assert names[0] == "Calvados"  # never « autour de Caen » for all of it
    assert names[1] == "Terre-de-Bas (Guadeloupe)"
    assert names[2] == "autour de Grand-Bourg (Guadeloupe)"
    assert names[3] == "Bas-Rhin et Haut-Rhin"
    assert names[4] == "autour de Valréas"  # part of a department


def _islands_reference():
    """Finistère-like: mainland 29001, 29002 (uncovered), 29003 (served); two islands.

    ::

        29010 .     .     .     29011   (y 3–4 km)
        29001 29002 29003                 (y 0–1 km)

    29010 is 2 km from 29001, 2,24 km from the served 29003: it joins 29001's
    territory. 29011 is 2,24 km from the served 29003, 2,83 km from 29002 and
    3 km from 29010: a territory of its own.
    """
    import geopandas as gpd
    import shapely

    from geo.core import geometry

    cells = {"29001": (0, 0), "29002": (1, 0), "29003": (2, 0), "29010": (0, 3), "29011": (4, 3)}
    metric = gpd.GeoSeries(
        [shapely.box(150000 + 1000 * x, 6830000 + 1000 * y, 151000 + 1000 * x,
                     6831000 + 1000 * y) for x, y in cells.values()],
        crs="EPSG:2154",
    )  # fmt: skip
    codes = pd.Series(list(cells))
    communes = gpd.GeoDataFrame(
        {
            "insee": codes,
            "nom": [f"Commune {c[-2:]}" for c in cells],
            "departement": "29",
            "region": "53",
            "population": [500, 400, 300, 200, 100],
            "superficie_km2": 1.0,
        },
        geometry=metric.to_crs(geometry.WGS84).values,
    )
    communes["geometry_generalisee"] = communes.geometry
    neighbours = geometry.shared_borders(metric, codes)
    coverage = pd.DataFrame(
        {
            "statut": ["sans_opsn", "sans_opsn", "adherente", "sans_opsn", "sans_opsn"],
            "opsn_perimetre": "",
            "opsn_adhesion": ["", "", "X", "", ""],
        }
    )
    departements = pd.DataFrame({"code": ["29"], "nom": ["Finistère"]})
    return communes, coverage, neighbours, departements


def test_the_sea_does_not_split_a_territory_unless_a_served_commune_is_nearer():
    from geo.core.white_zones import white_zones

    communes, coverage, neighbours, departements = _islands_reference()
    zones = white_zones(communes, coverage, neighbours, departements=departements)
    zones = zones.set_index("id")
    assert set(zones.index) == {"Z29001", "Z29011"}
    assert zones.at["Z29001", "insee"] == "29001|29002|29010"
    assert "2 îles ou terres séparées par la mer" in zones.at["Z29001", "description"]
    assert not zones.at["Z29001", "ile"]  # mainland and an island
    assert zones.at["Z29011", "ile"]
    assert zones.at["Z29011", "nom"] == "Commune 11 (Finistère)"
    assert zones.at["Z29011", "description"].startswith("commune isolée sans OPSN, île")


def test_homonyms_carry_their_department():
    table = commune_rows(
        [(0, "Saint-Denis", "974", "04", 155000), (1, "Saint-Denis", "93", "11", 149000)]
    )
    names = zone_names(table, homonyms={"Saint-Denis"})
    assert list(names["nom"]) == ["Saint-Denis (974)", "Saint-Denis (93)"]


def test_bundled_zones_have_clear_names(bundled_zones):
    names = bundled_zones["nom"]
    assert names.is_unique
    marseille = names["Z13055"]  # Marseille, Lyon, Saint-Étienne, Grenoble, Nîmes…
    assert not marseille.startswith("autour de Marseille")
    assert marseille.startswith("Provence-Alpes-Côte d'Azur, Auvergne-Rhône-Alpes et Occitanie")
    assert "8 départements" in marseille and "Lyon" in marseille
    # Whole departments and islands by their own names (issue 17), never « autour de ».
    assert names["Z97411"] == "La Réunion"
    assert names["Z97302"] == "Guyane"
    assert names["Z97209"] == "Martinique"
    assert names["Z14118"] == "Calvados"
    assert names["Z2A004"] == "Corse-du-Sud et Haute-Corse"
    assert names["Z75056"] == "Paris, Seine-Saint-Denis, Val-de-Marne et Essonne"
    assert not names.str.contains("autour de [AEIOUYÉ]|autour de Les |autour de Le ").any()


def test_bundled_islands_are_one_territory_per_department(bundled_zones):
    """Guadeloupe's islands (Grande-Terre, Basse-Terre, Marie-Galante, Les Saintes, La
    Désirade) and Mayotte's two make one territory each: no OPSN serves any of them."""
    guadeloupe = bundled_zones.loc["Z97101"]
    assert guadeloupe["nom"] == "Guadeloupe" and guadeloupe["communes"] == 32
    assert "6 îles ou terres séparées par la mer" in guadeloupe["description"]
    assert bundled_zones.loc["Z97611", "nom"] == "Mayotte"
    assert len(bundled_zones) == 13
    assert int(bundled_zones["outre_mer"].sum()) == 5
    islands = set(bundled_zones.index[bundled_zones["ile"]])
    assert islands == {"Z97411", "Z97101", "Z97209", "Z2A004", "Z97611"}  # not Guyane


def test_added_columns_describe_the_zone(bundled_zones):
    first = [
        "rang", "nom", "communes", "population", "superficie_km2", "departements", "insee",
        "outre_mer", "opsn_voisins_perimetre", "opsn_voisins_adhesion", "distance_km",
    ]  # fmt: skip
    # The columns scripts know stay in place (id is the index here); four are added.
    assert list(bundled_zones.columns) == [
        *first,
        "communes_principales",
        "regions",
        "description",
        "ile",
    ]
    marseille = bundled_zones.loc["Z13055"]
    assert marseille["communes_principales"] == "Marseille, Lyon, Saint-Étienne"
    assert marseille["regions"] == "Provence-Alpes-Côte d'Azur, Auvergne-Rhône-Alpes, Occitanie"
    assert "2\u202f057 communes voisines sans OPSN" in marseille["description"]
    assert "Gard (30)" in marseille["description"]


def test_zone_ids_do_not_depend_on_names():
    """The id names the most populated commune: the tiny grid's zone is Z01003."""
    reference = tiny_reference()
    inputs = Inputs(
        pd.DataFrame({"id": ["A"], "nom": ["OPSN A"]}),
        perimeters([("A", "2A"), ("A", "75")]),
        empty_memberships(),
    )
    zones = analyse(reference, inputs, CoverageOptions()).zones.set_index("id")
    assert zones.at["Z01005", "nom"] == "autour de Commune 5"
    assert zones.at["Z97101", "nom"] == "Les Abymes"  # one commune: its name


def test_one_line_definition():
    assert WHITE_ZONE_DEFINITION.startswith("Territoire sans OPSN : ")
    assert "\n" not in WHITE_ZONE_DEFINITION and WHITE_ZONE_DEFINITION.endswith(".")
    assert "périmètre" in WHITE_ZONE_DEFINITION and "adhère" in WHITE_ZONE_DEFINITION
    assert white_zone_definition(()) == WHITE_ZONE_DEFINITION
    assert white_zone_definition(("megalis",)) == FILTERED_WHITE_ZONE_DEFINITION
    assert "sans OPSN" not in FILTERED_WHITE_ZONE_DEFINITION
