"""The addresses and ``<iframe>`` code that embed one view's map in someone else's page.

Two faces can be embedded: the static atlas's ``embed.html`` (any number of visitors,
the options it was published with) and the live app with Streamlit's ``embed=true``
(the options of the link, the data in service; one server's worth of visitors). The
app's « Exporter » menu gives both codes for the view shown; the atlas's « Partager »
gives its own. The words of the addresses are the app's links' (:mod:`geo.explore.permalink`).
"""

from __future__ import annotations

import html
import os
from urllib.parse import urlencode, urlsplit, urlunsplit

from geo.core.views import Level, View
from geo.explore.permalink import Permalink, to_query

ATLAS_URL_VARIABLE = "OPSN_ATLAS_URL"
"""Where the atlas is published (``https://exemple.fr/atlas/``): the app's menu then gives
its embedding code too."""

EMBED_PARAMETER = "embed"
"""Streamlit's own parameter (``embed=true``): no toolbar, no padding; the app then shows
the map, the headline and the legend only."""


def atlas_url() -> str | None:
    """The published atlas's address, from :data:`ATLAS_URL_VARIABLE`, or ``None``."""
    value = os.environ.get(ATLAS_URL_VARIABLE, "").strip()
    return value or None


def view_fragment(view: View) -> str:
    """``vue=departement&code=29`` (empty for France): what follows ``#`` in the atlas."""
    if view.level == Level.FRANCE:
        return ""
    return urlencode({"vue": str(view.level), "code": view.code})


def atlas_embed_url(base: str, view: View) -> str:
    """``https://exemple.fr/atlas/embed.html#vue=departement&code=29``."""
    fragment = view_fragment(view)
    return f"{base.rstrip('/')}/embed.html" + (f"#{fragment}" if fragment else "")


def app_embed_url(page_url: str, link: Permalink) -> str:
    """The app's address of ``link`` (view and options), embedded (``embed=true``)."""
    parts = urlsplit(page_url)
    query = urlencode({**to_query(link), EMBED_PARAMETER: "true"})
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))


def iframe_code(url: str, title: str, width: int = 600, height: int = 400) -> str:
    """An ``<iframe>`` that a page's author pastes (the map fills it; 600 × 400 or more)."""
    return (
        f'<iframe src="{html.escape(url)}" title="{html.escape(title)}" width="{width}" '
        f'height="{height}" style="border:0;max-width:100%" loading="lazy"></iframe>'
    )
