"""Benchmark: the Excel export of France against its CSV export, and the national map PNG.

First the tables of France (regions, departments, EPCI, OPSN, the 34,875
communes, territories without OPSN) as the « Exporter » menu and
``python -m geo export tables --out france.xlsx`` make them (tables built, then
written), against the same tables written as CSV files, in the same run
(median of ``--runs``, at least 3; target, issue 17: the workbook in at most 3 s).

Then the map, comparing in the same run:

- the export as the app and the command line make it (``geo.exports.static_map``:
  communes dissolved by status with ``shapely.coverage_union_all``, five DROM
  insets, borders, labels, legend), data already loaded: the first call (cold:
  projection of the outlines, cached afterwards) and warm calls;
- the baseline: the 34,875 commune outlines of the mainland drawn as they are,
  one PatchCollection coloured by status (``GeoSeries.plot``), same page size,
  no inset, no legend (what one would write first);
- the whole command, ``python -m geo export map --out france.png``, in a new
  process (Python start, imports, data loading, coverage, export).

Usage: ``python bench/bench_export.py [--runs 5] [--tables-only]``. Target (issue 11):
the national PNG export in at most 5 s on this machine.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import matplotlib  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from geo.core import fmt  # noqa: E402
from geo.core.analysis import analyse  # noqa: E402
from geo.core.coverage import CoverageOptions  # noqa: E402
from geo.core.reference import load_reference  # noqa: E402
from geo.explore import tables  # noqa: E402
from geo.exports.files import export_file  # noqa: E402
from geo.exports.projected import METRO  # noqa: E402
from geo.exports.scope import resolve  # noqa: E402
from geo.exports.static_map import SLIDE, STYLE, draw_map  # noqa: E402
from geo.importers.inputs import bundled_inputs  # noqa: E402
from geo.maps import STATUS_COLOURS  # noqa: E402

TARGET_S = 5.0
EXCEL_TARGET_S = 3.0


def timed(function, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def seconds(value: float) -> str:
    return f"{fmt.decimal(value, 2)} s"


def excel_against_csv(reference, analysis, inputs, scope, runs: int) -> None:
    """The workbook of France, and the same tables as CSV files, built and written."""
    keys = list(tables.TABLES_BY_LEVEL["france"])

    def excel() -> int:
        return len(export_file(reference, analysis, inputs, scope, "tables", ".xlsx").data)

    def csv() -> int:
        return sum(
            len(export_file(reference, analysis, inputs, scope, "tables", ".csv",
                            table_keys=[key]).data)
            for key in keys
        )  # fmt: skip

    size, csv_size = excel(), csv()  # warm-up: tables' first build
    runs = max(3, runs)
    workbook, _ = timed(excel, runs)
    text, _ = timed(csv, runs)
    verdict = "OK" if workbook <= EXCEL_TARGET_S else "ÉCHEC"
    print(
        f"Tableaux de la France ({', '.join(keys)}) ; médianes de {runs} mesures\n"
        f"  classeur Excel : {seconds(workbook)} ({fmt.integer(size / 1000)} Ko), "
        f"cible ≤ {fmt.decimal(EXCEL_TARGET_S, 0)} s : {verdict}\n"
        f"  les mêmes tableaux en CSV : {seconds(text)} ({fmt.integer(csv_size / 1000)} Ko)\n"
        f"  rapport Excel / CSV : {fmt.decimal(workbook / text, 1)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tables-only", action="store_true", help="l'export Excel seulement")
    args = parser.parse_args()

    reference = load_reference()
    inputs = bundled_inputs()
    analysis = analyse(reference, inputs, CoverageOptions())
    scope = resolve(reference, analysis, "france")
    excel_against_csv(reference, analysis, inputs, scope, args.runs)
    if args.tables_only:
        return

    def export() -> int:
        return len(draw_map(reference, analysis, inputs, scope, SLIDE).to_bytes("png"))

    start = time.perf_counter()
    size = export()
    cold = time.perf_counter() - start
    warm, _ = timed(export, args.runs)

    zones = reference.projected().zones
    outlines = reference.projected().outlines
    mainland = zones == METRO
    colours = analysis.coverage["statut"].map(STATUS_COLOURS).to_numpy()[mainland]
    communes = gpd.GeoSeries(outlines[mainland])

    def every_commune() -> int:
        with matplotlib.rc_context(STYLE):
            figure = Figure(figsize=(SLIDE.width_in, SLIDE.height_in), dpi=SLIDE.dpi)
            FigureCanvasAgg(figure)
            ax = figure.add_axes([0.2, 0.05, 0.55, 0.8])
            communes.plot(ax=ax, color=colours, linewidth=0)
            ax.set_axis_off()
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=SLIDE.dpi)
        return len(buffer.getvalue())

    baseline, _ = timed(every_commune, max(3, args.runs // 2))

    def command() -> None:
        with tempfile.TemporaryDirectory() as directory:
            out = Path(directory) / "france.png"
            subprocess.run(
                [sys.executable, "-m", "geo", "export", "map", "--out", str(out)],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )

    whole, _ = timed(command, max(3, args.runs // 2))

    print(
        f"Carte nationale 1920 × 1080 : {fmt.integer(len(reference.communes))} communes, "
        f"PNG de {fmt.integer(size / 1000)} Ko ; médianes de {args.runs} mesures"
    )
    rows = [
        ("export PNG, données chargées (à chaud)", warm, TARGET_S),
        ("export PNG, premier appel (projection des contours)", cold, TARGET_S),
        ("commande complète python -m geo export map", whole, TARGET_S),
        ("référence : 34 875 communes en un PatchCollection", baseline, None),
    ]
    print(f"{'mesure':<55} {'médiane':>9} {'cible':>8}")
    for label, value, target in rows:
        verdict = "" if target is None else ("OK" if value <= target else "ÉCHEC")
        limit = "" if target is None else f"≤ {fmt.decimal(target, 0)} s"
        print(f"{label:<55} {seconds(value):>9} {limit:>8} {verdict}")
    print(
        f"Regrouper par statut : {fmt.decimal(baseline / warm, 1)} fois plus rapide que de "
        "dessiner chaque commune (et la carte complète a en plus encarts, légende, noms)."
    )


if __name__ == "__main__":
    main()
