"""``python -m geo db …``: the saved data — status, versions, compare, restore, import, export.

The database lives in the data directory (``$OPSN_DATA_DIR``, see
:mod:`geo.storage`) and is created from the bundled ``data/opsn/`` on first
use. Every import, edit and restore is one version; nothing is ever deleted.
Exit statuses: 0 done, 1 done but lines of an imported file were rejected,
2 nothing done (French message on stderr).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from geo.core.paths import COMMUNES_DIR


def _author(args: argparse.Namespace) -> str:
    if args.author:
        return args.author
    try:
        return f"{getpass.getuser()} (ligne de commande)"
    except (KeyError, OSError):
        return "ligne de commande"


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "db", help="données enregistrées : versions, comparaison, restauration, import, export"
    )
    parser.add_argument(
        "--db", type=Path, default=None, help="fichier de base (défaut : dossier $OPSN_DATA_DIR)"
    )
    parser.add_argument("--data", type=Path, default=COMMUNES_DIR, help=argparse.SUPPRESS)
    actions = parser.add_subparsers(dest="action", required=True)

    status = actions.add_parser("status", help="où est la base, version courante, écart au livré")
    status.add_argument("--format", choices=["json", "text"], default="text")

    versions = actions.add_parser("versions", help="liste des versions (la plus récente d'abord)")
    versions.add_argument("--format", choices=["json", "text", "csv"], default="text")

    compare = actions.add_parser("compare", help="ce qui change entre deux versions")
    compare.add_argument("a", type=int, help="version de départ")
    compare.add_argument("b", type=int, help="version d'arrivée")
    compare.add_argument("--format", choices=["json", "text"], default="text")
    compare.add_argument(
        "--no-figures", action="store_true", help="sans recalculer les chiffres (plus rapide)"
    )

    restore = actions.add_parser(
        "restore", help="revenir aux données d'une version (nouvelle version)"
    )
    restore.add_argument("number", type=int, help="version à restaurer")

    export = actions.add_parser("export", help="écrire une version au format des fichiers livrés")
    export.add_argument("--out", type=Path, required=True, help="dossier (ex. data/opsn/)")
    export.add_argument("--version", type=int, default=None, help="défaut : la plus récente")

    load = actions.add_parser("import", help="importer des fichiers d'adhésions ou d'opérateurs")
    load.add_argument("files", type=Path, nargs="+")
    load.add_argument("--opsn", help="opérateur des listes sans colonne opérateur")
    load.add_argument(
        "--mode",
        choices=["remplacer", "ajouter"],
        default="remplacer",
        help="remplacer (défaut) les adhésions des OPSN présents dans les fichiers, ou ajouter",
    )
    load.add_argument(
        "--operators-mode",
        choices=["completer", "remplacer"],
        default="completer",
        help="opérateurs : compléter le registre (défaut) ou remplacer les fiches connues",
    )
    load.add_argument("--dry-run", action="store_true", help="montrer sans enregistrer")
    load.add_argument("--format", choices=["json", "text"], default="text")

    bundled = actions.add_parser(
        "import-bundled", help="enregistrer les données livrées (data/opsn/) comme nouvelle version"
    )
    for sub in (restore, load, bundled):
        sub.add_argument("--author", help="auteur (défaut : utilisateur du système)")
        sub.add_argument("--reason", default="", help="motif, gardé dans l'historique")
    return parser


def run(args: argparse.Namespace) -> int:
    from geo.storage import open_store

    with open_store(args.db) as store:
        return ACTIONS[args.action](store, args)


# --------------------------------------------------------------------------- actions


def _status(store, args) -> int:
    from geo.storage.diff import membership_changes, registry_changes
    from geo.storage.labels import data_label
    from geo.storage.seed import bundled_snapshot

    version, snapshot = store.snapshot()
    bundled, files = bundled_snapshot()
    registry = registry_changes(
        snapshot.registry.to_dict(orient="records"), bundled.registry.to_dict(orient="records")
    )
    added, removed = membership_changes(snapshot.memberships, bundled.memberships)
    differs = bool(
        registry["added"]
        or registry["removed"]
        or registry["changed"]
        or len(added)
        or len(removed)
    )
    result = {
        "database": store.location,
        "read_only": store.read_only,
        "versions": len(store.versions()),
        "current": version.as_dict(),
        "label": data_label(version),
        "bundled_differs": differs,
        "bundled_changes": {
            "opsn_added": len(registry["added"]),
            "opsn_removed": len(registry["removed"]),
            "opsn_changed": len(registry["changed"]),
            "memberships_added": len(added),
            "memberships_removed": len(removed),
        },
        "bundled_files": files,
    }
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"Base : {store.location}" + (" (lecture seule)" if store.read_only else ""))
    print(f"Versions enregistrées : {result['versions']}")
    print(f"En service : {result['label']}")
    if differs:
        c = result["bundled_changes"]
        print(
            "Les données livrées (data/opsn/) diffèrent de la version en service : "
            f"{c['opsn_added']} OPSN en plus, {c['opsn_removed']} en moins, "
            f"{c['opsn_changed']} modifiés ; {c['memberships_added']} adhésions en plus, "
            f"{c['memberships_removed']} en moins. Pour les enregistrer : "
            "python -m geo db import-bundled"
        )
    else:
        print("Les données livrées (data/opsn/) sont identiques à la version en service.")
    return 0


def _versions(store, args) -> int:
    import pandas as pd

    from geo.exports.csv import script_csv
    from geo.storage.versions import version_rows

    versions = store.versions()
    if args.format == "json":
        print(json.dumps([v.as_dict() for v in reversed(versions)], ensure_ascii=False))
        return 0
    rows = version_rows(versions)
    if args.format == "csv":
        sys.stdout.write(script_csv(pd.DataFrame(rows)))
        return 0
    for row in rows:
        print(
            f"{row['version']:>4}  {row['date']}  {row['nature']}  "
            f"({row['opsn']} OPSN, {row['adhesions']} adhésions ; "
            f"+{row['adhesions_ajoutees']} −{row['adhesions_retirees']})"
        )
    return 0


def _compare(store, args) -> int:
    from geo.core import fmt
    from geo.planning.compare import compare_versions

    reference = None
    if not args.no_figures:
        from geo.core.reference import load_reference

        reference = load_reference(args.data)
    result = compare_versions(store, args.a, args.b, reference)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, default=str))
        return 0
    print(f"Version {args.a} → version {args.b}")
    registry = result["registry"]
    for item in registry["added"]:
        print(f"  OPSN ajouté : {item['nom']} ({item['id']})")
    for item in registry["removed"]:
        print(f"  OPSN retiré : {item['nom']} ({item['id']})")
    for item in registry["changed"]:
        fields = ", ".join(
            f"{f['field']} « {f['before']} » → « {f['after']} »" for f in item["fields"]
        )
        print(f"  OPSN modifié : {item['nom']} ({item['id']}) : {fields}")
    members = result["memberships"]
    print(f"  Adhésions : +{members['added']} −{members['removed']}")
    for item in members["by_opsn"]:
        print(f"    {item['nom']} : +{item['added']} −{item['removed']}")
    if "figures" in result:
        figures = result["figures"]
        before, after = figures["before"], figures["after"]
        print(
            f"  Part couverte : {fmt.percent(before['covered_share'], 1)} → "
            f"{fmt.percent(after['covered_share'], 1)} "
            f"({_signed(figures['covered_population_delta'])} habitants)"
        )
        print(f"  Communes dont le statut change : {fmt.integer(len(result['communes']))}")
        print(f"  Règle : {after['counting_rule']}")
    return 0


def _signed(value: int) -> str:
    from geo.core import fmt

    return ("+" if value > 0 else "−" if value < 0 else "") + fmt.integer(abs(value))


def _restore(store, args) -> int:
    from geo.storage.labels import data_label

    version = store.restore(args.number, author=_author(args), reason=args.reason)
    print(f"Enregistré : {data_label(version)}")
    return 0


def _export(store, args) -> int:
    from geo.core.reference import load_reference
    from geo.storage.export import export_snapshot
    from geo.storage.labels import data_label

    version, snapshot = store.snapshot(args.version)
    written = export_snapshot(snapshot, args.out, load_reference(args.data))
    print(f"Exporté : {data_label(version)}")
    for path in written:
        print(f"  {path}")
    return 0


def _import(store, args) -> int:
    from geo.core import fmt
    from geo.core.reference import load_reference
    from geo.planning.compare import compare_snapshots
    from geo.planning.imports import apply_import, import_counts, read_import
    from geo.storage import NothingToSave
    from geo.storage.labels import data_label

    reference = load_reference(args.data)
    files = []
    for path in args.files:
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as error:
            print(f"Erreur : {path.name} : fichier illisible ({error.strerror}).", file=sys.stderr)
            return 2
    base, snapshot = store.snapshot()
    batch = read_import(reference, files, snapshot.registry_typed(), args.opsn)
    for message in [*batch.errors, *batch.repeated]:
        print(f"Attention : {message}", file=sys.stderr)
    if batch.empty:
        print("Erreur : aucune ligne acceptée : rien n'est enregistré.", file=sys.stderr)
        return 2
    preview = compare_snapshots(
        snapshot, apply_import(snapshot, batch, args.mode, args.operators_mode), reference
    )
    saved = None
    if not args.dry_run:
        try:
            saved = store.commit(
                lambda current: apply_import(current, batch, args.mode, args.operators_mode),
                author=_author(args),
                kind="import",
                reason=args.reason or f"import ({args.mode})",
                files=batch.files,
                base=base.number,
                counts=import_counts(batch),
            )
        except NothingToSave:
            saved = None
    rejected = sum(r.rejected for r in batch.reports)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "saved": saved.as_dict() if saved else None,
                    "base": base.number,
                    "reports": [r.to_dict() for r in batch.reports],
                    "errors": batch.errors,
                    "repeated": batch.repeated,
                    "preview": preview,
                },
                ensure_ascii=False,
                default=str,
            )
        )
    else:
        for report in batch.reports:
            print(report.text())
        figures = preview["figures"]
        print(
            f"Part couverte : {fmt.percent(figures['before']['covered_share'], 1)} → "
            f"{fmt.percent(figures['after']['covered_share'], 1)} ; adhésions "
            f"+{preview['memberships']['added']} −{preview['memberships']['removed']} ; "
            f"communes dont le statut change : {len(preview['communes'])}"
        )
        if saved:
            print(f"Enregistré : {data_label(saved)}")
        elif args.dry_run:
            print("Rien n'est enregistré (--dry-run).")
        else:
            print("Rien n'a changé : aucune version créée.")
    return 1 if rejected else 0


def _import_bundled(store, args) -> int:
    from geo.storage.labels import data_label
    from geo.storage.seed import bundled_snapshot

    snapshot, files = bundled_snapshot()
    version = store.commit(
        lambda _current: snapshot,
        author=_author(args),
        kind="bundled",
        reason=args.reason or "données livrées (data/opsn/) enregistrées",
        files=files,
    )
    print(f"Enregistré : {data_label(version)}")
    return 0


ACTIONS = {
    "status": _status,
    "versions": _versions,
    "compare": _compare,
    "restore": _restore,
    "export": _export,
    "import": _import,
    "import-bundled": _import_bundled,
}
