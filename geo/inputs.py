"""Assemble coverage inputs from files: an operators file and membership files.

Used by the command line and by the app's import panel, so that a file read
here and a file uploaded there give the same coverage. Files given replace
their bundled counterpart: ``--operators`` the registry (and its
perimeters), ``--adherents`` the bundled memberships.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo.analysis import Inputs, bundled_inputs
from geo.memberships import ImportFileError, ValidationReport, read_memberships
from geo.reference import ReferenceData
from geo.registry import RegistryError, load_registry, perimeter_table


@dataclass
class LoadedInputs:
    inputs: Inputs
    reports: list[ValidationReport] = field(default_factory=list)


def read_operators(path: Path, reference: ReferenceData, content: bytes | None = None):
    """Registry from an ANCT ``operators`` CSV or from a registry CSV of this project."""
    try:
        result = read_memberships(path, reference, content=content)
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
    """Inputs from the given files, the bundled data filling what is not given."""
    base = bundled_inputs()
    registry, reports = base.registry, []
    if operators is not None:
        registry, report = read_operators(operators, reference)
        if report is not None:
            reports.append(report)
    memberships = base.memberships
    if adherents:
        parts = []
        for path in adherents:
            result = read_memberships(path, reference, registry, opsn=opsn)
            parts.append(result.memberships)
            reports.append(result.report)
        memberships = pd.concat(parts, ignore_index=True)
    given = [p.name for p in ([operators] if operators else []) + list(adherents or [])]
    label = "fichiers : " + ", ".join(given) if given else base.label
    return LoadedInputs(Inputs(registry, perimeter_table(registry), memberships, label), reports)
