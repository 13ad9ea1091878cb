"""Exports: tables (CSV, XLSX), static maps (PNG, PDF), territory reports, standalone HTML.

Every export carries the counting rule, the vintages and the data credit, and
no cell of a CSV or spreadsheet can be evaluated as a formula
(:mod:`geo.exports.cells`). The modules import matplotlib or openpyxl only
when used, so that the app and the command line start as fast as before.
"""

from geo.exports.csv import csv_bytes

__all__ = ["csv_bytes"]
