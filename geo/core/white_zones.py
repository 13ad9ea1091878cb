"""Territories without OPSN: connected groups of ``sans_opsn`` communes.

Two uncovered communes belong to the same territory when they share a border
(the precomputed ``voisinages`` table, a line not a point). The sea does not
split a territory within one department: an island (communes with no land
border outside their group) joins the uncovered communes of its department
that are no farther from it than the nearest served commune of the department
— so that all of Guadeloupe, Grande-Terre, Basse-Terre, Marie-Galante, Les
Saintes and La Désirade, is one territory when no OPSN serves it, but an island
facing a served coast stays a territory of its own. Guyane is not an island:
it borders Brazil and Suriname, which the communes' data does not hold.
Connected components come from scipy's sparse graph routines rather than a
hand-written union-find.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.core import fmt, geometry
from geo.core.geometry import ProjectedOutlines
from geo.core.reference import neighbour_positions
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


def zone_kinds(zones: pd.DataFrame) -> dict[str, int]:
    """How many territories are overseas, and how many are islands (``white_zone_*`` keys)."""
    if zones is None or zones.empty:
        return {"white_zone_overseas": 0, "white_zone_islands": 0}
    islands = zones["ile"] if "ile" in zones.columns else pd.Series(False, index=zones.index)
    return {
        "white_zone_overseas": int(zones["outre_mer"].astype(bool).sum()),
        "white_zone_islands": int(islands.astype(bool).sum()),
    }


def zone_kinds_text(overseas: int | None, islands: int | None) -> str:
    """« dont 5 outre-mer ; 5 îles ou archipels » (empty when neither): the
    ``white_zone_overseas`` and ``white_zone_islands`` figures."""
    parts = []
    if overseas:
        parts.append(f"{fmt.integer(overseas)} outre-mer")
    if islands:
        parts.append(f"{fmt.integer(islands)} {'île' if islands == 1 else 'îles'} ou archipels")
    return ("dont " + " ; ".join(parts)) if parts else ""


CONTINENTAL_OVERSEAS = frozenset({"973"})
"""Guyane: no French commune beyond its border, yet no island (Brazil, Suriname)."""


def _components(a: np.ndarray, b: np.ndarray, size: int) -> np.ndarray:
    """Connected component of each of ``size`` nodes linked by the edges ``a``–``b``."""
    # Imported here: a server that reads its analyses back from disk never needs SciPy.
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(size, size))
    return connected_components(graph, directed=False)[1]


def label_groups(members: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Component label of each position (``-1`` outside ``members``)."""
    a, b = pairs
    inside = members[a] & members[b]
    labels = _components(a[inside], b[inside], len(members))
    return np.where(members, labels, -1)


def island_groups(labels: np.ndarray, pairs: np.ndarray, departments: np.ndarray) -> np.ndarray:
    """The groups (labels) with no land border outside themselves: islands.

    A group of Guyane (:data:`CONTINENTAL_OVERSEAS`) is never one.
    """
    a, b = pairs
    differ = labels[a] != labels[b]
    bordered = np.union1d(labels[a][differ], labels[b][differ])
    groups = np.unique(labels[labels >= 0])
    continental = np.unique(
        labels[(labels >= 0) & np.isin(departments, list(CONTINENTAL_OVERSEAS))]
    )
    return np.setdiff1d(groups, np.union1d(bordered, continental))


def join_by_sea(
    labels: np.ndarray, pairs: np.ndarray, communes: gpd.GeoDataFrame, projected: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Groups of the same department that only the sea separates, joined; and the islands.

    An island group joins every uncovered group of its department that is no
    farther from it than the nearest commune of the department some OPSN
    serves (any, when none is served). Returns the new labels (``-1`` kept) and
    the island groups among the *old* labels. Loops over the islands (a few
    dozen), never over communes; distances in each zone's metric CRS.
    """
    departments = communes["departement"].to_numpy(dtype=object)
    islands = island_groups(labels, pairs, departments)
    if not len(islands):
        return labels, islands
    uncovered = labels >= 0
    sources, targets = [], []
    for group in islands:
        members = labels == group
        shape = shapely.union_all(projected[members])
        for department in np.unique(departments[members]):
            in_department = departments == department
            others = in_department & uncovered & ~members
            if not others.any():
                continue
            served = in_department & ~uncovered
            limit = shapely.distance(shape, projected[served]).min() if served.any() else np.inf
            gaps = shapely.distance(shape, projected[others])
            near = np.unique(labels[others][gaps <= limit])
            sources += [group] * len(near)
            targets += near.tolist()
    if not sources:
        return labels, islands
    joined = _components(np.array(sources), np.array(targets), int(labels.max()) + 1)
    return np.where(uncovered, joined[np.maximum(labels, 0)], -1), islands


def white_zones(
    communes: gpd.GeoDataFrame,
    coverage: pd.DataFrame,
    neighbours: pd.DataFrame,
    pairs: np.ndarray | None = None,
    departements: pd.DataFrame | None = None,
    regions: pd.DataFrame | None = None,
    projected: ProjectedOutlines | None = None,
) -> pd.DataFrame:
    """The territories without OPSN, ranked by population (largest first).

    Columns: ``id`` (stable: ``Z`` + INSEE code of its most populated commune),
    ``rang``, ``nom`` (built from what it contains, see :mod:`geo.core.zone_names`),
    ``communes`` (count), ``population``, ``superficie_km2``, ``departements``,
    ``insee`` (``|``-joined codes), ``outre_mer``, ``opsn_voisins_perimetre``,
    ``opsn_voisins_adhesion``, ``distance_km`` to the nearest commune served by
    an OPSN (0 when it borders one; empty when its territory has none), then
    ``communes_principales``, ``regions`` (names), ``description`` (one
    line) and ``ile`` (made of islands only: Corsica, La Réunion…). ``pairs``
    (:func:`geo.core.reference.neighbour_positions`) and ``projected`` (the
    communes' metric outlines) may be passed to skip recomputing them, as a
    reference keeps them; ``departements`` and ``regions`` (reference tables)
    give the names, codes are used without them.
    """
    uncovered = (coverage["statut"] == "sans_opsn").to_numpy()
    if not uncovered.any():
        return _empty_zones()
    if pairs is None:
        pairs = neighbour_positions(communes, neighbours)
    land = label_groups(uncovered, pairs)
    if projected is None:
        projected = project_communes(communes)
    labels, islands = join_by_sea(land, pairs, communes, projected.outlines)
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
    # Land pieces of each territory, and whether they all are islands.
    pieces = pd.DataFrame({"group": labels[rows], "land": land[rows]}).drop_duplicates()
    pieces["island"] = pieces["land"].isin(islands)
    by_group = pieces.groupby("group")
    shape = pd.DataFrame({"pieces": by_group.size(), "island": by_group["island"].all()})
    names = communes["nom"]
    homonyms = set(names[names.duplicated(keep=False)])
    sizes = communes["departement"].value_counts().to_dict()
    named = zone_names(
        table, homonyms, _names(departements), _names(regions), sizes, shape.reindex(zones.index)
    )
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
    zones["distance_km"] = _distance_to_served(projected, uncovered, table, set(labels[inside]))
    for column in ("communes_principales", "regions", "description"):
        zones[column] = named[column].reindex(zones.index)
    zones["ile"] = shape["island"].reindex(zones.index).fillna(False).astype(bool)
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
    projected: ProjectedOutlines, uncovered: np.ndarray, table: pd.DataFrame, bordering: set
) -> pd.Series:
    """Kilometres from each group to the nearest served commune of its territory."""
    groups = np.unique(table["group"].to_numpy())
    distance = pd.Series(np.where(np.isin(groups, list(bordering)), 0.0, np.nan), index=groups)
    lonely = table[table["group"].isin(distance.index[distance.isna()])]
    if lonely.empty:
        return distance
    zones_of, outlines = projected
    for zone, rows in lonely.groupby(zones_of[lonely["position"].to_numpy()]):
        in_zone = zones_of == zone
        targets = outlines[~uncovered & in_zone]
        if len(targets) == 0:
            continue
        sources = outlines[rows["position"].to_numpy()]
        tree = shapely.STRtree(targets)
        _, gaps = tree.query_nearest(sources, return_distance=True, all_matches=False)
        nearest = pd.Series(gaps / 1000.0, index=rows["group"].to_numpy()).groupby(level=0).min()
        distance.loc[nearest.index] = nearest.round(1)
    return distance


def project_communes(communes: gpd.GeoDataFrame) -> ProjectedOutlines:
    """Generalised commune outlines in metric coordinates (a reference keeps its own:
    :meth:`geo.core.reference.ReferenceData.projected`)."""
    zones = geometry.zone_of(communes["departement"]).to_numpy()
    return geometry.project_by_zone(communes["geometry_generalisee"], zones)


def _empty_zones() -> pd.DataFrame:
    columns = [
        "id", "rang", "nom", "communes", "population", "superficie_km2", "departements",
        "insee", "outre_mer", "opsn_voisins_perimetre", "opsn_voisins_adhesion", "distance_km",
        "communes_principales", "regions", "description", "ile",
    ]  # fmt: skip
    return pd.DataFrame(columns=columns)
