"""Tiny Streamlit app for the offline-assets browser test: a Folium map, no network."""

import folium
import streamlit as st
import streamlit.components.v1 as components
from streamlit_folium import st_folium

from geo.web_assets import (
    LEAFLET_COMPONENT,
    leaflet_asset_dir,
    offline_map,
    streamlit_asset_prefix,
)

# The lines app.py needs: serve Leaflet from the installed package, same origin.
_leaflet_assets = components.declare_component(LEAFLET_COMPONENT, path=leaflet_asset_dir())
ASSET_PREFIX = streamlit_asset_prefix(_leaflet_assets.name)


def _square(code: str, nom: str, lon: float, lat: float, size: float = 1.0) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {
        "type": "Feature",
        "properties": {"code": code, "nom": nom},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


FEATURES = {
    "type": "FeatureCollection",
    "features": [
        _square("01", "Zone A", 0.0, 45.0),
        _square("02", "Zone B", 1.5, 46.0),
        _square("03", "Zone C", 3.0, 47.0),
    ],
}

st.title("Carte hors ligne")
m = offline_map(location=(46.5, 2.0), zoom_start=6, asset_prefix=ASSET_PREFIX)
folium.GeoJson(
    FEATURES,
    name="Zones",
    style_function=lambda _feature: {"color": "#1b5e87", "weight": 1, "fillColor": "#4e9ac7"},
    tooltip=folium.GeoJsonTooltip(fields=["nom", "code"], aliases=["Nom", "Code"]),
).add_to(m)
st_folium(m, height=450, width=700, returned_objects=["last_object_clicked_tooltip"])
