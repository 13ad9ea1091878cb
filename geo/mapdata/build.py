"""The geometry files of the live map, built once from the reference data.

Outlines do not change with the coverage options, so they are prepared once and
cached by the browser; a change of view or option only sends statuses
(DESIGN.md §4). Two kinds of file:

- ``national``: every commune at the generalised level (1 km, coverage-preserving
  simplification done by ``build-communes``), departments and regions, the five
  DROM moved into their insets (:mod:`geo.mapdata.insets`). It draws the national and
  region views and the surroundings of every closer view. Communes are in the
  reference order, so that the n-th status sent by the server is the n-th
  commune's.
- ``departement-<code>``: the communes of one department at the detailed level
  (300 m), with their names, populations and positions in the reference order,
  and the department's own detailed outline. Department, commune, EPCI and
  territory views load the few they need.

Coordinates are Web Mercator metres on a grid (:mod:`geo.mapdata.encoding`):
100 m for the national file (under a pixel up to zoom 10), 20 m for departments.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import shapely

from geo.core.reference import ReferenceData
from geo.mapdata.encoding import encode_layer, grid_points, pack
from geo.mapdata.insets import DROM_ORDER, MAINLAND_BOUNDS, drom_extents, inset_boxes, place_drom

FORMAT_VERSION = 3
"""Bumped whenever the files' content changes for the same reference data."""
NATIONAL_STEP_M = 100.0
DEPARTMENT_STEP_M = 20.0
NATIONAL_OUTLINE = "geometry_generalisee"
DEPARTMENT_OUTLINE = "geometry"


def fingerprint(reference: ReferenceData) -> str:
    """A digest of everything the files are made of: codes, names, outlines."""
    digest = hashlib.sha256(f"opsn-map/{FORMAT_VERSION}".encode())
    for table, columns in (
        (reference.communes, ("insee", "nom", "departement", "region", "population")),
        (reference.departements, ("code", "nom", "region")),
        (reference.regions, ("code", "nom")),
    ):
        # Vectorised (pandas' stable 64-bit hash of each value): read at every start.
        values = pd.util.hash_pandas_object(table[list(columns)], index=False)
        digest.update(values.to_numpy().tobytes())
        for column in (NATIONAL_OUTLINE, DEPARTMENT_OUTLINE):
            digest.update(shapely.get_coordinates(table[column].values).tobytes())
    return digest.hexdigest()[:16]


def _labels(geometries: np.ndarray, step: float) -> list[list[int]]:
    """A point inside each polygon (for labels, and for tests to click on)."""
    return grid_points(shapely.point_on_surface(geometries), step)


def file_name(name: str, data: bytes) -> str:
    """``name.<digest>.bin.gz``: a name that changes whenever the content does.

    The files are stored gzip-compressed (:mod:`geo.mapdata.store`); the digest is
    that of their content.
    """
    return f"{name}.{hashlib.sha256(data).hexdigest()[:12]}.bin.gz"


def national_file(
    reference: ReferenceData,
    department_files: dict[str, str] | None = None,
    neighbours: dict[str, list[str]] | None = None,
) -> bytes:
    """Communes, departments, regions and DROM insets at the national level.

    With the names of the departments' files and their neighbours, the browser can
    fetch a department's communes as soon as the pointer is over it, and draw the
    department a click opens before the server has answered.
    """
    communes = reference.communes
    departements = reference.departements
    regions = reference.regions
    extents = drom_extents(communes[NATIONAL_OUTLINE].values, communes["departement"].values)
    commune_shapes = place_drom(
        communes[NATIONAL_OUTLINE].values, communes["departement"].values, extents
    )
    department_shapes = place_drom(
        departements[NATIONAL_OUTLINE].values, departements["code"].values, extents
    )
    region_department = departements.loc[departements["code"].isin(DROM_ORDER)].set_index("region")[
        "code"
    ]
    region_shapes = place_drom(
        regions[NATIONAL_OUTLINE].values,
        regions["code"].map(region_department).fillna("").values,
        extents,
    )
    step = NATIONAL_STEP_M
    boxes = inset_boxes()
    frames = []
    for code, box in boxes.items():
        frames.append(
            {
                "code": code,
                "name": box.name,
                "box": [
                    round(box.min_x / step),
                    round(box.min_y / step),
                    round((box.min_x + box.size) / step),
                    round((box.min_y + box.size) / step),
                ],
            }
        )
    west, south, east, north = MAINLAND_BOUNDS
    corners = grid_points(shapely.points([(west, south), (east, north)]), step)
    header = {
        "kind": "national",
        "step": step,
        "frames": frames,
        "mainland": [*corners[0], *corners[1]],
        "layers": {
            "communes": {"count": len(communes)},
            "departements": {
                "count": len(departements),
                "codes": departements["code"].tolist(),
                "names": departements["nom"].tolist(),
                "regions": departements["region"].tolist(),
                "labels": _labels(department_shapes, step),
                "communes": _ranges(communes["departement"], departements["code"]),
                "files": [(department_files or {}).get(c, "") for c in departements["code"]],
                "neighbours": [(neighbours or {}).get(c, []) for c in departements["code"]],
            },
            "regions": {
                "count": len(regions),
                "codes": regions["code"].tolist(),
                "names": regions["nom"].tolist(),
                "labels": _labels(region_shapes, step),
            },
        },
    }
    streams = {
        "communes": encode_layer(commune_shapes, step),
        "departements": encode_layer(department_shapes, step),
        "regions": encode_layer(region_shapes, step),
    }
    return pack(header, streams)


def _ranges(keys: pd.Series, codes: pd.Series) -> list[list[list[int]]]:
    """For each code, the ``[start, end)`` runs of the positions where ``keys`` has it."""
    values = keys.to_numpy()
    out = []
    for code in codes:
        padded = np.concatenate([[False], values == code, [False]])
        edges = np.flatnonzero(padded[1:] != padded[:-1])
        out.append(edges.reshape(-1, 2).tolist())
    return out


def department_file(reference: ReferenceData, code: str) -> bytes:
    """The communes of one department, detailed, with what their tooltips show."""
    communes = reference.communes
    positions = np.flatnonzero((communes["departement"] == code).to_numpy())
    chosen = communes.iloc[positions]
    department = reference.departements[reference.departements["code"] == code]
    step = DEPARTMENT_STEP_M
    header = {
        "kind": "departement",
        "code": code,
        "step": step,
        "layers": {
            "communes": {
                "count": len(chosen),
                "index": positions.tolist(),
                "codes": chosen["insee"].tolist(),
                "names": chosen["nom"].tolist(),
                "population": chosen["population"].astype(int).tolist(),
                "labels": _labels(chosen[DEPARTMENT_OUTLINE].values, step),
            },
            "departement": {
                "count": len(department),
                "codes": department["code"].tolist(),
                "names": department["nom"].tolist(),
                "labels": _labels(department[DEPARTMENT_OUTLINE].values, step),
            },
        },
    }
    streams = {
        "communes": encode_layer(chosen[DEPARTMENT_OUTLINE].values, step),
        "departement": encode_layer(department[DEPARTMENT_OUTLINE].values, step),
    }
    return pack(header, streams)


def all_files(reference: ReferenceData) -> dict[str, bytes]:
    """Every file, by name: ``departement-<code>`` then ``national`` (which names them)."""
    files = {}
    names = {}
    for code in reference.departements["code"]:
        data = department_file(reference, code)
        files[f"departement-{code}"] = data
        names[code] = file_name(f"departement-{code}", data)
    files["national"] = national_file(reference, names, department_neighbours(reference))
    return files


def department_neighbours(reference: ReferenceData) -> dict[str, list[str]]:
    """Departments sharing a border with each department (from the communes' borders)."""
    department_of = reference.communes.set_index("insee")["departement"]
    pairs = reference.neighbours
    left = pairs["insee_a"].map(department_of)
    right = pairs["insee_b"].map(department_of)
    across = pd.DataFrame({"a": left, "b": right})[left != right].dropna()
    both = pd.concat([across, across.rename(columns={"a": "b", "b": "a"})])
    both = both.drop_duplicates().sort_values(["a", "b"])
    neighbours = {code: [] for code in reference.departements["code"]}
    for code, group in both.groupby("a"):
        neighbours[code] = group["b"].tolist()
    return neighbours
