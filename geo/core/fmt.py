"""French number formats: ``12 345``, ``57,3 %``, ``3,4 km²``.

The thousands separator is a narrow no-break space (U+202F) as French
typography wants; the percent sign is preceded by a no-break space.

**One rounding rule for a share** (:data:`SHARE_DIGITS`): a share of the
population is written with one decimal everywhere — headline, panel, tables,
tooltips, reports, slides, command-line text — so that one figure never reads
70 % here and 70,2 % there.
"""

from __future__ import annotations

NNBSP = "\u202f"
NBSP = "\u00a0"


def integer(value: float) -> str:
    """``68350798`` → ``68 350 798``."""
    return f"{round(value):,}".replace(",", NNBSP)


def decimal(value: float, digits: int = 1) -> str:
    """``3.14159`` → ``3,1``."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", NNBSP)


SHARE_DIGITS = 1
"""Decimals of every share shown (``70,2 %``): the one rounding rule (README)."""


def percent(share: float, digits: int = SHARE_DIGITS) -> str:
    """A share between 0 and 1 as ``57,3 %`` (:data:`SHARE_DIGITS` decimals)."""
    return f"{decimal(share * 100, digits)}{NBSP}%"


def inhabitants(value: float) -> str:
    """``12 345 habitants`` (singular below 2)."""
    return count(value, "habitant")


def count(value: float, singular: str, plural: str | None = None) -> str:
    """``0 commune``, ``1 commune``, ``12 345 communes`` (French: 0 and 1 are singular).

    The number is agreed as written (rounded): ``1.6`` is ``2 habitants``.
    """
    word = singular if abs(round(value)) < 2 else (plural or singular + "s")
    return f"{integer(value)} {word}"


MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def long_date(day) -> str:
    """``2026-11-03`` → ``3 novembre 2026`` (``1er`` for the first of the month)."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"
