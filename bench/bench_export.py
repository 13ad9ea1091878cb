"""Benchmark: the national map exported as a 1920×1080 PNG, against drawing every commune.

Prints medians of several runs and compares, in the same run:

- the export as the app and the command line make it (``geo.exports.static_map``:
  communes dissolved by status with ``shapely.coverage_union_all``, five DROM
  insets, borders, labels, legend), data already loaded: the first call (cold:
  projection of the outlines, cached afterwards) and warm calls;
- the baseline: the 34,875 commune outlines of the mainland drawn as they are,
  one PatchCollection coloured by status (``GeoSeries.plot``), same page size,
  no inset, no legend (what one would write first);
- the whole command, ``python -m geo export map --out france.png``, in a new
  process (Python start, imports, data loading, coverage, export).

Usage: ``python bench/bench_export.py [--runs 5]``. Target (issue 11): the
national PNG export in at most 5 s on this machine.
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
from geo.exports.projected import METRO, PROJECTED  # noqa: E402
from geo.exports.scope import resolve  # noqa: E402
from geo.exports.static_map import SLIDE, STYLE, draw_map  # noqa: E402
from geo.importers.inputs import bundled_inputs  # noqa: E402
from geo.maps import STATUS_COLOURS  # noqa: E402

TARGET_S = 5.0


def timed(function, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def seconds(value: float) -> str:
    return f"{fmt.decimal(value, 2)} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    reference = load_reference()
    inputs = bundled_inputs()
    analysis = analyse(reference, inputs, CoverageOptions())
    scope = resolve(reference, analysis, "france")

    def export() -> int:
        return len(draw_map(reference, analysis, inputs, scope, SLIDE).to_bytes("png"))

    start = time.perf_counter()
    size = export()
    cold = time.perf_counter() - start
    warm, _ = timed(export, args.runs)

    zones = PROJECTED.commune_zones(reference)
    outlines = PROJECTED.communes(reference)
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
