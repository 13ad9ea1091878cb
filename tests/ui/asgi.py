"""Running the ASGI middlewares of ``serve.py`` in tests."""

from __future__ import annotations

import asyncio
import threading


def run_in_thread(coroutine):
    """``asyncio.run`` in a thread of its own: the browser tests' Playwright may run an
    event loop in the test's thread."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(coroutine)))
    thread.start()
    thread.join()
    return result[0]
