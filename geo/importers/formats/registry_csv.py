"""A registry of this project (the format of ``data/opsn/registre_opsn.csv``) as an operators file."""

from __future__ import annotations

from geo.core.memberships import empty_memberships
from geo.importers.formats.base import HeaderLine, ImportFormat, ImportResult, ReadRequest
from geo.importers.headers import REGISTRY_HEADER
from geo.importers.operators import read_registry_file


def _matches(line: HeaderLine) -> bool:
    return set(REGISTRY_HEADER) <= line.names


def _read(request: ReadRequest) -> ImportResult:
    operators = read_registry_file(str(request.path), request.content)
    request.report.rows = request.report.accepted = len(operators)
    return ImportResult(empty_memberships(), operators, request.report)


FORMAT = ImportFormat(
    name="registre",
    label="registre d'OPSN (format du projet)",
    operators=True,
    matches=_matches,
    read=_read,
    first_line_only=True,
)
