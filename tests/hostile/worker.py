"""Run ``geo.cli.main`` on many argument lists in one process, and measure each run.

    python -m tests.hostile.worker < runs.json   # [["validate", "file.csv"], …]

Prints one JSON line per run: exit status, stdout, stderr (captured), seconds
(wall clock and processor time, :func:`processor_seconds`), peak resident memory of the process during that run (the kernel's peak is
reset before each run), and the traceback if anything escaped
``geo.cli.main``. The reference data are loaded once and shared, so that a
corpus of sixty files takes a minute rather than ten; each run still goes
through the whole command (argument parsing, reading, analysis, output).

Started by the tests with an address-space limit (``RLIMIT_AS``) and a
per-run alarm (:func:`hang_seconds`), so that a runaway read ends as a failure of that run instead
of taking the machine down.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import signal
import sys
import time
import traceback


class RunTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise RunTimeout()


def processor_seconds() -> float:
    """Processor time of this process and of the children it has waited for (the reader).

    The budget of a run is measured in processor time: on the shared 2-core machine the
    runs share the processors with the test workers, a server and Chromium, and the wall
    clock of the same run there is two to four times what it is on a quiet machine."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def hang_seconds(seconds_allowed: int) -> int:
    """The wall-clock alarm: a run still going after this is stuck, not slow."""
    return 4 * seconds_allowed


def peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # resets VmHWM (Linux ≥ 4.0)
    except OSError:
        pass


def _ends(text: str, keep: int = 10_000) -> str:
    """Head and tail of a long output (a report of a million lines is long)."""
    return text if len(text) <= 2 * keep else text[:keep] + "\n[…]\n" + text[-keep:]


def main() -> None:
    import geo.core.reference
    from geo.cli import main as geo_main

    geo.core.reference.load_reference = functools.cache(geo.core.reference.load_reference)
    runs = json.load(sys.stdin)
    seconds_allowed = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    signal.signal(signal.SIGALRM, _alarm)
    real_stdout = sys.stdout
    for argv in runs:
        out, err = io.StringIO(), io.StringIO()
        escaped = None
        reset_peak()
        start, processor = time.perf_counter(), processor_seconds()
        signal.alarm(hang_seconds(seconds_allowed))
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = geo_main(argv)
        except RunTimeout:
            code, escaped = None, "délai dépassé"
        except BaseException:
            code, escaped = None, traceback.format_exc()
        finally:
            signal.alarm(0)
        result = {
            "argv": argv,
            "code": code,
            "stdout": _ends(out.getvalue()),
            "stderr": _ends(err.getvalue()),
            "seconds": time.perf_counter() - start,
            "processor_seconds": processor_seconds() - processor,
            "peak_mb": peak_rss_mb(),
            "escaped": escaped,
        }
        print(json.dumps(result, ensure_ascii=False), file=real_stdout, flush=True)


if __name__ == "__main__":
    main()
