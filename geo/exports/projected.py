"""Outlines in metric CRS for drawing: Lambert-93 for the mainland, each DROM its own.

A static map is drawn in projected coordinates (shapes as a French reader knows
them, a scale bar in kilometres), each territory in the CRS of
:func:`geo.core.geometry.zone_crs`; the reference data keeps its projected outlines
(:meth:`geo.core.reference.ReferenceData.projected`). Here: dissolving them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

METRO = "metro"


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
