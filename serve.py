"""Couverture OPSN for real visitors: ``streamlit run serve.py``.

The same app as ``streamlit run app.py`` (``st.App`` runs ``app.py`` for every
visitor), whose caches are warmed as soon as the server starts (``ui.warmup``):
reference data, the national view and the region views are ready before the
first visitor arrives, instead of being computed while they wait.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st

from ui import warmup


@asynccontextmanager
async def lifespan(_app: st.App) -> AsyncIterator[None]:
    warmup.start()
    yield


app = st.App(Path(__file__).with_name("app.py"), lifespan=lifespan)
