"""serve.py on the internet: French everywhere, signed-in uploads only, staying signed in.

One server (``serve.py``: its guard, its sign-in cookie, the page shell), one browser:

- every page, signed out then signed in, with a picker opened (and a search with no
  result), a date input opened, a table's toolbar used, an upload started and one
  refused: no English string of Streamlit's anywhere in the text, aria labels, titles
  or placeholders (:data:`ENGLISH`);
- an anonymous ``PUT /_stcore/upload_file/<session>/<id>`` is refused before its body
  is sent, when the signed-in browser's own upload is stored;
- a sign-in survives a reload, a new tab and a restart of the server; « Se
  déconnecter » ends it in the other tab and for a copy of the cookie.
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from geo.access.session import COOKIE_NAME
from ui.shell import texts

from .conftest import REPO_ROOT, _stop, assert_no_blocked, signed_in_app, start_server

pytestmark = pytest.mark.browser

PASSWORD = "mot de passe d'essai"
NAME = "Marie Test"
UI_TIMEOUT = 60_000
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "import" / "anct_operators.csv"

BRIEF = [  # the strings the planners saw (issues 16 and 18), whatever texts.json says
    "Upload", "per file", "Browse files", "Drag and drop", "No results", "Choose an option",
    "Choose options", "Select all", "Press Enter", "Connection error", "Show/hide columns",
    "Download as CSV", "Search", "or smaller", "Running...", "Stop", "Deploy",
    "Skip to main content", "Show password", "Help for", "Fullscreen", "Choose date",
]  # fmt: skip
ENGLISH = sorted({*BRIEF, *texts()["text"], *texts()["attributes"]})
"""Streamlit's English strings: whole values for one word, anywhere for several words."""
PATTERNS = [re.compile(p["english"]) for p in texts()["patterns"]]

COLLECT = """() => {
  const found = [];
  const hidden = (e) => e.closest('[aria-hidden="true"], script, style, noscript, code, pre');
  const walk = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = walker.currentNode; n; n = walker.nextNode()) {
      if (n.nodeType === 3) {
        const text = n.nodeValue.trim();
        if (text && n.parentElement && !hidden(n.parentElement)) found.push(text);
      } else {
        for (const name of ["aria-label", "title", "placeholder", "alt", "aria-valuetext"]) {
          const value = n.getAttribute && n.getAttribute(name);
          if (value) found.push(value.trim());
        }
        if (n.shadowRoot) walk(n.shadowRoot);
      }
    }
  };
  walk(document.documentElement);
  return found;
}"""


def english_on(page: Page) -> list[str]:
    """Streamlit's English strings on the page, as a person (or a screen reader) gets them."""
    hits = []
    for value in page.evaluate(COLLECT):
        for english in ENGLISH:
            if (value == english) if " " not in english else (english in value):
                hits.append(f"{english!r} in {value!r}")
        hits += [f"{p.pattern!r} in {value!r}" for p in PATTERNS if p.search(value)]
    return hits


def settle(page: Page) -> None:
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=UI_TIMEOUT
    )
    # The page's shell element is mounted (a busy browser may take a while to run it),
    # then it translates what the last messages added.
    page.wait_for_function("() => window.__opsnFrench !== undefined", timeout=UI_TIMEOUT)
    page.wait_for_timeout(300)


class Server:
    """``serve.py`` under Streamlit's launcher, with a password and its own data; restartable."""

    def __init__(self, tmp: Path) -> None:
        self.data, self.secrets, self.logs = tmp / "donnees", tmp / "secrets", tmp / "logs"
        for folder in (self.data, self.secrets, self.logs):
            folder.mkdir()
        self.started: list[subprocess.Popen] = []
        self.url = ""

    def start(self) -> str:
        def launch(script, *args):
            return start_server(script, *args, log_dir=self.logs, started=self.started)

        self.url = signed_in_app(launch, PASSWORD, self.data, self.secrets, REPO_ROOT / "serve.py")
        return self.url

    def stop(self) -> None:
        for process in self.started:
            _stop(process)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("serveur"))
    running.start()
    yield running
    running.stop()


def sign_in(page: Page, url: str) -> None:
    page.goto(url + "connexion")
    page.get_by_role("textbox", name="Votre nom").fill(NAME)
    page.get_by_role("textbox", name="Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text(f"Connecté : {NAME}").first).to_be_visible(timeout=UI_TIMEOUT)
    settle(page)


def signed_in(page: Page) -> bool:
    settle(page)
    return page.get_by_test_id("stSidebar").get_by_text(f"Connecté : {NAME}").count() > 0


def put_headers(url: str, session: str, cookies: str, xsrf: str, size: int) -> int:
    """The status of an upload of which only the headers are sent (announcing ``size``
    bytes): a server that waited for the body would time out instead."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    boundary = "limite"
    connection.putrequest("PUT", f"/_stcore/upload_file/{session}/fichier-1")
    for name, value in (
        ("Content-Type", f"multipart/form-data; boundary={boundary}"),
        ("Content-Length", str(size)),
        ("Cookie", cookies),
        ("X-Xsrftoken", xsrf),
    ):
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()  # no body sent: only a refusal can come back
    connection.close()
    return response.status


def test_french_everywhere_and_uploads_only_when_signed_in(
    server, page, blocked_requests, artifacts, tmp_path
) -> None:
    url = server.url
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda data: frames.append(data)))

    # Signed out, every page: a picker, a date input, a table's toolbar.
    seen: dict[str, list[str]] = {}
    for path in ("", "scenario", "evolution", "versions", "registre", "connexion"):
        page.goto(url + path)
        settle(page)
        seen[f"/{path} (visiteur)"] = english_on(page)
    page.goto(url)
    settle(page)
    page.get_by_role("button", name="Copier le lien de cette vue").click()  # no inline script
    expect(page.get_by_text("Lien copié")).to_be_visible()
    picker = page.get_by_test_id("stSidebar").get_by_role("combobox").first
    picker.click()
    page.keyboard.type("zzzz")
    expect(page.get_by_text("Aucun résultat")).to_be_visible(timeout=UI_TIMEOUT)
    seen["sélecteur ouvert, sans résultat"] = english_on(page)
    page.keyboard.press("Escape")
    page.goto(url + "evolution")
    settle(page)
    page.get_by_role("button", name=re.compile("^Choisir une date")).first.click()
    expect(page.get_by_role("button", name="Mois précédent")).to_be_visible()
    seen["date ouverte"] = english_on(page)
    page.keyboard.press("Escape")
    page.goto(url + "registre")
    settle(page)
    page.get_by_test_id("stDataFrame").first.hover()
    page.get_by_role("button", name="Rechercher").first.click()
    expect(page.get_by_role("button", name="Afficher ou masquer des colonnes")).to_be_visible()
    seen["barre d'outils d'un tableau"] = english_on(page)
    page.screenshot(path=artifacts / "serveur_tableau_visiteur.png")

    # An anonymous upload, with the visitor's own session ids and XSRF cookie: refused.
    xsrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_streamlit_xsrf")
    ids = {m.decode() for f in frames[:5] for m in re.findall(rb"[0-9a-f-]{36}", bytes(f))}
    assert ids
    for session in ids:
        assert put_headers(url, session, f"_streamlit_xsrf={xsrf}", xsrf, 40_000_000) == 403

    # Signed in: the cookie, a reload, a new tab, every page, an upload.
    sign_in(page, url)
    cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE_NAME)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.reload()
    assert signed_in(page)
    other = page.context.new_page()
    other.goto(url + "versions")
    assert signed_in(other)
    other.close()
    for path in ("", "scenario", "evolution", "versions", "registre", "connexion", "importer"):
        page.goto(url + path)
        settle(page)
        seen[f"/{path} (connecté)"] = english_on(page)
    uploads: list[tuple[str, int]] = []
    page.on("response", lambda r: "/upload_file/" in r.url and uploads.append((r.url, r.status)))
    dropzone = page.get_by_test_id("stFileUploaderDropzoneInput")
    dropzone.set_input_files(FIXTURE)
    seen["envoi en cours"] = english_on(page)
    expect(page.get_by_role("heading", name="Rapport de lecture")).to_be_visible(timeout=UI_TIMEOUT)
    settle(page)
    seen["fichier envoyé"] = english_on(page)
    assert uploads and uploads[0][1] == 204, uploads  # the signed-in browser's own upload
    page.screenshot(path=artifacts / "serveur_import.png", full_page=True)
    too_big = tmp_path / "trop_gros.csv"
    with too_big.open("wb") as file:
        file.truncate(53_000_000)  # over 50 Mo: the browser refuses it before sending
    dropzone.set_input_files(too_big)
    page.get_by_text("trop_gros.csv").hover()
    expect(page.get_by_text(re.compile("Fichier trop lourd")).first).to_be_visible()
    seen["fichier refusé"] = english_on(page)

    assert not {k: v for k, v in seen.items() if v}, json.dumps(seen, ensure_ascii=False)
    assert_no_blocked(blocked_requests)


def test_a_sign_in_survives_a_restart_and_signing_out_ends_it_everywhere(
    server, browser, page, artifacts
) -> None:
    sign_in(page, server.url)
    server.stop()
    url = server.start()  # another port, the same data folder: the same secret
    page.goto(url + "versions")
    assert signed_in(page), "the sign-in did not survive the restart"
    token = next(c for c in page.context.cookies() if c["name"] == COOKIE_NAME)
    second = page.context.new_page()
    second.goto(url + "registre")
    assert signed_in(second)

    page.goto(url + "connexion")
    settle(page)
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible(timeout=UI_TIMEOUT)
    page.wait_for_timeout(500)  # the cookie is cleared by the page's element
    assert COOKIE_NAME not in {c["name"] for c in page.context.cookies()}

    second.get_by_test_id("stSidebar").get_by_role("link", name="Versions").click()
    assert not signed_in(second), "the other tab stayed signed in"
    second.reload()
    assert not signed_in(second)
    copy = browser.new_context()  # the old cookie, replayed elsewhere: revoked
    copy.add_cookies([token])
    stolen = copy.new_page()
    stolen.goto(url + "versions")
    assert not signed_in(stolen)
    stolen.screenshot(path=artifacts / "serveur_deconnecte.png")
    copy.close()
