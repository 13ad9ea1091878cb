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
    assert names[2] == "Bas-Rhin et Haut-Rhin, autour de Strasbourg et de Mulhouse"
    # Never « autour de Marseille » for a zone that reaches Lyon and Grenoble.
    assert names[3] == (
        "Provence-Alpes-Côte d'Azur et Auvergne-Rhône-Alpes : 5 départements, "
        "autour de Marseille, Lyon, Saint-Étienne…"
    )


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
    assert names["Z97411"] == "autour de Saint-Denis (974)"  # not Saint-Denis (93)
    assert names["Z97101"] == "autour des Abymes"
    assert "autour d'Ajaccio et de Bastia" in names["Z2A004"]
    assert names["Z75056"].startswith("Île-de-France : 4 départements, autour de Paris")
    assert "Saint-Denis (93)" in names["Z75056"]
    assert not names.str.contains("autour de [AEIOUYÉ]|autour de Les |autour de Le ").any()


def test_added_columns_describe_the_zone(bundled_zones):
    first = [
        "rang", "nom", "communes", "population", "superficie_km2", "departements", "insee",
        "outre_mer", "opsn_voisins_perimetre", "opsn_voisins_adhesion", "distance_km",
    ]  # fmt: skip
    # The columns scripts know stay in place (id is the index here); three are added.
    assert list(bundled_zones.columns) == [
        *first,
        "communes_principales",
        "regions",
        "description",
    ]
    marseille = bundled_zones.loc["Z13055"]
    assert marseille["communes_principales"] == "Marseille, Lyon, Saint-Étienne"
    assert marseille["regions"] == "Provence-Alpes-Côte d'Azur, Auvergne-Rhône-Alpes, Occitanie"
    assert "2\u202f057 communes voisines sans OPSN" in marseille["description"]
    assert "Gard (30)" in marseille["description"]
    lonely = bundled_zones[bundled_zones["communes"] == 1].iloc[0]
    assert lonely["description"].startswith("commune isolée sans OPSN")


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
