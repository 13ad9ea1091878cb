"""Assemble coverage inputs from files: operators files and membership files.

Used by the command line and by the app's import panel, so that a file read
there and a file uploaded here give the same coverage. Imported operators
complete the bundled registry (an operator with the same id replaces the
bundled one); imported membership files replace the bundled memberships.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo import fmt
from geo.analysis import Inputs, bundled_inputs
from geo.importers.tables import MAX_FILE_BYTES
from geo.memberships import ImportFileError, ValidationReport, read_memberships
from geo.reference import ReferenceData
from geo.registry import RegistryError, load_registry, perimeter_table


@dataclass
class LoadedInputs:
    inputs: Inputs
    reports: list[ValidationReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # French, one per unreadable file


def merge_registry(bundled: pd.DataFrame, imported: pd.DataFrame) -> pd.DataFrame:
    """Imported operators first, then the bundled ones they do not replace."""
    kept = bundled[~bundled["id"].isin(imported["id"])]
    return pd.concat([imported, kept], ignore_index=True)


def inputs_from_contents(
    reference: ReferenceData,
    files: list[tuple[str, bytes]],
    base: Inputs | None = None,
    opsn: str | None = None,
) -> LoadedInputs:
    """Inputs from files given as (name, bytes): what the app's uploader hands over.

    Operators files are read first, since membership files refer to their ids.
    A file that cannot be read is reported in ``errors`` and left out; the
    others are used.
    """
    base = base or bundled_inputs()
    registry, memberships, reports, errors, used = base.registry, [], [], [], []
    readable = []
    for name, data in files:
        if len(data) > MAX_FILE_BYTES:
            errors.append(
                f"{name} : fichier de {fmt.decimal(len(data) / 2**20)} Mo, au-delà de la "
                f"limite de {MAX_FILE_BYTES // 2**20} Mo."
            )
            continue
        try:
            result = read_memberships(name, reference, registry, content=data, opsn=opsn)
        except ImportFileError as error:
            errors.append(str(error))
            continue
        if result.operators is not None:
            registry = merge_registry(registry, result.operators)
            reports.append(result.report)
            used.append(name)
        else:
            readable.append((name, data, result, registry))
    for name, data, result, read_with in readable:
        if read_with is not registry:  # an operators file came later: map ids again
            result = read_memberships(name, reference, registry, content=data, opsn=opsn)
        memberships.append(result.memberships)
        reports.append(result.report)
        used.append(name)
    members = pd.concat(memberships, ignore_index=True) if memberships else base.memberships
    label = "fichiers importés : " + ", ".join(used) if used else base.label
    inputs = Inputs(registry, perimeter_table(registry), members, label)
    return LoadedInputs(inputs, reports, errors)


def read_operators(path: Path, reference: ReferenceData):
    """Registry from an ANCT ``operators`` CSV or from a registry CSV of this project."""
    try:
        result = read_memberships(path, reference)
    except ImportFileError:
        result = None
    if result is not None and result.operators is not None:
        return result.operators, result.report
    try:
        return load_registry(path), None
    except (RegistryError, KeyError, ValueError, OSError) as error:
        raise ImportFileError(
            f"{Path(path).name} : ni un fichier « operators » de l'ANCT ni un registre "
            f"d'OPSN ({error})"
        ) from error


def load_inputs(
    reference: ReferenceData,
    operators: Path | None = None,
    adherents: list[Path] | None = None,
    opsn: str | None = None,
) -> LoadedInputs:
    """Inputs named on the command line; any unreadable file is an error (exit 2)."""
    base = bundled_inputs()
    reports = []
    if operators is not None:
        imported, report = read_operators(operators, reference)
        registry = merge_registry(base.registry, imported)
        base = Inputs(registry, perimeter_table(registry), base.memberships, base.label)
        if report is not None:
            reports.append(report)
    if not adherents:
        label = f"fichier : {operators.name}" if operators else base.label
        return LoadedInputs(
            Inputs(base.registry, base.perimeters, base.memberships, label), reports
        )
    files = []
    for path in adherents:
        try:
            files.append((Path(path).name, Path(path).read_bytes()))
        except OSError as error:
            raise ImportFileError(
                f"{Path(path).name} : fichier illisible ({error.strerror})."
            ) from error
    loaded = inputs_from_contents(reference, files, base, opsn)
    if loaded.errors:
        raise ImportFileError(" ; ".join(loaded.errors))
    loaded.reports[:0] = reports
    return loaded
