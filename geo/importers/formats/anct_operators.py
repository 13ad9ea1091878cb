"""The ANCT *Suite territoriale* ``operators`` CSV: operators with their departments."""

from __future__ import annotations

from geo.core.memberships import empty_memberships
from geo.importers.formats.base import HeaderLine, ImportFormat, ImportResult, ReadRequest
from geo.importers.headers import ANCT_OPERATOR_HEADER
from geo.importers.operators import read_anct_operators


def _matches(line: HeaderLine) -> bool:
    return set(ANCT_OPERATOR_HEADER) <= line.names and "departements" in line.names


def _read(request: ReadRequest) -> ImportResult:
    operators = read_anct_operators(
        request.rows,
        request.header,
        request.registry,
        request.reference,
        request.report,
        request.limits,
    )
    return ImportResult(empty_memberships(), operators, request.report)


FORMAT = ImportFormat(
    name="anct_operateurs",
    label="opérateurs de la Suite territoriale (ANCT)",
    operators=True,
    matches=_matches,
    read=_read,
    first_line_only=True,
)
