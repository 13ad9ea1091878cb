"""Couverture OPSN — the Streamlit entry point: page settings and the pages.

Run with ``streamlit run app.py``. Each page lives in ``ui/``; everything computed
comes from ``geo``. The view and the counting options are in the URL (``geo.permalink``)
so that a copied link reopens the same view and Back/Forward walk the views seen.
"""

from __future__ import annotations

import streamlit as st

from ui import explore

st.set_page_config(page_title="Couverture OPSN", page_icon="🗺️", layout="wide")

pages = [st.Page(explore.page, title="Carte", icon=":material/map:", default=True)]
st.navigation(pages, position="hidden").run()
