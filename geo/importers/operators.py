"""Operators files: the ANCT *Suite territoriale* ``operators`` CSV, or a registry of this project.

Either becomes a registry-shaped DataFrame (:data:`geo.core.registry.REGISTRY_COLUMNS`
plus ``statut``, ``services``, ``nom_avec_article``). An operator listed twice
(same ANCT id, same SIRET or the same registry operator) is never kept twice
nor silently replaced: its lines are merged — the union of their departments —
and the report says so, so that an empty duplicate cannot wipe out a perimeter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import pandas as pd

from geo.core import fmt
from geo.core.ids import check_department, check_siret
from geo.core.reference import ReferenceData
from geo.core.registry import (
    REGISTRY_COLUMNS,
    RegistryError,
    parse_departments,
    scope_from_departments,
)
from geo.core.text import fold
from geo.importers.bounded import LIMITS, ImportFileError, Limits, display_name
from geo.importers.cells import text_of
from geo.importers.headers import Header
from geo.importers.registry_file import load_registry
from geo.importers.report import ValidationReport
from geo.importers.tables import Row, is_blank

OPERATOR_EXTRA_COLUMNS = ("statut", "services", "nom_avec_article")


#: Registry facts an ANCT file does not give, as the registry reads them when
#: unknown: a complete offer to communes (what the Suite territoriale lists).
ANCT_DEFAULTS = {"offre": "complete", "offre_partielle": (), "sert_les_communes": True}


#: The registry fields an ANCT operators file gives (the others are defaults or empty);
#: kept in the frame's ``attrs["fields"]`` so that what is left aside can be told.
ANCT_FIELDS = ("nom", "siren", "siret", "site_web", "portee", "departements", "anct_id")


ANCT_SIREN = "130026032"
"""The Agence nationale de la cohésion des territoires itself, listed among the operators."""
TEST_NAMES = frozenset({"test", "essai", "demo"})


def not_an_opsn(name: str, siren: str) -> str | None:
    """Why an operator of the ANCT's list is no OPSN (its members must not count), or ``None``.

    The Suite territoriale lists the ANCT itself (a State agency serving
    communes directly) and test entries beside the operators: counting their
    adherents would colour communes as served by an OPSN.
    """
    if siren == ANCT_SIREN:
        return "l'ANCT, agence de l'État, n'est pas un OPSN : ses adhérents ne sont pas comptés"
    if fold(name) in TEST_NAMES:
        return "entrée de test de la Suite territoriale : ses adhérents ne sont pas comptés"
    return None


def _operators_frame(records: list[dict]) -> pd.DataFrame:
    for record in records:
        for column in REGISTRY_COLUMNS:
            record.setdefault(column, ANCT_DEFAULTS.get(column, ""))
    frame = pd.DataFrame.from_records(records, columns=[*REGISTRY_COLUMNS, *OPERATOR_EXTRA_COLUMNS])
    for column in ("membre_declic_2020", "membre_declic_recent"):
        frame[column] = frame[column].astype("boolean")
    for column in ("nb_adherents", "annee_nb_adherents"):
        frame[column] = frame[column].astype("Int64")
    return frame


def read_anct_operators(
    rows: Iterator[Row],
    header: Header,
    registry: pd.DataFrame,
    reference: ReferenceData,
    report: ValidationReport,
    limits: Limits = LIMITS,
) -> pd.DataFrame:
    """ANCT ``operators`` rows (those after ``header``) as a registry-shaped DataFrame.

    ``id`` is the registry id when the operator is in the registry (by ANCT
    uuid, SIRET or SIREN), else the ANCT uuid, so that adherents files and
    this table agree on operator ids.
    """
    position = {fold(c): i for i, c in enumerate(header.cells) if c is not None}
    by_anct = dict(zip(registry["anct_id"], registry["id"], strict=True))
    by_siret = {s: i for s, i in zip(registry["siret"], registry["id"], strict=True) if s}
    by_siren = {s: i for s, i in zip(registry["siren"], registry["id"], strict=True) if s}
    records: list[dict] = []
    lines: list[int] = []
    by_id: dict[str, int] = {}  # operator id → its record
    by_uuid: dict[str, int] = {}
    by_own_siret: dict[str, int] = {}
    for line, cells in rows:
        report.rows += 1
        if is_blank(cells):
            report.blank += 1
            continue
        if report.rows > limits.operators:
            raise ImportFileError(
                f"{report.file}, ligne {line} : plus de {fmt.integer(limits.operators)} "
                "opérateurs ; ce n'est pas un fichier « operators » de l'ANCT."
            )

        def cell(column: str, cells: Sequence[object] = cells) -> str:
            at = position.get(column)
            return text_of(cells[at]) if at is not None and at < len(cells) else ""

        uuid, nom = cell("id"), cell("nom")
        if not uuid:
            report.rejected += 1
            report.add(line, nom, "rejected", "opérateur sans identifiant « id » : ligne rejetée")
            continue
        notes = []
        raw_siret = cell("siret")
        siret = siren = identifiants_note = ""
        if raw_siret:
            checked = check_siret(raw_siret)
            if checked.ok:
                siret, siren = checked.value, checked.value[:9]
            else:
                identifiants_note = f"{checked.message} : SIRET laissé vide"
                notes.append(identifiants_note)
        departments = []
        for raw in cell("departements").replace("|", ",").split(","):
            if not raw.strip():
                continue
            checked = check_department(raw)
            if checked.ok:
                if checked.value not in departments:
                    departments.append(checked.value)
            else:
                notes.append(f"{checked.message} : ignoré")
        registry_id = (
            by_anct.get(uuid)
            or (siret and by_siret.get(siret))
            or (siren and by_siren.get(siren))
            or by_siren.get(re.sub(r"\D", "", raw_siret)[:9])
        )
        operator_id = registry_id or uuid
        earlier, reason = None, ""
        if uuid in by_uuid:
            earlier, reason = by_uuid[uuid], "même identifiant ANCT"
        elif siret and siret in by_own_siret:
            earlier, reason = by_own_siret[siret], f"même SIRET ({siret})"
        elif operator_id in by_id:
            earlier, reason = by_id[operator_id], f"même opérateur du registre (« {operator_id} »)"
        if earlier is not None:
            kept = records[earlier]
            added = [d for d in departments if d not in kept["departements"]]
            kept["departements"] = (*kept["departements"], *added)
            outcome = (
                f"départements ajoutés : {', '.join(added)}"
                if added
                else "aucun département ajouté"
            )
            report.duplicates += 1
            report.add(
                line,
                uuid,
                "duplicate",
                f"opérateur « {nom} » en double : {reason} que la ligne {lines[earlier]} "
                f"(« {kept['nom']} ») ; les deux lignes sont fusionnées ({outcome}, périmètre "
                f"retenu : {', '.join(kept['departements']) or 'aucun département'})",
            )
            continue
        if not registry_id:
            report.notes.append(
                f"opérateur « {nom} » ({uuid}) absent du registre : identifiant ANCT gardé"
            )
        excluded = None if registry_id else not_an_opsn(nom, siren)
        if excluded:
            report.notes.append(f"opérateur « {nom} » : {excluded}")
        report.accepted += 1
        if notes:
            report.corrected += 1
            report.add(
                line, raw_siret or uuid, "corrected", f"opérateur « {nom} » : " + " ; ".join(notes)
            )
        by_id[operator_id] = by_uuid[uuid] = len(records)
        if siret:
            by_own_siret[siret] = len(records)
        lines.append(line)
        records.append(
            {
                "id": operator_id,
                "nom": nom,
                "sigle": "",
                "forme_juridique": "",
                "siren": siren,
                "siret": siret,
                "identifiants_note": identifiants_note,
                "site_web": cell("url"),
                "portee": "",
                "departements": tuple(departments),
                "siege_commune": "",
                "siege_insee": "",
                "nb_adherents": pd.NA,
                "annee_nb_adherents": pd.NA,
                "membre_declic_2020": pd.NA,
                "membre_declic_recent": pd.NA,
                "anct_id": uuid,
                "sources": (report.file,),
                "confiance": "",
                "statut": cell("statut"),
                "services": tuple(s.strip() for s in cell("services").split(",") if s.strip()),
                "nom_avec_article": cell("nom avec article"),
                "sert_les_communes": excluded is None,
                "perimetre_note": excluded or "",
            }
        )
    for record in records:
        record["departements"] = parse_departments("|".join(record["departements"]))
        record["portee"] = scope_from_departments(record["departements"], reference.departements)
    frame = _operators_frame(records)
    frame.attrs["fields"] = ANCT_FIELDS
    return frame


def read_registry_file(name: str, content: bytes) -> pd.DataFrame:
    """A registry file of this project (the format of ``data/opsn/registre_opsn.csv``)."""
    try:
        registry = load_registry(name, content=content)
    except RegistryError as error:
        raise ImportFileError(f"registre d'OPSN invalide : {error}.") from None
    except (ValueError, TypeError, KeyError):
        raise ImportFileError(
            f"{display_name(name)} : registre d'OPSN invalide (valeur illisible dans une colonne "
            "numérique ou oui/non) ; comparez-le à data/opsn/registre_opsn.csv."
        ) from None
    for column in ("statut", "nom_avec_article"):
        if column not in registry.columns:
            registry[column] = ""
    if "services" not in registry.columns:
        registry["services"] = [()] * len(registry)
    return registry
