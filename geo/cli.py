"""Command line: every figure the app shows can be checked from a terminal.

Outputs named in the issues are a contract for scripts: JSON keys are only
ever added, never renamed. Errors are French sentences on stderr, never a
traceback; the exit status says what happened.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geo.paths import CACHE_DIR, COMMUNES_DIR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description="Couverture OPSN")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build-communes", help="reconstruit data/communes/")
    build.add_argument("--out", type=Path, default=COMMUNES_DIR)
    build.add_argument("--cache", type=Path, default=CACHE_DIR)
    build.add_argument("--departements", help="extrait : codes séparés par des virgules")
    build.add_argument("--contours", type=Path, help="contours IGN locaux (GeoPackage, shapefile)")

    stats = commands.add_parser("stats", help="chiffres de référence")
    stats.add_argument("--format", choices=["json", "text"], default="text")
    stats.add_argument("--data", type=Path, default=COMMUNES_DIR)
    return parser


def _build(args: argparse.Namespace) -> int:
    from geo.build_communes import run

    departments = set(args.departements.split(",")) if args.departements else None
    metadata = run(args.out, args.cache, departments, args.contours)
    print(
        f"{metadata['communes']} communes, {metadata['population']} habitants "
        f"écrits dans {args.out}"
    )
    return 0


def _stats(args: argparse.Namespace) -> int:
    from geo.reference import load_reference
    from geo.stats import reference_figures, reference_text

    figures = reference_figures(load_reference(args.data))
    if args.format == "json":
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print(reference_text(figures))
    return 0


HANDLERS = {"build-communes": _build, "stats": _stats}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return HANDLERS[args.command](args)
    except Exception as error:  # noqa: BLE001 — a French message, never a traceback
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
