"""Couverture OPSN — the domain package.

Reference data (communes, departments, regions, EPCIs, former codes), OPSN
memberships, coverage computation, maps and exports. Importable and testable
without Streamlit: the app only lays out what this package computes.
"""

from geo.core.ids import (
    normalize_department,
    normalize_insee,
    normalize_siren,
    normalize_siret,
    siren_from_siret,
)
from geo.core.reference import ReferenceData, load_reference

__all__ = [
    "ReferenceData",
    "load_reference",
    "normalize_department",
    "normalize_insee",
    "normalize_siren",
    "normalize_siret",
    "siren_from_siret",
]
