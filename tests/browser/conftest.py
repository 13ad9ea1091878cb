"""Fixtures for the browser tests: a Streamlit server, headless Chromium, no network.

Usage::

    @pytest.mark.browser
    def test_map(app_server, page, blocked_requests, drawn_map, artifacts):
        url = app_server(REPO_ROOT / "app.py")
        page.goto(url)
        the_map = drawn_map(page, view="france:")      # waits until the map is painted
        assert "departement:29" in the_map.evaluate("e => e.opsnMap.features()")
        page.screenshot(path=artifacts / "map.png", full_page=True)
        assert_no_blocked(blocked_requests)

The live map (``ui/map_element``) is drawn in the page itself (no iframe); its
element ``.opsn-map`` says what it shows (``data-view``, ``data-state`` =
``drawn`` once painted) and carries a small test interface, ``opsnMap``
(``features()``, ``pointOn(level, codes, target)``, ``mainlandBox()``).

Every request to a host other than 127.0.0.1/localhost is aborted and recorded in
``blocked_requests``. Chromium is Debian's (``/usr/bin/chromium``, or ``$CHROMIUM``):
if it is missing the tests fail, they do not skip.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_DIR = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Playwright's default wait for ``expect`` (5 s) is shorter than a Streamlit rerun on a
#: loaded two-core machine (two test workers, a server and Chromium); tests that wait for
#: the first map or a save pass their own, longer timeouts.
EXPECT_TIMEOUT = 20_000  # ms
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
MAP_SELECTOR = ".opsn-map"
"""The live map's box (inside the component's shadow root; Playwright looks inside)."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 at the time of the call."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_local_url(url: str) -> bool:
    """True for data:/blob:/about: URLs and for http(s)/ws(s) URLs to this machine."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "ws", "wss"):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


def assert_no_blocked(blocked: list[str]) -> None:
    assert not blocked, f"{len(blocked)} external request(s) blocked:\n" + "\n".join(blocked)


def _stop(process: subprocess.Popen, timeout: float = 10.0) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def start_server(
    script: str | Path,
    *extra_args: str,
    log_dir: Path,
    started: list[subprocess.Popen],
    timeout: float = 60.0,
) -> str:
    """Start ``python -m streamlit run script`` on a free port; return its base URL.

    cwd = repo root (so that ``geo`` is importable); waits for ``/_stcore/health``.
    The process is appended to ``started``: the caller stops it with :func:`_stop`.
    """
    port = free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    log_path = log_dir / f"streamlit-{port}.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        # No --browser.gatherUsageStats: .streamlit/config.toml must switch the
        # usage statistics off, or the blocked-request count catches it.
        *extra_args,
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    started.append(process)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return base_url + "/"
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    _stop(process)
    log_tail = log_path.read_text(errors="replace")[-3000:]
    pytest.fail(f"Streamlit did not start for {script} (port {port}). Log:\n{log_tail}")


@contextmanager
def static_server(
    directory: Path, server: tuple[str, ...] = ("-m", "http.server"), timeout: float = 30.0
) -> Iterator[tuple[str, subprocess.Popen]]:
    """``python -m http.server`` (or ``python *server``, same arguments) serving ``directory``
    on 127.0.0.1 and a free port, as any plain static host would (the atlas: tests and
    ``bench/bench_site.py``); its base URL and process, stopped by its PID at the end."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, *server, str(port), "--bind", "127.0.0.1"],
        cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        yield url, process
    finally:
        _stop(process)


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Factory: ``app_server(script, *extra_streamlit_args) -> base URL``.

    Starts ``python -m streamlit run`` on a free port (cwd = repo root, so that
    ``geo`` is importable), waits for ``/_stcore/health`` and stops every server it
    started at the end of the test (terminate, then kill).
    """
    yield from _servers(tmp_path)


@pytest.fixture(scope="module")
def module_app_server(tmp_path_factory) -> Iterator[Callable[..., str]]:
    """Like ``app_server``, but the servers live as long as the test module.

    Use it to start the app once for several tests (each test still gets its own
    ``page``, hence its own Streamlit session).
    """
    yield from _servers(tmp_path_factory.mktemp("streamlit-logs"))


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> Iterator[str]:
    """``app.py`` on the bundled data (a folder of its own), started once for the files that
    only look at it (map, history, presentation): a start is about 10 s of a processor on
    the 2-core CI machine. A file that saves or signs in starts its own
    (``module_app_server``) and defines its own ``app_url``."""
    servers = _servers(tmp_path_factory.mktemp("streamlit-logs"))
    start = next(servers)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OPSN_DATA_DIR", str(tmp_path_factory.mktemp("look-only-data")))
        url = start(REPO_ROOT / "app.py", "--server.fileWatcherType", "none")
    yield url
    next(servers, None)  # stops it


def _servers(log_dir: Path) -> Iterator[Callable[..., str]]:
    """A ``start(script, *args)`` function; every server it started is stopped after."""
    started: list[subprocess.Popen] = []

    def start(script: str | Path, *extra_args: str, timeout: float = 60.0) -> str:
        return start_server(script, *extra_args, log_dir=log_dir, started=started, timeout=timeout)

    yield start
    for process in started:
        _stop(process)


def signed_in_app(
    start: Callable[..., str],
    password: str,
    data_dir: Path,
    secrets_dir: Path,
    script: Path = REPO_ROOT / "app.py",
) -> str:
    """``script`` (``app.py``, or ``serve.py`` with its guard and sign-in cookie) started
    with a password sign-in (a hashed ``secrets.toml``, as the README says) and its own
    data directory; the address."""
    from geo.access.auth import hash_password

    secrets = secrets_dir / "secrets.toml"
    if not secrets.exists():  # a restarted server keeps its secrets
        encoded = hash_password(password, cost={"n": 2**14, "r": 8, "p": 1})
        secrets.write_text(f'[couverture_opsn]\npassword_hash = "{encoded}"\n', encoding="utf-8")
    previous = os.environ.get("OPSN_DATA_DIR")
    os.environ["OPSN_DATA_DIR"] = str(data_dir)  # the server inherits it
    try:
        return start(
            script,
            "--server.fileWatcherType",
            "none",
            "--secrets.files",
            str(secrets),
        )
    finally:
        os.environ["OPSN_DATA_DIR"] = previous or ""


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright, shared by the session."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it (apt-get install -y chromium) "
            "or set $CHROMIUM. Browser tests need it and are not skipped."
        )
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def blocked_requests() -> list[str]:
    """URLs of the external requests the ``page`` fixture aborted, in order."""
    return []


@pytest.fixture
def page(browser, blocked_requests: list[str]):
    """A fresh page (own context) where only 127.0.0.1/localhost is reachable."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")

    def route(route) -> None:
        url = route.request.url
        if is_local_url(url):
            route.continue_()
        else:
            blocked_requests.append(url)
            route.abort("blockedbyclient")

    def route_socket(ws) -> None:
        blocked_requests.append(ws.url)
        ws.close()

    context.route("**/*", route)
    context.route_web_socket(lambda url: not is_local_url(url), route_socket)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def open_page(browser, blocked_requests):
    """``open_page(width, height, **context_options) -> Page``: a fresh context of that
    size (own Streamlit session) where only 127.0.0.1/localhost is reachable."""
    contexts = []

    def route(route) -> None:
        if is_local_url(route.request.url):
            route.continue_()
        else:
            blocked_requests.append(route.request.url)
            route.abort("blockedbyclient")

    def open_(width: int, height: int, **options):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="fr-FR", **options
        )
        context.route("**/*", route)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Repo-root ``artifacts/`` (git-ignored), for screenshots."""
    directory = REPO_ROOT / "artifacts"
    directory.mkdir(exist_ok=True)
    return directory


def find_drawn_map(page, timeout: float = 30.0, view: str | None = None):
    """The locator of the live map once it has painted ``view`` (any view if ``None``).

    ``view`` is ``"level:code"`` as in the URL (``"france:"``, ``"departement:29"``).
    """
    deadline = time.monotonic() + timeout
    the_map = page.locator(MAP_SELECTOR)
    state = None
    while time.monotonic() < deadline:
        try:
            state = the_map.evaluate(
                "e => [e.dataset.state, e.dataset.view, e.opsnMap && e.opsnMap.drawnView]",
                timeout=2000,
            )
        except Exception:  # not on the page yet, or replaced by a rerun
            state = None
        if state and state[0] == "error":
            message = the_map.locator(".opsn-map-message").inner_text()
            raise AssertionError(f"The map could not draw: {message}")
        if state and state[0] == "drawn" and (view is None or state[2] == view):
            return the_map
        page.wait_for_timeout(100)
    raise AssertionError(
        f"No map painted{f' for {view}' if view else ''} after {timeout:.0f} s: {state}"
    )


@pytest.fixture
def drawn_map() -> Callable:
    """``drawn_map(page, timeout=30, view=None)``: see :func:`find_drawn_map`."""
    return find_drawn_map
