"""The five DROM as insets beside the mainland, for drawing only.

A national map of France that leaves out Guadeloupe, Martinique, Guyane,
La Réunion and Mayotte misleads: the headline counts them. As on INSEE's and
the Observatoire des territoires' maps, each DROM is drawn in a box of its own
in a column west of the mainland (over the Atlantic, where no French land is),
scaled to fill its box. The boxes are squares in Web Mercator, the projection
Leaflet draws in, so that they look square on screen and every DROM keeps its
shape.

Only drawings move: areas, distances, adjacency and every figure are computed
on the true geometry, elsewhere. The functions here are pure: geometries in,
moved geometries out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

EARTH_RADIUS_M = 6378137.0
"""Radius of the Web Mercator sphere (EPSG:3857), in metres."""

DROM_ORDER = ("971", "972", "973", "974", "976")
"""Top to bottom: INSEE order."""

DROM_NAMES = {
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "La Réunion",
    "976": "Mayotte",
}

MAINLAND_BOUNDS = (-5.2, 41.3, 9.6, 51.1)
"""(west, south, east, north) of metropolitan France, Corsica and Finistère included."""

_COLUMN_EAST = -5.75
"""East edge of the column of boxes (degrees of longitude): clear of Finistère (-4.8°)."""
_GAP_M = 30_000.0
"""Space between two boxes, in Web Mercator metres."""
_MARGIN = 0.06
"""Share of a box left empty around its DROM."""
_LABEL_STRIP = 0.16
"""Share of a box's height kept free at its top for the DROM's name."""


def to_mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator metres of WGS84 degrees (what Leaflet's default CRS draws)."""
    x = np.radians(lon) * EARTH_RADIUS_M
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * EARTH_RADIUS_M
    return x, y


def from_mercator(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon = np.degrees(x / EARTH_RADIUS_M)
    lat = np.degrees(2 * np.arctan(np.exp(y / EARTH_RADIUS_M)) - np.pi / 2)
    return lon, lat


@dataclass(frozen=True)
class InsetBox:
    """Where one DROM is drawn: a square in Web Mercator metres."""

    department: str
    name: str
    min_x: float
    min_y: float
    size: float

    @property
    def frame(self) -> shapely.Polygon:
        """The box as a WGS84 polygon (its four corners)."""
        xs = np.array([self.min_x, self.min_x + self.size])
        ys = np.array([self.min_y, self.min_y + self.size])
        lon, lat = from_mercator(xs, ys)
        return shapely.box(lon[0], lat[0], lon[1], lat[1])


def inset_boxes() -> dict[str, InsetBox]:
    """The five boxes, stacked from the mainland's north edge down to its south edge."""
    west, south, _east, north = MAINLAND_BOUNDS
    _, (bottom, top) = to_mercator(np.array([west, west]), np.array([south, north]))
    size = (top - bottom - _GAP_M * (len(DROM_ORDER) - 1)) / len(DROM_ORDER)
    east_x = math.radians(_COLUMN_EAST) * EARTH_RADIUS_M
    boxes = {}
    for rank, code in enumerate(DROM_ORDER):
        min_y = top - (rank + 1) * size - rank * _GAP_M
        boxes[code] = InsetBox(code, DROM_NAMES[code], east_x - size, min_y, size)
    return boxes


def inset_transform(bounds: tuple[float, float, float, float], box: InsetBox):
    """``(scale, dx, dy)`` in Mercator metres fitting WGS84 ``bounds`` into ``box``."""
    (x0, x1), (y0, y1) = to_mercator(
        np.array([bounds[0], bounds[2]]), np.array([bounds[1], bounds[3]])
    )
    width = box.size * (1 - 2 * _MARGIN)
    height = box.size * (1 - 2 * _MARGIN - _LABEL_STRIP)
    scale = min(width / (x1 - x0), height / (y1 - y0))
    centre_x, centre_y = (x0 + x1) / 2, (y0 + y1) / 2
    box_x = box.min_x + box.size / 2
    box_y = box.min_y + box.size * _MARGIN + height / 2
    return scale, box_x - centre_x * scale, box_y - centre_y * scale


def place_in_inset(
    geometries: np.ndarray, bounds: tuple[float, float, float, float], box: InsetBox
) -> np.ndarray:
    """WGS84 ``geometries`` moved and scaled so that ``bounds`` fills ``box``.

    ``bounds`` is the extent of the whole DROM, so that its communes,
    department and region outlines all land at the same place.
    """
    scale, dx, dy = inset_transform(bounds, box)

    def move(coords: np.ndarray) -> np.ndarray:
        x, y = to_mercator(coords[:, 0], coords[:, 1])
        lon, lat = from_mercator(x * scale + dx, y * scale + dy)
        return np.column_stack([lon, lat])

    return shapely.transform(np.asarray(geometries, dtype=object), move)


def place_drom(
    geometries: np.ndarray, departments: np.ndarray, extents: dict[str, tuple]
) -> np.ndarray:
    """Every geometry of a DROM moved into its box; metropolitan ones unchanged.

    ``departments`` gives the department code of each geometry; ``extents``
    the WGS84 bounds of each DROM (see :func:`drom_extents`).
    """
    moved = np.array(geometries, dtype=object, copy=True)
    departments = np.asarray(departments)
    boxes = inset_boxes()
    for code, box in boxes.items():
        chosen = departments == code
        if chosen.any() and code in extents:
            moved[chosen] = place_in_inset(moved[chosen], extents[code], box)
    return moved


def drom_extents(outlines: np.ndarray, departments: np.ndarray) -> dict[str, tuple]:
    """WGS84 bounds of each DROM present, from the outlines of its communes or department."""
    departments = np.asarray(departments)
    extents = {}
    for code in DROM_ORDER:
        chosen = np.asarray(outlines, dtype=object)[departments == code]
        if len(chosen):
            extents[code] = tuple(shapely.total_bounds(chosen).tolist())
    return extents


def national_bounds() -> tuple[float, float, float, float]:
    """(west, south, east, north) of the mainland with the column of insets."""
    boxes = inset_boxes()
    west = min(box.frame.bounds[0] for box in boxes.values())
    _, south, east, north = MAINLAND_BOUNDS
    return west, south, east, north
