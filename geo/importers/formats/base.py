"""What an import format is: how its header is recognised, and the function that reads it.

A format never looks at more than the candidate header line to say « this
is me » (:attr:`ImportFormat.matches`); reading the rows after it is its
``read`` function's job, given everything it may need in one
:class:`ReadRequest`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo.core.reference import ReferenceData
from geo.importers.bounded import Limits
from geo.importers.headers import Header
from geo.importers.report import ValidationReport
from geo.importers.tables import Row, Table


@dataclass
class ImportResult:
    """Memberships kept from a file, operators it described, and the report."""

    memberships: pd.DataFrame
    operators: pd.DataFrame | None
    report: ValidationReport


@dataclass(frozen=True)
class HeaderLine:
    """A line that may be a file's header, as every format's ``matches`` sees it."""

    cells: tuple[object, ...]
    names: frozenset[str]  # the non-blank cells, folded (no case, accents, punctuation)
    roles: Mapping[str, int]  # member-list column roles (:func:`geo.importers.headers.column_role`)
    first: bool  # the first non-blank line of the file


@dataclass
class ReadRequest:
    """Everything a format's reader may use; ``rows`` are the rows after the header."""

    table: Table
    header: Header
    rows: Iterator[Row]
    path: Path | str
    content: bytes | None
    reference: ReferenceData
    registry: pd.DataFrame  # typed registry (ANCT ids, SIREN, names → registry ids)
    opsn: str | None  # operator of every row of a list without operator column
    limits: Limits
    report: ValidationReport
    #: Line number → the planner's correction of that line (member lists only).
    corrections: Mapping[int, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportFormat:
    """One kind of file people bring: its name (a contract in reports), label and reader.

    ``operators``: the file describes operators (rows of the registry), not
    memberships. ``first_line_only``: its header is the file's first
    non-blank line (else any of the first lines, after a title).
    """

    name: str
    label: str
    operators: bool
    matches: Callable[[HeaderLine], bool]
    read: Callable[[ReadRequest], ImportResult]
    first_line_only: bool = False

    def needs_operator(self, header: Header) -> bool:
        """A member list without operator column: readable once its OPSN is given."""
        return not self.operators and "opsn" not in header.roles
