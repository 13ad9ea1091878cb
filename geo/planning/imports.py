"""Imported files into the store: read once, then saved as one version.

Reading is :func:`geo.importers.memberships.read_memberships`'s job (formats, bounds,
French messages); this module only orders the files (operators first, since
membership files name operators by their ANCT ids), reads a file given twice
once, and turns what was accepted into a change of the saved data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from geo.core.memberships import memberships_frame
from geo.importers.members import Correction
from geo.importers.report import STATUS_LABELS
from geo.planning.changes import import_memberships, import_operators
from geo.planning.corrections import correction_record
from geo.storage.base import Snapshot
from geo.storage.seed import fingerprint


@dataclass
class ImportBatch:
    """What a set of files brings: accepted memberships, operators, reports, files, errors."""

    memberships: pd.DataFrame
    operators: pd.DataFrame | None
    reports: list = field(default_factory=list)  # geo.importers.report.ValidationReport
    files: list[dict] = field(default_factory=list)  # fingerprint + format + counts
    errors: list[str] = field(default_factory=list)  # French, one per unreadable file
    repeated: list[str] = field(default_factory=list)  # files given twice: read once

    @property
    def opsn(self) -> list[str]:
        """The OPSN whose memberships the files carry."""
        return sorted(set(self.memberships["opsn"]))

    @property
    def empty(self) -> bool:
        return self.memberships.empty and (self.operators is None or self.operators.empty)


def read_import(
    reference,
    files: list[tuple[str, bytes]],
    registry: pd.DataFrame,
    opsn: str | Mapping[str, str] | None = None,
    corrections: Mapping[str, Mapping[int, Correction]] | None = None,
) -> ImportBatch:
    """Read uploaded files (name, bytes) against the saved ``registry`` (typed).

    ``opsn`` is the operator of the lists that have no operator column: one
    for every file, or one per file name. ``corrections`` are the planner's,
    by file name and line (:mod:`geo.planning.corrections`); each file's
    record in ``files`` lists them. A file whose bytes were already
    given (same SHA-256, whatever its name) is read once and listed in
    ``repeated``. An unreadable file is reported in ``errors`` and the others
    are still read.
    """
    from geo.core.inputs import completed_registry
    from geo.importers.memberships import ImportFileError, read_memberships

    batch = ImportBatch(memberships_frame(), None)
    seen: dict[str, str] = {}
    unique = []
    for name, data in files:
        stamp = fingerprint(name, data)
        if stamp["sha256"] in seen:
            batch.repeated.append(f"{name} : même contenu que {seen[stamp['sha256']]}, lu une fois")
            continue
        seen[stamp["sha256"]] = name
        unique.append((name, data, stamp))
    results = []

    def operator(name: str) -> str | None:
        return opsn.get(name) if isinstance(opsn, Mapping) else opsn

    corrections = corrections or {}

    def read(name: str, data: bytes, registry: pd.DataFrame):
        return read_memberships(
            name,
            reference,
            registry,
            content=data,
            opsn=operator(name),
            corrections=corrections.get(name),
        )

    for name, data, stamp in unique:
        try:
            result = read(name, data, registry)
        except ImportFileError as error:
            batch.errors.append(str(error))
            continue
        results.append((name, data, stamp, result))
    operators = [r for *_, r in results if r.operators is not None]
    if operators:
        batch.operators = pd.concat([r.operators for r in operators], ignore_index=True)
        batch.operators = batch.operators.drop_duplicates("id", keep="last")
        registry = completed_registry(registry, batch.operators)
    frames = []
    for name, data, stamp, result in results:
        if result.operators is None and operators:  # ANCT ids now known: read again
            result = read(name, data, registry)
        if result.operators is None:
            frames.append(result.memberships)
        report = result.report
        batch.reports.append(report)
        batch.files.append(
            {
                **stamp,
                "format": report.format,
                "lignes": report.rows,
                "acceptees": report.accepted,
                "corrigees": report.corrected,
                "rejetees": report.rejected,
                "doublons": report.duplicates,
                **correction_record(corrections.get(name, {})),
            }
        )
    if frames:
        batch.memberships = memberships_frame(pd.concat(frames, ignore_index=True))
    return batch


def apply_import(
    snapshot: Snapshot,
    batch: ImportBatch,
    membership_mode: str = "remplacer",
    operator_mode: str = "completer",
) -> Snapshot:
    """The snapshot once the batch is saved (operators first, then memberships)."""
    if batch.operators is not None and not batch.operators.empty:
        snapshot = import_operators(snapshot, batch.operators, operator_mode)
    if not batch.memberships.empty:
        snapshot = import_memberships(snapshot, batch.memberships, membership_mode)
    return snapshot


def import_counts(batch: ImportBatch) -> dict:
    """Counts a version records for an import (on top of the store's own)."""
    return {
        "fichiers": len(batch.files),
        "lignes_acceptees": sum(f["acceptees"] for f in batch.files),
        "lignes_rejetees": sum(f["rejetees"] for f in batch.files),
        "opsn_importes": batch.opsn,
    }


def needs_operator(reference, name: str, data: bytes, registry: pd.DataFrame) -> bool:
    """True for a list that can be read only once its OPSN is chosen (no operator column).

    Told by the file's header alone (:func:`geo.importers.memberships.needs_operator`),
    without reading the whole file.
    """
    from geo.importers.memberships import needs_operator as without_operator_column

    return without_operator_column(name, data)


STATUS_WORDS = STATUS_LABELS


def report_lines(batch: ImportBatch, reference) -> pd.DataFrame:
    """Every line of every file with its fate, for the report table (one row per line).

    Columns: ``fichier``, ``ligne``, ``statut`` (acceptée, corrigée, à vérifier,
    rejetée, doublon), ``opsn``, ``membre`` (commune or EPCI as read, with its code),
    ``valeur`` (as written in the file), ``message`` (plain French text, as the
    report gives it) and ``detail`` (the message without the file and line,
    which the other columns show).
    Blank lines are left out; operators files list their issues only.
    """
    names = reference.communes_by_insee["nom"]
    epci = pd.Series(reference.epci["nom"].to_numpy(), index=reference.epci["siren"].to_numpy())
    members = batch.memberships
    member = pd.Series(
        [
            f"{names.get(insee, insee)} ({insee})"
            if insee
            else f"{epci.get(siren, siren)} (EPCI {siren})"
            for insee, siren in zip(members["insee"], members["epci"], strict=True)
        ],
        dtype=object,
    )
    accepted = pd.DataFrame(
        {
            "fichier": members["source"].to_numpy(),
            "ligne": members["ligne"].to_numpy(),
            "statut": STATUS_WORDS["accepted"],
            "opsn": members["opsn"].to_numpy(),
            "membre": member.to_numpy(),
        }
    )
    issues = pd.DataFrame(
        [
            {
                "fichier": report.file,
                "ligne": issue["line"],
                "statut_issue": STATUS_WORDS.get(issue["status"], issue["status"]),
                "valeur": issue["value"],
                "message": issue["message"],
            }
            for report in batch.reports
            for issue in report.issues
        ],
        columns=["fichier", "ligne", "statut_issue", "valeur", "message"],
    )
    table = accepted.merge(issues, on=["fichier", "ligne"], how="outer")
    table["statut"] = table["statut_issue"].where(table["statut_issue"].notna(), table["statut"])
    table = table.drop(columns="statut_issue").fillna("")
    table["ligne"] = table["ligne"].astype("int64")
    # The same message without « fichier, ligne N[, valeur « … »] : », which the columns say.
    table["detail"] = [
        re.sub(rf"^{re.escape(file)}, ligne {line}(, valeur « .*? »)? : ", "", message)
        for file, line, message in zip(
            table["fichier"], table["ligne"], table["message"], strict=True
        )
    ]
    columns = ["fichier", "ligne", "statut", "opsn", "membre", "valeur", "detail", "message"]
    return table.sort_values(["fichier", "ligne"]).reset_index(drop=True)[columns]
