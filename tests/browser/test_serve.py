"""``python serve.py`` (the README's command): the app under uvicorn, preloads and files from memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.browser.conftest import REPO_ROOT, _stop, assert_no_blocked, free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), OPSN_WARMUP="1")  # as the README starts it
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "serve.py", "--port", str(port), "--address", "127.0.0.1"],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("serve.py did not start:\n" + log.read_text(errors="replace")[-3000:])
        yield url
    finally:
        _stop(process)


def test_served_page_draws_preloads_and_opens_a_department(
    served, page, blocked_requests, drawn_map
) -> None:
    page.goto(served)
    the_map = drawn_map(page, timeout=90, view="france:")
    # Once the map's files exist, pages name them too (here: after this first visit).
    page.goto(served + "?vue=departement&code=29")
    drawn_map(page, timeout=60, view="departement:29")
    fetched = page.locator("link[rel=preload][as=fetch]").evaluate_all(
        "links => links.map(l => l.getAttribute('href'))"
    )
    assert any("/mapdata/national." in href for href in fetched), fetched
    assert any("/mapdata/departement-29." in href for href in fetched), fetched
    entries = page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/mapdata/'))"
    )
    assert any("departement-29." in name for name in entries)
    point = the_map.evaluate("e => e.opsnMap.pointOn('commune', ['29019'])")
    assert point and point["code"] == "29019"
    assert_no_blocked(blocked_requests)


def test_content_addressed_files_are_immutable(served) -> None:
    with urllib.request.urlopen(served) as response:
        html = response.read().decode()
    leaflet = html.split('rel="preload" as="script" href="./', 1)[1].split('"', 1)[0]
    with urllib.request.urlopen(served + leaflet) as response:
        assert "immutable" in response.headers["Cache-Control"]
        assert "javascript" in response.headers["Content-Type"]


def test_security_headers_private_metrics_and_an_honest_head(served) -> None:
    """What ``curl -sI`` shows (README « Mettre l'application en ligne »)."""
    with urllib.request.urlopen(served) as response:
        body = response.read()
        got = response.headers
    request = urllib.request.Request(served, method="HEAD")
    with urllib.request.urlopen(request) as response:
        assert response.read() == b""
        head = response.headers
    assert int(head["Content-Length"]) == len(body) == int(got["Content-Length"])
    policy = head["Content-Security-Policy"]
    assert policy == got["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert head["X-Content-Type-Options"] == "nosniff"
    assert head["Referrer-Policy"] == "same-origin"
    assert b'<html lang="fr">' in body
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(served + "_stcore/metrics")
    assert refused.value.code == 404
