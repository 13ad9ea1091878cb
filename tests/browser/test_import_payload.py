"""Uploaded files carrying HTML, Markdown and URLs: shown as text, never as links, images or scripts.

A member list whose operator names, codes and file name are payloads
(``[lien](http://3232235777/)``, a bare ``http://3232235777/``, ``![image](…)``,
``<img onerror>``, ``<script>``, ``$math$``, Streamlit's ``:red[…]``), and an
unreadable file whose first line is one, go through the « Importer » page of
the real app in headless Chromium (signed in with a password from a
``secrets.toml`` written for the test, the data directory a temporary one).
The page must then hold no link, image, script or formula made from them,
show the payloads as text, open no dialog and ask no other host for anything.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from geo.core.text import WORD_JOINER

from .conftest import assert_no_blocked, signed_in_app

pytestmark = pytest.mark.browser

UI_TIMEOUT = 120_000  # ms: the first session loads the reference data
PAYLOADS = [
    "[lien](http://3232235777/)",
    "http://3232235777/",
    "![image](http://piege.exemple/pixel.png)",
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "$x^2$",
    ":red[rouge] **gras**",
    "www.piege.exemple",
]
HOSTS = ("3232235777", "piege.exemple")


PASSWORD = "mot de passe d'essai"


@pytest.fixture(scope="module")
def app_url(module_app_server, tmp_path_factory) -> str:
    return signed_in_app(
        module_app_server,
        PASSWORD,
        tmp_path_factory.mktemp("donnees"),
        tmp_path_factory.mktemp("secrets"),
    )


def sign_in_and_open_the_import_page(page: Page, url: str) -> None:
    page.goto(url + "connexion")
    page.get_by_role("textbox", name="Votre nom").fill("Essai")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Connecté : Essai").first).to_be_visible(timeout=UI_TIMEOUT)
    settle(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Importer").click()
    heading = page.get_by_role("heading", name="Importer des adhésions ou des opérateurs")
    expect(heading).to_be_visible(timeout=UI_TIMEOUT)
    settle(page)


def settle(page: Page) -> None:
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=UI_TIMEOUT
    )


def made_from_payloads(page: Page) -> dict[str, int]:
    """Elements the payloads could have created, counted in the whole page."""
    return page.evaluate(
        """(hosts) => {
          const hit = (v) => !!v && hosts.some((h) => v.includes(h));
          const links = [...document.querySelectorAll("a")].filter(
            (a) => hit(a.getAttribute("href")) || (a.getAttribute("href") || "").startsWith("javascript"));
          const images = [...document.querySelectorAll("img")].filter(
            (i) => hit(i.getAttribute("src")) || i.getAttribute("src") === "x");
          const scripts = [...document.querySelectorAll("script")].filter(
            (s) => (s.textContent || "").includes("alert("));
          const alerts = [...document.querySelectorAll('[data-testid="stAlert"], [data-testid="stCaptionContainer"]')];
          // elements made from a payload: they hold (or point to) a piece of one
          const pieces = ["3232235777", "piege", "alert(", "x^2", "rouge", "gras", "lien", "image"];
          const fromPayload = (e) => pieces.some((p) =>
            (e.textContent || "").includes(p) || (e.getAttribute("href") || "").includes(p) ||
            (e.getAttribute("src") || "").includes(p));
          const inside = alerts.reduce((n, el) => n + [...el.querySelectorAll(
            "a, img, script, .katex, em, code, h1, h2, h3, li, span[style]")].filter(fromPayload).length, 0);
          const bold = alerts.flatMap((el) => [...el.querySelectorAll("strong")].map((b) => b.textContent));
          return {links: links.length, images: images.length, scripts: scripts.length, inside: inside,
                  bold: bold};
        }""",
        list(HOSTS),
    )


def test_payloads_in_uploaded_files_stay_text(
    page: Page, app_url, blocked_requests, artifacts, tmp_path: Path
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_viewport_size({"width": 1280, "height": 1400})
    listing = tmp_path / "liste $x$ <b>gras [lien](javascript:alert(3)).csv"  # no "/" in a name
    rows = ["Code INSEE;Nom;OPSN"]
    rows += [f"38185;Grenoble;{payload}" for payload in PAYLOADS]  # unknown operators: notes
    rows += [f"{payload};{payload};sitpi" for payload in PAYLOADS]  # bad codes: rejected rows
    listing.write_text("\n".join(rows) + "\n", encoding="utf-8")
    unreadable = tmp_path / "illisible.csv"
    unreadable.write_text(f"{PAYLOADS[0]};{PAYLOADS[1]};{PAYLOADS[3]}\n", encoding="utf-8")

    sign_in_and_open_the_import_page(page, app_url)
    main = page.get_by_test_id("stMain")
    main.locator("input[type=file]").set_input_files([listing, unreadable])
    expect(main.get_by_text(re.compile(r"acceptée\(s\)")).first).to_be_visible(timeout=UI_TIMEOUT)
    settle(page)
    error = main.get_by_test_id("stAlert").filter(has_text="illisible.csv")
    expect(error).to_contain_text("format non reconnu")
    # shown as the text it is (an invisible word joiner keeps URLs from being linked)
    assert "[lien](http://3232235777/)" in error.inner_text().replace(WORD_JOINER, "")
    notes = main.get_by_test_id("stCaptionContainer").filter(has_text="absent du registre")
    expect(notes.first).to_be_visible()
    shown = " ".join(notes.all_inner_texts()).replace(WORD_JOINER, "")
    for payload in ("[lien](http://3232235777/)", "$x^2$", "<script>alert(2)</script>"):
        assert payload in shown, shown
    summary = main.get_by_test_id("stAlert").filter(has_text="alert(3)).csv")
    expect(summary).to_be_visible()
    page.screenshot(path=artifacts / "import_payloads.png", full_page=True)

    made = made_from_payloads(page)
    assert [b.replace(WORD_JOINER, "") for b in made["bold"]] == [
        listing.name
    ]  # the report's own emphasis, nothing from the files
    assert {k: made[k] for k in ("links", "images", "scripts", "inside")} == {
        "links": 0,
        "images": 0,
        "scripts": 0,
        "inside": 0,
    }
    assert not dialogs, dialogs
    assert_no_blocked(blocked_requests)
