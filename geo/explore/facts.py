"""The facts of a view, as typed values: what :func:`geo.explore.panel.view_facts` returns.

Each field's name is its key in the command line's JSON (``coverage --vue … --format
json``) and in the static atlas's documents, through :func:`geo.core.records.as_json`:
renaming a field changes a contract. The figures are the headline's
(:class:`geo.core.figures.Figures`, ``analysis.figures``), typed the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.core.figures import Figures
from geo.core.records import as_json


@dataclass(frozen=True)
class Named:
    """An OPSN by its id and the name shown."""

    id: str
    nom: str


@dataclass(frozen=True)
class Membership(Named):
    """A commune's membership of an OPSN: ``via`` ``commune`` (direct) or ``epci``."""

    via: str


@dataclass(frozen=True)
class Place:
    """A department or a region: code and name."""

    code: str
    nom: str


@dataclass(frozen=True)
class Epci:
    siren: str
    nom: str


@dataclass(frozen=True)
class Step:
    """One step of the breadcrumb."""

    niveau: str
    code: str
    nom: str


@dataclass(frozen=True)
class ViewName(Step):
    """The view itself: level, code, name, the level's label and the breadcrumb."""

    niveau_libelle: str
    fil: list[Step]


@dataclass(frozen=True)
class Serving:
    """A counted OPSN present in a view: its communes by how it serves them."""

    id: str
    nom: str
    offre: str  # ``complete`` or ``partielle``
    perimetre_communes: int
    adhesion_communes: int
    adhesion_via_epci_communes: int


@dataclass(frozen=True)
class PartialOffer:
    """A partial offer present in a view, counted or not."""

    id: str
    nom: str
    offre_partielle: list[str]
    nature: str
    perimetre_communes: int
    adhesion_communes: int
    counted: bool


@dataclass(frozen=True)
class ZoneBrief:
    """A territory without OPSN in a few facts."""

    id: str
    nom: str
    communes: int
    population: int
    departements: list[str]
    opsn_voisins: list[Named]


@dataclass(frozen=True)
class WhiteZones:
    """The territories without OPSN touching a view; ``population_in_view``: its own
    inhabitants in them."""

    count: int
    population: int
    population_in_view: int
    zones: list[ZoneBrief]


@dataclass(frozen=True)
class CommuneView:
    """A commune's own facts: status, population, where it is, who serves it and how."""

    insee: str
    nom: str
    statut: str
    statut_libelle: str
    classe: str
    classe_libelle: str
    couverte: bool
    population: int
    departement: Place
    region: Place
    epci: Epci | None
    adhesion: list[Membership]
    perimetre: list[Named]
    zone: ZoneBrief | None


@dataclass(frozen=True)
class ZoneFacts:
    """A territory without OPSN shown as a view."""

    id: str
    nom: str
    description: str
    communes: int
    population: int
    superficie_km2: float
    departements: list[Place]
    regions: str
    communes_principales: str
    outre_mer: bool
    distance_km: float | None
    opsn_voisins_perimetre: list[Named]
    opsn_voisins_adhesion: list[Named]


@dataclass(frozen=True)
class Sources:
    """The data in use, the counting rule and the vintages."""

    data: str
    counting_rule: str
    vintage: str
    cog_year: int | None
    population_year: int | None


@dataclass(frozen=True)
class Tile:
    """One figure of the row under the headline: its words, its value, what it counts."""

    label: str
    value: str
    help: str = ""
    classes: tuple[str, ...] = ()  # the classes of communes it counts (none: not communes)


@dataclass(frozen=True)
class ViewFacts:
    """Everything shown about a view (see :func:`geo.explore.panel.view_facts`)."""

    view: ViewName
    figures: Figures
    france: Figures
    outside_territory: bool
    opsn: list[Serving]
    partial_offers: list[PartialOffer]
    bordering_opsn: list[Named]
    white_zones: WhiteZones
    commune: CommuneView | None
    zone: ZoneFacts | None
    sources: Sources
    definition: str
    reference_declic_2020: dict
    tiles: list[Tile]

    def as_json(self) -> dict:
        """The JSON of the command line and of the atlas (keys: the fields' names)."""
        return as_json(self)
