"""Loaders of the bundled reference data, and look-ups keyed by official codes.

Codes stay strings everywhere (``01001``, ``2A004``, SIREN ``210100012``);
population is an integer. Loading is plain and uncached: the app caches the
result with ``st.cache_resource``, the command line loads once per run.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import pandas as pd

from geo.core.ids import _clean as clean_cell
from geo.core.ids import check_insee, check_siren
from geo.core.paths import COMMUNES_DIR

if TYPE_CHECKING:  # imported when outlines are read: a worker reading a file never needs it
    import geopandas as gpd

    from geo.core.geometry import ProjectedOutlines

T = TypeVar("T")

GEOMETRY_COLUMNS = ("geometry", "geometry_generalisee")


def load_communes(directory: Path = COMMUNES_DIR) -> gpd.GeoDataFrame:
    """Current communes (metropolitan France and DROM) with their two outlines."""
    import geopandas as gpd

    return gpd.read_parquet(directory / "communes.parquet")


def load_departements(directory: Path = COMMUNES_DIR) -> gpd.GeoDataFrame:
    import geopandas as gpd

    return gpd.read_parquet(directory / "departements.parquet")


def load_regions(directory: Path = COMMUNES_DIR) -> gpd.GeoDataFrame:
    import geopandas as gpd

    return gpd.read_parquet(directory / "regions.parquet")


def load_epci(directory: Path = COMMUNES_DIR) -> gpd.GeoDataFrame:
    import geopandas as gpd

    return gpd.read_parquet(directory / "epci.parquet")


def load_former_codes(directory: Path = COMMUNES_DIR) -> pd.DataFrame:
    return pd.read_parquet(directory / "anciens_codes.parquet")


def load_neighbours(directory: Path = COMMUNES_DIR) -> pd.DataFrame:
    return pd.read_parquet(directory / "voisinages.parquet")


def load_metadata(directory: Path = COMMUNES_DIR) -> dict:
    return json.loads((directory / "metadata.json").read_text())


@dataclass(frozen=True)
class Resolution:
    """Where an identifier from an input file lands."""

    kind: str | None  # "commune", "epci" or None when unknown
    code: str | None  # INSEE code of the commune, or SIREN of the EPCI
    message: str | None = None  # French note: correction made, or why rejected
    corrected: bool = False


@dataclass
class ReferenceData:
    """All reference tables, loaded together, with look-ups by code."""

    communes: gpd.GeoDataFrame
    departements: gpd.GeoDataFrame
    regions: gpd.GeoDataFrame
    epci: gpd.GeoDataFrame
    former_codes: pd.DataFrame
    neighbours: pd.DataFrame
    metadata: dict = field(default_factory=dict)

    @cached_property
    def _insee_set(self) -> set[str]:
        return set(self.communes["insee"])

    @cached_property
    def _former(self) -> dict[str, tuple[str, str]]:
        return dict(
            zip(
                self.former_codes["ancien_code"],
                zip(self.former_codes["insee"], self.former_codes["type"], strict=True),
                strict=True,
            )
        )

    @cached_property
    def _commune_by_siren(self) -> dict[str, str]:
        sirens = self.communes[self.communes["siren"] != ""]
        return dict(zip(sirens["siren"], sirens["insee"], strict=True))

    @cached_property
    def _epci_set(self) -> set[str]:
        return set(self.epci["siren"])

    def commune_name(self, insee: str) -> str:
        return self.communes_by_insee.at[insee, "nom"]

    @cached_property
    def communes_by_insee(self) -> pd.DataFrame:
        return pd.DataFrame(
            self.communes.drop(columns=list(GEOMETRY_COLUMNS), errors="ignore")
        ).set_index("insee")

    @cached_property
    def without_geometry(self) -> ReferenceData:
        """The same tables without outlines: what reading a file needs, a few megabytes to send
        to a worker process (:mod:`geo.importers.isolated`) instead of hundreds."""

        def plain(frame: pd.DataFrame) -> pd.DataFrame:
            kept = [c for c in frame.columns if c not in GEOMETRY_COLUMNS]
            return pd.DataFrame(frame[kept])

        return ReferenceData(
            communes=plain(self.communes),
            departements=plain(self.departements),
            regions=plain(self.regions),
            epci=plain(self.epci),
            former_codes=self.former_codes,
            neighbours=self.neighbours,
            metadata=self.metadata,
        )

    @cached_property
    def neighbour_positions(self) -> np.ndarray:
        """The ``voisinages`` pairs as row positions in ``communes`` (shape (2, n))."""
        return neighbour_positions(self.communes, self.neighbours)

    def projected(self, table: str = "communes", level: str = "geometry_generalisee"):
        """Outlines of ``table`` (communes, departements, regions) in metric coordinates.

        Reprojecting 35,000 outlines costs tenths of a second: done once per
        table and outline level (``geometry`` or ``geometry_generalisee``) and
        kept with these tables (see :meth:`derived`).
        """
        return self.derived(("projected", table, level), lambda: self._project(table, level))

    def _project(self, table: str, level: str) -> ProjectedOutlines:
        from geo.core import geometry

        frame = getattr(self, table)
        if table == "communes":
            departments = frame["departement"]
        elif table == "departements":
            departments = frame["code"]
        else:  # a region lies in the zone of its departments
            first = self.departements.drop_duplicates("region").set_index("region")["code"]
            departments = frame["code"].map(first).fillna("")
        zones = geometry.zone_of(departments).to_numpy()
        return geometry.project_by_zone(frame[level], zones)

    def derived(self, key: object, build: Callable[[], T]) -> T:
        """What another module derives from these tables (a name index, projected outlines…),
        built once and kept with them, so that it lives and dies with the data it describes."""
        memo = self._derived
        if key not in memo:
            memo[key] = build()
        return memo[key]

    @cached_property
    def _derived(self) -> dict:
        return {}

    def __getstate__(self) -> dict:
        """Pickled (kept on disk, sent to a worker) without what can be derived again."""
        state = dict(self.__dict__)
        state.pop("_derived", None)
        return state

    @cached_property
    def departements_by_code(self) -> pd.DataFrame:
        """Departments by code, without outlines (names, region: looked up per view)."""
        return _by_key(self.departements, "code")

    @cached_property
    def regions_by_code(self) -> pd.DataFrame:
        return _by_key(self.regions, "code")

    @cached_property
    def epci_by_siren(self) -> pd.DataFrame:
        return _by_key(self.epci, "siren")

    def resolve_insee(self, raw: object) -> Resolution:
        """Current commune for an INSEE code, following former codes."""
        checked = check_insee(raw)
        code = checked.value
        if code is None:
            # Pre-1976 Corsican codes (20xxx) are no valid code today, but the
            # former codes table knows which 2A/2B commune each one became.
            code = clean_cell(raw)
            if code not in self._former:
                return Resolution(None, None, checked.message)
        if code in self._insee_set:
            return Resolution("commune", code, checked.message, checked.corrected)
        if code in self._former:
            current, kind = self._former[code]
            label = {
                "commune-deleguee": "commune déléguée",
                "commune-associee": "commune associée",
                "arrondissement-municipal": "arrondissement municipal",
            }.get(kind, "ancienne commune")
            return Resolution(
                "commune",
                current,
                f"{code} ({label}) rattaché à la commune actuelle {current} "
                f"({self.commune_name(current)})",
                True,
            )
        shown = str(raw).strip()
        read = f" (lu {code})" if shown != code else ""
        return Resolution(None, None, f"code INSEE « {shown} » inconnu au COG 2026{read}")

    def resolve_siren(self, raw: object) -> Resolution:
        """Commune or EPCI for a SIREN."""
        checked = check_siren(raw)
        if not checked.ok:
            return Resolution(None, None, checked.message)
        siren = checked.value
        if siren in self._commune_by_siren:
            return Resolution(
                "commune", self._commune_by_siren[siren], checked.message, checked.corrected
            )
        if siren in self._epci_set:
            return Resolution("epci", siren, checked.message, checked.corrected)
        return Resolution(None, None, f"SIREN « {siren} » : ni une commune ni un EPCI connus")

    def current_commune(self, code: str) -> str | None:
        """Current INSEE code for a current or former code, or ``None``."""
        return self.resolve_insee(code).code


REFERENCE_FILES = (
    "communes.parquet",
    "departements.parquet",
    "regions.parquet",
    "epci.parquet",
    "anciens_codes.parquet",
    "voisinages.parquet",
    "metadata.json",
)


def neighbour_positions(communes: pd.DataFrame, neighbours: pd.DataFrame) -> np.ndarray:
    """The ``voisinages`` pairs as row positions in ``communes`` (shape (2, n)).

    Working on integer positions keeps every later step in numpy; string
    look-ups over 100,000 pairs cost a second with Arrow-backed strings.
    """
    index = pd.Index(communes["insee"].to_numpy(dtype=object))
    a = index.get_indexer(neighbours["insee_a"].to_numpy(dtype=object))
    b = index.get_indexer(neighbours["insee_b"].to_numpy(dtype=object))
    known = (a >= 0) & (b >= 0)
    return np.vstack([a[known], b[known]])


def _by_key(table: pd.DataFrame, key: str) -> pd.DataFrame:
    return pd.DataFrame(table.drop(columns=list(GEOMETRY_COLUMNS), errors="ignore")).set_index(key)


def load_reference(directory: Path = COMMUNES_DIR) -> ReferenceData:
    """Every reference table from ``directory`` (the bundled data by default)."""
    missing = [name for name in REFERENCE_FILES if not (directory / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"données de référence incomplètes dans {directory} : {', '.join(missing)} "
            "introuvable(s) ; reconstruisez-les avec « python -m geo build-communes »"
        )
    return ReferenceData(
        communes=load_communes(directory),
        departements=load_departements(directory),
        regions=load_regions(directory),
        epci=load_epci(directory),
        former_codes=load_former_codes(directory),
        neighbours=load_neighbours(directory),
        metadata=load_metadata(directory),
    )


def shared_reference(directory: Path = COMMUNES_DIR) -> ReferenceData:
    """:func:`load_reference`, read once per process while its files are unchanged.

    The command line is also called in-process (``geo.cli.main(argv)``, by scripts and
    tests): each call would read and decode the same tables again, and rebuild what
    derives from them (the name index, projected outlines). The data is never changed
    in place, so calls share one copy; a file rewritten since is read again.
    """
    stamps = tuple(
        (directory / name).stat().st_mtime_ns if (directory / name).is_file() else None
        for name in REFERENCE_FILES
    )
    return _shared(Path(directory), stamps)


@functools.lru_cache(maxsize=2)
def _shared(directory: Path, stamps: tuple) -> ReferenceData:
    return load_reference(directory)
