"""``python -m geo build-communes``: rebuild data/communes/ from the pinned sources."""

from __future__ import annotations

import argparse
from pathlib import Path

from geo.core.paths import CACHE_DIR, COMMUNES_DIR


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser("build-communes", help="reconstruit data/communes/")
    parser.add_argument("--out", type=Path, default=COMMUNES_DIR)
    parser.add_argument("--cache", type=Path, default=CACHE_DIR)
    parser.add_argument("--departements", help="extrait : codes séparés par des virgules")
    parser.add_argument("--contours", type=Path, help="contours IGN locaux (GeoPackage, shapefile)")
    return parser


def run(args: argparse.Namespace) -> int:
    from geo.build.communes import run as build

    departments = set(args.departements.split(",")) if args.departements else None
    metadata = build(args.out, args.cache, departments, args.contours)
    print(
        f"{metadata['communes']} communes, {metadata['population']} habitants écrits dans {args.out}"
    )
    return 0
