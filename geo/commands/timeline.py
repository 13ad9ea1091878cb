"""``python -m geo timeline --then DATE``: coverage on a past date against today (or --now)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from geo.commands._options import add_coverage_options, coverage_options, load


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "timeline", help="couverture à une date passée comparée à aujourd'hui (adhésions datées)"
    )
    parser.add_argument(
        "--then", type=dt.date.fromisoformat, required=True, help="date de départ (AAAA-MM-JJ)"
    )
    parser.add_argument(
        "--now",
        type=dt.date.fromisoformat,
        default=None,
        help="date d'arrivée (défaut : aujourd'hui)",
    )
    add_coverage_options(parser)
    parser.add_argument("--format", choices=["json", "text", "csv"], default="text")
    return parser


def run(args: argparse.Namespace) -> int:
    from geo.core import fmt
    from geo.core.records import as_json
    from geo.exports import csv_bytes
    from geo.planning.timeline import changes_table, then_now

    if args.at is not None:
        raise ValueError("--at n'a pas de sens ici : utilisez --then et --now.")
    reference, loaded = load(args)
    options = coverage_options(args, loaded.inputs.registry)
    result = then_now(reference, loaded.inputs, options, args.then, args.now)
    summary = result.summary
    if args.format == "json":
        print(json.dumps(as_json(summary), ensure_ascii=False))
        return 0
    if args.format == "csv":
        notes = [
            f"Du {result.then:%d/%m/%Y} au {result.now:%d/%m/%Y} ; règle : "
            f"{summary.after.counting_rule} ; données : {loaded.inputs.label}"
        ]
        sys.stdout.buffer.write(csv_bytes(changes_table(result), notes))
        return 0
    before, after = summary.before, summary.after
    print(f"Couverture du {result.then:%d/%m/%Y} au {result.now:%d/%m/%Y} — {loaded.inputs.label}")
    print(
        f"  Le {result.then:%d/%m/%Y} : {fmt.percent(before.covered_share, 1)} "
        f"({fmt.inhabitants(before.covered_population)})"
    )
    print(
        f"  Le {result.now:%d/%m/%Y} : {fmt.percent(after.covered_share, 1)} "
        f"({fmt.inhabitants(after.covered_population)})"
    )
    print(
        f"  Communes gagnées : {fmt.integer(summary.communes_gained)} "
        f"({fmt.inhabitants(summary.population_gained)}) ; perdues : "
        f"{fmt.integer(summary.communes_lost)} ({fmt.inhabitants(summary.population_lost)})"
    )
    if not summary.membership_dates:
        print("  Aucune adhésion n'est datée : les deux dates donnent la même situation.")
    print(f"  Règle : {after.counting_rule}")
    return 0
