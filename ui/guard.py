"""What ``serve.py`` puts in front of Streamlit for a server open to the internet.

:class:`GuardMiddleware` (an ``st.App`` middleware, outermost) gives every
answer the security headers of :class:`geo.access.headers.HeaderPolicy`, keeps
``/_stcore/metrics`` to the server (404 for visitors), answers ``HEAD`` exactly
as ``GET`` (same headers, same length, no body) and guards Streamlit's upload
endpoint, ``PUT /_stcore/upload_file/<session>/<file>``:

- **signed-in browsers only**: the request must carry a valid sign-in cookie
  (``ui.sessions``: the cookie a Streamlit session's browser got when its
  person signed in, checked like a page run checks it, revocations included);
  otherwise 403 *before a byte of the body is read*;
- **caps**: its announced length (``Content-Length``, required) must fit in the
  session's share and the server's (:class:`geo.access.uploads.UploadLedger`);
- **lifetime**: an upload no page has read within a few minutes, or that pages
  stopped reading, is dropped from Streamlit's memory with the same ``DELETE``
  the browser sends when a file is removed from the uploader (replayed with the
  uploading request's own cookies and XSRF header).

Settings (environment, read when ``serve.py`` starts): ``OPSN_FRAME_ANCESTORS``,
origins allowed to show the app in a frame (``https://www.exemple.fr``; default:
none but the app); ``OPSN_IGN_TILES=0``, no Plan IGN background (the CSP then
names no other host).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Callable

from geo.access.headers import HeaderPolicy, inline_script_hashes, origin_of, parse_frame_ancestors
from geo.access.uploads import UploadLedger
from ui.serving import HeldPage, is_page

FRAME_ANCESTORS_ENV = "OPSN_FRAME_ANCESTORS"
IGN_TILES_ENV = "OPSN_IGN_TILES"
SWEEP_SECONDS = 30.0
UPLOAD = re.compile(r"/_stcore/upload_file/(?P<session>[^/]+)/(?P<file>[^/]+)/?$")
METRICS = re.compile(r"/_stcore/metrics/?$")
REPLAYED_HEADERS = (b"cookie", b"x-xsrftoken", b"host", b"origin")

log = logging.getLogger("opsn.guard")
_ledger = UploadLedger()


def ledger() -> UploadLedger:
    """The uploads this process holds (the import page marks the ones it reads)."""
    return _ledger


def ign_tiles_allowed() -> bool:
    """Whether the server offers the Plan IGN background (``OPSN_IGN_TILES``, default on)."""
    return os.environ.get(IGN_TILES_ENV, "1").strip() != "0"


def policy_from_environment() -> HeaderPolicy:
    """The header policy the settings describe (a bad setting stops the server, in French)."""
    from geo.maps.style import BASEMAP_URL

    tiles = (origin_of(BASEMAP_URL),) if ign_tiles_allowed() else ()
    return HeaderPolicy(parse_frame_ancestors(os.environ.get(FRAME_ANCESTORS_ENV, "")), tiles)


def _signed_in(headers: list[tuple[bytes, bytes]]) -> bool:
    from ui import sessions

    token = sessions.token_of(headers)
    return bool(token) and sessions.book().check(token) is not None


def _header(scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value
    return None


async def _answer(send, status: int, text: str = "") -> None:
    body = text.encode("utf-8")
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode())],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})


async def _empty_receive():
    return {"type": "http.request", "body": b"", "more_body": False}


async def _discard(_message) -> None:
    return None


class GuardMiddleware:
    """Security headers, private metrics, honest HEAD, guarded uploads (see the module)."""

    def __init__(
        self,
        app,
        *,
        policy: HeaderPolicy | None = None,
        uploads: UploadLedger | None = None,
        signed_in: Callable[[list[tuple[bytes, bytes]]], bool] = _signed_in,
        page_rewrite: Callable[[bytes], bytes] | None = None,
    ) -> None:
        self.app = app
        self.policy = policy if policy is not None else policy_from_environment()
        self.uploads = uploads if uploads is not None else _ledger
        self.signed_in = signed_in
        self.page_rewrite = page_rewrite
        self._sweeper: asyncio.Task | None = None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._sweeper is None:
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())
        path, method = scope.get("path", ""), scope.get("method", "GET")
        if method == "HEAD":  # the answer GET would give, headers only
            scope = dict(scope, method="GET")
            send = _without_body(send)
        send = _secured(send, self.policy, self.page_rewrite)
        if METRICS.search(path):
            await _answer(send, 404, "Introuvable.")
            return
        upload = UPLOAD.search(path)
        if upload and method == "PUT":
            await self._upload(scope, receive, send, upload["session"], upload["file"])
            return
        if upload and method == "DELETE":
            send = self._released(send, upload["session"], upload["file"])
        if scope["method"] == "GET" and is_page(path):
            # Uncompressed (12 kB), so that its scripts can be hashed and its text made French.
            headers = [(k, v) for k, v in scope.get("headers", []) if k != b"accept-encoding"]
            scope = dict(scope, headers=headers)
        await self.app(scope, receive, send)

    async def _upload(self, scope, receive, send, session: str, file_id: str) -> None:
        if not self.signed_in(scope.get("headers", [])):
            await _answer(send, 403, "Envoi de fichiers réservé aux personnes connectées.")
            return
        try:
            length = int(_header(scope, b"content-length") or b"")
        except ValueError:
            length = -1
        if length < 0:
            await _answer(send, 411, "Longueur du fichier (Content-Length) attendue.")
            return
        refusal = self.uploads.admit(session, file_id, length)
        if refusal is not None:
            await _answer(send, 413, refusal)
            return
        status = 0

        async def noting(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            if 200 <= status < 300:
                kept = [(k, v) for k, v in scope.get("headers", []) if k in REPLAYED_HEADERS]
                self.uploads.confirm(session, file_id, dict(scope, headers=kept))
            else:
                self.uploads.release(session, file_id)

    def _released(self, send, session: str, file_id: str):
        async def wrapped(message) -> None:
            if message["type"] == "http.response.start" and 200 <= message["status"] < 300:
                self.uploads.release(session, file_id)
            await send(message)

        return wrapped

    async def sweep(self) -> int:
        """Drop the uploads whose time is up (see the module); how many."""
        dropped = 0
        for upload in self.uploads.due():
            if not isinstance(upload.replay, dict):
                continue
            scope = dict(upload.replay, method="DELETE", query_string=b"")
            try:
                await self.app(scope, _empty_receive, _discard)
                dropped += 1
            except Exception:  # the session may be gone already, with its files
                log.debug("upload %s not dropped", upload.file_id, exc_info=True)
        return dropped

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                await self.sweep()
            except Exception:
                log.exception("upload sweep failed")


def _without_body(send):
    """``HEAD``: the answer ``GET`` would give, headers only."""

    async def wrapped(message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return wrapped


def _secured(send, policy: HeaderPolicy, rewrite: Callable[[bytes], bytes] | None):
    """The policy's headers on every answer; a page's with the hashes of its inline scripts
    (after ``rewrite``: the page as the browser gets it)."""

    def with_headers(start: dict, hashes: tuple[str, ...] = ()) -> dict:
        extra = policy.headers(hashes)
        names = {name for name, _ in extra}
        kept = [(k, v) for k, v in start.get("headers", []) if k.lower() not in names]
        return dict(start, headers=[*kept, *extra])

    def finish(start: dict, body: bytes) -> tuple[dict, bytes]:
        body = rewrite(body) if rewrite is not None else body
        return with_headers(start, inline_script_hashes(body)), body

    return HeldPage(send, finish, with_headers).send
