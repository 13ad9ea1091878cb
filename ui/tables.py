"""The tables under the map: the accessible alternative to it, with CSV downloads."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from geo import exports
from geo.analysis import Inputs
from ui.resources import coverage_table_for, opsn_table_for


@st.fragment
def tables(reference, analysis, inputs: Inputs, token: str, rule_sentence: str) -> None:
    """Tables: the accessible alternative to the map; sorting and filtering rerun only here."""
    # Closed at first, and only the open tab is computed and sent: the map draws
    # sooner (bench/bench_map.py: the tables delay its first draw by 0.3 to 0.5 s).
    section = st.expander(
        "Tableaux : régions, départements, OPSN, territoires sans OPSN (tri, filtre, CSV)",
        icon=":material/table_chart:", key="tables_open", on_change="rerun",
    )  # fmt: skip
    if not section.open:
        return
    notes = [f"Règle : {rule_sentence}", f"Données : {inputs.label}"]
    with section:
        tabs = st.tabs(
            ["Régions", "Départements", "OPSN", "Territoires sans OPSN"],
            key="table_tab", on_change="rerun",
        )  # fmt: skip
    for tab, level in zip(tabs[:2], ("region", "departement"), strict=True):
        if not tab.open:
            continue
        with tab:
            table = coverage_table_for(token, analysis.options, level, inputs)
            show_table(table, f"couverture_{level}s.csv", notes, key=level)
    if tabs[2].open:
        with tabs[2]:
            _opsn_table(analysis, inputs, token, notes)
    if tabs[3].open:
        with tabs[3]:
            _zones_table(analysis, notes)


def _opsn_table(analysis, inputs: Inputs, token: str, notes: list[str]) -> None:
    table = opsn_table_for(token, analysis.options, inputs).rename(
        columns={
            "opsn": "Identifiant", "nom": "Nom", "departements": "Départements du périmètre",
            "communes_perimetre": "Communes dans le périmètre",
            "population_perimetre": "Population du périmètre",
            "communes_adhesion": "Communes adhérentes", "population_adhesion": "Population adhérente",
        }
    )  # fmt: skip
    show_table(table, "couverture_opsn.csv", notes, key="opsn")


def _zones_table(analysis, notes: list[str]) -> None:
    zones = analysis.zones.drop(columns=["insee"], errors="ignore").rename(
        columns={
            "id": "Identifiant", "rang": "Rang", "nom": "Nom", "communes": "Communes",
            "population": "Population", "superficie_km2": "Superficie (km²)",
            "departements": "Départements", "outre_mer": "Outre-mer",
            "opsn_voisins_perimetre": "OPSN voisins (périmètre)",
            "opsn_voisins_adhesion": "OPSN voisins (adhérents)",
            "distance_km": "Distance à une commune servie (km)",
        }
    )  # fmt: skip
    show_table(zones, "territoires_sans_opsn.csv", notes, key="zones")


def show_table(table: pd.DataFrame, filename: str, notes: list[str], key: str) -> None:
    query = st.text_input("Filtrer", key=f"filter_{key}", placeholder="Filtrer les lignes…")
    if query.strip():
        text = table.astype(str).agg(" ".join, axis=1).str.lower()
        table = table[text.str.contains(re.escape(query.strip().lower()), regex=True)]
    st.dataframe(table, hide_index=True, width="stretch", height=320)
    st.download_button(
        "Télécharger en CSV", exports.csv_bytes(table, notes), file_name=filename, mime="text/csv",
        key=f"download_{key}",
    )  # fmt: skip
