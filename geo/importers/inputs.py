"""Inputs from files: the bundled ``data/opsn/`` files, files named on the command line, uploads.

Sources are never mixed silently (DESIGN.md §2.2): an imported operators file
**replaces** the bundled registry unless ``merge_registry`` asks to complete
it; imported membership files replace the bundled memberships; operators
imported alone come with no membership (the file's figures alone), unless the
registry is completed, in which case the bundled memberships stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo.core.inputs import (
    Inputs,
    completed_registry,
    memberships_source,
    registry_source,
    sources_label,
)
from geo.core.memberships import empty_memberships
from geo.core.reference import ReferenceData
from geo.core.registry import perimeter_table
from geo.importers.bounded import ImportFileError, display_name, read_bytes
from geo.importers.formats import find_header, format_named
from geo.importers.memberships import (
    ValidationReport,
    load_bundled_memberships,
    open_import,
    read_memberships,
)
from geo.importers.registry_file import load_registry


def bundled_inputs() -> Inputs:
    """The registry and memberships shipped in ``data/opsn/``."""
    registry = load_registry()
    return Inputs(registry, perimeter_table(registry), load_bundled_memberships())


@dataclass
class LoadedInputs:
    inputs: Inputs
    reports: list[ValidationReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # French, one per unreadable file


def _combine_operators(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Operators of several files, united (same rule as completing the registry)."""
    combined = frames[0]
    for frame in frames[1:]:
        combined = completed_registry(combined, frame)
    return combined


def build_inputs(
    reference: ReferenceData,
    files: list[tuple[str, bytes]],
    base: Inputs | None = None,
    opsn: str | None = None,
    *,
    merge_registry: bool = False,
    sheet: str | None = None,
) -> LoadedInputs:
    """Inputs from files given as (name, bytes), operators and membership files mixed.

    Operators files (ANCT ``operators`` or a registry of this project) make
    the registry — replacing ``base``'s unless ``merge_registry`` — and are
    read first, since membership files refer to their ids. A file that cannot
    be read is reported in ``errors`` (French) and left out; the others are
    used. Nothing read: ``base`` unchanged.
    """
    base = base or bundled_inputs()
    reports: list[ValidationReport] = []
    errors: list[str] = []
    operator_frames: list[pd.DataFrame] = []
    operator_files: list[str] = []
    members: list[tuple[str, bytes, object]] = []
    for name, data in files:
        try:
            result = read_memberships(
                name, reference, base.registry, content=data, opsn=opsn, sheet=sheet
            )
        except ImportFileError as error:
            errors.append(str(error))
            continue
        if result.operators is not None:
            operator_frames.append(result.operators)
            operator_files.append(display_name(name))
            reports.append(result.report)
        else:
            members.append((name, data, result))
    registry, perimeters = base.registry, base.perimeters
    sources = list(base.sources)
    if operator_frames:
        imported = _combine_operators(operator_frames)
        if merge_registry:
            registry = completed_registry(base.registry, imported)
            perimeters = pd.concat([base.perimeters, perimeter_table(imported)], ignore_index=True)
            perimeters = perimeters.drop_duplicates(ignore_index=True)
        else:
            registry, perimeters = imported, perimeter_table(imported)
        sources[0] = registry_source(tuple(operator_files), merge_registry)
    member_frames, member_files = [], []
    for name, data, result in members:
        if registry is not base.registry:  # operators read above: map the ids again
            try:
                result = read_memberships(
                    name, reference, registry, content=data, opsn=opsn, sheet=sheet
                )
            except ImportFileError as error:  # pragma: no cover - read once already
                errors.append(str(error))
                continue
        member_frames.append(result.memberships)
        member_files.append(display_name(name))
        reports.append(result.report)
    if member_frames:
        memberships = pd.concat(member_frames, ignore_index=True)
        sources[1] = memberships_source(tuple(member_files))
    elif operator_frames and not merge_registry:
        memberships = empty_memberships()
        sources[1] = memberships_source(none=True)
    else:
        memberships = base.memberships
    sources_tuple = tuple(sources)
    label = sources_label(sources_tuple) if (operator_frames or member_frames) else base.label
    if not (operator_frames or member_frames):
        sources_tuple = base.sources
    inputs = Inputs(registry, perimeters, memberships, label, sources_tuple)
    return LoadedInputs(inputs, reports, errors)


def load_inputs(
    reference: ReferenceData,
    operators: Path | None = None,
    adherents: list[Path] | None = None,
    opsn: str | None = None,
    *,
    merge_registry: bool = False,
    sheet: str | None = None,
) -> LoadedInputs:
    """Inputs named on the command line; any unreadable file is an error (exit 2).

    ``--operators`` must be an operators file and ``--adherents`` membership
    files: a file given in the wrong place is refused with a message saying so.
    """
    if operators is not None:
        _check_format(operators, sheet, operators_wanted=True)
    for path in adherents or []:
        _check_format(path, sheet, operators_wanted=False)
    files = [(str(path), read_bytes(path)) for path in [operators] if path is not None]
    files += [(str(path), read_bytes(path)) for path in adherents or []]
    loaded = build_inputs(
        reference, files, bundled_inputs(), opsn, merge_registry=merge_registry, sheet=sheet
    )
    if loaded.errors:
        raise ImportFileError(" ; ".join(loaded.errors))
    return loaded


def _check_format(path: Path, sheet: str | None, operators_wanted: bool) -> None:
    """Refuse at once a file given in the wrong place (from its first lines only)."""
    table = open_import(path, sheet=sheet)
    found = find_header(table.head())
    if found is None:
        return  # the full read says what is wrong with it
    name = display_name(path)
    operators = format_named(found.format).operators
    if operators_wanted and not operators:
        raise ImportFileError(
            f"{name} : ce n'est pas un fichier d'opérateurs (« operators » de l'ANCT ou "
            "registre d'OPSN) mais une liste d'adhésions ; donnez-le avec --adherents."
        )
    if not operators_wanted and operators:
        raise ImportFileError(
            f"{name} : c'est un fichier d'opérateurs, pas une liste d'adhésions ; "
            "donnez-le avec --operators."
        )
