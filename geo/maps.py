"""Folium maps of coverage that stay light: dissolved national view, communes below.

Leaflet's cost is per feature and per style case (DESIGN.md §4), so the
national view draws a handful of dissolved multipolygons (one per status) under
the department and region borders, and a territory view draws its communes as
three GeoJSON layers — one per status, each with a constant style, so that
Folium writes no per-feature style switch. Property values are HTML-escaped
here because Folium's tooltips insert them as HTML.
"""

from __future__ import annotations

import copy
import html
import inspect
import json
import re
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template as FoliumTemplate
from jinja2 import Template
from markupsafe import Markup

from geo import fmt
from geo.coverage import STATUS_LABELS, STATUSES
from geo.web_assets import DEFAULT_ASSET_PREFIX, offline_map

# ColorBrewer PuOr: colour-blind safe, and three distinct greys once printed in
# black and white (dark purple, orange, pale lavender).
STATUS_COLOURS = {"adherente": "#5e3c99", "perimetre": "#b2abd2", "sans_opsn": "#e66101"}
STATUS_STYLES = {
    "adherente": {"fillColor": "#5e3c99", "color": "#3f2870", "weight": 0.4, "fillOpacity": 0.85},
    "perimetre": {"fillColor": "#b2abd2", "color": "#8f86b8", "weight": 0.4, "fillOpacity": 0.85},
    "sans_opsn": {"fillColor": "#e66101", "color": "#8a3a00", "weight": 0.8, "fillOpacity": 0.9},
}
DIMMED_STYLE = {"fillColor": "#e3e3e3", "color": "#9a9a9a", "weight": 0.6, "fillOpacity": 0.7}
DEPARTMENT_BORDER = {"fillOpacity": 0, "color": "#333333", "weight": 0.7}
REGION_BORDER = {"fill": False, "color": "#111111", "weight": 1.6}
SELECTED_STYLE = {"fillOpacity": 0, "color": "#000000", "weight": 3}

NATIONAL_DECIMALS = 3  # about 100 m: finer than a pixel at the national zoom levels
METROPOLE_VIEW = {"location": (46.6, 2.4), "zoom_start": 6}
METROPOLE_BOUNDS = [[41.3, -5.2], [51.1, 9.6]]  # Corsica and Finistère included
# Tooltips wrap instead of running off the map; names can be long.
TOOLTIP_STYLE = "white-space: normal; max-width: 300px; font-size: 12px; line-height: 1.3;"


def _constant(style: dict):
    return lambda _feature: style


_DATA_TOJSON = "{{ this.data|tojson }}"


_GEOJSON_TEMPLATE = re.compile(
    r'\nclass GeoJson\(.*?\n    _template = Template\(\s*"""(.*?)"""', re.DOTALL
)


def _template_with_cached_json():
    """``folium.GeoJson``'s template, the data's JSON read from ``this.data_json``.

    Taken from the installed folium's source file, so that nothing else changes in
    the page; ``None`` if it cannot be found as expected (another folium version),
    and folium's own template is then used.
    """
    try:
        source = Path(inspect.getsourcefile(folium.GeoJson)).read_text(encoding="utf-8")
    except (OSError, TypeError):
        return None
    match = _GEOJSON_TEMPLATE.search(source)
    if not match or "\\" in match.group(1) or match.group(1).count(_DATA_TOJSON) != 1:
        return None  # a backslash would make the literal differ from its text
    return FoliumTemplate(match.group(1).replace(_DATA_TOJSON, "{{ this.data_json }}"))


class FixedGeoJson(folium.GeoJson):
    """A ``folium.GeoJson`` whose data does not change once the layer is built.

    Rendering a map for streamlit-folium (``folium_component``) serialises the data
    to JSON three times (figure, map, streamlit-folium's own pass) and walks every
    coordinate for the map's bounds; a deep copy (to render a map twice, as the
    tests do) would duplicate every coordinate list. Here copies share the data (nothing writes to it after ``__init__``), its
    JSON text and its bounds, each computed once by folium's own code: the page
    is the same, character for character.
    """

    _template = _template_with_cached_json() or folium.GeoJson._template
    _TOJSON = FoliumTemplate("{{ data|tojson }}")
    _SHARED = ("data", "_fixed")

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self._fixed: dict = {}  # shared by copies, filled on first use

    @property
    def data_json(self) -> Markup:
        """``{{ this.data|tojson }}``, rendered once."""
        if "json" not in self._fixed:
            self._fixed["json"] = Markup(self._TOJSON.render(data=self.data))
        return self._fixed["json"]

    def _get_self_bounds(self):
        if "bounds" not in self._fixed:
            self._fixed["bounds"] = super()._get_self_bounds()
        return self._fixed["bounds"]

    def __deepcopy__(self, memo: dict) -> FixedGeoJson:
        clone = self.__class__.__new__(self.__class__)
        memo[id(self)] = clone
        for key, value in self.__dict__.items():
            clone.__dict__[key] = value if key in self._SHARED else copy.deepcopy(value, memo)
        return clone


def _geojson(frame: gpd.GeoDataFrame, columns: list[str], decimals: int | None = None) -> dict:
    """A FeatureCollection with only ``columns`` as properties, HTML-escaped."""
    geometries = frame.geometry.values
    if decimals is not None:
        geometries = shapely.set_precision(geometries, 10.0**-decimals)
    features = []
    properties = frame[columns].astype(str).map(html.escape).to_dict(orient="records")
    for geom, props in zip(shapely.to_geojson(geometries), properties, strict=True):
        features.append({"type": "Feature", "properties": props, "geometry": json.loads(geom)})
    return {"type": "FeatureCollection", "features": features}


def dissolve_by_status(outlines: gpd.GeoSeries, status: pd.Series) -> gpd.GeoDataFrame:
    """One multipolygon per status present, from a coverage of commune outlines.

    ``coverage_union_all`` is ~15 times faster than ``union_all`` on a valid
    coverage; rounding can leave it slightly invalid, which ``make_valid`` mends.
    """
    rows = []
    values = outlines.values
    status_values = status.to_numpy()
    for name in STATUSES:
        chosen = values[status_values == name]
        if len(chosen) == 0:
            continue
        union = shapely.coverage_union_all(chosen)
        if not shapely.is_valid(union):
            union = shapely.make_valid(union)
        rows.append({"statut": name, "geometry": union})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=outlines.crs)


class Legend(MacroElement):
    """A categorical legend drawn as a Leaflet control (no jQuery, works offline)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div", "opsn-legend");
                div.innerHTML = {{ this.content|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str, entries: list[tuple[str, str, str]], note: str = ""):
        super().__init__()
        self._name = "Legend"
        lines = [
            '<div style="background:rgba(255,255,255,0.93);padding:8px 10px;border-radius:4px;'
            "box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.3 system-ui,sans-serif;"
            'color:#222;max-width:215px">',
            f"<b>{html.escape(title)}</b>",
        ]
        for colour, label, count in entries:
            lines.append(
                '<div style="display:flex;align-items:center;gap:6px;margin-top:4px">'
                f'<span style="flex:none;width:16px;height:12px;background:{colour};'
                'border:1px solid #555"></span>'
                f"<span>{html.escape(label)}<br><small>{html.escape(count)}</small></span></div>"
            )
        if note:
            lines.append(
                f'<div style="margin-top:6px;color:#555"><small>{html.escape(note)}</small></div>'
            )
        lines.append("</div>")
        self.content = "".join(lines)


def status_legend(figures: dict, note: str = "") -> Legend:
    """Legend of the three statuses with their commune and population counts."""
    entries = []
    labels = figures.get("status_labels", STATUS_LABELS)
    for status in STATUSES:
        counts = figures["status"][status]
        entries.append(
            (
                STATUS_COLOURS[status],
                labels[status],
                f"{fmt.count(counts['communes'], 'commune')}, {fmt.inhabitants(counts['population'])}",
            )
        )
    return Legend("Couverture par un OPSN", entries, note)


BASEMAP_URL = (
    "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM"
    "&FORMAT=image/png&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
)
"""Plan IGN v2 from the IGN Géoplateforme (WMTS, Web Mercator, no key): France and DROM."""
BASEMAP_ATTRIBUTION = '<a href="https://geoservices.ign.fr/">IGN</a> — Plan IGN'
BASEMAP_FILL = 0.6
"""Fill opacities are multiplied by this over the basemap, so that its names show."""


def _map(asset_prefix: str, basemap: bool = False, **view) -> folium.Map:
    """An offline map; with ``basemap``, the Plan IGN tiles under the polygons (online only)."""
    # Fractional zoom so that fitting a territory fills the map, not a third of it.
    m = offline_map(asset_prefix=asset_prefix, zoom_snap=0.25, zoom_delta=0.5, **view)
    if basemap:
        folium.TileLayer(
            tiles=BASEMAP_URL, attr=BASEMAP_ATTRIBUTION, name="Plan IGN", max_zoom=19
        ).add_to(m)
    return m


def _fill(style: dict, basemap: bool) -> dict:
    if not basemap or "fillOpacity" not in style:
        return style
    return style | {"fillOpacity": round(style["fillOpacity"] * BASEMAP_FILL, 2)}


def national_map(
    communes: gpd.GeoDataFrame,
    coverage: pd.DataFrame,
    departements: gpd.GeoDataFrame,
    regions: gpd.GeoDataFrame,
    department_figures: pd.DataFrame,
    figures: dict,
    asset_prefix: str = DEFAULT_ASSET_PREFIX,
    basemap: bool = False,
) -> folium.Map:
    """France: statuses dissolved, department borders (clickable) and region borders."""
    m = _map(asset_prefix, basemap, **METROPOLE_VIEW)
    inside = coverage["dans_territoire"].to_numpy()
    dissolved = dissolve_by_status(
        communes["geometry_generalisee"][inside], coverage["statut"][inside]
    )
    labels = figures.get("status_labels", STATUS_LABELS)
    dissolved["libelle"] = dissolved["statut"].map(labels)
    for status in dissolved["statut"]:
        layer = dissolved[dissolved["statut"] == status]
        FixedGeoJson(
            _geojson(layer, ["libelle"], NATIONAL_DECIMALS),
            name=labels[status],
            style_function=_constant(_fill(STATUS_STYLES[status], basemap) | {"weight": 0}),
            interactive=False,
        ).add_to(m)
    deps = departements.set_geometry("geometry_generalisee")
    deps = deps[deps["code"].isin(set(communes.loc[inside, "departement"]))]
    shares = department_figures.set_index("code")["part_couverte"]
    deps = deps.assign(
        niveau="departement",
        part=deps["code"].map(shares).map(lambda s: fmt.percent(s) if pd.notna(s) else "—"),
        libelle=deps["nom"] + " (" + deps["code"] + ")",
    )
    FixedGeoJson(
        _geojson(deps, ["niveau", "code", "libelle", "part"], NATIONAL_DECIMALS),
        name="Départements",
        style_function=_constant(DEPARTMENT_BORDER),
        highlight_function=_constant({"weight": 2.5, "color": "#000000"}),
        tooltip=folium.GeoJsonTooltip(
            fields=["libelle", "part"],
            aliases=["Département", "Population couverte"],
            style=TOOLTIP_STYLE,
        ),
    ).add_to(m)
    region_lines = regions.set_geometry("geometry_generalisee")
    region_lines = region_lines[region_lines["code"].isin(set(communes.loc[inside, "region"]))]
    region_lines = gpd.GeoDataFrame(
        {"code": region_lines["code"].to_numpy()},
        geometry=region_lines.geometry.boundary.to_numpy(),
        crs=regions.crs,
    )
    FixedGeoJson(
        _geojson(region_lines, ["code"], NATIONAL_DECIMALS),
        name="Régions",
        style_function=_constant(REGION_BORDER),
        interactive=False,
    ).add_to(m)
    status_legend(figures, "Cliquez sur un département pour le détailler.").add_to(m)
    m.fit_bounds(METROPOLE_BOUNDS)
    return m


def commune_properties(
    communes: gpd.GeoDataFrame,
    coverage: pd.DataFrame,
    opsn_names: dict[str, str],
    labels: dict[str, str] = STATUS_LABELS,
) -> pd.DataFrame:
    """Tooltip fields of each commune: name, code, population, status and OPSN by name."""

    def names(ids: pd.Series) -> pd.Series:
        return ids.map(
            lambda value: (
                ", ".join(opsn_names.get(i, i) for i in value.split("|")) if value else "—"
            )
        )

    via_epci = coverage["adhesion_via_epci"].to_numpy()
    membership = names(coverage["opsn_adhesion"])
    membership = membership.where(~via_epci, membership + " (par l'EPCI)")
    return pd.DataFrame(
        {
            "niveau": "commune",
            "code": communes["insee"].to_numpy(),
            "libelle": (communes["nom"] + " (" + communes["insee"] + ")").to_numpy(),
            "population": communes["population"].map(fmt.integer).to_numpy(),
            "statut": coverage["statut"].map(labels).to_numpy(),
            "adhesion": membership.to_numpy(),
            "perimetre": names(coverage["opsn_perimetre"]).to_numpy(),
        },
        index=communes.index,
    )


TOOLTIP_FIELDS = ["libelle", "population", "statut", "adhesion", "perimetre"]
TOOLTIP_ALIASES = ["Commune", "Population", "Statut", "Adhérente à", "Dans le périmètre de"]


def territory_map(
    communes: gpd.GeoDataFrame,
    coverage: pd.DataFrame,
    selection: np.ndarray,
    context: gpd.GeoDataFrame,
    figures: dict,
    opsn_names: dict[str, str],
    outline: str = "geometry",
    highlight: str | None = None,
    asset_prefix: str = DEFAULT_ASSET_PREFIX,
    brief: bool = False,
    basemap: bool = False,
) -> folium.Map:
    """Communes of a region, department or EPCI by status, neighbours dimmed.

    ``selection`` is a boolean mask over ``communes``; ``context`` holds the
    surrounding territories to dim (with ``niveau``, ``code`` and ``libelle``
    columns, clickable to move there); ``highlight`` is an INSEE code to outline.
    ``brief`` (regions: thousands of communes) keeps the tooltip to name,
    population and status and rounds to 3 decimals (~100 m, under a pixel at a
    region's zoom), to keep the page light. ``basemap``: Plan IGN tiles underneath.
    """
    fields = TOOLTIP_FIELDS[:3] if brief else TOOLTIP_FIELDS
    aliases = TOOLTIP_ALIASES[:3] if brief else TOOLTIP_ALIASES
    decimals = 3 if brief else None
    chosen = communes[selection].set_geometry(outline)
    labels = figures.get("status_labels", STATUS_LABELS)
    props = commune_properties(chosen, coverage[selection], opsn_names, labels)
    minx, miny, maxx, maxy = chosen.total_bounds
    centre = ((miny + maxy) / 2, (minx + maxx) / 2)
    m = _map(asset_prefix, basemap, location=centre, zoom_start=8)
    if len(context):
        FixedGeoJson(
            _geojson(context, ["niveau", "code", "libelle"]),
            name="Territoires voisins",
            style_function=_constant(_fill(DIMMED_STYLE, basemap)),
            highlight_function=_constant({"weight": 2, "color": "#555555"}),
            tooltip=folium.GeoJsonTooltip(
                fields=["libelle"], aliases=["Voisin"], style=TOOLTIP_STYLE
            ),
        ).add_to(m)
    frame = gpd.GeoDataFrame(props, geometry=chosen.geometry.values, crs=communes.crs)
    status = coverage.loc[selection, "statut"].to_numpy()
    for name in STATUSES:
        layer = frame[status == name]
        if layer.empty:
            continue
        FixedGeoJson(
            _geojson(layer, ["niveau", "code", *fields], decimals),
            name=labels[name],
            style_function=_constant(_fill(STATUS_STYLES[name], basemap)),
            highlight_function=_constant({"weight": 2.5, "color": "#000000"}),
            tooltip=folium.GeoJsonTooltip(
                fields=fields, aliases=aliases, sticky=True, style=TOOLTIP_STYLE
            ),
        ).add_to(m)
    if highlight is not None and (frame["code"] == highlight).any():
        target = frame[frame["code"] == highlight]
        FixedGeoJson(
            _geojson(target, ["code"]),
            name="Commune sélectionnée",
            style_function=_constant(SELECTED_STYLE),
            interactive=False,
        ).add_to(m)
        minx, miny, maxx, maxy = target.total_bounds
        pad = 0.05
        m.fit_bounds([[miny - pad, minx - pad], [maxy + pad, maxx + pad]])
    else:
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    status_legend(figures).add_to(m)
    return m


def map_html_size(m: folium.Map) -> int:
    """Bytes of the standalone HTML of a map (what the browser receives, roughly)."""
    return len(m.get_root().render().encode("utf-8"))
