"""Reference figures: what the bundled data holds, with its vintages and credits."""

from __future__ import annotations

from geo.core import fmt
from geo.core.reference import ReferenceData

CREDITS = (
    "Sources : IGN — ADMIN EXPRESS COG (contours) ; INSEE — Code officiel géographique "
    "et populations légales ; DGCL — composition des EPCI ; Etalab — "
    "@etalab/decoupage-administratif. Licence Ouverte 2.0."
)


def reference_figures(reference: ReferenceData) -> dict:
    """The reference figures as one flat dict (the ``stats --format json`` contract)."""
    communes = reference.communes
    metadata = reference.metadata
    former = reference.former_codes
    return {
        "communes": len(communes),
        "population": int(communes["population"].sum()),
        "departements": len(reference.departements),
        "regions": len(reference.regions),
        "epci": len(reference.epci),
        "former_codes": int((former["type"] != "arrondissement-municipal").sum()),
        "arrondissement_codes": int((former["type"] == "arrondissement-municipal").sum()),
        "communes_without_epci": int((communes["epci"] == "").sum()),
        "approximate_outlines": int(communes["contour_approche"].sum()),
        "cog_year": int(metadata.get("cog_year", 0)),
        "population_year": int(metadata.get("population_year", 0)),
        "communes_metropole": int((~communes["departement"].str.startswith("97")).sum()),
        "population_metropole": int(
            communes.loc[~communes["departement"].str.startswith("97"), "population"].sum()
        ),
    }


def vintage_sentence(figures: dict) -> str:
    """``populations légales 2023, communes au 1er janvier 2026``."""
    return (
        f"populations légales {figures['population_year']}, "
        f"communes au 1er janvier {figures['cog_year']}"
    )


def reference_text(figures: dict) -> str:
    """The reference figures in French, for a person."""
    return "\n".join(
        [
            "Données de référence (France métropolitaine et DROM)",
            f"  Communes : {fmt.integer(figures['communes'])}",
            f"  Population municipale : {fmt.inhabitants(figures['population'])}",
            f"  Départements : {figures['departements']}",
            f"  Régions : {figures['regions']}",
            f"  EPCI à fiscalité propre : {fmt.integer(figures['epci'])}",
            f"  Anciens codes de communes reconnus : {fmt.integer(figures['former_codes'])}",
            f"  Millésimes : {vintage_sentence(figures)}",
            f"  {CREDITS}",
        ]
    )
