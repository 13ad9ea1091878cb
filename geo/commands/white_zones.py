"""``python -m geo white-zones``: territories without OPSN, ranked by population."""

from __future__ import annotations

import argparse
import json
import sys

from geo.commands._options import add_coverage_options, coverage_options, load


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser("white-zones", help="territoires sans OPSN, par population")
    add_coverage_options(parser)
    parser.add_argument("--format", choices=["json", "csv", "text"], default="text")
    parser.add_argument("--limit", type=int, default=0, help="nombre de territoires (0 : tous)")
    return parser


def run(args: argparse.Namespace) -> int:
    from geo.core import fmt
    from geo.core.analysis import analyse

    reference, loaded = load(args)  # unreadable files: French message, exit 2 (geo.cli)
    zones = analyse(reference, loaded.inputs, coverage_options(args, loaded.inputs.registry)).zones
    if args.territory == "metropole":
        zones = zones[~zones["outre_mer"]]
    if args.limit:
        zones = zones.head(args.limit)
    if args.format == "json":
        records = json.loads(zones.to_json(orient="records", force_ascii=False))
        for record in records:  # a list: each territory names the data it comes from
            record["data"] = loaded.inputs.label
            record["data_version"] = loaded.inputs.version
        print(json.dumps(records, ensure_ascii=False))
    elif args.format == "csv":
        from geo.exports.csv import script_csv

        sys.stdout.write(script_csv(zones))
    else:
        print(f"Territoires sans OPSN — {loaded.inputs.label}")
        for zone in zones.itertuples():
            if zone.distance_km != zone.distance_km:  # NaN: nothing served in this territory
                distance = ", aucune commune servie dans ce territoire"
            elif zone.distance_km == 0:
                distance = ", voisin de communes servies"
            else:
                distance = (
                    f", à {fmt.decimal(zone.distance_km)} km de la commune servie la plus proche"
                )
            print(
                f"{zone.rang:>3}. {zone.nom} — {zone.departements} : "
                f"{fmt.count(zone.communes, 'commune')}, {fmt.inhabitants(zone.population)}{distance}"
            )
    return 0
