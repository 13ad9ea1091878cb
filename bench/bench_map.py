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
import functools
import http.server
import os
import statistics
import sys
import tempfile
import threading
import time
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
NAIVE_FILE = "naive_communes.html"

# Runs inside each frame: the number of drawn paths and the epoch time in ms, taken in
# the second requestAnimationFrame callback, i.e. once the frame showing them is painted.
_COUNT_JS = f"""() => new Promise(resolve => requestAnimationFrame(() =>
    requestAnimationFrame(() => resolve([
        document.querySelectorAll({MAP_PATHS!r}).length,
        performance.timeOrigin + performance.now(),
    ]))))"""


# --- the naive page --------------------------------------------------------------


def naive_page(path: Path) -> Path:
    """Write all communes through ``GeoDataFrame.explore()`` as one HTML page.

    The page is standalone: Folium's CDN links are replaced by the local Leaflet,
    inlined (jQuery, Bootstrap and the font packs, unused by polygons, are dropped).
    """
    from geo.reference import load_communes

    communes = load_communes()
    # explore() puts every property in the tooltip; a second geometry column cannot
    # be serialised, so the generalised outline is dropped.
    communes = communes.drop(columns=["geometry_generalisee"], errors="ignore")
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


def measure_page(
    browser,
    url: str,
    *,
    expected_paths: int | None = None,
    settle_s: float = 1.5,
    timeout_s: float = 180.0,
) -> dict[str, float]:
    """Load ``url`` in a fresh context and measure it once.

    Returns ``bytes`` (HTTP response bodies, decoded, + WebSocket frames received), ``paths``
    (drawn ``path.leaflet-interactive``, all frames), ``draw_s`` (from navigation
    start until the path count reached ``expected_paths`` or its final value, stable
    for ``settle_s``), ``js_heap`` (CDP JSHeapUsedSize), ``renderer_rss``,
    ``renderer_pss`` and ``browser_pss`` (bytes, see :func:`browser_memory`).
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        body_bytes = [0]
        ws_bytes = [0]

        def on_websocket(ws) -> None:
            def on_frame(payload: str | bytes) -> None:
                ws_bytes[0] += _payload_size(payload)

            ws.on("framereceived", on_frame)

        def on_data(event: dict) -> None:
            body_bytes[0] += int(event.get("dataLength", 0))

        page.on("websocket", on_websocket)
        cdp = context.new_cdp_session(page)
        # Counted as the data arrives: Chromium does not keep bodies over 10 MB, so
        # Response.body() cannot be used for the naive page.
        cdp.on("Network.dataReceived", on_data)
        cdp.send("Network.enable")
        cdp.send("Performance.enable")

        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        origin_ms = page.evaluate("performance.timeOrigin")
        deadline = time.monotonic() + timeout_s
        best_count, best_at_ms, stable_since = 0, None, None
        while time.monotonic() < deadline:
            count, at_ms = 0, None
            for frame in page.frames:
                try:
                    frame_count, frame_ms = frame.evaluate(_COUNT_JS)
                except Exception:  # frame not ready or detached during a rerun
                    continue
                if frame_count > count:
                    count, at_ms = frame_count, frame_ms
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

        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        memory = browser_memory(browser)
        return {
            "bytes": body_bytes[0] + ws_bytes[0],
            "paths": best_count,
            "draw_s": (best_at_ms - origin_ms) / 1000 if best_at_ms else float("nan"),
            "js_heap": metrics.get("JSHeapUsedSize", 0),
            **memory,
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


# --- printing --------------------------------------------------------------------

FIGURES: dict[str, tuple[str, Callable[[float], str]]] = {
    "bytes": ("Poids de la page", lambda v: _fr(v / 1e6, 1) + " Mo"),
    "paths": ("Tracés dessinés", lambda v: _fr(v, 0)),
    "draw_s": ("Temps jusqu'au dessin", lambda v: _fr(v, 2) + " s"),
    "js_heap": ("Tas JavaScript utilisé", lambda v: _fr(v / 1e6, 0) + " Mo"),
    "renderer_rss": ("Mémoire des onglets (RSS)", lambda v: _fr(v / 1e6, 0) + " Mo"),
    "renderer_pss": ("Mémoire des onglets (PSS)", lambda v: _fr(v / 1e6, 0) + " Mo"),
    "browser_pss": ("Mémoire du navigateur (PSS)", lambda v: _fr(v / 1e6, 0) + " Mo"),
}


def _fr(value: float, decimals: int) -> str:
    """French number: narrow no-break space for thousands, comma for decimals."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def print_table(results: dict[str, dict[str, Any]], runs: int) -> None:
    """One column per page; a ratio column app/naïve when both are present."""
    names = list(results)
    ratio = "app" in results and "naive" in results
    header = ["Mesure (médiane de " + str(runs) + ")", *names] + (["app / naïve"] if ratio else [])
    rows = [header]
    for key, (label, fmt) in FIGURES.items():
        row = [label, *(fmt(results[name][key]) for name in names)]
        if ratio:
            naive = results["naive"][key]
            row.append(_fr(results["app"][key] / naive, 3) if naive else "–")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    for name in names:
        draws = ", ".join(_fr(v, 2) for v in results[name].get("draw_runs", []))
        print(f"Temps de dessin de chaque mesure ({name}) : {draws} s")


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
    parser.add_argument("--app-url", help="URL de l'application déjà lancée, à comparer")
    parser.add_argument("--keep", type=Path, help="conserver la page naïve dans ce fichier")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, Any]] = {}
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
        with serve_directory(Path(tmp)) as base_url:
            results["naive"] = measure_many(launch, base_url + NAIVE_FILE, args.runs)
        if args.app_url and not args.naive_only:
            results["app"] = measure_many(launch, args.app_url, args.runs)
    print_table(results, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
