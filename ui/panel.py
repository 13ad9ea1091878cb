"""The headline and the side panel of a view, printed from ``geo.explore.panel.view_facts``.

Every number here comes from one dict computed once per view and options, so the
big figure, the metrics, the legend and the side panel cannot disagree. Names come
from files (OPSN, territories, communes): every one goes through :func:`ui.markdown.md`,
which makes it text in Markdown and in HTML alike.
"""

from __future__ import annotations

import streamlit as st

from geo.core import fmt
from geo.core.coverage import without_label
from geo.core.views import Level, View
from geo.maps.style import CLASS_COLOURS
from ui.history import go
from ui.markdown import md

PANEL_ZONES = 5
"""Territories without OPSN listed in the side panel (the table lists them all)."""


def _territory_words(france: dict) -> str:
    return "France entière" if france["territory"] == "france" else "France métropolitaine"


def headline(facts: dict) -> None:
    """The view's share, France's beside it, the counting rule and Déclic's 2020 figure."""
    figures, france, view = facts["figures"], facts["france"], facts["view"]
    share = fmt.percent(figures["covered_share"])
    where = "" if view["niveau"] == "france" else f"{md(view['nom'])} : "
    beside = (
        ""
        if view["niveau"] == "france"
        else f'<div class="france"><span>{fmt.percent(france["covered_share"])}</span>'
        f"{_territory_words(france)}</div>"
    )
    st.markdown(
        f"""<div class="headline"><div class="big">{share}</div>{beside}
        <div class="sentence">{where}<b>{fmt.inhabitants(figures["covered_population"])}</b>
        sur {fmt.integer(figures["total_population"])} — {md(figures["counting_rule"])}.
        </div></div>""",
        unsafe_allow_html=True,
    )


def slide_headline(facts: dict) -> str:
    """The headline of a slide (presentation mode): the view's name, its share, the rule."""
    figures, france, view = facts["figures"], facts["france"], facts["view"]
    beside = (
        ""
        if view["niveau"] == "france"
        else f" ({_territory_words(france)} : {fmt.percent(france['covered_share'])})"
    )
    return (
        f'<div class="slide-head"><div class="slide-share">'
        f'{fmt.percent(figures["covered_share"])}</div><div class="slide-text">'
        f'<div class="slide-title">{md(view["nom"])}{beside}</div>'
        f'<div class="slide-sentence"><b>{fmt.inhabitants(figures["covered_population"])}</b> '
        f"sur {fmt.integer(figures['total_population'])} — "
        f"{md(figures['counting_rule'])}.</div></div></div>"
    )


def metrics(facts: dict) -> None:
    """Déclic's 2020 figure and the view's tiles (:func:`geo.explore.panel.tiles`), one row."""
    declic = facts["reference_declic_2020"]
    st.caption(f"Repère : {md(declic['headline'])}", help=md(declic["why_different"]))
    shown = facts["tiles"]  # geo.explore.panel.tiles
    for column, tile in zip(st.columns(len(shown)), shown, strict=True):
        column.metric(tile["label"], tile["value"], help=md(tile["help"]) if tile["help"] else None)


def _swatch(kind: str) -> str:
    return f"<span class='swatch' style='background:{CLASS_COLOURS[kind]}'></span>"


def side_panel(facts: dict) -> None:
    """Who serves the view and how, its figures against France, its territories without OPSN."""
    figures, france, view = facts["figures"], facts["france"], facts["view"]
    # A territory may bear its department's name (« La Réunion »): say what it is.
    kind = f"Territoire {without_label(figures['opsn_filter'])} : "
    st.subheader((kind if view["niveau"] == Level.TERRITOIRE else "") + md(view["nom"]))
    if facts["outside_territory"]:
        st.info(
            "Hors du territoire choisi (Métropole) : ses chiffres ne comptent pas dans le total."
        )
    comparison = (
        ""
        if view["niveau"] == "france"
        else f", contre {fmt.percent(france['covered_share'])} pour la {_territory_words(france)}"
    )
    lines = [
        f"<b>{fmt.percent(figures['covered_share'])}</b> de la population couverte "
        f"({fmt.integer(figures['covered_population'])} sur "
        f"{fmt.inhabitants(figures['total_population'])}){comparison}."
    ]
    commune = facts["commune"]
    if commune is None:
        for kind, entry in figures["classes"].items():
            lines.append(
                f"{_swatch(kind)} {md(entry['label'])} : "
                f"{fmt.count(entry['communes'], 'commune')}, "
                f"{fmt.inhabitants(entry['population'])}"
            )
    else:
        lines += _commune_lines(commune)
    if facts["zone"] is not None:
        zone = facts["zone"]
        lines.append(md(zone.get("description") or zone["nom"]))
    st.markdown("<br>".join(lines), unsafe_allow_html=True)
    _serving(facts)
    _white_zones(facts)
    st.caption(f"Données : {md(facts['sources']['data'])}")


def _commune_lines(commune: dict) -> list[str]:
    epci = md(commune["epci"]["nom"]) if commune["epci"] else "aucun"
    department = commune["departement"]
    members = [md(o["nom"]) for o in commune["adhesion"] if o["via"] == "commune"]
    members += [f"{md(o['nom'])} (par son EPCI)" for o in commune["adhesion"] if o["via"] == "epci"]
    perimeter = [md(o["nom"]) for o in commune["perimetre"]]
    return [
        f"{_swatch(commune['classe'])} <b>{md(commune['classe_libelle'])}</b>",
        f"Population municipale : {fmt.inhabitants(commune['population'])}",
        f"Département : {md(department['nom'])} ({md(department['code'])}) — EPCI : {epci}",
        f"<b>Adhérente à</b> : {', '.join(members) if members else 'aucun OPSN connu'}",
        f"<b>Dans le périmètre de</b> : {', '.join(perimeter) if perimeter else 'aucun OPSN'}",
    ]


def _serving(facts: dict) -> None:
    view = facts["view"]
    if view["niveau"] == "france":
        return
    lines = []
    for opsn in facts["opsn"]:
        how = []
        if opsn["perimetre_communes"]:
            how.append(f"périmètre ({fmt.count(opsn['perimetre_communes'], 'commune')})")
        if opsn["adhesion_communes"]:
            via = opsn["adhesion_via_epci_communes"]
            how.append(
                fmt.count(opsn["adhesion_communes"], "commune adhérente", "communes adhérentes")
                + (f" (dont {fmt.integer(via)} par leur EPCI)" if via else "")
            )
        partial = " (offre partielle)" if opsn["offre"] == "partielle" else ""
        lines.append(f"- {md(opsn['nom'])}{partial} : {', '.join(how)}")
    st.markdown("**OPSN présents**  \n" + ("\n".join(lines) or "Aucun OPSN compté ici."))
    if facts["partial_offers"]:
        listed = ", ".join(f"{md(o['nom'])} ({md(o['nature'])})" for o in facts["partial_offers"])
        counted = all(o["counted"] for o in facts["partial_offers"])
        st.markdown(
            f"**Offres partielles** ({'comptées' if counted else 'non comptées'}) : {listed}"
        )
    if facts["bordering_opsn"]:
        st.markdown(
            "**OPSN voisins** : " + ", ".join(md(o["nom"]) for o in facts["bordering_opsn"])
        )


def _white_zones(facts: dict) -> None:
    zones = facts["white_zones"]
    view = facts["view"]
    if not zones["count"] or view["niveau"] == "territoire":
        return
    without = without_label(facts["figures"]["opsn_filter"])
    st.markdown(
        f"**Territoires {without}** touchant ce territoire : {fmt.integer(zones['count'])} "
        f"({fmt.inhabitants(zones['population_in_view'])} ici, "
        f"{fmt.inhabitants(zones['population'])} en tout)",
        help=md(facts["definition"]),
    )
    for zone in zones["zones"][:PANEL_ZONES]:
        st.button(
            f"{md(zone['nom'])} — {fmt.inhabitants(zone['population'])}",
            key=f"zone_{zone['id']}",
            on_click=go,
            args=(View(Level.TERRITOIRE, zone["id"]),),
            type="tertiary",
            icon=":material/arrow_forward:",
        )
    if zones["count"] > PANEL_ZONES:
        st.caption(f"… et {fmt.integer(zones['count'] - PANEL_ZONES)} autres (tableau ci-dessous).")
