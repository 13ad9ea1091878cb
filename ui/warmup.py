"""Warm what the first visitors need, in the background, once per server process.

A cold server makes its first visitors wait for the reference data, the coverage
analysis and the map of the view they open. :func:`start` computes them in a
background thread through the very cached functions the page calls
(``ui.resources``), so that a visitor arriving meanwhile waits at most for what
is still being computed, never twice. ``serve.py`` starts it with the server;
the page starts it too (a no-op once started), for ``streamlit run app.py``.
Past the national view, it steps aside whenever browsers are being served
(``ui.serving`` notes their requests): only one Python thread runs at a time, so a
warm-up step would otherwise delay the page of whoever is arriving.
Set ``OPSN_WARMUP=0`` to switch it off. Streamlit logs « missing ScriptRunContext »
a few times (three, measured) from this thread: expected, it is not a page run.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from geo.core.rules import Rule, Territory

_MEMBERS, _MAINLAND = Rule.ADHESION, Territory.METROPOLE
OPTION_VARIANTS = (
    {},
    {"territory": _MAINLAND},
    {"rule": _MEMBERS},
    {"epci_membership": False},
    {"rule": _MEMBERS, "territory": _MAINLAND},
    {"territory": _MAINLAND, "epci_membership": False},
    {"rule": _MEMBERS, "epci_membership": False},
    {"rule": _MEMBERS, "territory": _MAINLAND, "epci_membership": False},
)
"""Default options first, then one control changed, then two, then three."""

PAUSE_S = 0.05
"""Pause between two warmed views: the Python interpreter runs one thread at a time."""
QUIET_S = 1.5
"""After the first view, each further step waits until browsers have been quiet this long
(``ui.serving`` notes their requests under ``serve.py``)..."""
MAX_WAIT_S = 5.0
"""...but no longer than this, so that a busy server still gets warm."""

_lock = threading.Lock()
_thread: threading.Thread | None = None
log = logging.getLogger("opsn.warmup")
timings: dict[str, float] = {}
"""Seconds each step took (for the benchmark and the log)."""


def latest_data():
    """The inputs of the latest saved version, as ``ui.data.data_in_use`` gives them
    to a visitor with no version in the URL and no what-if."""
    from ui import data

    _version, inputs = data.version_inputs(data.store().latest().number)
    return inputs


def warm() -> None:
    """Compute, in order: reference data, map files, the national view (analysis, map,
    headline and side panel), search, the region views, then the national view under
    each other set of options: what visitors with no version in their link see."""
    started = time.perf_counter()
    # Imported here: the server answers its first requests while this thread imports.
    from geo.core.coverage import CoverageOptions
    from geo.core.views import FRANCE, Level, View
    from ui import resources, serving

    timings["imports"] = time.perf_counter() - started
    variants = [CoverageOptions(**options) for options in OPTION_VARIANTS]

    def step(name: str, action) -> None:
        begin = time.perf_counter()
        action()
        timings[name] = time.perf_counter() - begin

    def yield_to_visitors() -> None:
        """Python runs one thread at a time: a visitor's page must not wait behind this one."""
        time.sleep(PAUSE_S)
        waited = 0.0
        while serving.quiet_for() < QUIET_S and waited < MAX_WAIT_S:
            time.sleep(0.1)
            waited += 0.1

    step("reference", resources.reference_data)
    inputs = latest_data()
    step("map_files", resources.map_assets)
    default = variants[0]

    def view(options, where) -> None:
        resources.map_spec_for(inputs, options, where, False)
        resources.facts_for(inputs, options, where)

    step("analysis", lambda: resources.analysis_for(inputs, default))
    step("national", lambda: view(default, FRANCE))
    yield_to_visitors()
    step("search", resources.search_index)
    regions = resources.reference_data().regions["code"]

    def region_views() -> None:
        for code in regions:
            yield_to_visitors()
            view(default, View(Level.REGION, code))

    step("regions", region_views)

    def other_options() -> None:
        for options in variants[1:]:
            yield_to_visitors()
            resources.analysis_for(inputs, options)
            view(options, FRANCE)

    step("options", other_options)
    timings["total"] = time.perf_counter() - started
    log.info("caches warmed in %.1f s: %s", timings["total"], timings)


def _run() -> None:
    # Not niced: a thread that holds Python's lock while the system leaves it waiting
    # (a low priority on a busy machine) stalls every other thread of the server.
    try:
        warm()
    except Exception:  # a failed warm-up only costs the first visitor some time
        log.exception("cache warm-up failed")


def start() -> bool:
    """Start the warm-up thread if it has not started in this process; True if it did."""
    global _thread
    if os.environ.get("OPSN_WARMUP", "1") == "0":
        return False
    with _lock:
        if _thread is not None:
            return False
        _thread = threading.Thread(target=_run, name="opsn-warmup", daemon=True)
        _thread.start()
        return True


def wait(timeout: float | None = None) -> bool:
    """Wait for the warm-up to end (tests, benchmarks); False if it is still running."""
    thread = _thread
    if thread is None:
        return True
    thread.join(timeout)
    return not thread.is_alive()
