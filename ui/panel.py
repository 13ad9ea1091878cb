"""The headline and the side panel of a view, printed from ``geo.explore.panel.view_facts``.

Every number here comes from one value computed once per view and options, so the
big figure, the metrics, the legend and the side panel cannot disagree; the side
panel's lines are written by :mod:`geo.explore.panel_text` (the command line prints
the same). Names come from files (OPSN, territories, communes): every one goes through
:func:`ui.markdown.md`, which makes it text in Markdown and in HTML alike.
"""

from __future__ import annotations

import streamlit as st

from geo.core import fmt
from geo.core.views import Level, View
from geo.explore.facts import ViewFacts
from geo.explore.panel_text import Line, panel_text, territory_words
from geo.maps.style import CLASS_COLOURS
from ui.history import go
from ui.markdown import md

PANEL_ZONES = 5
"""Territories without OPSN listed in the side panel (the table lists them all)."""


def headline(facts: ViewFacts) -> None:
    """The view's share, France's beside it, the counting rule and Déclic's 2020 figure."""
    figures, france, view = facts.figures, facts.france, facts.view
    share = fmt.percent(figures.covered_share)
    where = "" if view.niveau == Level.FRANCE else f"{md(view.nom)} : "
    beside = (
        ""
        if view.niveau == Level.FRANCE
        else f'<div class="france"><span>{fmt.percent(france.covered_share)}</span>'
        f"{territory_words(france)}</div>"
    )
    st.markdown(
        f"""<div class="headline"><div class="big">{share}</div>{beside}
        <div class="sentence">{where}<b>{fmt.inhabitants(figures.covered_population)}</b>
        sur {fmt.integer(figures.total_population)} — {md(figures.counting_rule)}.
        </div></div>""",
        unsafe_allow_html=True,
    )


def slide_headline(facts: ViewFacts) -> str:
    """The headline of a slide (presentation mode): the view's name, its share, the rule."""
    figures, france, view = facts.figures, facts.france, facts.view
    beside = (
        ""
        if view.niveau == Level.FRANCE
        else f" ({territory_words(france)} : {fmt.percent(france.covered_share)})"
    )
    return (
        f'<div class="slide-head"><div class="slide-share">'
        f'{fmt.percent(figures.covered_share)}</div><div class="slide-text">'
        f'<div class="slide-title">{md(view.nom)}{beside}</div>'
        f'<div class="slide-sentence"><b>{fmt.inhabitants(figures.covered_population)}</b> '
        f"sur {fmt.integer(figures.total_population)} — "
        f"{md(figures.counting_rule)}.</div></div></div>"
    )


def metrics(facts: ViewFacts) -> None:
    """Déclic's 2020 figure and the view's tiles (:func:`geo.explore.panel.tiles`), one row."""
    declic = facts.reference_declic_2020
    st.caption(f"Repère : {md(declic['headline'])}", help=md(declic["why_different"]))
    shown = facts.tiles
    for column, tile in zip(st.columns(len(shown)), shown, strict=True):
        column.metric(tile.label, tile.value, help=md(tile.help) if tile.help else None)


def _swatch(kind: str) -> str:
    return f"<span class='swatch' style='background:{CLASS_COLOURS[kind]}'></span>"


def markup(line: Line) -> str:
    """A panel line as HTML: names escaped (:func:`ui.markdown.md`), our words as written."""
    parts = []
    for span in line.spans:
        text = md(span.text) if span.name else span.text
        parts.append(f"<b>{text}</b>" if span.bold else text)
    return (f"{_swatch(line.swatch)} " if line.swatch else "") + "".join(parts)


def side_panel(facts: ViewFacts) -> None:
    """Who serves the view and how, its figures against France, its territories without OPSN
    (the lines of :func:`geo.explore.panel_text.panel_text`)."""
    text = panel_text(facts)
    st.subheader(markup(text.title))
    if text.notice:
        st.info(markup(text.notice))
    st.markdown("<br>".join(markup(line) for line in text.summary), unsafe_allow_html=True)
    if text.serving:
        head, *items = text.serving
        st.markdown(
            "  \n".join([markup(head), "\n".join(markup(item) for item in items)]).strip(),
            unsafe_allow_html=True,
        )
    for line in (text.partial, text.bordering):
        if line:
            st.markdown(markup(line), unsafe_allow_html=True)
    if text.white_zones:
        st.markdown(markup(text.white_zones), help=md(facts.definition), unsafe_allow_html=True)
    _zone_links(facts)
    st.caption(markup(text.data))


def _zone_links(facts: ViewFacts) -> None:
    """The largest territories without OPSN touching the view, each opening its view."""
    zones = facts.white_zones
    if facts.view.niveau == Level.TERRITOIRE:
        return
    for zone in zones.zones[:PANEL_ZONES]:
        st.button(
            f"{md(zone.nom)} — {fmt.inhabitants(zone.population)}",
            key=f"zone_{zone.id}",
            on_click=go,
            args=(View(Level.TERRITOIRE, zone.id),),
            type="tertiary",
            icon=":material/arrow_forward:",
        )
    if zones.count > PANEL_ZONES:
        st.caption(f"… et {fmt.integer(zones.count - PANEL_ZONES)} autres (tableau ci-dessous).")
