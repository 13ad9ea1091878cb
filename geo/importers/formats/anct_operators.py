"""The ANCT *Suite territoriale* ``operators`` CSV: operators with their departments."""

from __future__ import annotations

from geo.core.memberships import empty_memberships
from geo.importers.formats.base import HeaderLine, ImportFormat, ImportResult, ReadRequest
from geo.importers.operators import read_anct_operators

#: Columns its header always has, folded (plus ``departements``).
HEADER = ("id", "nom", "nom avec article", "statut", "url", "siret", "services", "departements")


def _matches(line: HeaderLine) -> bool:
    return set(HEADER) <= line.names


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
