"""Import formats, registered in one place: :data:`FORMATS`.

Each format is one module of this package exposing ``FORMAT`` (an
:class:`ImportFormat`: its name, French label, how its header is recognised
and the function that reads it). A file is the first format of
:data:`FORMATS` whose header matches one of its first :data:`HEAD_LINES`
non-blank lines, so that a title line above the table does no harm. Adding a
format is writing its module and adding it to :data:`FORMATS`.
"""

from __future__ import annotations

from geo.importers.formats import anct_adherents, anct_operators, member_list, registry_csv
from geo.importers.formats.base import HeaderLine, ImportFormat, ImportResult, ReadRequest
from geo.importers.headers import Header, folded, member_roles
from geo.importers.tables import HEAD_LINES, Row, is_blank

__all__ = [
    "FORMATS",
    "HeaderLine",
    "ImportFormat",
    "ImportResult",
    "ReadRequest",
    "find_header",
    "format_named",
    "sheet_kind",
]

#: In the order they are tried: the most specific header first.
FORMATS: tuple[ImportFormat, ...] = (
    anct_operators.FORMAT,
    registry_csv.FORMAT,
    anct_adherents.FORMAT,
    member_list.FORMAT,
)
_BY_NAME = {found.name: found for found in FORMATS}


def format_named(name: str) -> ImportFormat:
    """The format of a :class:`Header` (``header.format``)."""
    return _BY_NAME[name]


def find_header(head: list[Row]) -> Header | None:
    """The header among the first rows, or ``None`` when no known format shows."""
    seen = 0
    for index, (line, cells) in enumerate(head):
        if is_blank(cells):
            continue
        seen += 1
        if seen > HEAD_LINES:
            break
        roles, notes = member_roles(cells)
        candidate = HeaderLine(tuple(cells), folded(cells), roles, first=seen == 1)
        for found in FORMATS:
            if found.first_line_only and not candidate.first:
                continue
            if not found.matches(candidate):
                continue
            if found.operators:
                return Header(found.name, index, line, cells)
            if seen > 1:
                notes.insert(0, f"en-tête trouvé ligne {line} ; lignes précédentes ignorées")
            return Header(found.name, index, line, cells, roles, notes)
    return None


def sheet_kind(head: list[Row]) -> str | None:
    """What a spreadsheet sheet holds (a format name), for choosing among sheets."""
    found = find_header(head)
    return found.format if found else None
