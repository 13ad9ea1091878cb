"""The tables under the map: the accessible alternative to it, with CSV and Excel downloads.

Built by :mod:`geo.explore.tables` (French column names, OPSN by name, « oui/non »),
shown with French number formats (``12 345``, ``57,3 %``) while sorting on the
numbers, and downloaded as CSV for French Excel or as one workbook.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from geo import exports
from geo.core.analysis import Inputs
from geo.explore import tables as geo_tables
from geo.explore.views import TABLE_ROW_VIEWS, table_row_view
from ui.history import go
from ui.resources import table_for

TABS = (
    ("Régions", "regions", "region"),
    ("Départements", "departements", "departement"),
    ("OPSN", "opsn", "opsn"),
    ("Territoires sans OPSN", "territoires", "zones"),
)
"""(tab label, geo.explore.tables key, widget key) of each tab."""
WORKBOOK_TABLES = ("regions", "departements", "epci", "opsn", "communes", "territoires")


@st.fragment
def tables(reference, analysis, inputs: Inputs, token: str, rule_sentence: str) -> None:
    """Tables: the accessible alternative to the map; sorting and filtering rerun only here."""
    # Closed at first, and only the open tab is computed and sent: the map draws
    # sooner (bench/bench_map.py: the tables delay its first draw by 0.3 to 0.5 s).
    section = st.expander(
        "Tableaux : régions, départements, OPSN, territoires sans OPSN (tri, filtre, CSV, Excel)",
        icon=":material/table_chart:", key="tables_open", on_change="rerun",
    )  # fmt: skip
    if not section.open:
        return
    with section:
        tabs = st.tabs([label for label, _, _ in TABS], key="table_tab", on_change="rerun")
    for tab, (_, name, key) in zip(tabs, TABS, strict=True):
        if tab.open:
            with tab:
                show_table(table_for(token, analysis.options, name, inputs), key)
    with section:
        st.download_button(
            "Tous les tableaux en Excel (régions, départements, EPCI, OPSN, communes, "
            "territoires, sources)",
            data=lambda: _workbook(reference, analysis, inputs, token),
            file_name="tableaux_opsn_france.xlsx",
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
    """A row clicked opens its view (a callback); the selection is cleared for the way back."""
    rows = st.session_state[key].selection.rows
    if not rows:
        return
    view = table_row_view(shown.key, shown.frame.iloc[rows[0]].to_dict())
    st.session_state[key] = {"selection": {"rows": []}}
    if view is not None:
        go(view)
        st.session_state[OPENED] = True


def _workbook(reference, analysis, inputs: Inputs, token: str) -> bytes:
    """Built on click only (a few seconds for 35,000 communes), in Streamlit's own thread."""
    from geo.exports.about import about
    from geo.exports.xlsx import workbook_bytes

    built = [table_for(token, analysis.options, key, inputs) for key in WORKBOOK_TABLES]
    return workbook_bytes(built, about(reference, analysis, inputs, "France"))


def show_table(table: geo_tables.Table, key: str) -> None:
    query = st.text_input("Filtrer", key=f"filter_{key}", placeholder="Filtrer les lignes…")
    shown = geo_tables.filter_rows(table, query)
    opens = TABLE_ROW_VIEWS.get(table.key)
    if opens:
        st.caption(f"Cliquer sur une ligne ouvre {ROW_TARGETS[opens[0]]} sur la carte.")
    st.dataframe(
        geo_tables.styled(shown), hide_index=True, width="stretch", height=320,
        key=f"rows_{key}", on_select=partial(open_row, f"rows_{key}", shown) if opens else "ignore",
        selection_mode="single-row",
    )  # fmt: skip
    if st.session_state.pop(OPENED, False):
        st.rerun(scope="app")  # the view changed: the whole page, not only the tables
    st.text(" · ".join(table.notes))  # plain text: the data label names uploaded files
    st.download_button(
        "Télécharger en CSV", exports.csv_bytes(shown.frame, list(table.notes)),
        file_name=f"opsn_{table.key}.csv", mime="text/csv", key=f"download_{key}",
    )  # fmt: skip
