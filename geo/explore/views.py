"""Views of the map: France, a region, a department, an EPCI, a commune, a territory without OPSN.

A view is what a permalink names (level + code); this module turns it into the
communes to draw, the neighbours to dim, the breadcrumb back up and the facts
of the side panel — without Streamlit, so that all of it can be tested.

A territory without OPSN (level ``territoire``, code = its ``id``, ``Z`` + the
INSEE code of its most populated commune) exists only under the options that
made it: the functions that need it take the current ``zones`` table, and
:func:`resolve_view` says what to open when a link names a territory that the
current options do not give.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from geo.core.reference import ReferenceData
from geo.core.views import FRANCE, Level, View


def parse_view(level: object, code: object, reference: ReferenceData) -> tuple[View, str | None]:
    """The view named by a permalink, or France with a French message if it is unknown."""
    word = str(level or Level.FRANCE)
    if word not in Level.__members__.values():
        return FRANCE, f"Vue « {word} » inconnue : retour à la France entière."
    level = Level(word)
    code = str(code or "").strip()
    if level != Level.EPCI:
        code = code.upper()
    if level == Level.FRANCE:
        return FRANCE, None
    # Looked up, not copied into sets: every page run with a view in its URL parses it.
    columns = {
        Level.REGION: (reference.regions, "code"),
        Level.DEPARTEMENT: (reference.departements, "code"),
        Level.EPCI: (reference.epci, "siren"),
    }

    def known(kind: Level, value: str) -> bool:
        if kind == Level.COMMUNE:
            return value in reference.communes_by_insee.index
        table, column = columns[kind]
        return bool((table[column] == value).any())

    if level == Level.TERRITOIRE:
        # Z + INSEE code of a commune; whether the territory exists depends on the
        # options: resolve_view() decides once the coverage is known.
        if code[:1] == "Z" and known(Level.COMMUNE, code[1:]):
            return View(level, code), None
        return FRANCE, f"Territoire sans OPSN « {code} » introuvable : retour à la France entière."
    if not known(level, code):
        return FRANCE, f"{level.label} « {code} » introuvable : retour à la France entière."
    return View(level, code), None


TABLE_ROW_VIEWS: dict[str, tuple[str, str]] = {
    "regions": ("region", "Code"),
    "departements": ("departement", "Code"),
    "epci": ("epci", "SIREN"),
    "communes": ("commune", "Code INSEE"),
    "sans_opsn": ("commune", "Code INSEE"),
    "territoires": ("territoire", "Identifiant"),
}
"""Table key (:mod:`geo.explore.tables`) → (view level, column holding the view's code)."""


def table_row_view(table_key: str, row: Mapping[str, object]) -> View | None:
    """The view a row of a table opens, or ``None`` (an OPSN is not a place on the map)."""
    target = TABLE_ROW_VIEWS.get(table_key)
    if target is None:
        return None
    level, column = target
    code = str(row.get(column) or "").strip()
    return View(level, code) if code else None


def zone_row(zones: pd.DataFrame | None, zone_id: str) -> pd.Series | None:
    """The row of territory ``zone_id`` in ``zones``, or ``None`` when it does not exist."""
    if zones is None or zones.empty:
        return None
    hit = zones[zones["id"] == zone_id]
    return None if hit.empty else hit.iloc[0]


def zone_containing(zones: pd.DataFrame | None, insee: str) -> pd.Series | None:
    """The territory without OPSN that contains commune ``insee``, if any."""
    if zones is None or zones.empty:
        return None
    hit = zones[zones["insee"].str.contains(rf"(?:^|\|){insee}(?:\||$)", regex=True)]
    return None if hit.empty else hit.iloc[0]


def resolve_view(
    view: View, reference: ReferenceData, zones: pd.DataFrame | None
) -> tuple[View, str | None]:
    """The view to open under the current options, and a French message if it changed.

    Only a territory without OPSN can vanish with the options (another rule,
    an OPSN filter, partial offers counted): its id names its most populated
    commune, so the territory that now contains that commune is opened; if the
    commune is served under these options, its department is.
    """
    if view.level != Level.TERRITOIRE or zone_row(zones, view.code) is not None:
        return view, None
    insee = view.code[1:]
    if insee not in reference.communes_by_insee.index:
        return (
            FRANCE,
            f"Territoire sans OPSN « {view.code} » introuvable : retour à la France entière.",
        )
    commune = commune_row(reference, insee)
    place = f"{commune['nom']} ({insee})"
    zone = zone_containing(zones, insee)
    if zone is not None:
        return View(Level.TERRITOIRE, zone["id"]), (
            f"Le territoire sans OPSN « {view.code} » n'existe pas avec les options choisies : "
            f"ouverture du territoire sans OPSN qui contient {place}, « {zone['nom']} »."
        )
    department = commune["departement"]
    return View(Level.DEPARTEMENT, department), (
        f"Avec les options choisies, {place} n'est dans aucun territoire sans OPSN : "
        f"ouverture de son département."
    )


def name_of(reference: ReferenceData, view: View, zones: pd.DataFrame | None = None) -> str:
    if view.level == Level.FRANCE:
        return "France"
    if view.level == Level.TERRITOIRE:
        zone = zone_row(zones, view.code)
        return f"Territoire sans OPSN {view.code}" if zone is None else zone["nom"]
    if view.level == Level.REGION:
        return reference.regions_by_code.at[view.code, "nom"]
    if view.level == Level.DEPARTEMENT:
        return f"{reference.departements_by_code.at[view.code, 'nom']} ({view.code})"
    if view.level == Level.EPCI:
        return reference.epci_by_siren.at[view.code, "nom"]
    commune = reference.communes_by_insee.loc[view.code]
    return f"{commune['nom']} ({view.code})"


def commune_row(reference: ReferenceData, insee: str) -> pd.Series:
    return reference.communes_by_insee.loc[insee]


def breadcrumb(
    reference: ReferenceData, view: View, zones: pd.DataFrame | None = None
) -> list[View]:
    """France › region › department › EPCI › commune, down to ``view``.

    A territory without OPSN sits under its department, or under its region
    when it spans several departments, or right under France when it spans
    several regions.
    """
    trail = [FRANCE]
    if view.level == Level.TERRITOIRE:
        zone = zone_row(zones, view.code)
        if zone is not None:
            departments = zone["departements"].split(",")
            region_of = reference.departements_by_code["region"]
            regions = set(region_of.reindex(departments))
            if len(regions) == 1:
                trail.append(View(Level.REGION, regions.pop()))
                if len(departments) == 1:
                    trail.append(View(Level.DEPARTEMENT, departments[0]))
        return [*trail, view]
    if view.level == Level.REGION:
        trail.append(view)
    elif view.level == Level.DEPARTEMENT:
        region = reference.departements_by_code.at[view.code, "region"]
        trail += [View(Level.REGION, region), view]
    elif view.level == Level.EPCI:
        first = reference.epci_by_siren.at[view.code, "departements"].split(",")[0]
        region = reference.departements_by_code.at[first, "region"]
        trail += [View(Level.REGION, region), View(Level.DEPARTEMENT, first), view]
    elif view.level == Level.COMMUNE:
        commune = commune_row(reference, view.code)
        trail += [
            View(Level.REGION, commune["region"]),
            View(Level.DEPARTEMENT, commune["departement"]),
        ]
        if commune["epci"]:
            trail.append(View(Level.EPCI, commune["epci"]))
        trail.append(view)
    return trail


def zone_mask(reference: ReferenceData, zones: pd.DataFrame | None, zone_id: str) -> np.ndarray:
    """The communes of territory ``zone_id`` (none when it does not exist)."""
    zone = zone_row(zones, zone_id)
    if zone is None:
        return np.zeros(len(reference.communes), dtype=bool)
    return reference.communes["insee"].isin(zone["insee"].split("|")).to_numpy()


def selection(
    reference: ReferenceData, view: View, zones: pd.DataFrame | None = None
) -> np.ndarray:
    """Communes drawn in the view.

    A commune is shown within its department; a territory without OPSN within
    the departments it touches, so that the OPSN next door are on the map.
    """
    communes = reference.communes
    if view.level == Level.FRANCE:
        return np.ones(len(communes), dtype=bool)
    if view.level == Level.TERRITOIRE:
        inside = zone_mask(reference, zones, view.code)
        departments = communes["departement"].to_numpy()[inside]
        return communes["departement"].isin(set(departments)).to_numpy()
    if view.level == Level.REGION:
        return (communes["region"] == view.code).to_numpy()
    if view.level == Level.DEPARTEMENT:
        return (communes["departement"] == view.code).to_numpy()
    if view.level == Level.EPCI:
        return (communes["epci"] == view.code).to_numpy()
    department = commune_row(reference, view.code)["departement"]
    return (communes["departement"] == department).to_numpy()


def territory_mask(
    reference: ReferenceData, view: View, zones: pd.DataFrame | None = None
) -> np.ndarray:
    """Communes the figures of the view are about (the commune itself at commune level,
    the territory's own communes for a territory without OPSN)."""
    if view.level == Level.COMMUNE:
        return (reference.communes["insee"] == view.code).to_numpy()
    if view.level == Level.TERRITOIRE:
        return zone_mask(reference, zones, view.code)
    return selection(reference, view)
