"""The « Et si… » page's state in its address: the OPSN chosen, the draft opened, the what-if.

The contract is :mod:`geo.explore.scenario_link`. :func:`sync` loads what the
address names when it comes from outside the page (a first visit, a reload, a
shared link, Back): a parameter present overrides the session, an absent one
keeps it (a link from the map's banner carries none). :func:`write` writes the
page's state back at the end of each run. The OPSN chosen also survives the
select box itself, which Streamlit forgets when the page is left.
"""

from __future__ import annotations

import streamlit as st

from geo.explore.scenario_link import ScenarioLink, parse_scenario_query, scenario_query
from geo.planning.drafts import draft_changes, draft_options
from geo.planning.scenarios import Change
from geo.storage import StorageError
from ui.data import DRAFT, VERSION, WHATIF, remember_query, store
from ui.history import current_query, set_options
from ui.resources import reference_data

PAGE = "scenario"
OPSN = "wi_opsn"
NEW = "__nouvel_opsn__"
KEPT = "wi_opsn_kept"
"""Session key: (OPSN chosen, new OPSN's id, its name), beyond the select box's life."""
_WRITTEN = "_scenario_url_written"


def open_saved_draft(number: int) -> str | None:
    """Open draft ``number``: its changes, on its version, with its counting options.

    Returns a French message if it cannot be opened.
    """
    try:
        draft = store().draft(number)
    except StorageError as error:
        return f"Lien vers un {error}"
    state = st.session_state
    state[DRAFT] = draft.number
    state[WHATIF] = [dict(change) for change in draft.changes]
    state[VERSION] = draft.base
    set_options(draft_options(draft), reference_data())
    changes = draft_changes(draft)
    if changes:
        choose(changes[0].opsn, changes[0].name)
    return None


def choose(opsn: str, name: str | None = None, known: set[str] | None = None) -> None:
    """Make ``opsn`` the OPSN the page (and its map's clicks) changes."""
    known = known if known is not None else set(store().snapshot()[1].registry["id"])
    if opsn in known:
        st.session_state[KEPT] = (opsn, "", "")
    else:
        st.session_state[KEPT] = (NEW, opsn, name or "")
    _restore_widgets(force=True)


def _restore_widgets(force: bool = False) -> None:
    """The select box (and a new OPSN's fields) from :data:`KEPT` when Streamlit forgot them."""
    state = st.session_state
    kept = state.get(KEPT)
    if not kept:
        return
    opsn, new_id, new_name = kept
    if force or OPSN not in state:
        state[OPSN] = opsn
    if opsn == NEW and (force or "wi_new_id" not in state):
        state["wi_new_id"], state["wi_new_name"] = new_id, new_name


def sync(known_opsn: set[str] | None = None) -> list[str]:
    """Load the address's state when it comes from outside the page; French messages."""
    state = st.session_state
    query = current_query()
    if query == state.get(_WRITTEN):
        _restore_widgets()
        return []
    link, messages = parse_scenario_query(query)
    if link.draft is not None and link.draft != state.get(DRAFT):
        problem = open_saved_draft(link.draft)
        if problem:
            messages.append(problem)
    elif link.draft is None and link.changes is not None:
        state[DRAFT] = None
    if link.changes is not None:
        state[WHATIF] = [change.as_dict() for change in link.changes]
    if link.version is not None:
        state[VERSION] = link.version
    if link.opsn:
        names = {c.opsn: c.name for c in link.changes or ()}
        choose(link.opsn, names.get(link.opsn), known_opsn)
    _restore_widgets()
    state[_WRITTEN] = query
    return messages


def keep(opsn: str) -> None:
    """Remember the OPSN chosen now (and a new OPSN's fields) beyond the select box."""
    state = st.session_state
    state[KEPT] = (opsn, state.get("wi_new_id", ""), state.get("wi_new_name", ""))


def write(opsn: str, changes: tuple[Change, ...], draft) -> None:
    """The page's state into its address (once per change) and into the menu's link."""
    state = st.session_state
    chosen = opsn if opsn != NEW else (state.get("wi_new_id") or "").strip().lower() or None
    differs = draft is None or tuple(changes) != draft_changes(draft)
    link = ScenarioLink(
        opsn=chosen,
        draft=draft.number if draft is not None else None,
        changes=tuple(changes) if (differs and (changes or draft is not None)) else None,
        version=state.get(VERSION),
    )
    query = scenario_query(link)
    if query != current_query():
        st.query_params.from_dict(query)
    state[_WRITTEN] = query
    remember_query(PAGE, query)
