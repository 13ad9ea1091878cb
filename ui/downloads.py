"""The « Exporter » menu of the map page: the view shown, as files for slides, print, Excel.

Every file is made by :func:`geo.exports.files.export_file`, the function behind
``python -m geo export``, from the view and the counting options shown (rule,
territory, EPCI, OPSN, date, partial offers) and the data in use (saved version,
what-if). Nothing is computed until a button is clicked: each button holds a
callable that Streamlit runs on the click (a national PNG takes a few seconds).
"""

from __future__ import annotations

import streamlit as st

from geo.core.analysis import Analysis
from geo.core.inputs import Inputs
from geo.core.reference import ReferenceData
from geo.core.views import View
from geo.exports.files import (
    MIME_TYPES,
    Download,
    download_name,
    downloads_for,
    export_file,
)
from geo.exports.scope import ScopeError, resolve
from ui.markdown import md


def _canvas(name: str):
    """The canvas named by a download; matplotlib is imported on the click, not with the
    page (0.6 s more for a freshly started server's first visitor)."""
    from geo.exports.static_map import A4_PRINT, SLIDE

    return {"slide": SLIDE, "print": A4_PRINT}[name]


def _maker(reference, analysis, inputs, scope, download: Download):
    """The bytes of ``download``, made when Streamlit calls it (on the click)."""

    def make() -> bytes:
        canvas = _canvas(download.canvas) if download.canvas else None
        return export_file(
            reference, analysis, inputs, scope, download.kind, download.suffix, canvas=canvas
        ).data

    return make


def export_menu(
    reference: ReferenceData, analysis: Analysis, inputs: Inputs, view: View, label: str
) -> None:
    """A popover of download buttons for ``view`` under ``analysis``'s options."""
    with st.popover("Exporter", icon=":material/download:"):
        try:
            scope = resolve(reference, analysis, view.level, view.code)
        except ScopeError as error:  # a territory gone under these options
            st.caption(f"Export impossible : {md(error)}.")
            return
        st.caption(
            f"**{md(scope.name)}** — règle, territoire et OPSN comme à l'écran ; données : "
            f"{md(label)}."
        )
        for download in downloads_for(scope.level):
            st.download_button(
                download.label,
                data=_maker(reference, analysis, inputs, scope, download),
                file_name=download_name(scope, download),
                mime=MIME_TYPES[download.suffix],
                key=f"export_{download.key}",
                on_click="ignore",
                icon=":material/download:",
                width="stretch",
            )
        st.caption("Un fichier est préparé au clic : quelques secondes pour une carte.")
