"""Load benchmark: how long the reference data takes to load, against GeoJSON.

Each measurement runs in a fresh Python process, as the app or the command line
would start: the process reports how long its imports took and how long the load
itself took, and the parent times the whole process (interpreter start included).
Each variant is run once to warm the file cache, then ``--runs`` times; figures
are medians.

Variants:

- ``parquet-all``: ``geo.core.reference.load_reference()``, every table of data/communes/;
- ``parquet-communes``: ``geo.core.reference.load_communes()``, the communes alone;
- ``geojson-communes``: the same communes from GeoJSON, the baseline (GeoJSON holds
  one geometry per feature, so the two levels of detail are two files, joined on
  the INSEE code);
- ``geojson-all``: every table as GeoJSON (geometric tables) or CSV (the others).

The GeoJSON files are written once per run of the benchmark in a temporary folder.

    python bench/bench_load.py            # 5 runs
    python bench/bench_load.py --runs 9
"""

from __future__ import annotations

import time

_START = time.perf_counter()  # before any heavy import, for the worker mode

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "data" / "communes"
GEO_TABLES = {  # table → key column, for joining the generalised outlines back
    "communes": "insee",
    "departements": "code",
    "regions": "code",
    "epci": "siren",
}
PLAIN_TABLES = ("anciens_codes", "voisinages")
CODE_COLUMNS = {"ancien_code", "insee", "insee_a", "insee_b"}
VARIANTS = ("parquet-all", "parquet-communes", "geojson-communes", "geojson-all")


# --- worker: one measurement, in its own process -----------------------------------


def _read_geojson_table(folder: Path, name: str):
    import geopandas as gpd

    key = GEO_TABLES[name]
    detail = gpd.read_file(folder / f"{name}.geojson")
    coarse = gpd.read_file(folder / f"{name}_generalisee.geojson")
    detail["geometry_generalisee"] = coarse.set_index(key).geometry.reindex(detail[key]).to_numpy()
    detail["geometry_generalisee"] = gpd.GeoSeries(detail["geometry_generalisee"], crs=detail.crs)
    return detail


def _worker(variant: str, folder: Path | None) -> dict:
    imported = loaded = None
    if variant.startswith("parquet"):
        from geo.core import reference

        imported = time.perf_counter()
        if variant == "parquet-all":
            data = reference.load_reference()
            rows = len(data.communes)
        else:
            rows = len(reference.load_communes())
        loaded = time.perf_counter()
    else:
        import geopandas as gpd  # noqa: F401  (imported here to time it apart)
        import pandas as pd

        imported = time.perf_counter()
        communes = _read_geojson_table(folder, "communes")
        rows = len(communes)
        if variant == "geojson-all":
            for name in GEO_TABLES:
                if name != "communes":
                    _read_geojson_table(folder, name)
            for name in PLAIN_TABLES:
                pd.read_csv(
                    folder / f"{name}.csv",
                    dtype=dict.fromkeys(CODE_COLUMNS, str),
                    keep_default_na=False,
                )
            json.loads((DATA / "metadata.json").read_text())
        loaded = time.perf_counter()
    return {"import_s": imported - _START, "load_s": loaded - imported, "rows": rows}


# --- parent: GeoJSON baseline, runs, report ------------------------------------------


def write_geojson(folder: Path) -> None:
    """The bundled tables as GeoJSON (two files per geometric table) and CSV."""
    import geopandas as gpd
    import pandas as pd

    for name, key in GEO_TABLES.items():
        table = gpd.read_parquet(DATA / f"{name}.parquet")
        table.drop(columns="geometry_generalisee").to_file(
            folder / f"{name}.geojson", driver="GeoJSON"
        )
        coarse = gpd.GeoDataFrame(
            {key: table[key]}, geometry=table["geometry_generalisee"], crs=table.crs
        )
        coarse.to_file(folder / f"{name}_generalisee.geojson", driver="GeoJSON")
    for name in PLAIN_TABLES:
        pd.read_parquet(DATA / f"{name}.parquet").to_csv(folder / f"{name}.csv", index=False)


def measure(variant: str, folder: Path) -> dict:
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--worker", variant, str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    total = time.perf_counter() - began
    return {**json.loads(done.stdout), "total_s": total}


def _fr(value: float, digits: int = 2) -> str:
    """``1.745`` → ``1,75`` (French decimal comma)."""
    return f"{value:.{digits}f}".replace(".", ",")


def _size(n_bytes: int) -> str:
    if n_bytes >= 1 << 20:
        return f"{_fr(n_bytes / (1 << 20), 1)} Mo"
    return f"{_fr(n_bytes / (1 << 10), 1)} ko"


def _print_sizes(title: str, files: list[Path]) -> int:
    print(title)
    total = 0
    for path in sorted(files):
        total += path.stat().st_size
        print(f"  {path.name:<34} {_size(path.stat().st_size):>10}")
    print(f"  {'total':<34} {_size(total):>10}")
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="mesures par variante (médiane)")
    parser.add_argument("--worker", nargs=2, metavar=("VARIANT", "DOSSIER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        variant, folder = args.worker
        print(json.dumps(_worker(variant, Path(folder))))
        return 0

    committed = sorted(p for p in DATA.iterdir() if p.is_file())
    _print_sizes(f"Fichiers livrés ({DATA.relative_to(ROOT)}/)", committed)
    parquet_total = sum(p.stat().st_size for p in committed if p.suffix in (".parquet", ".json"))
    print()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        write_geojson(folder)
        print(f"Équivalent GeoJSON/CSV écrit en {_fr(time.perf_counter() - began, 1)} s")
        geojson_total = _print_sizes("Équivalent GeoJSON/CSV", list(folder.iterdir()))
        print(
            f"  rapport de taille GeoJSON / Parquet+JSON : {_fr(geojson_total / parquet_total, 1)}"
        )
        print()

        medians = {}
        for variant in VARIANTS:
            measure(variant, folder)  # warm-up: file cache, .pyc
            runs = [measure(variant, folder) for _ in range(args.runs)]
            rows = {r["rows"] for r in runs}
            assert len(rows) == 1, rows
            medians[variant] = {
                key: statistics.median(r[key] for r in runs)
                for key in ("total_s", "import_s", "load_s")
            }
            medians[variant]["rows"] = rows.pop()

    assert len({m["rows"] for m in medians.values()}) == 1, "not the same communes"
    print(
        f"Chargement, médiane de {args.runs} processus neufs "
        f"({medians['parquet-all']['rows']} communes)"
    )
    print(f"  {'variante':<18} {'processus':>11} {'imports':>10} {'chargement':>11}")
    for variant, m in medians.items():
        cells = [f"{_fr(m[key])} s" for key in ("total_s", "import_s", "load_s")]
        print(f"  {variant:<18} {cells[0]:>11} {cells[1]:>10} {cells[2]:>11}")
    print("  (processus : démarrage de Python, imports et chargement, mesurés de l'extérieur)")
    print()
    ratios = {
        "communes seules, chargement": ("geojson-communes", "parquet-communes", "load_s"),
        "toutes les tables, chargement": ("geojson-all", "parquet-all", "load_s"),
        "toutes les tables, processus complet": ("geojson-all", "parquet-all", "total_s"),
    }
    for label, (baseline, ours, key) in ratios.items():
        ratio = medians[baseline][key] / medians[ours][key]
        print(f"GeoJSON / GeoParquet ({label}) : {_fr(ratio, 1)} fois plus lent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
