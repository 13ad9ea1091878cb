"""Every CSV the project writes, from one function: no cell a spreadsheet would run.

Excel, LibreOffice and Google Sheets evaluate a cell that starts with ``=``,
``+``, ``-`` or ``@`` (``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``, ``-2+3``,
``@SUM(…)``), and some strip leading spaces, tabs or line breaks before doing so.
Names, reasons and values come from files and people anyone can be, and every
CSV ends up opened in a spreadsheet (the published registry included), so
every text cell that would be evaluated is prefixed with an apostrophe, which
makes it plain text (https://owasp.org/www-community/attacks/CSV_Injection).

Numbers are not text: numeric columns are never touched, and a text cell that
is exactly a number (``-12``, ``+3,5``) is no formula either.

The guard round-trips: :func:`restore` removes the apostrophe that
:func:`neutralise` added, and only that one. A cell already starting with
apostrophes before a trigger gets one more (``'=x`` → ``''=x``), so that
reading back always gives the value written — which is how the published
registry (``db export`` → ``data/opsn/``) keeps an OPSN named ``=x`` as it is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet evaluate (or strip then evaluate) a cell."""

# A trigger first, or after spaces and line breaks (some spreadsheets trim them).
_TRIGGER = re.compile(r"^'*(?:[\t\r]|\s*[=+\-@])")
_PLAIN_NUMBER = re.compile(r"^'*[+-]?\d+(?:[.,]\d+)?$")


def is_formula_like(text: str) -> bool:
    """True if a spreadsheet could evaluate ``text`` typed into a cell as it is."""
    return bool(_TRIGGER.match(text)) and text[:1] != "'" and not _PLAIN_NUMBER.match(text)


def _guarded(text: str) -> bool:
    """True if ``text``, once its leading apostrophes are set aside, would be evaluated."""
    return bool(_TRIGGER.match(text)) and not _PLAIN_NUMBER.match(text)


def neutralise(value: object) -> object:
    """``value`` with an apostrophe in front if it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and _guarded(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """A cell of a CSV written by :func:`write_csv` back to the value that was written."""
    if value[:1] == "'" and _guarded(value):
        return value[1:]
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


def write_csv(
    table: pd.DataFrame,
    *,
    decimal: str = ".",
    line_end: str = "\r\n",
    notes: Iterable[str] = (),
) -> str:
    """``table`` as ``;``-separated CSV text, every cell neutralised; ``notes`` below it.

    The one writer of the project's CSV: French Excel tables (``decimal=","``,
    notes after an empty line), command-line tables for scripts, and the
    published registry and memberships (``line_end="\\n"``, all text, read
    back by :func:`restore`). Fields are quoted only when needed: a separator,
    a quote, or a line break inside — a carriage return too, whatever the line
    end, so that a name holding one stays in its cell.
    """
    safe = neutralise_frame(table)
    if line_end == "\r\n":
        text = safe.to_csv(
            sep=";",
            index=False,
            decimal=decimal,
            lineterminator=line_end,
            quoting=csv.QUOTE_MINIMAL,
        )
    else:  # csv quotes only the characters of its line end: write CRLF rows, then cut
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        lines = []
        for row in [safe.columns, *safe.astype(str).itertuples(index=False)]:
            writer.writerow(row)
            lines.append(buffer.getvalue()[:-2] + line_end)
            buffer.seek(0)
            buffer.truncate()
        text = "".join(lines)
    notes = list(notes)
    if notes:
        text += line_end + "".join(
            '"' + str(neutralise(str(line))).replace('"', '""') + '"' + line_end for line in notes
        )
    return text
