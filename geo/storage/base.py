"""What a store keeps — snapshots of the OPSN data, and the versions that made them.

A :class:`Snapshot` is the whole planner data at one version: the registry in
its published CSV form (strings) and the memberships in the typed form that
:mod:`geo.importers.memberships` returns. A :class:`Version` says who made it, when, why
and from which files. :class:`Store` is the interface every database backend
implements (SQLite today, :mod:`geo.storage.sqlite`), so that the app and the
command line never speak SQL.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

#: What made a version: the first start, an import, an edit of the registry,
#: a scenario published, a restore, the bundled files brought in again, or a
#: refresh from the ANCT's open dataset (``python -m geo db refresh``).
KINDS = {
    "seed": "création depuis les données livrées",
    "import": "import",
    "edit": "modification du registre",
    "scenario": "scénario publié",
    "restore": "restauration",
    "bundled": "données livrées mises à jour",
    "refresh": "mise à jour depuis la Suite territoriale (ANCT)",
}


class StorageError(RuntimeError):
    """The database cannot be opened or written (French message for the user)."""


class StorageFault(StorageError):
    """The database file cannot be used: full disk, read-only folder, damaged or empty file…

    ``str()`` names the file but not the server's folders (what the app shows
    to anyone); :attr:`detailed` names its full path (what the command line
    prints for the person who runs it). The SQLite error itself is logged
    (:mod:`geo.storage.faults`), never shown.
    """

    def __init__(self, path: Path | str, problem: str, todo: str) -> None:
        self.path = Path(path)
        self.problem = problem
        self.todo = todo
        super().__init__(f"{self.path.name} : {problem}. {todo}")

    @property
    def detailed(self) -> str:
        return f"{self.path} : {self.problem}. {self.todo}"


class ConflictError(StorageError):
    """Someone saved a change to the same thing since the user started (French message)."""


class BaseMoved(ConflictError):
    """The version in service is no longer the one the change was computed on: refused.

    ``saved`` are the versions saved since ``base`` (oldest first); the message
    (French, :func:`geo.storage.labels.moved_message`) says who saved what and when,
    so that the person can look at a fresh preview on the new version and save again.
    """

    def __init__(self, base: int, saved: tuple[Version, ...], message: str) -> None:
        super().__init__(message)
        self.base = base
        self.saved = tuple(saved)

    @property
    def latest(self) -> int:
        """The version in service now, on which the new preview is to be computed."""
        return self.saved[-1].number if self.saved else self.base


class NothingToSave(StorageError):
    """The change leaves the data as it is: no version is created."""


class UnknownVersion(StorageError, LookupError):
    """No version with that number."""


class UnknownDraft(StorageError, LookupError):
    """No saved scenario (draft) with that number."""


@dataclass(frozen=True)
class Snapshot:
    """The registry (CSV strings, one row per OPSN) and the memberships, at one version."""

    registry: pd.DataFrame
    memberships: pd.DataFrame

    def registry_typed(self) -> pd.DataFrame:
        """The registry as :func:`geo.importers.registry_file.load_registry` gives it (checked, typed)."""
        from geo.core.registry import REGISTRY_COLUMNS, registry_from_table

        table = self.registry.copy()
        for column in REGISTRY_COLUMNS:  # rows saved before a column existed
            if column not in table.columns:
                table[column] = ""
        return registry_from_table(table, "registre enregistré")

    def inputs(self, label: str, version: int | None = None):
        """Coverage inputs (:class:`geo.core.inputs.Inputs`) for this snapshot (of ``version``)."""
        from geo.core.inputs import Inputs, saved_sources
        from geo.core.registry import perimeter_table

        registry = self.registry_typed()
        memberships = self.memberships.copy()
        return Inputs(
            registry, perimeter_table(registry), memberships, label, saved_sources(label), version
        )


@dataclass(frozen=True)
class Version:
    """One saved state: number, time (UTC), author, kind, reason, files and counts."""

    number: int
    created_at: dt.datetime
    author: str
    kind: str
    reason: str
    base: int | None = None  # the version the user was looking at when they saved
    restored_from: int | None = None
    files: tuple[dict, ...] = field(default_factory=tuple)
    counts: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-ready (the ``db versions --format json`` contract)."""
        return {
            "version": self.number,
            "created_at": self.created_at.isoformat(),
            "author": self.author,
            "kind": self.kind,
            "reason": self.reason,
            "base": self.base,
            "restored_from": self.restored_from,
            "files": list(self.files),
            "counts": dict(self.counts),
        }


@dataclass(frozen=True)
class Draft:
    """A named what-if kept beside the versions, never in service until someone publishes it.

    ``changes`` are :meth:`geo.planning.scenarios.Change.as_dict` dicts and
    ``options`` the counting options it was computed with (the words of the
    app's links), both kept as the planner saved them; ``base`` is the version
    it was computed on. ``published_in`` is the version its publication made.
    """

    number: int
    name: str
    author: str
    created_at: dt.datetime
    base: int
    changes: tuple[dict, ...]
    options: dict = field(default_factory=dict)
    note: str = ""
    published_in: int | None = None
    published_by: str = ""
    published_at: dt.datetime | None = None

    def as_dict(self) -> dict:
        """JSON-ready (``db scenarios --format json`` and the app's export)."""
        return {
            "scenario": self.number,
            "name": self.name,
            "author": self.author,
            "created_at": self.created_at.isoformat(),
            "base": self.base,
            "changes": list(self.changes),
            "options": dict(self.options),
            "note": self.note,
            "published_in": self.published_in,
            "published_by": self.published_by,
            "published_at": self.published_at.isoformat() if self.published_at else None,
        }


Change = Callable[[Snapshot], Snapshot]


class Store(ABC):
    """Versioned storage of the planner data.

    Every write is one transaction that creates one version; reads see a
    consistent version. Implementations: :class:`geo.storage.sqlite.SQLiteStore`.
    """

    location: str
    read_only: bool = False  # opened for reading only: every save is refused (in French)
    uid: str  # names this database (not its path) in caches: versions are numbered per database

    @abstractmethod
    def versions(self) -> list[Version]:
        """Every version, oldest first."""

    @abstractmethod
    def version(self, number: int | None = None) -> Version:
        """One version (the latest when ``number`` is ``None``); :class:`UnknownVersion`."""

    @abstractmethod
    def snapshot(self, number: int | None = None) -> tuple[Version, Snapshot]:
        """The data of one version (the latest by default), read consistently."""

    def commit(
        self,
        change: Change,
        *,
        author: str,
        kind: str,
        reason: str,
        files: tuple[dict, ...] | list[dict] = (),
        base: int | None = None,
        counts: dict | None = None,
        publishes: int | None = None,
    ) -> Version:
        """Apply ``change`` to the latest snapshot and save the result as a new version.

        ``base`` is the version the person saw when they asked for the save (the
        preview was computed on it): if another version was saved since, the save
        is refused with :class:`BaseMoved`, which names it, rather than undo it.
        Without ``base`` (the seed, scripts that name none) ``change`` runs on the
        latest data inside the write transaction. ``change`` may raise
        :class:`ConflictError` to refuse. Raises :class:`NothingToSave` when the
        data would not change. ``publishes``: the draft this version publishes
        (marked published in the same transaction; a draft is published once).
        """
        return self._save_version(
            change, author, kind, reason, files, base, counts, None, publishes
        )

    @abstractmethod
    def _save_version(
        self, change, author, kind, reason, files, base, counts, restored_from, publishes
    ) -> Version:
        """:meth:`commit`, and :meth:`restore` with ``restored_from``, in one transaction."""

    @abstractmethod
    def restore(
        self, number: int, *, author: str, reason: str = "", base: int | None = None
    ) -> Version:
        """A new version whose data equals version ``number``'s (``base`` as in :meth:`commit`)."""

    @abstractmethod
    def save_draft(
        self,
        *,
        name: str,
        author: str,
        base: int,
        changes: list[dict] | tuple[dict, ...],
        options: dict | None = None,
        note: str = "",
    ) -> Draft:
        """Keep a what-if as a named draft computed on version ``base`` (no version is made)."""

    @abstractmethod
    def drafts(self) -> list[Draft]:
        """Every draft, oldest first."""

    @abstractmethod
    def draft(self, number: int) -> Draft:
        """One draft; :class:`UnknownDraft`."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def note(self, key: str) -> dict | None:
        """A small record kept beside the versions (such as the last check of the ANCT's
        files), ``None`` when absent. A backend without notes forgets them: harmless."""
        return None

    def write_note(self, key: str, value: dict) -> None:
        """Keep ``value`` under ``key``, replacing it. Not a version: no data changes."""
        return None

    def latest(self) -> Version:
        return self.version(None)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
