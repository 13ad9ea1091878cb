"""The view follows the browser: the URL is the state, Back and Forward walk the views.

Streamlit reruns the page with the URL's query string when the user presses Back or
Forward (or opens a link); :func:`sync_from_url` then loads that state into the
widgets before they are drawn. After the page has changed the state (a click, a
search, a control), :func:`write_url` writes it once. Streamlit adds a history entry
for every query-string change it is sent; the small script of :func:`install` makes
that a *replacement* of the current entry when the view itself did not change, so
that a control change does not add an entry and Back returns to the previous view.
The contract itself (names, values, defaults) is :mod:`geo.explore.permalink`.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from geo.core.coverage import CoverageOptions
from geo.core.reference import ReferenceData
from geo.core.views import View
from geo.explore.permalink import VIEW_PARAMS, Permalink, is_equivalent, parse_query, to_query

CONTROLS = ("rule", "territory", "epci_membership", "opsn_filter", "partial_offers", "basemap")
"""The map's controls (ui.controls): their keys hold the counting options while drawn."""
_WRITTEN = "_url_written"
"""The query string the page last wrote (or read): anything else comes from the browser."""

_HISTORY_JS = """
export default function (component) {
  const viewParams = component.data.view_params;
  window.__opsnViewParams = viewParams;
  if (window.__opsnHistoryPatched) return;
  window.__opsnHistoryPatched = true;
  const push = window.history.pushState.bind(window.history);
  const replace = window.history.replaceState.bind(window.history);
  const viewOf = (href) => {
    const url = new URL(href, window.location.href);
    const params = window.__opsnViewParams || [];
    return [url.pathname, ...params.map((p) => url.searchParams.get(p) || "")].join("\\u0001");
  };
  // Same page, same view: only an option changed, so replace the current entry.
  window.history.pushState = function (state, title, url) {
    if (url != null && viewOf(url) === viewOf(window.location.href)) {
      return replace(state, title, url);
    }
    return push(state, title, url);
  };
}
"""

_history_script = st.components.v2.component("opsn_history", js=_HISTORY_JS)


def install() -> None:
    """Mount the history script (invisible; the first call in a browser patches it)."""
    with st.sidebar:
        _history_script(key="opsn_history", data={"view_params": list(VIEW_PARAMS)}, height=0)


def current_query() -> dict[str, str]:
    return {name: st.query_params[name] for name in st.query_params}


def sync_from_url(reference: ReferenceData, known_opsn: list[str]) -> None:
    """Load the URL's state into the widgets when the URL changed outside the page.

    That is a first visit, Back/Forward, or an address typed by hand; otherwise the
    widgets hold the state and the URL follows them (:func:`write_url`).
    """
    query = current_query()
    if query == st.session_state.get(_WRITTEN) and all(k in st.session_state for k in CONTROLS):
        return
    # Coming back from another page: Streamlit forgot the controls' values (a widget's
    # state lives as long as it is drawn); the address, written from them, still has them.
    link, messages = parse_query(query, reference, known_opsn)
    state = st.session_state
    state["view"] = link.view
    state["rule"] = link.options.rule
    state["territory"] = link.options.territory
    state["epci_membership"] = link.options.epci_membership
    state["opsn_filter"] = list(link.options.opsn)
    state["partial_offers"] = link.options.count_partial_offers
    state["at"] = link.options.at
    state["basemap"] = link.basemap
    state["data_version"] = link.version  # ui.data.VERSION: None = the latest
    state["presentation"] = link.presentation  # ui.presentation
    state["slides"] = link.slides
    state[_WRITTEN] = query
    if messages:
        state["url_messages"] = messages


def set_options(options: CoverageOptions, reference: ReferenceData) -> None:
    """Count with ``options`` from now on, on every page (a draft reopened brings its own).

    The map's controls take them, and the address the map last wrote names them,
    so that the map shows them when the planner goes back to it.
    """
    state = st.session_state
    state["rule"], state["territory"] = options.rule, options.territory
    state["epci_membership"] = options.epci_membership
    state["opsn_filter"], state["at"] = list(options.opsn), options.at
    state["partial_offers"] = options.count_partial_offers
    state.setdefault("basemap", False)
    state.setdefault("view", parse_query({}, reference)[0].view)
    link, _ = parse_query(state.get(_WRITTEN) or {}, reference)
    state[_WRITTEN] = to_query(replace(link, options=options))
    state["coverage_options"] = options  # ui.data.OPTIONS


def current_link(options: CoverageOptions, version: int | None = None) -> Permalink:
    """The link of what the page shows; ``version``: the saved version of the data shown."""
    state = st.session_state
    return Permalink(
        state["view"], options, bool(state.get("basemap")), version,
        bool(state.get("presentation")), tuple(state.get("slides") or ()),
    )  # fmt: skip


def write_url(link: Permalink, reference: ReferenceData) -> None:
    """Write the page's state into the URL, once, only if it names something else."""
    current = current_query()
    if not is_equivalent(current, link, reference):
        current = to_query(link)
        st.query_params.from_dict(current)
    st.session_state[_WRITTEN] = current


def go(view: View) -> None:
    """Open ``view`` (a callback: the URL is written by the rerun that follows)."""
    st.session_state["view"] = view
