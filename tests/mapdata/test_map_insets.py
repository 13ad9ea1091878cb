"""The DROM insets: beside the mainland, inside their boxes, shapes kept, data untouched."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geo.mapdata.insets import (
    DROM_ORDER,
    MAINLAND_BOUNDS,
    drom_extents,
    inset_boxes,
    national_bounds,
    place_drom,
    to_mercator,
)


@pytest.fixture(scope="module")
def drom(reference):
    communes = reference.communes
    chosen = communes["departement"].isin(DROM_ORDER).to_numpy()
    return communes[chosen]


def test_boxes_stand_west_of_the_mainland_without_overlapping():
    boxes = inset_boxes()
    assert list(boxes) == list(DROM_ORDER)
    mainland = shapely.box(*MAINLAND_BOUNDS)
    frames = [box.frame for box in boxes.values()]
    for frame in frames:
        assert not frame.intersects(mainland)
        assert frame.bounds[2] < -4.8  # west of the Pointe de Corsen (Finistère)
    for a in range(len(frames)):
        for b in range(a + 1, len(frames)):
            assert not frames[a].intersects(frames[b])
    west, south, east, north = national_bounds()
    assert west == pytest.approx(min(f.bounds[0] for f in frames))
    assert (south, east, north) == MAINLAND_BOUNDS[1:]


def test_boxes_are_squares_on_screen():
    """Square in Web Mercator, i.e. as Leaflet draws them."""
    for box in inset_boxes().values():
        minx, miny, maxx, maxy = box.frame.bounds
        (x0, x1), (y0, y1) = to_mercator(np.array([minx, maxx]), np.array([miny, maxy]))
        assert x1 - x0 == pytest.approx(y1 - y0, rel=1e-9)


def test_each_drom_is_drawn_inside_its_box_and_keeps_its_shape(drom):
    outlines = drom["geometry_generalisee"].values
    departments = drom["departement"].to_numpy()
    extents = drom_extents(outlines, departments)
    moved = place_drom(outlines, departments, extents)
    boxes = inset_boxes()
    for code in DROM_ORDER:
        chosen = departments == code
        union = shapely.union_all(moved[chosen])
        assert boxes[code].frame.contains(union), code
        # Same shape: the moved outline is the true one scaled (areas in Mercator
        # metres keep their ratios between communes of the same DROM).
        true_areas = np.array([_mercator_area(g) for g in outlines[chosen]])
        moved_areas = np.array([_mercator_area(g) for g in moved[chosen]])
        ratio = moved_areas / true_areas
        assert np.allclose(ratio, ratio[0], rtol=1e-3), code


def test_only_drawings_move(reference, drom):
    """Metropolitan geometries are returned as they are; the input is never modified."""
    communes = reference.communes
    outlines = communes["geometry_generalisee"].values
    before = shapely.to_wkb(outlines)
    departments = communes["departement"].to_numpy()
    moved = place_drom(outlines, departments, drom_extents(outlines, departments))
    assert list(shapely.to_wkb(outlines)) == list(before)
    mainland = ~np.isin(departments, DROM_ORDER)
    assert all(a is b for a, b in zip(moved[mainland], outlines[mainland], strict=True))
    assert not shapely.equals(moved[~mainland], outlines[~mainland]).any()


def _mercator_area(geometry) -> float:
    def project(coords):
        x, y = to_mercator(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.area(shapely.transform(geometry, project))
