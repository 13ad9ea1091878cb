"""Import of a one-million-row membership list: time and peak memory, against a baseline.

    python bench/bench_import.py              # 3 runs each (about 2 minutes)
    python bench/bench_import.py --runs 5 --rows 1000000

The list is generated in a temporary directory (never committed): « Code
INSEE ; Nom ; OPSN ; Date d'adhésion » over every current commune and every
registry OPSN, with a lost leading zero every 50 rows and an unknown code every
100 rows (1 % rejected, so that the report's paths are exercised too).

Measured, each in a fresh process (`python -m geo validate LISTE --format json`,
what a planner runs before an import; the app's uploader goes through the
same reader), medians of ``--runs``:

- wall time of the whole process and its peak resident memory (``ru_maxrss``),
  with the reference data loaded (about 1 s and 300 Mo of it);
- the baseline: the same command with the reader as it was before the bounded
  reader (commit ``BASELINE``, extracted with ``git archive``; skipped when
  git or the commit is not available);
- the floor: ``pandas.read_csv`` of the same file alone (no reference data, no
  resolution), to show what parsing alone costs.

Targets (issue 9): at most 10 s and 600 Mo for the list.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASELINE = "4b7f81a"
TARGET_SECONDS = 10.0
TARGET_MB = 600.0

# Runs one command in this process and prints its own figures as JSON on the
# last line of stderr: the parent measures wall time, the child its peak memory.
CHILD = """
import json, resource, sys, time, runpy
start = time.perf_counter()
sys.argv = ["geo", *sys.argv[1:]]
code = 0
try:
    runpy.run_module("geo", run_name="__main__")
except SystemExit as done:
    code = done.code or 0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": peak, "code": code}),
      file=sys.stderr)
"""

FLOOR = """
import json, resource, sys, time
start = time.perf_counter()
import pandas as pd
frame = pd.read_csv(sys.argv[1], sep=";", dtype=str, keep_default_na=False)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": peak, "code": 0,
                  "rows": len(frame)}), file=sys.stderr)
"""


def write_list(path: Path, rows: int) -> None:
    from geo.core.reference import load_reference
    from geo.importers.registry_file import load_registry

    codes = list(load_reference().communes["insee"])
    operators = list(load_registry()["id"])
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Code INSEE;Nom;OPSN;Date d'adhésion\n")
        for i in range(rows):
            code = codes[i % len(codes)]
            if i % 50 == 0 and code.startswith("0"):
                code = code[1:]
            if i % 100 == 7:
                code = "99999"
            day, month, year = 1 + i % 28, 1 + i % 12, 2010 + i % 15
            out.write(
                f"{code};Commune {i % 997};{operators[i % len(operators)]};"
                f"{day:02d}/{month:02d}/{year}\n"
            )


def run(code: str, args: list[str], cwd: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=900
    )
    measured = json.loads(done.stderr.strip().splitlines()[-1])
    if args and args[0] == "validate":
        report = json.loads(done.stdout)
        measured["accepted"] = report["accepted"]
        measured["rejected"] = report["rejected"]
    return measured


def baseline_tree(directory: Path) -> Path | None:
    """The geo package as it was at BASELINE, beside this repository's data."""
    try:
        archive = subprocess.run(
            ["git", "archive", BASELINE, "geo"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    tree = directory / "baseline"
    tree.mkdir()
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    (tree / "data").symlink_to(ROOT / "data")
    return tree


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    from geo.core import fmt

    with tempfile.TemporaryDirectory() as directory:
        directory = Path(directory)
        listing = directory / "liste_un_million.csv"
        write_list(listing, args.rows)
        size = listing.stat().st_size / 2**20
        print(f"Liste : {fmt.integer(args.rows)} lignes, {fmt.decimal(size)} Mo ({listing.name})")
        command = ["validate", str(listing), "--format", "json"]
        baseline = None if args.no_baseline else baseline_tree(directory)
        results: dict[str, list[dict]] = {"actuel": [], "référence": [], "plancher": []}
        for _ in range(args.runs):  # interleaved, so that load changes hit every variant
            results["actuel"].append(run(CHILD, command, ROOT))
            if baseline is not None:
                results["référence"].append(run(CHILD, command, baseline))
            results["plancher"].append(run(FLOOR, [str(listing)], ROOT))
        labels = {
            "actuel": "lecteur borné (python -m geo validate)",
            "référence": f"lecteur d'avant (commit {BASELINE})",
            "plancher": "pandas.read_csv seul (plancher)",
        }
        print(f"\nMédianes de {args.runs} processus :")
        for key, runs in results.items():
            if not runs:
                print(f"  {labels[key]} : non mesuré (git ou commit {BASELINE} absent)")
                continue
            extra = ""
            if "accepted" in runs[0]:
                extra = (
                    f" ; {fmt.integer(runs[0]['accepted'])} acceptées, "
                    f"{fmt.integer(runs[0]['rejected'])} rejetées"
                )
            print(
                f"  {labels[key]} : {fmt.decimal(median_of(runs, 'seconds'))} s, "
                f"{fmt.integer(median_of(runs, 'peak_mb'))} Mo au plus{extra}"
            )
        now = results["actuel"]
        seconds, peak = median_of(now, "seconds"), median_of(now, "peak_mb")
        if results["référence"]:
            before = results["référence"]
            print(
                f"\nRapport référence / actuel : temps × "
                f"{fmt.decimal(median_of(before, 'seconds') / seconds)}, mémoire × "
                f"{fmt.decimal(median_of(before, 'peak_mb') / peak)}"
            )
        verdict = "OK" if seconds <= TARGET_SECONDS and peak <= TARGET_MB else "ÉCHEC"
        print(
            f"Cible : au plus {fmt.integer(TARGET_SECONDS)} s et {fmt.integer(TARGET_MB)} Mo "
            f"— {verdict} ({fmt.decimal(seconds)} s, {fmt.integer(peak)} Mo)"
        )


if __name__ == "__main__":
    main()
