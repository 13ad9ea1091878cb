"""Couverture OPSN — the Streamlit page: layout, widgets, caching, URL state.

Everything computed comes from ``geo``; this file only lays it out. The view
(level, code, rule, territory, EPCI option, OPSN filter) lives in the URL
query string so that a copied link reopens the same view.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from folium_component import folium_component_args, show_map
from geo import fmt
from geo.analysis import analyse, table_by
from geo.coverage import (
    STATUSES,
    CoverageOptions,
    figures_by_opsn,
    selection_figures,
    without_label,
)
from geo.exports import csv_bytes
from geo.inputs import Inputs, bundled_inputs, inputs_from_contents
from geo.maps import STATUS_COLOURS
from geo.reference import load_reference
from geo.registry import opsn_names
from geo.search import SearchIndex
from geo.stats import CREDITS, reference_figures, vintage_sentence
from geo.views import (
    DROM,
    LEVEL_LABELS,
    View,
    breadcrumb,
    commune_row,
    name_of,
    parse_view,
    render_map,
    serving_opsn,
    territory_mask,
    zone_of_commune,
)
from geo.web_assets import LEAFLET_COMPONENT, leaflet_asset_dir, streamlit_asset_prefix

st.set_page_config(page_title="Couverture OPSN", page_icon="🗺️", layout="wide")

# Leaflet is served by this app from an installed package: maps draw offline.
_leaflet_assets = components.declare_component(LEAFLET_COMPONENT, path=leaflet_asset_dir())
ASSET_PREFIX = streamlit_asset_prefix(_leaflet_assets.name)

RULE_CHOICES = {"perimetre": "Adhérentes ou dans un périmètre", "adhesion": "Adhérentes seulement"}
TERRITORY_CHOICES = {"france": "France entière (métropole et DROM)", "metropole": "Métropole"}


# ----------------------------------------------------------------------------- cached data


@st.cache_resource(show_spinner="Chargement des données de référence…")
def reference_data():
    return load_reference()


@st.cache_resource
def search_index() -> SearchIndex:
    return SearchIndex(reference_data())


@st.cache_resource
def bundled() -> Inputs:
    return bundled_inputs()


@st.cache_resource(max_entries=64, show_spinner=False)
def analysis_for(token: str, options: CoverageOptions, _inputs: Inputs):
    return analyse(reference_data(), _inputs, options)


@st.cache_resource(max_entries=64, show_spinner=False)
def map_args_for(
    token: str, options: CoverageOptions, view: View, basemap: bool, _inputs: Inputs
) -> dict:
    analysis = analysis_for(token, options, _inputs)
    folium_map = render_map(reference_data(), analysis, _inputs, view, ASSET_PREFIX, basemap)
    return folium_component_args(folium_map, key=f"map_{token}_{view.key}_{basemap}")


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


def md(text: object) -> str:
    """Text safe inside Markdown: names from uploaded files must not become links or HTML."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", str(text))


# ----------------------------------------------------------------------------- URL state


def read_url_state() -> None:
    """Copy the query string into the widgets' state, once per session."""
    if st.session_state.get("_url_read"):
        return
    params = st.query_params
    st.session_state["_url_read"] = True
    st.session_state["rule"] = params.get("regle", "perimetre")
    if st.session_state["rule"] not in RULE_CHOICES:
        st.session_state["rule"] = "perimetre"
    st.session_state["territory"] = params.get("territoire", "france")
    if st.session_state["territory"] not in TERRITORY_CHOICES:
        st.session_state["territory"] = "france"
    st.session_state["epci_membership"] = params.get("epci", "oui") != "non"
    st.session_state["opsn_filter"] = [x for x in params.get("opsn", "").split(",") if x]
    st.session_state["basemap"] = params.get("fond") == "ign"
    view, message = parse_view(
        params.get("vue", "france"), params.get("code", ""), reference_data()
    )
    st.session_state["view"] = view
    if message:
        st.session_state["url_message"] = message


def write_url_state(view: View, options: CoverageOptions) -> None:
    wanted = {
        "vue": view.level,
        "code": view.code,
        "regle": options.rule,
        "territoire": options.territory,
        "epci": "oui" if options.epci_membership else "non",
        "opsn": ",".join(options.opsn),
        "fond": "ign" if st.session_state.get("basemap") else "",
    }
    wanted = {k: v for k, v in wanted.items() if v and not (k == "vue" and v == "france")}
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def go(view: View) -> None:
    st.session_state["view"] = view


# ----------------------------------------------------------------------------- imports


def imported_inputs(files: list) -> tuple[Inputs | None, str, list[str], list]:
    """Inputs built from uploaded files (operators and/or membership lists)."""
    contents = tuple((upload.name, upload.getvalue()) for upload in files)
    digest = hashlib.sha256()
    for name, data in contents:
        digest.update(hashlib.sha256(name.encode()).digest() + hashlib.sha256(data).digest())
    token = digest.hexdigest()[:16]
    return _read_uploads(token, contents)


@st.cache_resource(max_entries=8, show_spinner="Lecture des fichiers importés…")
def _read_uploads(token: str, _contents: tuple) -> tuple[Inputs | None, str, list[str], list]:
    """Read once per set of files, not on every rerun (the token is their hash)."""
    loaded = inputs_from_contents(reference_data(), list(_contents), bundled())
    if not loaded.reports:
        return None, "", loaded.errors, []
    return loaded.inputs, token, loaded.errors, loaded.reports


def import_panel() -> None:
    with st.sidebar.expander("Importer des fichiers", expanded=False):
        st.caption(
            "Fichiers « operators » et « adherents » de la Suite territoriale (ANCT), ou listes "
            "d'adhérents d'un OPSN (CSV, TSV, XLSX ; `;` ou `,` ; UTF-8 ou Windows-1252). "
            "Rien n'est enregistré : les données livrées restent intactes."
        )
        files = st.file_uploader(
            "Fichiers", accept_multiple_files=True, key="uploads", label_visibility="collapsed",
            type=["csv", "tsv", "txt", "xlsx", "gz"],
        )  # fmt: skip
        if not files:
            st.session_state.pop("imported", None)
            return
        inputs, token, errors, reports = imported_inputs(files)
        for message in errors:
            st.error(md(message))  # file names come from the user
        for report in reports:
            summary = (
                f"**{md(report.file)}** : {report.accepted} ligne(s) acceptée(s) "
                f"(dont {report.corrected} corrigée(s)), {report.rejected} rejetée(s)"
            )
            (st.warning if report.rejected else st.success)(summary)
            if report.issues:
                issues = pd.DataFrame(report.issues)[["line", "value", "message"]]
                issues.columns = ["Ligne", "Valeur", "Message"]
                st.dataframe(issues, hide_index=True, height=160)
        if inputs is not None:
            st.session_state["imported"] = (token, inputs)


# ----------------------------------------------------------------------------- controls


def controls(registry: pd.DataFrame) -> CoverageOptions:
    side = st.sidebar
    side.radio(
        "Règle de comptage", list(RULE_CHOICES), format_func=RULE_CHOICES.get, key="rule",
        help="« Dans un périmètre » : un OPSN propose ses services dans le département, "
        "sans adhésion connue de la commune.",
    )  # fmt: skip
    side.radio(
        "Territoire", list(TERRITORY_CHOICES), format_func=TERRITORY_CHOICES.get, key="territory"
    )
    side.checkbox(
        "Compter les communes des EPCI adhérents", key="epci_membership",
        help="Une intercommunalité adhérente rend adhérentes toutes ses communes.",
    )  # fmt: skip
    names = opsn_names(registry)
    valid = [x for x in st.session_state.get("opsn_filter", []) if x in names]
    st.session_state["opsn_filter"] = valid
    side.multiselect(
        "OPSN", list(names), format_func=lambda i: names.get(i, i), key="opsn_filter",
        placeholder="Tous les OPSN",
    )  # fmt: skip
    side.checkbox(
        "Fond de carte Plan IGN (connexion Internet requise)", key="basemap",
        help="Sans connexion, la carte reste complète sur fond uni : régions, départements "
        "et communes sont dessinés par l'application.",
    )  # fmt: skip
    return CoverageOptions(
        rule=st.session_state["rule"],
        territory=st.session_state["territory"],
        epci_membership=st.session_state["epci_membership"],
        opsn=tuple(st.session_state["opsn_filter"]),
    )


def data_choice() -> tuple[str, Inputs]:
    imported = st.session_state.get("imported")
    options = ["bundled"] + (["imported"] if imported else [])
    labels = {"bundled": "Données livrées", "imported": "Fichiers importés"}
    choice = st.sidebar.radio(
        "Données utilisées", options, format_func=labels.get, key="data_source"
    )
    if choice == "imported" and imported:
        return imported
    return "bundled", bundled()


# ----------------------------------------------------------------------------- page parts


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
        "Télécharger en CSV", csv_bytes(table, notes), file_name=filename, mime="text/csv",
        key=f"download_{key}",
    )  # fmt: skip


STYLE = """
<style>
.headline {display:flex;gap:1.2rem;align-items:center;margin:.2rem 0 .6rem 0}
.headline .big {font-size:3.4rem;font-weight:700;color:#5e3c99;line-height:1}
.headline .sentence {font-size:1.02rem;max-width:60rem}
.credits {font-size:.8rem;color:#555}
</style>
"""


def main() -> None:
    st.markdown(STYLE, unsafe_allow_html=True)
    reference = reference_data()
    read_url_state()
    st.sidebar.title("Couverture OPSN")
    import_panel()
    token, inputs = data_choice()
    options = controls(inputs.registry)
    analysis = analysis_for(token, options, inputs)
    figures = analysis.figures
    view = st.session_state["view"]
    write_url_state(view, options)

    st.title("Couverture OPSN")
    if "url_message" in st.session_state:
        st.warning(md(st.session_state.pop("url_message")))  # the code comes from the URL
    headline(figures, vintage_sentence(reference_figures(reference)))
    search_box(reference)
    breadcrumb_bar(reference, view)
    drom_buttons(view)

    left, right = st.columns([2, 1], gap="medium")
    with left:
        basemap = st.session_state["basemap"]
        state = show_map(map_args_for(token, options, view, basemap, inputs))
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


main()
