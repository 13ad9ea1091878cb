"""``python -m geo scenario``: what if an OPSN extended (or left) departments, communes, EPCIs.

Nothing is saved unless ``--save`` is given: the what-if is then computed on
the latest saved version and written as a new version (« scénario
enregistré »), with the same figures.
"""

from __future__ import annotations

import argparse
import json
import sys

from geo.commands._options import add_coverage_options, coverage_options, load


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (text or "").split(",") if x.strip())


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "scenario", help="simuler l'extension d'un OPSN (rien n'est enregistré sans --save)"
    )
    parser.add_argument("opsn", help="identifiant de l'OPSN (nouveau s'il n'existe pas)")
    parser.add_argument("--name", help="nom d'un nouvel OPSN")
    for what in ("departements", "communes", "epci"):
        parser.add_argument(
            f"--add-{what}", help=f"{what} ajoutés (codes séparés par des virgules)"
        )
        parser.add_argument(f"--drop-{what}", help=f"{what} retirés")
    add_coverage_options(parser)
    parser.add_argument("--format", choices=["json", "text", "csv"], default="text")
    parser.add_argument(
        "--save",
        action="store_true",
        help="enregistrer le scénario comme nouvelle version (calculé sur la dernière version)",
    )
    parser.add_argument("--author", help="auteur de la version (avec --save)")
    parser.add_argument("--reason", default="", help="motif de la version (avec --save)")
    return parser


def run(args: argparse.Namespace) -> int:
    from geo.core import fmt
    from geo.exports import csv_bytes
    from geo.planning.scenarios import Change, figures_table, run_scenario

    change = Change(
        args.opsn,
        name=args.name,
        add_departements=_codes(args.add_departements),
        drop_departements=_codes(args.drop_departements),
        add_communes=_codes(args.add_communes),
        drop_communes=_codes(args.drop_communes),
        add_epci=_codes(args.add_epci),
        drop_epci=_codes(args.drop_epci),
    )
    if args.save:
        if args.operators or args.adherents:
            raise ValueError("--save enregistre sur la base : sans --operators ni --adherents.")
        if args.db_version not in (None, "derniere"):
            raise ValueError("--save s'applique à la dernière version : retirez --db-version.")
        args.db_version = "derniere"
    reference, loaded = load(args)  # unreadable files: French message, exit 2 (geo.cli)
    options = coverage_options(args, loaded.inputs.registry)
    result = run_scenario(reference, loaded.inputs, change, options).summary
    saved = _save(args, change, reference) if args.save else None
    if saved is not None:
        result["saved_version"] = saved.as_dict()
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, default=str))
        return 0
    if args.format == "csv":
        notes = [
            f"Scénario : {change.command()}",
            f"Règle : {result['after']['counting_rule']}",
            f"Données : {loaded.inputs.label}",
        ]
        sys.stdout.buffer.write(csv_bytes(figures_table(result), notes))
        return 0
    before, after = result["before"], result["after"]
    state = "enregistré" if saved else "rien n'est enregistré"
    print(f"Scénario pour {args.opsn} ({state})")
    print(
        f"  Avant : {fmt.percent(before['covered_share'], 1)} ({fmt.inhabitants(before['covered_population'])})"
    )
    print(
        f"  Après : {fmt.percent(after['covered_share'], 1)} ({fmt.inhabitants(after['covered_population'])})"
    )
    print(
        f"  Population gagnée : {fmt.integer(result['population_gained'])} ; perdue : {fmt.integer(result['population_lost'])}"
    )
    print(
        f"  Territoires sans OPSN : {result['white_zones_before']} → {result['white_zones_after']} "
        f"(absorbés : {result['white_zones_absorbed']}, scindés : {result['white_zones_split']}, "
        f"réduits : {result['white_zones_reduced']})"
    )
    print(f"  Règle : {after['counting_rule']}")
    if saved is not None:
        from geo.storage.labels import data_label

        print(f"  Enregistré : {data_label(saved)}")
    return 0


def _save(args: argparse.Namespace, change, reference):
    from geo.commands.db import _author
    from geo.planning.changes import apply_scenario
    from geo.storage import open_store

    with open_store() as store:
        return store.commit(
            lambda snapshot: apply_scenario(snapshot, [change], reference.departements),
            author=_author(args),
            kind="scenario",
            reason=args.reason or change.command(),
        )
