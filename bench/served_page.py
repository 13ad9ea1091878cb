"""A benchmark page served as ``serve.py`` serves the app (``bench_map.py``).

``python bench/served_page.py SCRIPT --port P --address A``: ``SCRIPT`` through
``st.App`` and uvicorn with the same middleware (``ui.serving``), without the
app's warm-up, so that the floor and the map alone can be compared with the app
on the same server as well as on Streamlit's own.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from ui.serving import PreloadMiddleware, run  # noqa: E402

script = Path(sys.argv[1]).resolve()
app = st.App(
    script, middleware=[Middleware(PreloadMiddleware, app_static=script.parent / "static")]
)

if __name__ == "__main__":
    run(app, sys.argv[2:])
