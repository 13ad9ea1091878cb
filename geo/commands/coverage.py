"""``python -m geo coverage``: the headline figures, for scripts (JSON, CSV) and people."""

from __future__ import annotations

import argparse
import json
import sys

from geo.commands._options import add_coverage_options, coverage_options, load


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser("coverage", help="part de la population couverte par un OPSN")
    add_coverage_options(parser)
    parser.add_argument("--format", choices=["json", "text", "csv"], default="text")
    return parser


def run(args: argparse.Namespace) -> int:
    from geo import fmt
    from geo.analysis import analyse, table_by
    from geo.coverage import STATUSES, without_label

    reference, loaded = load(args)  # unreadable files: French message, exit 2 (geo.cli)
    analysis = analyse(reference, loaded.inputs, coverage_options(args, loaded.inputs.registry))
    figures = analysis.figures
    if args.format == "json":
        print(json.dumps(figures, ensure_ascii=False))
    elif args.format == "csv":
        from geo.exports.csv import script_csv

        sys.stdout.write(script_csv(table_by(reference, analysis, "departement")))
    else:
        print(f"Couverture OPSN — {loaded.inputs.label}")
        print(
            f"  {fmt.percent(figures['covered_share'])} de la population : "
            f"{fmt.integer(figures['covered_population'])} habitants sur "
            f"{fmt.integer(figures['total_population'])}"
        )
        print(f"  Règle : {figures['counting_rule']}")
        print(
            f"  Communes couvertes : {fmt.integer(figures['covered_communes'])} sur "
            f"{fmt.integer(figures['total_communes'])}"
        )
        for status in STATUSES:
            counts = figures["status"][status]
            print(
                f"  {figures['status_labels'][status]} : {fmt.integer(counts['communes'])} communes, "
                f"{fmt.inhabitants(counts['population'])}"
            )
        print(
            f"  Territoires {without_label(figures['opsn_filter'])} : "
            f"{fmt.integer(figures['white_zone_count'])}, "
            f"{fmt.inhabitants(figures['white_zone_population'])}"
        )
        print(
            f"  Communes servies par plusieurs OPSN : {fmt.integer(figures['multi_opsn_communes'])}"
        )
    for report in loaded.reports:
        if report.rejected:
            print(
                f"Attention : {report.file} : {report.rejected} ligne(s) rejetée(s) "
                "(détail : python -m geo validate)",
                file=sys.stderr,
            )
    return 0
