"""The map page: headline, search, breadcrumb, map, side panel, tables, credits."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import streamlit as st

from geo.core.coverage import without_label
from geo.core.stats import CREDITS
from geo.core.views import DROM, LEVEL_LABELS, Level, View
from geo.explore.facts import ViewFacts
from geo.explore.permalink import is_equivalent, shared_query
from geo.explore.search import suggestions
from geo.explore.views import parse_view, resolve_view
from geo.planning.timeline import membership_dates
from ui import embed, history, panel, presentation, warmup
from ui.controls import controls
from ui.data import OPTIONS, VERSION, data_banner, data_in_use
from ui.downloads import export_menu
from ui.history import go
from ui.map_element import clicked, map_element
from ui.markdown import md
from ui.resources import (
    analysis_for,
    facts_for,
    map_assets,
    map_spec_for,
    reference_data,
    search_index,
)
from ui.search_element import chosen, search_element
from ui.tables import tables

MAP_KEY = "opsn_map"


def breadcrumb_bar(facts: ViewFacts) -> None:
    current = View(facts.view.niveau, facts.view.code)
    for step in facts.view.fil:
        view = View(step.niveau, step.code)
        prefix = "" if view.level == Level.FRANCE else "› "
        # A territory may bear its department's name (« La Réunion »): say what it is.
        without = without_label(facts.figures.opsn_filter)
        kind = f"{without[:1].upper()}{without[1:]} : " if view.level == Level.TERRITOIRE else ""
        st.button(
            prefix + kind + md(step.nom), key=f"crumb_{view.key}", on_click=go, args=(view,),
            disabled=view == current, width="content", help=LEVEL_LABELS[view.level],
        )  # fmt: skip


SEARCH_KEY = "opsn_search"
_SEARCH_OPENED = "search_opened"


@st.fragment
def search_box(zones, view: View) -> None:
    """Suggestions while typing; each pause reruns only this box (a fragment)."""
    index = search_index()
    search_element(
        lambda text: suggestions(index, text, zones), view.key, key=SEARCH_KEY,
        on_choose=open_result,
    )  # fmt: skip
    if st.session_state.pop(_SEARCH_OPENED, False):
        st.rerun(scope="app")  # the view changed: the whole page, not only the box


def open_named(target: dict | None) -> bool:
    """Open ``{"level", "code"}`` (a suggestion, a click on the map) if it names a view."""
    if not target:
        return False
    view, message = parse_view(target["level"], target["code"], reference_data())
    if message is None:
        go(view)
    return message is None


def open_result() -> None:
    """Open the suggestion chosen (a callback, before the rerun)."""
    if open_named(chosen(SEARCH_KEY)):
        st.session_state[_SEARCH_OPENED] = True


def drom_buttons(view: View) -> None:
    """Quick jumps to the five DROM, after the breadcrumb on the same row."""
    st.caption("· Outre-mer :", width="content")
    for code, name in DROM.items():
        target = View(Level.DEPARTEMENT, code)
        st.button(
            name,
            key=f"drom_{code}",
            on_click=go,
            args=(target,),
            disabled=view == target,
            width="content",
            type="tertiary",
        )


def open_clicked() -> None:
    """A click on the map opens the territory clicked (a callback, before the rerun)."""
    open_named(clicked(MAP_KEY))


_COPY_LINK = st.components.v2.component(
    "opsn_copy_link",
    html='<button type="button" class="copy">Copier le lien de cette vue</button>'
    '<span class="done" role="status"></span>',
    css=".copy {font: 14px system-ui, sans-serif; padding: 6px 12px; border: 1px solid #bbb;"
    " border-radius: 6px; background: #fff; cursor: pointer}"
    ".done {font: 13px system-ui, sans-serif; color: #2e7d32; margin-left: 8px}",
    js="""
export default function ({ parentElement, data }) {
  const button = parentElement.querySelector(".copy");
  button.onclick = async () => {
    const url = new URL(window.location.href);
    url.search = data.query;
    try { await navigator.clipboard.writeText(url.href); }
    catch (error) {
      const area = document.createElement("textarea");
      area.value = url.href; document.body.appendChild(area); area.select();
      document.execCommand("copy"); area.remove();
    }
    parentElement.querySelector(".done").textContent = "Lien copié";
  };
}
""",
)


def copy_link_button(query: str) -> None:
    """Copy the page's address with ``query`` (:func:`geo.explore.permalink.shared_query`:
    view, rule, territory, EPCI option and saved version, even from the bare address)."""
    _COPY_LINK(key="copy_link", data={"query": query})


STYLE = """
<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.6rem; padding-bottom: 2rem;}
[data-testid="stMain"] [data-testid="stVerticalBlock"] {gap: .55rem;}
h1.opsn-title {font-size: 1.55rem; padding: 0; margin: 0; white-space: nowrap;}
.headline {display:flex;gap:1.1rem;align-items:center;margin:0 0 .3rem 0}
.headline .big {font-size:2.7rem;font-weight:700;color:#4a2080;line-height:1}
.headline .sentence {font-size:.95rem;line-height:1.35;max-width:62rem}
.headline .france {font-size:.85rem;color:#444;text-align:center;line-height:1.1}
.headline .france span {display:block;font-size:1.6rem;font-weight:700;color:#4a2080}
.st-key-noprint_figures [data-testid="stMetricValue"] {font-size:1.45rem;}
.st-key-noprint_figures [data-testid="stMetric"] {padding:0;}
.st-key-noprint_figures [data-testid="stMetricLabel"] p {font-size:.84rem;}
.st-key-noprint_figures [data-testid="stCaptionContainer"] {margin-bottom:-.35rem;}
.st-key-noprint_nav button {min-height:2.1rem; padding:.15rem .7rem;}
.st-key-print_map {--opsn-map-offset: 345px;}
.swatch {display:inline-block;width:12px;height:10px;border:1px solid #555;margin-right:2px}
.credits {font-size:.8rem;color:#555}
@page {size: A4 landscape; margin: 10mm;}
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stExpandSidebarButton"], [data-testid="stHeader"],
  [data-testid="stDecoration"], [data-testid="stToolbar"], [data-testid="stStatusWidget"],
  [class*="st-key-noprint"], [data-testid="stPopover"], [data-testid="stExpander"],
  [data-testid="stMain"] [data-testid="stElementContainer"]:not([class*="st-key-print"] *),
  [data-testid="stColumn"]:not(:has([class*="st-key-print"])) {display: none !important;}
  [data-testid="stColumn"]:has([class*="st-key-print"]) {width: 100% !important;
    flex: 1 1 100% !important; max-width: none !important;}
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {
    height: auto !important; overflow: visible !important; background: #fff !important;}
  [data-testid="stMainBlockContainer"] {padding: 0 !important; max-width: none !important;}
  [data-testid="stMain"] [data-testid="stVerticalBlock"] {gap: 3mm !important;}
  .headline .big, .slide-share {font-size: 30pt !important;}
  .headline .sentence, .slide-sentence {font-size: 11pt !important;}
  .slide-head {height: auto !important;}
  .slide-title {font-size: 16pt !important;}
  .credits {font-size: 8.5pt !important; margin: 0 !important;}
  * {print-color-adjust: exact; -webkit-print-color-adjust: exact;}
}
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
    inputs = data.inputs
    options = controls(inputs.registry, dated=bool(membership_dates(inputs.memberships)))
    st.session_state[OPTIONS] = options  # the other pages count the same way
    analysis = analysis_for(inputs, options)
    # A territory without OPSN exists only under the options that made it (geo.explore.views).
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

    facts = facts_for(inputs, options, view)
    spec = map_spec_for(inputs, options, view, st.session_state["basemap"])
    credits = (
        f"{CREDITS} Données OPSN : {inputs.label} (sources et niveau de confiance par ligne "
        f"dans data/opsn/). Calculé le {dt.date.today():%d/%m/%Y}."
    )
    if embed.requested():  # embed=true: the map, the headline and the legend
        embed.show(facts, spec, map_assets(), link, open_clicked)
        warmup.start()
        return
    if st.session_state.get(presentation.STATE):
        for message in st.session_state.pop("url_messages", []):
            st.toast(md(message), icon=":material/warning:")
        presentation.show(
            reference, analysis.zones, view, facts, spec, map_assets(), credits, open_clicked
        )
        warmup.start()
        return

    with st.container(horizontal=True, vertical_alignment="center", key="noprint_top"):
        st.markdown("<h1 class='opsn-title'>Couverture OPSN</h1>", unsafe_allow_html=True)
        with st.container(width="stretch"):
            search_box(analysis.zones, view)
        st.button(
            "Mode présentation", key="presentation_on", icon=":material/slideshow:",
            on_click=presentation.enter,
            help="Carte plein écran pour un vidéoprojecteur : ← / → changent de vue, Échap sort.",
        )  # fmt: skip
        export_menu(reference, analysis, inputs, view, inputs.label, link)
    for message in st.session_state.pop("url_messages", []):
        st.warning(md(message))  # the values come from the URL
    data_banner(data)
    with st.container(key="print_headline"):
        panel.headline(facts)
    with st.container(key="noprint_figures"):
        panel.metrics(facts)
    with st.container(horizontal=True, vertical_alignment="center", key="noprint_nav", gap="small"):
        breadcrumb_bar(facts)
        drom_buttons(view)

    left, right = st.columns([2, 1], gap="medium")
    with left:
        with st.container(key="print_map"):
            map_element(spec, map_assets(), key=MAP_KEY, on_click=open_clicked)
        copy_link_button(
            shared_query(history.current_link(options, data.version.number), data.version.number)
        )
    with right, st.container(key="noprint_panel"):
        panel.side_panel(facts)

    with st.container(key="noprint_tables"):
        tables(reference, analysis, inputs, view)
    warmup.start()  # once per server process, after this page (serve.py: at start)
    with st.container(key="print_credits"):
        st.markdown(f"<p class='credits'>{md(credits)}</p>", unsafe_allow_html=True)
