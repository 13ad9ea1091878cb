"""Benchmark: coverage of all 34,875 communes with territories without OPSN, and a scenario.

Prints medians of several warm runs (data loaded once, first run discarded)
and compares with baselines measured in the same run:

- the geometric way to find territories without OPSN: union the uncovered
  communes' outlines and split the result into its parts (what one would write
  without the precomputed shared-border table);
- the same computation cold (first call, nothing cached).

Usage: ``python bench/bench_coverage.py [--runs 7]``. Target (issue 3): each
under 1 s warm on this machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import shapely

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.reference import load_reference
from geo.core.rules import Rule
from geo.importers.inputs import bundled_inputs
from geo.planning.scenarios import Change, compare


def timed(function, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    reference = load_reference()
    inputs = bundled_inputs()
    options = CoverageOptions()
    change = Change("bench", add_departements=("13", "83", "84"))

    start = time.perf_counter()
    analysis = analyse(reference, inputs, options)
    cold = time.perf_counter() - start

    full, _ = timed(lambda: analyse(reference, inputs, options), args.runs)
    members, _ = timed(
        lambda: analyse(reference, inputs, CoverageOptions(rule=Rule.ADHESION)), args.runs
    )
    scenario, _ = timed(lambda: compare(reference, inputs, change, options), args.runs)

    uncovered = (analysis.coverage["statut"] == "sans_opsn").to_numpy()
    outlines = reference.communes["geometry"].values[uncovered]

    def geometric_groups() -> int:
        return len(shapely.get_parts(shapely.union_all(outlines)))

    baseline, _ = timed(geometric_groups, max(3, args.runs // 2))

    rows = [
        ("coverage + white zones + figures (warm)", full, 1.0),
        (f"same, rule '{Rule.ADHESION}' (warm)", members, 1.0),
        ("scenario: +3 departments, before/after (warm)", scenario, 1.0),
        ("first call (cold: neighbour positions, imports)", cold, None),
        ("baseline: white zones by geometric union", baseline, None),
    ]
    print(f"Communes: {len(reference.communes)}; territories without OPSN: {len(analysis.zones)}")
    print(f"{'measure':<50} {'median s':>9} {'target':>7}")
    for label, seconds, target in rows:
        verdict = "" if target is None else ("PASS" if seconds < target else "FAIL")
        shown = "" if target is None else f"< {target:g} s"
        print(f"{label:<50} {seconds:>9.3f} {shown:>7} {verdict}")
    print(f"ratio baseline (geometric white zones) / full warm computation: {baseline / full:.1f}×")
    print(f"ratio cold / warm: {cold / full:.1f}×")


if __name__ == "__main__":
    main()
