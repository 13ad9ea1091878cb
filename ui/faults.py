"""What a visitor sees when the database cannot be used: a French page message, no traceback.

``app.py`` runs every page through :func:`storage_fault_shown`: a
:class:`geo.storage.StorageError` that a page did not handle (the database
file is empty, damaged, unreadable…) becomes a message naming the file — not
the server's folders — and saying what to do. The SQLite error behind it is
logged by :mod:`geo.storage.faults`; this module sends the ``geo`` log to the
server's standard error, where the administrator reads it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from geo.storage import StorageError
from ui.markdown import md

_log = logging.getLogger("geo")
if not _log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _log.addHandler(_handler)


def storage_fault_shown(run: Callable[[], None]) -> None:
    """``run()`` (a page), with a French message instead of a storage failure."""
    try:
        run()
    except StorageError as error:
        st.error(md(f"Données enregistrées inaccessibles : {error}"), icon=":material/database:")
        st.caption(
            "Le détail technique est dans le journal du serveur. Les pages se rechargent "
            "normalement dès que la base est réparée."
        )
