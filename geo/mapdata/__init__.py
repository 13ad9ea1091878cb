"""Geometry of the live map, prepared once and cached: see :mod:`geo.mapdata.build`."""

from geo.mapdata.build import department_neighbours, fingerprint
from geo.mapdata.store import MapFiles, ensure_map_files

__all__ = ["MapFiles", "department_neighbours", "ensure_map_files", "fingerprint"]
