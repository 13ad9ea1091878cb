"""The sidebar menu: the pages this visitor may open, and who is signed in.

The navigation itself is hidden (``app.py``): these links carry the map's
query string back to the map, so that visiting another page and coming back
keeps the view and the counting options.
"""

from __future__ import annotations

import streamlit as st

from ui import history
from ui.access import sidebar_badge
from ui.data import map_query, page_query


def menu(pages: dict) -> None:
    side = st.sidebar
    side.title("Couverture OPSN")
    for key, page in pages.items():
        if key == "connexion":
            continue
        query = map_query() if key == "carte" else page_query(key)
        side.page_link(page, query_params=query)
    sidebar_badge()
    side.divider()
    # On every page, so that the browser's history is patched before the map first
    # writes its address (a first visit through another page would add an entry).
    history.install()
