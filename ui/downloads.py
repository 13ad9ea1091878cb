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
from geo.explore.permalink import Permalink
from geo.exports.files import (
    MIME_TYPES,
    Download,
    download_name,
    downloads_for,
    export_file,
)
from geo.exports.scope import ScopeError, resolve
from geo.exports.site.embed import (
    ATLAS_URL_VARIABLE,
    app_embed_url,
    atlas_embed_url,
    atlas_url,
    iframe_code,
)
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
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    view: View,
    label: str,
    link: Permalink | None = None,
) -> None:
    """A popover of download buttons for ``view`` under ``analysis``'s options, and the
    code that embeds its map in another page (``link``: the view and options shown)."""
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
                file_name=download_name(scope, download, analysis.options),
                mime=MIME_TYPES[download.suffix],
                key=f"export_{download.key}",
                on_click="ignore",
                icon=":material/download:",
                width="stretch",
            )
        st.caption("Un fichier est préparé au clic : quelques secondes pour une carte.")
        if link is not None:
            embed_codes(scope.name, link)


def embed_codes(name: str, link: Permalink) -> None:
    """The ``<iframe>`` code of the view for the live app and, once published, the atlas."""
    title = f"Couverture OPSN — {name}"
    st.markdown("**Intégrer cette carte dans une page** (cadre de 600 × 400 ou plus)")
    st.caption("L'application : les options et les données à l'écran.")
    st.code(iframe_code(app_embed_url(str(st.context.url or ""), link), title), language="html")
    atlas = atlas_url()
    if atlas:
        st.caption(
            "L'atlas publié : autant de visiteurs qu'on veut, avec les options de sa publication."
        )
        st.code(iframe_code(atlas_embed_url(atlas, link.view), title), language="html")
    else:
        st.caption(
            f"L'atlas statique (python -m geo export site) : indiquer son adresse publiée "
            f"dans {ATLAS_URL_VARIABLE} pour obtenir ici son code."
        )
