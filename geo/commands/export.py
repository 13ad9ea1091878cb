"""``python -m geo export map|report|tables|html --out FICHIER``: files for slides, print, Excel.

The view is named as in the app's URL (``--vue departement --code 29``; a
territory without OPSN: ``--vue territoire --code Z87085``) and counted with
the same options as ``coverage`` (``--rule``, ``--territory``, ``--no-epci``,
``--at``, ``--filter``, ``--operators``, ``--adherents``). The format comes from
the extension of ``--out``. The file is written whole or not at all (a
temporary file renamed at the end), and one line on stdout says what was
written.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from geo.commands._options import add_coverage_options, coverage_options, load

KINDS = {
    "map": (".png", ".pdf"),
    "report": (".pdf",),
    "tables": (".xlsx", ".csv"),
    "html": (".html", ".htm"),
}
DEFAULT_CSV_TABLE = {
    "france": "departements",
    "region": "departements",
    "departement": "communes",
    "epci": "communes",
    "commune": "communes",
    "territoire": "communes",
}


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "export",
        help="carte (PNG, PDF), rapport de territoire (PDF), tableaux (XLSX, CSV), carte HTML",
        description="Exporte une vue : carte statique, rapport, tableaux ou carte interactive "
        "autonome. Le format suit l'extension de --out.",
    )
    parser.add_argument("kind", choices=list(KINDS), help="map, report, tables ou html")
    parser.add_argument("--out", type=Path, required=True, help="fichier à écrire")
    parser.add_argument(
        "--vue",
        default="france",
        help="france, region, departement, epci, commune ou territoire (sans OPSN)",
    )
    parser.add_argument("--code", default="", help="code de la vue (29, 84, SIREN, Z87085…)")
    parser.add_argument("--dpi", type=float, help="résolution du PNG (300 : impression A4)")
    parser.add_argument("--size", help="taille du PNG en pixels, ex. 1920x1080 (par défaut)")
    parser.add_argument(
        "--table",
        help="tableau(x) : regions, departements, epci, opsn, communes, territoires "
        "(séparés par des virgules ; XLSX : tous ceux de la vue par défaut)",
    )
    add_coverage_options(parser)
    return parser


def _extension(kind: str, out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in KINDS[kind]:
        raise ValueError(
            f"--out {out.name} : extension attendue pour « {kind} » : {', '.join(KINDS[kind])}"
        )
    if not out.parent.is_dir():
        raise ValueError(f"--out {out} : le dossier {out.parent} n'existe pas")
    return suffix


def _write(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` atomically: a failed export never leaves half a file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _size_text(data: bytes) -> str:
    from geo import fmt

    size = len(data)
    if size >= 1_000_000:
        return f"{fmt.decimal(size / 1_000_000)} Mo"
    return f"{fmt.integer(max(1, round(size / 1000)))} Ko"


def _chosen_tables(args, level: str, suffix: str) -> list[str]:
    """The tables asked for (``--table``), or the view's own; checked before any work."""
    from geo import tables

    if args.table:
        chosen = [t.strip() for t in args.table.split(",") if t.strip()]
        unknown = [t for t in chosen if t not in tables.BUILDERS]
        if unknown:
            raise ValueError(
                f"--table : tableau(x) inconnu(s) : {', '.join(unknown)} "
                f"(possibles : {', '.join(tables.BUILDERS)})"
            )
        if level == "france" and "voisins" in chosen:
            raise ValueError(
                "--table voisins : OPSN voisins d'un territoire (--vue), pas de la France"
            )
    elif suffix == ".csv":
        chosen = [DEFAULT_CSV_TABLE[level]]
    else:
        chosen = list(tables.TABLES_BY_LEVEL[level])
    if suffix == ".csv" and len(chosen) != 1:
        raise ValueError("--table : un seul tableau par fichier CSV (plusieurs : choisir .xlsx)")
    return chosen


def _level(args) -> str:
    from geo.exports.scope import LEVEL_ALIASES, LEVELS

    level = str(args.vue or "france").strip().lower()
    level = LEVEL_ALIASES.get(level, level)
    if level not in LEVELS:
        raise ValueError(f"--vue « {args.vue} » inconnue : {', '.join(LEVELS)}")
    return level


def _tables(args, reference, analysis, inputs, scope, suffix: str) -> tuple[bytes, str]:
    from geo import tables
    from geo.exports.about import about
    from geo.exports.csv import csv_bytes
    from geo.exports.xlsx import workbook_bytes

    chosen = _chosen_tables(args, scope.level, suffix)
    mask = None if scope.is_france else scope.mask
    built = [tables.build(key, reference, analysis, inputs, mask, scope.name) for key in chosen]
    if suffix == ".csv":
        table = built[0]
        data = csv_bytes(table.frame, list(table.notes))
        return data, f"tableau « {table.title} » ({len(table.frame)} lignes)"
    data = workbook_bytes(built, about(reference, analysis, inputs, scope.name))
    names = ", ".join(t.sheet for t in built)
    return data, f"classeur de {len(built)} feuille(s) : {names}, Sources et règle"


def run(args: argparse.Namespace) -> int:
    from geo import fmt
    from geo.analysis import analyse
    from geo.exports.scope import resolve

    suffix = _extension(args.kind, args.out)
    level = _level(args)
    if args.kind != "map" and (args.size or args.dpi):
        raise ValueError("--size et --dpi s'appliquent à « export map » seulement")
    if args.kind != "tables" and args.table:
        raise ValueError("--table s'applique à « export tables » seulement")
    if args.kind == "tables":
        _chosen_tables(args, level, suffix)
    if args.kind == "report":
        from geo.exports.report import REPORT_LEVELS

        if level not in REPORT_LEVELS:
            raise ValueError(
                f"le rapport porte sur une région, un département ou un territoire sans OPSN "
                f"(--vue {' | '.join(REPORT_LEVELS)}), pas sur « {level} »"
            )
    canvas = None
    if args.kind == "map":
        from geo.exports.static_map import canvas_for, parse_size

        size = parse_size(args.size) if args.size else None
        canvas = canvas_for(suffix.lstrip("."), size, args.dpi)

    reference, loaded = load(args)  # unreadable files: French message, exit 2 (geo.cli)
    inputs = loaded.inputs
    analysis = analyse(reference, inputs, coverage_options(args, inputs.registry))
    scope = resolve(reference, analysis, args.vue, args.code)

    if args.kind == "map":
        from geo.exports.static_map import draw_map

        rendered = draw_map(reference, analysis, inputs, scope, canvas)
        data = rendered.to_bytes(suffix.lstrip("."))
        if suffix == ".png":
            width, height = canvas.pixels
            what = (
                f"carte « {scope.name} » ({fmt.integer(width)} × {fmt.integer(height)} pixels, "
                f"{fmt.integer(canvas.dpi)} dpi)"
            )
        else:
            what = f"carte « {scope.name} » (PDF vectoriel, A4 paysage)"
    elif args.kind == "report":
        from geo.exports.report import report_bytes

        data = report_bytes(reference, analysis, inputs, scope)
        what = f"rapport « {scope.name} » (PDF, A4 paysage)"
    elif args.kind == "tables":
        data, what = _tables(args, reference, analysis, inputs, scope, suffix)
    else:
        from geo.exports.html_map import html_bytes

        data = html_bytes(reference, analysis, inputs, scope)
        what = f"carte interactive « {scope.name} » (HTML autonome, sans connexion)"
    _write(args.out, data)
    print(f"Écrit : {args.out} — {what}, {_size_text(data)}")
    for report in loaded.reports:
        if report.rejected:
            print(
                f"Attention : {report.file} : {report.rejected} ligne(s) rejetée(s) "
                "(détail : python -m geo validate)",
                file=sys.stderr,
            )
    return 0
