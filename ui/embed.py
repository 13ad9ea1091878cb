"""The app embedded in another page (``embed=true``): the map, the headline and the legend.

Streamlit's own ``embed=true`` drops its toolbar and padding; this page drops the
sidebar, the buttons, the panel and the tables, and lets the map fill the frame
(600 × 400 or more). A click on the map opens the territory there, as on the map page;
a link opens the full app in a new tab. The code to paste is in the « Exporter » menu
(:func:`ui.downloads.embed_codes`).
"""

from __future__ import annotations

import html
from collections.abc import Callable

import streamlit as st

from geo.explore.facts import ViewFacts
from geo.explore.permalink import Permalink, query_string
from ui import panel
from ui.map_element import MapAssets, map_element

STYLE = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"],
[data-testid="stDecoration"], [data-testid="stToolbar"] {display: none !important;}
[data-testid="stMainBlockContainer"] {padding: .3rem .5rem 0 .5rem !important;
  max-width: none !important;}
[data-testid="stMain"] [data-testid="stVerticalBlock"] {gap: .2rem;}
.headline {margin: 0 0 .5rem 0 !important; gap: .6rem !important;}
.headline .big {font-size: 1.8rem !important;}
.headline .france {white-space: nowrap;}
.headline .france span {font-size: 1.05rem !important;}
.headline .sentence {font-size: .72rem !important; line-height: 1.25 !important;}
.st-key-embed_map {--opsn-map-offset: 185px; margin-top: .7rem;}
.opsn-open {font-size: .8rem; text-align: right; margin: 0;}
</style>
"""


def requested() -> bool:
    """True when the page is opened with Streamlit's ``embed=true``."""
    return bool(st.context.is_embedded)


def show(
    facts: ViewFacts, spec: dict, assets: MapAssets, link: Permalink, on_click: Callable[[], None]
) -> None:
    st.markdown(STYLE, unsafe_allow_html=True)
    panel.headline(facts)
    with st.container(key="embed_map"):
        map_element(spec, assets, key="opsn_map", on_click=on_click, layout="embed")
    address = html.escape("./?" + query_string(link))
    st.markdown(
        f'<p class="opsn-open"><a href="{address}" target="_blank" rel="noopener">'
        "Ouvrir dans l'application ↗</a></p>",
        unsafe_allow_html=True,
    )
