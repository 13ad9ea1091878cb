"""Files a page received through ``st.file_uploader``, as the server's upload guard sees them.

The guard (``ui.guard``) drops from memory an upload that no page has read within a
few minutes, or that pages stopped reading. :func:`read_uploads` is what a page calls
on the uploader's value: it marks the files as in use, and says in French which of
the files seen before the server has dropped since (the uploader still lists them).
"""

from __future__ import annotations

import streamlit as st

from geo.access.uploads import IDLE_SECONDS
from ui.guard import ledger
from ui.markdown import md


def read_uploads(files, key: str) -> list:
    """The uploader ``key``'s files (``None``, one or a list), marked as read."""
    found = [] if files is None else list(files) if isinstance(files, list) else [files]
    ledger().mark_read(f.file_id for f in found)
    seen_key = f"_uploads_seen_{key}"
    present = {f.file_id: f.name for f in found}
    for file_id, name in st.session_state.get(seen_key, {}).items():
        if file_id not in present and ledger().was_dropped(file_id):
            st.warning(
                md(
                    f"« {name} » a été retiré de la mémoire du serveur : il n'avait pas servi "
                    f"depuis plusieurs minutes (au plus {IDLE_SECONDS // 60} min). Retirez-le "
                    "de la liste ci-dessus et déposez-le de nouveau."
                )
            )
    st.session_state[seen_key] = present
    return found
