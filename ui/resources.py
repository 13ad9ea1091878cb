"""Cached data of the app: reference data, inputs, analyses, maps and tables.

``st.cache_resource`` keeps one copy per server process for every visitor. The data's
identity is its content key (:attr:`geo.core.inputs.Inputs.key`: a saved version, with a
what-if or not), read by :data:`BY_CONTENT`; the options and the view are hashed as values.
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
from geo.explore.facts import ViewFacts
from geo.explore.panel import view_facts
from geo.explore.search import SearchIndex
from geo.explore.views import name_of, territory_mask
from geo.maps import coverage_shares
from geo.maps.live import view_map_spec
from ui.disk_cache import stored_analysis, stored_fingerprint, stored_reference
from ui.map_element import MapAssets, prepare_map_files

BY_CONTENT = {Inputs: lambda inputs: inputs.key}
"""How the caches name inputs: by what they hold, however they were built."""


@st.cache_resource(show_spinner="Chargement des données de référence…")
def reference_data():
    """Also kept on disk (ui.disk_cache): a restarted server reads it back sooner."""
    return stored_reference(load_reference)


@st.cache_resource
def search_index() -> SearchIndex:
    return SearchIndex(reference_data())


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs=BY_CONTENT)
def analysis_for(inputs: Inputs, options: CoverageOptions):
    """Also kept on disk (ui.disk_cache): a restarted server reads it back."""
    return stored_analysis(inputs, options, lambda: analyse(reference_data(), inputs, options))


@st.cache_resource(show_spinner=False)
def map_assets() -> MapAssets:
    """The map's geometry files (built once per version of the reference data)."""
    reference = reference_data()
    return prepare_map_files(reference, key=stored_fingerprint(reference))


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs=BY_CONTENT)
def map_shares_for(inputs: Inputs, options: CoverageOptions) -> dict:
    """Share covered of each department and region (the map's tooltips), once per analysis."""
    return coverage_shares(reference_data(), analysis_for(inputs, options))


@st.cache_resource(max_entries=256, show_spinner=False, hash_funcs=BY_CONTENT)
def map_spec_for(inputs: Inputs, options: CoverageOptions, view: View, basemap: bool) -> dict:
    """What the map element is sent for a view: statuses and words (a few kB), no shapes."""
    assets = map_assets()
    return view_map_spec(
        reference_data(), analysis_for(inputs, options), view, assets.files,
        assets.mapdata_url, opsn_names(inputs.registry), basemap=basemap,
        shares=map_shares_for(inputs, options),
    )  # fmt: skip


@st.cache_resource(max_entries=128, show_spinner=False, hash_funcs=BY_CONTENT)
def facts_for(inputs: Inputs, options: CoverageOptions, view: View) -> ViewFacts:
    """Everything the headline and side panel show about ``view`` (geo.explore.panel.view_facts)."""
    return view_facts(reference_data(), analysis_for(inputs, options), inputs, view)


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=BY_CONTENT)
def table_for(inputs: Inputs, options: CoverageOptions, view: View, key: str) -> tables.Table:
    """A table of ``view`` as :mod:`geo.explore.tables` builds it, on the view's communes
    only (all of them for France); French columns; not to be modified."""
    reference = reference_data()
    analysis = analysis_for(inputs, options)
    if view.level == Level.FRANCE:
        return tables.build(key, reference, analysis, inputs)
    mask = territory_mask(reference, view, analysis.zones)
    name = name_of(reference, view, analysis.zones)
    return tables.build(key, reference, analysis, inputs, mask, name)
