"""``python -m geo export map|report|tables|html --out FICHIER``: files for slides, print, Excel.

The view is named as in the app's URL (``--vue departement --code 29``; a
territory without OPSN: ``--vue territoire --code Z87085``) and counted with
the same options as ``coverage`` (``--rule``, ``--territory``, ``--no-epci``,
``--at``, ``--filter``, ``--operators``, ``--adherents``). The format comes from
the extension of ``--out``. The file is written whole or not at all (a
temporary file renamed at the end), and one line on stdout says what was
written. Mistakes in the options are reported before any data is loaded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.commands._options import add_coverage_options, coverage_options, load

KINDS = ("map", "report", "tables", "html", "site")  # geo.exports.files.FORMATS, and the atlas


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "export",
        help="carte (PNG, PDF), rapport de territoire (PDF), tableaux (XLSX, CSV), carte HTML",
        description="Exporte une vue : carte statique, rapport, tableaux ou carte interactive "
        "autonome. Le format suit l'extension de --out.",
    )
    parser.add_argument("kind", choices=KINDS, help="map, report, tables, html ou site (l'atlas)")
    parser.add_argument(
        "--out", type=Path, required=True, help="fichier à écrire (site : dossier de l'atlas)"
    )
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
        help="tableau(x) : regions, departements, epci, opsn, voisins, communes, territoires "
        "(séparés par des virgules ; XLSX : tous ceux de la vue par défaut)",
    )
    add_coverage_options(parser)
    return parser


def _level(args) -> str:
    from geo.exports.scope import LEVEL_ALIASES, LEVELS

    level = str(args.vue or "france").strip().lower()
    level = LEVEL_ALIASES.get(level, level)
    if level not in LEVELS:
        raise ValueError(f"--vue « {args.vue} » inconnue : {', '.join(LEVELS)}")
    return level


def _check(args) -> tuple[str, object, list[str] | None]:
    """(extension, canvas, tables) from the options, or a French error before any work."""
    from geo.exports.files import FORMATS, chosen_tables

    out: Path = args.out
    suffix = out.suffix.lower()
    if suffix not in FORMATS[args.kind]:
        raise ValueError(
            f"--out {out.name} : extension attendue pour « {args.kind} » : "
            f"{', '.join(FORMATS[args.kind])}"
        )
    if not out.parent.is_dir():
        raise ValueError(f"--out {out} : le dossier {out.parent} n'existe pas")
    level = _level(args)
    if args.kind != "map" and (args.size or args.dpi):
        raise ValueError("--size et --dpi s'appliquent à « export map » seulement")
    if args.kind != "tables" and args.table:
        raise ValueError("--table s'applique à « export tables » seulement")
    canvas, keys = None, None
    if args.kind == "map":
        from geo.exports.static_map import canvas_for, parse_size

        size = parse_size(args.size) if args.size else None
        canvas = canvas_for(suffix.lstrip("."), size, args.dpi)
    if args.kind == "tables":
        keys = [t.strip() for t in (args.table or "").split(",") if t.strip()] or None
        chosen_tables(level, suffix, keys)
    if args.kind == "report":
        from geo.exports.report import REPORT_LEVELS

        if level not in REPORT_LEVELS:
            raise ValueError(
                f"le rapport porte sur une région, un département ou un territoire sans OPSN "
                f"(--vue {' | '.join(REPORT_LEVELS)}), pas sur « {level} »"
            )
    return suffix, canvas, keys


def _write(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` atomically, with the umask's permissions (not mkstemp's 0600)."""
    from geo.core.paths import write_file

    write_file(out, data)


def run(args: argparse.Namespace) -> int:
    from geo.core.analysis import analyse
    from geo.exports.files import export_file
    from geo.exports.scope import resolve

    if args.kind == "site":
        return _site(args)
    suffix, canvas, keys = _check(args)
    reference, loaded = load(args)  # unreadable files: French message, exit 2 (geo.cli)
    inputs = loaded.inputs
    analysis = analyse(reference, inputs, coverage_options(args, inputs.registry))
    scope = resolve(reference, analysis, args.vue, args.code)
    exported = export_file(reference, analysis, inputs, scope, args.kind, suffix, canvas, keys)
    _write(args.out, exported.data)
    print(
        f"Écrit : {args.out} — {exported.description}, {exported.size_text} ; "
        f"données : {inputs.label}"
    )
    for report in loaded.reports:
        if report.rejected:
            print(
                f"Attention : {report.file} : {report.rejected} ligne(s) rejetée(s) "
                "(détail : python -m geo validate)",
                file=sys.stderr,
            )
    return 0


def _site(args: argparse.Namespace) -> int:
    """The static atlas (geo.exports.site): every view, into the folder ``--out``."""
    from geo.core.analysis import analyse
    from geo.exports.site import export_site

    out: Path = args.out
    if args.vue != "france" or args.code or args.table or args.size or args.dpi:
        raise ValueError(
            "export site écrit toutes les vues : --vue, --code, --table, --size et --dpi "
            "ne s'y appliquent pas"
        )
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} : un dossier est attendu pour l'atlas, pas un fichier")
    if not out.parent.is_dir():
        raise ValueError(f"--out {out} : le dossier {out.parent} n'existe pas")
    reference, loaded = load(args)  # unreadable files: French message, exit 2 (geo.cli)
    inputs = loaded.inputs
    analysis = analyse(reference, inputs, coverage_options(args, inputs.registry))
    print(export_site(reference, analysis, inputs, out).summary())
    return 0
