"""What ``serve.py`` adds to Streamlit's HTTP answers so that the map paints sooner.

:class:`PreloadMiddleware` names, in the page itself, Leaflet and the geometry files
of the view in the address (``<link rel="preload">``), so that the browser fetches
them while Streamlit's front end loads, when the server has nothing else to do. It
also answers the map's content-addressed files (``app/static``: Leaflet's folder and
the geometry files, whose names change with their content) from memory, as
immutable, so that a returning visitor asks for none of them again.

Only Streamlit's public ASGI hooks are used (``st.App(middleware=…)``), and only the
app's own files are served: nothing of Streamlit's installed front-end build is read
(its files, names and manifest may change with any release). The page's HTML is read
as the browser gets it: the links go before its ``</head>``; Streamlit's own URL
prefixes (:data:`STREAMLIT_PREFIXES`) tell its page from its files and endpoints.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from geo.core.views import Level

log = logging.getLogger("opsn.serving")

IMMUTABLE = "public, max-age=31536000, immutable"
HASHED_STATIC = re.compile(r"/app/static/(?:leaflet-[0-9a-f]{8,}/|mapdata/[^/]*\.[0-9a-f]{8,}\.)")
"""Files served by ``app/static`` whose name changes with their content."""


@dataclass
class MapPreloads:
    """Leaflet and the geometry files, as the map element will ask for them.

    Set by ``ui.map_element.prepare_map_files`` once the files are ready (the
    warm-up does it within seconds of the start); until then pages carry none.
    """

    scripts: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    national: str | None = None
    departements: dict[str, str] = field(default_factory=dict)
    neighbours: dict[str, list[str]] = field(default_factory=dict)

    def files_for(self, query: str) -> list[str]:
        """Geometry files of the view named by a page's query string (``vue``, ``code``)."""
        if self.national is None:
            return []
        params = parse_qs(query)
        level = (params.get("vue") or [""])[0]
        code = (params.get("code") or [""])[0].upper()
        if level == Level.COMMUNE and len(code) == 5:
            code = code[:3] if code.startswith("97") else code[:2]
        elif level != Level.DEPARTEMENT:
            code = ""
        own = self.departements.get(code)
        if own is None:
            return [self.national]
        around = [
            self.departements[d] for d in self.neighbours.get(code, []) if d in self.departements
        ]
        return [self.national, own, *around] if level == Level.DEPARTEMENT else [self.national, own]


_lock = threading.Lock()
_map = MapPreloads()
last_activity = 0.0
"""``time.monotonic()`` of the latest request or WebSocket message from a browser:
the warm-up pauses while visitors are being served (``ui.warmup``)."""


def quiet_for() -> float:
    """Seconds since a browser last asked anything of this server."""
    return time.monotonic() - last_activity


def announce_map_files(
    leaflet_js: str, leaflet_css: str, mapdata_url: str, national: str,
    departements: dict[str, str], neighbours: dict[str, list[str]],
) -> None:  # fmt: skip
    """Record where the map's files are (URLs relative to the page)."""
    global _map
    with _lock:
        _map = MapPreloads(
            scripts=[leaflet_js],
            styles=[leaflet_css],
            national=f"{mapdata_url}/{national}",
            departements={code: f"{mapdata_url}/{name}" for code, name in departements.items()},
            neighbours=neighbours,
        )


def preload_tags(query: str = "") -> bytes:
    """The ``<link>`` tags added to the page for a request with ``query``."""
    current = _map
    tags = [f'<link rel="preload" as="style" href="./{url}">' for url in current.styles]
    tags += [f'<link rel="preload" as="script" href="./{url}">' for url in current.scripts]
    # The map fetches its files with fetch() (CORS mode, same-origin credentials).
    tags += [
        f'<link rel="preload" as="fetch" crossorigin="anonymous" href="./{url}">'
        for url in current.files_for(query)
    ]
    return "\n    ".join(tags).encode()


class PreloadMiddleware:
    """ASGI middleware: preload links in Streamlit's page; the map's files from memory.

    Streamlit answers each file through its whole middleware stack and a file
    read in a worker thread, on the same Python process that runs the scripts.
    The map's files are content-addressed (Leaflet's folder, the geometry files):
    this keeps each one in memory once read and answers it at once, as a reverse
    proxy in front of Streamlit would. Anything else (Streamlit's own files, a
    range request, a HEAD) goes to Streamlit as before.
    """

    def __init__(self, app, *, app_static: Path | None = None) -> None:
        self.app = app
        self.files = StaticFiles(app_static)

    async def __call__(self, scope, receive, send) -> None:
        global last_activity
        last_activity = time.monotonic()
        if scope["type"] == "websocket":
            # Both ways: a browser's message, and each message of a script run.
            await self.app(scope, _noting_activity(receive), _noting_activity_send(send))
            return
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        headers = dict(scope.get("headers", []))
        if b"range" not in headers:
            answer = self.files.answer(path)
            if answer is not None:
                await _send_file(send, answer, headers.get(b"if-none-match"))
                return
        if not is_page(path):
            await self.app(scope, receive, send)
            return
        preloads = _with_preloads(scope.get("query_string", b""))
        await self.app(scope, receive, HeldPage(send, preloads).send)


STREAMLIT_PREFIXES = ("/_stcore/", "/static/", "/media/", "/component/")
"""Where Streamlit answers with something else than its page (its URL surface)."""


def is_page(path: str) -> bool:
    """A page of the app (Streamlit's HTML), not one of the files or endpoints it uses."""
    last = path.rsplit("/", 1)[-1]
    return "." not in last and not any(p in path for p in (*STREAMLIT_PREFIXES, "/_opsn/"))


@dataclass(frozen=True)
class StaticAnswer:
    body: bytes
    content_type: str
    etag: bytes
    extra: tuple[tuple[bytes, bytes], ...] = ()


CACHE_LIMIT_BYTES = 64_000_000
"""Most bytes of files kept in memory (the map page needs about 4 MB)."""


class StaticFiles:
    """The app's content-addressed files (``app/static``), from memory."""

    def __init__(self, app_static: Path | None = None) -> None:
        self.app_dir = app_static or Path(__file__).resolve().parent.parent / "static"
        self._cache: dict[str, StaticAnswer] = {}
        self._size = 0
        self._lock = threading.Lock()

    def answer(self, path: str) -> StaticAnswer | None:
        """The file ``path`` names, from memory once read; ``None`` if not one of ours.

        Kept under the file it names, not the path asked: ``/app/static/x`` and
        ``/any/prefix/app/static/x`` are one file, held once.
        """
        found = self._file_of(path)
        if found is None:
            return None
        file, extra = found
        key = str(file)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        try:
            body = file.read_bytes()
        except OSError:
            return None
        answer = StaticAnswer(
            body, _content_type(file.name), f'"{hashlib.md5(body).hexdigest()}"'.encode(), extra
        )
        with self._lock:
            if self._size + len(body) <= CACHE_LIMIT_BYTES and key not in self._cache:
                self._cache[key] = answer
                self._size += len(body)
        return answer

    def _file_of(self, path: str) -> tuple[Path, tuple[tuple[bytes, bytes], ...]] | None:
        marker = path.find("/app/static/")
        if marker < 0 or not HASHED_STATIC.search(path):
            return None
        relative = path[marker + len("/app/static/") :]
        file = (self.app_dir / relative).resolve()
        if ".." in relative.split("/") or not file.is_relative_to(self.app_dir.resolve()):
            return None
        return file, ((b"access-control-allow-origin", b"*"),)


def _content_type(name: str) -> str:
    if name.endswith(".gz"):
        return "application/gzip"
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind in ("text/css", "text/html") else kind


async def _send_file(send, answer: StaticAnswer, if_none_match: bytes | None) -> None:
    headers = [
        (b"content-type", answer.content_type.encode()),
        (b"cache-control", IMMUTABLE.encode()),
        (b"etag", answer.etag),
        *answer.extra,
    ]
    if if_none_match is not None and answer.etag in if_none_match:
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    headers.append((b"content-length", str(len(answer.body)).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


def _noting_activity(receive):
    async def wrapped():
        global last_activity
        message = await receive()
        last_activity = time.monotonic()
        return message

    return wrapped


def _noting_activity_send(send):
    async def wrapped(message) -> None:
        global last_activity
        last_activity = time.monotonic()
        await send(message)

    return wrapped


class HeldPage:
    """Holds back a page (an HTML answer, 200) until its body is complete, then sends what
    ``finish(start, body)`` makes of it, with its new length; ``other`` may change the
    start of any other answer. Shared by the preloads and the guard (``ui.guard``)."""

    def __init__(
        self,
        send,
        finish: Callable[[dict, bytes], tuple[dict, bytes]],
        other: Callable[[dict], dict] = lambda start: start,
    ) -> None:
        self._send, self._finish, self._other = send, finish, other
        self._start: dict | None = None
        self._body: list[bytes] = []

    async def send(self, message) -> None:
        if message["type"] == "http.response.start":
            headers = dict((k.lower(), v) for k, v in message.get("headers", []))
            html = headers.get(b"content-type", b"").startswith(b"text/html")
            if message.get("status") == 200 and html and b"content-encoding" not in headers:
                self._start = message
                return
            message = self._other(message)
        elif message["type"] == "http.response.body" and self._start is not None:
            self._body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            start, body = self._finish(self._start, b"".join(self._body))
            headers = [
                (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
            ]
            headers.append((b"content-length", str(len(body)).encode()))
            await self._send(dict(start, headers=headers))
            await self._send({"type": "http.response.body", "body": body, "more_body": False})
            return
        await self._send(message)


def _with_preloads(query: bytes) -> Callable[[dict, bytes], tuple[dict, bytes]]:
    def finish(start: dict, body: bytes) -> tuple[dict, bytes]:
        head = body.find(b"</head>")
        if head >= 0:
            body = body[:head] + preload_tags(query.decode("latin-1")) + b"\n  " + body[head:]
        return start, body

    return finish


def run(app, argv: list[str] | None = None) -> None:
    """Serve ``app`` (an ``st.App``) with uvicorn on a socket uvicorn opens (``serve.py``).

    ``--port`` and ``--address`` default to Streamlit's ``server.port`` and
    ``server.address``. The WebSocket follows Streamlit's public options
    (``server.maxMessageSize``, ``server.enableWebsocketCompression``,
    ``server.websocketPingInterval``, 30 s when unset); the rest is this project's
    choice, not a copy of Streamlit's launcher: uvicorn's ``websockets-sansio``
    implementation, no access log. uvicorn reads ``X-Forwarded-For`` / ``-Proto``
    from a proxy on 127.0.0.1 (its default), so that the sign-in throttle and the
    ``Secure`` cookie see the visitor's address and scheme.
    """
    import argparse

    import streamlit as st
    import uvicorn

    parser = argparse.ArgumentParser(description="Couverture OPSN : le serveur de l'application.")
    parser.add_argument("--port", type=int, default=st.get_option("server.port"))
    parser.add_argument("--address", default=st.get_option("server.address") or "0.0.0.0")
    args = parser.parse_args(argv)
    interval = st.get_option("server.websocketPingInterval") or 30
    shown = "localhost" if args.address == "0.0.0.0" else args.address
    print(f"Couverture OPSN : http://{shown}:{args.port}", flush=True)
    uvicorn.run(
        app, host=args.address, port=args.port, access_log=False, ws="websockets-sansio",
        ws_max_size=st.get_option("server.maxMessageSize") * 1_000_000,
        ws_per_message_deflate=st.get_option("server.enableWebsocketCompression"),
        ws_ping_interval=interval, ws_ping_timeout=interval,
    )  # fmt: skip
