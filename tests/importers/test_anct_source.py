"""The ANCT's dataset from an open-data portal: description, stable links, conditional downloads."""

from __future__ import annotations

import datetime as dt
import http.server
import threading

import pytest

from geo.importers.anct_source import (
    RESOURCE_IDS,
    Offline,
    SourceError,
    Validators,
    fetch_file,
    fetch_resources,
    find_resources,
    published_checksum_matches,
    source_base,
    source_day,
)
from geo.importers.bounded import Limits
from tests.anct_portal import OPERATORS_CSV, Portal, adherents_gz
from tests.browser.conftest import free_port

ADHERENTS = adherents_gz([("21290001000017", "7e7ff701-de04-476e-bfca-3db263c7dc33")])


@pytest.fixture(scope="module")
def portal():
    served = Portal()
    served.publish(OPERATORS_CSV, ADHERENTS, "2026-11-03")
    yield served
    served.close()


def test_resources_found_by_id_then_by_title():
    base = "https://portail.example"
    found = find_resources(
        {
            "resources": [
                {"id": "autre", "title": "adherents (ancienne)"},
                {"id": RESOURCE_IDS["adherents"], "title": "Adhérents", "url": "u"},
                {"id": "nouveau-id", "title": "Operators.csv", "last_modified": "x"},
            ]
        },
        base,
    )
    assert found["adherents"].id == RESOURCE_IDS["adherents"]
    assert found["operators"].id == "nouveau-id"  # the id changed: found by its title
    assert found["operators"].stable_url == "https://portail.example/fr/datasets/r/nouveau-id"
    with pytest.raises(SourceError, match="ne contient plus la ressource « operators »"):
        find_resources({"resources": [{"id": RESOURCE_IDS["adherents"]}]}, base)
    with pytest.raises(SourceError, match="a changé de format"):
        find_resources({"data": []}, base)


def test_only_http_addresses(monkeypatch):
    monkeypatch.delenv("OPSN_ANCT_SOURCE", raising=False)
    assert source_base() == "https://www.data.gouv.fr"
    monkeypatch.setenv("OPSN_ANCT_SOURCE", "http://127.0.0.1:8731/")
    assert source_base() == "http://127.0.0.1:8731"
    assert source_base("https://demo.data.gouv.fr") == "https://demo.data.gouv.fr"
    for address in ("file:///etc/passwd", "ftp://x.fr", "data.gouv.fr"):
        with pytest.raises(SourceError, match="invalide"):
            source_base(address)


def test_conditional_download_through_the_stable_link(portal):
    resources = fetch_resources(portal.url)
    assert resources["operators"].last_modified.startswith("2026-11-03")
    first = fetch_file(resources["adherents"])
    assert first.data == ADHERENTS and first.etag == portal.etag("adherents")
    assert first.url.endswith("/files/adherents.csv.gz")  # the redirect was followed
    sent = len(portal.sent)
    again = fetch_file(resources["adherents"], Validators(first.etag, first.last_modified))
    assert again.unchanged and len(portal.sent) == sent
    assert published_checksum_matches(resources["adherents"], first.data) is True
    assert published_checksum_matches(resources["adherents"], b"autre") is False


def test_partial_and_too_large_downloads_are_refused(portal):
    resources = fetch_resources(portal.url)
    portal.partial = True
    try:
        with pytest.raises(SourceError, match=r"téléchargement interrompu.*incomplet refusé"):
            fetch_file(resources["adherents"])
    finally:
        portal.partial = False
    with pytest.raises(SourceError, match="trop volumineux"):
        fetch_file(resources["operators"], limits=Limits(file_bytes=100))


def test_offline_is_a_french_sentence():
    with pytest.raises(Offline, match=r"injoignable \(127\.0\.0\.1 : connexion refusée\)"):
        fetch_resources(f"http://127.0.0.1:{free_port()}")


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/fichier"])
def test_redirects_to_other_schemes_are_not_followed(target):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(SourceError, match=r"redirection.* refusée"):
            fetch_resources(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


def test_source_day_is_the_day_in_paris(portal):
    resources = find_resources(
        {
            "resources": [
                {"id": RESOURCE_IDS["operators"], "last_modified": "2026-11-02T23:30:00+00:00"},
                {"id": RESOURCE_IDS["adherents"], "last_modified": ""},
            ]
        },
        "https://x.fr",
    )
    assert source_day(resources["operators"]) == dt.date(2026, 11, 3)
    assert source_day(resources["adherents"]) is None
