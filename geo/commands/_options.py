"""Options shared by the coverage commands (files, rule, territory, EPCI, date)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from geo.core.coverage import CoverageOptions
from geo.core.paths import COMMUNES_DIR
from geo.core.rules import RULES, TERRITORIES


class UsageError(ValueError):
    """A French message about the options given (``--filter`` with an unknown id…)."""


def add_coverage_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--operators",
        type=Path,
        help="fichier operators (ANCT) ou registre d'OPSN : remplace le registre livré",
    )
    parser.add_argument(
        "--merge-registry",
        action="store_true",
        help="compléter le registre livré avec --operators au lieu de le remplacer",
    )
    parser.add_argument(
        "--adherents", type=Path, nargs="+", help="fichiers d'adhésions (remplacent les livrées)"
    )
    parser.add_argument("--opsn", help="opérateur des fichiers d'adhésions sans colonne opérateur")
    parser.add_argument("--sheet", help="feuille à lire dans un classeur qui en a plusieurs")
    parser.add_argument("--rule", choices=RULES, default="perimetre")
    parser.add_argument("--territory", choices=TERRITORIES, default="france")
    parser.add_argument(
        "--no-epci", action="store_true", help="ne pas étendre les adhésions des EPCI"
    )
    parser.add_argument("--at", type=dt.date.fromisoformat, help="date des adhésions (AAAA-MM-JJ)")
    parser.add_argument(
        "--filter", dest="opsn_filter", help="OPSN retenus (ids séparés par des virgules)"
    )
    add_data_options(parser)
    parser.add_argument(
        "--offres-partielles",
        dest="count_partial_offers",
        action="store_true",
        help="compter comme couverture les offres partielles (commande publique, DPO, SIG, "
        "plateforme de données seulement)",
    )
    parser.add_argument("--data", type=Path, default=COMMUNES_DIR, help=argparse.SUPPRESS)


def add_data_options(parser: argparse.ArgumentParser) -> None:
    """Which data: the database's version in service by default (as the app), or another."""
    parser.add_argument(
        "--db-version",
        type=_db_version,
        help="version enregistrée (numéro, ou « derniere ») ; défaut : la version en service "
        "de la base s'il y en a une, sinon les données livrées",
    )
    parser.add_argument(
        "--donnees-livrees",
        dest="bundled",
        action="store_true",
        help="calculer sur les données livrées (data/opsn/) même si une base existe",
    )


def _db_version(text: str) -> int | str:
    if text.strip().lower() in ("derniere", "dernière", "latest"):
        return "derniere"
    from geo.storage.labels import parse_version

    try:
        number = parse_version(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error
    if number is None:
        raise argparse.ArgumentTypeError("numéro de version attendu")
    return number


def coverage_options(args: argparse.Namespace, registry=None) -> CoverageOptions:
    """The options named on the command line; ``--filter`` ids checked against ``registry``.

    An unknown id would silently give 0 %: it is refused with a French message (exit 2).
    """
    chosen = tuple(x.strip() for x in (args.opsn_filter or "").split(",") if x.strip())
    if registry is not None:
        known = set(registry["id"])
        unknown = [x for x in chosen if x not in known]
        if unknown:
            raise UsageError(
                f"--filter : OPSN inconnu(s) : {', '.join(unknown)} "
                f"(identifiants du registre, par exemple : {', '.join(sorted(known)[:5])}…)"
            )
    return CoverageOptions(
        args.rule,
        args.territory,
        not args.no_epci,
        args.at,
        chosen,
        count_partial_offers=getattr(args, "count_partial_offers", False),
    )


def load(args: argparse.Namespace):
    """Reference data and inputs named by the options.

    By default the same data as the app: the database's version in service when
    a database exists (``$OPSN_DATA_DIR``), the bundled files otherwise. Files
    given with ``--operators`` / ``--adherents`` replace them (the bundled
    registry completed with ``--merge-registry``); ``--db-version N`` names a
    saved version; ``--donnees-livrees`` forces the bundled files.
    """
    from geo.core.reference import shared_reference
    from geo.importers.inputs import load_inputs

    if args.merge_registry and args.operators is None:
        raise UsageError(
            "--merge-registry complète le registre livré avec --operators FICHIER : donnez ce fichier."
        )
    reference = shared_reference(args.data)
    if not (args.operators or args.adherents):
        return reference, default_inputs(args)
    if getattr(args, "db_version", None) is not None:
        raise UsageError("--db-version ne se combine pas avec --operators ni --adherents.")
    loaded = load_inputs(
        reference,
        args.operators,
        args.adherents,
        args.opsn,
        merge_registry=args.merge_registry,
        sheet=args.sheet,
    )
    return reference, loaded


def default_inputs(args: argparse.Namespace):
    """The inputs a command reads when no file is given (see :func:`load`)."""
    from geo.importers.inputs import LoadedInputs, bundled_inputs
    from geo.storage import database_exists

    version = getattr(args, "db_version", None)
    if getattr(args, "bundled", False):
        if version is not None:
            raise UsageError(
                "--donnees-livrees et --db-version s'excluent : choisissez l'un des deux."
            )
        return LoadedInputs(bundled_inputs())
    if version is None and not database_exists():
        return LoadedInputs(bundled_inputs())
    return saved_inputs(None if version in (None, "derniere") else version)


def saved_inputs(number: int | None):
    """Inputs of a saved version (the one in service for ``None``), with their label."""
    from geo.importers.inputs import LoadedInputs
    from geo.storage import open_store
    from geo.storage.versions import inputs_for_version

    with open_store() as store:
        _, inputs = inputs_for_version(store, number)
    return LoadedInputs(inputs)
