"""The search box: suggestions while typing (a Streamlit custom component v2, in the page).

What it lists is :func:`geo.explore.search.suggestions` for the text typed, sent back
by the page at each pause in typing (``search.js``): accents and case folded, homonyms
with their department, keyboard navigation (↓ ↑ Entrée Échap). A choice comes back as
the trigger value ``{"level", "code"}``; the box then empties, and so it does when the
view changes by other means (a click on the map, the breadcrumb).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
PLACEHOLDER = "Commune, code INSEE ou postal, département, région, EPCI…"
LABEL = "Rechercher un territoire"

HTML = """<div class="opsn-search" role="search">
  <input class="opsn-search-input" type="text" role="combobox" autocomplete="off"
         spellcheck="false" aria-autocomplete="list" aria-expanded="false"
         aria-controls="opsn-search-list">
  <div class="opsn-search-popup" hidden>
    <ul class="opsn-search-list" id="opsn-search-list" role="listbox"
        aria-label="Suggestions"></ul>
    <div class="opsn-search-status" role="status"></div>
  </div>
</div>"""

_component = st.components.v2.component(
    "opsn_search",
    html=HTML,
    css=(HERE / "search.css").read_text(encoding="utf-8"),
    js=(HERE / "search.js").read_text(encoding="utf-8"),
)


def _ignore() -> None:
    """The text typed is read from the element's state, a choice from its trigger."""


def typed(key: str) -> str:
    """The text the box last sent (empty before any typing)."""
    state = st.session_state.get(key)
    query = state.get("query") if hasattr(state, "get") else None
    return query if isinstance(query, str) else ""


def chosen(key: str) -> dict | None:
    """In an ``on_choose`` callback: the suggestion chosen, ``{"level", "code"}``."""
    state = st.session_state.get(key)
    choice = state.get("choose") if hasattr(state, "get") else None
    if isinstance(choice, dict) and isinstance(choice.get("level"), str):
        return {"level": choice["level"], "code": str(choice.get("code", ""))}
    return None


def search_element(
    suggest: Callable[[str], dict],
    view: str,
    *,
    key: str = "opsn_search",
    on_choose: Callable[[], None] | None = None,
) -> None:
    """The box, with ``suggest(text)`` (:func:`geo.explore.search.suggestions`) for what
    it holds; ``view`` (``level:code``) empties it when it changes; ``on_choose`` runs
    before the rerun a choice causes (read the choice with :func:`chosen`)."""
    data = {"view": view, "placeholder": PLACEHOLDER, "label": LABEL, **suggest(typed(key))}
    _component(
        key=key, data=data, on_query_change=_ignore, on_choose_change=on_choose or _ignore,
        height="content",
    )  # fmt: skip
