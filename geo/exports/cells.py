"""Cells a spreadsheet will not run (OWASP rule against CSV/formula injection).

The rule lives in :mod:`geo.core.csvfile`, with the one CSV writer, so that
the storage's published files follow it too; the exports import it from here.
"""

from geo.core.csvfile import FORMULA_TRIGGERS, is_formula_like, neutralise, neutralise_frame

__all__ = ["FORMULA_TRIGGERS", "is_formula_like", "neutralise", "neutralise_frame"]
