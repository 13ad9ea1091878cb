"""Maps of coverage.

- :mod:`geo.maps.live`: what the live map element of the app draws a view from
  (statuses, legend, tooltips), the shapes coming from :mod:`geo.mapdata`;
- :mod:`geo.maps.folium_maps`: the same views as standalone Folium pages (HTML export);
- :mod:`geo.maps.style`: the colours both use.

The Folium names are imported on first use: Folium and Branca take a quarter of a
second to import, which a server starting for the live map does not need.
"""

from importlib import import_module

from geo.maps.live import coverage_shares, legend, live_map_spec, mask_runs, status_runs
from geo.maps.style import (
    BASEMAP_ATTRIBUTION,
    BASEMAP_FILL,
    BASEMAP_URL,
    DEPARTMENT_BORDER,
    DIMMED_STYLE,
    OUTSIDE_COLOUR,
    REGION_BORDER,
    SELECTED_STYLE,
    STATUS_COLOURS,
    STATUS_STYLES,
)

__all__ = [
    "BASEMAP_ATTRIBUTION",
    "BASEMAP_FILL",
    "BASEMAP_URL",
    "DEPARTMENT_BORDER",
    "DIMMED_STYLE",
    "OUTSIDE_COLOUR",
    "REGION_BORDER",
    "SELECTED_STYLE",
    "STATUS_COLOURS",
    "STATUS_STYLES",
    "Legend",
    "commune_properties",
    "context_layer",
    "coverage_shares",
    "dissolve_by_status",
    "legend",
    "live_map_spec",
    "map_html_size",
    "mask_runs",
    "national_map",
    "render_map",
    "status_legend",
    "status_runs",
    "territory_map",
]

_FOLIUM_NAMES = {
    "Legend", "commune_properties", "context_layer", "dissolve_by_status", "map_html_size",
    "national_map", "render_map", "status_legend", "territory_map",
}  # fmt: skip


def __getattr__(name: str):
    if name in _FOLIUM_NAMES:
        return getattr(import_module("geo.maps.folium_maps"), name)
    raise AttributeError(f"module 'geo.maps' has no attribute {name!r}")
