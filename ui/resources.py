"""Cached data of the app: reference data, inputs, analyses, maps and tables.

``st.cache_resource`` keeps one copy per server process for every visitor; the keys
are the data token (saved version, plus a hash of the what-if: ``ui.data``) and the options.
"""

from __future__ import annotations

import streamlit as st

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.inputs import Inputs
from geo.core.reference import load_reference
from geo.core.registry import opsn_names
from geo.core.views import Level, View
from geo.explore import tables
from geo.explore.panel import view_facts
from geo.explore.search import SearchIndex
from geo.explore.views import name_of, territory_mask
from geo.maps import coverage_shares
from geo.maps.live import view_map_spec
from ui.disk_cache import stored_analysis, stored_fingerprint, stored_reference
from ui.map_element import MapAssets, prepare_map_files


@st.cache_resource(show_spinner="Chargement des données de référence…")
def reference_data():
    """Also kept on disk (ui.disk_cache): a restarted server reads it back sooner."""
    return stored_reference(load_reference)


@st.cache_resource
def search_index() -> SearchIndex:
    return SearchIndex(reference_data())


@st.cache_resource(max_entries=16, show_spinner=False)
def analysis_for(token: str, options: CoverageOptions, _inputs: Inputs):
    """Also kept on disk (ui.disk_cache): a restarted server reads it back."""
    return stored_analysis(_inputs, options, lambda: analyse(reference_data(), _inputs, options))


@st.cache_resource(show_spinner=False)
def map_assets() -> MapAssets:
    """The map's geometry files (built once per version of the reference data)."""
    reference = reference_data()
    return prepare_map_files(reference, key=stored_fingerprint(reference))


@st.cache_resource(max_entries=16, show_spinner=False)
def map_shares_for(token: str, options: CoverageOptions, _inputs: Inputs) -> dict:
    """Share covered of each department and region (the map's tooltips), once per analysis."""
    return coverage_shares(reference_data(), analysis_for(token, options, _inputs))


@st.cache_resource(max_entries=256, show_spinner=False)
def map_spec_for(
    token: str, options: CoverageOptions, view: View, basemap: bool, _inputs: Inputs
) -> dict:
    """What the map element is sent for a view: statuses and words (a few kB), no shapes."""
    assets = map_assets()
    return view_map_spec(
        reference_data(), analysis_for(token, options, _inputs), view, assets.files,
        assets.mapdata_url, opsn_names(_inputs.registry), basemap=basemap,
        shares=map_shares_for(token, options, _inputs),
    )  # fmt: skip


@st.cache_resource(max_entries=128, show_spinner=False)
def facts_for(token: str, options: CoverageOptions, view: View, _inputs: Inputs) -> dict:
    """Everything the headline and side panel show about ``view`` (geo.explore.panel.view_facts)."""
    return view_facts(reference_data(), analysis_for(token, options, _inputs), _inputs, view)


@st.cache_resource(max_entries=32, show_spinner=False)
def table_for(
    token: str, options: CoverageOptions, view: View, key: str, _inputs: Inputs
) -> tables.Table:
    """A table of ``view`` as :mod:`geo.explore.tables` builds it, on the view's communes
    only (all of them for France); French columns; not to be modified."""
    reference = reference_data()
    analysis = analysis_for(token, options, _inputs)
    if view.level == Level.FRANCE:
        return tables.build(key, reference, analysis, _inputs)
    mask = territory_mask(reference, view, analysis.zones)
    name = name_of(reference, view, analysis.zones)
    return tables.build(key, reference, analysis, _inputs, mask, name)
