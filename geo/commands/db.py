"""``python -m geo db …``: the saved data — status, versions, compare, restore, import, export.

The database lives in the data directory (``$OPSN_DATA_DIR``, see
:mod:`geo.storage`) and is created from the bundled ``data/opsn/`` on first
use. Every import, edit and restore is one version; nothing is ever deleted.
Exit statuses: 0 done, 1 done but lines of an imported file were rejected,
2 nothing done (French message on stderr).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from geo.core.paths import COMMUNES_DIR
from geo.core.records import as_json

if TYPE_CHECKING:
    from geo.core.figures import FiguresCompared


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
    restore.add_argument("--dry-run", action="store_true", help="montrer sans enregistrer")

    drafts = actions.add_parser("scenarios", help="scénarios enregistrés (brouillons)")
    drafts.add_argument("--format", choices=["json", "text", "csv"], default="text")

    publish = actions.add_parser(
        "publish", help="publier un scénario enregistré : il devient la version en service"
    )
    publish.add_argument("scenario", type=int, help="numéro du scénario (db scenarios)")
    publish.add_argument("--dry-run", action="store_true", help="montrer sans enregistrer")

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
    refresh = _add_refresh_parser(actions)
    for sub in (restore, load, bundled, publish, refresh):
        sub.add_argument("--author", help="auteur (défaut : utilisateur du système)")
        sub.add_argument("--reason", default="", help="motif, gardé dans l'historique")
    for sub in (restore, load, bundled, publish):
        sub.add_argument(
            "--base",
            type=int,
            default=None,
            help="version sur laquelle l'enregistrement est calculé (celle d'un --dry-run) : "
            "refusé si une autre version a été enregistrée depuis",
        )
    return parser


def _add_refresh_parser(actions) -> argparse.ArgumentParser:
    from geo.importers.anct_source import DEFAULT_SOURCE, SOURCE_ENV

    refresh = actions.add_parser(
        "refresh",
        help="mettre à jour opérateurs et adhésions depuis la Suite territoriale (ANCT)",
    )
    refresh.add_argument(
        "--source",
        help=f"adresse du portail de données ouvertes (défaut : ${SOURCE_ENV}, sinon "
        f"{DEFAULT_SOURCE})",
    )
    refresh.add_argument("--dry-run", action="store_true", help="rapport et aperçu seulement")
    refresh.add_argument(
        "--yes", action="store_true", help="enregistrer sans question (tâche planifiée)"
    )
    refresh.add_argument(
        "--force",
        action="store_true",
        help="enregistrer malgré un refus qui le permet (colonnes changées, fichier bien plus "
        "petit…), après lecture du rapport et de l'aperçu",
    )
    refresh.add_argument("--format", choices=["json", "text"], default="text")
    return refresh


def run(args: argparse.Namespace) -> int:
    from geo.storage import open_store

    with open_store(args.db) as store:
        return ACTIONS[args.action](store, args)


# --------------------------------------------------------------------------- actions


def _status(store, args) -> int:
    from geo.storage.diff import membership_changes, registry_changes
    from geo.storage.labels import data_label
    from geo.storage.seed import bundled_snapshot
    from geo.storage.sources import freshness_facts, max_age_days, store_source

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
    source = store_source(store, version.number)
    freshness = freshness_facts(source, dt.date.today(), max_age_days())
    result = {
        "database": store.location,
        "read_only": store.read_only,
        "versions": len(store.versions()),
        "current": version.as_dict(),
        "label": data_label(version, freshness=freshness["freshness"]),
        "bundled_differs": differs,
        "bundled_changes": {
            "opsn_added": len(registry["added"]),
            "opsn_removed": len(registry["removed"]),
            "opsn_changed": len(registry["changed"]),
            "memberships_added": len(added),
            "memberships_removed": len(removed),
        },
        "bundled_files": files,
        **freshness,
    }
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"Base : {store.location}" + (" (lecture seule)" if store.read_only else ""))
    print(f"Versions enregistrées : {result['versions']}")
    print(f"En service : {result['label']}")
    _print_freshness(source, freshness)
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


def _print_freshness(source, freshness: dict) -> None:
    from geo.storage.labels import TIMEZONE

    if source is None:
        print(
            "Données ANCT : aucune mise à jour depuis la Suite territoriale "
            "(python -m geo db refresh)."
        )
        return
    text = f"Données ANCT : {freshness['freshness']} (version {source.version})"
    if source.checked_at:
        checked = dt.datetime.fromisoformat(source.checked_at).astimezone(TIMEZONE)
        text += f" ; dernière vérification le {checked:%d/%m/%Y à %H:%M}"
    print(text)
    if freshness["anct_notice"]:
        print(f"Attention : {freshness['anct_notice']}")


def _listed(form: str, records: list[dict], rows: list[dict]) -> bool:
    """``records`` as JSON or ``rows`` as CSV (``;``, formula cells neutralised) on stdout;
    False for the text format."""
    if form == "json":
        print(json.dumps(records, ensure_ascii=False))
        return True
    if form == "csv":
        import pandas as pd

        from geo.exports.csv import script_csv

        sys.stdout.write(script_csv(pd.DataFrame(rows)))
        return True
    return False


def _versions(store, args) -> int:
    from geo.storage.versions import version_rows

    versions = store.versions()
    rows = version_rows(versions)
    if _listed(args.format, [v.as_dict() for v in reversed(versions)], rows):
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
        from geo.core.reference import shared_reference

        reference = shared_reference(args.data)
    result = compare_versions(store, args.a, args.b, reference)
    if args.format == "json":
        print(json.dumps(as_json(result), ensure_ascii=False, default=str))
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
        compared = result["figures"]
        print(
            f"  Part couverte : {fmt.percent(compared.before.covered_share, 1)} → "
            f"{fmt.percent(compared.after.covered_share, 1)} "
            f"({_signed(compared.covered_population_delta)} habitants)"
        )
        print(f"  Communes dont le statut change : {fmt.integer(len(result['communes']))}")
        print(f"  Règle : {compared.after.counting_rule}")
    return 0


def _signed(value: int) -> str:
    from geo.core import fmt

    return ("+" if value > 0 else "−" if value < 0 else "") + fmt.integer(abs(value))


def _restore(store, args) -> int:
    from geo.planning.saving import confirm, propose_restore

    proposal = propose_restore(store, args.number)
    return _preview_then_save(
        store, args, proposal, f"Retour aux données de la version {args.number}",
        lambda: confirm(store, proposal, author=_author(args), reason=args.reason),
    )  # fmt: skip


def _preview_then_save(store, args, proposal, what: str, save) -> int:
    """Say what the save would change in the version in service; save unless ``--dry-run``."""
    from geo.planning.compare import compare_snapshots
    from geo.storage.labels import data_label

    _check_base(store, args, proposal)
    preview = compare_snapshots(proposal.before, proposal.after)
    print(f"Version en service : {data_label(proposal.base)}")
    print(f"{what} : {_changes_text(preview)}")
    if args.dry_run:
        print(
            f"Rien n'est enregistré (--dry-run ; pour enregistrer : --base {proposal.base.number})."
        )
        return 0
    print(f"Enregistré : {data_label(save())}")
    return 0


def _check_base(store, args, proposal) -> None:
    """``--base N``: refuse if the version in service is not N (a save came after the dry run)."""
    from geo.storage import BaseMoved, UnknownVersion
    from geo.storage.labels import moved_message

    if args.base is None or args.base == proposal.base.number:
        return
    if not 1 <= args.base < proposal.base.number:
        raise UnknownVersion(
            f"--base {args.base} : version inconnue (version en service : {proposal.base.number})."
        )
    saved = [v for v in store.versions() if v.number > args.base]
    raise BaseMoved(args.base, tuple(saved), moved_message(args.base, saved, "depuis votre aperçu"))


def _changes_text(preview: dict) -> str:
    registry, members = preview["registry"], preview["memberships"]
    return (
        f"OPSN : {len(registry['added'])} ajouté(s), {len(registry['removed'])} retiré(s), "
        f"{len(registry['changed'])} modifié(s) ; adhésions +{members['added']} "
        f"−{members['removed']}"
    )


def _drafts(store, args) -> int:
    from geo.planning.drafts import draft_rows

    drafts = store.drafts()
    rows = draft_rows(drafts)
    if _listed(args.format, [d.as_dict() for d in reversed(drafts)], rows):
        return 0
    if not rows:
        print("Aucun scénario enregistré.")
    for row in rows:
        print(
            f"{row['scenario']:>4}  {row['date']}  « {row['nom']} », par {row['auteur']}, sur la "
            f"version {row['version_de_depart']} ({row['etat']}) : {row['changements']}"
        )
    return 0


def _publish(store, args) -> int:
    from geo.core.reference import shared_reference
    from geo.planning.drafts import draft_label, publication, publish

    draft = store.draft(args.scenario)
    proposal = publication(store, draft, shared_reference(args.data).departements)
    return _preview_then_save(
        store, args, proposal, f"Publier le {draft_label(draft)}",
        lambda: publish(store, proposal, draft, _author(args), args.reason),
    )  # fmt: skip


def _export(store, args) -> int:
    from geo.core.reference import shared_reference
    from geo.storage.export import export_snapshot
    from geo.storage.labels import data_label

    version, snapshot = store.snapshot(args.version)
    written = export_snapshot(snapshot, args.out, shared_reference(args.data))
    print(f"Exporté : {data_label(version)}")
    for path in written:
        print(f"  {path}")
    return 0


def _import(store, args) -> int:
    from geo.core import fmt
    from geo.core.reference import shared_reference
    from geo.planning.compare import compare_snapshots
    from geo.planning.imports import apply_import, import_counts, read_import
    from geo.planning.saving import Proposal, save_unattended
    from geo.storage import NothingToSave
    from geo.storage.labels import data_label

    reference = shared_reference(args.data)
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

    def change(current):
        return apply_import(current, batch, args.mode, args.operators_mode)

    proposal = Proposal(base, snapshot, change(snapshot))
    _check_base(store, args, proposal)
    saved = None
    if not args.dry_run:
        try:
            done = save_unattended(
                store,
                change,
                author=_author(args),
                kind="import",
                reason=args.reason or f"import ({args.mode})",
                files=batch.files,
                counts=import_counts(batch),
                base=args.base,
            )
        except NothingToSave:
            saved = None
        else:
            saved, proposal = done.version, done.proposal
            for moved in done.moved:  # said, and the preview below is the one saved
                print(
                    f"Attention : {moved} L'import est recalculé sur la version {moved.latest}.",
                    file=sys.stderr,
                )
    base = proposal.base
    preview = compare_snapshots(proposal.before, proposal.after, reference)
    plan = None  # what the operators file changes, field by field, on the version saved on
    if batch.operators is not None and len(batch.operators):
        from geo.planning.operator_changes import plan_operators

        plan = plan_operators(proposal.before.registry, batch.operators, args.operators_mode)
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
                    "preview": as_json(preview),
                    "operator_changes": plan.to_dict() if plan else None,
                },
                ensure_ascii=False,
                default=str,
            )
        )
    else:
        for report in batch.reports:
            print(report.text())
        for line in plan.text() if plan else []:
            print(line)
        compared = preview["figures"]
        print(
            f"Part couverte : {fmt.percent(compared.before.covered_share, 1)} → "
            f"{fmt.percent(compared.after.covered_share, 1)} ; adhésions "
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
    from geo.planning.saving import save_unattended
    from geo.storage.labels import data_label
    from geo.storage.seed import bundled_snapshot

    snapshot, files = bundled_snapshot()
    done = save_unattended(
        store,
        lambda _current: snapshot,
        author=_author(args),
        kind="bundled",
        reason=args.reason or "données livrées (data/opsn/) enregistrées",
        files=files,
        base=args.base,
    )
    print(f"Enregistré : {data_label(done.version)}")
    return 0


def _refresh(store, args) -> int:
    """Exit 0: saved, nothing changed at the source, or a dry run; 2: offline, refused,
    not confirmed (French message on stderr, nothing changed)."""
    from geo.core.reference import shared_reference
    from geo.importers.anct_source import Offline, SourceError
    from geo.planning import refresh
    from geo.storage import NothingToSave

    wants_json = args.format == "json"
    reference = shared_reference(args.data)
    try:
        plan = refresh.plan_refresh(store, reference, args.source)
    except SourceError as error:
        status = "offline" if isinstance(error, Offline) else "refused"
        if wants_json:
            print(json.dumps({"status": status, "message": str(error), "saved": None}))
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    result = {**plan.as_dict(), "preview": None, "saved": None, "forced": False}

    def finish(status: str, code: int, message: str = "", error: bool = False) -> int:
        result["status"] = status
        if message:
            result["message"] = message
        if wants_json:
            print(json.dumps(result, ensure_ascii=False, default=str))
        if message and (error or not wants_json):
            print(f"Erreur : {message}" if error else message, file=sys.stderr if error else None)
        return code

    if not wants_json:
        _print_plan(plan)
    if plan.status == refresh.UNCHANGED:
        if not args.dry_run:
            refresh.note_unchanged(store, plan)
        return finish("unchanged", 0, plan.message)
    forcing = args.force and plan.forceable
    refused = bool(plan.refusals) and not forcing
    # A refused run shows its preview only when asked for one (--dry-run): a scheduled run
    # that is refused says why and changes nothing.
    if (args.dry_run or not refused) and plan.batch is not None and not plan.batch.empty:
        preview = refresh.refresh_preview(plan, reference)
        result["preview"] = preview.as_json()
        if not wants_json:
            _print_refresh_preview(plan, preview)
    if refused:
        why = refresh.refusal_text(plan)
        if plan.forceable and result["preview"] is None:
            why += " Aperçu : python -m geo db refresh --dry-run."
        return finish("refused", 2, why, error=True)
    result["forced"] = bool(plan.refusals)
    if args.dry_run:
        return finish("preview", 0, "Rien n'est enregistré (--dry-run).")
    if not args.yes:
        refusal = _unconfirmed()
        if refusal:
            return finish("declined", 2, refusal, error=True)
    try:
        saved = refresh.save_refresh(store, plan, _author(args), args.reason, force=args.force)
    except NothingToSave:
        return finish(
            "nothing_to_save",
            0,
            "Ces fichiers ne changent rien aux données : aucune version créée.",
        )
    result["saved"] = saved.as_dict()
    result["saved_label"] = refresh.saved_words(saved, store)
    return finish("saved", 0, f"Enregistré : {result['saved_label']}")


def _unconfirmed() -> str | None:
    """Ask on the terminal; ``None`` when confirmed, else why nothing is saved (French)."""
    if not sys.stdin.isatty():
        return (
            "pas de terminal pour confirmer : rien n'est enregistré ; ajoutez --yes pour "
            "enregistrer sans question (tâche planifiée) ou --dry-run pour seulement voir."
        )
    try:
        answer = input("Enregistrer cette mise à jour comme nouvelle version ? [o/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() in ("o", "oui", "y", "yes"):
        return None
    return "non confirmé : rien n'est enregistré."


def _print_plan(plan) -> None:
    import datetime as dt

    from geo.core import fmt
    from geo.importers.anct_source import DATASET_ID, FILE_NAMES

    print(f"Suite territoriale (ANCT) : {plan.source} — jeu de données {DATASET_ID}")
    for role in plan.resources:
        got = plan.fetched[role]
        day = next((f["source_date"] for f in plan.files if f["role"] == role), None)
        state = (
            f"téléchargé ({fmt.integer(len(got.data or b''))} octets)"
            if role in plan.downloaded
            else "inchangé à la source"
        )
        when = f", publié le {fmt.long_date(dt.date.fromisoformat(day))}" if day else ""
        print(f"  {FILE_NAMES[role]} : {state}{when}")
    if plan.batch is not None:
        for message in plan.batch.errors:
            print(f"Attention : {message}", file=sys.stderr)
        for report in plan.batch.reports:
            print(report.text())


def _print_refresh_preview(plan, preview) -> None:
    """:class:`geo.planning.refresh.RefreshPreview` in words."""
    from geo.core import fmt

    def line(compared: FiguresCompared, communes: list) -> str:
        delta = compared.covered_population_delta
        return (
            f"{fmt.percent(compared.before.covered_share, 1)} → "
            f"{fmt.percent(compared.after.covered_share, 1)} "
            f"({_signed(delta)} habitant{'s' if abs(delta) >= 2 else ''} ; communes dont le "
            f"statut change : {fmt.integer(len(communes))})"
        )

    members = preview.memberships
    print(
        f"Aperçu : {preview.in_force.sentence} (lignes de la base : "
        f"+{fmt.integer(members['added'])} −{fmt.integer(members['removed'])}) ; "
        f"OPSN ajoutés : {len(preview.registry['added'])}, modifiés : "
        f"{len(preview.registry['changed'])}"
    )
    print(f"  Part couverte : {line(preview.figures, preview.communes)}")
    print(f"    Règle : {preview.figures.after.counting_rule}")
    members_only = preview.adhesion
    print(f"  Adhérentes seulement : {line(members_only.figures, members_only.communes)}")
    if plan.dates_sentence():
        print(f"  {plan.dates_sentence()}")


ACTIONS = {
    "status": _status,
    "versions": _versions,
    "compare": _compare,
    "restore": _restore,
    "scenarios": _drafts,
    "publish": _publish,
    "export": _export,
    "import": _import,
    "import-bundled": _import_bundled,
    "refresh": _refresh,
}
