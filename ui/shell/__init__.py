"""The element every page carries: Streamlit's own words in French, and the sign-in cookie.

Streamlit's widgets and frame speak English where no parameter or setting
reaches (a picker's « No results », the table toolbar, the skip link, the
connection dialog, the date fields' parts…). :func:`page_shell` renders, once
per page run, an invisible element (``st.components.v2``) whose script rewrites
exactly those strings, listed in ``texts.json`` with their French, in the text and
the aria-label / title / placeholder attributes of the page, as they appear
(``shell.js``). It never touches Streamlit's files; ``tests/ui/test_streamlit_build.py``
checks that each English string is still in Streamlit's build, and the browser
test scans every page for them.

The same element exchanges the ticket of a sign-in (or a sign-out) for the
``HttpOnly`` cookie (``ui.sessions``): only a page's script can make that request.

:func:`french_index` makes Streamlit's HTML page French before any script runs
(``lang``, title, the message shown without JavaScript); ``serve.py`` applies it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
TEXTS_FILE = HERE / "texts.json"
KEY = "opsn_shell"
STYLE = (
    f"<style>.st-key-{KEY}, [data-testid=stLayoutWrapper]:has(> .st-key-{KEY}) "
    "{display: none;}</style>"
)
"""The element has nothing to show: its container (``st.container(key=…)``) and the
wrapper Streamlit puts around it take no room (else the page moves down by one gap)."""


def texts() -> dict:
    """English strings of Streamlit and their French (``text``, ``attributes``, ``patterns``)."""
    return json.loads(TEXTS_FILE.read_text(encoding="utf-8"))


_component = st.components.v2.component(
    "opsn_page_shell",
    js=(HERE / "shell.js")
    .read_text(encoding="utf-8")
    .replace("__TEXTS__", json.dumps(texts(), ensure_ascii=False)),
)


def page_shell(session: dict | None = None) -> None:
    """Render the element; ``session`` (``{"id", "ticket"}`` or ``{"id", "clear": True}``)
    asks it to set or clear the sign-in cookie once."""
    st.html(STYLE)
    with st.container(key=KEY):
        _component(key="opsn_page_shell", data={"session": session})


_NOSCRIPT = re.compile(rb"<noscript>.*?</noscript>", re.DOTALL)


def french_index(html: bytes) -> bytes:
    """Streamlit's page as served, in French before its script runs."""
    html = html.replace(b'<html lang="en">', b'<html lang="fr">', 1)
    html = html.replace(b"<title>Streamlit</title>", b"<title>Couverture OPSN</title>", 1)
    return _NOSCRIPT.sub(
        b"<noscript><p>Cette application a besoin de JavaScript : activez-le dans votre "
        b"navigateur.</p></noscript>",
        html,
        count=1,
    )
