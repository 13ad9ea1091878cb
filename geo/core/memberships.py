"""The membership schema: who joined which OPSN, since and until when, from which line of which file.

One table shape for every source — the bundled file, an imported list, a
saved version — so that coverage, storage and exports read memberships the
same way. ``insee`` is a current commune (empty for an EPCI member, whose
SIREN is in ``epci``); ``depuis`` / ``jusqu_a`` are optional days.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

MEMBERSHIP_COLUMNS = ("opsn", "insee", "epci", "depuis", "jusqu_a", "source", "ligne", "reference")
TEXT_COLUMNS = ("opsn", "insee", "epci", "source", "reference")
DATE_COLUMNS = ("depuis", "jusqu_a")


def memberships_frame(
    data: pd.DataFrame | Mapping[str, object] | Sequence[Mapping] | None = None,
) -> pd.DataFrame:
    """Memberships with exactly the schema's columns and types (text, days, line number).

    ``data``: a table, columns by name, or rows; missing text is empty, a
    missing line number 0. Columns already of the right type are not
    converted again (an import of a million lines passes here).
    """
    if data is None:
        data = {column: [] for column in MEMBERSHIP_COLUMNS}
    frame = pd.DataFrame(data, columns=list(MEMBERSHIP_COLUMNS), copy=False)
    for column in TEXT_COLUMNS:
        if frame[column].dtype != "str" or frame[column].isna().any():
            frame[column] = frame[column].astype(object).fillna("").astype("str")
    for column in DATE_COLUMNS:
        if frame[column].dtype != "datetime64[ns]":
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    if frame["ligne"].dtype != "int64":
        frame["ligne"] = pd.to_numeric(frame["ligne"]).fillna(0).astype("int64")
    return frame.reset_index(drop=True)


def empty_memberships() -> pd.DataFrame:
    """No membership, with the schema's columns and types."""
    return memberships_frame()
