"""The map component's cached arguments are what ``st_folium`` itself would pass.

``folium_component`` calls streamlit-folium's component directly with arguments
computed once per view; if a streamlit-folium upgrade changed what ``st_folium``
sends (a new argument, another key, other links), the map would break silently.
"""

from __future__ import annotations

import copy

import pytest
import streamlit_folium

from folium_component import MAP_HEIGHT, MAP_RETURNS, folium_component_args
from geo.analysis import analyse
from geo.coverage import CoverageOptions
from geo.inputs import bundled_inputs
from geo.views import View, render_map


@pytest.fixture(scope="module")
def analysis_and_inputs(reference):
    inputs = bundled_inputs()
    return analyse(reference, inputs, CoverageOptions()), inputs


def st_folium_args(folium_map, key: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    """What ``st_folium`` passes to its component, as app.py used to call it."""
    captured: dict = {}
    monkeypatch.setattr(
        streamlit_folium, "_component_func", lambda **kwargs: captured.update(kwargs)
    )
    streamlit_folium.st_folium(
        folium_map,
        key=key,
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=list(MAP_RETURNS),
    )
    captured.pop("on_change")  # copies the value under ``key``; the app reads the return
    return captured


@pytest.mark.parametrize(
    "view", [View(), View("departement", "38"), View("commune", "38185")], ids=str
)
def test_same_arguments_as_st_folium(reference, analysis_and_inputs, view, monkeypatch):
    analysis, inputs = analysis_and_inputs
    folium_map = render_map(reference, analysis, inputs, view, "../app.leaflet_assets")
    key = f"map_test_{view.key}"
    ours = folium_component_args(copy.deepcopy(folium_map), key)
    theirs = st_folium_args(copy.deepcopy(folium_map), key, monkeypatch)
    assert ours == theirs
    assert "map_div" in ours["script"] and ours["js_links"] == ["../app.leaflet_assets/leaflet.js"]


def test_arguments_are_stable_across_reruns(reference, analysis_and_inputs):
    """Two renders give the same component key: a rerun does not redraw the map."""
    analysis, inputs = analysis_and_inputs
    folium_map = render_map(reference, analysis, inputs, View(), "../app.leaflet_assets")
    first = folium_component_args(copy.deepcopy(folium_map), "k")
    second = folium_component_args(copy.deepcopy(folium_map), "k")
    assert first["key"] == second["key"] and first["script"] == second["script"]


def test_plan_ign_basemap_only_when_asked(reference, analysis_and_inputs):
    """Offline by default: no URL outside the app; the IGN tiles only on request."""
    analysis, inputs = analysis_and_inputs
    view = View("departement", "2A")
    plain = render_map(reference, analysis, inputs, view, "../app.leaflet_assets")
    tiled = render_map(reference, analysis, inputs, view, "../app.leaflet_assets", basemap=True)
    plain_args = folium_component_args(plain, "k")
    tiled_args = folium_component_args(tiled, "k")
    assert "://" not in plain_args["script"] + plain_args["header"] + plain_args["html"]
    assert "L.tileLayer" not in plain_args["script"]
    assert "L.tileLayer" in tiled_args["script"] and "data.geopf.fr/wmts" in tiled_args["script"]
    assert "GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2" in tiled_args["script"]
    assert plain_args["key"] != tiled_args["key"]


def test_chosen_opsn_never_labels_other_communes_without_opsn(reference):
    """Under an OPSN filter the legend says "hors des OPSN choisis", not "sans OPSN"."""
    inputs = bundled_inputs()
    analysis = analyse(reference, inputs, CoverageOptions(opsn=("megalis",)))
    for view in (View(), View("departement", "29")):
        args = folium_component_args(
            render_map(reference, analysis, inputs, view, "../app.leaflet_assets"), "k"
        )
        assert "Hors des OPSN choisis" in args["script"]
        assert "Sans OPSN" not in args["script"]
