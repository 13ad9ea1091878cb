"""Reading uploaded files out of the server's way: a worker process, a real deadline, a memory cap.

A file read inside the app's server holds Python's lock for as long as the
read takes: openpyxl alone spends tens of seconds on a large workbook, during
which every other visitor's page and even ``/_stcore/health`` wait. The app
therefore reads in a child process (:func:`run_isolated`):

- a fresh Python (``python -m geo.importers.isolated``: never a copy of the
  server and its threads), given the job and giving back the result through
  its standard input and output; one spare waits with the readers imported,
  so that a read does not wait for Python and pandas to start;
- limited in memory (``RLIMIT_AS``: what it holds at start plus
  :attr:`Limits.memory_bytes`), so that a file that needs too much fails
  there, not in the server;
- killed at the deadline (the files' time budgets plus a short grace), whatever
  it is doing; inside, each file still has its own deadline
  (:meth:`geo.importers.bounded.Budget.deadline_timer`), so that one slow file
  is reported and the others are read.

Whatever stops a read becomes an :class:`ImportFileError` saying what (time,
memory) and after how long. The command line reads in its own process, under
the same per-file deadline.
"""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence

from geo.core import fmt
from geo.core.paths import ROOT
from geo.importers.bounded import LIMITS, ImportFileError, Limits, megabytes

log = logging.getLogger("geo.importers")

NICENESS = 10
GRACE_SECONDS = 5.0
"""Starting the worker (a fresh Python importing pandas and the readers) and sending
the files and the result back, on a busy machine."""


def _address_space() -> int | None:
    """The process's virtual size now (Linux), to cap what it may add."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _work(function: Callable, args: tuple, memory_bytes: int) -> tuple[str, object]:
    """In the worker: cap memory, yield the processor, run, say how it went as ``(status, value)``.

    The worker is niced: on a busy machine the server (and the browsers of the
    other visitors) get the processor first; the worker shares no lock with
    them, so waiting costs only its own read.
    """
    os.nice(NICENESS)
    now = _address_space()
    if now is not None:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = now + memory_bytes
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)  # never above what the server itself was allowed
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        return "ok", function(*args)
    except ImportFileError as error:
        return "refused", str(error)
    except MemoryError:
        return "memory", None
    except Exception:  # a reader's own failure: told in French, logged in full
        return "failed", traceback.format_exc()


def _worker_main() -> None:
    """``python -m geo.importers.isolated``: a job on stdin, its outcome on stdout (pickles).

    The readers are imported before the job is waited for: the spare worker is
    ready when a file comes.
    """
    for module in PRELOAD:
        importlib.import_module(module)
    try:
        function, args, memory_bytes = pickle.load(sys.stdin.buffer)
    except EOFError:  # the server stopped, or never needed this spare
        return
    outcome = _work(function, args, memory_bytes)
    del function, args
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


PRELOAD = ("pandas", "geo.importers.memberships", "geo.planning.imports", "openpyxl")
"""Imported by a worker before it waits for its job."""
_spare: subprocess.Popen | None = None
_spare_lock = threading.Lock()


def _start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "geo.importers.isolated"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        },
    )


def _take_worker() -> subprocess.Popen:
    """The spare worker (already importing the readers), else a new one."""
    global _spare
    with _spare_lock:
        worker, _spare = _spare, None
    if worker is not None and worker.poll() is None:
        return worker
    return _start_worker()


def warm() -> None:
    """Have a worker ready (the import page calls it while the person picks a file)."""
    _keep_a_spare()


def _keep_a_spare() -> None:
    """A new spare for the next read, started once this one is done (not to slow it down).

    A worker serves one job: each read starts in a fresh process, and the next
    one does not wait for Python and pandas to start.
    """
    global _spare
    with _spare_lock:
        if _spare is None or _spare.poll() is not None:
            _spare = _start_worker()


def run_isolated(
    function: Callable,
    *args,
    names: Sequence[str],
    limits: Limits = LIMITS,
    grace: float = GRACE_SECONDS,
):
    """``function(*args)`` computed in a worker process, for the files ``names``.

    ``function`` must be a module-level function and its arguments picklable
    (data frames, bytes). The worker has ``limits.seconds`` per file (plus
    ``grace``) and :attr:`Limits.memory_bytes` of memory. Raises
    :class:`ImportFileError` (French, naming the files, saying what stopped
    the read and after how long).
    """
    job = pickle.dumps((function, args, limits.memory_bytes), protocol=pickle.HIGHEST_PROTOCOL)
    allowed = limits.seconds * max(len(names), 1) + grace
    started = time.monotonic()
    worker = _take_worker()
    try:
        out, err = worker.communicate(job, timeout=allowed)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.communicate()
        status, value = "timeout", None
    else:
        try:
            status, value = pickle.loads(out) if out else ("died", err.decode(errors="replace"))
        except (pickle.UnpicklingError, EOFError, ValueError):
            status, value = "died", err.decode(errors="replace")
    spent = time.monotonic() - started
    _keep_a_spare()
    if status == "ok":
        return value
    files = ", ".join(names) or "fichiers"
    if status == "refused":
        raise ImportFileError(value)
    if status == "timeout":
        raise ImportFileError(
            f"{files} : lecture arrêtée après {fmt.decimal(spent, 0)} s, la limite étant de "
            f"{fmt.decimal(limits.seconds, 0)} s par fichier : trop long à analyser. Découpez "
            "les fichiers en plusieurs fichiers plus petits."
        )
    killed = status == "died" and worker.returncode == -signal.SIGKILL  # the system, for memory
    if status == "memory" or killed:
        raise ImportFileError(
            f"{files} : lecture arrêtée après {fmt.decimal(spent, 0)} s : la lecture demandait "
            f"plus de {megabytes(limits.memory_bytes)} de mémoire. Découpez les fichiers en "
            "plusieurs fichiers plus petits."
        )
    log.error("reading worker for %s: %s (exit code %s)", files, value, worker.returncode)
    raise ImportFileError(
        f"{files} : lecture impossible (erreur inattendue du lecteur, détaillée dans le journal "
        "du serveur) ; enregistrez le fichier de nouveau (CSV ou XLSX) et réessayez."
    )


if __name__ == "__main__":
    _worker_main()
