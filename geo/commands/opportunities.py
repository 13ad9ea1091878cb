"""``python -m geo opportunities``: extensions that would cover the most inhabitants, ranked."""

from __future__ import annotations

import argparse
import json
import sys

from geo.commands._options import add_coverage_options, coverage_options, load


def add_parser(commands) -> argparse.ArgumentParser:
    from geo.planning.opportunities import KINDS

    parser = commands.add_parser(
        "opportunities",
        help="extensions d'OPSN voisins qui couvriraient le plus d'habitants (classées)",
    )
    add_coverage_options(parser)
    parser.add_argument(
        "--extension",
        default=",".join(KINDS),
        help=f"types d'extension retenus, séparés par des virgules ({', '.join(KINDS)})",
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="nombre de lignes (défaut : toutes)"
    )
    parser.add_argument("--format", choices=["json", "csv", "text"], default="text")
    return parser


def run(args: argparse.Namespace) -> int:
    from geo.core import fmt
    from geo.exports import csv_bytes
    from geo.planning.opportunities import opportunities

    kinds = tuple(k.strip() for k in args.extension.split(",") if k.strip())
    reference, loaded = load(args)
    options = coverage_options(args, loaded.inputs.registry)
    table = opportunities(reference, loaded.inputs, options, kinds=kinds)
    if args.limit is not None:
        table = table.head(max(args.limit, 0))
    if args.format == "json":
        records = table.drop(columns=["change"]).to_dict(orient="records")
        for record, change in zip(records, table["change"], strict=True):
            record["change"] = change.as_dict()
            record["data"] = loaded.inputs.label  # a list: each row names its data
            record["data_version"] = loaded.inputs.version
        print(json.dumps(records, ensure_ascii=False, default=str))
        return 0
    if args.format == "csv":
        out = table.drop(columns=["change"]).copy()
        out["codes"] = out["codes"].str.join("|")
        out["territoire_absorbe"] = out["territoire_absorbe"].map({True: "oui", False: "non"})
        notes = [
            f"Règle : {_rule(reference, loaded.inputs, options)} ; données : {loaded.inputs.label}"
        ]
        sys.stdout.buffer.write(csv_bytes(out, notes))
        return 0
    print(f"Extensions classées par habitants gagnés — {loaded.inputs.label}")
    if table.empty:
        print("Aucune extension d'un OPSN voisin ne couvrirait d'habitants de plus.")
        return 0
    for row in table.itertuples(index=False):
        codes = row.codes if len(row.codes) <= 6 else [*row.codes[:6], "…"]
        unit = "départements" if row.extension.startswith("departement") else "EPCI"
        print(
            f"{row.rang:>4}. {row.opsn_nom} → {row.extension_libelle} de « {row.territoire_nom} » "
            f"({len(row.codes)} {unit} : {', '.join(codes)}) : "
            f"+{fmt.inhabitants(row.population_gagnee)}, part couverte "
            f"{fmt.percent(row.part_apres, 1)}"
        )
    return 0


def _rule(reference, inputs, options) -> str:
    from geo.core.analysis import vintage
    from geo.core.coverage import counting_rule
    from geo.core.registry import opsn_names

    return counting_rule(options, vintage(reference), opsn_names(inputs.registry))
