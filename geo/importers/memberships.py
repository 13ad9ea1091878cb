"""Who joined which OPSN: one entry point for every file people bring.

:func:`read_memberships` recognises the file by its header (the formats
registered in :mod:`geo.importers.formats`: ANCT *Suite territoriale*
``operators`` CSV, ANCT ``adherents`` CSV.gz, a registry of this project, or
an OPSN's own CSV/TSV/XLSX list) and hands it to that format's reader, which
returns what was kept together with a :class:`ValidationReport` naming the
file, the line and the value of every correction and rejection: bad input
must never crash nor silently lose data. The counting rule of member lists is
in :mod:`geo.importers.member_rows`. A file that cannot be read at all raises
:class:`ImportFileError` (French message naming the file).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd

from geo.core.memberships import memberships_frame
from geo.core.paths import OPSN_DIR
from geo.core.reference import ReferenceData
from geo.importers.bounded import (
    LIMITS,
    Budget,
    ImportFileError,
    Limits,
    display_name,
    release_memory,
)
from geo.importers.cells import parse_date
from geo.importers.formats import (
    ImportResult,
    ReadRequest,
    find_header,
    format_named,
    sheet_kind,
)
from geo.importers.headers import Header, first_line_shown
from geo.importers.registry_file import load_registry
from geo.importers.report import ValidationReport
from geo.importers.tables import HEAD_LINES, Row, Table, open_table, read_text_frame

__all__ = [
    "ImportFileError",
    "ImportResult",
    "ValidationReport",
    "load_bundled_memberships",
    "needs_operator",
    "open_import",
    "read_memberships",
]

BUNDLED_PATH = OPSN_DIR / "adhesions.csv"


# --------------------------------------------------------------------------- entry points


def open_import(
    path: Path | str,
    content: bytes | None = None,
    *,
    sheet: str | None = None,
    limits: Limits = LIMITS,
    budget: Budget | None = None,
) -> Table:
    """The file's table, read within the limits (before any reference data is needed).

    ``content`` lets the app pass an uploaded file's bytes (``path`` then only
    names it); ``sheet`` names the sheet of a workbook holding several lists.
    """
    name = display_name(path)
    budget = budget or Budget(name, limits.seconds)
    try:
        with budget.deadline_timer():  # opening a workbook is long, and checks nothing
            return open_table(
                path, content, limits=limits, budget=budget, sheet_kind=sheet_kind, sheet=sheet
            )
    except MemoryError:
        raise _out_of_memory(name) from None


def needs_operator(
    path: Path | str, content: bytes | None = None, *, sheet: str | None = None
) -> bool:
    """True for a member list without operator column: readable once its OPSN is given.

    Only the first lines are read (the header tells). A file that cannot be
    read at all gives ``False``: reading it says why.
    """
    try:
        return lacks_operator(head_of(path, content, sheet=sheet))
    except ImportFileError:
        return False


def head_of(path: Path | str, content: bytes | None = None, *, sheet: str | None = None):
    """The header found in the file's first lines (``None``: none recognised), within the
    file's time budget; :class:`ImportFileError` for a file that cannot be opened."""
    budget = Budget(display_name(path))
    with budget.deadline_timer():
        return find_header(open_import(path, content, sheet=sheet, budget=budget).head())


def lacks_operator(header) -> bool:
    """Whether a header is that of a member list without operator column."""
    return header is not None and format_named(header.format).needs_operator(header)


def read_memberships(
    path: Path | str,
    reference: ReferenceData,
    registry: pd.DataFrame | None = None,
    content: bytes | None = None,
    opsn: str | None = None,
    *,
    sheet: str | None = None,
    table: Table | None = None,
    limits: Limits = LIMITS,
    corrections: Mapping[int, object] | None = None,
) -> ImportResult:
    """Read any membership or operators file; see the module docstring for the counting rule.

    ``opsn`` is the operator of every row when the file has no operator
    column (or leaves it empty). ``registry`` defaults to the bundled one; it
    maps ANCT uuids, SIREN, acronyms and names to registry ids. ``table`` is
    a table already opened by :func:`open_import`. ``corrections`` maps line
    numbers of a member list to the planner's corrections of those lines
    (:class:`geo.importers.members.Correction`). Raises
    :class:`ImportFileError` when the file cannot be read at all.
    """
    name = display_name(path)
    # a table opened by the caller has spent part of its file's time already
    budget = (table.budget if table is not None else None) or Budget(name, limits.seconds)
    try:
        with budget.deadline_timer():
            if table is None:
                table = open_import(path, content, sheet=sheet, limits=limits, budget=budget)
            registry = load_registry() if registry is None else registry
            return _interpret(
                table, path, content, reference, registry, opsn, limits, corrections or {}
            )
    except MemoryError:
        message = str(_out_of_memory(name))
    except ImportFileError as error:
        message = str(error)
    # Out of the except block: the error and the frames it holds (the file's
    # text, its rows) are gone, so their memory can be handed back.
    table = content = None
    release_memory()
    raise ImportFileError(message)


def _out_of_memory(name: str) -> ImportFileError:
    return ImportFileError(
        f"{name} : mémoire insuffisante pour lire ce fichier ; découpez-le en plusieurs "
        "fichiers plus petits."
    )


def _interpret(
    table: Table,
    path: Path | str,
    content: bytes | None,
    reference: ReferenceData,
    registry: pd.DataFrame,
    opsn: str | None,
    limits: Limits,
    corrections: Mapping[int, object],
) -> ImportResult:
    report = ValidationReport(file=table.name, read_as=table.describe(), max_issues=limits.issues)
    report.notes.extend(table.notes)
    head = table.head(HEAD_LINES)
    header = find_header(head)
    if header is None:
        raise ImportFileError(
            f"{table.name} : format non reconnu — aucune colonne code INSEE, SIREN, SIRET ou "
            f"nom de commune dans les {HEAD_LINES} premières lignes (première ligne lue : "
            f"« {first_line_shown(head)} »). Attendu : une liste d'adhérents avec une ligne "
            "d'en-tête, ou un fichier « operators » ou « adherents » de l'ANCT."
        )
    found = format_named(header.format)
    report.format, report.format_label = found.name, found.label
    report.notes.extend(header.notes)
    request = ReadRequest(
        table=table,
        header=header,
        rows=_after_header(table.rows, header),
        path=path,
        content=content,
        reference=reference,
        registry=registry,
        opsn=opsn,
        limits=limits,
        report=report,
        corrections=corrections,
    )
    return found.read(request)


def _after_header(rows: Iterator[Row], header: Header) -> Iterator[Row]:
    for _ in range(header.index + 1):
        next(rows, None)
    return rows


# --------------------------------------------------------------------------- bundled data


def load_bundled_memberships(path: Path | str | None = None) -> pd.DataFrame:
    """The sourced memberships shipped in ``data/opsn/adhesions.csv``.

    Read directly (no reference data needed): in that file ``insee`` is the
    current commune for a commune member and empty for an EPCI member, whose
    SIREN is then in ``siren``. The tests check that :func:`read_memberships`
    reads the same file to the same rows with nothing rejected.
    """
    path = Path(path) if path is not None else BUNDLED_PATH
    raw = read_text_frame(path)
    depuis = [parse_date(text)[0] for text in raw["depuis"]]
    jusqu_a = [parse_date(text)[0] for text in raw["jusqu_a"]]
    return memberships_frame(
        {
            "opsn": raw["opsn"],
            "insee": raw["insee"],
            "epci": [
                siren if not insee else ""
                for insee, siren in zip(raw["insee"], raw["siren"], strict=True)
            ],
            "depuis": depuis,
            "jusqu_a": jusqu_a,
            "source": [path.name] * len(raw),
            "ligne": range(2, len(raw) + 2),
            "reference": raw["source"],
        }
    )
