"""Reference data and analyses kept on disk between two starts of the server.

The coverage analysis of the national view (statuses, territories without OPSN and
their names, figures) takes 0.8 to 2 s, and loading the reference data 0.7 s: the
longest steps before a freshly started server can show its first page. The
reference data depends only on its files and the code that reads them
(:func:`stored_reference`); an analysis on the reference data, the inputs' tables
(not their label: it is set on what is read back), the options, the day
(memberships in force) and the code of ``geo``: :func:`stored_analysis` keeps it in
``.cache/analyses/`` under a digest of all of these, so that a restarted server
reads it back in a few milliseconds. Anything
that changes (a new data build, an import, a new day, an edited ``geo`` module)
changes the digest; old files are deleted, a few at a time, beyond
:data:`KEEP_FILES`. A file that cannot be read is computed again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

from geo.core.analysis import labelled
from geo.core.paths import CACHE_DIR, COMMUNES_DIR, ROOT

DIRECTORY = CACHE_DIR / "analyses"
"""Both kinds of file: an analysis 2.4 MB, the reference data 33 MB."""
FORMAT = "opsn-analysis/1"
KEEP_FILES = 32


@cache
def code_digest() -> str:
    """Digest of the ``geo`` package's source: a change of code is a change of result."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "geo").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _reference_digest(directory: Path = COMMUNES_DIR) -> str:
    """The reference data files as they are on disk (name, size, modification time)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def analysis_key(inputs, options, today: dt.date | None = None) -> str:
    """The digest naming the stored analysis of ``inputs`` under ``options``."""
    day = options.at or today or dt.date.today()
    parts = (FORMAT, code_digest(), _reference_digest(), inputs.tables_key, repr(options), day)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def reference_key() -> str:
    """The digest naming the stored reference data: its files and the code that reads them."""
    parts = (FORMAT, "reference", code_digest(), _reference_digest())
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def stored_analysis(inputs, options, compute: Callable[[], object], directory: Path | None = None):
    """The analysis stored under its key, or ``compute()``'s, then stored; either way naming
    the data of ``inputs`` (the key is of the tables: a database created again from the
    same files reads back the analysis of the first, under its own label and version)."""
    return labelled(stored(analysis_key(inputs, options), compute, directory), inputs)


def stored_reference(compute: Callable[[], object], directory: Path | None = None):
    """The reference data as :func:`geo.core.reference.load_reference` gives it, read back in
    0.15 s instead of 0.7 s (GeoParquet's coordinate systems are parsed anew each time)."""
    return stored(reference_key(), compute, directory)


def stored_fingerprint(reference) -> str:
    """:func:`geo.mapdata.fingerprint` of the stored reference data (0.15 to 0.4 s to compute)."""
    from geo.mapdata import fingerprint

    return stored(f"mapdata-{reference_key()}", lambda: fingerprint(reference))


def stored(key: str, compute: Callable[[], object], directory: Path | None = None):
    """The object stored under ``key``, or ``compute()``'s, then stored."""
    directory = directory or DIRECTORY
    path = directory / f"{key}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # written by this module only, in the project's cache
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        pass
    result = compute()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".tmp-", delete=False) as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
        _prune(directory)
    except OSError:  # a read-only clone still works, without the shortcut
        pass
    return result


def _prune(directory: Path) -> None:
    files = sorted(directory.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP_FILES:]:
        old.unlink(missing_ok=True)
