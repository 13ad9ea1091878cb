"""The map's geometry files: exact round trip, compact, built once, named by content."""

from __future__ import annotations

import gzip
import hashlib

import numpy as np
import pytest
import shapely

from geo.mapdata import ensure_map_files, fingerprint
from geo.mapdata.build import (
    DEPARTMENT_STEP_M,
    NATIONAL_STEP_M,
    department_file,
    department_neighbours,
    national_file,
)
from geo.mapdata.encoding import decode_layer, encode_layer, pack, read_varints, unpack, varints
from geo.mapdata.insets import DROM_ORDER, from_mercator, inset_boxes, to_mercator


def test_varints_round_trip():
    values = np.array([0, 1, 127, 128, 255, 16383, 16384, 2**21, 2**35, 2**62], dtype=np.uint64)
    data = varints(values)
    assert len(data) == 1 + 1 + 1 + 2 + 2 + 2 + 3 + 4 + 6 + 9
    assert list(read_varints(data)) == list(values)


def _grid(step: float, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    x, y = to_mercator(lon, lat)
    return np.column_stack([np.round(x / step), np.round(y / step)])


def test_layer_round_trip_keeps_rings_holes_and_parts():
    step = 20.0
    square = shapely.box(2.0, 46.0, 2.3, 46.2)
    with_hole = shapely.Polygon(
        [(3, 45), (3.5, 45), (3.5, 45.4), (3, 45.4)],
        holes=[[(3.1, 45.1), (3.2, 45.1), (3.2, 45.2), (3.1, 45.2)]],
    )
    islands = shapely.MultiPolygon([shapely.box(-4.0, 48.0, -3.9, 48.1), with_hole])
    features = decode_layer(encode_layer(np.array([square, islands]), step), 2, step)
    assert [len(rings) for rings in features] == [1, 3]
    originals = [shapely.get_rings(shapely.get_parts(g)) for g in (square, islands)]
    for rings, expected in zip(features, originals, strict=True):
        for ring, truth in zip(rings, expected, strict=True):
            coords = shapely.get_coordinates(truth)[:-1]  # no closing vertex
            got = _grid(step, ring[:, 0], ring[:, 1])
            want = _grid(step, coords[:, 0], coords[:, 1])
            assert np.array_equal(got, want)


def test_quantisation_error_is_under_half_a_step(reference):
    """Decoded vertices lie within half a grid step (Mercator metres) of the true ones."""
    outlines = reference.communes["geometry"].values[:200]
    step = DEPARTMENT_STEP_M
    features = decode_layer(encode_layer(outlines, step), len(outlines), step)
    truth = shapely.get_coordinates(shapely.get_exterior_ring(shapely.get_geometry(outlines, 0)))
    got = np.concatenate([rings[0] for rings in features])
    x, y = to_mercator(got[:, 0], got[:, 1])
    tx, ty = to_mercator(truth[:, 0], truth[:, 1])
    tree = shapely.STRtree(shapely.points(tx, ty))
    nearest = tree.query_nearest(shapely.points(x, y), return_distance=True)[1]
    assert nearest.max() <= step / 2 * np.sqrt(2) + 1e-6


def test_pack_and_unpack():
    header = {"kind": "test", "step": 1.0, "layers": {"a": {"count": 1}, "b": {"count": 2}}}
    data = pack(header, {"a": b"\x01\x02", "b": b"\x03"})
    read, streams = unpack(data)
    assert read["format"] == "opsn-map/1"
    assert streams == {"a": b"\x01\x02", "b": b"\x03"}
    assert (len(data) - 12 - 3) % 4 == 0  # header padded to 4 bytes (streams: 3 bytes)
    assert read["layers"]["b"] == {"count": 2, "offset": 2, "length": 1}


@pytest.fixture(scope="module")
def national(reference):
    header, streams = unpack(national_file(reference))
    return header, streams


def test_national_file_holds_every_commune_in_reference_order(reference, national):
    header, streams = national
    communes = header["layers"]["communes"]
    assert communes["count"] == len(reference.communes) == 34875
    features = decode_layer(streams["communes"], communes["count"], header["step"])
    assert len(features) == len(reference.communes)
    # The n-th feature is the n-th commune: its first vertex matches that commune's.
    for position in (0, 1000, 20000, 34000):
        outline = reference.communes["geometry_generalisee"].values[position]
        if reference.communes["departement"].iloc[position] in DROM_ORDER:
            continue
        first = shapely.get_coordinates(outline)[0]
        got = features[position][0][0]
        assert np.allclose(got, first, atol=0.002), position
    assert header["layers"]["departements"]["codes"] == list(reference.departements["code"])
    assert header["layers"]["regions"]["codes"] == list(reference.regions["code"])


def test_national_file_draws_the_drom_in_their_insets(reference, national):
    header, streams = national
    features = decode_layer(
        streams["departements"], header["layers"]["departements"]["count"], header["step"]
    )
    codes = header["layers"]["departements"]["codes"]
    boxes = inset_boxes()
    for code in DROM_ORDER:
        rings = features[codes.index(code)]
        points = np.concatenate(rings)
        assert shapely.contains_xy(boxes[code].frame, points[:, 0], points[:, 1]).all(), code
    frames = {frame["code"]: frame for frame in header["frames"]}
    assert [frames[c]["name"] for c in DROM_ORDER] == [
        "Guadeloupe",
        "Martinique",
        "Guyane",
        "La Réunion",
        "Mayotte",
    ]
    lon, lat = from_mercator(
        np.array(frames["973"]["box"][::2]) * NATIONAL_STEP_M,
        np.array(frames["973"]["box"][1::2]) * NATIONAL_STEP_M,
    )
    assert np.allclose([lon[0], lat[0], lon[1], lat[1]], boxes["973"].frame.bounds, atol=1e-3)


def test_national_file_is_light(national, reference):
    """What every view needs first: well under a megabyte (GeoJSON would be ~6 MB)."""
    data = national_file(reference)
    assert len(data) < 900_000
    # About two bytes per vertex.
    vertices = shapely.get_num_coordinates(reference.communes["geometry_generalisee"].values)
    assert len(data) < 2.6 * vertices.sum()


def test_department_file_lists_its_communes_with_what_tooltips_show(reference):
    header, streams = unpack(department_file(reference, "29"))
    layer = header["layers"]["communes"]
    communes = reference.communes
    positions = np.flatnonzero((communes["departement"] == "29").to_numpy())
    assert layer["index"] == positions.tolist()
    assert layer["codes"] == communes["insee"].iloc[positions].tolist()
    assert layer["names"] == communes["nom"].iloc[positions].tolist()
    assert layer["population"] == communes["population"].iloc[positions].tolist()
    assert len(layer["labels"]) == len(positions)
    features = decode_layer(streams["communes"], layer["count"], header["step"])
    assert len(features) == len(positions)
    assert header["step"] == DEPARTMENT_STEP_M
    # Labels fall inside their commune (they are where tests click).
    step = header["step"]
    for j in (0, 50, 100):
        gx, gy = layer["labels"][j]
        lon, lat = from_mercator(np.array([gx * step]), np.array([gy * step]))
        outline = communes["geometry"].values[positions[j]]
        assert shapely.distance(outline, shapely.Point(lon[0], lat[0])) < 0.001


def test_department_neighbours(reference):
    neighbours = department_neighbours(reference)
    assert neighbours["29"] == ["22", "56"]
    assert neighbours["2A"] == ["2B"]
    assert neighbours["971"] == []
    assert "38" in neighbours["73"] and "73" in neighbours["38"]


def test_files_are_built_once_and_named_by_their_content(reference, tmp_path):
    files = ensure_map_files(reference, tmp_path)
    assert files.fingerprint == fingerprint(reference)
    names = [files.national, *files.departements.values()]
    assert len(files.departements) == 101
    for name in names:
        path = tmp_path / name
        assert path.is_file()
        assert name.endswith(".bin.gz")
        digest = name.rsplit(".", 3)[1]
        content = gzip.decompress(path.read_bytes())
        assert hashlib.sha256(content).hexdigest()[:12] == digest
    manifest = tmp_path / f"manifest-{files.fingerprint}.json"
    assert manifest.is_file()
    stamps = {name: (tmp_path / name).stat().st_mtime_ns for name in names}
    again = ensure_map_files(reference, tmp_path)
    assert again == files
    assert {name: (tmp_path / name).stat().st_mtime_ns for name in names} == stamps
    assert not list(tmp_path.glob(".tmp-*"))


def test_a_missing_file_is_built_again(reference, tmp_path):
    files = ensure_map_files(reference, tmp_path)
    (tmp_path / files.departements["38"]).unlink()
    again = ensure_map_files(reference, tmp_path)
    assert (tmp_path / again.departements["38"]).is_file()
