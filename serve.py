"""Couverture OPSN for real visitors: ``python serve.py`` (http://localhost:8501).

The same app as ``streamlit run app.py`` (``st.App`` runs ``app.py`` for every
visitor), made to paint its map sooner:

- its caches are warmed as soon as the server starts (``ui.warmup``): reference
  data, the national view and the region views are ready before the first
  visitor arrives, instead of being computed while they wait;
- its pages name the code and files the map needs, and Streamlit's front-end
  files are answered from memory (``ui.serving``);
- it is served by uvicorn on a socket that uvicorn opens itself. Streamlit's own
  launcher (``streamlit run``) binds a socket whose connections keep Nagle's
  algorithm on: every small answer after the first on a connection (most of
  Streamlit's hundred JavaScript files, the WebSocket's messages) then waits for
  the browser's delayed acknowledgement, 40 ms each (measured: 44 ms for a 12 kB
  file against 0.3 ms here).

It is also the app made safe to put on the internet (``ui.guard``): security
headers on every answer, Streamlit's metrics kept private, uploads accepted from
signed-in browsers only, within caps, and dropped when unused; and the route that
keeps a person signed in across reloads, tabs and restarts (``ui.sessions``).

``streamlit run serve.py`` works too (all of the above but the socket).
Options: ``--port`` and ``--address``, by default Streamlit's ``server.port``
and ``server.address`` (``.streamlit/config.toml``, ``STREAMLIT_SERVER_PORT``…).
``OPSN_WARMUP=0`` switches the warm-up off, ``OPSN_PRELOAD=0`` the preloads;
``OPSN_FRAME_ANCESTORS`` and ``OPSN_IGN_TILES``: see ``ui.guard``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from ui import sessions, warmup
from ui.guard import GuardMiddleware
from ui.serving import PreloadMiddleware, run
from ui.shell import french_index


@asynccontextmanager
async def lifespan(_app: st.App) -> AsyncIterator[None]:
    warmup.start()
    yield


preload = os.environ.get("OPSN_PRELOAD", "1") != "0"
app = st.App(
    Path(__file__).with_name("app.py"),
    lifespan=lifespan,
    routes=sessions.routes(),
    middleware=[
        Middleware(GuardMiddleware, page_rewrite=french_index),
        *([Middleware(PreloadMiddleware)] if preload else []),
    ],
)


if __name__ == "__main__":
    run(app)
