"""Values of single cells as people type them: text, dates in every French habit."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pandas as pd

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]*)?$")
_SERIAL = re.compile(r"^(\d{5})(?:[.,]0+)?$")
_YEAR = re.compile(r"^(\d{4})$")
EXCEL_EPOCH = datetime(1899, 12, 30)
FIRST_YEAR, LAST_YEAR = 1900, 2100


def text_of(cell: object) -> str:
    """A cell as stripped text; Excel's ``1001.0`` as ``1001``; empty for ``None``."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def french_date(day: pd.Timestamp) -> str:
    return day.strftime("%d/%m/%Y")


def parse_date(cell: object) -> tuple[pd.Timestamp | None, str | None, bool]:
    """A date cell as (timestamp, French note, corrected).

    Accepts ``JJ/MM/AAAA`` (also ``-`` or ``.``, two-digit years), ISO
    ``AAAA-MM-JJ``, Excel date cells and Excel serial numbers, a year alone
    (read as 1 January). ``(None, message, False)`` when unreadable or outside
    1900-2100.
    """
    if cell is None or (isinstance(cell, float) and cell != cell):
        return None, None, False
    text = text_of(cell)
    if isinstance(cell, datetime | date):
        if not FIRST_YEAR <= cell.year <= LAST_YEAR:
            return None, f"date « {text} » hors de la période 1900-2100 : ignorée", False
        return pd.Timestamp(cell.year, cell.month, cell.day), None, False
    if not text:
        return None, None, False
    expected = "attendu JJ/MM/AAAA ou AAAA-MM-JJ"
    shown = text if len(text) <= 40 else text[:39] + "…"
    note = None
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000 if year < 70 else 1900
        if len(match.group(3)) != 4:
            note = "lue comme"
    elif match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _SERIAL.match(text):
        serial = (EXCEL_EPOCH + timedelta(days=int(match.group(1)))).date()
        year, month, day = serial.year, serial.month, serial.day
        note = "numéro"
    elif _YEAR.match(text):
        year, month, day = int(text), 1, 1
        note = "année"
    else:
        return None, f"date « {shown} » illisible ({expected}) : ignorée", False
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None, f"date « {shown} » hors de la période 1900-2100 : ignorée", False
    try:
        value = pd.Timestamp(year, month, day)
    except ValueError:
        return None, f"date « {shown} » impossible ({expected}) : ignorée", False
    if note == "lue comme":
        note = f"date « {text} » lue comme {french_date(value)}"
    elif note == "numéro":
        note = f"numéro de date Excel « {text} » lu comme {french_date(value)}"
    elif note == "année":
        note = f"année seule « {text} » lue comme {french_date(value)}"
    return value, note, note is not None
