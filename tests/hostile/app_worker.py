"""Upload files one by one into the app's « Importer » page (AppTest), and measure each upload.

    OPSN_DATA_DIR=/tmp/x python -m tests.hostile.app_worker 30 < files.json

One AppTest session, signed in (as the sign-in page would leave it) and on
the import page; for each file: the uploader receives it, the page runs, and
one JSON line says what the page showed (errors, warnings, infos, successes,
captions, as plain text), whether Streamlit caught an exception, how long the
run took (wall clock, and processor time of this process and of the reader it
waited for) and the peak resident memory of the process during it. The uploader
is emptied between files, as a person removing a file would.
"""

from __future__ import annotations

import json
import signal
import sys
import time

from tests.hostile.worker import (
    RunTimeout,
    _alarm,
    hang_seconds,
    peak_rss_mb,
    processor_seconds,
    reset_peak,
)
from tests.markup import shown

UPLOADER = "import_files"  # ui/pages/importer.py


def plain(markdown: str) -> str:
    """What a Markdown renderer shows for escaped text."""
    return shown(markdown)


def main() -> None:
    from streamlit.testing.v1 import AppTest

    from geo.access.auth import Identity
    from geo.core.paths import ROOT

    seconds_allowed = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    paths = json.load(sys.stdin)
    page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    page.session_state["identity"] = Identity("Test", "password")
    page.run()
    page.switch_page("ui/pages/importer.py")
    page.run()
    signal.signal(signal.SIGALRM, _alarm)
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        name = path.rsplit("/", 1)[-1]
        escaped = None
        reset_peak()
        start, processor = time.perf_counter(), processor_seconds()
        signal.alarm(hang_seconds(seconds_allowed) + 5)
        try:
            page.file_uploader(key=UPLOADER).set_value([(name, data, "text/csv")])
            page.run(timeout=hang_seconds(seconds_allowed))
        except RunTimeout:
            escaped = "délai dépassé"
        except BaseException as error:  # what escapes is the failure we look for
            escaped = f"{type(error).__name__}: {error}"
        finally:
            signal.alarm(0)
        seconds = time.perf_counter() - start
        result = {
            "file": name,
            "seconds": seconds,
            "processor_seconds": processor_seconds() - processor,
            "peak_mb": peak_rss_mb(),
            "escaped": escaped,
            "exceptions": [str(e.value) for e in page.exception],
            "errors": [plain(e.value) for e in page.error],
            "warnings": [plain(w.value) for w in page.warning],
            "successes": [plain(s.value) for s in page.success],
            "infos": [plain(i.value) for i in page.info],
            "captions": [plain(c.value) for c in page.caption],
        }
        print(json.dumps(result, ensure_ascii=False), flush=True)
        page.file_uploader(key=UPLOADER).set_value([])
        page.run()
        del data


if __name__ == "__main__":
    main()
