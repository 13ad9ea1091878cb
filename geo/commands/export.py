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
from geo.exports.formats import FORMATS, CommandOptions, ExportKind, Settings

SITE = "site"
"""The atlas (:mod:`geo.exports.site`): every view, written into a folder, not one file."""
KINDS = (*(kind.value for kind in ExportKind), SITE)


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "export",
        help=", ".join(f"{found.label} ({found.names})" for found in FORMATS.values()),
        description="Exporte une vue : carte statique, rapport, tableaux ou carte interactive "
        "autonome. Le format suit l'extension de --out.",
    )
    parser.add_argument("kind", choices=KINDS, help=f"{', '.join(KINDS[:-1])} ou {SITE} (l'atlas)")
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


def _check(args) -> tuple[str, Settings]:
    """(extension, settings) from the options, or a French error before any work."""
    kind = ExportKind(args.kind)
    out: Path = args.out
    suffix = out.suffix.lower()
    if suffix not in kind.suffixes:
        raise ValueError(
            f"--out {out.name} : extension attendue pour « {kind} » : {', '.join(kind.suffixes)}"
        )
    if not out.parent.is_dir():
        raise ValueError(f"--out {out} : le dossier {out.parent} n'existe pas")
    level = _level(args)
    for owner, found in FORMATS.items():
        given = [name for name in found.options if getattr(args, name)]
        if owner != kind and given:
            names = " et ".join(f"--{name}" for name in found.options)
            verb = "s'appliquent" if len(found.options) > 1 else "s'applique"
            raise ValueError(f"{names} {verb} à « export {owner} » seulement")
    options = CommandOptions(level, suffix, args.size, args.dpi, args.table)
    return suffix, kind.format.settings(options)


def _write(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` atomically, with the umask's permissions (not mkstemp's 0600)."""
    from geo.core.paths import write_file

    write_file(out, data)


def run(args: argparse.Namespace) -> int:
    from geo.core.analysis import analyse
    from geo.exports.files import export_file
    from geo.exports.scope import resolve

    if args.kind == SITE:
        return _site(args)
    suffix, settings = _check(args)
    reference, loaded = load(args)  # unreadable files: French message, exit 2 (geo.cli)
    inputs = loaded.inputs
    analysis = analyse(reference, inputs, coverage_options(args, inputs.registry))
    scope = resolve(reference, analysis, args.vue, args.code)
    exported = export_file(
        reference, analysis, inputs, scope, args.kind, suffix, settings.canvas, settings.table_keys
    )
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
