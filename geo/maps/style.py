"""Colours of the coverage statuses, shared by the live map, the HTML export and legends."""

from __future__ import annotations

# The background where no polygon is drawn, shared with the offline Folium maps.
from geo.web_assets import SEA_COLOUR as SEA_COLOUR

# ColorBrewer PuOr: colour-blind safe, and three distinct greys once printed in
# black and white (dark purple, orange, pale lavender).
STATUS_COLOURS = {"adherente": "#5e3c99", "perimetre": "#b2abd2", "sans_opsn": "#e66101"}
OUTSIDE_COLOUR = "#d4d4d4"
"""Communes outside the counted territory (the DROM when only the mainland counts)."""
STATUS_STYLES = {
    "adherente": {"fillColor": "#5e3c99", "color": "#3f2870", "weight": 0.4, "fillOpacity": 0.85},
    "perimetre": {"fillColor": "#b2abd2", "color": "#8f86b8", "weight": 0.4, "fillOpacity": 0.85},
    "sans_opsn": {"fillColor": "#e66101", "color": "#8a3a00", "weight": 0.8, "fillOpacity": 0.9},
}
DIMMED_STYLE = {"fillColor": "#e3e3e3", "color": "#9a9a9a", "weight": 0.6, "fillOpacity": 0.7}
DEPARTMENT_BORDER = {"fillOpacity": 0, "color": "#333333", "weight": 0.7}
REGION_BORDER = {"fill": False, "color": "#111111", "weight": 1.6}
SELECTED_STYLE = {"fillOpacity": 0, "color": "#000000", "weight": 3}

BASEMAP_URL = (
    "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM"
    "&FORMAT=image/png&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
)
"""Plan IGN v2 from the IGN Géoplateforme (WMTS, Web Mercator, no key): France and DROM."""
BASEMAP_ATTRIBUTION = '<a href="https://geoservices.ign.fr/">IGN</a> — Plan IGN'
BASEMAP_ATTRIBUTION_TEXT = "IGN — Plan IGN"
BASEMAP_FILL = 0.6
"""Fill opacities are multiplied by this over the basemap, so that its names show."""
