"""Caches warmed before the first visitors: the very cached values the page then uses."""

from __future__ import annotations

import asyncio
import dataclasses
import threading

import streamlit as st

from ui import warmup


def test_serve_starts_the_warm_up_with_the_server(monkeypatch):
    import serve

    started = []
    monkeypatch.setattr(warmup, "start", lambda: started.append(True) or True)

    async def run() -> None:
        async with serve.lifespan(serve.app):
            assert started == [True]

    # A thread of its own: the browser tests' Playwright may run an event loop here.
    errors: list[BaseException] = []
    thread = threading.Thread(target=lambda: _capture(errors, lambda: asyncio.run(run())))
    thread.start()
    thread.join()
    assert not errors, errors
    assert isinstance(serve.app, st.App)
    assert serve.app.script_path.name == "app.py"


def _capture(errors: list[BaseException], action) -> None:
    try:
        action()
    except BaseException as error:  # re-raised by the test's assertion
        errors.append(error)


def test_warm_up_fills_the_caches_the_page_reads(monkeypatch):
    from geo.core.coverage import CoverageOptions
    from geo.core.views import FRANCE, View
    from ui import resources

    monkeypatch.setattr(warmup, "OPTION_VARIANTS", ({}, {"territory": "metropole"}))
    warmup.warm()
    assert {"reference", "map_files", "analysis", "national", "regions", "options"} <= set(
        warmup.timings
    )
    inputs = warmup.latest_data()
    # Cached: the page gets the very objects the warm-up computed.
    default = CoverageOptions()
    spec = resources.map_spec_for(inputs, default, FRANCE, False)
    assert spec is resources.map_spec_for(inputs, default, FRANCE, False)
    brittany = View("region", "53")
    region = resources.map_spec_for(inputs, default, brittany, False)
    assert region["view"] == "region:53"
    facts = resources.facts_for(inputs, default, brittany)
    assert facts is resources.facts_for(inputs, default, brittany)
    metropole = CoverageOptions(territory="metropole")
    assert resources.analysis_for(inputs, metropole).options == metropole
    # Named by content: the same data read again (another object) is the same cache entry.
    again = dataclasses.replace(inputs, memberships=inputs.memberships.copy())
    assert again is not inputs and resources.analysis_for(again, default) is resources.analysis_for(
        inputs, default
    )


def test_warm_up_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("OPSN_WARMUP", "0")
    monkeypatch.setattr(warmup, "_thread", None)
    assert warmup.start() is False
    assert warmup.wait(0)
