"""Colours of the coverage statuses, shared by the live map, the HTML export and legends."""

from __future__ import annotations

from geo.core.classes import CoverageClass

# The background where no polygon is drawn, shared with the offline Folium maps.
from geo.maps.web_assets import SEA_COLOUR as SEA_COLOUR

# ColorBrewer PuOr (colour-blind safe: purple against orange), taken dark enough that
# every fill stands out from the pale background at 3:1 or more (WCAG 2.1 non-text
# contrast: a projector washes colours out), even drawn at MAP_FILL_OPACITY over it.
# Pale lavender (#b2abd2, 1.6:1) is gone for that reason. The status is also told by
# the outlines (heavier for « sans OPSN ») and in every tooltip, legend and table.
STATUS_COLOURS = {"adherente": "#4a2080", "perimetre": "#7061a1", "sans_opsn": "#b35806"}
OUTSIDE_COLOUR = "#6d6d6d"
"""Communes outside the counted territory (the DROM when only the mainland counts)."""
NOT_COUNTED_COLOUR = "#846638"
"""« Dans un périmètre, non comptée avec cette règle »: a muted sand brown, neither the
purple of what counts nor the orange of what no OPSN serves; apart from every colour it
is shown with for colour-blind eyes too (tests/maps/test_map_style.py simulates them)."""
CLASS_COLOURS = {
    CoverageClass.ADHERENTE: STATUS_COLOURS["adherente"],
    CoverageClass.PERIMETRE: STATUS_COLOURS["perimetre"],
    CoverageClass.PERIMETRE_NON_COMPTEE: NOT_COUNTED_COLOUR,
    CoverageClass.SANS_OPSN: STATUS_COLOURS["sans_opsn"],
    CoverageClass.HORS_TERRITOIRE: OUTSIDE_COLOUR,
}
"""The colour of every class (:mod:`geo.core.classes`): maps, legends, panel, exports."""
MAP_FILL_OPACITY = 0.85
"""Opacity of the live map's fills (``FOCUS_ALPHA`` in ``ui/map_element/map.js``)."""
MIN_CONTRAST = 3.0
"""Least contrast of a fill against the background (WCAG 2.1, 1.4.11 non-text contrast)."""
STATUS_STYLES = {
    "adherente": {"fillColor": "#4a2080", "color": "#2d004b", "weight": 0.4, "fillOpacity": 0.85},
    "perimetre": {"fillColor": "#7061a1", "color": "#4b3f78", "weight": 0.4, "fillOpacity": 0.85},
    "sans_opsn": {"fillColor": "#b35806", "color": "#6b3303", "weight": 0.8, "fillOpacity": 0.9},
}
CLASS_STYLES = STATUS_STYLES | {
    "perimetre_non_comptee": {
        "fillColor": NOT_COUNTED_COLOUR, "color": "#4f3d21", "weight": 0.4, "fillOpacity": 0.85,
    },
}  # fmt: skip
"""Folium styles of the classes a map shows (:func:`geo.core.classes.rule_classes`)."""
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


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    text = colour.lstrip("#")
    red, green, blue = (int(text[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def blend(colour: str, background: str, opacity: float) -> str:
    """``colour`` drawn at ``opacity`` over ``background``, as the eye sees it."""
    top, under = colour.lstrip("#"), background.lstrip("#")
    return "#" + "".join(
        f"{round(int(top[i : i + 2], 16) * opacity + int(under[i : i + 2], 16) * (1 - opacity)):02x}"
        for i in (0, 2, 4)
    )


def legend_colours() -> dict[str, str]:
    """Every colour a legend shows: the classes, « hors du territoire compté » included."""
    return {str(kind): colour for kind, colour in CLASS_COLOURS.items()}
