"""Views of the map: France, a region, a department, an EPCI or a commune.

A view is what a permalink names (level + code); this module turns it into the
communes to draw, the neighbours to dim, the breadcrumb back up and the facts
of the side panel — without Streamlit, so that all of it can be tested.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.analysis import Analysis
from geo.reference import ReferenceData

LEVELS = ("france", "region", "departement", "epci", "commune")
LEVEL_LABELS = {
    "france": "France",
    "region": "Région",
    "departement": "Département",
    "epci": "EPCI",
    "commune": "Commune",
}
DROM = {
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "La Réunion",
    "976": "Mayotte",
}


@dataclass(frozen=True)
class View:
    level: str = "france"
    code: str = ""

    @property
    def key(self) -> str:
        return f"{self.level}:{self.code}"


FRANCE = View()


def parse_view(level: object, code: object, reference: ReferenceData) -> tuple[View, str | None]:
    """The view named by a permalink, or France with a French message if it is unknown."""
    level = str(level or "france")
    code = str(code or "").strip().upper() if level != "epci" else str(code or "").strip()
    if level == "france":
        return FRANCE, None
    known = {
        "region": set(reference.regions["code"]),
        "departement": set(reference.departements["code"]),
        "epci": set(reference.epci["siren"]),
        "commune": set(reference.communes["insee"]),
    }
    if level not in known:
        return FRANCE, f"Vue « {level} » inconnue : retour à la France entière."
    if code not in known[level]:
        return FRANCE, f"{LEVEL_LABELS[level]} « {code} » introuvable : retour à la France entière."
    return View(level, code), None


def name_of(reference: ReferenceData, view: View) -> str:
    if view.level == "france":
        return "France"
    if view.level == "region":
        return reference.regions.set_index("code").at[view.code, "nom"]
    if view.level == "departement":
        return f"{reference.departements.set_index('code').at[view.code, 'nom']} ({view.code})"
    if view.level == "epci":
        return reference.epci.set_index("siren").at[view.code, "nom"]
    commune = reference.communes_by_insee.loc[view.code]
    return f"{commune['nom']} ({view.code})"


def commune_row(reference: ReferenceData, insee: str) -> pd.Series:
    return reference.communes_by_insee.loc[insee]


def breadcrumb(reference: ReferenceData, view: View) -> list[View]:
    """France › region › department › EPCI › commune, down to ``view``."""
    trail = [FRANCE]
    if view.level == "region":
        trail.append(view)
    elif view.level == "departement":
        region = reference.departements.set_index("code").at[view.code, "region"]
        trail += [View("region", region), view]
    elif view.level == "epci":
        first = reference.epci.set_index("siren").at[view.code, "departements"].split(",")[0]
        region = reference.departements.set_index("code").at[first, "region"]
        trail += [View("region", region), View("departement", first), view]
    elif view.level == "commune":
        commune = commune_row(reference, view.code)
        trail += [View("region", commune["region"]), View("departement", commune["departement"])]
        if commune["epci"]:
            trail.append(View("epci", commune["epci"]))
        trail.append(view)
    return trail


def selection(reference: ReferenceData, view: View) -> np.ndarray:
    """Communes drawn in the view (a commune is shown within its department)."""
    communes = reference.communes
    if view.level == "france":
        return np.ones(len(communes), dtype=bool)
    if view.level == "region":
        return (communes["region"] == view.code).to_numpy()
    if view.level == "departement":
        return (communes["departement"] == view.code).to_numpy()
    if view.level == "epci":
        return (communes["epci"] == view.code).to_numpy()
    department = commune_row(reference, view.code)["departement"]
    return (communes["departement"] == department).to_numpy()


def territory_mask(reference: ReferenceData, view: View) -> np.ndarray:
    """Communes the figures of the view are about (the commune itself at commune level)."""
    if view.level == "commune":
        return (reference.communes["insee"] == view.code).to_numpy()
    return selection(reference, view)


def serving_opsn(analysis: Analysis, mask: np.ndarray, column: str) -> pd.Series:
    """OPSN ids found in ``column`` over the masked communes, with their commune counts."""
    values = analysis.coverage.loc[mask, column]
    values = values[values != ""]
    if values.empty:
        return pd.Series(dtype=int)
    return values.str.split("|").explode().value_counts()


def zone_of_commune(analysis: Analysis, insee: str) -> pd.Series | None:
    """The territory without OPSN a commune belongs to, if any."""
    zones = analysis.zones
    if zones.empty:
        return None
    hit = zones[zones["insee"].str.contains(rf"(?:^|\|){insee}(?:\||$)", regex=True)]
    return None if hit.empty else hit.iloc[0]
