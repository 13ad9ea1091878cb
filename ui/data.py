"""The data in use: a saved version (the latest, or the one a link names), and the what-if.

Every page asks :func:`data_in_use` and gets the same inputs: the saved
version shown (``version=N`` in the URL, else the latest) with the what-if in
progress applied (session key :data:`WHATIF`, a list of
:class:`geo.planning.scenarios.Change` as dicts, set by the « Et si… » page). The map
page prints :func:`data_banner` above its figures. Versions never change once
saved, so their inputs are cached by number for every visitor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from geo.core.analysis import Inputs
from geo.planning.drafts import scenario_state
from geo.planning.scenarios import Change, apply_changes
from geo.storage import StorageError, Store, UnknownVersion, Version, database_path, open_store
from geo.storage.labels import data_label
from geo.storage.sources import (
    AnctSource,
    freshness_label,
    max_age_days,
    stale_notice,
    store_source,
)
from geo.storage.versions import version_freshness
from ui.markdown import md
from ui.resources import reference_data

WHATIF = "whatif"
"""Session key: the what-if shown on the map (list of ``Change.as_dict()``), none when empty."""
VERSION = "data_version"
"""Session key: the saved version the URL asked for (``None``: the latest)."""
OPTIONS = "coverage_options"
"""Session key: the counting options of the map page, for the other pages."""
DRAFT = "whatif_draft"
"""Session key: the number of the saved draft the what-if was opened from (``None``: none)."""
PAGE_QUERIES = "page_queries"
"""Session key: each page's last query string, so that the menu brings it back."""


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return open_store(path)


def store() -> Store:
    """The database of the data directory (``$OPSN_DATA_DIR``), opened once per process."""
    return _store(str(database_path()))


@st.cache_resource(max_entries=16, show_spinner="Lecture de la version enregistrée…")
def _version_inputs(path: str, number: int) -> tuple[Version, Inputs]:
    version, snapshot = _store(path).snapshot(number)
    freshness = version_freshness(_store(path), version)  # a version is always named the same
    return version, snapshot.inputs(data_label(version, freshness=freshness), version.number)


def version_inputs(number: int) -> tuple[Version, Inputs]:
    return _version_inputs(str(database_path()), number)


@dataclass
class DataInUse:
    """What the page computes from, and how to name it."""

    inputs: Inputs  # its ``key`` names it in caches (a version, with the what-if if any)
    version: Version
    latest: int
    changes: tuple[Change, ...]
    base: Inputs  # the version's inputs, without the what-if
    messages: tuple[str, ...] = ()
    source: AnctSource | None = None  # the ANCT refresh the version's data comes from

    @property
    def freshness(self) -> str | None:
        """« adhésions ANCT du 3 novembre 2026 », when the data comes from a refresh."""
        return freshness_label(self.source)

    @property
    def label(self) -> str:
        text = data_label(self.version, self.latest, self.freshness)
        return text + (" + scénario non enregistré" if self.changes else "")

    @property
    def saved_label(self) -> str:
        """The saved version's words (for a file's notes): no « latest », no what-if."""
        return data_label(self.version, freshness=self.freshness)


def whatif_changes() -> tuple[Change, ...]:
    return tuple(Change.from_dict(c) for c in st.session_state.get(WHATIF, []) or [])


def data_in_use() -> DataInUse:
    """The saved version asked for (else the latest), with the what-if in progress."""
    messages = []
    latest = store().latest().number
    number = st.session_state.get(VERSION) or latest
    try:
        version, base = version_inputs(number)
    except UnknownVersion as error:
        messages.append(f"Lien vers une {error} Dernière version affichée.")
        st.session_state[VERSION] = None
        version, base = version_inputs(latest)
    changes = whatif_changes()
    inputs = base
    if changes:
        inputs = apply_changes(base, changes, reference_data().departements)
    source = store_source(store(), version.number)
    return DataInUse(inputs, version, latest, changes, base, tuple(messages), source)


def data_banner(data: DataInUse) -> None:
    """Which data the figures come from, always visible above them."""
    for message in data.messages:
        st.warning(md(message))
    text = f"**Données** : {md(data_label(data.version, data.latest, data.freshness))}"
    if data.version.number != data.latest:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.info(text, icon=":material/history:")
            st.button("Voir la version la plus récente", key="to_latest", on_click=_show_latest)
    else:
        st.caption(text)
    freshness_notice(data.source)
    if data.changes:
        with st.container(border=True):
            described = "; ".join(
                md(c.command().removeprefix("python -m geo scenario ")) for c in data.changes
            )
            state = scenario_state(data.changes, open_draft())
            st.markdown(
                f":material/science: **Scénario « et si… » affiché** : {described}. "
                f"{md(state)} Les chiffres et la carte ci-dessous l'incluent."
            )
            with st.container(horizontal=True):
                st.page_link(
                    "ui/pages/scenario.py", label="Modifier le scénario", icon=":material/edit:"
                )
                st.button("Abandonner le scénario", key="drop_whatif", on_click=drop_whatif)


def freshness_notice(source: AnctSource | None) -> None:
    """A warning when the ANCT data in service is older than the configured number of days."""
    notice = stale_notice(source, dt.date.today(), max_age_days())
    if notice:
        st.warning(md(notice), icon=":material/update:")


def _show_latest() -> None:
    st.session_state[VERSION] = None


def drop_whatif() -> None:
    st.session_state[WHATIF] = []
    st.session_state[DRAFT] = None


def open_draft():
    """The saved draft the what-if was opened from (:class:`geo.storage.Draft`), if any."""
    number = st.session_state.get(DRAFT)
    if number is None:
        return None
    try:
        return store().draft(number)
    except StorageError:
        st.session_state[DRAFT] = None
        return None


def remember_query(page: str, query: dict[str, str]) -> None:
    """``query`` is the page's state: the menu's link to ``page`` carries it back."""
    st.session_state.setdefault(PAGE_QUERIES, {})[page] = dict(query)


def page_query(page: str) -> dict[str, str] | None:
    return (st.session_state.get(PAGE_QUERIES) or {}).get(page)


def map_query(**overrides: str) -> dict[str, str]:
    """The map page's last query string with ``overrides``: a link back keeps the view."""
    from ui.history import _WRITTEN

    query = dict(st.session_state.get(_WRITTEN) or {})
    if st.session_state.get(VERSION) is None:
        query.pop("version", None)  # the latest version, whatever it is when the link is used
    query.update({k: v for k, v in overrides.items() if v})
    return query
