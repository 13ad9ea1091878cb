"""Storage faults told in French: what happened to which file, and what to do.

SQLite says « database or disk is full », « attempt to write a readonly
database », « database disk image is malformed »… in English, to a person who
can do nothing with it. :func:`translated` turns each into a
:class:`~geo.storage.base.StorageFault` that names the file and says what to
do; the SQLite error itself goes to the log (logger ``geo.storage``) for the
administrator. An empty file is refused before SQLite opens it, so that no
base is ever created over it: :func:`check_existing_file`.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import stat
from pathlib import Path

from geo.storage.base import StorageFault

log = logging.getLogger("geo.storage")

_BACKUP = (
    "Remettez la dernière sauvegarde de ce fichier (application arrêtée) ; pour repartir des "
    "données livrées, déplacez-le ailleurs : une nouvelle base sera créée à sa place."
)
_PERMISSIONS = (
    "Vérifiez que l'utilisateur qui lance l'application (ou la commande) peut lire et écrire ce "
    "fichier et son dossier (variable OPSN_DATA_DIR)."
)

FULL = (
    "disque plein : rien n'a été enregistré, la dernière version enregistrée reste intacte",
    "Libérez de la place sur le disque qui contient la base, puis recommencez.",
)
READ_ONLY = (
    "base en lecture seule (dossier ou fichier protégé en écriture) : rien n'a été enregistré ; "
    "la consultation reste possible",
    "Pour enregistrer, donnez le droit d'écriture sur le fichier et sur son dossier "
    "(variable OPSN_DATA_DIR) à l'utilisateur qui lance l'application, puis recommencez.",
)
UNREACHABLE = ("impossible d'ouvrir la base (droits d'accès insuffisants)", _PERMISSIONS)
NO_FOLDER = (
    "impossible de créer la base : son dossier n'existe pas et ne peut pas être créé, ou est "
    "protégé en écriture",
    "Créez le dossier des données (variable OPSN_DATA_DIR) avec le droit d'écriture pour "
    "l'utilisateur qui lance l'application, ou choisissez-en un autre.",
)
EMPTY = (
    "fichier de base vide (0 octet) : il ne contient aucune version, et il n'est pas recréé "
    "pour ne rien effacer (disque plein ou copie interrompue ?)",
    _BACKUP,
)
NOT_A_DATABASE = (
    "ce fichier n'est pas une base de données SQLite (en-tête absent ou endommagé) ; rien n'y "
    "a été écrit",
    _BACKUP,
)
DAMAGED = (
    "base de données endommagée (une partie du fichier est illisible) ; rien n'y a été écrit",
    "Remettez la dernière sauvegarde de ce fichier (application arrêtée) ; « sqlite3 FICHIER "
    ".recover » peut en sauver une partie ; pour repartir des données livrées, déplacez-le "
    "ailleurs.",
)
DISK = (
    "erreur du disque en lisant ou en écrivant la base ; rien n'a été enregistré",
    "Vérifiez le disque (plein, débranché, partage réseau coupé), puis recommencez.",
)
BUSY = (
    "base occupée par un autre enregistrement depuis plus de 30 s ; rien n'a été enregistré",
    "Recommencez dans un moment.",
)
OTHER = (
    "la base de données a refusé l'opération ; rien n'a été enregistré",
    "Le détail est dans le journal du serveur (ou relancez la commande avec GEO_DEBUG=1).",
)
TOO_NEW = (
    "base créée par une version plus récente de l'application",
    "Mettez l'application à jour (git pull) avant d'ouvrir cette base.",
)

_BY_CODE = {
    sqlite3.SQLITE_FULL: FULL,
    sqlite3.SQLITE_READONLY: READ_ONLY,
    sqlite3.SQLITE_CANTOPEN: UNREACHABLE,
    sqlite3.SQLITE_PERM: UNREACHABLE,
    sqlite3.SQLITE_AUTH: UNREACHABLE,
    sqlite3.SQLITE_NOTADB: NOT_A_DATABASE,
    sqlite3.SQLITE_CORRUPT: DAMAGED,
    sqlite3.SQLITE_IOERR: DISK,
    sqlite3.SQLITE_BUSY: BUSY,
    sqlite3.SQLITE_LOCKED: BUSY,
}
_BY_ERRNO = {
    errno.ENOSPC: FULL,
    errno.EDQUOT: FULL,
    errno.EROFS: READ_ONLY,
    errno.EACCES: UNREACHABLE,
    errno.EPERM: UNREACHABLE,
    errno.EIO: DISK,
}


def fault(path: Path | str, kind: tuple[str, str], cause: BaseException | None = None):
    """A :class:`StorageFault` of ``kind`` for ``path``, the cause logged for the administrator."""
    if cause is not None:
        log.error("base %s : %s", path, _describe(cause), exc_info=cause)
    else:
        log.error("base %s : %s", path, kind[0])
    return StorageFault(path, *kind)


def _describe(error: BaseException) -> str:
    name = getattr(error, "sqlite_errorname", None)
    return f"{type(error).__name__} {name or ''} {error}".replace("  ", " ")


def sqlite_cause(error: BaseException) -> sqlite3.Error | None:
    """The SQLite error behind ``error`` (pandas wraps it in its own DatabaseError)."""
    while error is not None:
        if isinstance(error, sqlite3.Error):
            return error
        error = error.__cause__ or error.__context__
    return None


def kind_of(path: Path | str, error: BaseException) -> tuple[str, str]:
    """Which fault ``error`` (SQLite's or the system's) is, for the database ``path``."""
    cause = sqlite_cause(error)
    if cause is not None:
        code = getattr(cause, "sqlite_errorcode", None)
        kind = _BY_CODE.get((code or 0) & 0xFF, OTHER)  # extended codes: the primary byte
    elif isinstance(error, OSError):
        kind = _BY_ERRNO.get(error.errno or 0, DISK)
    else:
        kind = OTHER
    if kind is DISK and _disk_full(Path(path)):
        # SQLite reports a -shm or -wal file it cannot grow as an I/O error
        kind = FULL
    return kind


def _disk_full(path: Path) -> bool:
    try:
        stats = os.statvfs(path.parent)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024


def translated(path: Path | str, error: BaseException) -> StorageFault:
    """The French fault for a SQLite or system error met while using the database ``path``."""
    return fault(path, kind_of(path, error), error)


def check_existing_file(path: Path) -> bool:
    """Whether ``path`` exists; refuses an empty file before SQLite opens it.

    SQLite takes an empty file for a new database and would seed it as
    version 1 over whatever it once held. Only ``stat`` is used: opening and
    closing the file here would drop the locks that this process's SQLite
    connections hold on it (POSIX locks belong to the process), and let
    another process checkpoint the journal under their feet. A file that is
    not a database is refused by SQLite itself (``SQLITE_NOTADB``), which
    writes nothing to it.
    """
    try:
        found = path.stat()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise translated(path, error) from None
    if stat.S_ISDIR(found.st_mode):
        raise fault(
            path, ("c'est un dossier, pas un fichier de base", "Donnez le chemin d'un fichier.")
        )
    if found.st_size == 0:
        raise fault(path, EMPTY)
    return True
