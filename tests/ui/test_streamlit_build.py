"""What the app still relies on in Streamlit's front-end build, checked at every upgrade.

Streamlit's build is not an API: a release may rename a module, a test id or an
English string. Each dependency the app keeps on it is listed here and fails this
test loudly when an upgrade changes it, instead of a preload silently dropped or an
English word back on screen:

- ``ui/serving.py``: the page's ``</head>`` (where the map's preload links go);
- ``ui/shell`` (``french_index``): the page's ``lang``, title and ``<noscript>``;
  its one inline script (hashed by the Content-Security-Policy);
- ``ui/shell/texts.json``: every English string it makes French is still one of
  Streamlit's (an entry whose string is gone must be removed; a new English string
  is caught by the browser scan, tests/browser/test_server.py);
- ``ui/shell`` ``STYLE``: the ``stLayoutWrapper`` test id around a keyed container.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import streamlit

from geo.access.headers import inline_script_hashes
from ui.shell import french_index, texts

BUILD = Path(streamlit.__file__).resolve().parent / "static"
"""Streamlit's installed front end: read by this test only, never by the app."""


@cache
def bundle() -> str:
    """Every JavaScript file of Streamlit's front end, as one text."""
    return "\n".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in sorted((BUILD / "static" / "js").glob("*.js"))
    )


def test_the_page_has_what_the_middlewares_rewrite():
    html = (BUILD / "index.html").read_bytes()
    assert html.count(b"</head>") == 1
    french = french_index(html)
    for english in (b'lang="en"', b"<title>Streamlit</title>", b"enable JavaScript"):
        assert english in html and english not in french, english
    assert b'<html lang="fr">' in french and b"activez-le" in french
    assert len(inline_script_hashes(html)) == 1, "one inline script, allowed by its hash"


def test_every_english_string_made_french_is_still_streamlit_s():
    found = texts()
    code = bundle()
    gone = [
        english
        for table in ("text", "attributes")
        for english in found[table]
        if english not in code and english.replace("'", "\\'") not in code
    ]
    # Strings Streamlit builds or gets elsewhere (its Python side, axios, react-aria).
    elsewhere = {
        "Connecting",
        "This app has encountered an error. The original error message is redacted to "
        "prevent data leaks. Full error details have been recorded in the logs (if you're "
        "on Streamlit Cloud, click on 'Manage app' in the lower right of your app).",
        "The page that you have requested does not seem to exist. Running the app's main page.",
        "add icon",
        "Error:",
        "dd",
        "yyyy",
    }
    assert not [g for g in gone if g not in elsewhere], gone


@pytest.mark.parametrize("pattern", texts()["patterns"], ids=lambda p: p["sample"])
def test_each_pattern_matches_its_sample_and_its_source_is_in_the_build(pattern):
    assert re.search(pattern["english"], pattern["sample"]), pattern
    if pattern["source"]:
        assert pattern["source"] in bundle(), pattern["source"]


def test_the_shell_s_container_wrapper_is_still_marked():
    assert "stLayoutWrapper" in bundle()
