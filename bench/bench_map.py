"""Map benchmark (issue 10): each view painted against Streamlit's own floor, same run.

Everything is measured in headless Chromium (``/usr/bin/chromium`` or ``$CHROMIUM``)
against servers this script starts and stops by their PID:

- **the floor**: ``bench/floor_app.py``, a Streamlit page with a title alone, timed
  from navigation start to the paint of its title (fresh browser context);
- **the naive page**: every commune through ``GeoDataFrame.explore(column="statut")``
  (31 MB), timed to the paint of its paths: the map written without care;
- **the app** (``serve.py``: ``app.py`` with its caches warmed at start), timed to
  the paint of the map element (it stamps ``data-painted-at`` on ``.opsn-map``
  once the frame showing the view is on screen).

Each row of the issue's table is printed with the issue's "today" figure, the
target, the median of ``--runs`` measures, and PASS/FAIL:

    python bench/bench_map.py --runs 3            # about 10 minutes
    python bench/bench_map.py --runs 3 --no-naive # without the 31 MB naive page
    python bench/bench_map.py --visitors 20       # the load row (default 20)

Timings depend on the machine's load: the browser and the servers share its cores.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
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

from geo.core.rules import Rule  # noqa: E402
from geo.maps.web_assets import LEAFLET_CSS, LEAFLET_JS, inline_html_assets  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
APP = ROOT / "serve.py"
FLOOR_APP = ROOT / "bench" / "floor_app.py"
MAP_ONLY_APP = ROOT / "bench" / "map_only_app.py"
SERVED_PAGE = ROOT / "bench" / "served_page.py"
TITLE = "Couverture OPSN"
MB = 1e6

# Views opened by permalink, never opened before on the server: one per run.
REGIONS = ("44", "76", "84", "75", "32", "27", "28")
DEPARTMENTS = ("62", "33", "13", "59", "67", "31", "35")
COMMUNES = ("38185", "29019", "33063", "59350", "13055", "67482", "31555")
CLICKED = ("45", "18", "36", "21", "63", "87", "03")
"""Departments clicked on the national map (compact: their label lies inside)."""
HOVER_MS = 300
"""How long the pointer rests on a department before the click (a user reads its tooltip)."""
REGION_PAYLOAD = "44"
"""Grand Est: the most communes."""


# --- French numbers ----------------------------------------------------------------


def _fr(value: float, decimals: int) -> str:
    if value != value:  # NaN
        return "–"
    return f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")


def _s(value: float) -> str:
    return "–" if value != value else _fr(value, 2) + " s"


def _mb(value: float) -> str:
    return "–" if value != value else _fr(value / MB, 2) + " Mo"


def _x(value: float) -> str:
    return "–" if value != value else _fr(value, 2) + " ×"


def median(values: list[float]) -> float:
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


# --- servers -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(
    script: Path, log_path: Path, *, served: bool = False
) -> Iterator[tuple[str, subprocess.Popen, float]]:
    """A server for ``script`` on a free port; (URL, process, wall-clock launch time).

    The app (``serve.py``) is started as the README says, ``python serve.py``
    (``BENCH_LAUNCHER=streamlit``: ``streamlit run serve.py``, for comparison);
    another page with ``served``, the same way (``bench/served_page.py``: uvicorn
    and ``ui.serving``'s middleware, no warm-up); otherwise ``streamlit run``.

    Stopped by its PID (SIGTERM, then SIGKILL after 10 s).
    """
    port = free_port()
    where = ["--port", str(port), "--address", "127.0.0.1"]
    if script == APP and os.environ.get("BENCH_LAUNCHER", "python") == "python":
        command = [sys.executable, str(script), *where]
    elif served:
        command = [sys.executable, str(SERVED_PAGE), str(script), *where]
    else:
        command = [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.headless", "true", "--server.address", "127.0.0.1",
            "--server.port", str(port), "--server.fileWatcherType", "none",
        ]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with log_path.open("ab") as log:
        started = time.time()
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
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
    """Poll the health endpoint; wall-clock time of its first answer."""
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


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree_rss(pid: int) -> int:
    """RSS (bytes) of a process and its descendants, from /proc."""
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
        total += _rss_kb(current) * 1024
        todo.extend(children.get(current, []))
    return total


class MemorySampler:
    """The peak RSS of a process tree, sampled every ``period`` seconds in a thread."""

    def __init__(self, pid: int, period: float = 0.2) -> None:
        self.pid, self.period, self.peak = pid, period, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, process_tree_rss(self.pid))
            self._stop.wait(self.period)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, process_tree_rss(self.pid))


# --- the browser -------------------------------------------------------------------

# Time of the paint of the floor's title: the frame after the one that shows it.
_TITLE_PAINT = """
(() => {
  const seen = () => [...document.querySelectorAll("h1")].some(h => h.textContent.includes(TITLE));
  const stamp = () => requestAnimationFrame(() => requestAnimationFrame(() => {
    window.__titlePaintedAt = performance.timeOrigin + performance.now();
  }));
  const watch = () => {
    if (seen()) return stamp();
    const observer = new MutationObserver(() => { if (seen()) { observer.disconnect(); stamp(); } });
    observer.observe(document.documentElement, {childList: true, subtree: true, characterData: true});
  };
  if (document.documentElement) watch(); else document.addEventListener("DOMContentLoaded", watch);
})();
""".replace("TITLE", json.dumps(TITLE))

# Time of the last pointer press in the page (a click's start), epoch ms.
_POINTER = """
document.addEventListener("pointerdown", () => {
  window.__pointerAt = performance.timeOrigin + performance.now();
}, true);
"""

MAP_STATE = """e => ({
  state: e.dataset.state, view: e.dataset.view, drawn: e.opsnMap && e.opsnMap.drawnView,
  painted: Number(e.dataset.paintedAt || 0), revision: Number(e.dataset.revision || 0),
  origin: performance.timeOrigin,
  update: (performance.getEntriesByName("opsn-map:update").slice(-1)[0] || {}).startTime,
})"""


def launch_browser(playwright):
    if not Path(CHROMIUM).is_file():
        sys.exit(f"Chromium introuvable ({CHROMIUM}) : apt-get install -y chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)


class Visit:
    """A page in a fresh browser context, counting what it receives.

    ``ws_bytes``: WebSocket frames received; ``http``: decoded HTTP body bytes by
    kind (``mapdata`` geometry files, ``leaflet``, ``other``); ``errors``: page
    errors and console errors.
    """

    def __init__(self, browser, *, init_scripts: tuple[str, ...] = ()) -> None:
        self.context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
        for script in init_scripts:
            self.context.add_init_script(script)
        self.page = self.context.new_page()
        self.ws_bytes = 0
        self.http: dict[str, int] = {"mapdata": 0, "leaflet": 0, "other": 0}
        self.errors: list[str] = []
        self._urls: dict[str, str] = {}
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )

        def on_socket(ws) -> None:
            ws.on("framereceived", lambda payload: self._frame(payload))

        self.page.on("websocket", on_socket)
        cdp = self.context.new_cdp_session(self.page)
        cdp.on("Network.requestWillBeSent", self._request)
        cdp.on("Network.dataReceived", self._data)
        cdp.send("Network.enable")

    def _frame(self, payload: str | bytes) -> None:
        self.ws_bytes += len(payload.encode() if isinstance(payload, str) else payload)

    def _request(self, event: dict) -> None:
        self._urls[event["requestId"]] = event["request"]["url"]

    def _data(self, event: dict) -> None:
        url = self._urls.get(event["requestId"], "")
        kind = "mapdata" if "/mapdata/" in url else "leaflet" if "/leaflet-" in url else "other"
        self.http[kind] += int(event.get("dataLength", 0))

    def map_state(self) -> dict | None:
        try:
            return self.page.locator(".opsn-map").evaluate(MAP_STATE, timeout=2000)
        except Exception:  # not on the page yet
            return None

    def wait_map(self, view: str, *, after_revision: int = -1, timeout_s: float = 120.0) -> dict:
        """The map's state once it has painted ``view`` (with a revision above the one given)."""
        deadline = time.monotonic() + timeout_s
        state = None
        while time.monotonic() < deadline:
            state = self.map_state()
            if state and state["state"] == "error":
                message = self.page.locator(".opsn-map-message").inner_text()
                raise RuntimeError(f"la carte signale une erreur : {message} ({state})")
            if (
                state
                and state["state"] == "drawn"
                and state["drawn"] == view
                and state["revision"] > after_revision
            ):
                return state
            self.page.wait_for_timeout(50)
        raise TimeoutError(f"carte « {view} » non dessinée après {timeout_s:.0f} s : {state}")

    def settle(self) -> None:
        """Wait until the script has finished running and the page is still."""
        self.page.wait_for_selector(
            "[data-testid=stApp][data-test-script-state=notRunning]", timeout=120_000
        )
        self.page.wait_for_timeout(300)

    def close(self) -> None:
        self.context.close()


def view_url(base: str, level: str = "france", code: str = "") -> str:
    return base if level == "france" else f"{base}?vue={level}&code={code}"


def painted_s(state: dict) -> float:
    """Navigation start → paint of the map, in seconds."""
    return (state["painted"] - state["origin"]) / 1000


def open_view(browser, url: str, view: str) -> dict[str, Any]:
    """Open ``url`` in a fresh context; when its map painted ``view``, and what came."""
    visit = Visit(browser)
    try:
        visit.page.goto(url, wait_until="commit")
        state = visit.wait_map(view)
        visit.page.wait_for_timeout(200)
        return {
            "painted_s": painted_s(state),
            "update_to_paint_s": (state["painted"] - state["origin"] - state["update"]) / 1000,
            "ws_bytes": visit.ws_bytes,
            "mapdata_bytes": visit.http["mapdata"],
            "leaflet_bytes": visit.http["leaflet"],
            "other_bytes": visit.http["other"],
            "errors": list(visit.errors),
        }
    finally:
        visit.close()


def floor_time(browser, url: str) -> float:
    """Navigation start → paint of the floor page's title, in seconds (fresh context)."""
    visit = Visit(browser, init_scripts=(_TITLE_PAINT,))
    try:
        visit.page.goto(url, wait_until="commit")
        visit.page.wait_for_function("() => window.__titlePaintedAt", timeout=120_000)
        stamps = visit.page.evaluate("() => [window.__titlePaintedAt, performance.timeOrigin]")
        return (stamps[0] - stamps[1]) / 1000
    finally:
        visit.close()


def click_department(browser, url: str, code: str) -> float:
    """National view, then a click on department ``code``: seconds to its map's paint."""
    visit = Visit(browser, init_scripts=(_POINTER,))
    try:
        visit.page.goto(url, wait_until="commit")
        visit.wait_map("france:")
        visit.settle()
        the_map = visit.page.locator(".opsn-map")
        the_map.scroll_into_view_if_needed()
        point = the_map.evaluate("(e, c) => e.opsnMap.pointOn('departement', [c])", code)
        if not point or point["code"] != code:
            raise RuntimeError(f"département {code} introuvable sur la carte : {point}")
        # As a user does: the pointer rests on the department (its tooltip shows), then clicks.
        visit.page.mouse.move(point["x"], point["y"])
        visit.page.wait_for_timeout(HOVER_MS)
        visit.page.mouse.click(point["x"], point["y"])
        state = visit.wait_map(f"departement:{code}")
        pressed = visit.page.evaluate("() => window.__pointerAt")
        return (state["painted"] - pressed) / 1000
    finally:
        visit.close()


def change_control(browser, url: str) -> float:
    """National view, then « Métropole » in the sidebar: seconds to the map repainted."""
    visit = Visit(browser, init_scripts=(_POINTER,))
    try:
        visit.page.goto(url, wait_until="commit")
        state = visit.wait_map("france:")
        visit.settle()
        state = visit.map_state()
        sidebar = visit.page.get_by_test_id("stSidebar")
        sidebar.get_by_text("Métropole", exact=True).click()
        after = visit.wait_map("france:", after_revision=state["revision"])
        pressed = visit.page.evaluate("() => window.__pointerAt")
        return (after["painted"] - pressed) / 1000
    finally:
        visit.close()


# --- the naive page ----------------------------------------------------------------

NAIVE_FILE = "naive_communes.html"
_PATHS_JS = """() => {
  const count = () => document.querySelectorAll("path.leaflet-interactive").length;
  if (count() === 0) return [0, 0];
  return new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(
    () => resolve([count(), performance.timeOrigin + performance.now()]))));
}"""


def naive_page(path: Path) -> Path:
    """Every commune through ``explore(column="statut")`` in one page, Leaflet inlined.

    The naive coverage map (bundled data, default options): one style case per
    commune. jQuery, Bootstrap and the font packs (unused by polygons) are dropped,
    and so is explore's legend (it needs jQuery UI from a CDN).
    """
    from geo.core.analysis import analyse
    from geo.core.coverage import CoverageOptions
    from geo.core.reference import load_reference
    from geo.importers.inputs import bundled_inputs

    reference = load_reference()
    communes = reference.communes.drop(columns=["geometry_generalisee"], errors="ignore")
    analysis = analyse(reference, bundled_inputs(), CoverageOptions())
    communes = communes.assign(statut=analysis.coverage["statut"].to_numpy())
    m = communes.explore(column="statut", tiles=None, legend=False)
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]
    path.write_text(inline_html_assets(m.get_root().render()), encoding="utf-8")
    return path


@contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def naive_time(browser, url: str, timeout_s: float = 240.0) -> dict[str, float]:
    """Navigation start → paint of the naive page's 34,875 paths; its size."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            count, at = page.evaluate(_PATHS_JS)
            if count >= 34875:
                origin = page.evaluate("performance.timeOrigin")
                return {"painted_s": (at - origin) / 1000}
            page.wait_for_timeout(100)
        raise TimeoutError("page naïve non dessinée")
    finally:
        context.close()


# --- server-side: control changes ---------------------------------------------------


def control_changes() -> dict[str, float]:
    """Server time of a script rerun after the first change of each control (AppTest).

    ``app.py`` runs in this process (Streamlit's script runner, no browser); the
    caches start empty, as on a fresh server, and the page starts its warm-up; the
    first run is timed apart. Then each control changed once (EPCI, rule,
    territory), a view opened (a department, as a click does) and a region.
    """
    from streamlit.testing.v1 import AppTest

    from geo.core.views import View

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)

    def timed(action: Callable[[], Any]) -> float:
        started = time.perf_counter()
        action()
        elapsed = time.perf_counter() - started
        if at.exception:
            raise RuntimeError(f"app.py : {at.exception[0].value}")
        return elapsed

    def view(level: str, code: str) -> Callable[[], Any]:
        def action() -> Any:
            at.session_state["view"] = View(level, code)
            return at.run()

        return action

    results = {"premier passage": timed(at.run)}
    from ui import warmup

    warmup.wait(600)  # what a server does in its first seconds, before visitors change controls
    results["EPCI"] = timed(lambda: at.checkbox(key="epci_membership").uncheck().run())
    results["règle"] = timed(lambda: at.radio(key="rule").set_value(Rule.ADHESION).run())
    results["territoire"] = timed(lambda: at.radio(key="territory").set_value("metropole").run())
    results["vue (département)"] = timed(view("departement", "29"))
    results["vue (région)"] = timed(view("region", "76"))
    results["nouveau passage sans changement"] = timed(at.run)
    return results


# --- the load ------------------------------------------------------------------------


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        parents[int(stat.parent.name)] = int(fields[1])
        used[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick
    total = 0.0
    for process, seconds in used.items():
        current = process
        while current in parents and current != pid:
            current = parents[current]
        if current == pid:
            total += seconds
    return total


def visitors_at_once(url: str, count: int, pid: int) -> dict[str, Any]:
    """``count`` browser contexts open the app at once; each one's time to the map.

    One Chromium, ``count`` contexts, all navigations started together (asyncio);
    the server's RSS is sampled during the load.
    """
    import asyncio

    from playwright.async_api import async_playwright

    async def one(browser, index: int) -> dict[str, Any]:
        context = await browser.new_context(viewport=VIEWPORT)
        errors: list[str] = []
        try:
            page = await context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            await page.goto(url, wait_until="commit", timeout=300_000)
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                try:
                    state = await page.locator(".opsn-map").evaluate(MAP_STATE, timeout=5000)
                except Exception:
                    state = None
                if state and state["state"] == "error":
                    errors.append(f"carte : {state}")
                    break
                if state and state["state"] == "drawn" and state["drawn"] == "france:":
                    return {"painted_s": painted_s(state), "errors": errors}
                await asyncio.sleep(0.1)
            errors.append("carte non dessinée")
            return {"painted_s": float("nan"), "errors": errors}
        except Exception as error:
            return {"painted_s": float("nan"), "errors": [*errors, repr(error)]}
        finally:
            await context.close()

    async def run() -> list[dict[str, Any]]:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS
            )
            try:
                return await asyncio.gather(*(one(browser, i) for i in range(count)))
            finally:
                await browser.close()

    # A thread of its own: the synchronous Playwright of the caller runs an event loop.
    results: list[dict[str, Any]] = []
    worker = threading.Thread(target=lambda: results.extend(asyncio.run(run())))
    cpu_before = process_tree_cpu(pid)
    started = time.perf_counter()
    with MemorySampler(pid) as memory:
        worker.start()
        worker.join()
    wall = time.perf_counter() - started
    server_cpu = process_tree_cpu(pid) - cpu_before
    times = [r["painted_s"] for r in results]
    return {
        "times": times,
        "errors": [e for r in results for e in r["errors"]],
        "painted": sum(1 for t in times if t == t),
        "median_s": median(times),
        "slowest_s": max((t for t in times if t == t), default=float("nan")),
        "peak_rss": memory.peak,
        "server_cpu_s": server_cpu,
        "wall_s": wall,
    }


# --- the run ---------------------------------------------------------------------------


def measure(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    runs = args.runs
    log_path = tmp / "streamlit.log"
    out: dict[str, Any] = {}
    with sync_playwright() as playwright:
        launch = functools.partial(launch_browser, playwright)

        def fresh(action: Callable[[Any], Any]) -> Any:
            browser = launch()
            try:
                return action(browser)
            finally:
                browser.close()

        if not args.no_naive:
            print("Page naïve (explore, 34 875 communes)…", flush=True)
            page = naive_page(tmp / NAIVE_FILE)
            out["naive_bytes"] = page.stat().st_size
            with serve_directory(tmp) as base:
                out["naive"] = [
                    fresh(lambda b: naive_time(b, base + NAIVE_FILE))["painted_s"]
                    for _ in range(runs)
                ]

        print("Plancher (une page Streamlit avec un titre)…", flush=True)
        with streamlit_server(FLOOR_APP, log_path) as (url, process, _):
            wait_ready(url, process)
            fresh(lambda b: floor_time(b, url))  # warms the server, not counted
            out["floor"] = [fresh(lambda b: floor_time(b, url)) for _ in range(runs)]

        print("Plancher servi comme l'application (uvicorn, ui.serving)…", flush=True)
        with streamlit_server(FLOOR_APP, log_path, served=True) as (url, process, _):
            wait_ready(url, process)
            fresh(lambda b: floor_time(b, url))  # not counted
            out["floor_served"] = [fresh(lambda b: floor_time(b, url)) for _ in range(runs)]

        print("La carte seule (titre et carte nationale)…", flush=True)
        map_only = tmp / "map_only" / MAP_ONLY_APP.name
        map_only.parent.mkdir()
        shutil.copy(MAP_ONLY_APP, map_only)
        with streamlit_server(map_only, log_path, served=True) as (url, process, _):
            wait_ready(url, process)
            fresh(lambda b: open_view(b, url, "france:"))  # builds its static folder
            out["map_only"] = [
                fresh(lambda b: open_view(b, url, "france:"))["painted_s"] for _ in range(runs)
            ]

        print("Premières vues après démarrage du serveur…", flush=True)
        firsts = []
        for _ in range(runs):
            browser = launch()
            try:
                with streamlit_server(APP, log_path) as (url, process, started):
                    wait_ready(url, process)
                    visit = Visit(browser)
                    try:
                        visit.page.goto(url, wait_until="commit")
                        state = visit.wait_map("france:", timeout_s=180)
                        firsts.append(state["painted"] / 1000 - started)
                    finally:
                        visit.close()
            finally:
                browser.close()
        out["first_view"] = firsts

        print("Application sur un serveur chaud…", flush=True)
        with streamlit_server(APP, log_path) as (url, process, _):
            wait_ready(url, process)
            fresh(lambda b: open_view(b, url, "france:"))  # first visit of the server
            time.sleep(args.warm_wait)  # the warm-up thread finishes in the background
            out["national"] = [fresh(lambda b: open_view(b, url, "france:")) for _ in range(runs)]
            for name, level, codes in (
                ("region", "region", REGIONS),
                ("departement", "departement", DEPARTMENTS),
                ("commune", "commune", COMMUNES),
            ):
                out[name] = [
                    fresh(
                        lambda b, c=code, lv=level: open_view(b, view_url(url, lv, c), f"{lv}:{c}")
                    )
                    for code in codes[:runs]
                ]
            out["click"] = [
                fresh(lambda b, c=code: click_department(b, url, c)) for code in CLICKED[:runs]
            ]
            out["control"] = [fresh(lambda b: change_control(b, url)) for _ in range(runs)]
            out["region_payload"] = fresh(
                lambda b: open_view(
                    b, view_url(url, "region", REGION_PAYLOAD), f"region:{REGION_PAYLOAD}"
                )
            )
            out["server_rss"] = process_tree_rss(process.pid)

        print(f"{args.visitors} visiteurs à la fois…", flush=True)
        with streamlit_server(APP, log_path) as (url, process, _):
            wait_ready(url, process)
            time.sleep(args.warm_wait)  # a server up for a while: its warm-up is done
            out["load"] = visitors_at_once(url, args.visitors, process.pid)

    print("Changements de contrôle (temps serveur, AppTest)…", flush=True)
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    from streamlit.logger import set_log_level

    set_log_level("error")
    out["changes"] = control_changes()
    out["region_spec"] = region_map_payload(REGION_PAYLOAD)
    return out


def region_map_payload(code: str) -> dict[str, int]:
    """What a region view's map needs, computed without a browser: its JSON and its files."""
    from geo.core.analysis import analyse
    from geo.core.coverage import CoverageOptions, area_figures
    from geo.core.reference import load_reference
    from geo.core.registry import opsn_names
    from geo.core.views import View
    from geo.explore.views import selection
    from geo.importers.inputs import bundled_inputs
    from geo.mapdata import ensure_map_files
    from geo.maps import live_map_spec

    reference = load_reference()
    inputs = bundled_inputs()
    analysis = analyse(reference, inputs, CoverageOptions())
    directory = ROOT / "static" / "mapdata"
    files = ensure_map_files(reference, directory)
    focus = selection(reference, View("region", code))
    figures = area_figures(reference.communes, analysis.coverage, focus, analysis.options)
    spec = live_map_spec(
        reference, analysis, "region", code, focus, figures, files, "app/static/mapdata",
        opsn_names(inputs.registry),
    )  # fmt: skip
    stored = (directory / files.national).read_bytes()
    return {
        "json": len(json.dumps(spec).encode()),
        "files": len(gzip.decompress(stored)),
        "files_sent": len(stored),
    }


def rows(out: dict[str, Any]) -> list[list[str]]:
    """The issue's table: row, today (issue), target, measured, ratio, verdict."""
    floor = median(out["floor"])
    table = [
        ["Ligne de l'issue 10", "Aujourd'hui (issue)", "Cible", "Mesuré", "÷ plancher", "Verdict"]
    ]

    def add(label, today, target, value, text, ratio=float("nan"), ok=None) -> None:
        verdict = "–" if ok is None else ("PASS" if ok else "FAIL")
        if value != value:
            verdict = "non mesuré"
        table.append([label, today, target, text, _x(ratio), verdict])

    national = median([r["painted_s"] for r in out["national"]])
    add("Carte nationale peinte, 1re visite", "1,8–2,4 × plancher", "≤ 1,3 × plancher",
        national, _s(national), national / floor, national / floor <= 1.3)  # fmt: skip
    for name, today in (("region", "2,6–4,0 ×"), ("departement", "1,9–3,0 ×"),
                        ("commune", "2,0–2,9 ×")):  # fmt: skip
        value = median([r["painted_s"] for r in out[name]])
        add(f"Lien direct, {name} jamais calculé", today + " plancher", "≤ 1,5 × plancher",
            value, _s(value), value / floor, value / floor <= 1.5)  # fmt: skip
    value = median(out["click"])
    add("Clic sur un département → carte peinte", "0,2–0,3 × plancher", "≤ 0,3 × plancher",
        value, _s(value), value / floor, value / floor <= 0.3)  # fmt: skip
    changes = out["changes"]
    first = max(changes[k] for k in ("EPCI", "règle", "territoire", "vue (département)"))
    add("1er changement d'un contrôle, serveur", "jusqu'à 3 s", "≤ 0,5 s", first,
        _s(first) + " (le pire)", ok=first <= 0.5)  # fmt: skip
    value = median(out["control"])
    add("1er changement d'un contrôle, carte peinte", "jusqu'à 3 s", "≤ 1 s", value,
        _s(value), ok=value <= 1.0)  # fmt: skip
    payload = out["region_spec"]["json"] + out["region_spec"]["files"]
    add("Vue région (Grand Est) : charge de la carte", "2,0 Mo", "≤ 1 Mo", payload,
        _mb(payload), ok=payload <= MB)  # fmt: skip
    value = out["region_payload"]["update_to_paint_s"]
    add("Vue région (Grand Est) : dessin", "4–5,7 s", "≤ 1 s", value, _s(value),
        ok=value <= 1.0)  # fmt: skip
    value = median(out["first_view"])
    add("Première vue après démarrage du serveur", "7,6 s", "≤ 4 s", value, _s(value),
        ok=value <= 4.0)  # fmt: skip
    rss, peak = out["server_rss"], out["load"]["peak_rss"]
    add("Mémoire du serveur", "416–507 Mo", "≤ 600 Mo, aussi en charge", max(rss, peak),
        f"{_mb(rss)} ; en charge {_mb(peak)}", ok=max(rss, peak) <= 600 * MB)  # fmt: skip
    load = out["load"]
    count = len(load["times"])
    ok = load["painted"] == count and not load["errors"] and load["peak_rss"] <= 800 * MB
    add(f"{count} visiteurs à la fois (un serveur)", "non mesuré",
        "toutes peintes, aucune erreur, ≤ 800 Mo", load["median_s"],
        f"{load['painted']}/{count} ; médiane {_s(load['median_s'])}, "
        f"la plus lente {_s(load['slowest_s'])} ; {len(load['errors'])} erreur(s) ; "
        f"{_mb(load['peak_rss'])}", ok=ok)  # fmt: skip
    return table


def print_rows(table: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def report(out: dict[str, Any], runs: int) -> None:
    floor = median(out["floor"])
    print()
    print(f"Plancher (page Streamlit avec un titre) : {_s(floor)} "
          f"({', '.join(_s(v) for v in out['floor'])})")  # fmt: skip
    served = median(out["floor_served"])
    print(f"Plancher servi comme l'application (uvicorn, ui.serving) : {_s(served)} "
          f"({', '.join(_s(v) for v in out['floor_served'])})")  # fmt: skip
    map_only = median(out["map_only"])
    print(f"La carte seule (titre et carte nationale, servie comme l'application) : "
          f"{_s(map_only)} ({_x(map_only / floor)} le plancher, {_x(map_only / served)} le "
          f"plancher servi de même) : ce que coûte l'élément carte lui-même")  # fmt: skip
    views = {name: median([r["painted_s"] for r in out[name]])
             for name in ("national", "region", "departement", "commune")}  # fmt: skip
    print("Rapports au plancher servi comme l'application : "
          + ", ".join(f"{name} {_x(value / served)}" for name, value in views.items()))  # fmt: skip
    if "naive" in out:
        naive = median(out["naive"])
        national = median([r["painted_s"] for r in out["national"]])
        print(f"Page naïve : {_mb(out['naive_bytes'])}, peinte en {_s(naive)} "
              f"({_x(naive / floor)} le plancher) ; carte nationale de l'application "
              f"{_fr(naive / national, 1)} fois plus tôt")  # fmt: skip
    for name in ("national", "region", "departement", "commune"):
        values = out[name]
        print(f"{name} : " + ", ".join(_s(r["painted_s"]) for r in values)
              + " ; données de la carte → peinte : "
              + ", ".join(_s(r["update_to_paint_s"]) for r in values))  # fmt: skip
    national = out["national"][0]
    print(f"Vue nationale, octets reçus : WebSocket {_mb(national['ws_bytes'])}, géométrie "
          f"{_mb(national['mapdata_bytes'])}, Leaflet {_mb(national['leaflet_bytes'])}, "
          f"reste (JavaScript de Streamlit…) {_mb(national['other_bytes'])}")  # fmt: skip
    region = out["region_payload"]
    print(f"Vue région {REGION_PAYLOAD} : JSON de la carte {_fr(out['region_spec']['json'] / 1e3, 1)} ko,"
          f" fichier national {_mb(out['region_spec']['files'])} "
          f"({_mb(out['region_spec']['files_sent'])} compressé, tel qu'envoyé) ; reçus dans le navigateur : "
          f"WebSocket {_mb(region['ws_bytes'])}, géométrie {_mb(region['mapdata_bytes'])}")  # fmt: skip
    print("Clic sur un département : " + ", ".join(_s(v) for v in out["click"]))
    print("Changement de contrôle (carte repeinte) : " + ", ".join(_s(v) for v in out["control"]))
    print(
        "Temps serveur (AppTest) : " + ", ".join(f"{k} {_s(v)}" for k, v in out["changes"].items())
    )
    print("Premières vues après démarrage : " + ", ".join(_s(v) for v in out["first_view"]))
    load = out["load"]
    print("Charge : " + ", ".join(_s(v) for v in sorted(load["times"])))
    print(f"Charge : {_s(load['wall_s'])} en tout, dont {_s(load['server_cpu_s'])} de processeur "
          f"pour le serveur (le reste : les {len(load['times'])} onglets de Chromium, sur les "
          f"mêmes cœurs)")  # fmt: skip
    errors = [e for r in (*out["national"], *out["region"], *out["departement"], *out["commune"])
              for e in r["errors"]] + load["errors"]  # fmt: skip
    if errors:
        print(f"Erreurs vues dans les pages ({len(errors)}) : " + " | ".join(errors[:10]))
    print()
    print(f"Médianes de {runs} mesures (une par vue jamais calculée pour les liens directs).")
    print_rows(rows(out))


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """--runs, --visitors and --warm-wait (also bench_site.py's)."""
    parser.add_argument("--runs", type=int, default=3, help="mesures par ligne (médiane)")
    parser.add_argument("--visitors", type=int, default=20, help="visiteurs à la fois")
    parser.add_argument(
        "--warm-wait", type=float, default=20.0,
        help="secondes laissées au préchauffage du serveur chaud avant les mesures",
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Banc d'essai des cartes (issue 10).")
    add_common_arguments(parser)
    parser.add_argument("--no-naive", action="store_true", help="sans la page naïve (31 Mo)")
    parser.add_argument("--json", type=Path, help="écrire aussi les mesures brutes dans ce fichier")
    args = parser.parse_args(argv)
    if args.runs > len(REGIONS):
        parser.error(f"--runs ≤ {len(REGIONS)} (une vue jamais calculée par mesure)")
    with tempfile.TemporaryDirectory(prefix="bench_map_") as tmp:
        out = measure(args, Path(tmp))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, default=str), encoding="utf-8")
    report(out, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
