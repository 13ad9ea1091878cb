"""The live map as one HTML file that opens offline, without a server.

The same Folium map as the app (:func:`geo.maps.render_map`; a territory
without OPSN is drawn with :func:`geo.maps.territory_map`), with Leaflet's
JavaScript and CSS inlined (:func:`geo.maps.web_assets.inline_assets_html`) so that
the file can be sent by e-mail or opened at a meeting with no network. A
header above the map gives the title and the counting rule, a footer the
credits; every name in them is HTML-escaped (names come from files).
"""

from __future__ import annotations

import html
import json

import geopandas as gpd
import pandas as pd
from branca.element import Element

from geo import maps
from geo.core import fmt
from geo.core.analysis import Analysis, Inputs
from geo.core.reference import ReferenceData
from geo.core.registry import opsn_names
from geo.core.views import Level, View
from geo.exports.about import About, about
from geo.exports.scope import Scope, as_view, scope_figures
from geo.maps import context_layer, render_map
from geo.maps.web_assets import inline_assets_html

HEADER_HEIGHT_PX = 96
FOOTER_HEIGHT_PX = 44
PAGE_STYLE = """
html, body {{ margin: 0; height: 100%; font-family: system-ui, "DejaVu Sans", sans-serif; }}
.opsn-header {{ box-sizing: border-box; height: {header}px; padding: 10px 16px 6px;
  overflow: hidden; color: #1d1d1f; border-bottom: 1px solid #ddd; }}
.opsn-header h1 {{ font-size: 22px; margin: 0 0 4px; }}
.opsn-header p {{ font-size: 13px; margin: 0; color: #444; line-height: 1.35; }}
.opsn-footer {{ box-sizing: border-box; height: {footer}px; padding: 4px 16px; overflow: auto;
  font-size: 11px; color: #555; border-top: 1px solid #ddd; background: #fff;
  position: fixed; left: 0; right: 0; bottom: 0; }}
#{map_id} {{ height: calc(100% - {header}px - {footer}px) !important; }}
.opsn-inset {{ background: none; border: none; }}
.opsn-inset-name {{ font: 600 12px system-ui, "DejaVu Sans", sans-serif; color: #333;
  white-space: nowrap; }}
"""


def _territory_map(reference: ReferenceData, analysis: Analysis, inputs: Inputs, scope: Scope):
    """A territory without OPSN: its communes, the departments it spans dimmed around it."""
    codes = scope.zone["departements"].split(",") if scope.zone is not None else []
    layers = [context_layer(reference, View(Level.DEPARTEMENT, code)) for code in codes]
    context = pd.concat(layers, ignore_index=True).drop_duplicates("code")
    context = gpd.GeoDataFrame(context, geometry="geometry", crs=layers[0].crs)
    return maps.territory_map(
        reference.communes,
        analysis.coverage,
        scope.drawn,
        context,
        scope_figures(reference, analysis, scope),
        opsn_names(inputs.registry),
        outline="geometry",
        asset_prefix="leaflet",
        filtered=bool(analysis.options.opsn),
    )


def standalone_html(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    scope: Scope,
    info: About | None = None,
) -> str:
    """The interactive map of ``scope`` as a self-contained HTML page (no external request)."""
    info = info or about(reference, analysis, inputs, scope.name)
    view = as_view(scope)
    if view is None:
        folium_map = _territory_map(reference, analysis, inputs, scope)
    else:
        folium_map = render_map(reference, analysis, inputs, view, asset_prefix="leaflet")
    figure = folium_map.get_root()
    style = PAGE_STYLE.format(
        header=HEADER_HEIGHT_PX, footer=FOOTER_HEIGHT_PX, map_id=folium_map.get_name()
    )
    figure.header.add_child(Element(f"<style>{style}</style>"), name="opsn_page_style")
    figures = scope_figures(reference, analysis, scope)
    share = fmt.percent(figures.covered_share)
    header = (
        '<header class="opsn-header">'
        f"<h1>Couverture OPSN — {html.escape(scope.name)} : {share}</h1>"
        f"<p>{html.escape(info.rule_sentence)}</p>"
        "</header>"
    )
    footer = f'<footer class="opsn-footer">{html.escape(info.credit_line)}</footer>'
    figure.html.add_child(Element(header), name="opsn_header", index=0)
    figure.html.add_child(Element(footer), name="opsn_footer")
    title = html.escape(f"Couverture OPSN — {scope.name}")
    page = _standalone_hints(inline_assets_html(folium_map))
    return page.replace("<head>", f"<head>\n<title>{title}</title>", 1)


CLICK_HINTS = {
    "Cliquez sur un département pour le détailler.": (
        "Survolez un département pour voir sa part couverte."
    ),
}
"""Hints of the live map that promise a navigation a standalone file cannot do."""


def _standalone_hints(page: str) -> str:
    """The live map's « click to open » hints, reworded for a file with no app behind it.

    The legend's text reaches the page as a JSON string (``tojson``: non-ASCII
    characters escaped); both spellings are replaced.
    """
    for live, standalone in CLICK_HINTS.items():
        for encode in (
            lambda t: json.dumps(t)[1:-1],
            lambda t: json.dumps(t, ensure_ascii=False)[1:-1],
        ):
            page = page.replace(encode(live), encode(standalone))
    return page


def html_bytes(reference, analysis, inputs, scope, info: About | None = None) -> bytes:
    return standalone_html(reference, analysis, inputs, scope, info).encode("utf-8")
