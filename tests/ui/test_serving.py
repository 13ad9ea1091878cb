"""serve.py's middleware: Streamlit's page names what the map needs; the map's files come from memory."""

from __future__ import annotations

import re
import time

import pytest

from tests.ui.asgi import run_in_thread
from ui import serving

INDEX = b"<html><head><title>Streamlit</title></head><body><div id=root></div></body></html>"


async def _call(middleware, path: str, query: bytes = b"", headers=()) -> tuple[dict, bytes]:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "method": "GET", "path": path, "query_string": query,
        "headers": list(headers),
    }  # fmt: skip
    await middleware(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start, body


async def streamlit_page(scope, receive, send):
    """Stands for Streamlit: its index page for every path, in two body chunks."""
    await send({
        "type": "http.response.start", "status": 200,
        "headers": [(b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(INDEX)).encode())],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": INDEX[:20], "more_body": True})
    await send({"type": "http.response.body", "body": INDEX[20:], "more_body": False})


@pytest.fixture
def map_files(monkeypatch):
    monkeypatch.setattr(serving, "_map", serving.MapPreloads())
    serving.announce_map_files(
        "app/static/leaflet-0123456789ab/leaflet.js",
        "app/static/leaflet-0123456789ab/leaflet.css",
        "app/static/mapdata",
        "national.aaaaaaaaaaaa.bin.gz",
        {"29": "departement-29.bbbbbbbbbbbb.bin.gz", "22": "departement-22.cccccccccccc.bin.gz"},
        {"29": ["22"]},
    )


def test_the_page_names_leaflet_and_the_view_s_geometry(map_files):
    middleware = serving.PreloadMiddleware(streamlit_page)
    start, body = run_in_thread(_call(middleware, "/", b"vue=departement&code=29"))
    assert dict(start["headers"])[b"content-length"] == str(len(body)).encode()
    head = body.decode().split("</head>")[0]
    assert 'rel="modulepreload"' not in head  # nothing of Streamlit's build is named
    assert 'rel="preload" as="script" href="./app/static/leaflet-0123456789ab/leaflet.js"' in head
    fetched = re.findall(r'as="fetch" crossorigin="anonymous" href="\./([^"]+)"', head)
    assert fetched == [
        "app/static/mapdata/national.aaaaaaaaaaaa.bin.gz",
        "app/static/mapdata/departement-29.bbbbbbbbbbbb.bin.gz",
        "app/static/mapdata/departement-22.cccccccccccc.bin.gz",
    ]
    assert body.endswith(b"<div id=root></div></body></html>")
    # A commune's link: its department's file; the national view: the national file.
    _, body = run_in_thread(_call(middleware, "/", b"vue=commune&code=22113"))
    assert b"departement-22.cccccccccccc" in body and b"departement-29" not in body
    _, body = run_in_thread(_call(middleware, "/"))
    assert b"national.aaaaaaaaaaaa" in body and b"departement-" not in body


def test_content_addressed_map_files_come_from_memory_the_rest_from_streamlit(tmp_path):
    (tmp_path / "mapdata").mkdir()
    (tmp_path / "mapdata" / "national.0123456789ab.bin.gz").write_bytes(b"\x1f\x8b data")
    (tmp_path / "notes.txt").write_text("not content-addressed")
    asked: list[str] = []

    async def streamlit(scope, receive, send):
        asked.append(scope["path"])
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    middleware = serving.PreloadMiddleware(streamlit, app_static=tmp_path)
    start, body = run_in_thread(
        _call(middleware, "/app/static/mapdata/national.0123456789ab.bin.gz")
    )
    headers = dict(start["headers"])
    assert body == b"\x1f\x8b data" and headers[b"content-type"] == b"application/gzip"
    assert headers[b"cache-control"] == serving.IMMUTABLE.encode()
    for path in (
        "/app/static/notes.txt",
        "/app/static/mapdata/../../secret.0123456789ab.bin.gz",
        "/static/js/not-in-the-build.js",
        "/_stcore/health",
    ):
        run_in_thread(_call(middleware, path))
    assert asked == [
        "/app/static/notes.txt",
        "/app/static/mapdata/../../secret.0123456789ab.bin.gz",
        "/static/js/not-in-the-build.js",
        "/_stcore/health",
    ]


def test_requests_are_noted_for_the_warm_up(monkeypatch):
    # Long quiet (not 0.0: the monotonic clock may start near zero at boot).
    monkeypatch.setattr(serving, "last_activity", time.monotonic() - 1000)
    assert serving.quiet_for() >= 1000
    run_in_thread(_call(serving.PreloadMiddleware(streamlit_page), "/"))
    assert serving.quiet_for() < 5
