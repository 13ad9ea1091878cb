"""The embedded store: one SQLite file, every version kept, one transaction per save.

Rows are versioned in place (``added_in`` / ``removed_in``): the data of
version *v* is every row with ``added_in <= v`` and ``removed_in`` empty or
after *v*. A save adds the new rows and closes the removed ones, so an import
of a few hundred lines costs a few hundred rows, not a copy of everything,
and any version can be read, compared or restored.

Durability and concurrency come from SQLite itself, not from this module:
WAL journal (readers never wait for a writer), ``synchronous=FULL``, a busy
timeout, and ``BEGIN IMMEDIATE`` for every writer so that two saves are
serialised and the second one is computed on the data the first one wrote.
A process killed in the middle of a save leaves the database on the last
committed version.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from geo.core.memberships import MEMBERSHIP_COLUMNS, memberships_frame
from geo.storage import faults
from geo.storage.base import (
    KINDS,
    BaseMoved,
    ConflictError,
    Draft,
    NothingToSave,
    Snapshot,
    StorageError,
    Store,
    UnknownDraft,
    UnknownVersion,
    Version,
)
from geo.storage.diff import change_counts, membership_keys
from geo.storage.faults import check_existing_file
from geo.storage.labels import moved_message

#: 1: versions, registry, memberships. 2: drafts (named what-ifs), and every
#: version's counts compared on facts (:func:`geo.storage.diff.change_counts`).
SCHEMA_VERSION = 2
BUSY_TIMEOUT_SECONDS = 30.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    author TEXT NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    base INTEGER REFERENCES versions(id),
    restored_from INTEGER REFERENCES versions(id),
    files TEXT NOT NULL,
    counts TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS registry (
    row INTEGER PRIMARY KEY,
    opsn TEXT NOT NULL,
    position INTEGER NOT NULL,
    data TEXT NOT NULL,
    added_in INTEGER NOT NULL REFERENCES versions(id),
    removed_in INTEGER REFERENCES versions(id)
);
CREATE INDEX IF NOT EXISTS registry_added ON registry(added_in);
CREATE INDEX IF NOT EXISTS registry_removed ON registry(removed_in);
CREATE TABLE IF NOT EXISTS memberships (
    row INTEGER PRIMARY KEY,
    opsn TEXT NOT NULL,
    insee TEXT NOT NULL,
    epci TEXT NOT NULL,
    depuis TEXT,
    jusqu_a TEXT,
    source TEXT NOT NULL,
    ligne INTEGER NOT NULL,
    reference TEXT NOT NULL,
    position INTEGER NOT NULL,
    added_in INTEGER NOT NULL REFERENCES versions(id),
    removed_in INTEGER REFERENCES versions(id)
);
CREATE INDEX IF NOT EXISTS memberships_added ON memberships(added_in);
CREATE INDEX IF NOT EXISTS memberships_removed ON memberships(removed_in);
CREATE TABLE IF NOT EXISTS drafts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    base INTEGER NOT NULL REFERENCES versions(id),
    changes TEXT NOT NULL,
    options TEXT NOT NULL,
    note TEXT NOT NULL,
    published_in INTEGER REFERENCES versions(id),
    published_by TEXT NOT NULL DEFAULT '',
    published_at TEXT
);
"""
_DRAFT_COLUMNS = (
    "id, name, author, created_at, base, changes, options, note, published_in, published_by, "
    "published_at"
)
DRAFT_NAME_LIMIT = 200

#: Notes (:meth:`Store.note`) live in the ``meta`` table under this prefix: no new table.
_NOTE_PREFIX = "note:"
_LIVE = "added_in <= :v AND (removed_in IS NULL OR removed_in > :v)"
_VERSION_COLUMNS = "id, created_at, author, kind, reason, base, restored_from, files, counts"


def _iso_day(value: object) -> str | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).strftime("%Y-%m-%d")


class SQLiteStore(Store):
    """A :class:`~geo.storage.base.Store` in one SQLite file (created if missing).

    A file that exists but cannot be written (read-only folder or file) is
    opened read-only: every page and every figure still read it, and a save
    is refused in French. A file that is not a database is never opened, let
    alone re-created (:func:`geo.storage.faults.check_existing_file`).
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.read_only = False
        self._read_only_kind = faults.READ_ONLY
        # One connection may serve several threads (Streamlit sessions): one call at a time.
        self._lock = threading.RLock()
        with self._faults():
            existed = check_existing_file(self.path)
            if not existed:
                self._create()
            self._db = self._connect()
            found = self._schema_version()
            if found is None:  # a base left without its tables (by an older version)
                if self.read_only:
                    raise faults.fault(self.path, self._read_only_kind)
                with self._write():
                    _create_schema(self._db)
            elif found > SCHEMA_VERSION:
                problem, todo = faults.TOO_NEW
                raise faults.fault(
                    self.path,
                    (
                        f"{problem} (schéma {found}, cette version lit le schéma {SCHEMA_VERSION})",
                        todo,
                    ),
                )
            elif found < SCHEMA_VERSION:
                self._migrate()
            with self._read():
                found_uid = self._db.execute("SELECT value FROM meta WHERE key = 'uid'").fetchone()
            self.uid = found_uid[0] if found_uid else self.location

    def _create(self) -> None:
        """A new base, made whole beside its place and then linked there.

        The file never exists half-made under its name: another process
        starting at the same moment finds either no base or a complete one
        (never an empty file, which it would rightly refuse).
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise faults.fault(self.path, faults.NO_FOLDER, error) from None
        draft = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.nouvelle")
        try:
            try:
                db = self._open_writable(draft)
            except sqlite3.OperationalError as error:
                kind = faults.kind_of(self.path, error)
                raise faults.fault(
                    self.path, faults.FULL if kind is faults.FULL else faults.NO_FOLDER, error
                ) from None
            try:
                db.execute("BEGIN IMMEDIATE")
                _create_schema(db)
                db.execute("COMMIT")
            finally:
                db.close()
            try:
                os.link(draft, self.path)  # never over an existing file
            except FileExistsError:
                pass  # another process made it first: theirs is used
            except OSError:  # no hard links on this file system
                if not self.path.exists():
                    os.replace(draft, self.path)
        finally:
            for leftover in (draft, *(Path(f"{draft}{end}") for end in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)

    def _connect(self) -> sqlite3.Connection:
        """Read-write in WAL mode; read-only when the file cannot be written."""
        try:
            return self._open_writable()
        except sqlite3.OperationalError as error:
            kind = faults.kind_of(self.path, error)
            if kind not in (faults.READ_ONLY, faults.UNREACHABLE, faults.FULL):
                raise
            faults.log.warning("base %s ouverte en lecture seule : %s", self.path, error)
            self._read_only_kind = faults.FULL if kind is faults.FULL else faults.READ_ONLY
        self.read_only = True
        uri = self.path.resolve().as_uri()
        db = self._open(f"{uri}?mode=ro", uri=True)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # WAL needs its -shm file beside the base: where it cannot be made (a folder
            # nobody can write, a full disk), nobody writes the base either, so it is
            # read as it is on disk.
            db.close()
            db = self._open(f"{uri}?mode=ro&immutable=1", uri=True)
        return db

    def _open_writable(self, path: Path | None = None) -> sqlite3.Connection:
        db = self._open(str(path or self.path), uri=False)
        try:
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise faults.fault(self.path, faults.OTHER, RuntimeError(f"journal_mode {mode}"))
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            db.close()
            raise
        return db

    def _writable(self) -> None:
        """Reopen a read-only base for writing, if its folder or disk allows it again."""
        try:
            db = self._open_writable()
        except sqlite3.Error as error:
            raise faults.fault(self.path, self._read_only_kind, error) from None
        self._db.close()
        self._db = db
        self.read_only = False

    @staticmethod
    def _open(target: str, uri: bool) -> sqlite3.Connection:
        db = sqlite3.connect(
            target,
            timeout=BUSY_TIMEOUT_SECONDS,
            isolation_level=None,  # transactions are opened explicitly below
            check_same_thread=False,
            uri=uri,
        )
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        return db

    @contextmanager
    def _faults(self) -> Iterator[None]:
        """SQLite's and the system's errors as French :class:`StorageFault` (logged)."""
        try:
            yield
        except StorageError:
            raise
        except (sqlite3.Error, pd.errors.DatabaseError, OSError) as error:
            raise faults.translated(self.path, error) from None

    def _migrate(self) -> None:
        """Bring an older database to :data:`SCHEMA_VERSION`, in one transaction, losing nothing.

        Two processes opening the same old file migrate it once: the second finds
        the new schema version inside its own write transaction and stops there.
        """
        with self._write():
            found = int(
                self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[
                    0
                ]
            )
            if found < 2:
                for statement in SCHEMA.split(";"):  # CREATE … IF NOT EXISTS: the drafts table
                    if statement.strip():
                        self._db.execute(statement)
                self._recount_versions()
            self._db.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
            )

    def _recount_versions(self) -> None:
        """Counts of every version recomputed by :func:`change_counts` (schema 1 → 2).

        Schema 1 counted rows written, which a re-import of the same commune from
        another file inflates; the history then disagreed with the comparison. The
        row counts are kept, as ``lignes_ajoutees`` and ``lignes_retirees``.
        """
        numbers = [row[0] for row in self._db.execute("SELECT id FROM versions ORDER BY id")]
        previous = None
        for number in numbers:
            current = self._snapshot(*self._rows(number))
            (text,) = self._db.execute(
                "SELECT counts FROM versions WHERE id = ?", (number,)
            ).fetchone()
            counts = json.loads(text)
            counts.setdefault("lignes_ajoutees", counts.get("adhesions_ajoutees", 0))
            counts.setdefault("lignes_retirees", counts.get("adhesions_retirees", 0))
            counts.update(change_counts(previous, current))
            self._db.execute(
                "UPDATE versions SET counts = ? WHERE id = ?",
                (json.dumps(counts, ensure_ascii=False, default=str), number),
            )
            previous = current

    def _schema_version(self) -> int | None:
        """The schema version written in the file, ``None`` for a new (empty) database."""
        with self._lock:
            tables = self._db.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
            ).fetchone()[0]
            if not tables:
                return None
            found = self._db.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).fetchone()
        return int(found[0]) if found else None

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def _write(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``: one writer at a time, all or nothing."""
        with self._lock:
            if self.read_only:
                self._writable()
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                self._roll_back()
                raise

    @contextmanager
    def _read(self) -> Iterator[None]:
        """A read transaction: every query inside sees the same committed state."""
        with self._lock:
            if self._db.in_transaction:  # inside a write: already consistent
                yield
                return
            self._db.execute("BEGIN")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                self._roll_back()
                raise

    def _roll_back(self) -> None:
        """Undo what is left of a failed transaction, keeping the error that failed it.

        SQLite may already have rolled back (a damaged page, a full disk): a
        second « ROLLBACK » would hide the real error behind « no transaction
        is active ».
        """
        if not self._db.in_transaction:
            return
        try:
            self._db.execute("ROLLBACK")
        except sqlite3.Error as error:
            faults.log.warning("base %s : annulation impossible : %s", self.path, error)

    # ------------------------------------------------------------------ reads

    def _latest_number(self) -> int | None:
        return self._db.execute("SELECT max(id) FROM versions").fetchone()[0]

    @staticmethod
    def _version(row: tuple) -> Version:
        number, created, author, kind, reason, base, restored, files, counts = row
        return Version(
            number=number,
            created_at=dt.datetime.fromisoformat(created),
            author=author,
            kind=kind,
            reason=reason,
            base=base,
            restored_from=restored,
            files=tuple(json.loads(files)),
            counts=json.loads(counts),
        )

    def versions(self) -> list[Version]:
        with self._faults(), self._read():
            rows = self._db.execute(
                f"SELECT {_VERSION_COLUMNS} FROM versions ORDER BY id"
            ).fetchall()
        return [self._version(row) for row in rows]

    def version(self, number: int | None = None) -> Version:
        with self._faults(), self._read():
            return self._version_in_transaction(number)

    def _version_in_transaction(self, number: int | None) -> Version:
        if number is None:
            number = self._latest_number()
            if number is None:
                raise UnknownVersion("la base ne contient encore aucune version.")
        row = self._db.execute(
            f"SELECT {_VERSION_COLUMNS} FROM versions WHERE id = ?", (int(number),)
        ).fetchone()
        if row is None:
            latest = self._latest_number()
            raise UnknownVersion(
                f"version {number} inconnue (versions enregistrées : 1 à {latest or 0})."
            )
        return self._version(row)

    def snapshot(self, number: int | None = None) -> tuple[Version, Snapshot]:
        with self._faults(), self._read():
            version = self._version_in_transaction(number)
            registry, memberships = self._rows(version.number)
        return version, self._snapshot(registry, memberships)

    def _rows(self, number: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Live rows of a version, with their row ids and positions."""
        registry = pd.read_sql_query(
            f"SELECT row, opsn, position, data FROM registry WHERE {_LIVE} ORDER BY position, row",
            self._db,
            params={"v": number},
        )
        memberships = pd.read_sql_query(
            f"SELECT row, position, {', '.join(MEMBERSHIP_COLUMNS)} FROM memberships "
            f"WHERE {_LIVE} ORDER BY position, row",
            self._db,
            params={"v": number},
        )
        return registry, memberships

    @staticmethod
    def _snapshot(registry: pd.DataFrame, memberships: pd.DataFrame) -> Snapshot:
        records = [json.loads(text) for text in registry["data"]]
        columns: list[str] = []
        for record in records:
            columns.extend(c for c in record if c not in columns)
        table = pd.DataFrame.from_records(records, columns=columns).fillna("").astype(str)
        return Snapshot(table, memberships_frame(memberships[list(MEMBERSHIP_COLUMNS)]))

    # ------------------------------------------------------------------ writes

    def restore(
        self, number: int, *, author: str, reason: str = "", base: int | None = None
    ) -> Version:
        def back(_: Snapshot) -> Snapshot:
            return self._snapshot(*self._rows(number))

        self.version(number)  # UnknownVersion before taking the write lock
        why = reason.strip() or f"retour aux données de la version {number}"
        return self._save_version(back, author, "restore", why, (), base, None, number, None)

    def _save_version(
        self, change, author, kind, reason, files, base, counts, restored_from, publishes
    ) -> Version:
        author, reason = str(author).strip(), str(reason).strip()
        if not author:
            raise StorageError("enregistrement refusé : auteur manquant.")
        if kind not in KINDS:
            raise StorageError(f"enregistrement refusé : nature « {kind} » inconnue.")
        with self._faults(), self._write():
            latest = self._latest_number()
            if publishes is not None:  # before the base: « already published » says more
                self._check_unpublished(int(publishes))
            if base is not None:
                self._check_base(int(base), latest)
            if latest is None:
                current = Snapshot(pd.DataFrame(columns=["id"]), memberships_frame())
                old_registry = pd.DataFrame(columns=["row", "opsn", "position", "data"])
                old_members = pd.DataFrame(columns=["row", "position", *MEMBERSHIP_COLUMNS])
            else:
                old_registry, old_members = self._rows(latest)
                current = self._snapshot(old_registry, old_members)
            new = change(current)
            new_registry = new.registry.fillna("").astype(str)
            new.registry_typed()  # refuses an invalid registry (French RegistryError)
            new_members = memberships_frame(new.memberships)
            _check_memberships(new_members)
            positions = self._restored_positions(restored_from) if restored_from else None
            plan = _plan(old_registry, new_registry, old_members, new_members, positions)
            if latest is not None and plan.empty:
                raise NothingToSave("rien n'a changé : aucune version n'a été créée.")
            summary = change_counts(
                None if latest is None else current, Snapshot(new_registry, new_members)
            )
            number = self._insert_version(
                author, kind, reason, files, base, restored_from, plan.counts(summary, counts)
            )
            plan.write(self._db, number)
            if publishes is not None:
                self._db.execute(
                    "UPDATE drafts SET published_in = ?, published_by = ?, published_at = ? "
                    "WHERE id = ?",
                    (number, author, _now(), int(publishes)),
                )
        return self.version(number)

    def _check_base(self, base: int, latest: int | None) -> None:
        """Refuse a save computed on a version that is no longer in service (:class:`BaseMoved`)."""
        if latest is None or base == latest:
            return
        if base < 1 or base > latest:
            raise UnknownVersion(
                f"version de départ {base} inconnue (versions enregistrées : 1 à {latest})."
            )
        rows = self._db.execute(
            f"SELECT {_VERSION_COLUMNS} FROM versions WHERE id > ? ORDER BY id", (base,)
        ).fetchall()
        saved = tuple(self._version(row) for row in rows)
        raise BaseMoved(base, saved, moved_message(base, saved))

    def _check_unpublished(self, number: int) -> None:
        draft = self._draft_in_transaction(number)
        if draft.published_in is not None:
            raise ConflictError(
                f"le scénario {draft.number} « {draft.name} » a déjà été publié "
                f"(version {draft.published_in}, par {draft.published_by}) : rien n'est enregistré."
            )

    # ------------------------------------------------------------------ drafts

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
        name, author = " ".join(str(name).split()), str(author).strip()
        if not name:
            raise StorageError("scénario non enregistré : donnez-lui un nom.")
        if len(name) > DRAFT_NAME_LIMIT:
            raise StorageError(
                f"scénario non enregistré : nom trop long ({len(name)} caractères, "
                f"{DRAFT_NAME_LIMIT} au plus)."
            )
        if not author:
            raise StorageError("scénario non enregistré : auteur manquant.")
        if not changes:
            raise StorageError("scénario non enregistré : il ne contient aucun changement.")
        with self._faults(), self._write():
            self._version_in_transaction(int(base))  # UnknownVersion
            cursor = self._db.execute(
                "INSERT INTO drafts (name, author, created_at, base, changes, options, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    author,
                    _now(),
                    int(base),
                    json.dumps(list(changes), ensure_ascii=False, default=str),
                    json.dumps(dict(options or {}), ensure_ascii=False, default=str),
                    str(note).strip(),
                ),
            )
            number = int(cursor.lastrowid)
        return self.draft(number)

    def drafts(self) -> list[Draft]:
        with self._faults(), self._read():
            rows = self._db.execute(f"SELECT {_DRAFT_COLUMNS} FROM drafts ORDER BY id").fetchall()
        return [_draft(row) for row in rows]

    def draft(self, number: int) -> Draft:
        with self._faults(), self._read():
            return self._draft_in_transaction(number)

    def _draft_in_transaction(self, number: int) -> Draft:
        row = self._db.execute(
            f"SELECT {_DRAFT_COLUMNS} FROM drafts WHERE id = ?", (int(number),)
        ).fetchone()
        if row is None:
            raise UnknownDraft(
                f"scénario {number} inconnu (aucun scénario enregistré sous ce numéro)."
            )
        return _draft(row)

    def _restored_positions(self, number: int) -> tuple[dict, dict]:
        registry, memberships = self._rows(number)
        return (
            dict(zip(registry["opsn"], registry["position"], strict=True)),
            dict(
                zip(
                    membership_keys(memberships_frame(memberships)),
                    memberships["position"],
                    strict=True,
                )
            ),
        )

    def _insert_version(self, author, kind, reason, files, base, restored_from, counts) -> int:
        now = _now()
        cursor = self._db.execute(
            "INSERT INTO versions (created_at, author, kind, reason, base, restored_from, files, "
            "counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                now,
                author,
                kind,
                reason,
                base,
                restored_from,
                json.dumps(list(files), ensure_ascii=False, default=str),
                json.dumps(counts, ensure_ascii=False, default=str),
            ),
        )
        return int(cursor.lastrowid)

    def note(self, key: str) -> dict | None:
        with self._faults(), self._read():
            found = self._db.execute(
                "SELECT value FROM meta WHERE key = ?", (_NOTE_PREFIX + key,)
            ).fetchone()
        return json.loads(found[0]) if found else None

    def write_note(self, key: str, value: dict) -> None:
        text = json.dumps(value, ensure_ascii=False, default=str)
        with self._faults(), self._write():
            self._db.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)", (_NOTE_PREFIX + key, text)
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying connection (tests use it to interrupt a save on purpose)."""
        return self._db


def _create_schema(db: sqlite3.Connection) -> None:
    """The tables of an empty base, inside the caller's write transaction."""
    for statement in SCHEMA.split(";"):
        if statement.strip():  # not executescript: it would commit first
            db.execute(statement)
    db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    db.execute("INSERT OR IGNORE INTO meta VALUES ('uid', ?)", (uuid.uuid4().hex,))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _draft(row: tuple) -> Draft:
    number, name, author, created, base, changes, options, note, published_in, by, at = row
    return Draft(
        number=number,
        name=name,
        author=author,
        created_at=dt.datetime.fromisoformat(created),
        base=base,
        changes=tuple(json.loads(changes)),
        options=json.loads(options),
        note=note,
        published_in=published_in,
        published_by=by or "",
        published_at=dt.datetime.fromisoformat(at) if at else None,
    )


def _check_memberships(members: pd.DataFrame) -> None:
    no_operator = members["opsn"].str.strip() == ""
    no_member = (members["insee"] == "") & (members["epci"] == "")
    for mask, what in ((no_operator, "sans opérateur"), (no_member, "sans commune ni EPCI")):
        if mask.any():
            row = members[mask].iloc[0]
            raise StorageError(
                f"enregistrement refusé : adhésion {what} ({row['source']}, ligne {row['ligne']})."
            )


class _Plan:
    """Rows to close and rows to add for one save, and the counts that describe it."""

    def __init__(self, registry, registry_insert, members_close, members_insert):
        self.registry_close = registry
        self.registry_insert = registry_insert
        self.members_close = members_close
        self.members_insert = members_insert

    @property
    def empty(self) -> bool:
        return not (
            len(self.registry_close)
            or len(self.registry_insert)
            or len(self.members_close)
            or len(self.members_insert)
        )

    def counts(self, summary: dict, extra: dict | None) -> dict:
        """The version's counts: what changed (``summary``), the rows written, ``extra``."""
        rows = {
            "lignes_ajoutees": len(self.members_insert),
            "lignes_retirees": len(self.members_close),
        }
        return {**summary, **rows, **(extra or {})}

    def write(self, db: sqlite3.Connection, number: int) -> None:
        db.executemany(
            "UPDATE registry SET removed_in = ? WHERE row = ?",
            [(number, int(row)) for row in self.registry_close],
        )
        db.executemany(
            "INSERT INTO registry (opsn, position, data, added_in) VALUES (?, ?, ?, ?)",
            [(opsn, int(position), data, number) for opsn, position, data in self.registry_insert],
        )
        db.executemany(
            "UPDATE memberships SET removed_in = ? WHERE row = ?",
            [(number, int(row)) for row in self.members_close],
        )
        db.executemany(
            f"INSERT INTO memberships ({', '.join(MEMBERSHIP_COLUMNS)}, position, added_in) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.members_insert_rows(number),
        )

    def members_insert_rows(self, number: int) -> Iterator[tuple]:
        for row in self.members_insert.itertuples(index=False):
            yield (
                row.opsn,
                row.insee,
                row.epci,
                _iso_day(row.depuis),
                _iso_day(row.jusqu_a),
                row.source,
                int(row.ligne),
                row.reference,
                int(row.position),
                number,
            )


def _plan(old_registry, new_registry, old_members, new_members, positions) -> _Plan:
    """What to write so that the stored rows equal the new snapshot."""
    registry_positions, member_positions = positions or ({}, {})
    old_records = {
        opsn: (int(row), int(position), json.loads(data))
        for row, opsn, position, data in old_registry[
            ["row", "opsn", "position", "data"]
        ].itertuples(index=False)
    }
    new_records = new_registry.to_dict(orient="records")
    next_position = max([p for _, p, _ in old_records.values()], default=-1) + 1
    close, insert = [], []
    for record in new_records:
        opsn = record["id"]
        if opsn in old_records:
            row, position, old = old_records[opsn]
            if old == record:
                continue
            close.append(row)
        else:
            position = registry_positions.get(opsn, next_position)
            next_position = max(next_position, position + 1)
        insert.append((opsn, position, json.dumps(record, ensure_ascii=False)))
    kept = {record["id"] for record in new_records}
    close.extend(row for opsn, (row, _, _) in old_records.items() if opsn not in kept)

    old = memberships_frame(old_members[list(MEMBERSHIP_COLUMNS)]) if len(old_members) else None
    old_keys = membership_keys(old) if old is not None else pd.Series(dtype=object)
    new_keys = membership_keys(new_members)
    left = pd.DataFrame({"key": old_keys.to_numpy(), "row": old_members["row"].to_numpy()})
    right = pd.DataFrame({"key": new_keys.to_numpy(), "at": range(len(new_members))})
    left["n"] = left.groupby("key").cumcount()
    right["n"] = right.groupby("key").cumcount()
    merged = left.merge(right, on=["key", "n"], how="outer", indicator=True)
    members_close = merged.loc[merged["_merge"] == "left_only", "row"].astype("int64").tolist()
    added_at = merged.loc[merged["_merge"] == "right_only", "at"].astype("int64").sort_values()
    members_insert = new_members.iloc[added_at.to_numpy()].copy()
    start = int(pd.to_numeric(old_members["position"]).max()) + 1 if len(old_members) else 0
    appended = pd.Series(range(start, start + len(members_insert)), index=members_insert.index)
    restored = membership_keys(members_insert).map(member_positions)
    members_insert["position"] = restored.fillna(appended).astype("int64").to_numpy()

    return _Plan(close, insert, members_close, members_insert)
