"""One page of the app (AppTest), run in its own process: what a visitor would see, as JSON.

``python -m tests.storage.page_check ui/pages/registre.py`` with ``OPSN_DATA_DIR``
set: the fault tests run it as an ordinary user, on a folder they made
read-only, and read the last line of its output.
"""

from __future__ import annotations

import json
import sys

from streamlit.testing.v1 import AppTest

from geo.core.paths import ROOT

if __name__ == "__main__":
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    if sys.argv[1:]:
        at.switch_page(sys.argv[1])
        at.run()
    shown = {
        "exceptions": [e.value for e in at.exception],
        "errors": [e.value for e in at.error],
        "titles": [t.value for t in at.title],
    }
    print(json.dumps(shown, ensure_ascii=False))
