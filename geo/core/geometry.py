"""Geometry preparation: metric CRS per territory, coverage-preserving generalisation.

Neighbouring communes must keep sharing their borders once simplified, or the
maps show slivers and gaps and the white zones fall apart. So simplification
works on the whole coverage of a territory at once (``coverage_clean`` then
``coverage_simplify``) in a metric CRS, never polygon by polygon.
"""

from __future__ import annotations

from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

WGS84 = "EPSG:4326"
LAMBERT93 = "EPSG:2154"

# Legal metric projections of the DROM (RGAF09, RGFG95, RGR92, RGM04).
OVERSEAS_CRS = {
    "971": "EPSG:5490",
    "972": "EPSG:5490",
    "973": "EPSG:2972",
    "974": "EPSG:2975",
    "976": "EPSG:4471",
}

COORDINATE_DECIMALS = 5
# Tolerances (metres) of the two levels of detail kept in the reference data:
# commune polygons in a department/EPCI view, and a coarser level for regions
# and national dissolves.
DETAIL_TOLERANCE_M = 300.0
GENERALISED_TOLERANCE_M = 1000.0


def metric_crs(department: str) -> str:
    """Projected CRS in which to measure areas and distances for a department."""
    return OVERSEAS_CRS.get(department, LAMBERT93)


def zone_of(departments: pd.Series) -> pd.Series:
    """Territory whose metric CRS applies: ``metro`` or the DROM code."""
    return departments.where(departments.isin(list(OVERSEAS_CRS)), "metro")


def zone_crs(zone: str) -> str:
    return LAMBERT93 if zone == "metro" else OVERSEAS_CRS[zone]


class ProjectedOutlines(NamedTuple):
    """Outlines in metric coordinates: each row in the CRS of its zone (mainland or a DROM)."""

    zones: np.ndarray  # ``metro`` or the DROM code, per row
    outlines: np.ndarray  # shapely geometries, same order


def project_by_zone(outlines: gpd.GeoSeries, zones: np.ndarray) -> ProjectedOutlines:
    """``outlines`` (WGS84), each in the metric CRS of its zone: distances and areas in metres."""
    projected = np.empty(len(outlines), dtype=object)
    for zone in np.unique(zones):
        chosen = zones == zone
        projected[chosen] = outlines[chosen].to_crs(zone_crs(zone)).values
    return ProjectedOutlines(np.asarray(zones), projected)


def round_coordinates(geometries: np.ndarray) -> np.ndarray:
    """Snap to a 1e-5° grid (about 1 m): same input vertex, same output vertex."""
    return shapely.set_precision(geometries, 10**-COORDINATE_DECIMALS)


def clean_coverage(geometries: gpd.GeoSeries) -> gpd.GeoSeries:
    """Close the slivers and mismatched shared edges of a coverage (metric CRS)."""
    cleaned = shapely.coverage_clean(geometries.values)
    return gpd.GeoSeries(cleaned, index=geometries.index, crs=geometries.crs)


def simplify_coverage(metric: gpd.GeoSeries, tolerance_m: float) -> gpd.GeoSeries:
    """Coverage-preserving simplification, returned in WGS84 with rounded coordinates."""
    simplified = gpd.GeoSeries(
        shapely.coverage_simplify(metric.values, tolerance_m),
        index=metric.index,
        crs=metric.crs,
    )
    wgs84 = simplified.to_crs(WGS84)
    return gpd.GeoSeries(round_coordinates(wgs84.values), index=metric.index, crs=WGS84)


def dissolve(geometries: gpd.GeoSeries, keys: pd.Series) -> gpd.GeoSeries:
    """Union of the geometries sharing a key, indexed by key."""
    groups = {}
    for key, members in geometries.groupby(keys.values):
        groups[key] = shapely.union_all(members.values)
    return gpd.GeoSeries(groups, crs=geometries.crs)


def shared_borders(metric: gpd.GeoSeries, codes: pd.Series) -> pd.DataFrame:
    """Pairs of polygons sharing a border (a line, not a single point), with its length.

    ``metric`` must be a clean coverage in a metric CRS, so that shared edges
    coincide exactly.
    """
    values = metric.values
    tree = shapely.STRtree(values)
    left, right = tree.query(values, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    lengths = shapely.length(shapely.intersection(values[left], values[right]))
    touching = lengths > 1.0
    code_values = codes.to_numpy()
    return pd.DataFrame(
        {
            "insee_a": code_values[left[touching]],
            "insee_b": code_values[right[touching]],
            "frontiere_m": np.round(lengths[touching]).astype("int64"),
        }
    )


def voronoi_split(polygon: shapely.Geometry, parts: int) -> list[shapely.Geometry]:
    """Split a polygon into ``parts`` cells: the centre, then angular sectors.

    Only used to give a provisional outline to communes that the boundary
    source does not have yet (see SOURCES.md); the result is flagged as
    approximate wherever it is stored.
    """
    centre = polygon.point_on_surface()
    ring = np.asarray(polygon.convex_hull.exterior.coords)
    angles = np.arctan2(ring[:, 1] - centre.y, ring[:, 0] - centre.x)
    seeds = [centre]
    for k in range(parts - 1):
        target = -np.pi + (k + 0.5) * 2 * np.pi / (parts - 1)
        vertex = ring[np.argmin(np.abs(np.angle(np.exp(1j * (angles - target)))))]
        seeds.append(shapely.Point((centre.x + vertex[0]) / 2, (centre.y + vertex[1]) / 2))
    cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=polygon)
    result = []
    for seed in seeds:
        cell = next(c for c in cells.geoms if c.contains(seed))
        result.append(shapely.intersection(cell, polygon))
    return result


def fill_holes(
    metric: gpd.GeoSeries,
    priority: np.ndarray,
    keep: np.ndarray | None = None,
    min_area_m2: float = 10_000.0,
) -> tuple[gpd.GeoSeries, pd.DataFrame]:
    """Give each hole of the coverage to the neighbour most likely to own its land.

    The boundary source still draws some merged communes with their old
    chef-lieu's outline only, leaving the land of the communes that joined them
    as a hole in the map. ``priority`` ranks who may take a hole: 2 for a
    commune whose communes déléguées have no outline in the source, 1 for
    another merged commune, 0 for none. The highest priority bordering the
    hole wins, then the longest shared border; holes with no candidate (lakes,
    foreign enclaves such as Llívia) stay holes. Communes lying inside a hole
    count as bordering it. A hole containing one of the ``keep`` points (foreign
    land) is left alone. Works in a metric CRS on a clean coverage.
    """
    values = metric.values.copy()
    union = shapely.coverage_union_all(values)
    rings = [ring for part in shapely.get_parts(union) for ring in part.interiors]
    holes = [h for h in shapely.polygons(rings) if h.area >= min_area_m2] if rings else []
    tree = shapely.STRtree(values)
    filled = []
    for hole in holes:
        if keep is not None and len(keep) and shapely.contains(hole, keep).any():
            continue
        around = tree.query(hole, predicate="intersects")
        region = shapely.difference(hole, shapely.union_all(values[around]))
        around = around[priority[around] > 0]
        if len(around) == 0 or region.is_empty:
            continue
        shared = shapely.length(shapely.intersection(values[around], region.boundary))
        order = np.lexsort((-shared, -priority[around]))
        best = around[order[0]]
        if shared[order[0]] <= 0:
            continue
        values[best] = shapely.union(values[best], region)
        filled.append((best, region.area / 1e6))
    report = pd.DataFrame(filled, columns=["position", "km2"])
    return gpd.GeoSeries(values, index=metric.index, crs=metric.crs), report
