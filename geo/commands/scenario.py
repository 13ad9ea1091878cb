"""``python -m geo scenario``: what if an OPSN extended (or left) departments, communes, EPCIs.

Computed on the same data as the app by default (the database's version in
service, else the bundled files; ``--db-version``, ``--donnees-livrees``).
Several changes: each one after ``--puis``, starting with its OPSN
(``scenario megalis --add-departements 50 --puis sitpi --add-departements 14``);
the counting options go before the first ``--puis``. ``--scenario N`` computes
a saved draft on the version it was saved on.

Nothing is saved without ``--save`` (a named draft, beside the versions: no
figure changes) or ``--publish`` (the draft becomes the version in service,
computed on the version in service and refused if another save came first).
"""

from __future__ import annotations

import argparse
import json
import sys

from geo.commands._options import (
    UsageError,
    add_coverage_options,
    coverage_options,
    load,
    saved_inputs,
)

THEN = "--puis"


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (text or "").split(",") if x.strip())


def _add_change_options(parser: argparse.ArgumentParser, opsn_required: bool) -> None:
    parser.add_argument(
        "opsn",
        nargs=None if opsn_required else "?",
        help="identifiant de l'OPSN (nouveau s'il n'existe pas)",
    )
    parser.add_argument("--name", help="nom d'un nouvel OPSN")
    for what in ("departements", "communes", "epci"):
        parser.add_argument(
            f"--add-{what}", help=f"{what} ajoutés (codes séparés par des virgules)"
        )
        parser.add_argument(f"--drop-{what}", help=f"{what} retirés")
    parser.add_argument(
        THEN,
        dest="then",
        nargs=argparse.REMAINDER,
        default=[],
        help="changement suivant : OPSN et ses options (--add-…, --drop-…)",
    )


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "scenario",
        help="simuler l'extension d'un OPSN (rien n'est enregistré sans --save ni --publish)",
    )
    _add_change_options(parser, opsn_required=False)
    parser.add_argument(
        "--scenario",
        dest="draft",
        type=int,
        help="scénario enregistré (numéro) : ses changements, sur sa version de départ",
    )
    add_coverage_options(parser)
    parser.add_argument("--format", choices=["json", "text", "csv"], default="text")
    parser.add_argument(
        "--save",
        nargs="?",
        const="",
        default=None,
        metavar="NOM",
        help="garder le scénario comme brouillon nommé (rien ne change dans la version en service)",
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="publier le scénario : il devient la version en service (calculé sur elle)",
    )
    parser.add_argument("--author", help="auteur (avec --save ou --publish)")
    parser.add_argument("--reason", default="", help="motif de la version (avec --publish)")
    return parser


def _group_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"python -m geo scenario … {THEN}", add_help=False)
    _add_change_options(parser, opsn_required=True)
    return parser


def _change(values: argparse.Namespace):
    from geo.planning.scenarios import Change

    return Change(
        values.opsn,
        name=values.name,
        add_departements=_codes(values.add_departements),
        drop_departements=_codes(values.drop_departements),
        add_communes=_codes(values.add_communes),
        drop_communes=_codes(values.drop_communes),
        add_epci=_codes(values.add_epci),
        drop_epci=_codes(values.drop_epci),
    )


def changes_of(args: argparse.Namespace) -> tuple:
    """The changes named on the command line: the first one, then each after ``--puis``.

    Options of the whole command written after a ``--puis`` (``--format json``
    appended to a printed command) count for the whole command.
    """
    if args.opsn is None:
        raise UsageError("donnez l'OPSN du scénario (ou --scenario N pour un scénario enregistré).")
    changes = [_change(args)]
    rest, late = list(args.then or []), []
    while rest:
        values, unknown = _group_parser().parse_known_args(rest)
        late += unknown
        changes.append(_change(values))
        rest = list(values.then or [])
    if late:
        _apply_late_options(args, late)
    return tuple(changes)


def _apply_late_options(args: argparse.Namespace, tokens: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m geo scenario", add_help=False)
    add_coverage_options(parser)
    parser.add_argument("--format", choices=["json", "text", "csv"])
    # Only the options given count: argparse leaves alone what a namespace already holds.
    unset = object()
    blank = argparse.Namespace(**dict.fromkeys(vars(parser.parse_args([])), unset))
    values, unknown = parser.parse_known_args(tokens, namespace=blank)
    if unknown:
        raise UsageError(f"après {THEN} : « {' '.join(unknown)} » n'est pas une option connue.")
    for name, value in vars(values).items():
        if value is not unset:
            setattr(args, name, value)


def run(args: argparse.Namespace) -> int:
    from geo.core import fmt
    from geo.core.records import as_json
    from geo.exports import csv_bytes
    from geo.planning.scenarios import figures_table, run_scenario

    draft = None
    if args.draft is not None:
        if args.opsn is not None or args.then:
            raise UsageError("--scenario N donne les changements : n'en ajoutez pas d'autres.")
        draft = _draft(args.draft)
    changes = changes_of(args) if draft is None else _draft_changes(draft)
    publishing = args.publish
    if publishing or args.save is not None:
        if args.operators or args.adherents or args.bundled:
            raise UsageError(
                "--save et --publish enregistrent dans la base : sans --operators, "
                "--adherents ni --donnees-livrees."
            )
    if draft is not None and args.db_version is None and not args.bundled and not publishing:
        reference, loaded = load_draft_base(args, draft)
    else:
        if publishing and args.db_version not in (None, "derniere"):
            raise UsageError("--publish s'applique à la version en service : retirez --db-version.")
        if publishing or args.save is not None:
            args.db_version = "derniere"
        reference, loaded = load(args)  # unreadable files: French message, exit 2 (geo.cli)
    options = coverage_options(args, loaded.inputs.registry)
    result = run_scenario(reference, loaded.inputs, changes, options).summary
    saved = version = None
    if args.save is not None or publishing:
        saved, version = _save(args, changes, options, loaded.inputs, reference, draft)
    if args.format == "json":
        output = as_json(result)
        if saved is not None:
            output["saved_scenario"] = saved.as_dict()
        if version is not None:
            output["saved_version"] = version.as_dict()
        print(json.dumps(output, ensure_ascii=False, default=str))
        return 0
    if args.format == "csv":
        notes = [
            f"Scénario : {result.command}",
            f"Règle : {result.after.counting_rule}",
            f"Données : {loaded.inputs.label}",
        ]
        sys.stdout.buffer.write(csv_bytes(figures_table(result), notes))
        return 0
    before, after = result.before, result.after
    who = ", ".join(dict.fromkeys(c.opsn for c in changes))
    state = (
        "publié" if version else "enregistré comme brouillon" if saved else "rien n'est enregistré"
    )
    print(f"Scénario pour {who} ({state}) — {loaded.inputs.label}")
    print(
        f"  Avant : {fmt.percent(before.covered_share, 1)} ({fmt.inhabitants(before.covered_population)})"
    )
    print(
        f"  Après : {fmt.percent(after.covered_share, 1)} ({fmt.inhabitants(after.covered_population)})"
    )
    print(
        f"  Population gagnée : {fmt.integer(result.population_gained)} ; perdue : {fmt.integer(result.population_lost)}"
    )
    print(
        f"  Territoires sans OPSN : {result.white_zones_before} → {result.white_zones_after} "
        f"(absorbés : {result.white_zones_absorbed}, scindés : {result.white_zones_split}, "
        f"réduits : {result.white_zones_reduced})"
    )
    print(f"  Règle : {after.counting_rule}")
    print(f"  Commande : {result.command}")
    if saved is not None:
        from geo.planning.drafts import draft_label

        print(f"  Brouillon : {draft_label(saved)}")
    if version is not None:
        from geo.storage.labels import data_label

        print(f"  Publié : {data_label(version)}")
    return 0


def _draft(number: int):
    from geo.storage import database_exists, open_store

    if not database_exists():
        raise UsageError("--scenario : aucune base enregistrée, donc aucun scénario enregistré.")
    with open_store() as store:
        return store.draft(number)


def _draft_changes(draft) -> tuple:
    from geo.planning.drafts import draft_changes

    return draft_changes(draft)


def load_draft_base(args: argparse.Namespace, draft):
    """Reference data and the inputs of the version the draft was saved on."""
    from geo.core.reference import shared_reference

    return shared_reference(args.data), saved_inputs(draft.base)


def _save(args: argparse.Namespace, changes, options, inputs, reference, draft):
    """The draft kept (``--save``, or before ``--publish``) and the version published, if any."""
    from geo.commands.db import _author
    from geo.planning.drafts import publication, publish, save_draft
    from geo.storage import open_store

    author = _author(args)
    with open_store() as store:
        if draft is None:
            name = (args.save or "").strip() or " ; ".join(
                c.command().removeprefix("python -m geo scenario ") for c in changes
            )
            draft = save_draft(
                store, name=name, author=author, base=inputs.version, changes=changes,
                options=options,
            )  # fmt: skip
        if not args.publish:
            return draft, None
        proposal = publication(store, draft, reference.departements)
        if proposal.base.number != inputs.version:  # saved since these figures were computed
            from geo.storage import BaseMoved
            from geo.storage.labels import moved_message

            saved = [v for v in store.versions() if v.number > inputs.version]
            raise BaseMoved(inputs.version, tuple(saved), moved_message(inputs.version, saved))
        return draft, publish(store, proposal, draft, author, args.reason)
