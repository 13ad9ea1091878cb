"""``python -m geo stats``: the reference figures (JSON for scripts, French text for people)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from geo.core.paths import COMMUNES_DIR


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser("stats", help="chiffres de référence")
    parser.add_argument("--format", choices=["json", "text"], default="text")
    parser.add_argument("--data", type=Path, default=COMMUNES_DIR)
    return parser


def run(args: argparse.Namespace) -> int:
    from geo.core.records import as_json
    from geo.core.reference import shared_reference
    from geo.core.stats import reference_figures, reference_text

    figures = reference_figures(shared_reference(args.data))
    print(
        json.dumps(as_json(figures), ensure_ascii=False)
        if args.format == "json"
        else reference_text(figures)
    )
    return 0
