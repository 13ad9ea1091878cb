"""Names of the territories without OPSN, built from what they contain.

« autour de Marseille » reads as a zone around Marseille; a zone that runs
from Lyon to Marseille across eight departments must say so. The rule, from
the smallest zone to the largest:

- a whole department: its name (« La Réunion », « Calvados », « Guadeloupe ») ;
- one commune: its name (« Vénissieux ») ; on an island or overseas, with its
  department (« Terre-de-Bas (Guadeloupe) ») ;
- part of one department: « autour de » its most populated commune (« autour
  d'Ajaccio », « autour du Havre »), with the department on an island or
  overseas (« autour de Grand-Bourg (Guadeloupe) ») ;
- two or three departments: their names, « autour de » the main commune only
  for those it covers in part (« Bas-Rhin et Haut-Rhin », « Haute-Vienne,
  Corrèze et Creuse (autour de Guéret) ») ;
- four or more: whole departments by name (« Paris, Essonne, Seine-Saint-Denis
  et Val-de-Marne »); else the regions holding a real share of it, the number of
  departments, then three main communes (« Provence-Alpes-Côte d'Azur,
  Auvergne-Rhône-Alpes et Occitanie : 8 départements, autour de Marseille, Lyon,
  Saint-Étienne… »).

A commune whose name another French commune bears is followed by its
department (« Saint-Denis (93) »). Main communes are the most populated ones,
one per department so that the name shows how far the zone reaches.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from geo.core import fmt

_VOWELS = set("AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ")
# Place names whose initial h is mute (d'Hyères); most are aspirated (de Haguenau).
_MUTE_H = ("Hyères", "Hérouville", "Hénin", "Hennebont", "Hendaye", "Herblay")
WHOLE_LISTED = 5
"""Whole departments named one by one up to this many (« Paris, Essonne, … »)."""
REGION_SHARE = 0.1
"""A region is named when it holds at least this share of the zone's communes or people."""


def de(name: str) -> str:
    """``de`` + a place name, with French elision and contraction.

    ``Ajaccio`` → ``d'Ajaccio``, ``Les Abymes`` → ``des Abymes``, ``Le Havre`` →
    ``du Havre``, ``La Rochelle`` → ``de La Rochelle``, ``L'Haÿ-les-Roses`` →
    ``de L'Haÿ-les-Roses``, ``Marseille`` → ``de Marseille``.
    """
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1].upper() in _VOWELS or name.startswith(_MUTE_H):
        return "d'" + name
    return "de " + name


def around(name: str) -> str:
    """``autour d'Ajaccio``, ``autour des Abymes``."""
    return "autour " + de(name)


def _and(items: list[str]) -> str:
    """``a``, ``a et b``, ``a, b et c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def zone_names(
    table: pd.DataFrame,
    homonyms: set[str],
    departement_names: Mapping[str, str] | None = None,
    region_names: Mapping[str, str] | None = None,
    department_sizes: Mapping[str, int] | None = None,
    shapes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Name, main communes, regions and a one-line description of each group.

    ``table``: one row per commune of a zone (``group``, ``nom``, ``departement``,
    ``region``, ``population``); ``homonyms``: commune names borne by several
    communes in France; ``department_sizes``: communes of each department (a
    zone holding them all is named by its department); ``shapes`` (index =
    group): ``island`` (made of islands only) and ``pieces`` (land pieces the
    sea separates). Returns one row per group (index = group) with columns
    ``nom``, ``communes_principales``, ``regions``, ``description``. Loops over
    the zones (a few dozen), never over communes.
    """
    departement_names = departement_names or {}
    region_names = region_names or {}
    department_sizes = department_sizes or {}
    ordered = table.sort_values(["population", "nom"], ascending=[False, True])
    rows = {}
    for group, part in ordered.groupby("group", sort=False):
        island, pieces = False, 1
        if shapes is not None and group in shapes.index:
            island, pieces = bool(shapes.at[group, "island"]), int(shapes.at[group, "pieces"])
        rows[group] = _describe(
            part, homonyms, departement_names, region_names, department_sizes, island, pieces
        )
    return pd.DataFrame.from_dict(
        rows, orient="index", columns=["nom", "communes_principales", "regions", "description"]
    )


def _town(row, homonyms: set[str]) -> str:
    return f"{row.nom} ({row.departement})" if row.nom in homonyms else row.nom


def _describe(
    part: pd.DataFrame,
    homonyms: set[str],
    departement_names: Mapping[str, str],
    region_names: Mapping[str, str],
    department_sizes: Mapping[str, int],
    island: bool = False,
    pieces: int = 1,
) -> tuple[str, str, str, str]:
    """(nom, communes_principales, regions, description) of one zone, communes by population."""
    # The most populated commune of each department, largest first: departments are
    # listed in the order of their main commune, so that names and towns match.
    leaders = part.drop_duplicates("departement")
    departments = list(leaders["departement"])
    towns = [_town(row, homonyms) for row in leaders.itertuples()]
    regions = _regions(part, region_names)
    counts = part["departement"].value_counts()
    whole = {
        d
        for d in departments
        if departement_names.get(d) and counts[d] == department_sizes.get(d, -1)
    }
    if len(departments) == 1:
        name = _one_department(leaders.iloc[0], len(part), homonyms, departement_names, whole,
                               island)  # fmt: skip
    elif len(departments) <= 3:
        places = [
            departement_names.get(d, d) if d in whole
            else f"{departement_names.get(d, d)} ({around(town)})"
            for d, town in zip(departments, towns, strict=True)
        ]  # fmt: skip
        if not whole and not any(departement_names.get(d) for d in departments):
            places = [departement_names.get(d, d) for d in departments]
            name = f"{_and(places)}, autour {_and([de(town) for town in towns])}"
        else:
            name = _and(places)
    elif whole == set(departments) and len(departments) <= WHOLE_LISTED:
        name = _and([departement_names[d] for d in departments])
    elif whole == set(departments):
        name = f"{_and(regions)} : {len(departments)} départements entiers"
    else:
        name = (
            f"{_and(regions)} : {len(departments)} départements, "
            f"{around(towns[0])}, {', '.join(towns[1:3])}…"
        )
    main = (
        towns[:3]
        if len(departments) > 1
        else [_town(r, homonyms) for r in part.head(3).itertuples()]
    )
    spread = ", ".join(f"{departement_names.get(d, d)} ({d})" for d in sorted(departments))
    word = "département" if len(departments) == 1 else "départements"
    entire = " (en entier)" if whole and whole == set(departments) else ""
    sea = f" ; {pieces} îles ou terres séparées par la mer" if pieces > 1 else ""
    description = (
        f"{fmt.count(len(part), 'commune')} voisines sans OPSN, "
        f"{fmt.inhabitants(int(part['population'].sum()))} ; {word}{entire} : {spread}{sea} ; "
        f"principales communes : {', '.join(main)}"
    )
    if len(part) == 1:
        description = (
            f"commune isolée sans OPSN{', île' if island else ''}, "
            f"{fmt.inhabitants(int(part['population'].sum()))} ; département : {spread}"
        )
    return name, ", ".join(main), ", ".join(regions), description


def _one_department(
    leader,
    communes: int,
    homonyms: set[str],
    departement_names: Mapping[str, str],
    whole: set[str],
    island: bool,
) -> str:
    """The name of a zone within one department: the department itself when the zone
    is all of it; else its commune or « autour de » it, with the department on an
    island or overseas (« Terre-de-Bas (Guadeloupe) »)."""
    code = leader.departement
    if code in whole:
        return departement_names[code]
    department = departement_names.get(code)
    if department and (island or code.startswith("97")):
        place = leader.nom if communes == 1 else around(leader.nom)
        return f"{place} ({department})"
    town = _town(leader, homonyms)
    return town if communes == 1 else around(town)


def _regions(part: pd.DataFrame, region_names: Mapping[str, str]) -> list[str]:
    """Regions holding at least :data:`REGION_SHARE` of the zone (communes or people).

    In the order of their most populated commune (``part`` is sorted by
    population), so that the first region is the first main commune's. Counted with
    numpy: a pandas group-by per zone took more than half of an analysis.
    """
    if "region" not in part.columns:
        return []
    known = part["region"].notna().to_numpy()
    regions = part["region"].to_numpy(dtype=object)[known]
    if not len(regions):
        return []
    codes, first, which = np.unique(regions.astype(str), return_index=True, return_inverse=True)
    communes = np.bincount(which) / len(part)
    population = part["population"].to_numpy(dtype=float)
    people = np.bincount(which, weights=population[known]) / max(population.sum(), 1)
    share = np.maximum(communes, people)
    return [
        region_names.get(codes[i], codes[i])
        for i in np.argsort(first, kind="stable")
        if share[i] >= REGION_SHARE
    ]
