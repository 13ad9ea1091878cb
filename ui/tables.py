"""The tables under the map: the accessible alternative to it, with CSV and Excel downloads.

Which tables a view has is :data:`geo.explore.tables.VIEW_TABLES` (France: the
national ones; a region: its departments, EPCI, communes without OPSN, OPSN
present; a department: its communes…), each built on the view's communes only by
:mod:`geo.explore.tables` (French column names, OPSN by name, « oui/non »), shown
with French number formats (``12 345``, ``57,3 %``) while sorting on the numbers,
and downloaded as CSV for French Excel or as one workbook — the « Exporter » menu's
(:func:`geo.exports.files.export_file`).
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from geo import exports
from geo.core.analysis import Inputs
from geo.core.views import View
from geo.explore import tables as geo_tables
from geo.explore.views import TABLE_ROW_VIEWS, table_row_view
from ui.history import go
from ui.resources import table_for


@st.fragment
def tables(reference, analysis, inputs: Inputs, view: View) -> None:
    """Tables of ``view``: the accessible alternative to the map; sorting and filtering
    rerun only here."""
    shown = geo_tables.view_tables(view.level, analysis.options.opsn)
    words = geo_tables.tables_words(shown)
    # Closed at first, and only the open tab is computed and sent: the map draws
    # sooner (bench/bench_map.py: the tables delay its first draw by 0.3 to 0.5 s).
    section = st.expander(
        f"Tableaux : {words} (tri, filtre, CSV, Excel)", icon=":material/table_chart:",
        key="tables_open", on_change="rerun",
    )  # fmt: skip
    if not section.open:
        return
    with section:
        tabs = st.tabs([t.tab for t in shown], key=f"table_tab_{view.level}", on_change="rerun")
    for tab, entry in zip(tabs, shown, strict=True):
        if tab.open:
            with tab:
                table = table_for(inputs, analysis.options, view, entry.key)
                show_table(table, view, _csv_name(reference, analysis, view, entry.key))
    with section:
        st.download_button(
            f"Tous ces tableaux en Excel ({words}, sources)",
            data=lambda: _workbook(reference, analysis, inputs, view),
            file_name=_workbook_name(reference, analysis, view),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="download_xlsx", on_click="ignore", icon=":material/download:",
        )  # fmt: skip


OPENED = "table_row_opened"
ROW_TARGETS = {
    "region": "la région",
    "departement": "le département",
    "epci": "l'EPCI",
    "commune": "la commune",
    "territoire": "le territoire",
}


def open_row(key: str, shown: geo_tables.Table) -> None:
    """A row clicked opens its view (a callback): its checkbox, or any of its cells (a cell
    selected is its row chosen); the selection is cleared for the way back."""
    selection = st.session_state[key].selection
    rows = list(selection.rows) or [row for row, _column in selection.cells]
    if not rows:
        return
    view = table_row_view(shown.key, shown.frame.iloc[rows[0]].to_dict())
    st.session_state[key] = {"selection": {"rows": [], "cells": []}}
    if view is not None:
        go(view)
        st.session_state[OPENED] = True


def _scope(reference, analysis, view: View):
    from geo.exports.scope import resolve

    return resolve(reference, analysis, view.level, view.code)


def _workbook_name(reference, analysis, view: View) -> str:
    from geo.exports.files import DOWNLOADS, download_name

    xlsx = next(d for d in DOWNLOADS if d.key == "xlsx")
    return download_name(_scope(reference, analysis, view), xlsx, analysis.options)


def _csv_name(reference, analysis, view: View, key: str) -> str:
    from geo.exports.files import table_name

    return table_name(_scope(reference, analysis, view), key, analysis.options)


def _workbook(reference, analysis, inputs: Inputs, view: View) -> bytes:
    """Built on click only, by the « Exporter » menu's function: the view's tables."""
    from geo.exports.files import ExportKind, export_file

    scope = _scope(reference, analysis, view)
    return export_file(reference, analysis, inputs, scope, ExportKind.TABLES, ".xlsx").data


def show_table(table: geo_tables.Table, view: View, file_name: str) -> None:
    query = st.text_input("Filtrer", key=f"filter_{table.key}", placeholder="Filtrer les lignes…")
    shown = geo_tables.filter_rows(table, query)
    opens = TABLE_ROW_VIEWS.get(table.key)
    if opens:
        st.caption(f"Cliquer sur une ligne ouvre {ROW_TARGETS[opens[0]]} sur la carte.")
    key = f"rows_{view.key}_{table.key}"
    st.dataframe(
        geo_tables.styled(shown), hide_index=True, width="stretch", height=320, key=key,
        on_select=partial(open_row, key, shown) if opens else "ignore",
        selection_mode=["single-row", "single-cell"],
    )  # fmt: skip
    if st.session_state.pop(OPENED, False):
        st.rerun(scope="app")  # the view changed: the whole page, not only the tables
    st.text(" · ".join(table.notes))  # plain text: the data label names uploaded files
    st.download_button(
        "Télécharger en CSV", exports.csv_bytes(shown.frame, list(table.notes)),
        file_name=file_name, mime="text/csv", key=f"download_{table.key}",
    )  # fmt: skip
