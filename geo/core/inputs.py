"""What coverage is computed from, and where it came from: :class:`Inputs` and its sources.

The bundled data (``data/opsn/``), files named on the command line, files
uploaded in the app, or a saved version — all become one :class:`Inputs`
(built by :mod:`geo.importers.inputs` or :mod:`geo.storage`), so that a file
read there and a file uploaded here give the same coverage.

Sources are never mixed silently (DESIGN.md §2.2): every :class:`Inputs`
carries its :class:`DataSource` list, which the JSON output
(``data_sources``), the ``data`` label and the exports name.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

BUNDLED_LABEL = "données livrées"


@dataclass(frozen=True)
class DataSource:
    """One source actually used: the registry or the memberships, and from where."""

    kind: str  # "registry" or "memberships"
    origin: str  # "bundled", "file", "bundled+file" (registry completed), "version" or "none"
    files: tuple[str, ...] = ()
    text: str = ""  # French, as shown and exported

    def to_dict(self) -> dict:
        """JSON form (keys are a contract for scripts: only ever added)."""
        return {
            "kind": self.kind,
            "origin": self.origin,
            "files": list(self.files),
            "text": self.text,
        }


def _names(files: tuple[str, ...]) -> str:
    return ", ".join(files)


def registry_source(files: tuple[str, ...] = (), merged: bool = False) -> DataSource:
    if not files:
        return DataSource("registry", "bundled", (), "registre livré")
    if merged:
        return DataSource(
            "registry", "bundled+file", files, f"registre livré complété par {_names(files)}"
        )
    plural = len(files) > 1
    return DataSource(
        "registry",
        "file",
        files,
        f"fichier{'s' if plural else ''} {_names(files)} "
        f"(remplace{'nt' if plural else ''} le registre livré)",
    )


def memberships_source(files: tuple[str, ...] = (), none: bool = False) -> DataSource:
    if files:
        plural = len(files) > 1
        return DataSource(
            "memberships",
            "file",
            files,
            f"adhésions : {_names(files)} (remplace{'nt' if plural else ''} les adhésions livrées)",
        )
    if none:
        return DataSource(
            "memberships", "none", (), "adhésions : aucune (le fichier d'opérateurs n'en donne pas)"
        )
    return DataSource("memberships", "bundled", (), "adhésions livrées")


BUNDLED_SOURCES = (registry_source(), memberships_source())


def saved_sources(label: str) -> tuple[DataSource, DataSource]:
    """The sources of a version saved in the database (``label`` names it)."""
    return (
        DataSource("registry", "version", (), f"registre de la {label}"),
        DataSource("memberships", "version", (), f"adhésions de la {label}"),
    )


def sources_label(sources: tuple[DataSource, ...]) -> str:
    """The ``data`` label: « données livrées », or each source named."""
    if all(s.origin == "bundled" for s in sources):
        return BUNDLED_LABEL
    registry = next((s for s in sources if s.kind == "registry"), registry_source())
    members = next((s for s in sources if s.kind == "memberships"), memberships_source())
    return f"opérateurs : {registry.text} ; {members.text}"


@dataclass(frozen=True)
class Inputs:
    """What coverage is computed from: the OPSN, their perimeters, their members, their sources."""

    registry: pd.DataFrame  # one row per OPSN (geo.core.registry columns; id, nom at least)
    perimeters: pd.DataFrame  # opsn, departement
    memberships: pd.DataFrame  # geo.core.memberships.MEMBERSHIP_COLUMNS
    label: str = BUNDLED_LABEL
    sources: tuple[DataSource, ...] = BUNDLED_SOURCES
    version: int | None = None  # the saved version they come from (None: files)

    def sources_json(self) -> list[dict]:
        return [source.to_dict() for source in self.sources]

    @cached_property
    def tables_key(self) -> str:
        """What coverage is computed from, by content: the three tables only.

        Two saved versions with the same tables (a database created twice from the
        bundled files) share their analyses on disk (``ui.disk_cache``); their label,
        sources and version number are set on what is read back. A few milliseconds
        per million rows.
        """
        digest = hashlib.sha256()
        for frame in (self.registry, self.perimeters, self.memberships):
            digest.update("\x1f".join(map(str, frame.columns)).encode())
            digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        return digest.hexdigest()[:24]

    @cached_property
    def key(self) -> str:
        """What these inputs are, by content: the one identity caches key on.

        Two inputs with the same tables and sources have the same key, however
        they were made (a version read twice, a what-if rebuilt), so a cache
        never serves the figures of other data.
        """
        digest = hashlib.sha256(self.tables_key.encode())
        digest.update(json.dumps([self.label, self.sources_json()], ensure_ascii=False).encode())
        return digest.hexdigest()[:24]


def _empty(value: object) -> bool:
    if isinstance(value, tuple | list):
        return not value
    return value is None or value is pd.NA or value != value or value == ""


def completed_registry(bundled: pd.DataFrame, imported: pd.DataFrame) -> pd.DataFrame:
    """The bundled registry completed by imported operators (``--merge-registry``).

    An operator of the file that the registry lacks is added; one that both
    know keeps the registry's facts, gains those the registry leaves empty,
    and serves the union of both perimeters — so that completing never
    shrinks what the bundled registry covers.
    """
    rows = bundled.to_dict("records")
    position = {row["id"]: index for index, row in enumerate(rows)}
    extra = [c for c in imported.columns if c not in bundled.columns]
    for row in rows:
        for column in extra:
            row[column] = () if column == "services" else ""
    added = []
    for record in imported.to_dict("records"):
        index = position.get(record["id"])
        if index is None:
            added.append(record)
            continue
        row = rows[index]
        for column, value in record.items():
            if column in ("departements", "sources"):
                row[column] = tuple(dict.fromkeys((*row[column], *value)))
            elif column != "id" and _empty(row.get(column)) and not _empty(value):
                row[column] = value
    frame = pd.DataFrame.from_records(rows + added, columns=[*bundled.columns, *extra])
    for column in bundled.columns:  # keep the nullable types of the registry
        if str(bundled[column].dtype) in ("boolean", "Int64"):
            frame[column] = frame[column].astype(bundled[column].dtype)
    return frame
