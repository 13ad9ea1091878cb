"""Reference figures: what the bundled data holds, with its vintages and credits."""

from __future__ import annotations

from dataclasses import dataclass

from geo.core import fmt
from geo.core.reference import ReferenceData

CREDITS = (
    "Sources : IGN — ADMIN EXPRESS COG (contours) ; INSEE — Code officiel géographique "
    "et populations légales ; DGCL — composition des EPCI ; Etalab — "
    "@etalab/decoupage-administratif. Licence Ouverte 2.0."
)


@dataclass(frozen=True)
class ReferenceFigures:
    """What the reference data holds: the ``stats --format json`` contract (its keys are
    the fields' names, in order, through :func:`geo.core.records.as_json`)."""

    communes: int
    population: int
    departements: int
    regions: int
    epci: int
    former_codes: int
    arrondissement_codes: int
    communes_without_epci: int
    approximate_outlines: int
    cog_year: int
    population_year: int
    communes_metropole: int
    population_metropole: int


def reference_figures(reference: ReferenceData) -> ReferenceFigures:
    """The reference figures (the ``stats --format json`` contract)."""
    communes = reference.communes
    metadata = reference.metadata
    former = reference.former_codes
    metropole = ~communes["departement"].str.startswith("97")
    return ReferenceFigures(
        communes=len(communes),
        population=int(communes["population"].sum()),
        departements=len(reference.departements),
        regions=len(reference.regions),
        epci=len(reference.epci),
        former_codes=int((former["type"] != "arrondissement-municipal").sum()),
        arrondissement_codes=int((former["type"] == "arrondissement-municipal").sum()),
        communes_without_epci=int((communes["epci"] == "").sum()),
        approximate_outlines=int(communes["contour_approche"].sum()),
        cog_year=int(metadata.get("cog_year", 0)),
        population_year=int(metadata.get("population_year", 0)),
        communes_metropole=int(metropole.sum()),
        population_metropole=int(communes.loc[metropole, "population"].sum()),
    )


def vintage_sentence(population_year: int | None, cog_year: int | None) -> str:
    """``populations légales 2023, communes au 1er janvier 2026``."""
    return f"populations légales {population_year}, communes au 1er janvier {cog_year}"


def reference_text(figures: ReferenceFigures) -> str:
    """The reference figures in French, for a person."""
    return "\n".join(
        [
            "Données de référence (France métropolitaine et DROM)",
            f"  Communes : {fmt.integer(figures.communes)}",
            f"  Population municipale : {fmt.inhabitants(figures.population)}",
            f"  Départements : {figures.departements}",
            f"  Régions : {figures.regions}",
            f"  EPCI à fiscalité propre : {fmt.integer(figures.epci)}",
            f"  Anciens codes de communes reconnus : {fmt.integer(figures.former_codes)}",
            f"  Millésimes : {vintage_sentence(figures.population_year, figures.cog_year)}",
            f"  {CREDITS}",
        ]
    )
