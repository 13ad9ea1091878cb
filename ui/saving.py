"""Save buttons that save what the person saw: on the base version of the preview shown.

Every save of the app (import, registry edit, restore, scenario publication) is
a preview computed on the version in service, then a button. A click reruns
the page, which reads the version in service again: saving on *that* version
would save a preview nobody saw. :func:`gate` remembers the base of the preview
drawn in the previous run, and :meth:`SaveGate.button` saves on it
(:mod:`geo.planning.saving`): if someone saved meanwhile, the store refuses,
the message says who saved what, and the preview drawn above the button is
already the fresh one, on the new version, for a second click.

After a save the page is drawn again (:func:`saved`), so that everything it
says is true of the new version in service; the success message survives the
rerun (:func:`show_saved`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from geo.storage import BaseMoved, NothingToSave, StorageError, Version
from geo.storage.labels import data_label, saved_since
from ui.markdown import md

_SEEN = "_seen_base_"
_DONE = "_saved_message"
_PAGES = ("_page_before", "_page_now")


def note_page(path: str) -> None:
    """Remember the page being drawn (``app.py``), to tell a visit from a rerun."""
    state = st.session_state
    state[_PAGES[0]], state[_PAGES[1]] = state.get(_PAGES[1]), path


def page_entered() -> bool:
    """True when this run opens the page (from another page, or a new session)."""
    return st.session_state.get(_PAGES[0]) != st.session_state.get(_PAGES[1])


@dataclass
class SaveGate:
    """The base of the preview drawn now, and of the one the person saw before this run."""

    key: str
    base: Version
    seen: int | None

    @property
    def clicked(self) -> bool:
        return bool(st.session_state.get(self.key))

    def notice(self, versions: list[Version]) -> None:
        """Say it when the preview was recomputed on a newer version since it was last shown."""
        if self.clicked or self.seen is None or self.seen >= self.base.number:
            return
        saved = [v for v in versions if self.seen < v.number <= self.base.number]
        if saved:
            text = saved_since(self.seen, saved, "depuis votre dernier aperçu")
            st.info(
                md(f"{text}. L'aperçu ci-dessous est recalculé sur la version {self.base.number}."),
                icon=":material/update:",
            )

    def button(
        self, label: str, save: Callable[[int], Version], *, again: str = "enregistrez"
    ) -> Version | None:
        """The confirmation button; a click saves on the base the person saw (``save(base)``).

        ``again`` completes « vérifiez-le, puis … à nouveau » after a refusal.
        """
        if not st.button(label, key=self.key, type="primary"):
            return None
        base = self.seen if self.seen is not None else self.base.number
        try:
            return save(base)
        except BaseMoved as error:
            st.error(
                md(
                    f"{error} L'aperçu ci-dessus est recalculé sur la version "
                    f"{self.base.number} : vérifiez-le, puis {again} à nouveau."
                ),
                icon=":material/sync_problem:",
            )
            st.session_state[_SEEN + self.key] = self.base.number
        except NothingToSave:
            st.info("Rien ne change par rapport à la version en service : aucune version créée.")
        except StorageError as error:
            st.error(md(error))
        return None


def gate(key: str, base: Version) -> SaveGate:
    """Call where the preview on ``base`` is drawn, before its button (same ``key``)."""
    state = st.session_state
    seen = None if page_entered() else state.get(_SEEN + key)
    state[_SEEN + key] = base.number
    return SaveGate(key, base, seen)


def saved(text: str, version: Version | None = None) -> None:
    """After a save: keep the message and draw the page again, on the new version in service."""
    if version is not None:
        text = f"{text} {data_label(version)}."
    st.session_state[_DONE] = text
    st.rerun()


def show_saved() -> str | None:
    """The message of the save that made this run, shown once; ``None`` if there was none."""
    text = st.session_state.pop(_DONE, None)
    if text:
        st.success(md(text), icon=":material/check_circle:")
    return text
