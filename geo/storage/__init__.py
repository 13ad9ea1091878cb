"""Where the planner's data is saved: the registry, the memberships and every version.

One entry point, :func:`open_store`, returns a :class:`Store`; nothing else
in the project knows the database behind it (SQLite today, in a data
directory; a server database can replace it by implementing :class:`Store`).
The database is created on first start from the bundled ``data/opsn/``
files (the published seed), which stay untouched; ``python -m geo db export``
writes the current version back in their format.

Data directory: ``$OPSN_DATA_DIR`` if set, else
``$XDG_DATA_HOME/couverture-opsn`` (``~/.local/share/couverture-opsn``).
"""

from __future__ import annotations

import os
from pathlib import Path

from geo.core.paths import OPSN_DIR
from geo.storage.base import (
    KINDS,
    BaseMoved,
    ConflictError,
    Draft,
    NothingToSave,
    Snapshot,
    StorageError,
    StorageFault,
    Store,
    UnknownDraft,
    UnknownVersion,
    Version,
)

__all__ = [
    "DATABASE_NAME",
    "DATA_DIR_ENV",
    "KINDS",
    "BaseMoved",
    "ConflictError",
    "Draft",
    "NothingToSave",
    "Snapshot",
    "StorageError",
    "StorageFault",
    "Store",
    "UnknownDraft",
    "UnknownVersion",
    "Version",
    "data_dir",
    "database_exists",
    "database_path",
    "open_store",
]

DATA_DIR_ENV = "OPSN_DATA_DIR"
DATABASE_NAME = "couverture-opsn.sqlite3"
SEED_AUTHOR = "installation"


def data_dir() -> Path:
    """The directory that holds the database (see the module docstring)."""
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "couverture-opsn"


def database_path() -> Path:
    return data_dir() / DATABASE_NAME


def database_exists(path: Path | str | None = None) -> bool:
    """Whether the database (the data directory's by default) has been created.

    The command line reads it by default when it exists, like the app, and the
    bundled files otherwise — without creating a database just to read one.
    """
    return Path(path if path is not None else database_path()).is_file()


def open_store(path: Path | str | None = None, seed: Path = OPSN_DIR) -> Store:
    """The store (the data directory's database by default), seeded on first start."""
    from geo.storage.seed import bundled_snapshot
    from geo.storage.sqlite import SQLiteStore

    store = SQLiteStore(Path(path) if path is not None else database_path())
    try:
        store.latest()
    except UnknownVersion:
        snapshot, files = bundled_snapshot(seed)
        try:
            store.commit(
                lambda current: snapshot if current.registry.empty else current,
                author=SEED_AUTHOR,
                kind="seed",
                reason="première ouverture de la base",
                files=files,
            )
        except NothingToSave:  # another process seeded it first
            pass
    return store
