"""Hostile OPSN names in the saved data, as Chromium renders them: text, never markup.

The app runs on a base whose every OPSN name is a payload (``tests/hostile/names.py``:
links, bare URLs, images, HTML, ``$math$``, ``:red[…]``, emphasis, a heading,
a formula with a URL). A commune's side panel (its OPSN by adhesion), a
department's (the OPSN serving it and its neighbours) and the comparison of
versions are opened; the rendered page must hold no link, image, formula
(KaTeX), emphasis, heading or coloured text made from a name, show the names
as their text, open no dialog and ask no other host for anything.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from geo.core.text import WORD_JOINER
from geo.storage import DATABASE_NAME
from tests.hostile.names import HOSTS, NAMES, name_of, plant

from .conftest import assert_no_blocked

pytestmark = pytest.mark.browser

UI_TIMEOUT = 120_000  # ms: the first session loads the reference data
PIECES = ["3232235777", "piege", "evil", "alert(", "x^2", "rouge", "gras", "italique", "titre",
          "cliquez", "image", "lien", "Marie"]  # fmt: skip
"""Words of the payloads: an element holding one was made from a name."""


@pytest.fixture(scope="module")
def app_url(module_app_server, tmp_path_factory) -> str:
    import os

    folder = tmp_path_factory.mktemp("noms_hostiles")
    plant(folder / DATABASE_NAME)
    previous = os.environ.get("OPSN_DATA_DIR")
    os.environ["OPSN_DATA_DIR"] = str(folder)  # the server inherits it
    try:
        return module_app_server("app.py", "--server.fileWatcherType", "none")
    finally:
        os.environ["OPSN_DATA_DIR"] = previous or ""


def settle(page: Page) -> None:
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=UI_TIMEOUT
    )


def made_from_names(page: Page) -> dict[str, list[str]]:
    """Elements of the rendered page that a name could have created."""
    return page.evaluate(
        r"""([hosts, pieces, names]) => {
          const hit = (v) => !!v && hosts.some((h) => v.includes(h));
          const plain = (e) => (e.textContent || "").replace(/\u2060/g, "").replace(/\s+/g, " ").trim();
          // made from a name: holds a piece of one, but is not a whole name that the
          // page's own emphasis wraps (« OPSN modifié : **name** »)
          const from = (e) => pieces.some((p) => plain(e).includes(p)) && !names.includes(plain(e));
          const text = (list) => list.map((e) => (e.textContent || e.outerHTML).slice(0, 80));
          const all = (selector) => [...document.querySelectorAll(selector)];
          return {
            links: text(all("a").filter((a) => hit(a.getAttribute("href")) ||
              (a.getAttribute("href") || "").startsWith("javascript"))),
            images: text(all("img").filter((i) => hit(i.getAttribute("src")) ||
              i.getAttribute("src") === "x")),
            formulas: text(all(".katex, math")),
            markup: text(all("strong, b, em, i, del, code, h1, h2, h3, h4, h5, h6, " +
              "blockquote, span[style*='color']").filter(from)),
            scripts: text(all("script").filter((s) => (s.textContent || "").includes("alert("))),
          };
        }""",
        [list(HOSTS), PIECES, [" ".join(name.split()) for name in NAMES]],
    )


def text_of(page: Page) -> str:
    return page.get_by_test_id("stMain").inner_text().replace(WORD_JOINER, "")


def test_hostile_names_render_as_text(page: Page, app_url, blocked_requests, artifacts) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    found = {}
    for name, path, size in (
        ("commune", "?vue=commune&code=38169", (1280, 720)),
        ("departement", "?vue=departement&code=29", (1920, 1080)),
        ("versions", "versions", (1280, 720)),
    ):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.goto(app_url + path)
        settle(page)
        expect(page.get_by_test_id("stMain")).to_contain_text(
            "Version" if name == "versions" else "de la population couverte", timeout=UI_TIMEOUT
        )
        page.screenshot(path=artifacts / f"noms_hostiles_{name}.png", full_page=True)
        found[name] = (made_from_names(page), text_of(page))

    for name, (made, _) in found.items():
        assert made == {"links": [], "images": [], "formulas": [], "markup": [], "scripts": []}, (
            name,
            made,
        )
    shown_commune = found["commune"][1]
    assert f"Adhérente à : {name_of('sitpi')}" in shown_commune  # the formula, as text
    shown_department = found["departement"][1]
    assert name_of("megalis") in shown_department  # <img src=x onerror=…>, as text
    assert "[cliquez ici](http://3232235777/)" in found["versions"][1]
    assert not dialogs, dialogs
    assert_no_blocked(blocked_requests)
