"""A hand-made reference small enough to compute every answer by hand.

Department 01 is a 3×3 grid of 1 km squares (codes 01001…01009, row by row);
two adjacent Corsican communes (2A004, 2A005); Paris (75056) alone; one
commune in Guadeloupe (97101) alone. EPCI E1 = {01001, 01002, 01004},
E2 = {01005, 01006}.

    01001 (100)   01002 (600)    01003 (2 500)
    01004 (50)    01005 (12 000) 01006 (300)
    01007 (10)    01008 (20)     01009 (30)
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geo.core import geometry
from geo.core.reference import ReferenceData

GRID_POPULATION = [100, 600, 2500, 50, 12000, 300, 10, 20, 30]
EPCI = {"200000001": ["01001", "01002", "01004"], "200000002": ["01005", "01006"]}


def _square(x: float, y: float, size: float = 1000.0) -> shapely.Polygon:
    return shapely.box(x, y, x + size, y + size)


def tiny_reference() -> ReferenceData:
    rows = []
    for k, population in enumerate(GRID_POPULATION):
        row, col = divmod(k, 3)
        rows.append(
            (f"0100{k + 1}", f"Commune {k + 1}", "01", "84", population,
             _square(850000 + 1000 * col, 6550000 - 1000 * row), "EPSG:2154")
        )  # fmt: skip
    rows += [
        ("2A004", "Ajaccio", "2A", "94", 1000, _square(1190000, 6100000), "EPSG:2154"),
        ("2A005", "Alata", "2A", "94", 400, _square(1191000, 6100000), "EPSG:2154"),
        ("75056", "Paris", "75", "11", 2_000_000, _square(650000, 6860000), "EPSG:2154"),
        ("97101", "Les Abymes", "971", "01", 5000, _square(650000, 1800000), "EPSG:5490"),
    ]
    frame = pd.DataFrame(
        rows, columns=["insee", "nom", "departement", "region", "population", "metric", "crs"]
    )
    wgs84 = []
    for crs, part in frame.groupby("crs"):
        series = gpd.GeoSeries(part["metric"].to_numpy(), index=part.index, crs=crs)
        wgs84.append(series.to_crs(geometry.WGS84))
    outlines = pd.concat(wgs84).reindex(frame.index)
    epci_of = {code: siren for siren, codes in EPCI.items() for code in codes}
    communes = gpd.GeoDataFrame(
        {
            "insee": frame["insee"],
            "nom": frame["nom"],
            "siren": ["2" + f"{i:08d}" for i in range(len(frame))],
            "departement": frame["departement"],
            "region": frame["region"],
            "epci": frame["insee"].map(epci_of).fillna(""),
            "population": frame["population"].astype("int64"),
            "codes_postaux": "",
            "contour_approche": False,
            "superficie_km2": 1.0,
        },
        geometry=gpd.GeoSeries(outlines.to_numpy(), crs=geometry.WGS84),
    )
    communes["geometry_generalisee"] = communes.geometry.copy()
    neighbours = []
    for crs, part in frame.groupby("crs"):
        metric = gpd.GeoSeries(part["metric"].to_numpy(), crs=crs)
        neighbours.append(geometry.shared_borders(metric, part["insee"].reset_index(drop=True)))
    departements = communes.dissolve("departement", as_index=False)[["departement", "geometry"]]
    departements = departements.rename(columns={"departement": "code"}).assign(nom="")
    regions = communes.dissolve("region", as_index=False)[["region", "geometry"]]
    regions = regions.rename(columns={"region": "code"}).assign(nom="")
    epci = pd.DataFrame({"siren": list(EPCI), "nom": ["CC Un", "CC Deux"], "type": "CC"})
    return ReferenceData(
        communes=communes,
        departements=departements,
        regions=regions,
        epci=gpd.GeoDataFrame(epci, geometry=[None, None], crs=geometry.WGS84),
        former_codes=pd.DataFrame(columns=["ancien_code", "nom", "type", "insee"]),
        neighbours=pd.concat(neighbours, ignore_index=True),
        metadata={"cog_year": 2026, "population_year": 2023},
    )


def memberships(rows: list[tuple]) -> pd.DataFrame:
    """Memberships from (opsn, insee, epci[, depuis, jusqu_a]) tuples."""
    records = [(*r, None, None)[:5] for r in rows]
    frame = pd.DataFrame(records, columns=["opsn", "insee", "epci", "depuis", "jusqu_a"])
    frame["depuis"] = pd.to_datetime(frame["depuis"])
    frame["jusqu_a"] = pd.to_datetime(frame["jusqu_a"])
    return frame


def perimeters(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["opsn", "departement"])
