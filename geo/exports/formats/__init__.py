"""Export formats, registered in one place: :class:`ExportKind` and :data:`FORMATS`.

Each format is one module of this package exposing ``FORMAT`` (an
:class:`ExportFormat`: its French label, extensions and MIME types, file name
stem, the views it exists for, its command-line options, its buttons in the
app's « Exporter » menu and the function that makes its bytes). The kind's
value is the word of the command line (``python -m geo export map``). Adding a
format is writing its module, adding its member to :class:`ExportKind` and its
line to :data:`FORMATS`; the command line, :func:`geo.exports.files.export_file`
and the app's menu read it from there. The modules import matplotlib, openpyxl
or folium only when a file is made.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from geo.exports.formats import html_map, report, static_map, tables
from geo.exports.formats.base import (
    CommandOptions,
    Download,
    ExportError,
    ExportFormat,
    ExportRequest,
    Settings,
)

__all__ = [
    "DOWNLOADS",
    "FORMATS",
    "MIME_TYPES",
    "CommandOptions",
    "Download",
    "ExportError",
    "ExportFormat",
    "ExportKind",
    "ExportRequest",
    "Settings",
    "export_format",
]


class ExportKind(StrEnum):
    """What an export makes of a view; the value is the command line's word."""

    MAP = "map"
    REPORT = "report"
    HTML = "html"
    TABLES = "tables"

    @property
    def format(self) -> ExportFormat:
        return FORMATS[self]

    @property
    def label(self) -> str:
        """French: « carte », « rapport de territoire »…"""
        return self.format.label

    @property
    def suffixes(self) -> tuple[str, ...]:
        """The file extensions it writes, the default first."""
        return self.format.suffixes


#: In the order of the app's « Exporter » menu.
FORMATS: dict[ExportKind, ExportFormat] = {
    ExportKind.MAP: static_map.FORMAT,
    ExportKind.REPORT: report.FORMAT,
    ExportKind.HTML: html_map.FORMAT,
    ExportKind.TABLES: tables.FORMAT,
}

DOWNLOADS: tuple[Download, ...] = tuple(
    replace(download, kind=kind) for kind, found in FORMATS.items() for download in found.downloads
)
"""What the app's « Exporter » menu offers, in order."""

MIME_TYPES: dict[str, str] = {
    suffix: mime for found in FORMATS.values() for suffix, mime in found.media.items()
}


def export_format(kind: str) -> tuple[ExportKind, ExportFormat]:
    """The kind named by the word ``kind`` and its format; a French error for another word."""
    try:
        found = ExportKind(kind)
    except ValueError:
        raise ExportError(f"export « {kind} » inconnu : {', '.join(ExportKind)}") from None
    return found, found.format
