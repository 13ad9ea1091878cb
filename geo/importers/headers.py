"""What each column of a file means, from its header line.

Headers are matched without case, accents or punctuation (:func:`geo.core.text.fold`).
Which format a file is, and where its header is, is told by the formats
themselves (:mod:`geo.importers.formats`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from geo.core.text import fold
from geo.importers.tables import Row, is_blank

#: The ANCT *Suite territoriale* ``operators`` CSV (plus ``departements``), folded.
ANCT_OPERATOR_HEADER = ("id", "nom", "nom avec article", "statut", "url", "siret", "services")
#: The ANCT ``adherents`` CSV, folded.
ANCT_ADHERENT_HEADER = frozenset({"organisation siret", "operateur id"})
#: The registry of this project (``data/opsn/registre_opsn.csv``), folded.
REGISTRY_HEADER = ("id", "nom", "sigle", "portee", "departements", "siren", "siret", "anct id")
IDENTIFIER_ROLES = frozenset({"insee", "siren", "siret", "nom"})
#: Words of a membership's start-date column (« Date d'adhésion », « Début »), folded.
_START_WORDS = frozenset(fold(word) for word in ("adhésion", "début", "entrée"))


def column_role(header: object) -> str | None:
    """Meaning of a column from its header, whatever its case, accents or punctuation.

    Returns ``insee``, ``siren``, ``siret``, ``nom``, ``departement``,
    ``opsn``, ``depuis``, ``jusqu_a``, ``reference`` or ``None``.
    """
    text = fold(header)
    tokens = set(text.split())
    if not text:
        return None
    if "siret" in tokens:
        return "siret"
    if "siren" in tokens:
        return "siren"
    if "postal" in tokens or text in ("cp", "code postal"):
        return None
    if tokens & {"insee", "cog", "codgeo", "depcom"} or text in (
        "code commune",
        "code de la commune",
        "code com",
        "codecommune",
        "com",
    ):
        return "insee"
    if tokens & {"opsn", "operateur", "operateurs"} or text == "operateur id":
        return "opsn"
    if tokens & {"departement", "dep", "dept", "dpt", "departements"}:
        return "departement"
    if text.startswith("jusqu") or tokens & {"fin", "sortie", "retrait", "resiliation"}:
        return "jusqu_a"
    if text.startswith("depuis") or tokens & _START_WORDS or text == "date":
        return "depuis"
    if text in ("source", "sources", "url source", "reference"):
        return "reference"
    if tokens & {
        "nom",
        "commune",
        "collectivite",
        "libelle",
        "denomination",
        "adherent",
        "organisation",
        "ville",
        "raison",
    }:
        return "nom"
    return None


@dataclass
class Header:
    """Where the table starts and what it is."""

    format: str  # the name of its format (geo.importers.formats)
    index: int  # position of the header row among the rows read
    line: int  # its line number in the file
    cells: Sequence[object]
    roles: dict[str, int] = field(default_factory=dict)  # member lists: role → column
    notes: list[str] = field(default_factory=list)


def folded(cells: Sequence[object]) -> frozenset[str]:
    """The non-blank cells of a line, folded."""
    return frozenset(fold(c) for c in cells if c is not None and str(c).strip())


def member_roles(cells: Sequence[object]) -> tuple[dict[str, int], list[str]]:
    """Column of each role (the first column wins) and notes on the columns left aside."""
    roles: dict[str, int] = {}
    notes = []
    for position, cell in enumerate(cells):
        role = column_role(cell)
        if role is None:
            continue
        if role in roles:
            notes.append(
                f"colonne « {cell} » ignorée : la colonne « {cells[roles[role]]} » "
                "donne déjà cette information"
            )
            continue
        roles[role] = position
    return roles, notes


def first_line_shown(head: list[Row]) -> str:
    """The first non-blank line, as text for a message (cut at 200 characters)."""
    first = next((cells for _, cells in head if not is_blank(cells)), [])
    shown = " | ".join(str(c) for c in first if c is not None and str(c).strip())
    return shown if len(shown) <= 200 else shown[:199] + "…"
