"""What a map view is: a level and a code (France, a region, a department…).

A core value: maps, exports, the side panel and links all name views, so the
type lives here and :mod:`geo.explore.views` adds what a screen does with one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    """The levels of the map, as written in links (``vue=departement``)."""

    FRANCE = "france"
    REGION = "region"
    DEPARTEMENT = "departement"
    EPCI = "epci"
    COMMUNE = "commune"
    TERRITOIRE = "territoire"

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]


_LEVEL_LABELS = {
    Level.FRANCE: "France",
    Level.REGION: "Région",
    Level.DEPARTEMENT: "Département",
    Level.EPCI: "EPCI",
    Level.COMMUNE: "Commune",
    Level.TERRITOIRE: "Territoire sans OPSN",
}
LEVELS = tuple(Level)
LEVEL_LABELS = {level: level.label for level in Level}

DROM = {
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "La Réunion",
    "976": "Mayotte",
}
"""The five overseas departments, by code."""


@dataclass(frozen=True)
class View:
    """One view of the map: a level and its code (empty for France)."""

    level: Level = Level.FRANCE
    code: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", Level(self.level))

    @property
    def key(self) -> str:
        return f"{self.level}:{self.code}"


FRANCE = View()
