"""What a file is, from its first lines: which column means what, which format it is.

Headers are matched without case, accents or punctuation (:func:`geo.core.text.fold`),
and looked for in the first :data:`HEAD_LINES` non-blank lines, so that a
title line above the table (« Adhérents au 1er janvier ») does no harm.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from geo.core.text import fold
from geo.importers.tables import HEAD_LINES, Row, is_blank

#: The ANCT *Suite territoriale* ``operators`` CSV (plus ``departements``).
ANCT_OPERATOR_HEADER = ("id", "nom", "nom avec article", "statut", "url", "siret", "services")
#: The ANCT ``adherents`` CSV.
ANCT_ADHERENT_HEADER = {"organisation siret", "operateur id"}
#: The registry of this project (``data/opsn/registre_opsn.csv``), folded.
REGISTRY_HEADER = ("id", "nom", "sigle", "portee", "departements", "siren", "siret", "anct id")
IDENTIFIER_ROLES = frozenset({"insee", "siren", "siret", "nom"})

FORMATS = ("anct_operateurs", "registre", "anct_adherents", "liste_opsn")


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
    if (
        text.startswith("depuis")
        or tokens & {"adhesion", "debut", "entree"}
        or text in ("date", "date adhesion")
    ):
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

    format: str  # one of FORMATS
    index: int  # position of the header row among the rows read
    line: int  # its line number in the file
    cells: Sequence[object]
    roles: dict[str, int] = field(default_factory=dict)  # member lists: role → column
    notes: list[str] = field(default_factory=list)


def _folded(cells: Sequence[object]) -> set[str]:
    return {fold(c) for c in cells if c is not None and str(c).strip()}


def _member_roles(cells: Sequence[object]) -> tuple[dict[str, int], list[str]]:
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


def find_header(head: list[Row]) -> Header | None:
    """The header among the first rows, or ``None`` when no known format shows.

    The ANCT operators file and this project's registry are recognised by
    their first non-blank line; a member list by the first of the first
    :data:`HEAD_LINES` non-blank lines that names an identifier column.
    """
    seen = 0
    for index, (line, cells) in enumerate(head):
        if is_blank(cells):
            continue
        seen += 1
        if seen > HEAD_LINES:
            break
        names = _folded(cells)
        if seen == 1:
            if set(ANCT_OPERATOR_HEADER) <= names and "departements" in names:
                return Header("anct_operateurs", index, line, cells)
            if set(REGISTRY_HEADER) <= names:
                return Header("registre", index, line, cells)
        roles, notes = _member_roles(cells)
        if roles.keys() & IDENTIFIER_ROLES:
            if seen > 1:
                notes.insert(0, f"en-tête trouvé ligne {line} ; lignes précédentes ignorées")
            kind = "anct_adherents" if names == ANCT_ADHERENT_HEADER else "liste_opsn"
            return Header(kind, index, line, cells, roles, notes)
    return None


def sheet_kind(head: list[Row]) -> str | None:
    """What a spreadsheet sheet holds (a format name), for choosing among sheets."""
    found = find_header(head)
    return found.format if found else None


def first_line_shown(head: list[Row]) -> str:
    """The first non-blank line, as text for a message (cut at 200 characters)."""
    first = next((cells for _, cells in head if not is_blank(cells)), [])
    shown = " | ".join(str(c) for c in first if c is not None and str(c).strip())
    return shown if len(shown) <= 200 else shown[:199] + "…"
