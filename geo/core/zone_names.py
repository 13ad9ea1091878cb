"""Names of the territories without OPSN, built from what they contain.

« autour de Marseille » reads as a zone around Marseille; a zone that runs
from Lyon to Marseille across eight departments must say so. The rule, from
the smallest zone to the largest:

- one commune: its name (« Terre-de-Haut ») ;
- one department: « autour de » its most populated commune (« autour d'Ajaccio »,
  « autour des Abymes », « autour du Havre ») ;
- two or three departments: their names, then the main commune of each (« Bas-Rhin
  et Haut-Rhin, autour de Strasbourg et de Mulhouse ») ;
- four or more: the regions holding a real share of it, the number of
  departments, then three main communes (« Île-de-France : 4 départements,
  autour de Paris, Saint-Denis (93), Vitry-sur-Seine… »).

A commune whose name another French commune bears is followed by its
department (« Saint-Denis (974) »). Main communes are the most populated ones,
one per department so that the name shows how far the zone reaches.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from geo.core import fmt

_VOWELS = set("AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ")
# Place names whose initial h is mute (d'Hyères); most are aspirated (de Haguenau).
_MUTE_H = ("Hyères", "Hérouville", "Hénin", "Hennebont", "Hendaye", "Herblay")
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
) -> pd.DataFrame:
    """Name, main communes, regions and a one-line description of each group.

    ``table``: one row per commune of a zone (``group``, ``nom``, ``departement``,
    ``region``, ``population``); ``homonyms``: commune names borne by several
    communes in France. Returns one row per group (index = group) with columns
    ``nom``, ``communes_principales``, ``regions``, ``description``. Loops over
    the zones (a few dozen), never over communes.
    """
    departement_names = departement_names or {}
    region_names = region_names or {}
    ordered = table.sort_values(["population", "nom"], ascending=[False, True])
    rows = {}
    for group, part in ordered.groupby("group", sort=False):
        rows[group] = _describe(part, homonyms, departement_names, region_names)
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
) -> tuple[str, str, str, str]:
    """(nom, communes_principales, regions, description) of one zone, communes by population."""
    # The most populated commune of each department, largest first: departments are
    # listed in the order of their main commune, so that names and towns match.
    leaders = part.drop_duplicates("departement")
    departments = list(leaders["departement"])
    towns = [_town(row, homonyms) for row in leaders.itertuples()]
    regions = _regions(part, region_names)
    if len(part) == 1:
        name = towns[0]
    elif len(departments) == 1:
        name = around(towns[0])
    elif len(departments) <= 3:
        places = _and([departement_names.get(d, d) for d in departments])
        name = f"{places}, autour {_and([de(town) for town in towns])}"
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
    description = (
        f"{fmt.count(len(part), 'commune')} voisines sans OPSN, "
        f"{fmt.inhabitants(int(part['population'].sum()))} ; {word} : {spread} ; "
        f"principales communes : {', '.join(main)}"
    )
    if len(part) == 1:
        description = (
            f"commune isolée sans OPSN, {fmt.inhabitants(int(part['population'].sum()))} ; "
            f"département : {spread}"
        )
    return name, ", ".join(main), ", ".join(regions), description


def _regions(part: pd.DataFrame, region_names: Mapping[str, str]) -> list[str]:
    """Regions holding at least :data:`REGION_SHARE` of the zone (communes or people).

    In the order of their most populated commune (``part`` is sorted by
    population), so that the first region is the first main commune's.
    """
    if "region" not in part.columns:
        return []
    grouped = part.groupby("region", sort=False).agg(
        communes=("nom", "size"), population=("population", "sum")
    )
    share = pd.concat(
        [grouped["communes"] / len(part), grouped["population"] / max(part["population"].sum(), 1)],
        axis=1,
    ).max(axis=1)
    kept = grouped[share >= REGION_SHARE]
    return [region_names.get(code, code) for code in kept.index]
