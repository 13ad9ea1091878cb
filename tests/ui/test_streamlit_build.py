"""What the app still relies on in Streamlit's front-end build, checked at every upgrade.

Streamlit's build is not an API: a release may rename a module, a test id or an
English string. Each dependency the app keeps on it is listed here and fails this
test loudly when an upgrade changes it, instead of a preload silently dropped or an
English word back on screen:

- ``ui/serving.py``: the build manifest's fields, the names of the page's elements,
  the files answered from memory, the page's ``</head>``;
- ``ui/shell`` (``french_index``): the page's ``lang``, title and ``<noscript>``;
  its one inline script (hashed by the Content-Security-Policy);
- ``ui/shell/texts.json``: every English string it makes French is still one of
  Streamlit's (an entry whose string is gone must be removed; a new English string
  is caught by the browser scan, tests/browser/test_server.py);
- ``ui/shell`` ``STYLE``: the ``stLayoutWrapper`` test id around a keyed container.
"""

from __future__ import annotations

import json
import re
from functools import cache

import pytest

from geo.access.headers import inline_script_hashes
from ui import serving
from ui.shell import french_index, texts

BUILD = serving.streamlit_static_dir()


@cache
def bundle() -> str:
    """Every JavaScript file of Streamlit's front end, as one text."""
    return "\n".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in sorted((BUILD / "static" / "js").glob("*.js"))
    )


def test_the_manifest_names_every_element_the_map_page_preloads():
    manifest = json.loads((BUILD / "manifest.json").read_text(encoding="utf-8"))
    assert any(item.get("isEntry") for item in manifest.values())
    for item in manifest.values():
        assert isinstance(item.get("file"), str)
        assert isinstance(item.get("imports", []), list)
    names = {item.get("name") for item in manifest.values() if item.get("isDynamicEntry")}
    missing = [name for name in serving.PAGE_ELEMENTS if name not in names]
    assert not missing, f"Streamlit's build no longer names {missing}: update PAGE_ELEMENTS"
    assert serving.element_modules(), "no module to preload"
    files = serving.StaticFiles().core_files()
    assert all(module in files for module in serving.element_modules())


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
