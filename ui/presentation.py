"""Presentation mode (``?presentation=1``): a slide per view, for a projector.

No sidebar, no controls: the view's name, its share and the counting rule in large
type, the map filling the rest of the window with its legend beside it (and the
credits under the legend), and three buttons: « Vue précédente », « Vue suivante »,
« Quitter ». ← / → (and a clicker's Page précédente / suivante) step through the
slides, Échap leaves. The list of slides and the steps are :mod:`geo.explore.presentation`;
the keys are read by a small script (a custom component v2, in the page).
"""

from __future__ import annotations

import streamlit as st

from geo.core.views import View
from geo.explore.facts import ViewFacts
from geo.explore.presentation import default_slides, position, step
from geo.explore.views import breadcrumb
from ui import panel
from ui.history import go
from ui.map_element import map_element
from ui.markdown import md

STATE = "presentation"
SLIDES = "slides"
_TARGETS = "_slide_targets"
KEYS_KEY = "opsn_slide_keys"

STYLE = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"],
[data-testid="stDecoration"], [data-testid="stToolbar"] {display: none !important;}
[data-testid="stMainBlockContainer"] {padding: .6rem 1.2rem .2rem 1.2rem !important;
  max-width: none !important;}
[data-testid="stMain"] [data-testid="stVerticalBlock"] {gap: .4rem;}
.st-key-print_slide_map {--opsn-map-offset: calc(max(96px, 15vh) + 3rem);}
.slide-head {display: flex; gap: 1.4vw; align-items: center; height: max(96px, 15vh);
  overflow: hidden;}
.slide-share {font-size: max(44px, 8.5vh); font-weight: 700; color: #4a2080; line-height: 1;
  white-space: nowrap;}
.slide-title {font-size: max(20px, 3.2vh); font-weight: 700; line-height: 1.15;
  margin-bottom: .2em;}
.slide-sentence {font-size: max(14px, 1.9vh); line-height: 1.3; color: #222;}
.st-key-slide_nav {align-items: center; justify-content: flex-end;}
.st-key-slide_nav p {font-size: max(13px, 1.5vh);}
</style>
"""

_KEYS_JS = """
export default function (component) {
  const { setTriggerValue, parentElement } = component;
  const state = (window.__opsnSlides = window.__opsnSlides || {});
  state.trigger = setTriggerValue;
  state.active = true;
  if (!state.listener) {
    state.listener = (event) => {
      if (!state.active || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.composedPath()[0];
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      const action = {
        ArrowRight: "next", PageDown: "next", ArrowLeft: "previous", PageUp: "previous",
        Escape: "exit",
      }[event.key];
      if (!action) return;
      // Before the map (which would pan with the arrows) and the page (scrolling).
      event.preventDefault();
      event.stopPropagation();
      state.trigger("key", action);
    };
    document.addEventListener("keydown", state.listener, true);
  }
  return () => {
    const host = parentElement.host || parentElement;
    if (!host.isConnected) state.active = false;
  };
}
"""

_keys = st.components.v2.component("opsn_slide_keys", js=_KEYS_JS)


def enter() -> None:
    st.session_state[STATE] = True


def leave() -> None:
    st.session_state[STATE] = False


def _on_key() -> None:
    """A key was pressed (a callback, before the rerun): step, or leave."""
    state = st.session_state.get(KEYS_KEY)
    action = state.get("key") if hasattr(state, "get") else None
    if action == "exit":
        leave()
    elif action in ("next", "previous"):
        target = st.session_state.get(_TARGETS, {}).get(action)
        if target is not None:
            go(target)


def slides_of(reference) -> tuple[View, ...]:
    """The slides named in the link, or France then every region by population."""
    return tuple(st.session_state.get(SLIDES) or ()) or default_slides(reference)


def show(
    reference, zones, view: View, facts: ViewFacts, spec: dict, assets, credits: str, on_click=None
) -> None:
    """The slide of ``view``: headline, map and legend, the buttons to step; ``on_click``
    opens what a click on the map names (as on the page: a department of the region shown)."""
    st.markdown(STYLE, unsafe_allow_html=True)
    slides = slides_of(reference)
    trail = breadcrumb(reference, view, zones)
    targets = {"previous": step(slides, trail, -1), "next": step(slides, trail, +1)}
    st.session_state[_TARGETS] = targets
    head, nav = st.columns([5, 2], vertical_alignment="center")
    with head, st.container(key="print_slide_head"):
        st.html(panel.slide_headline(facts))
    with nav, st.container(horizontal=True, key="slide_nav", gap="small"):
        st.button(
            "Vue précédente", key="slide_previous", icon=":material/arrow_back:",
            on_click=go, args=(targets["previous"],), disabled=targets["previous"] is None,
        )  # fmt: skip
        st.button(
            "Vue suivante", key="slide_next", icon=":material/arrow_forward:",
            on_click=go, args=(targets["next"],), disabled=targets["next"] is None,
        )  # fmt: skip
        st.button(
            "Quitter la présentation", key="slide_exit", icon=":material/close:",
            on_click=leave,
        )  # fmt: skip
        # The keys in words, not in tooltips: a tooltip left under the pointer stays on the
        # projected slide.
        st.caption(f"{md(position(slides, trail).label)} · ← → Échap")
    with st.container(key="print_slide_map"):
        map_element(
            spec, assets, key="opsn_map", layout="presentation", legend_note=credits,
            on_click=on_click,
        )  # fmt: skip
    _keys(key=KEYS_KEY, on_key_change=_on_key, height=0)
