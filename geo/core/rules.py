"""How to count, as typed values: the counting rule, the territory, a commune's status.

Each is a :class:`~enum.StrEnum` whose value is the word used in links, JSON and
command-line options (``adhesion``, ``metropole``…), so that scripts and saved
links keep working, and whose French labels live here, once. Adding a counting
rule means adding a member here and its meaning in :mod:`geo.core.coverage`.
"""

from __future__ import annotations

from enum import StrEnum


class Rule(StrEnum):
    """Which communes count as covered."""

    PERIMETRE = "perimetre"
    """Members, and communes in a department where an OPSN offers its services."""
    ADHESION = "adhesion"
    """Members only (directly or through their EPCI)."""

    @property
    def choice(self) -> str:
        """The control's label."""
        return _RULE_CHOICES[self]

    @property
    def sentence(self) -> str:
        """What a covered commune is, inside the counting-rule sentence."""
        return _RULE_SENTENCES[self]

    @property
    def counts_perimeters(self) -> bool:
        """Whether a commune only in a perimeter counts as covered."""
        return self is Rule.PERIMETRE


_RULE_CHOICES = {
    Rule.PERIMETRE: "Adhérentes ou dans un périmètre",
    Rule.ADHESION: "Adhérentes seulement",
}
_RULE_SENTENCES = {
    Rule.PERIMETRE: "adhérente à un OPSN ou située dans le périmètre d'un OPSN",
    Rule.ADHESION: "adhérente à un OPSN (directement ou par son EPCI)",
}


class Territory(StrEnum):
    """Which communes are counted: all of France, or the mainland only."""

    FRANCE = "france"
    METROPOLE = "metropole"

    @property
    def choice(self) -> str:
        return _TERRITORY_CHOICES[self]

    @property
    def label(self) -> str:
        return _TERRITORY_LABELS[self]


_TERRITORY_CHOICES = {
    Territory.FRANCE: "France entière (métropole et DROM)",
    Territory.METROPOLE: "Métropole",
}
_TERRITORY_LABELS = {
    Territory.FRANCE: "France (métropole et DROM)",
    Territory.METROPOLE: "France métropolitaine",
}


class Status(StrEnum):
    """What serves a commune, whatever the rule: membership, a perimeter, or nothing."""

    ADHERENTE = "adherente"
    PERIMETRE = "perimetre"
    SANS_OPSN = "sans_opsn"


STATUSES = tuple(Status)
RULES = tuple(Rule)
TERRITORIES = tuple(Territory)
