"""Outlines in metric CRS for drawing: Lambert-93 for the mainland, each DROM its own.

A static map is drawn in projected coordinates (shapes as a French reader knows
them, a scale bar in kilometres), each territory in the CRS of
:func:`geo.core.geometry.zone_crs`. Reprojecting 35,000 outlines costs a few tenths
of a second, so it is done once per reference table and outline level, and
kept while that table lives.
"""

from __future__ import annotations

import weakref

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.core import geometry
from geo.core.reference import ReferenceData

METRO = "metro"


def _reproject(outlines: gpd.GeoSeries, zones: np.ndarray) -> np.ndarray:
    projected = np.empty(len(outlines), dtype=object)
    for zone in np.unique(zones):
        chosen = zones == zone
        projected[chosen] = outlines[chosen].to_crs(geometry.zone_crs(zone)).values
    return projected


class ProjectedOutlines:
    """Projected outlines of communes, departments and regions, cached per reference.

    ``level`` is ``"geometry"`` (detailed, 300 m) or ``"geometry_generalisee"``
    (1 km), the two outline columns of the reference tables.
    """

    def __init__(self) -> None:
        self._owner: weakref.ref | None = None
        self._cache: dict = {}

    def _check(self, reference: ReferenceData) -> None:
        owner = self._owner() if self._owner is not None else None
        if owner is not reference.communes:
            self._cache = {}
            self._owner = weakref.ref(reference.communes)

    def commune_zones(self, reference: ReferenceData) -> np.ndarray:
        """``metro`` or the DROM code, for each commune."""
        self._check(reference)
        if "zones" not in self._cache:
            self._cache["zones"] = geometry.zone_of(reference.communes["departement"]).to_numpy()
        return self._cache["zones"]

    def communes(self, reference: ReferenceData, level: str = "geometry_generalisee") -> np.ndarray:
        """Each commune's outline in its zone's metric CRS (same order as ``communes``)."""
        self._check(reference)
        key = ("communes", level)
        if key not in self._cache:
            zones = self.commune_zones(reference)
            self._cache[key] = _reproject(reference.communes[level], zones)
        return self._cache[key]

    def departements(self, reference: ReferenceData) -> tuple[np.ndarray, np.ndarray]:
        """(zone of each department, its generalised outline in that zone's CRS)."""
        self._check(reference)
        if "departements" not in self._cache:
            table = reference.departements
            zones = geometry.zone_of(table["code"]).to_numpy()
            self._cache["departements"] = (
                zones,
                _reproject(table["geometry_generalisee"], zones),
            )
        return self._cache["departements"]

    def regions(self, reference: ReferenceData) -> tuple[np.ndarray, np.ndarray]:
        """(zone of each region, its generalised outline in that zone's CRS)."""
        self._check(reference)
        if "regions" not in self._cache:
            table = reference.regions
            first = reference.departements.drop_duplicates("region").set_index("region")["code"]
            zones = geometry.zone_of(table["code"].map(first).fillna("")).to_numpy()
            self._cache["regions"] = (zones, _reproject(table["geometry_generalisee"], zones))
        return self._cache["regions"]


PROJECTED = ProjectedOutlines()


def dissolve_by(outlines: np.ndarray, keys: np.ndarray) -> dict[str, shapely.Geometry]:
    """One (multi)polygon per key (status, department, region) from commune outlines.

    ``coverage_union_all`` merges a valid coverage (shared edges identical, as
    the build step guarantees) far faster than ``union_all``; rounding can leave
    the result slightly invalid, which ``make_valid`` mends.
    """
    result = {}
    for name in pd.unique(keys):
        union = shapely.coverage_union_all(outlines[keys == name])
        if not shapely.is_valid(union):
            union = shapely.make_valid(union)
        result[name] = union
    return result


def zone_of_mask(zones: np.ndarray, mask: np.ndarray) -> str:
    """The zone holding most of the masked communes (a view never spans two CRS)."""
    values, counts = np.unique(zones[mask], return_counts=True)
    return str(values[np.argmax(counts)]) if len(values) else METRO
