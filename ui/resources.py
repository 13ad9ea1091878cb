"""Cached data of the app: reference data, inputs, analyses, maps and tables.

``st.cache_resource`` keeps one copy per server process for every visitor; the keys
are the data token (saved version, plus a hash of the what-if: ``ui.data``) and the options.
"""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from folium_component import folium_component_args
from geo import tables
from geo.analysis import analyse
from geo.coverage import CoverageOptions
from geo.inputs import Inputs
from geo.panel import view_facts
from geo.reference import load_reference
from geo.search import SearchIndex
from geo.views import View, render_map
from geo.web_assets import LEAFLET_COMPONENT, leaflet_asset_dir, streamlit_asset_prefix

# Leaflet is served by this app from an installed package: maps draw offline.
_leaflet_assets = components.declare_component(LEAFLET_COMPONENT, path=leaflet_asset_dir())
ASSET_PREFIX = streamlit_asset_prefix(_leaflet_assets.name)


@st.cache_resource(show_spinner="Chargement des données de référence…")
def reference_data():
    return load_reference()


@st.cache_resource
def search_index() -> SearchIndex:
    return SearchIndex(reference_data())


@st.cache_resource(max_entries=64, show_spinner=False)
def analysis_for(token: str, options: CoverageOptions, _inputs: Inputs):
    return analyse(reference_data(), _inputs, options)


@st.cache_resource(max_entries=64, show_spinner=False)
def map_args_for(
    token: str, options: CoverageOptions, view: View, basemap: bool, _inputs: Inputs
) -> dict:
    analysis = analysis_for(token, options, _inputs)
    folium_map = render_map(reference_data(), analysis, _inputs, view, ASSET_PREFIX, basemap)
    return folium_component_args(folium_map, key=f"map_{token}_{view.key}_{basemap}")


@st.cache_resource(max_entries=128, show_spinner=False)
def facts_for(token: str, options: CoverageOptions, view: View, _inputs: Inputs) -> dict:
    """Everything the headline and side panel show about ``view`` (geo.panel.view_facts)."""
    return view_facts(reference_data(), analysis_for(token, options, _inputs), _inputs, view)


@st.cache_resource(max_entries=32, show_spinner=False)
def table_for(token: str, options: CoverageOptions, key: str, _inputs: Inputs) -> tables.Table:
    """A national table as :mod:`geo.tables` builds it (French columns; not to be modified)."""
    return tables.build(key, reference_data(), analysis_for(token, options, _inputs), _inputs)
