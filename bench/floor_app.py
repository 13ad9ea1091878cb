"""The smallest Streamlit page with a map: one triangle through streamlit-folium.

``bench_map.py`` measures it in the same run as the app: the time Streamlit itself
needs (its JavaScript, the WebSocket, the component's iframe, Leaflet) before any
map can be drawn, whatever the map and the rest of the page.
"""

import sys
from pathlib import Path

import streamlit.components.v1 as components

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import folium  # noqa: E402

from folium_component import folium_component_args, show_map  # noqa: E402
from geo.web_assets import (  # noqa: E402
    LEAFLET_COMPONENT,
    leaflet_asset_dir,
    offline_map,
    streamlit_asset_prefix,
)

assets = components.declare_component(LEAFLET_COMPONENT, path=leaflet_asset_dir())
m = offline_map(asset_prefix=streamlit_asset_prefix(assets.name))
triangle = [[0.0, 45.0], [5.0, 45.0], [5.0, 48.0], [0.0, 45.0]]
folium.GeoJson({"type": "Polygon", "coordinates": [triangle]}).add_to(m)
show_map(folium_component_args(m, key="floor"))
