"""``python -m geo scenario``: what if an OPSN extended (or left) departments, communes, EPCIs."""

from __future__ import annotations

import argparse
import json

from geo.commands._options import add_coverage_options, coverage_options, load


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (text or "").split(",") if x.strip())


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "scenario", help="simuler l'extension d'un OPSN (rien n'est enregistré)"
    )
    parser.add_argument("opsn", help="identifiant de l'OPSN (nouveau s'il n'existe pas)")
    for what in ("departements", "communes", "epci"):
        parser.add_argument(
            f"--add-{what}", help=f"{what} ajoutés (codes séparés par des virgules)"
        )
        parser.add_argument(f"--drop-{what}", help=f"{what} retirés")
    add_coverage_options(parser)
    parser.add_argument("--format", choices=["json", "text"], default="text")
    return parser


def run(args: argparse.Namespace) -> int:
    from geo import fmt
    from geo.scenarios import Change, compare

    change = Change(
        args.opsn,
        add_departements=_codes(args.add_departements),
        drop_departements=_codes(args.drop_departements),
        add_communes=_codes(args.add_communes),
        drop_communes=_codes(args.drop_communes),
        add_epci=_codes(args.add_epci),
        drop_epci=_codes(args.drop_epci),
    )
    reference, loaded = load(args)  # unreadable files: French message, exit 2 (geo.cli)
    result = compare(
        reference, loaded.inputs, change, coverage_options(args, loaded.inputs.registry)
    )
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, default=str))
        return 0
    before, after = result["before"], result["after"]
    print(f"Scénario pour {args.opsn} (rien n'est enregistré)")
    print(
        f"  Avant : {fmt.percent(before['covered_share'], 1)} ({fmt.integer(before['covered_population'])} habitants)"
    )
    print(
        f"  Après : {fmt.percent(after['covered_share'], 1)} ({fmt.integer(after['covered_population'])} habitants)"
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
    return 0
