"""Map benchmark: what a page costs the browser (weight, draw time, memory).

The naive baseline is every commune (34,875 polygons) through
``GeoDataFrame.explore()`` in one Folium page, with its CDN assets replaced by the
local Leaflet of ``geo.web_assets`` so that it draws offline. Each figure is the
median of ``--runs`` runs in headless Chromium, each run in a fresh browser context.

    python bench/bench_map.py --naive-only
    python bench/bench_map.py --app-url http://127.0.0.1:8501/   # app vs naive

``measure_page(browser, url)`` works for any page: it counts HTTP response bodies and
WebSocket frames received (Streamlit sends the map through its WebSocket), and finds
``path.leaflet-interactive`` in every frame (streamlit-folium draws in an iframe).
Needs matplotlib and mapclassify (required by ``explore()``) and /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import base64
import functools
import http.server
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.web_assets import LEAFLET_CSS, LEAFLET_JS, inline_html_assets  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MAP_PATHS = "path.leaflet-interactive"
# In the WebSocket message of the streamlit-folium element only: its script names
# the map "map_div" (streamlit_folium._get_map_string).
MAP_MARKER = b"map_div"
NAIVE_FILE = "naive_communes.html"
PLAIN_FILE = "naive_plain_communes.html"

# Runs inside each frame: the number of drawn paths and the epoch time in ms, taken in
# the second requestAnimationFrame callback, i.e. once the frame showing them is painted.
# A frame with no path answers at once, without waiting for a paint: Chromium does not
# run requestAnimationFrame in frames it does not render (an offscreen cross-origin
# iframe, such as the app's "copy link" button), and the evaluation would never end.
# ``null`` if a frame with paths has not painted within 3 s: counted at the next poll.
_COUNT_JS = f"""() => {{
    const count = () => document.querySelectorAll({MAP_PATHS!r}).length;
    if (count() === 0) return [0, performance.timeOrigin + performance.now()];
    return new Promise(resolve => {{
        const timer = setTimeout(() => resolve(null), 3000);
        requestAnimationFrame(() => requestAnimationFrame(() => {{
            clearTimeout(timer);
            resolve([count(), performance.timeOrigin + performance.now()]);
        }}));
    }});
}}"""


# --- the naive page --------------------------------------------------------------


def naive_page(path: Path, coloured: bool = True) -> Path:
    """Write all communes through ``GeoDataFrame.explore()`` as one HTML page.

    ``coloured``: each commune coloured by its coverage status (bundled data, default
    options), ``explore(column="statut")`` — the naive coverage map the issue compares
    with, where Folium writes one style case per commune; otherwise plain outlines.
    The page is standalone: Folium's CDN links are replaced by the local Leaflet,
    inlined (jQuery, Bootstrap and the font packs, unused by polygons, are dropped;
    so is explore's legend, which needs jQuery UI from a CDN).
    """
    from geo.analysis import analyse
    from geo.coverage import CoverageOptions
    from geo.inputs import bundled_inputs
    from geo.reference import load_reference

    reference = load_reference()
    # explore() puts every property in the tooltip; a second geometry column cannot
    # be serialised, so the generalised outline is dropped.
    communes = reference.communes.drop(columns=["geometry_generalisee"], errors="ignore")
    if coloured:
        analysis = analyse(reference, bundled_inputs(), CoverageOptions())
        # analyse() keeps the communes' row order.
        communes = communes.assign(statut=analysis.coverage["statut"].to_numpy())
        m = communes.explore(column="statut", tiles=None, legend=False)
    else:
        m = communes.explore(tiles=None)
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]
    html = inline_html_assets(m.get_root().render())
    path.write_text(html, encoding="utf-8")
    return path


@contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (free port) in a thread; yield the base URL."""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# --- measuring -------------------------------------------------------------------


def _proc_memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in kB, from /proc; (0, 0) if it has gone."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss = pss = int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def browser_memory(browser) -> dict[str, int]:
    """Memory of the browser's processes (bytes), by CDP ``SystemInfo.getProcessInfo``.

    ``renderer_rss``/``renderer_pss``: resident/proportional memory of the renderer
    processes (the pages; RSS counts Chromium's shared pages in full);
    ``browser_pss``: proportional set size of all processes (shared pages counted once).
    """
    session = browser.new_browser_cdp_session()
    try:
        processes = session.send("SystemInfo.getProcessInfo")["processInfo"]
    finally:
        session.detach()
    renderer_rss = renderer_pss = total_pss = 0
    for process in processes:
        rss, pss = _proc_memory_kb(int(process["id"]))
        total_pss += pss
        if process["type"] == "renderer":
            renderer_rss += rss
            renderer_pss += pss
    return {
        "renderer_rss": renderer_rss * 1024,
        "renderer_pss": renderer_pss * 1024,
        "browser_pss": total_pss * 1024,
    }


def _payload_size(payload: str | bytes) -> int:
    return len(payload.encode("utf-8")) if isinstance(payload, str) else len(payload)


def _wait_for_paths(
    page, url: str, expected_paths: int | None, settle_s: float, timeout_s: float
) -> tuple[int, float | None]:
    """Poll every frame until the path count is final; (count, epoch ms when drawn)."""
    deadline = time.monotonic() + timeout_s
    best_count, best_at_ms, stable_since = 0, None, None
    while time.monotonic() < deadline:
        count, at_ms, answered = 0, None, False
        for frame in page.frames:
            try:
                answer = frame.evaluate(_COUNT_JS)
            except Exception:  # frame not ready or detached during a rerun
                continue
            if answer is None:  # paths not painted yet
                continue
            answered = True
            if answer[0] > count:
                count, at_ms = answer
        if not answered:
            page.wait_for_timeout(50)
            continue
        now = time.monotonic()
        if count != best_count:
            best_count, best_at_ms, stable_since = count, at_ms, now
        if expected_paths is not None and best_count >= expected_paths:
            break
        if best_count > 0 and now - stable_since >= settle_s:
            break
        page.wait_for_timeout(50)
    else:
        raise TimeoutError(f"{url}: {best_count} paths drawn after {timeout_s:.0f} s")
    return best_count, best_at_ms


def measure_page(
    browser,
    url: str,
    *,
    expected_paths: int | None = None,
    settle_s: float = 1.5,
    timeout_s: float = 180.0,
    warmup: bool = False,
) -> dict[str, float]:
    """Load ``url`` in a fresh context and measure it once.

    Returns ``bytes`` (HTTP response bodies, decoded, + WebSocket frames received), ``paths``
    (drawn ``path.leaflet-interactive``, all frames), ``draw_s`` (from navigation
    start until the path count reached ``expected_paths`` or its final value, stable
    for ``settle_s``), ``js_heap`` (CDP JSHeapUsedSize), ``renderer_rss``,
    ``renderer_pss`` and ``browser_pss`` (bytes, see :func:`browser_memory`).

    ``transfer_bytes``: bytes that came over the network (``encodedDataLength`` of the
    HTTP responses, i.e. compressed and with headers, 0 for the browser cache, + the
    WebSocket frames). For a Streamlit page, also ``map_bytes`` (size of the first WebSocket frame that
    carries the map, i.e. the streamlit-folium element with its script), ``data_s``
    (navigation start → arrival of that frame, browser clock) and ``after_data_s``
    (arrival of that frame → paths drawn); 0 / NaN when there is no such frame.
    ``nav_epoch`` and ``drawn_epoch``: wall-clock times (s) of the navigation start and
    of the paint of the paths.

    ``warmup``: load ``url`` once in the same context first (the browser cache then
    holds Streamlit's JavaScript and Leaflet, as on a return visit); only the second
    load is measured.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        if warmup:
            page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
            _wait_for_paths(page, url, expected_paths, settle_s, timeout_s)
            page.goto("about:blank")
        body_bytes = [0]
        ws_bytes = [0]
        transfer_bytes = [0]
        handshakes: dict[str, tuple[float, float]] = {}
        map_frames: list[tuple[int, float]] = []  # (bytes, epoch s)

        def on_websocket(ws) -> None:
            def on_frame(payload: str | bytes) -> None:
                ws_bytes[0] += _payload_size(payload)

            ws.on("framereceived", on_frame)

        def on_data(event: dict) -> None:
            body_bytes[0] += int(event.get("dataLength", 0))

        def on_finished(event: dict) -> None:
            transfer_bytes[0] += int(event.get("encodedDataLength", 0))

        def on_handshake(event: dict) -> None:
            handshakes[event["requestId"]] = (event["timestamp"], event["wallTime"])

        def on_ws_frame(event: dict) -> None:
            response = event.get("response", {})
            data = response.get("payloadData", "")
            raw = base64.b64decode(data) if response.get("opcode") == 2 else data.encode()
            if MAP_MARKER in raw and event.get("requestId") in handshakes:
                ts, wall = handshakes[event["requestId"]]
                map_frames.append((len(raw), wall + event["timestamp"] - ts))

        page.on("websocket", on_websocket)
        cdp = context.new_cdp_session(page)
        # Counted as the data arrives: Chromium does not keep bodies over 10 MB, so
        # Response.body() cannot be used for the naive page.
        cdp.on("Network.dataReceived", on_data)
        cdp.on("Network.loadingFinished", on_finished)
        cdp.on("Network.webSocketWillSendHandshakeRequest", on_handshake)
        cdp.on("Network.webSocketFrameReceived", on_ws_frame)
        cdp.send("Network.enable")
        cdp.send("Performance.enable")

        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        origin_ms = page.evaluate("performance.timeOrigin")
        best_count, best_at_ms = _wait_for_paths(page, url, expected_paths, settle_s, timeout_s)

        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        memory = browser_memory(browser)
        drawn_ms = best_at_ms if best_at_ms else float("nan")
        map_bytes, data_ms = (
            (map_frames[0][0], map_frames[0][1] * 1000) if map_frames else (0, float("nan"))
        )
        return {
            "bytes": body_bytes[0] + ws_bytes[0],
            "transfer_bytes": transfer_bytes[0] + ws_bytes[0],
            "map_bytes": map_bytes,
            "paths": best_count,
            "draw_s": (drawn_ms - origin_ms) / 1000,
            "data_s": (data_ms - origin_ms) / 1000,
            "after_data_s": (drawn_ms - data_ms) / 1000,
            "js_heap": metrics.get("JSHeapUsedSize", 0),
            **memory,
            "nav_epoch": origin_ms / 1000,
            "drawn_epoch": drawn_ms / 1000,
        }
    finally:
        context.close()


def measure_many(launch: Callable[[], Any], url: str, runs: int, **kwargs: Any) -> dict[str, float]:
    """Median of each figure over ``runs`` runs of :func:`measure_page`.

    Each run gets a fresh browser from ``launch()`` (closed afterwards), so that the
    memory figures hold that page alone. ``draw_runs`` lists every run's draw time.
    """
    results = []
    for _ in range(runs):
        browser = launch()
        try:
            results.append(measure_page(browser, url, **kwargs))
        finally:
            browser.close()
    medians = {key: statistics.median(r[key] for r in results) for key in results[0]}
    medians["draw_runs"] = [r["draw_s"] for r in results]
    return medians


# --- the app -------------------------------------------------------------------

APP = ROOT / "app.py"
FLOOR_APP = ROOT / "bench" / "floor_app.py"
DEPARTMENTS = ("62", "38")
"""Department views measured in the browser: 62 has the most communes (887)."""
REGION = "44"
"""Region view visited before the server's memory is read: Grand Est, the most communes."""
THIRD_DEPARTMENT = "59"
"""Third department visited before the server's memory is read."""
MB = 1e6


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def view_url(base_url: str, level: str = "france", code: str = "") -> str:
    return base_url if level == "france" else f"{base_url}?vue={level}&code={code}"


@contextmanager
def app_server(log_path: Path, script: Path = APP) -> Iterator[tuple[str, subprocess.Popen, float]]:
    """``streamlit run <script>`` on a free port; yield (URL, process, wall-clock start).

    The process is stopped by its PID (SIGTERM, then SIGKILL after 10 s).
    """
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log_path.open("ab") as log:
        started = time.time()
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield f"http://127.0.0.1:{port}/", process, started
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def wait_ready(url: str, process: subprocess.Popen, timeout_s: float = 120.0) -> float:
    """Poll Streamlit's health endpoint; the wall-clock time when it first answers."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit s'est arrêté (code {process.returncode})")
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return time.time()
        except OSError:
            pass
        time.sleep(0.02)
    raise TimeoutError(f"{url} ne répond pas après {timeout_s:.0f} s")


def process_tree_rss(pid: int) -> int:
    """RSS (bytes) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _proc_memory_kb(current)[0] * 1024
        todo.extend(children.get(current, []))
    return total


def first_views(launch: Callable[[], Any], runs: int, log_path: Path) -> dict[str, Any]:
    """Start the server ``runs`` times; time until the national map is drawn.

    The browser is launched before the server (not counted); the page is opened as soon
    as the health endpoint answers. ``first_view_s``: from ``Popen`` to the paint of the
    map's paths; ``ready_s``: from ``Popen`` to the first answer of the health endpoint;
    ``map_data_s``: from ``Popen`` to the arrival of the map's WebSocket frame.
    """
    results = []
    for _ in range(runs):
        browser = launch()
        try:
            with app_server(log_path) as (url, process, started):
                ready = wait_ready(url, process)
                page = measure_page(browser, url)
                results.append(
                    {
                        "first_view_s": page["drawn_epoch"] - started,
                        "ready_s": ready - started,
                        "map_data_s": page["nav_epoch"] + page["data_s"] - started,
                    }
                )
        finally:
            browser.close()
    medians = {key: statistics.median(r[key] for r in results) for key in results[0]}
    medians["first_view_runs"] = [r["first_view_s"] for r in results]
    return medians


def floor_views(launch: Callable[[], Any], runs: int, log_path: Path) -> dict[str, dict]:
    """``bench/floor_app.py`` (one triangle through streamlit-folium) on a warm server.

    What Streamlit alone costs before any map is drawn: no page of this stack can draw
    sooner. ``plancher``: fresh browser; ``plancher_retour``: return visit.
    """
    with app_server(log_path, FLOOR_APP) as (url, process, _):
        wait_ready(url, process)
        browser = launch()
        try:
            measure_page(browser, url)
        finally:
            browser.close()
        return {
            "plancher": measure_many(launch, url, runs),
            "plancher_retour": measure_many(launch, url, runs, warmup=True),
        }


def warm_views(
    launch: Callable[[], Any], url: str, runs: int, process: subprocess.Popen | None
) -> dict[str, dict[str, Any]]:
    """The app on a warm server: national view (first and return visit), departments.

    A first, uncounted visit warms the server (reference data and national map in
    its caches). After the national view, two departments, a region and a third
    department, the server's RSS is read (``server_rss``, if its process is known).
    """
    browser = launch()
    try:
        measure_page(browser, url)
    finally:
        browser.close()
    results = {
        "app": measure_many(launch, url, runs),
        "app_retour": measure_many(launch, url, runs, warmup=True),
    }
    for code in DEPARTMENTS:
        results[f"dep_{code}"] = measure_many(launch, view_url(url, "departement", code), runs)
    results[f"region_{REGION}"] = measure_many(launch, view_url(url, "region", REGION), 1)
    measure_many(launch, view_url(url, "departement", THIRD_DEPARTMENT), 1)
    if process is not None:
        results["server"] = {"server_rss": process_tree_rss(process.pid)}
    return results


# --- server side: map payloads and reruns ----------------------------------------


def map_payloads() -> dict[str, dict[str, float]]:
    """What the app sends for each view's map, computed without a browser.

    ``geo.views.render_map`` as the app calls it, then
    ``folium_component.folium_component_args`` (the strings of the streamlit-folium
    component, computed once per view and cached by the app); ``bytes`` is the UTF-8
    size of the script, header and HTML. Also the server time of each step.
    """
    from folium_component import folium_component_args
    from geo.analysis import analyse
    from geo.coverage import CoverageOptions
    from geo.inputs import bundled_inputs
    from geo.reference import load_reference
    from geo.views import View, render_map
    from geo.web_assets import DEFAULT_ASSET_PREFIX

    reference = load_reference()
    inputs = bundled_inputs()
    analysis = analyse(reference, inputs, CoverageOptions())
    views = [
        View(),
        View("region", REGION),
        *(View("departement", code) for code in (*DEPARTMENTS, THIRD_DEPARTMENT, "974")),
        View("commune", "38185"),
    ]
    results = {}
    for view in views:
        started = time.perf_counter()
        m = render_map(reference, analysis, inputs, view, DEFAULT_ASSET_PREFIX)
        render_s = time.perf_counter() - started
        started = time.perf_counter()
        args = folium_component_args(m, key=view.key)
        args_s = time.perf_counter() - started
        results[view.key] = {
            "bytes": sum(len(args[part].encode("utf-8")) for part in ("script", "header", "html")),
            "render_s": render_s,
            "args_s": args_s,
        }
    return results


def control_changes(cycles: int) -> dict[str, Any]:
    """Server time of reruns after a control changes, with ``streamlit.testing``.

    ``AppTest`` runs app.py in this process (the script and Streamlit's messages, no
    browser, no network). After a first run (reference data loaded) and a plain rerun,
    each change is timed (``at.….run()``): rule, territory, EPCI option and the view
    (``session_state["view"]``, as a click on the map or the breadcrumb sets it).
    A change is ``uncached`` the first time its state is seen (analysis and map to
    compute), ``cached`` afterwards; ``cycles`` passes over the changes.
    """
    from streamlit.testing.v1 import AppTest

    from geo.views import FRANCE, View

    at = AppTest.from_file(str(APP), default_timeout=600)

    def run(action: Callable[[], Any]) -> float:
        started = time.perf_counter()
        action()
        elapsed = time.perf_counter() - started
        if at.exception:
            raise RuntimeError(f"app.py : {at.exception[0].value}")
        return elapsed

    def set_view(view: View) -> Callable[[], Any]:
        def action() -> Any:
            at.session_state["view"] = view
            return at.run()

        return action

    first_run = run(at.run)
    plain_rerun = run(at.run)
    changes = [
        ("règle", lambda: at.radio(key="rule").set_value("adhesion").run()),
        ("règle", lambda: at.radio(key="rule").set_value("perimetre").run()),
        ("territoire", lambda: at.radio(key="territory").set_value("metropole").run()),
        ("territoire", lambda: at.radio(key="territory").set_value("france").run()),
        ("EPCI", lambda: at.checkbox(key="epci_membership").uncheck().run()),
        ("EPCI", lambda: at.checkbox(key="epci_membership").check().run()),
        ("vue", set_view(View("departement", DEPARTMENTS[0]))),
        ("vue", set_view(View("region", REGION))),
        ("vue", set_view(FRANCE)),
    ]

    def state() -> tuple:
        s = at.session_state
        return (s["rule"], s["territory"], s["epci_membership"], s["view"])

    seen = {state()}
    uncached: list[tuple[str, float]] = []
    cached: list[tuple[str, float]] = []
    for _ in range(cycles):
        for kind, action in changes:
            elapsed = run(action)
            now = state()
            (cached if now in seen else uncached).append((kind, elapsed))
            seen.add(now)
    return {
        "first_run": first_run,
        "plain_rerun": plain_rerun,
        "uncached": uncached,
        "cached": cached,
    }


# --- printing --------------------------------------------------------------------


def _fr(value: float, decimals: int) -> str:
    """French number: narrow no-break space for thousands, comma for decimals."""
    if value != value:  # NaN
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def _mb(value: float) -> str:
    if value != value:
        return "–"
    return _fr(value / MB, 2 if value < 10 * MB else 1) + " Mo"


def _s(value: float) -> str:
    if value != value:
        return "–"
    return _fr(value, 2) + " s"


FIGURES: dict[str, tuple[str, Callable[[float], str]]] = {
    "bytes": ("Poids de la page (décodé)", _mb),
    "transfer_bytes": ("Octets transférés", _mb),
    "map_bytes": ("Trame WebSocket de la carte", _mb),
    "paths": ("Tracés dessinés", lambda v: _fr(v, 0)),
    "draw_s": ("Temps jusqu'au dessin", _s),
    "data_s": ("Arrivée des données de la carte", _s),
    "after_data_s": ("Données de la carte → dessin", _s),
    "js_heap": ("Tas JavaScript utilisé", lambda v: _fr(v / MB, 0) + " Mo"),
    "renderer_rss": ("Mémoire des onglets (RSS)", lambda v: _fr(v / MB, 0) + " Mo"),
    "renderer_pss": ("Mémoire des onglets (PSS)", lambda v: _fr(v / MB, 0) + " Mo"),
    "browser_pss": ("Mémoire du navigateur (PSS)", lambda v: _fr(v / MB, 0) + " Mo"),
}


def _print_rows(rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def print_table(results: dict[str, dict[str, Any]], runs: int) -> None:
    """One column per page; a ratio column app/naïve when both are present."""
    names = [name for name in results if "draw_runs" in results[name]]
    ratio = "app" in results and "naive" in results
    header = ["Mesure (médiane de " + str(runs) + ")", *names] + (["app / naïve"] if ratio else [])
    rows = [header]
    for key, (label, fmt) in FIGURES.items():
        row = [label, *(fmt(results[name].get(key, float("nan"))) for name in names)]
        if ratio:
            naive = results["naive"].get(key, 0)
            row.append(_fr(results["app"][key] / naive, 3) if naive else "–")
        rows.append(row)
    _print_rows(rows)
    for name in names:
        draws = ", ".join(_fr(v, 2) for v in results[name].get("draw_runs", []))
        print(f"Temps de dessin de chaque mesure ({name}) : {draws} s")


def print_payloads(payloads: dict[str, dict[str, float]]) -> None:
    rows = [["Vue (calcul côté serveur, une fois par vue)", "Charge utile", "Carte", "Composant"]]
    for key, p in payloads.items():
        rows.append([key, _mb(p["bytes"]), _s(p["render_s"]), _s(p["args_s"])])
    _print_rows(rows)


def print_changes(changes: dict[str, Any]) -> None:
    print(
        f"Premier passage du script (données chargées) : {_s(changes['first_run'])} ; "
        f"nouveau passage sans changement : {_s(changes['plain_rerun'])}"
    )
    for name in ("uncached", "cached"):
        label = "première fois" if name == "uncached" else "déjà calculé"
        samples = changes[name]
        detail = ", ".join(f"{kind} {_s(v)}" for kind, v in samples)
        print(f"Changements ({label}, {len(samples)}) : {detail}")


def _ratio(naive: float, app: float) -> float:
    return naive / app if app and app == app and naive == naive else float("nan")


def summary(
    results: dict[str, dict[str, Any]],
    payloads: dict[str, dict[str, float]] | None,
    changes: dict[str, Any] | None,
    starts: dict[str, Any] | None,
) -> list[list[str]]:
    """Rows: figure, app, naive, ratio (naive ÷ app), target, verdict."""
    nan = float("nan")
    naive = results.get("naive", {})
    app = results.get("app", {})
    rows = [["Mesure (médianes)", "App", "Naïve", "Rapport", "Cible", "Verdict"]]

    def row(label, value, fmt, naive_value=nan, target="", ok=None) -> None:
        ratio = _ratio(naive_value, value)
        verdict = "info" if ok is None else ("PASS" if ok else "FAIL")
        if value != value:
            verdict = "non mesuré"
        rows.append(
            [label, fmt(value), fmt(naive_value), _fr(ratio, 1) + "×" if ratio == ratio else "–",
             target, verdict]
        )  # fmt: skip

    def weight(label, value) -> None:
        ratio = _ratio(naive.get("bytes", nan), value)
        ok = value <= 1.5 * MB and (ratio != ratio or ratio >= 30)
        row(label, value, _mb, naive.get("bytes", nan), "≤ 1,5 Mo, ≥ 30×", ok)

    weight("Carte nationale : trame WebSocket de la carte", app.get("map_bytes", nan))
    if payloads:
        weight("Carte nationale : charge utile calculée", payloads["france:"]["bytes"])
    row("Page nationale entière, 1re visite", app.get("bytes", nan), _mb, naive.get("bytes", nan))
    retour = results.get("app_retour", {})
    row(
        "Page nationale, visite de retour (transféré)",
        retour.get("transfer_bytes", nan), _mb, naive.get("transfer_bytes", nan),
    )  # fmt: skip
    floor = results.get("plancher", {})
    floor_retour = results.get("plancher_retour", {})
    for label, value in (
        ("Dessin national depuis la navigation (1re visite)", app.get("draw_s", nan)),
        ("Dessin national, visite de retour", retour.get("draw_s", nan)),
        ("Dessin national depuis l'arrivée de la carte", app.get("after_data_s", nan)),
    ):
        ratio = _ratio(naive.get("draw_s", nan), value)
        row(label, value, _s, naive.get("draw_s", nan), "≥ 10×", ratio >= 10)
    for label, value in (
        ("Plancher Streamlit (1 triangle), 1re visite", floor.get("draw_s", nan)),
        ("Plancher Streamlit (1 triangle), retour", floor_retour.get("draw_s", nan)),
    ):
        row(label, value, _s, naive.get("draw_s", nan))
    plain = results.get("naive_sans_couleur", {})
    row(
        "Page naïve sans couleur (contours seuls)",
        plain.get("draw_s", nan), _s, naive.get("draw_s", nan),
    )  # fmt: skip
    for code in DEPARTMENTS:
        value = results.get(f"dep_{code}", {}).get("map_bytes", nan)
        row(f"Département {code} : trame de la carte", value, _mb, nan, "≤ 1 Mo", value <= MB)
        if payloads:
            value = payloads[f"departement:{code}"]["bytes"]
            row(
                f"Département {code} : charge utile calculée",
                value,
                _mb,
                nan,
                "≤ 1 Mo",
                value <= MB,
            )
    if changes:
        cached = statistics.median(v for _, v in changes["cached"])
        uncached = statistics.median(v for _, v in changes["uncached"])
        row("Changement d'un contrôle (déjà calculé)", cached, _s, nan, "≤ 0,5 s", cached <= 0.5)
        row("Changement d'un contrôle (première fois)", uncached, _s)
    value = starts["first_view_s"] if starts else nan
    row("Première vue après démarrage du serveur", value, _s, nan, "≤ 8 s", value <= 8)
    value = results.get("server", {}).get("server_rss", nan)
    row("Mémoire du serveur (RSS)", value, _mb, nan, "≤ 700 Mo", value <= 700 * MB)
    row(
        "Mémoire de l'onglet (PSS)",
        app.get("renderer_pss", nan),
        _mb,
        naive.get("renderer_pss", nan),
    )
    row("Tas JavaScript", app.get("js_heap", nan), _mb, naive.get("js_heap", nan))
    return rows


def launch_browser(playwright):
    if not Path(CHROMIUM).is_file():
        sys.exit(f"Chromium introuvable ({CHROMIUM}) : apt-get install -y chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Banc d'essai des cartes (poids, dessin, mémoire)."
    )
    parser.add_argument("--runs", type=int, default=3, help="nombre de mesures (médiane)")
    parser.add_argument("--naive-only", action="store_true", help="mesurer la page naïve seule")
    parser.add_argument(
        "--app-url",
        help="URL d'une application déjà lancée (sinon le banc lance app.py lui-même ; "
        "démarrage à froid et mémoire du serveur ne sont alors pas mesurés)",
    )
    parser.add_argument("--keep", type=Path, help="conserver la page naïve dans ce fichier")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, Any]] = {}
    payloads = changes = starts = None
    with tempfile.TemporaryDirectory(prefix="bench_map_") as tmp, sync_playwright() as pw:
        launch = functools.partial(launch_browser, pw)
        started = time.perf_counter()
        page_path = naive_page(Path(tmp) / NAIVE_FILE)
        size = page_path.stat().st_size
        print(
            f"Page naïve : {_fr(size / 1e6, 1)} Mo écrits en "
            f"{_fr(time.perf_counter() - started, 1)} s",
            flush=True,
        )
        if args.keep:
            args.keep.write_bytes(page_path.read_bytes())
        naive_page(Path(tmp) / PLAIN_FILE, coloured=False)
        with serve_directory(Path(tmp)) as base_url:
            results["naive"] = measure_many(launch, base_url + NAIVE_FILE, args.runs)
            results["naive_sans_couleur"] = measure_many(launch, base_url + PLAIN_FILE, args.runs)
        if not args.naive_only:
            log_path = Path(tmp) / "streamlit.log"
            if args.app_url:
                url = args.app_url.rstrip("/") + "/"
                results.update(warm_views(launch, url, args.runs, None))
            else:
                print("Démarrages à froid de l'application…", flush=True)
                starts = first_views(launch, args.runs, log_path)
                print("Application sur un serveur chaud…", flush=True)
                with app_server(log_path) as (url, process, _):
                    wait_ready(url, process)
                    results.update(warm_views(launch, url, args.runs, process))
            print("Plancher : la plus petite page Streamlit avec une carte…", flush=True)
            results.update(floor_views(launch, args.runs, log_path))
            print("Charges utiles calculées et changements de contrôle…", flush=True)
            # Streamlit outside a server warns at every element ("missing
            # ScriptRunContext"); its logger level is read from the config when parsed.
            os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
            from streamlit.logger import set_log_level

            set_log_level("error")
            payloads = map_payloads()
            changes = control_changes(args.runs)
    print()
    print_table(results, args.runs)
    if payloads:
        print()
        print_payloads(payloads)
    if changes:
        print()
        print_changes(changes)
    if starts:
        runs = ", ".join(_s(v) for v in starts["first_view_runs"])
        print(
            f"Premières vues après démarrage : {runs} "
            f"(médianes : serveur prêt après {_s(starts['ready_s'])}, données de la carte "
            f"reçues après {_s(starts['map_data_s'])})"
        )
    print()
    _print_rows(summary(results, payloads, changes, starts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
