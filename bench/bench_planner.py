"""Benchmark: the planner's tools — opportunities, the saved versions, then/now.

Prints medians of several warm runs (reference loaded once) and compares with
baselines measured in the same run:

- opportunities in one vectorised pass (``geo.planning.opportunities``) against the
  obvious way, one full before/after scenario per candidate (timed on a
  sample of candidates, extrapolated to all of them);
- the store (SQLite, temporary directory): first start (seed), reading a
  version, saving an import of 5,000 memberships, comparing two versions
  with their figures, restoring;
- then/now: two analyses at two dates.

Usage: ``python bench/bench_planner.py [--runs 5] [--sample 12]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.memberships import memberships_frame
from geo.core.reference import load_reference
from geo.importers.inputs import bundled_inputs
from geo.planning.changes import import_memberships
from geo.planning.compare import compare_versions
from geo.planning.opportunities import opportunities
from geo.planning.scenarios import run_scenario
from geo.planning.timeline import then_now
from geo.storage import open_store


def timed(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sample", type=int, default=12)
    args = parser.parse_args()

    reference = load_reference()
    inputs = bundled_inputs()
    options = CoverageOptions()
    analysis = analyse(reference, inputs, options)

    table = opportunities(reference, inputs, options, analysis=analysis)
    batch = timed(lambda: opportunities(reference, inputs, options, analysis=analysis), args.runs)
    with_analysis = timed(lambda: opportunities(reference, inputs, options), args.runs)
    step = max(1, len(table) // args.sample)
    sample = table["change"].iloc[::step].tolist()[: args.sample]
    start = time.perf_counter()
    for change in sample:
        run_scenario(reference, inputs, change, options, analysis)
    per_candidate = (time.perf_counter() - start) / len(sample)
    naive = per_candidate * len(table)

    communes = reference.communes["insee"].to_numpy()
    rows = [
        {"opsn": "bench", "insee": code, "epci": "", "source": "bench.csv", "ligne": i + 2}
        for i, code in enumerate(communes[:5000])
    ]
    imported = memberships_frame(rows)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "base.sqlite3"
        start = time.perf_counter()
        store = open_store(path)
        seed = time.perf_counter() - start
        read = timed(lambda: store.snapshot(), args.runs)
        start = time.perf_counter()
        store.commit(
            lambda s: import_memberships(s, imported, "remplacer"),
            author="banc",
            kind="import",
            reason="5 000 adhésions",
        )
        save = time.perf_counter() - start
        compare = timed(lambda: compare_versions(store, 1, 2, reference), max(1, args.runs // 2))
        start = time.perf_counter()
        store.restore(1, author="banc")
        restore = time.perf_counter() - start
        size = path.stat().st_size + Path(f"{path}-wal").stat().st_size
        store.close()
    timeline = timed(
        lambda: then_now(reference, inputs, options, dt.date(2020, 5, 1)),
        max(1, args.runs // 2),
    )

    print(f"Communes : {len(reference.communes)} ; opportunités : {len(table)}")
    print(f"{'mesure':<62} {'médiane s':>10}")
    for label, seconds in (
        ("opportunités, un passage vectorisé (analyse déjà faite)", batch),
        ("opportunités, analyse comprise", with_analysis),
        (f"référence : un scénario complet par candidat (×{len(table)}, estimé)", naive),
        ("base : création depuis data/opsn/ (première ouverture)", seed),
        ("base : lecture d'une version", read),
        ("base : enregistrement d'un import de 5 000 adhésions", save),
        ("base : comparaison de deux versions, chiffres compris", compare),
        ("base : restauration d'une version", restore),
        ("avant / maintenant (deux analyses datées)", timeline),
    ):
        print(f"{label:<62} {seconds:>10.3f}")
    print(f"rapport référence / opportunités vectorisées : {naive / batch:.0f}×")
    print(f"taille de la base après ces essais : {size / 1024:.0f} Kio")


if __name__ == "__main__":
    main()
