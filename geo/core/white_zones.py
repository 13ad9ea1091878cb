"""Territories without OPSN: connected groups of ``sans_opsn`` communes.

Two uncovered communes belong to the same territory when they share a border
(the precomputed ``voisinages`` table, a line not a point); an island is its
own territory. Connected components come from scipy's sparse graph routines
rather than a hand-written union-find.
"""

from __future__ import annotations

import weakref

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.core import geometry
from geo.core.zone_names import zone_names

WHITE_ZONE_DEFINITION = (
    "Territoire sans OPSN : groupe de communes voisines (qui partagent une limite) dont "
    "aucune n'adhère à un OPSN ni ne se trouve dans le périmètre d'un OPSN (département où "
    "il propose ses services) ; une commune isolée, une île, forme à elle seule un territoire."
)
"""The one-line definition shown next to every mention of the notion (UI, legend, exports)."""

FILTERED_WHITE_ZONE_DEFINITION = (
    "Territoire hors des OPSN choisis : groupe de communes voisines (qui partagent une limite) "
    "dont aucune n'adhère à l'un des OPSN choisis ni ne se trouve dans le périmètre de l'un "
    "d'eux ; ces communes peuvent être servies par un autre OPSN."
)
"""The same notion under an OPSN filter, where « sans OPSN » would be wrong."""


def white_zone_definition(opsn_filter: tuple[str, ...] | list[str] = ()) -> str:
    """:data:`WHITE_ZONE_DEFINITION`, or its filtered variant when OPSN are chosen."""
    return FILTERED_WHITE_ZONE_DEFINITION if opsn_filter else WHITE_ZONE_DEFINITION


def neighbour_positions(communes: pd.DataFrame, neighbours: pd.DataFrame) -> np.ndarray:
    """The ``voisinages`` pairs as row positions in ``communes`` (shape (2, n)).

    Working on integer positions keeps every later step in numpy; string
    look-ups over 100,000 pairs cost a second with Arrow-backed strings.
    """
    index = pd.Index(communes["insee"].to_numpy(dtype=object))
    a = index.get_indexer(neighbours["insee_a"].to_numpy(dtype=object))
    b = index.get_indexer(neighbours["insee_b"].to_numpy(dtype=object))
    known = (a >= 0) & (b >= 0)
    return np.vstack([a[known], b[known]])


def label_groups(members: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Component label of each position (``-1`` outside ``members``)."""
    a, b = pairs
    inside = members[a] & members[b]
    size = len(members)
    # Imported here: a server that reads its analyses back from disk never needs SciPy.
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(inside.sum()), (a[inside], b[inside])), shape=(size, size))
    labels = connected_components(graph, directed=False)[1]
    return np.where(members, labels, -1)


def white_zones(
    communes: gpd.GeoDataFrame,
    coverage: pd.DataFrame,
    neighbours: pd.DataFrame,
    pairs: np.ndarray | None = None,
    departements: pd.DataFrame | None = None,
    regions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The territories without OPSN, ranked by population (largest first).

    Columns: ``id`` (stable: ``Z`` + INSEE code of its most populated commune),
    ``rang``, ``nom`` (built from what it contains, see :mod:`geo.core.zone_names`),
    ``communes`` (count), ``population``, ``superficie_km2``, ``departements``,
    ``insee`` (``|``-joined codes), ``outre_mer``, ``opsn_voisins_perimetre``,
    ``opsn_voisins_adhesion``, ``distance_km`` to the nearest commune served by
    an OPSN (0 when it borders one; empty when its territory has none), then
    ``communes_principales``, ``regions`` (names) and ``description`` (one
    line). ``pairs`` (from :func:`neighbour_positions`) may be passed to skip
    recomputing it; ``departements`` and ``regions`` (reference tables) give
    the names, codes are used without them.
    """
    uncovered = (coverage["statut"] == "sans_opsn").to_numpy()
    if not uncovered.any():
        return _empty_zones()
    if pairs is None:
        pairs = neighbour_positions(communes, neighbours)
    labels = label_groups(uncovered, pairs)
    rows = np.flatnonzero(uncovered)
    table = pd.DataFrame(
        {
            "group": labels[rows],
            "insee": communes["insee"].to_numpy(dtype=object)[rows],
            "nom": communes["nom"].to_numpy(dtype=object)[rows],
            "departement": communes["departement"].to_numpy(dtype=object)[rows],
            "region": communes["region"].to_numpy(dtype=object)[rows]
            if "region" in communes.columns
            else "",
            "population": communes["population"].to_numpy()[rows],
            "superficie_km2": communes["superficie_km2"].to_numpy()[rows],
            "position": rows,
        }
    )
    leader = table.sort_values(["population", "insee"], ascending=[False, True])
    leader = leader.drop_duplicates("group").set_index("group")
    grouped = table.groupby("group")
    zones = pd.DataFrame(
        {
            "communes": grouped.size(),
            "population": grouped["population"].sum(),
            "superficie_km2": grouped["superficie_km2"].sum().round(1),
            "departements": grouped["departement"].agg(lambda d: ",".join(sorted(set(d)))),
            "insee": grouped["insee"].agg(lambda c: "|".join(sorted(c))),
        }
    )
    zones["id"] = "Z" + leader["insee"].reindex(zones.index)
    names = communes["nom"]
    homonyms = set(names[names.duplicated(keep=False)])
    named = zone_names(table, homonyms, _names(departements), _names(regions))
    zones["nom"] = named["nom"].reindex(zones.index)
    zones["outre_mer"] = zones["departements"].str.startswith("97")

    # Border pairs: one end inside a zone, the other served by an OPSN.
    a, b = pairs
    crossing = uncovered[a] != uncovered[b]
    inside = np.where(uncovered[a], a, b)[crossing]
    outside = np.where(uncovered[a], b, a)[crossing]
    for column, name in (
        ("opsn_perimetre", "opsn_voisins_perimetre"),
        ("opsn_adhesion", "opsn_voisins_adhesion"),
    ):
        zones[name] = _bordering(labels[inside], coverage[column].to_numpy(dtype=object)[outside])
        zones[name] = zones[name].reindex(zones.index).fillna("")
    zones["distance_km"] = _distance_to_served(communes, uncovered, table, set(labels[inside]))
    for column in ("communes_principales", "regions", "description"):
        zones[column] = named[column].reindex(zones.index)
    zones = zones.sort_values(["population", "id"], ascending=[False, True]).reset_index(drop=True)
    zones.insert(0, "rang", np.arange(1, len(zones) + 1))
    columns = ["id", "rang", "nom", "communes", "population", "superficie_km2", "departements"]
    rest = [c for c in zones.columns if c not in columns]
    return zones[columns + rest]


def _names(layer: pd.DataFrame | None) -> dict[str, str]:
    if layer is None or "nom" not in layer.columns:
        return {}
    return {code: name for code, name in zip(layer["code"], layer["nom"], strict=True) if name}


def _bordering(groups: np.ndarray, opsn: np.ndarray) -> pd.Series:
    """``|``-joined OPSN ids found across each group's border."""
    pairs = pd.DataFrame({"group": groups, "opsn": opsn})
    pairs = pairs[pairs["opsn"] != ""]
    exploded = pairs.assign(opsn=pairs["opsn"].str.split("|")).explode("opsn")
    return exploded.groupby("group")["opsn"].agg(lambda ids: "|".join(sorted(set(ids))))


def _distance_to_served(
    communes: gpd.GeoDataFrame, uncovered: np.ndarray, table: pd.DataFrame, bordering: set
) -> pd.Series:
    """Kilometres from each group to the nearest served commune of its territory."""
    groups = np.unique(table["group"].to_numpy())
    distance = pd.Series(np.where(np.isin(groups, list(bordering)), 0.0, np.nan), index=groups)
    lonely = table[table["group"].isin(distance.index[distance.isna()])]
    if lonely.empty:
        return distance
    zones_of, projected = _projected_outlines(communes)
    for zone, rows in lonely.groupby(zones_of[lonely["position"].to_numpy()]):
        in_zone = zones_of == zone
        targets = projected[~uncovered & in_zone]
        if len(targets) == 0:
            continue
        sources = projected[rows["position"].to_numpy()]
        tree = shapely.STRtree(targets)
        _, gaps = tree.query_nearest(sources, return_distance=True, all_matches=False)
        nearest = pd.Series(gaps / 1000.0, index=rows["group"].to_numpy()).groupby(level=0).min()
        distance.loc[nearest.index] = nearest.round(1)
    return distance


_PROJECTED: list = [None, None, None]  # weak reference to the communes table, zones, outlines


def _projected_outlines(communes: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Zone of each commune and its generalised outline in the zone's metric CRS.

    Reprojecting 35,000 outlines costs more than the rest of the computation,
    so it is done once per communes table (kept while that table lives).
    """
    cached = _PROJECTED[0]() if _PROJECTED[0] is not None else None
    if cached is not communes:
        zones = geometry.zone_of(communes["departement"]).to_numpy()
        projected = np.empty(len(communes), dtype=object)
        outline = communes["geometry_generalisee"]
        for zone in np.unique(zones):
            mask = zones == zone
            projected[mask] = outline[mask].to_crs(geometry.zone_crs(zone)).values
        _PROJECTED[:] = [weakref.ref(communes), zones, projected]
    return _PROJECTED[1], _PROJECTED[2]


def _empty_zones() -> pd.DataFrame:
    columns = [
        "id", "rang", "nom", "communes", "population", "superficie_km2", "departements",
        "insee", "outre_mer", "opsn_voisins_perimetre", "opsn_voisins_adhesion", "distance_km",
        "communes_principales", "regions", "description",
    ]  # fmt: skip
    return pd.DataFrame(columns=columns)
