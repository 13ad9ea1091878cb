"""The atlas that the atlas tests open, exported once per session.

Under pytest-xdist the controller starts ``python -m geo export site`` in a
subprocess as the session begins (``tests/conftest.py``): its twenty-odd seconds of
one core run beside the other tests instead of in the browser worker, and the atlas
tests, last of the browser lane (``tests/lanes.py``), open the folder it wrote.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from geo.core.paths import ROOT

ENV = "OPSN_TEST_ATLAS"
"""The folder of the controller's export (set for the workers it starts)."""
STARTED: list[subprocess.Popen] = []


def command(out: Path) -> list[str]:
    return [sys.executable, "-m", "geo", "export", "site", "--out", str(out), "--donnees-livrees"]


def start(directory: Path) -> None:
    """Start the export into ``directory/atlas``; ``directory/status`` gets its exit status."""
    env = dict(os.environ, OPSN_DATA_DIR=str(directory / "donnees"))
    log = (directory / "export.log").open("wb")
    process = subprocess.Popen(
        command(directory / "atlas"), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    STARTED.append(process)

    def wait() -> None:
        code = process.wait()
        log.close()
        (directory / "status.tmp").write_text(str(code), encoding="utf-8")
        os.replace(directory / "status.tmp", directory / "status")

    threading.Thread(target=wait, name="atlas-export", daemon=True).start()


def stop() -> None:
    """Kill an export still running (the session ended before it)."""
    for process in STARTED:
        process.kill()


def written(directory: Path, timeout: float = 900) -> Path:
    """The atlas folder once the export has ended; an assertion error with its log if it
    failed."""
    status = directory / "status"
    deadline = time.monotonic() + timeout
    while not status.exists():
        assert time.monotonic() < deadline, f"atlas export: not done after {timeout} s"
        time.sleep(0.5)
    log = (directory / "export.log").read_text(encoding="utf-8", errors="replace")
    assert status.read_text(encoding="utf-8") == "0", f"atlas export failed:\n{log[-3000:]}"
    assert "Atlas écrit" in log, log[-3000:]
    return directory / "atlas"
