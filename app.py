"""Couverture OPSN — the Streamlit entry point: page settings and the pages.

Run with ``streamlit run app.py``. Each page lives in ``ui/`` (``ui/pages/`` for
the scripts); everything computed comes from ``geo``. The view, the counting
options and the saved version shown are in the URL (``geo.explore.permalink``) so that a
copied link reopens the same view and Back/Forward walk the views seen.

Looking is open to everyone; the pages that change data (Importer) are
registered only for a signed-in person (``ui.access``), so that their address
leads nowhere for anyone else.
"""

from __future__ import annotations

import streamlit as st

from ui import access
from ui.faults import storage_fault_shown
from ui.menu import menu
from ui.saving import note_page
from ui.shell import page_shell

st.set_page_config(page_title="Couverture OPSN", page_icon="🗺️", layout="wide")

pages = {
    "carte": st.Page("ui/pages/carte.py", title="Carte", icon=":material/map:", default=True),
    "scenario": st.Page(
        "ui/pages/scenario.py", title="Et si…", icon=":material/science:", url_path="scenario"
    ),
    "evolution": st.Page(
        "ui/pages/evolution.py", title="Évolution", icon=":material/timeline:", url_path="evolution"
    ),
    "versions": st.Page(
        "ui/pages/versions.py", title="Versions", icon=":material/history:", url_path="versions"
    ),
    "registre": st.Page(
        "ui/pages/registre.py", title="Registre", icon=":material/list_alt:", url_path="registre"
    ),
}
if access.identity() is not None:
    pages["importer"] = st.Page(
        "ui/pages/importer.py", title="Importer", icon=":material/upload_file:", url_path="importer"
    )
pages["connexion"] = st.Page(
    "ui/pages/connexion.py", title="Connexion", icon=":material/login:", url_path="connexion"
)
page = st.navigation(list(pages.values()), position="hidden")
note_page(page.url_path)  # tells a visit from a rerun (ui.saving)
menu(pages)
page_shell(access.cookie_change())  # Streamlit's words in French; the sign-in cookie
storage_fault_shown(page.run)
