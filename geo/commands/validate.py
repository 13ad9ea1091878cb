"""``python -m geo validate FILE``: check a membership or operators file before using it.

Exit status is a contract for scripts: 0 nothing rejected, 1 rows rejected,
2 the file cannot be read at all (French message on stderr, no traceback).
The file is opened (within the limits) before the reference data are loaded,
so that an unreadable file is refused at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geo.commands._options import add_data_options, default_inputs
from geo.core.paths import COMMUNES_DIR


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "validate",
        help="vérifier un fichier d'adhésions ou d'opérateurs (CSV, TSV, XLSX, CSV.gz)",
    )
    parser.add_argument("file", type=Path, help="fichier à vérifier")
    parser.add_argument("--format", choices=["json", "text"], default="text")
    parser.add_argument(
        "--opsn",
        default=None,
        help="opérateur de toutes les lignes si le fichier n'a pas de colonne opérateur",
    )
    parser.add_argument("--sheet", help="feuille à lire dans un classeur qui en a plusieurs")
    parser.add_argument("--data", type=Path, default=COMMUNES_DIR, help=argparse.SUPPRESS)
    add_data_options(parser)  # whose registry names the operators (the app's by default)
    return parser


def run(args: argparse.Namespace) -> int:
    from geo.core.reference import shared_reference
    from geo.importers.memberships import ImportFileError, open_import, read_memberships

    try:
        table = open_import(args.file, sheet=args.sheet)
        inputs = default_inputs(args).inputs
        result = read_memberships(
            args.file, shared_reference(args.data), inputs.registry, opsn=args.opsn, table=table
        )
    except ImportFileError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    report = result.report
    if args.format == "json":
        record = {**report.to_dict(), "data": inputs.label, "data_version": inputs.version}
        print(json.dumps(record, ensure_ascii=False, indent=1))
    else:
        print(f"Vérifié avec le registre des OPSN : {inputs.label}")
        print(report.text())
    return 1 if report.rejected else 0
