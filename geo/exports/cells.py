"""Cells a spreadsheet will not run: the OWASP rule against CSV/formula injection.

Excel, LibreOffice and Google Sheets evaluate a cell that starts with ``=``,
``+``, ``-`` or ``@`` (``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``, ``-2+3``,
``@SUM(…)``), and some strip a leading tab or carriage return before doing so.
Names in the exports come from files anyone can upload (OPSN, communes,
territories named after them), so every text cell that starts with one of those
characters is prefixed with an apostrophe, which makes it plain text
(https://owasp.org/www-community/attacks/CSV_Injection).

Numbers are not text: numeric columns are never touched, so a genuine negative
number stays a number; a text cell that is exactly a number (``-12``, ``+3,5``)
is no formula either and is kept as it is.
"""

from __future__ import annotations

import re

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet evaluate (or strip then evaluate) a cell."""

_TRIGGER = re.compile(r"^[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def is_formula_like(text: str) -> bool:
    """True if a spreadsheet could evaluate ``text`` typed into a cell as it is."""
    return bool(_TRIGGER.match(text)) and not _PLAIN_NUMBER.match(text)


def neutralise(value: object) -> object:
    """``value`` with an apostrophe in front if it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def neutralise_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` whose text cells and headers are neutralised; numbers untouched.

    Vectorised per column: only text columns (object or string dtype) are looked at.
    """
    result = table.copy()
    for position in range(table.shape[1]):
        series = table.iloc[:, position]
        if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
            continue
        text = series.map(lambda v: v if isinstance(v, str) else "", na_action="ignore")
        text = text.fillna("").astype(str)
        flagged = text.str.match(_TRIGGER.pattern) & ~text.str.fullmatch(_PLAIN_NUMBER.pattern)
        if flagged.any():
            values = series.astype(object).where(~flagged, "'" + text)
            result.isetitem(position, values)
    result.columns = [neutralise(c) for c in table.columns]
    return result
