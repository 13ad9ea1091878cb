"""The Folium maps (standalone HTML export) show the DROM in insets too, offline."""

from __future__ import annotations

import json
import re

import pytest
import shapely

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.views import View
from geo.importers.inputs import bundled_inputs
from geo.mapdata.insets import DROM_ORDER, inset_boxes
from geo.maps import render_map


@pytest.fixture(scope="module")
def national_html(reference):
    inputs = bundled_inputs()
    analysis = analyse(reference, inputs, CoverageOptions())
    return render_map(reference, analysis, inputs, View()).get_root().render()


def _added(html: str) -> list[dict]:
    """The GeoJSON objects the page adds to its layers (``geo_json_…_add({...})``)."""
    decoder = json.JSONDecoder()
    added = []
    for match in re.finditer(r"_add\(", html):
        try:
            item, _ = decoder.raw_decode(html, match.end())
        except ValueError:
            continue
        if isinstance(item, dict):
            added.append(item)
    return added


def _departments(html: str) -> dict[str, shapely.Geometry]:
    """The department layer's features (``niveau``: ``departement``) by code."""
    found = {}
    for collection in _added(html):
        for feature in collection.get("features", []):
            props = feature.get("properties") or {}
            if props.get("niveau") == "departement":
                found[props["code"]] = shapely.geometry.shape(feature["geometry"])
    return found


def test_national_export_draws_the_drom_in_their_insets(national_html):
    departments = _departments(national_html)
    assert len(departments) == 101
    boxes = inset_boxes()
    for code in DROM_ORDER:
        assert boxes[code].frame.contains(departments[code]), code
    frames = []
    for item in _added(national_html):
        features = item.get("features", [item])
        frames += [
            shapely.geometry.shape(f.get("geometry", f))
            for f in features
            if (f.get("geometry") or f).get("type") == "Polygon"
        ]
    for box in boxes.values():
        assert any(frame.equals_exact(box.frame, 1e-6) for frame in frames), box.name
    assert "://" not in national_html.replace("http://www.w3.org", "")


def test_insets_are_named_and_the_credit_carries_no_flag(national_html):
    for box in inset_boxes().values():
        name = json.dumps(box.name)[1:-1]  # as the page's script writes it
        assert f'class=\\"opsn-inset-name\\"\\u003e{name}' in national_html, box.name
    # Leaflet's default prefix draws a flag: the page sets its own, in words.
    assert 'attributionControl.setPrefix("Leaflet")' in national_html
