"""The map page: headline, search, breadcrumb, map, side panel, tables, credits."""

from __future__ import annotations

import datetime as dt
import html

import streamlit as st

from folium_component import show_map
from geo import fmt
from geo.analysis import Inputs
from geo.coverage import STATUSES, selection_figures, without_label
from geo.maps import STATUS_COLOURS
from geo.registry import opsn_names
from geo.stats import CREDITS, reference_figures, vintage_sentence
from geo.views import (
    DROM,
    LEVEL_LABELS,
    View,
    breadcrumb,
    commune_row,
    name_of,
    parse_view,
    resolve_view,
    serving_opsn,
    territory_mask,
    zone_of_commune,
)
from ui import history
from ui.controls import controls, data_choice
from ui.history import go
from ui.imports import import_panel
from ui.markdown import md
from ui.resources import analysis_for, map_args_for, reference_data, search_index
from ui.tables import tables


def headline(figures: dict, reference_vintage: str) -> None:
    share = fmt.percent(figures["covered_share"])
    rule = html.escape(figures["counting_rule"])
    st.markdown(
        f"""<div class="headline"><div class="big">{share}</div>
        <div class="sentence"><b>{fmt.integer(figures["covered_population"])} habitants</b> sur
        {fmt.integer(figures["total_population"])} : {rule}.</div></div>""",
        unsafe_allow_html=True,
    )
    without = without_label(figures["opsn_filter"])
    cols = st.columns(4)
    cols[0].metric("Communes couvertes", fmt.integer(figures["covered_communes"]))
    cols[1].metric(f"Communes {without}", fmt.integer(figures["status"]["sans_opsn"]["communes"]))
    cols[2].metric(f"Territoires {without}", fmt.integer(figures["white_zone_count"] or 0))
    cols[3].metric(f"Habitants {without}", fmt.integer(figures["white_zone_population"] or 0))


def breadcrumb_bar(reference, view: View) -> None:
    trail = breadcrumb(reference, view)
    with st.container(horizontal=True, gap="small"):
        for step in trail:
            label = name_of(reference, step) if step.level != "france" else "France"
            prefix = "" if step.level == "france" else "› "
            st.button(
                prefix + label, key=f"crumb_{step.key}", on_click=go, args=(step,),
                disabled=step == view, width="content", help=LEVEL_LABELS[step.level],
            )  # fmt: skip


def search_box(reference) -> None:
    query = st.text_input(
        "Rechercher", key="search", placeholder="Commune, code INSEE ou postal, département, région, EPCI…",
        label_visibility="collapsed",
    )  # fmt: skip
    if not query.strip():
        return
    hits = search_index().search(query, limit=30)
    if not hits:
        st.caption(f"Aucun territoire ne correspond à « {md(query)} ».")
        return
    labels = {f"{h.kind}:{h.code}": h.label for h in hits}
    key = f"search_choice_{query}"
    st.selectbox(
        f"{len(hits)} résultat(s)", list(labels), format_func=labels.get, index=None,
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


def side_panel(reference, analysis, inputs: Inputs, view: View, national: dict) -> None:
    names = opsn_names(inputs.registry)
    mask = territory_mask(reference, view)
    figures = selection_figures(reference.communes, analysis.coverage, mask, analysis.options)
    labels = figures["status_labels"]
    st.subheader(name_of(reference, view))
    if view.level == "commune":
        commune = commune_row(reference, view.code)
        row = analysis.coverage.set_index("insee").loc[view.code]
        epci_name = (
            reference.epci.set_index("siren").at[commune["epci"], "nom"]
            if commune["epci"]
            else "aucun"
        )
        st.markdown(
            f"**{labels[row['statut']]}**  \n"
            f"Population municipale : {fmt.inhabitants(commune['population'])}  \n"
            f"Département : {md(commune['departement'])} — EPCI : {md(epci_name)}"
        )
        members = [names.get(i, i) for i in row["opsn_adhesion"].split("|") if i]
        perimeter = [names.get(i, i) for i in row["opsn_perimetre"].split("|") if i]
        via = " (par son EPCI)" if row["adhesion_via_epci"] else ""
        st.markdown(
            f"**Adhérente à** : {md(', '.join(members)) + via if members else 'aucun OPSN connu'}"
        )
        st.markdown(
            f"**Dans le périmètre de** : {md(', '.join(perimeter)) if perimeter else 'aucun OPSN'}"
        )
        zone = zone_of_commune(analysis, view.code)
        if zone is not None:
            border = [names.get(i, i) for i in zone["opsn_voisins_perimetre"].split("|") if i]
            st.markdown(
                f"Territoire sans OPSN **{md(zone['nom'])}** : {fmt.integer(zone['communes'])} communes, "
                f"{fmt.inhabitants(zone['population'])}.  \nOPSN voisins : "
                f"{md(', '.join(border)) if border else 'aucun'}"
            )
        return
    comparison = (
        ""
        if view.level == "france"
        else f", contre {fmt.percent(national['covered_share'])} pour la France "
        + ("entière" if analysis.options.territory == "france" else "métropolitaine")
    )
    st.markdown(
        f"**{fmt.percent(figures['covered_share'])}** de la population couverte "
        f"({fmt.integer(figures['covered_population'])} sur "
        f"{fmt.integer(figures['total_population'])} habitants){comparison}."
    )
    for status in STATUSES:
        counts = figures["status"][status]
        colour = STATUS_COLOURS[status]
        st.markdown(
            f"<span style='display:inline-block;width:12px;height:10px;background:{colour};"
            f"border:1px solid #555'></span> {html.escape(labels[status])} : "
            f"{fmt.count(counts['communes'], 'commune')}, {fmt.inhabitants(counts['population'])}",
            unsafe_allow_html=True,
        )
    if view.level == "france":
        return
    perimeter = serving_opsn(analysis, mask, "opsn_perimetre")
    members = serving_opsn(analysis, mask, "opsn_adhesion")
    st.markdown("**OPSN présents**")
    if perimeter.empty and members.empty:
        st.markdown("Aucun OPSN connu sur ce territoire.")
    for opsn_id in sorted(set(perimeter.index) | set(members.index), key=lambda i: names.get(i, i)):
        how = []
        if opsn_id in perimeter.index:
            how.append(f"périmètre ({fmt.integer(perimeter[opsn_id])} communes)")
        if opsn_id in members.index:
            how.append(f"{fmt.integer(members[opsn_id])} communes adhérentes")
        st.markdown(f"- {md(names.get(opsn_id, opsn_id))} : {', '.join(how)}")
    zones = analysis.zones
    if not zones.empty:
        codes = set(reference.communes.loc[mask, "insee"])
        inside = zones[zones["insee"].str.split("|").map(lambda c: bool(codes.intersection(c)))]
        if len(inside):
            st.markdown(
                f"**Territoires sans OPSN** touchant ce territoire : {len(inside)} "
                f"({fmt.inhabitants(inside['population'].sum())} au total)"
            )
            for zone in inside.head(5).itertuples():
                border = [names.get(i, i) for i in zone.opsn_voisins_perimetre.split("|") if i]
                st.markdown(
                    f"- {md(zone.nom)} : {fmt.inhabitants(zone.population)} ; OPSN voisins : "
                    f"{md(', '.join(border)) if border else 'aucun'}"
                )


def copy_link_button() -> None:
    st.iframe(
        """<button id="copy" style="font:14px system-ui,sans-serif;padding:6px 12px;border:1px solid #bbb;
        border-radius:6px;background:#fff;cursor:pointer">Copier le lien de cette vue</button>
        <span id="done" style="font:13px system-ui,sans-serif;color:#2e7d32;margin-left:8px"></span>
        <script>
        document.getElementById("copy").onclick = async () => {
          const url = window.parent.location.href;
          try { await navigator.clipboard.writeText(url); }
          catch (e) { const t = document.createElement("textarea"); t.value = url;
            document.body.appendChild(t); t.select(); document.execCommand("copy"); t.remove(); }
          document.getElementById("done").textContent = "Lien copié";
        };
        </script>""",
        height=44,
    )


STYLE = """
<style>
.headline {display:flex;gap:1.2rem;align-items:center;margin:.2rem 0 .6rem 0}
.headline .big {font-size:3.4rem;font-weight:700;color:#5e3c99;line-height:1}
.headline .sentence {font-size:1.02rem;max-width:60rem}
.credits {font-size:.8rem;color:#555}
</style>
"""


def page() -> None:
    st.markdown(STYLE, unsafe_allow_html=True)
    reference = reference_data()
    st.sidebar.title("Couverture OPSN")
    import_panel()
    token, inputs = data_choice()
    history.sync_from_url(reference, list(inputs.registry["id"]))
    options = controls(inputs.registry)
    analysis = analysis_for(token, options, inputs)
    figures = analysis.figures
    # A territory without OPSN exists only under the options that made it (geo.views).
    view, moved = resolve_view(st.session_state["view"], reference, analysis.zones)
    if moved:
        st.session_state["view"] = view
        st.session_state.setdefault("url_messages", []).append(moved)
    history.write_url(history.current_link(options), reference)
    history.install()

    st.title("Couverture OPSN")
    for message in st.session_state.pop("url_messages", []):
        st.warning(md(message))  # the values come from the URL
    headline(figures, vintage_sentence(reference_figures(reference)))
    search_box(reference)
    breadcrumb_bar(reference, view)
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
        copy_link_button()
    with right:
        side_panel(reference, analysis, inputs, view, figures)

    tables(reference, analysis, inputs, token, figures["counting_rule"])
    st.markdown(
        f"<p class='credits'>{html.escape(CREDITS)} Données OPSN : registre du projet "
        f"(sources et niveau de confiance par ligne dans data/opsn/). "
        f"Calculé le {dt.date.today():%d/%m/%Y}.</p>",
        unsafe_allow_html=True,
    )
