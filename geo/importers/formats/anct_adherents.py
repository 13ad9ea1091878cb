"""The ANCT *Suite territoriale* ``adherents`` file (CSV.gz): members by SIRET and operator id."""

from __future__ import annotations

from geo.importers.formats.base import HeaderLine, ImportFormat
from geo.importers.headers import ANCT_ADHERENT_HEADER
from geo.importers.member_rows import read_member_list


def _matches(line: HeaderLine) -> bool:
    return line.names == ANCT_ADHERENT_HEADER


FORMAT = ImportFormat(
    name="anct_adherents",
    label="adhérents de la Suite territoriale (ANCT)",
    operators=False,
    matches=_matches,
    read=read_member_list,
)
