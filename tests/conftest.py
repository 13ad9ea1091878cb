"""Shared fixtures: the bundled reference data, loaded once per test session."""

from __future__ import annotations

import gc
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.core.paths import ROOT
from geo.core.reference import ReferenceData, load_reference

os.environ.setdefault("OPSN_WARMUP", "0")
"""No warm-up thread in the apps the tests start (servers, AppTest): it computes every
option and region of the national view in the background, about 8 s of a processor per
server on the 2-core CI machine, for clicks a test mostly never makes. Its own tests
(``tests/ui/test_map_warmup.py``) call it; ``tests/browser/test_serve.py`` runs
``serve.py`` as the README starts it, warm-up on."""


@pytest.fixture(scope="session", autouse=True)
def private_data_dir(tmp_path_factory) -> None:
    """Every test (and every app or CLI it starts) saves into a throw-away data directory.

    Without this, a test run would create or change the developer's own
    database in ``~/.local/share/couverture-opsn``.
    """
    os.environ["OPSN_DATA_DIR"] = str(tmp_path_factory.mktemp("opsn-data"))


@pytest.fixture(scope="module")
def bundled_data(tmp_path_factory):
    """For a whole module: a data directory without a database.

    The command line reads the database's version in service when one exists
    (as the app does), the bundled files otherwise; the session's data
    directory may hold the database an app test created. Use with
    ``pytestmark = pytest.mark.usefixtures("bundled_data")``.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OPSN_DATA_DIR", str(tmp_path_factory.mktemp("no-database")))
        yield


@pytest.fixture(scope="session")
def reference() -> ReferenceData:
    """All of ``data/communes/`` (about 1 s to load; never modify it in a test)."""
    return load_reference()


@pytest.fixture(autouse=True)
def _collector_skips_what_the_session_keeps() -> Iterator[None]:
    """What the session has built so far (reference data, analyses, apps' caches) is
    frozen out of the garbage collector before each test: a worker keeps millions of
    such objects, and every full collection (the readers run one after a refused
    file) would walk them all again."""
    gc.freeze()
    yield


def run_geo(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m geo ARGS`` from the repository root, as a user would type it."""
    return subprocess.run(
        [sys.executable, "-m", "geo", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def geo_cli():
    """The :func:`run_geo` helper, for tests that drive the command line."""
    return run_geo


@pytest.fixture(scope="session")
def stats_json_run() -> subprocess.CompletedProcess:
    """``python -m geo stats --format json``, run once per session."""
    return run_geo("stats", "--format", "json", timeout=120)


@pytest.fixture(scope="session")
def stats_json(stats_json_run) -> dict:
    """What ``python -m geo stats --format json`` prints, parsed."""
    assert stats_json_run.returncode == 0, stats_json_run.stderr
    return json.loads(stats_json_run.stdout)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict:
    """The hostile corpus (``tests/hostile/corpus.py``) written once: file name → path."""
    from tests.hostile.corpus import write_corpus

    directory = tmp_path_factory.mktemp("corpus")
    return {case.name: path for case, path in write_corpus(directory)}


HOSTILE_PATHS = (
    ROOT / "tests" / "importers" / "test_hostile.py",
    ROOT / "tests" / "ui" / "test_hostile_app.py",
)
"""The tests that read the hostile corpus runs (``tests/hostile/background.py``)."""
HOSTILE_MODULES = tuple(path.name for path in HOSTILE_PATHS)


@pytest.fixture(scope="session")
def hostile_runs(request, tmp_path_factory):
    """The hostile corpus runs (``tests/hostile/background.py``): results on demand.

    Under pytest-xdist the controller started them with the session
    (:func:`pytest_configure`); this worker reads what it wrote.
    """
    from tests.hostile import background

    written = os.environ.get(background.ENV)
    if written:
        return background.WrittenRuns(Path(written))
    return background.Runs(
        request.getfixturevalue("corpus"), tmp_path_factory.mktemp("hostile-data")
    )


@pytest.fixture(scope="session", autouse=True)
def hostile_runs_started_early(request) -> None:
    """In a one-process run, the hostile runs start with the session.

    They take minutes of one core: started at once, they run beside the other
    tests instead of after them. Nothing starts when no hostile test is selected.
    """
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if any(item.path.name in HOSTILE_MODULES for item in request.session.items):
        request.getfixturevalue("hostile_runs")


BROWSER_DIR = "tests/browser/"
ATLAS_TESTS = "tests/browser/test_atlas.py"


def _asked(config: pytest.Config, paths: tuple[Path, ...]) -> bool:
    """Whether the paths on the command line (or the testpaths) hold one of ``paths``."""
    for arg in config.args:
        asked = (config.invocation_params.dir / arg.split("::", 1)[0]).resolve()
        if any(path == asked or asked in path.parents for path in paths):
            return True
    return False


def _hostile_tests_asked(config: pytest.Config) -> bool:
    return config.getoption("markexpr") != "browser" and _asked(config, HOSTILE_PATHS)


def _atlas_tests_asked(config: pytest.Config) -> bool:
    return "not browser" not in config.getoption("markexpr") and _asked(
        config, (ROOT / ATLAS_TESTS,)
    )


def lane_of(nodeid: str) -> str:
    """The unit a test runs in under pytest-xdist (:mod:`tests.lanes`): its file, or a lane."""
    path = nodeid.split("::", 1)[0]
    if path.rsplit("/", 1)[-1] in HOSTILE_MODULES:
        return "hostile"
    return path


class Lanes:
    """pytest-xdist's scheduler for this suite (:mod:`tests.lanes`)."""

    @staticmethod
    def pytest_xdist_make_scheduler(config: pytest.Config, log) -> object:
        from xdist.workermanage import parse_tx_spec_config

        from tests.lanes import LaneScheduling

        workers = len(parse_tx_spec_config(config))
        return LaneScheduling(
            workers,
            lane_of,
            pinned=lambda unit: unit.startswith(BROWSER_DIR),
            last=("hostile",),
            pinned_last=(ATLAS_TESTS,),
        )


CONTROLLER_RUNS = (
    ("tests.hostile.background", _hostile_tests_asked),
    ("tests.browser.atlas_build", _atlas_tests_asked),
)
"""Work the pytest-xdist controller starts with the session when the tests that read it are
asked: each module's ``start(directory)`` writes there, its ``ENV`` names the folder for the
workers, its ``stop()`` ends what still runs."""


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.hasplugin("xdist"):
        return
    config.pluginmanager.register(Lanes(), "opsn-lanes")
    if os.environ.get("PYTEST_XDIST_WORKER") or not config.getoption("numprocesses"):
        return
    for name, asked in CONTROLLER_RUNS:
        if asked(config):
            module = importlib.import_module(name)
            directory = Path(tempfile.mkdtemp(prefix="opsn-runs-"))
            module.start(directory)
            os.environ[module.ENV] = str(directory)  # the workers started next


def pytest_unconfigure(config: pytest.Config) -> None:
    for name, _ in CONTROLLER_RUNS:
        module = sys.modules.get(name)
        if module is None:
            continue
        module.stop()
        directory = os.environ.get(module.ENV)
        if directory and not os.environ.get("PYTEST_XDIST_WORKER"):
            shutil.rmtree(directory, ignore_errors=True)
