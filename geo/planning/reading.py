"""The app's reading of uploaded files, in a worker process (:mod:`geo.importers.isolated`).

The same two steps as the command line — which lists need their OPSN chosen
(their header tells), then the files read against the saved registry
(:func:`geo.planning.imports.read_import`) — computed out of the server's
process, so that a file that takes long or needs much memory stops there, with
a French message, while the other visitors' pages go on. A file that cannot
even be opened in the first step is not read again in the second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from geo.core.memberships import memberships_frame
from geo.importers.bounded import LIMITS, ImportFileError, Limits
from geo.importers.isolated import GRACE_SECONDS, run_isolated
from geo.importers.memberships import head_of, lacks_operator
from geo.planning.imports import ImportBatch, read_import


def opened_heads(files: Sequence[tuple[str, bytes]]) -> tuple[tuple[str, ...], dict[str, str]]:
    """(lists without an operator column, files that cannot be opened → why), by their header."""
    needing, refused = [], {}
    for name, data in files:
        try:
            if lacks_operator(head_of(name, data)):
                needing.append(name)
        except ImportFileError as error:
            refused[name] = str(error)
    return tuple(needing), refused


def read_files_isolated(
    reference,
    files: Sequence[tuple[str, bytes]],
    registry: pd.DataFrame,
    opsn: str | Mapping[str, str] | None = None,
    corrections: Mapping | None = None,
    refused: Mapping[str, str] | None = None,
    limits: Limits = LIMITS,
    grace: float = GRACE_SECONDS,
) -> ImportBatch:
    """:func:`read_import` in a worker, but for the ``refused`` files (name → why), told as
    errors; a read the worker could not finish is an error too (time or memory)."""
    refused = dict(refused or {})
    kept = [(name, data) for name, data in files if name not in refused]
    batch = ImportBatch(memberships_frame(), None)
    if kept:
        try:
            batch = run_isolated(
                read_import,
                reference.without_geometry,
                kept,
                registry,
                dict(opsn) if isinstance(opsn, Mapping) else opsn,
                corrections,
                names=[name for name, _ in kept],
                limits=limits,
                grace=grace,
            )
        except ImportFileError as error:
            batch.errors.append(str(error))
    batch.errors[:0] = [refused[name] for name, _ in files if name in refused]
    return batch


def heads_isolated(
    files: Sequence[tuple[str, bytes]], limits: Limits = LIMITS, grace: float = GRACE_SECONDS
) -> tuple[tuple[str, ...], dict[str, str]]:
    """:func:`opened_heads` in a worker (opening a workbook may take long): which lists need
    their OPSN, and which files are refused already (not read again)."""
    names = [name for name, _ in files]
    try:
        return run_isolated(opened_heads, list(files), names=names, limits=limits, grace=grace)
    except ImportFileError as error:
        return (), {name: str(error) for name in names}
