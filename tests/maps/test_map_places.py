"""Names the live map writes and its « Part couverte par département » view (geo.maps.places)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geo.core import fmt
from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.explore import tables
from geo.importers.inputs import bundled_inputs
from geo.mapdata.insets import from_mercator, inset_boxes
from geo.maps.places import (
    RANK_PREFECTURE,
    RANK_REGION_CAPITAL,
    SHARE_CLASSES,
    department_shares,
    place_names,
)


@pytest.fixture(scope="module")
def bundled(reference):
    inputs = bundled_inputs()
    return inputs, analyse(reference, inputs, CoverageOptions(rule="adhesion"))


def test_france_names_the_regions_chefs_lieux_first_the_drom_in_their_insets(reference):
    everything = np.ones(len(reference.communes), dtype=bool)
    places = place_names(reference, "france", everything, insets=True)
    capitals = len(reference.regions)
    assert places["rank"][:capitals] == [RANK_REGION_CAPITAL] * capitals
    assert places["names"][0] == "Paris"  # the most populated chef-lieu first
    assert "Fort-de-France" in places["names"][:capitals]
    assert set(places["rank"][capitals : capitals + 80]) == {RANK_PREFECTURE}
    k = places["names"].index("Fort-de-France")
    lon, lat = from_mercator(np.array(places["x"][k]), np.array(places["y"][k]))
    assert inset_boxes()["972"].frame.contains(shapely.Point(lon, lat))  # moved, as drawn


def test_a_department_names_its_prefecture_then_its_largest_communes(reference):
    finistere = (reference.communes["departement"] == "29").to_numpy()
    places = place_names(reference, "departement", finistere)
    assert places["names"][:3] == ["Quimper", "Brest", "Concarneau"]
    assert places["rank"][:2] == [RANK_PREFECTURE, 2]
    assert len(places["names"]) <= 60  # the main places only


def test_department_shares_are_the_tables_and_their_classes(reference, bundled):
    inputs, analysis = bundled
    shares = department_shares(reference, analysis)
    table = tables.departements_table(reference, analysis, inputs).frame.set_index("Code")
    for code, written, kind in zip(
        shares["codes"], shares["shares"], shares["classes"], strict=True
    ):
        percent = table.at[code, "Part couverte (%)"]
        assert written == fmt.percent(percent / 100)  # « 10,7 % », as in the table
        assert SHARE_CLASSES[kind][0] * 100 <= percent
        if kind + 1 < len(SHARE_CLASSES):
            assert percent < SHARE_CLASSES[kind + 1][0] * 100
    legend = shares["legend"]["entries"]
    assert sum(int(e["count"].split()[0]) for e in legend) == len(reference.departements)
    assert legend[0]["label"] == "0 à moins de 20\u00a0%"
