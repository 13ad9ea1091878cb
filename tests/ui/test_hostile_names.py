"""Every page with hostile OPSN names in the saved data: names shown as text, never as markup.

The saved registry's names are payloads (links, bare URLs, images, HTML,
``$math$``, Streamlit's ``:red[…]``, emphasis, headings, a formula; the author
and reason of the version too: ``tests/hostile/names.py``). Each page is run
signed in (the person's name is a payload as well) and every surface Streamlit
renders as Markdown — markdown, captions, messages, titles, widget labels and
tooltips, metric labels, toasts, expanders — is read as its Markdown source:
no piece of a payload may be in it as it is, and the text a reader sees holds
the names. The rendered page itself is checked in Chromium
(``tests/browser/test_hostile_names.py``).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.access.auth import Identity
from geo.core.paths import ROOT
from geo.planning.scenarios import Change
from geo.storage import DATABASE_NAME
from tests.hostile.names import AUTHOR, NAMES, name_of, plant, raw_pieces
from tests.markup import shown

APP = str(ROOT / "app.py")
WIDGETS = (
    "button",
    "checkbox",
    "date_input",
    "metric",
    "multiselect",
    "radio",
    "selectbox",
    "text_area",
    "text_input",
    "toggle",
)
MESSAGES = (
    "markdown",
    "caption",
    "error",
    "warning",
    "info",
    "success",
    "toast",
    "title",
    "header",
    "subheader",
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("noms_hostiles")
    plant(folder / DATABASE_NAME)
    return folder


@pytest.fixture(autouse=True)
def hostile_data(data_dir, monkeypatch):
    monkeypatch.setenv("OPSN_DATA_DIR", str(data_dir))


def page(path: str | None = None, whatif: bool = False, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["identity"] = Identity(AUTHOR, "password")
    if whatif:
        at.session_state["whatif"] = [Change("megalis", add_departements=("50",)).as_dict()]
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    if path:
        at.switch_page(path)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown_sources(at: AppTest) -> list[str]:
    """Every string of the page that Streamlit renders as Markdown."""
    texts = []
    for kind in MESSAGES:
        texts += [str(e.value) for e in getattr(at, kind)]
    for kind in WIDGETS:
        for widget in getattr(at, kind):
            texts += [
                str(getattr(widget, a)) for a in ("label", "help") if getattr(widget, a, None)
            ]
    for block in (*at.expander, *at.tabs):
        texts.append(str(block.label))
    return texts


def assert_text_only(at: AppTest) -> str:
    """No live payload in any Markdown source; returns the text the page shows."""
    sources = markdown_sources(at)
    live = {source[:80]: raw_pieces(source) for source in sources if raw_pieces(source)}
    assert not live, live
    return "\n".join(shown(source) for source in sources)


def names_shown(text: str) -> set[str]:
    return {name for name in NAMES if name.split("\n")[0] in text}


PAGES = {
    "carte, France": dict(),
    "carte, Finistère": dict(vue="departement", code="29"),
    "carte, Fontaine (adhérente)": dict(vue="commune", code="38169"),
    "carte, OPSN filtrés": dict(opsn="megalis,sitpi"),
    "et si…": dict(path="ui/pages/scenario.py", whatif=True),
    "évolution": dict(path="ui/pages/evolution.py"),
    "versions": dict(path="ui/pages/versions.py"),
    "registre": dict(path="ui/pages/registre.py"),
    "importer": dict(path="ui/pages/importer.py"),
    "connexion": dict(path="ui/pages/connexion.py"),
}


@pytest.mark.parametrize("where", list(PAGES))
def test_every_page_shows_hostile_names_as_text(where):
    text = assert_text_only(page(**PAGES[where]))
    assert f"Connecté : {AUTHOR}" in text  # the person's name, in the sidebar, as text
    if where == "carte, Finistère":  # the OPSN serving it and its neighbours, by name
        assert len(names_shown(text)) >= 3, text
    if where == "carte, Fontaine (adhérente)":
        assert f"<b>Adhérente à</b> : {name_of('sitpi')}<br>" in text, text
    if where == "versions":  # what the hostile version changed
        assert len(names_shown(text)) >= 5, text
