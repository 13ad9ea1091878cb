"""The corpus runs, started in the background as the test session begins.

The runs take two to three minutes of one core: the command line on every file
(three commands, one worker process each, one after the other) and the
« Importer » page on every uploadable file. pytest itself keeps one core busy,
so the runs are started on the other one as soon as the session starts (see
``tests/conftest.py``) and the tests of ``test_hostile.py`` and
``test_hostile_app.py`` wait for their results. Each worker is still limited
to 1 GB of address space, and each run to 30 s of processor time, as the issue asks
(``tests/hostile/worker.py``).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from geo.core.paths import ROOT
from tests.hostile.corpus import CASES

SECONDS = 30
MEGABYTES = 1024
COMMANDS = ("validate", "--operators", "--adherents")
UPLOADABLE = [case for case in CASES if case.uploadable]
QUIET = {  # thread pools and allocator arenas reduced: the limit measures data
    "MALLOC_ARENA_MAX": "1",
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEGABYTES * 2**20, MEGABYTES * 2**20))


def argv(command: str, path: Path) -> list[str]:
    if command == "validate":
        return ["validate", str(path)]
    return ["coverage", command, str(path), "--format", "json"]


RUNNING: set[subprocess.Popen] = set()
"""Worker processes under way (:func:`stop`)."""


def run_worker(module: str, runs: list, env: dict | None = None) -> list[dict]:
    """``python -m module SECONDS`` on ``runs`` (JSON on its stdin): one result per run."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, str(SECONDS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, **QUIET, **(env or {})),
        preexec_fn=limit_memory,
    )
    RUNNING.add(process)
    try:
        stdout, stderr = process.communicate(json.dumps(runs), SECONDS * len(runs) + 300)
    finally:
        RUNNING.discard(process)
        process.kill()
    results = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    assert len(results) == len(runs), f"worker died: {process.returncode}\n{stderr[-3000:]}"
    return results


def stop() -> None:
    """Kill the worker processes still running (the session ended before them)."""
    for process in list(RUNNING):
        process.kill()


def command_answers(
    corpus: dict[str, Path], env: dict | None = None
) -> dict[tuple[str, str], dict]:
    """Every corpus file through every command: (command, file name) → result."""
    found = {}
    for command in COMMANDS:
        runs = [argv(command, corpus[case.name]) for case in CASES]
        results = run_worker("tests.hostile.worker", runs, env)
        for case, result in zip(CASES, results, strict=True):
            found[command, case.name] = result
    return found


def page_uploads(corpus: dict[str, Path], data_dir: Path) -> dict[str, dict]:
    """Every uploadable corpus file into the « Importer » page: file name → result."""
    runs = [str(corpus[case.name]) for case in UPLOADABLE]
    results = run_worker("tests.hostile.app_worker", runs, {"OPSN_DATA_DIR": str(data_dir)})
    return {result["file"]: result for result in results}


class Runs:
    """Both families of runs, started at once on two threads; results waited for on demand."""

    def __init__(
        self, corpus: dict[str, Path], data_dir: Path, commands_env: dict | None = None
    ) -> None:
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hostile")
        self.commands: Future = self._pool.submit(command_answers, corpus, commands_env)
        self.uploads: Future = self._pool.submit(page_uploads, corpus, data_dir)
        self._pool.shutdown(wait=False)


# Under pytest-xdist: the controller runs them, the worker of the hostile lane reads them.

ENV = "OPSN_HOSTILE_RESULTS"
"""The folder where the controller writes the results (set for the workers it starts)."""


def _encode_commands(found: dict[tuple[str, str], dict]) -> list:
    return [[command, name, result] for (command, name), result in found.items()]


def _decode_commands(rows: list) -> dict[tuple[str, str], dict]:
    return {(command, name): result for command, name, result in rows}


def start(directory: Path) -> None:
    """Write the corpus and start :class:`Runs`, each family writing its results file.

    The pytest-xdist controller does this as the session starts: the runs use the
    cores while the workers run the other tests, and the hostile lane, handed out
    last (``tests/lanes.py``), reads the results instead of waiting for them.
    """
    from tests.hostile.corpus import write_corpus

    def failed(name: str, error: BaseException) -> None:  # the tests say why, not wait
        (directory / f"{name}.error").write_text(repr(error), encoding="utf-8")

    def written(name: str, encode) -> Callable[[Future], None]:
        def done(future: Future) -> None:
            if future.exception() is not None:
                return failed(name, future.exception())
            (directory / f"{name}.tmp").write_text(json.dumps(encode(future.result())), "utf-8")
            os.replace(directory / f"{name}.tmp", directory / f"{name}.json")

        return done

    def begin() -> None:
        try:
            corpus = {case.name: path for case, path in write_corpus(directory / "corpus")}
        except BaseException as error:
            failed("commands", error)
            return failed("uploads", error)
        (directory / "donnees").mkdir()
        (directory / "sans-base").mkdir()  # the command line on the bundled data
        runs = Runs(corpus, directory / "donnees", {"OPSN_DATA_DIR": str(directory / "sans-base")})
        runs.commands.add_done_callback(written("commands", _encode_commands))
        runs.uploads.add_done_callback(written("uploads", lambda found: found))

    threading.Thread(target=begin, name="hostile-corpus").start()


class Written:
    """A family's results as the controller writes them: ``.result()`` waits for the file."""

    def __init__(self, directory: Path, name: str, decode) -> None:
        self.directory, self.name, self.decode = directory, name, decode

    def result(self, timeout: float = 1800) -> dict:
        done, failed = self.directory / f"{self.name}.json", self.directory / f"{self.name}.error"
        deadline = time.monotonic() + timeout
        while not done.exists():
            if failed.exists():
                raise AssertionError(f"hostile runs ({self.name}): {failed.read_text()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"hostile runs ({self.name}): no results after {timeout} s")
            time.sleep(0.5)
        return self.decode(json.loads(done.read_text(encoding="utf-8")))


class WrittenRuns:
    """Both families, read from the controller's folder (same interface as :class:`Runs`)."""

    def __init__(self, directory: Path) -> None:
        self.commands = Written(directory, "commands", _decode_commands)
        self.uploads = Written(directory, "uploads", lambda found: found)
