"""The map page: headline, search, breadcrumb, map, side panel, tables, credits."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import replace

import streamlit as st

from folium_component import show_map
from geo.permalink import is_equivalent
from geo.stats import CREDITS
from geo.timeline import membership_dates
from geo.views import (
    DROM,
    LEVEL_LABELS,
    View,
    breadcrumb,
    parse_view,
    resolve_view,
)
from ui import history, panel
from ui.controls import controls
from ui.data import OPTIONS, VERSION, data_banner, data_in_use
from ui.history import go
from ui.markdown import md
from ui.resources import analysis_for, facts_for, map_args_for, reference_data, search_index
from ui.tables import tables


def breadcrumb_bar(facts: dict) -> None:
    current = View(facts["view"]["niveau"], facts["view"]["code"])
    with st.container(horizontal=True, gap="small"):
        for step in facts["view"]["fil"]:
            view = View(step["niveau"], step["code"])
            prefix = "" if view.level == "france" else "› "
            st.button(
                prefix + step["nom"], key=f"crumb_{view.key}", on_click=go, args=(view,),
                disabled=view == current, width="content", help=LEVEL_LABELS[view.level],
            )  # fmt: skip


def search_box(zones) -> None:
    query = st.text_input(
        "Rechercher", key="search", placeholder="Commune, code INSEE ou postal, département, région, EPCI…",
        label_visibility="collapsed",
    )  # fmt: skip
    if not query.strip():
        return
    results = search_index().find(query, limit=SEARCH_LIMIT, zones=zones)
    if not results.hits:
        st.caption(f"Aucun territoire ne correspond à « {md(query)} ».")
        return
    labels = {f"{h.kind}:{h.code}": h.label for h in results.hits}
    key = f"search_choice_{query}"
    st.selectbox(
        results.caption(), list(labels), format_func=labels.get, index=None,
        placeholder="Choisir un résultat…", key=key, on_change=open_result, args=(key,),
    )  # fmt: skip


def open_result(key: str) -> None:
    """Open the chosen result once: the breadcrumb and the map can leave it afterwards."""
    choice = st.session_state.get(key)
    if choice:
        level, code = choice.split(":", 1)
        go(View(level, code))


def drom_buttons(view: View) -> None:
    cols = st.columns(len(DROM) + 1)
    cols[0].caption("Outre-mer :")
    for col, (code, name) in zip(cols[1:], DROM.items(), strict=True):
        target = View("departement", code)
        col.button(
            name,
            key=f"drom_{code}",
            on_click=go,
            args=(target,),
            disabled=view == target,
            width="stretch",
        )


def handle_click(state: dict | None, reference) -> None:
    drawing = (state or {}).get("last_active_drawing")
    if not drawing:
        return
    props = drawing.get("properties") or {}
    level, code = props.get("niveau"), props.get("code")
    marker = f"{level}:{code}"
    if not level or marker == st.session_state.get("_last_click"):
        return
    st.session_state["_last_click"] = marker
    view, message = parse_view(level, html.unescape(str(code)), reference)
    if message is None and view != st.session_state["view"]:
        st.session_state["view"] = view
        st.rerun()


def copy_link_button(version: int) -> None:
    """Copy the address, naming the saved version shown (a bare address has none yet)."""
    st.iframe(
        """<button id="copy" style="font:14px system-ui,sans-serif;padding:6px 12px;border:1px solid #bbb;
        border-radius:6px;background:#fff;cursor:pointer">Copier le lien de cette vue</button>
        <span id="done" style="font:13px system-ui,sans-serif;color:#2e7d32;margin-left:8px"></span>
        <script>
        document.getElementById("copy").onclick = async () => {
          const url = new URL(window.parent.location.href);
          if (!url.searchParams.has("version")) url.searchParams.set("version", "VERSION");
          try { await navigator.clipboard.writeText(url.href); }
          catch (e) { const t = document.createElement("textarea"); t.value = url.href;
            document.body.appendChild(t); t.select(); document.execCommand("copy"); t.remove(); }
          document.getElementById("done").textContent = "Lien copié";
        };
        </script>""".replace("VERSION", str(int(version))),
        height=44,
    )


SEARCH_LIMIT = 30

STYLE = """
<style>
.headline {display:flex;gap:1.2rem;align-items:center;margin:.2rem 0 .6rem 0}
.headline .big {font-size:3.4rem;font-weight:700;color:#5e3c99;line-height:1}
.headline .sentence {font-size:1.02rem;max-width:60rem}
.headline .france {font-size:.9rem;color:#444;text-align:center;line-height:1.1}
.headline .france span {display:block;font-size:1.9rem;font-weight:700;color:#5e3c99}
.swatch {display:inline-block;width:12px;height:10px;border:1px solid #555;margin-right:2px}
.credits {font-size:.8rem;color:#555}
</style>
"""


def page() -> None:
    st.markdown(STYLE, unsafe_allow_html=True)
    reference = reference_data()
    data = data_in_use()
    asked = st.session_state.get(VERSION)
    history.sync_from_url(reference, list(data.inputs.registry["id"]))
    if st.session_state.get(VERSION) != asked:  # the URL names another saved version
        data = data_in_use()
    token, inputs = data.token, data.inputs
    options = controls(inputs.registry, dated=bool(membership_dates(inputs.memberships)))
    st.session_state[OPTIONS] = options  # the other pages count the same way
    analysis = analysis_for(token, options, inputs)
    figures = analysis.figures
    # A territory without OPSN exists only under the options that made it (geo.views).
    view, moved = resolve_view(st.session_state["view"], reference, analysis.zones)
    if moved:
        st.session_state["view"] = view
        st.session_state.setdefault("url_messages", []).append(moved)
    link = history.current_link(options, data.version.number)
    if not st.query_params and st.session_state.get(VERSION) is None:
        # Arriving at the bare address (the latest data) rewrites nothing; the copied
        # link names the version all the same (copy_link_button).
        bare = replace(link, version=None)
        if is_equivalent({}, bare, reference):
            link = bare
    history.write_url(link, reference)
    history.install()

    st.title("Couverture OPSN")
    for message in st.session_state.pop("url_messages", []):
        st.warning(md(message))  # the values come from the URL
    data_banner(data)
    facts = facts_for(token, options, view, inputs)
    panel.headline(facts)
    search_box(analysis.zones)
    breadcrumb_bar(facts)
    drom_buttons(view)

    left, right = st.columns([2, 1], gap="medium")
    with left:
        basemap = st.session_state["basemap"]
        # Until the map draws a territory without OPSN, show the level above it.
        drawn = (
            view if view.level != "territoire" else breadcrumb(reference, view, analysis.zones)[-2]
        )
        state = show_map(map_args_for(token, options, drawn, basemap, inputs))
        handle_click(state, reference)
        copy_link_button(data.version.number)
    with right:
        panel.side_panel(facts)

    tables(reference, analysis, inputs, token, figures["counting_rule"])
    st.markdown(
        f"<p class='credits'>{html.escape(CREDITS)} Données OPSN : "
        f"{html.escape(inputs.label)} (sources et niveau de confiance par ligne dans "
        f"data/opsn/). Calculé le {dt.date.today():%d/%m/%Y}.</p>",
        unsafe_allow_html=True,
    )
