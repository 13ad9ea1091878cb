"""Folium maps of coverage, for the standalone HTML export (the live map is ``live``).

Leaflet's cost is per feature and per style case (DESIGN.md §4), so the
national view draws a handful of dissolved multipolygons (one per class: the
status read with the counting rule, :mod:`geo.core.classes`) under the department
and region borders, and a territory view draws its communes as one GeoJSON layer
per class, each with a constant style, so that
Folium writes no per-feature style switch. Property values are HTML-escaped
here because Folium's tooltips insert them as HTML.
"""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from geo.core import fmt
from geo.core.analysis import Analysis, Inputs, table_by
from geo.core.classes import CLASSES, CoverageClass, commune_classes
from geo.core.coverage import selection_figures
from geo.core.figures import AreaFigures, Figures
from geo.core.reference import ReferenceData
from geo.core.registry import opsn_names
from geo.core.rules import Rule
from geo.core.views import Level, View
from geo.explore.views import commune_row, selection
from geo.mapdata.insets import DROM_ORDER, drom_extents, inset_boxes, national_bounds, place_drom
from geo.maps.style import (
    BASEMAP_ATTRIBUTION,
    BASEMAP_FILL,
    BASEMAP_URL,
    CLASS_COLOURS,
    CLASS_STYLES,
    DEPARTMENT_BORDER,
    DIMMED_STYLE,
    REGION_BORDER,
    SELECTED_STYLE,
)
from geo.maps.web_assets import DEFAULT_ASSET_PREFIX, offline_map

NATIONAL_DECIMALS = 3  # about 100 m: finer than a pixel at the national zoom levels
METROPOLE_VIEW = {"location": (46.6, 2.4), "zoom_start": 6}
_WEST, _SOUTH, _EAST, _NORTH = national_bounds()
NATIONAL_BOUNDS = [[_SOUTH, _WEST], [_NORTH, _EAST]]
"""The mainland (Corsica and Finistère included) and the column of DROM insets."""
INSET_FRAME = {"fillColor": "#ffffff", "fillOpacity": 0.5, "color": "#777777", "weight": 1}
# Tooltips wrap instead of running off the map; names can be long.
TOOLTIP_STYLE = "white-space: normal; max-width: 300px; font-size: 12px; line-height: 1.3;"


def _constant(style: dict):
    return lambda _feature: style


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
    """One multipolygon per class present (column ``statut``: the class of
    :mod:`geo.core.classes`), from a coverage of commune outlines.

    ``coverage_union_all`` is ~15 times faster than ``union_all`` on a valid
    coverage; rounding can leave it slightly invalid, which ``make_valid`` mends.
    """
    rows = []
    values = outlines.values
    status_values = np.asarray(status, dtype=object)
    for name in CLASSES:
        chosen = values[status_values == name]
        if len(chosen) == 0:
            continue
        union = shapely.coverage_union_all(chosen)
        if not shapely.is_valid(union):
            union = shapely.make_valid(union)
        rows.append({"statut": name.value, "geometry": union})
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


def status_legend(figures: Figures | AreaFigures, note: str = "") -> Legend:
    """Legend of the classes of the rule with their commune and population counts."""
    entries = []
    for kind, counts in figures.classes.items():
        entries.append(
            (
                CLASS_COLOURS[kind],
                counts.label,
                f"{fmt.count(counts.communes, 'commune')}, {fmt.inhabitants(counts.population)}",
            )
        )
    return Legend("Couverture par un OPSN", entries, note)


def class_labels(filtered: bool) -> dict[str, str]:
    """The words of every class shown, ``filtered``: under an OPSN filter."""
    return {kind.value: kind.label(filtered) for kind in CLASSES}


class PlainAttribution(MacroElement):
    """Leaflet's credit without the flag its default prefix carries: « Leaflet », as text
    (no link: the page names no other host)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if ({{ this._parent.get_name() }}.attributionControl) {
            {{ this._parent.get_name() }}.attributionControl.setPrefix("Leaflet");
        }
        {% endmacro %}
        """
    )


def _map(asset_prefix: str, basemap: bool = False, **view) -> folium.Map:
    """An offline map; with ``basemap``, the Plan IGN tiles under the polygons (online only)."""
    # Fractional zoom so that fitting a territory fills the map, not a third of it.
    m = offline_map(asset_prefix=asset_prefix, zoom_snap=0.25, zoom_delta=0.5, **view)
    PlainAttribution().add_to(m)
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
    figures: Figures,
    asset_prefix: str = DEFAULT_ASSET_PREFIX,
    basemap: bool = False,
) -> folium.Map:
    """France: statuses dissolved, department borders (clickable) and region borders.

    The DROM counted in the figures are drawn in insets west of the mainland
    (:mod:`geo.mapdata.insets`): moved for drawing only.
    """
    m = _map(asset_prefix, basemap, **METROPOLE_VIEW)
    inside = coverage["dans_territoire"].to_numpy()
    extents = drom_extents(communes["geometry_generalisee"].values, communes["departement"].values)
    outlines = gpd.GeoSeries(
        place_drom(
            communes["geometry_generalisee"].values, communes["departement"].values, extents
        ),
        index=communes.index,
        crs=communes.crs,
    )
    drawn_departments = set(communes.loc[inside, "departement"])
    for code, box in inset_boxes().items():
        if code not in drawn_departments:
            continue
        folium.GeoJson(
            shapely.geometry.mapping(box.frame),
            name=f"Encart {box.name}",
            style_function=_constant(INSET_FRAME),
            interactive=False,
        ).add_to(m)
        # The DROM's name in its frame's top left corner, as on the live map.
        west, _south, _east, north = box.frame.bounds
        folium.Marker(
            (north, west),
            icon=folium.DivIcon(
                html=f'<div class="opsn-inset-name">{html.escape(box.name)}</div>',
                icon_size=(140, 16),
                icon_anchor=(-4, -3),
                class_name="opsn-inset",
            ),
            interactive=False,
        ).add_to(m)
    dissolved = dissolve_by_status(outlines[inside], commune_classes(coverage)[inside])
    labels = class_labels(bool(figures.opsn_filter))
    dissolved["libelle"] = dissolved["statut"].map(labels)
    for status in dissolved["statut"]:
        layer = dissolved[dissolved["statut"] == status]
        folium.GeoJson(
            _geojson(layer, ["libelle"], NATIONAL_DECIMALS),
            name=labels[status],
            style_function=_constant(_fill(CLASS_STYLES[status], basemap) | {"weight": 0}),
            interactive=False,
        ).add_to(m)
    deps = departements.set_geometry("geometry_generalisee")
    deps = deps.set_geometry(
        place_drom(deps.geometry.values, deps["code"].values, extents), crs=deps.crs
    )
    deps = deps[deps["code"].isin(drawn_departments)]
    shares = department_figures.set_index("code")["part_couverte"]
    deps = deps.assign(
        niveau="departement",
        part=deps["code"].map(shares).map(lambda s: fmt.percent(s) if pd.notna(s) else "—"),
        libelle=deps["nom"] + " (" + deps["code"] + ")",
    )
    folium.GeoJson(
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
    drom_regions = departements.loc[departements["code"].isin(DROM_ORDER)]
    region_drom = regions["code"].map(drom_regions.set_index("region")["code"]).fillna("")
    region_lines = gpd.GeoDataFrame(
        {"code": regions["code"].to_numpy()},
        geometry=place_drom(
            regions["geometry_generalisee"].values, region_drom.to_numpy(), extents
        ),
        crs=regions.crs,
    )
    region_lines = region_lines[region_lines["code"].isin(set(communes.loc[inside, "region"]))]
    region_lines = region_lines.set_geometry(region_lines.geometry.boundary)
    folium.GeoJson(
        _geojson(region_lines, ["code"], NATIONAL_DECIMALS),
        name="Régions",
        style_function=_constant(REGION_BORDER),
        interactive=False,
    ).add_to(m)
    status_legend(figures, "Cliquez sur un département pour le détailler.").add_to(m)
    m.fit_bounds(NATIONAL_BOUNDS)
    return m


def commune_properties(
    communes: gpd.GeoDataFrame,
    coverage: pd.DataFrame,
    opsn_names: dict[str, str],
    labels: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Tooltip fields of each commune: name, code, population, class and OPSN by name."""
    labels = labels or {kind.value: kind.label() for kind in CLASSES}

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
            "statut": pd.Series(commune_classes(coverage)).map(labels).to_numpy(),
            Rule.ADHESION.value: membership.to_numpy(),
            Rule.PERIMETRE.value: names(coverage["opsn_perimetre"]).to_numpy(),
        },
        index=communes.index,
    )


TOOLTIP_FIELDS = ["libelle", "population", "statut", Rule.ADHESION.value, Rule.PERIMETRE.value]
TOOLTIP_ALIASES = ["Commune", "Population", "Statut", "Adhérente à", "Dans le périmètre de"]


def territory_map(
    communes: gpd.GeoDataFrame,
    coverage: pd.DataFrame,
    selection: np.ndarray,
    context: gpd.GeoDataFrame,
    figures: Figures | AreaFigures,
    opsn_names: dict[str, str],
    outline: str = "geometry",
    highlight: str | None = None,
    asset_prefix: str = DEFAULT_ASSET_PREFIX,
    brief: bool = False,
    basemap: bool = False,
    filtered: bool = False,
) -> folium.Map:
    """Communes of a region, department or EPCI by status, neighbours dimmed.

    ``selection`` is a boolean mask over ``communes``; ``context`` holds the
    surrounding territories to dim (with ``niveau``, ``code`` and ``libelle``
    columns, clickable to move there); ``highlight`` is an INSEE code to outline.
    ``brief`` (regions: thousands of communes) keeps the tooltip to name,
    population and status and rounds to 3 decimals (~100 m, under a pixel at a
    region's zoom), to keep the page light. ``basemap``: Plan IGN tiles underneath.
    ``filtered``: under an OPSN filter (the words of the classes say so).
    """
    fields = TOOLTIP_FIELDS[:3] if brief else TOOLTIP_FIELDS
    aliases = TOOLTIP_ALIASES[:3] if brief else TOOLTIP_ALIASES
    decimals = 3 if brief else None
    chosen = communes[selection].set_geometry(outline)
    labels = class_labels(filtered)
    props = commune_properties(chosen, coverage[selection], opsn_names, labels)
    minx, miny, maxx, maxy = chosen.total_bounds
    centre = ((miny + maxy) / 2, (minx + maxx) / 2)
    m = _map(asset_prefix, basemap, location=centre, zoom_start=8)
    if len(context):
        folium.GeoJson(
            _geojson(context, ["niveau", "code", "libelle"]),
            name="Territoires voisins",
            style_function=_constant(_fill(DIMMED_STYLE, basemap)),
            highlight_function=_constant({"weight": 2, "color": "#555555"}),
            tooltip=folium.GeoJsonTooltip(
                fields=["libelle"], aliases=["Voisin"], style=TOOLTIP_STYLE
            ),
        ).add_to(m)
    frame = gpd.GeoDataFrame(props, geometry=chosen.geometry.values, crs=communes.crs)
    status = commune_classes(coverage)[np.asarray(selection, dtype=bool)]
    for name in CLASSES:
        layer = frame[status == name]
        if layer.empty or name == CoverageClass.HORS_TERRITOIRE:
            continue
        folium.GeoJson(
            _geojson(layer, ["niveau", "code", *fields], decimals),
            name=labels[name],
            style_function=_constant(_fill(CLASS_STYLES[name], basemap)),
            highlight_function=_constant({"weight": 2.5, "color": "#000000"}),
            tooltip=folium.GeoJsonTooltip(
                fields=fields, aliases=aliases, sticky=True, style=TOOLTIP_STYLE
            ),
        ).add_to(m)
    if highlight is not None and (frame["code"] == highlight).any():
        target = frame[frame["code"] == highlight]
        folium.GeoJson(
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


def _touching(layer: gpd.GeoDataFrame, key: str, code: str) -> gpd.GeoDataFrame:
    outline = layer.set_geometry("geometry_generalisee")
    target = outline.loc[outline[key] == code, "geometry_generalisee"].iloc[0]
    near = shapely.intersects(outline.geometry.values, shapely.buffer(target, 0.01))
    return outline[near & (outline[key] != code).to_numpy()]


def context_layer(reference: ReferenceData, view: View) -> gpd.GeoDataFrame:
    """Neighbouring territories to dim, each clickable to go there."""
    if view.level == Level.REGION:
        near = _touching(reference.regions, "code", view.code)
        frame = pd.DataFrame({"niveau": "region", "code": near["code"], "libelle": near["nom"]})
    else:
        if view.level in (Level.DEPARTEMENT, Level.COMMUNE):
            department = (
                view.code
                if view.level == Level.DEPARTEMENT
                else commune_row(reference, view.code)["departement"]
            )
            near = _touching(reference.departements, "code", department)
        else:  # epci: the departments it lies in, and their neighbours
            codes = reference.epci.set_index("siren").at[view.code, "departements"].split(",")
            near = pd.concat([_touching(reference.departements, "code", c) for c in codes])
            near = pd.concat(
                [near, reference.departements[reference.departements["code"].isin(codes)]]
            ).drop_duplicates("code")
            near = near.set_geometry("geometry_generalisee")
        frame = pd.DataFrame(
            {
                "niveau": "departement",
                "code": near["code"],
                "libelle": near["nom"] + " (" + near["code"] + ")",
            }
        )
    return gpd.GeoDataFrame(frame, geometry=near.geometry.values, crs=near.crs)


def render_map(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    view: View,
    asset_prefix: str = DEFAULT_ASSET_PREFIX,
    basemap: bool = False,
) -> folium.Map:
    """The Folium map of a view (standalone HTML export); ``basemap`` adds Plan IGN tiles."""
    if view.level == Level.FRANCE:
        return national_map(
            reference.communes,
            analysis.coverage,
            reference.departements,
            reference.regions,
            table_by(reference, analysis, "departement"),
            analysis.figures,
            asset_prefix=asset_prefix,
            basemap=basemap,
        )
    mask = selection(reference, view)
    return territory_map(
        reference.communes,
        analysis.coverage,
        mask,
        context_layer(reference, view),
        selection_figures(reference.communes, analysis.coverage, mask, analysis.options),
        opsn_names(inputs.registry),
        outline="geometry_generalisee" if view.level == Level.REGION else "geometry",
        highlight=view.code if view.level == Level.COMMUNE else None,
        asset_prefix=asset_prefix,
        brief=view.level == Level.REGION,
        basemap=basemap,
        filtered=bool(analysis.options.opsn),
    )
