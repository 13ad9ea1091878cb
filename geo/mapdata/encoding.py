"""Compact binary encoding of polygon layers, decoded by the map element in the browser.

GeoJSON spends 15 to 20 bytes per vertex and repeats every property name; the
browser then parses all of it before drawing. Here a layer is a stream of
unsigned LEB128 varints: for each feature its number of rings, for each ring its
number of vertices, then the vertices as zigzag-encoded deltas from the previous
vertex on a grid of ``step`` metres in Web Mercator (the projection Leaflet
draws in, so the browser projects nothing). At the national zoom a commune
generalised to 1 km costs about 2 bytes per vertex instead of 18.

Rings are written without their closing vertex; consecutive vertices that fall
on the same grid point are written once. Rings are filled with the even-odd
rule, so holes and islands need no flag.

A file is ``MAGIC``, the length of a JSON header (4 bytes, little-endian), the
header (UTF-8, padded with spaces to a multiple of 4) and the layers' streams;
the header says where each stream starts (``offset``, from the start of the
streams) and how long it is, next to the layer's properties (codes, names...).
"""

from __future__ import annotations

import json
import struct

import numpy as np
import shapely

from geo.mapdata.insets import from_mercator, to_mercator

MAGIC = b"OPSNMAP1"
FORMAT = "opsn-map/1"


def _zigzag(values: np.ndarray) -> np.ndarray:
    values = values.astype(np.int64)
    return ((values << 1) ^ (values >> 63)).astype(np.uint64)


def varints(values: np.ndarray) -> bytes:
    """Unsigned LEB128 encoding of non-negative integers, vectorised."""
    values = np.asarray(values, dtype=np.uint64)
    if values.size == 0:
        return b""
    sizes = np.ones(values.size, dtype=np.int64)
    limit = np.uint64(128)
    for _ in range(9):
        more = values >= limit
        if not more.any():
            break
        sizes += more
        limit = limit * np.uint64(128)
    ends = np.cumsum(sizes)
    starts = ends - sizes
    out = np.zeros(int(ends[-1]), dtype=np.uint8)
    remaining = values.copy()
    for position in range(int(sizes.max())):
        alive = sizes > position
        byte = (remaining[alive] & np.uint64(0x7F)).astype(np.uint8)
        last = sizes[alive] == position + 1
        byte[~last] |= 0x80
        out[starts[alive] + position] = byte
        remaining[alive] >>= np.uint64(7)
    return out.tobytes()


def read_varints(data: bytes) -> np.ndarray:
    """Inverse of :func:`varints` (for tests and checks; the browser has its own)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    if raw.size == 0:
        return np.zeros(0, dtype=np.uint64)
    ends = np.flatnonzero(raw < 0x80)
    starts = np.concatenate([[0], ends[:-1] + 1])
    values = np.zeros(ends.size, dtype=np.uint64)
    for position in range(int((ends - starts).max()) + 1):
        alive = starts + position <= ends
        chunk = (raw[starts[alive] + position] & 0x7F).astype(np.uint64)
        values[alive] |= chunk << np.uint64(7 * position)
    return values


def quantise(geometries: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rings of polygonal WGS84 ``geometries`` on a grid of ``step`` Mercator metres.

    Returns ``(ring_counts, vertex_counts, vertices)``: the number of rings of each
    geometry, the number of vertices of each ring (closing vertex dropped, repeats
    removed) and the integer grid coordinates of all vertices, ring after ring.
    """
    geometries = np.asarray(geometries, dtype=object)
    parts, part_owner = shapely.get_parts(geometries, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    ring_counts = np.bincount(part_owner[ring_part], minlength=len(geometries))
    if coords.size == 0:
        return ring_counts, np.zeros(len(rings), dtype=np.int64), np.zeros((0, 2), dtype=np.int64)
    x, y = to_mercator(coords[:, 0], coords[:, 1])
    grid = np.column_stack([np.round(x / step), np.round(y / step)]).astype(np.int64)
    # Drop each ring's closing vertex, then repeats of the previous vertex.
    closing = np.r_[coord_ring[1:] != coord_ring[:-1], True]
    repeat = np.r_[False, (grid[1:] == grid[:-1]).all(axis=1) & (coord_ring[1:] == coord_ring[:-1])]
    keep = ~closing & ~repeat
    grid, coord_ring = grid[keep], coord_ring[keep]
    vertex_counts = np.bincount(coord_ring, minlength=len(rings))
    return ring_counts, vertex_counts, grid


def encode_layer(geometries: np.ndarray, step: float) -> bytes:
    """One layer's stream: per feature its ring count, per ring its vertex count and deltas."""
    ring_counts, vertex_counts, grid = quantise(geometries, step)
    deltas = np.diff(grid, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    zigzag = _zigzag(deltas.reshape(-1))
    # Interleave: [rings of f0, n of r0, x, y, ..., n of r1, ..., rings of f1, ...].
    features = len(ring_counts)
    ring_owner = np.repeat(np.arange(features), ring_counts)
    rings_before = np.concatenate([[0], np.cumsum(ring_counts)[:-1]]).astype(np.int64)
    vertices_of = np.bincount(ring_owner, weights=vertex_counts, minlength=features)
    vertices_before = np.concatenate([[0], np.cumsum(vertices_of)[:-1]]).astype(np.int64)
    ring_vertices_before = np.concatenate([[0], np.cumsum(vertex_counts)[:-1]]).astype(np.int64)
    feature_header_at = np.arange(features) + rings_before + 2 * vertices_before
    ring_header_at = ring_owner + 1 + np.arange(len(vertex_counts)) + 2 * ring_vertices_before
    tokens = np.empty(features + len(vertex_counts) + zigzag.size, dtype=np.uint64)
    tokens[feature_header_at] = ring_counts
    tokens[ring_header_at] = vertex_counts
    filled = np.zeros(tokens.size, dtype=bool)
    filled[feature_header_at] = True
    filled[ring_header_at] = True
    tokens[~filled] = zigzag
    return varints(tokens)


def decode_layer(stream: bytes, count: int, step: float) -> list[list[np.ndarray]]:
    """Inverse of :func:`encode_layer`: per feature, its rings as WGS84 (lon, lat) arrays."""
    tokens = read_varints(stream).astype(np.int64)
    features = []
    at = 0
    x = y = 0
    for _ in range(count):
        rings = []
        ring_count = int(tokens[at])
        at += 1
        for _ in range(ring_count):
            n = int(tokens[at])
            at += 1
            raw = tokens[at : at + 2 * n]
            at += 2 * n
            values = (raw >> 1) ^ -(raw & 1)
            xs = x + np.cumsum(values[0::2])
            ys = y + np.cumsum(values[1::2])
            if n:
                x, y = int(xs[-1]), int(ys[-1])
            lon, lat = from_mercator(xs * step, ys * step)
            rings.append(np.column_stack([lon, lat]))
        features.append(rings)
    if at != tokens.size:
        raise ValueError(f"{tokens.size - at} valeurs en trop dans la couche")
    return features


def grid_points(points: np.ndarray, step: float) -> list[list[int]]:
    """WGS84 points (shapely) as ``[x, y]`` on the grid of ``step`` Mercator metres."""
    x, y = to_mercator(shapely.get_x(points), shapely.get_y(points))
    return np.column_stack([np.round(x / step), np.round(y / step)]).astype(int).tolist()


def pack(header: dict, layers: dict[str, bytes]) -> bytes:
    """A file: header (with each layer's offset and length added) and the streams."""
    header = dict(header, format=FORMAT)
    offset = 0
    for name, stream in layers.items():
        header["layers"][name].update(offset=offset, length=len(stream))
        offset += len(stream)
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 4)
    return MAGIC + struct.pack("<I", len(text)) + text + b"".join(layers.values())


def unpack(data: bytes) -> tuple[dict, dict[str, bytes]]:
    """Header and streams of a file written by :func:`pack`."""
    if data[:8] != MAGIC:
        raise ValueError("pas un fichier de géométrie de carte")
    (length,) = struct.unpack("<I", data[8:12])
    header = json.loads(data[12 : 12 + length])
    body = data[12 + length :]
    streams = {
        name: body[layer["offset"] : layer["offset"] + layer["length"]]
        for name, layer in header["layers"].items()
    }
    return header, streams
