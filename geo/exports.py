"""Exports people open in French Excel: CSV with ``;``, UTF-8 with BOM, decimal comma.

The data credit and the counting rule follow the table, after an empty line,
so that the file still opens as a plain table and nobody loses the source.
"""

from __future__ import annotations

import io

import pandas as pd

from geo.stats import CREDITS


def csv_bytes(table: pd.DataFrame, notes: list[str] | None = None) -> bytes:
    """The table as CSV bytes for French Excel, with ``notes`` (rule, credits) below."""
    buffer = io.StringIO()
    table.to_csv(buffer, sep=";", index=False, decimal=",", lineterminator="\r\n")
    lines = [*(notes or []), CREDITS]
    buffer.write("\r\n")
    for line in lines:
        buffer.write('"' + line.replace('"', '""') + '"\r\n')
    return buffer.getvalue().encode("utf-8-sig")
