"""An OPSN's own member list: any file whose header names a commune or EPCI column.

Tried last: the other formats' headers are more specific.
"""

from __future__ import annotations

from geo.importers.formats.base import HeaderLine, ImportFormat
from geo.importers.headers import IDENTIFIER_ROLES
from geo.importers.member_rows import read_member_list


def _matches(line: HeaderLine) -> bool:
    return bool(line.roles.keys() & IDENTIFIER_ROLES)


FORMAT = ImportFormat(
    name="liste_opsn",
    label="liste d'adhérents",
    operators=False,
    matches=_matches,
    read=read_member_list,
)
