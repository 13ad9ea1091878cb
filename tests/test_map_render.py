"""geo.maps.FixedGeoJson: the same page as folium.GeoJson, cheaper to render again."""

from __future__ import annotations

import copy
import itertools

import branca.element
import folium
import pytest
from streamlit_folium import _get_header, _get_html, _get_map_string

from geo.maps import FixedGeoJson


def _square(code: str, lon: float, lat: float) -> dict:
    ring = [[lon, lat], [lon + 1, lat], [lon + 1, lat + 1], [lon, lat + 1], [lon, lat]]
    return {
        "type": "Feature",
        "properties": {"code": code, "libelle": f"Zone <{code}> & 'co'"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


DATA = {
    "type": "FeatureCollection",
    "features": [_square("01", 0.5, 45.25), _square("02", 2.0, 46.0)],
}


def _render_twice(layer_class, monkeypatch) -> list[tuple]:
    """Build a map, then render two deep copies as streamlit-folium does."""
    counter = itertools.count()
    monkeypatch.setattr(
        branca.element.Element, "_generate_id", classmethod(lambda cls: f"{next(counter):032x}")
    )
    m = folium.Map(location=(46, 2), zoom_start=6, tiles=None)
    layer_class(
        copy.deepcopy(DATA),
        name="Zones",
        style_function=lambda _feature: {"color": "#333333", "weight": 1},
        highlight_function=lambda _feature: {"weight": 3},
        tooltip=folium.GeoJsonTooltip(fields=["libelle"], aliases=["Zone"]),
    ).add_to(m)
    rendered = []
    for _ in range(2):
        clone = copy.deepcopy(m)
        page = clone.get_root().render()
        clone.render()
        rendered.append(
            (page, _get_html(clone), _get_header(clone), _get_map_string(clone), clone.get_bounds())
        )
    return rendered


def test_same_page_as_folium(monkeypatch: pytest.MonkeyPatch) -> None:
    assert FixedGeoJson._template is not folium.GeoJson._template, "JSON not cached"
    assert _render_twice(FixedGeoJson, monkeypatch) == _render_twice(folium.GeoJson, monkeypatch)


def test_copies_share_data_json_and_bounds() -> None:
    layer = FixedGeoJson(copy.deepcopy(DATA))
    clone = copy.deepcopy(layer)
    assert clone.data is layer.data
    assert clone.data_json is layer.data_json
    assert clone.get_bounds() == layer.get_bounds() == [[45.25, 0.5], [47.0, 3.0]]
