"""Cached data of the app: reference data, inputs, analyses, maps and tables.

``st.cache_resource`` keeps one copy per server process for every visitor; the keys
are the data token (bundled data or a hash of imported files) and the options.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.analysis import Inputs, analyse, bundled_inputs, table_by
from geo.coverage import CoverageOptions, area_figures, figures_by_opsn
from geo.maps import coverage_shares, live_map_spec
from geo.reference import load_reference
from geo.registry import opsn_names
from geo.search import SearchIndex
from geo.views import View, breadcrumb, name_of, selection, territory_mask
from ui.map_element import MapAssets, prepare_map_files


@st.cache_resource(show_spinner="Chargement des données de référence…")
def reference_data():
    return load_reference()


@st.cache_resource
def search_index() -> SearchIndex:
    return SearchIndex(reference_data())


@st.cache_resource
def bundled() -> Inputs:
    return bundled_inputs()


@st.cache_resource(max_entries=16, show_spinner=False)
def analysis_for(token: str, options: CoverageOptions, _inputs: Inputs):
    return analyse(reference_data(), _inputs, options)


@st.cache_resource(show_spinner=False)
def map_assets() -> MapAssets:
    """The map's geometry files (built once per version of the reference data)."""
    return prepare_map_files(reference_data())


@st.cache_resource(max_entries=16, show_spinner=False)
def map_shares_for(token: str, options: CoverageOptions, _inputs: Inputs) -> dict:
    """Share covered of each department and region (the map's tooltips), once per analysis."""
    return coverage_shares(reference_data(), analysis_for(token, options, _inputs))


@st.cache_resource(max_entries=256, show_spinner=False)
def map_spec_for(
    token: str, options: CoverageOptions, view: View, basemap: bool, _inputs: Inputs
) -> dict:
    """What the map element is sent for a view: statuses and words (a few kB), no shapes."""
    reference = reference_data()
    analysis = analysis_for(token, options, _inputs)
    zones = analysis.zones
    if view.level == "territoire":
        focus = territory_mask(reference, view, zones)
    else:
        focus = selection(reference, view, zones)
    if view.level == "france":
        figures, area = analysis.figures, "France"
    else:
        figures = area_figures(reference.communes, analysis.coverage, focus, options)
        # A commune is drawn within its department: the legend counts the department.
        shown = breadcrumb(reference, view, zones)[-2] if view.level == "commune" else view
        area = name_of(reference, shown, zones)
    assets = map_assets()
    return live_map_spec(
        reference, analysis, view.level, view.code, focus, figures, assets.files,
        assets.mapdata_url, opsn_names(_inputs.registry), area=area,
        highlight=view.code if view.level == "commune" else None, basemap=basemap,
        shares=map_shares_for(token, options, _inputs),
    )  # fmt: skip


TABLE_COLUMNS = {
    "code": "Code",
    "nom": "Nom",
    "communes": "Communes",
    "population": "Population",
    "communes_couvertes": "Communes couvertes",
    "population_couverte": "Population couverte",
    "part_couverte": "Part couverte (%)",
    "adherentes": "Adhérentes",
    "perimetre": "Dans un périmètre",
    "sans_opsn": "Sans OPSN",
}


@st.cache_resource(max_entries=32, show_spinner=False)
def coverage_table_for(
    token: str, options: CoverageOptions, level: str, _inputs: Inputs
) -> pd.DataFrame:
    """Coverage by region or department as the table shows it (not to be modified)."""
    table = table_by(reference_data(), analysis_for(token, options, _inputs), level)
    table["part_couverte"] = (table["part_couverte"] * 100).round(1)
    return table.rename(columns=TABLE_COLUMNS)


@st.cache_resource(max_entries=16, show_spinner=False)
def opsn_table_for(token: str, options: CoverageOptions, _inputs: Inputs) -> pd.DataFrame:
    reference = reference_data()
    return figures_by_opsn(
        reference.communes, _inputs.perimeters, _inputs.memberships, _inputs.registry, options
    )
