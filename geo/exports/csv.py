"""CSV that French Excel opens as it is: ``;``, UTF-8 with BOM, decimal comma, CRLF.

The data credit and the counting rule follow the table, after an empty line,
so that the file still opens as a plain table and nobody loses the source.
Both writers here are :func:`geo.core.csvfile.write_csv` (no cell a
spreadsheet would run as a formula).
"""

from __future__ import annotations

import pandas as pd

from geo.core.csvfile import write_csv
from geo.core.stats import CREDITS


def csv_bytes(table: pd.DataFrame, notes: list[str] | None = None) -> bytes:
    """The table as CSV bytes for French Excel, with ``notes`` (rule, credits) below."""
    return write_csv(table, decimal=",", notes=[*(notes or []), CREDITS]).encode("utf-8-sig")


def script_csv(table: pd.DataFrame) -> str:
    """A table for scripts (``--format csv`` on stdout): ``;``, point decimals, neutralised.

    The command-line CSV keeps its column names and machine values (a contract
    for scripts); only the cells a spreadsheet would evaluate are neutralised,
    since these files end up opened in one too. Lines end with CRLF (RFC 4180),
    so that a name holding a carriage return is quoted and stays one cell
    instead of starting a new line that begins with a formula.
    """
    return write_csv(table)
