"""Sign-ins that outlive a tab: the server's :class:`~geo.access.session.SessionBook`,
the route that sets its cookie, and what a page run reads of it.

Flow (``python serve.py``): the Connexion page checks the password, keeps the
signed token in the session and renders a tiny element whose script sends a
one-time ticket to ``POST <base>/_opsn/session``; that route (an ``st.App``
route, :func:`routes`) answers with the ``HttpOnly``, ``SameSite=Strict``
cookie. A reload, a new tab or a restarted server then open a session whose
``st.context.cookies`` holds the token, checked at every run
(:func:`cookie_session`). « Se déconnecter » revokes the name's tokens
everywhere and asks ``DELETE <base>/_opsn/session`` to clear the cookie.

Under ``streamlit run app.py`` (no routes), a sign-in lasts as long as its tab.
The upload guard (``ui.guard``) reads the same cookie to tell a signed-in
browser from a visitor.
"""

from __future__ import annotations

import json
import logging
import threading

import streamlit as st

from geo.access.session import COOKIE_NAME, FILE_NAME, Session, SessionBook, cookie_header
from geo.storage import data_dir

ROUTE = "_opsn/session"
"""Relative to the app's base path (``server.baseUrlPath``)."""
MAX_BODY = 1024
SECRET_KEY = "session_secret"
"""Optional key of ``[couverture_opsn]`` in secrets.toml: a secret of the administrator's
(changing it signs everybody out); without it, one is made and kept in the data directory."""

log = logging.getLogger("opsn.access")
_lock = threading.Lock()
_book: SessionBook | None = None


def book() -> SessionBook:
    """The process's session book (created on first use, from the data directory)."""
    global _book
    with _lock:
        if _book is None:
            _book = SessionBook(data_dir() / FILE_NAME, secret=_configured_secret())
        return _book


def _configured_secret() -> str | None:
    try:
        value = st.secrets.get("couverture_opsn", {}).get(SECRET_KEY)
    except Exception:  # no secrets.toml: a secret of our own
        return None
    return str(value) if value else None


def base_path() -> str:
    """``/`` or ``/base/``: where the app (and its cookie) lives."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/" if base else "/"


# ------------------------------------------------------------------ in a page run


def cookie_session() -> Session | None:
    """The session proved by this browser's cookie, as sent when the tab connected."""
    try:
        token = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # outside a page run (AppTest without a browser, warm-up)
        return None
    return book().check(token) if token else None


# ------------------------------------------------------------------ HTTP


def token_of(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The session cookie of a request's raw headers, if any (other cookies, however
    malformed, are skipped one by one)."""
    for name, value in headers:
        if name.lower() != b"cookie":
            continue
        for pair in value.decode("latin-1").split(";"):
            key, _, found = pair.strip().partition("=")
            if key == COOKIE_NAME:
                return found.strip().strip('"')
    return None


def _from_another_site(request) -> bool:
    """Sent by another site's page (the browser says so; proxies leave the header alone).

    Defence in depth only: setting the cookie needs the page's one-time ticket, and a
    ``SameSite=Strict`` cookie can be neither sent nor cleared from another site."""
    return request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none")


async def _session_route(request):
    from starlette.responses import Response

    if _from_another_site(request):
        return Response(status_code=403)
    secure = request.url.scheme == "https"
    if request.method == "DELETE":
        response = Response(status_code=204)
        response.headers["set-cookie"] = cookie_header("", 0, path=base_path(), secure=secure)
        return response
    try:
        size = int(request.headers.get("content-length", ""))
    except ValueError:
        size = -1
    if not 0 < size <= MAX_BODY:  # a ticket is a few dozen bytes: no large body is read
        return Response(status_code=413)
    try:
        ticket = json.loads(await request.body()).get("ticket")
    except (ValueError, AttributeError):
        ticket = None
    token = book().redeem(ticket)
    if token is None:
        return Response(status_code=403)
    session = book().check(token)
    max_age = int(session.expires - session.issued) if session else 0
    response = Response(status_code=204)
    response.headers["set-cookie"] = cookie_header(token, max_age, path=base_path(), secure=secure)
    response.headers["cache-control"] = "no-store"
    return response


def routes() -> list:
    """The ``st.App`` routes of the session cookie."""
    from starlette.routing import Route

    # Any prefix: the base path is only known once Streamlit's configuration is read.
    return [Route("/{base:path}" + ROUTE, _session_route, methods=["POST", "DELETE"])]
