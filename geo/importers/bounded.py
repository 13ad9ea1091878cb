"""Bounded reading: the one place where bytes from outside enter the project.

Every reader of a file people bring (membership lists, ANCT files, registry
files; from the command line or the app's uploader) gets its bytes here and
nowhere else, so that one set of limits applies everywhere:

- only regular files are opened (a FIFO, a device such as ``/dev/zero``
  behind a symlink, a directory are refused before any read);
- at most :data:`MAX_FILE_BYTES` are read, and at most as many once
  decompressed (gzip is decompressed as a stream with a cap);
- an XLSX archive is checked before openpyxl touches it: number of members,
  compression method, declared sizes and compression ratio, and the cells
  per row, rows and cells of each sheet counted from the XML itself (the
  sheet's ``<dimension>`` may lie);
- the readers count rows, columns and cells while streaming
  (:class:`Limits`), and a :class:`Budget` stops any read that runs too long.

Every refusal is an :class:`ImportFileError` whose text is a French sentence
naming the file and saying what to do; nothing from a library's English
messages ever reaches the user.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import functools
import gc
import io
import os
import re
import signal
import stat
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geo.core import fmt

#: Larger files are refused before being read (and the app's uploader refuses
#: them in the browser: ``server.maxUploadSize`` in ``.streamlit/config.toml``
#: is this limit in megabytes). Membership lists are a few thousand lines; the
#: national ANCT adherents file is about 2 MB uncompressed.
MAX_FILE_BYTES = 50 * 1024 * 1024

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls, or an encrypted .xlsx


class ImportFileError(Exception):
    """A file that cannot be read; ``str(error)`` is a French sentence naming it.

    The one error type of the importers: the command line prints it after
    « Erreur : » (exit status 2), the app shows it with ``st.error``.
    """

    def __init__(self, message: str) -> None:
        message = str(message).strip() or "fichier illisible."
        super().__init__(message)


@dataclass(frozen=True)
class Limits:
    """What one file may cost. Tests pass smaller limits; the defaults serve everyone."""

    file_bytes: int = MAX_FILE_BYTES
    #: Decompressed gzip payload (the text of a CSV).
    decompressed_bytes: int = MAX_FILE_BYTES
    #: Lines of a table (CSV records or spreadsheet rows, blank ones included).
    rows: int = 1_048_576  # as many as an Excel sheet holds
    #: Filled width of a row (trailing empty cells are not counted).
    columns: int = 1_000
    #: Cells of a table, counted as read (padding included).
    cells: int = 10_000_000
    #: Cells written in one spreadsheet row (Excel has 16 384 columns).
    row_cells: int = 20_000
    #: Seconds for reading and interpreting one file.
    seconds: float = 20.0
    #: Memory a reading worker of the app may take on top of what it holds at
    #: start (``RLIMIT_AS``): :mod:`geo.importers.isolated`.
    memory_bytes: int = 1024 * 1024 * 1024
    #: XLSX: members of the archive, uncompressed size of every XML member
    #: together, of one sheet, of the shared strings, of any other XML member,
    #: and the compression ratio allowed for members above 1 MB.
    zip_members: int = 1_000
    xlsx_xml_bytes: int = 300 * 1024 * 1024
    xlsx_sheet_bytes: int = 250 * 1024 * 1024
    xlsx_shared_strings_bytes: int = 30 * 1024 * 1024
    xlsx_other_bytes: int = 10 * 1024 * 1024
    xlsx_ratio: int = 200
    #: Shared strings of a workbook (openpyxl keeps them all in memory).
    shared_strings: int = 2_000_000
    #: Operators in an operators or registry file (there are about 150 in France).
    operators: int = 10_000
    #: Line-level messages kept in a report (the counts stay exact beyond).
    issues: int = 5_000


LIMITS = Limits()


def megabytes(size: int) -> str:
    """``52428800`` → ``50 Mo``; never « 0 Mo » for a small overflow."""
    value = size / 1024 / 1024
    return f"{value:.0f} Mo" if value >= 1 else f"{max(size // 1024, 1)} Ko"


def display_name(path: Path | str) -> str:
    """The file name as shown in messages: no directory, no control character, not endless."""
    name = Path(str(path)).name or str(path)
    name = re.sub(r"[\x00-\x1f\x7f]", "?", name)
    return name if len(name) <= 120 else name[:119] + "…"


class Budget:
    """A deadline for one file: :meth:`check` raises once it has passed.

    The readers call :meth:`check` as they go (every few tens of thousands of
    cells); :meth:`deadline` adds a real one around a whole read, for code
    that cannot check (openpyxl opening a workbook, a long library call): in
    a process's main thread — the command line, the app's reading worker — a
    timer interrupts the read when the time is up. The message gives the time
    actually spent, never less than it was.
    """

    def __init__(self, name: str, seconds: float = LIMITS.seconds) -> None:
        self.name = name
        self.seconds = seconds
        self.started = time.monotonic()
        self.deadline = self.started + seconds

    def stopped(self, line: int | None = None) -> ImportFileError:
        spent = time.monotonic() - self.started
        where = f" (arrivé à la ligne {fmt.integer(line)})" if line else ""
        return ImportFileError(
            f"{self.name} : lecture arrêtée après {fmt.decimal(spent, 0)} s{where}, la limite "
            f"étant de {fmt.decimal(self.seconds, 0)} s par fichier : le fichier est trop long à "
            "analyser. Découpez-le en plusieurs fichiers plus petits."
        )

    def check(self, line: int | None = None) -> None:
        if time.monotonic() > self.deadline:
            raise self.stopped(line)

    @contextlib.contextmanager
    def deadline_timer(self) -> Iterator[None]:
        """Interrupt the code inside at the deadline (main thread only; elsewhere, checks only)."""
        if threading.current_thread() is not threading.main_thread() or not hasattr(
            signal, "setitimer"
        ):
            yield
            return

        def ring(_signum, _frame):
            raise self.stopped()

        previous = signal.signal(signal.SIGALRM, ring)
        entered = time.monotonic()
        outer, _ = signal.setitimer(signal.ITIMER_REAL, max(self.deadline - entered, 0.001))
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if outer:  # an alarm set by the caller goes on
                left = outer - (time.monotonic() - entered)
                signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


def release_memory() -> None:
    """Give the memory of a refused file back to the system.

    Python frees the objects at once, but the C allocator (glibc) keeps the
    freed pages of a large read for later; ``malloc_trim`` hands them back,
    so that a server that refused a bomb stays at the size it had before.
    """
    gc.collect()
    trim_memory()


def trim_memory() -> None:
    """Hand the C allocator's free pages back to the system (glibc only; else nothing)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    try:
        library = ctypes.util.find_library("c")
        return ctypes.CDLL(library).malloc_trim if library else None
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return None


# --------------------------------------------------------------------------- files


_OS_ERRORS = {
    errno.ENOENT: "fichier introuvable ; vérifiez le chemin",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.EACCES: "lecture refusée (droits d'accès)",
    errno.EPERM: "lecture refusée (droits d'accès)",
    errno.ELOOP: "lien symbolique qui boucle sur lui-même",
    errno.ENAMETOOLONG: "chemin trop long",
    errno.ENOTDIR: "chemin invalide (un élément du chemin n'est pas un dossier)",
    errno.EIO: "erreur de lecture du disque",
}


def os_error_text(error: OSError) -> str:
    """A French phrase for a failed open or read (never the system's English text)."""
    return _OS_ERRORS.get(error.errno or 0, "fichier illisible")


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "c'est un dossier, pas un fichier"
    if stat.S_ISFIFO(mode):
        return "c'est un tube nommé (FIFO), pas un fichier ordinaire"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "c'est un périphérique (comme /dev/zero), pas un fichier ordinaire"
    if stat.S_ISSOCK(mode):
        return "c'est une socket, pas un fichier ordinaire"
    return "ce n'est pas un fichier ordinaire"


def too_large(name: str, size: int | None, limits: Limits = LIMITS) -> ImportFileError:
    shown = f" ({megabytes(size)})" if size else ""
    return ImportFileError(
        f"{name} : fichier trop volumineux{shown} ; la limite est de "
        f"{megabytes(limits.file_bytes)}. Découpez-le en plusieurs fichiers."
    )


def read_bytes(path: Path | str, content: bytes | None = None, limits: Limits = LIMITS) -> bytes:
    """The bytes of a regular file (or of ``content``), refusing anything else or too large.

    The file is opened without blocking (a FIFO would otherwise hang), checked
    with ``fstat`` on the open descriptor (no race with a swapped symlink), and
    read up to the limit plus one byte, whatever size it claims.
    """
    name = display_name(path)
    if content is not None:
        if len(content) > limits.file_bytes:
            raise too_large(name, len(content), limits)
        return bytes(content)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise ImportFileError(f"{name} : {os_error_text(error)}.") from None
    try:
        mode = os.fstat(descriptor)
        if not stat.S_ISREG(mode.st_mode):
            raise ImportFileError(
                f"{name} : {_kind_of(mode.st_mode)} ; donnez un fichier CSV, TSV, XLSX ou CSV.gz."
            )
        if mode.st_size > limits.file_bytes:
            raise too_large(name, mode.st_size, limits)
        chunks, total = [], 0
        while True:
            chunk = os.read(descriptor, limits.file_bytes + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limits.file_bytes:
                raise too_large(name, None, limits)
    except OSError as error:
        raise ImportFileError(f"{name} : {os_error_text(error)}.") from None
    finally:
        os.close(descriptor)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


# --------------------------------------------------------------------------- gzip


def _gzip_error(name: str, detail: str) -> ImportFileError:
    return ImportFileError(f"{name} : fichier gzip {detail} ; téléchargez-le de nouveau.")


def gunzip(name: str, data: bytes, limits: Limits = LIMITS) -> bytes:
    """Decompress gzip as a stream, refusing more than ``limits.decompressed_bytes``.

    Every member must end properly (a truncated download is refused, never
    read as far as it goes); several members follow each other as gzip allows;
    zero padding at the end is accepted, anything else after the data is not.
    """
    cap = limits.decompressed_bytes
    parts: list[bytes] = []
    total = 0
    rest: bytes | memoryview = memoryview(data)
    while True:
        stream = zlib.decompressobj(wbits=31)
        try:
            while True:
                part = stream.decompress(rest, cap + 1 - total)
                parts.append(part)
                total += len(part)
                if total > cap:
                    raise ImportFileError(
                        f"{name} : une fois décompressé, le fichier dépasse la limite de "
                        f"{megabytes(cap)} ; découpez-le en plusieurs fichiers."
                    )
                if not stream.unconsumed_tail:
                    break
                rest = stream.unconsumed_tail
        except zlib.error:
            raise _gzip_error(
                name, "corrompu (en-tête, somme de contrôle ou données compressées invalides)"
            ) from None
        if not stream.eof:
            raise _gzip_error(name, "tronqué (téléchargement interrompu ?)")
        rest = stream.unused_data
        if not rest.strip(b"\x00"):
            break
        if not rest.startswith(GZIP_MAGIC):
            raise _gzip_error(name, "suivi de données qui ne sont pas compressées")
    return parts[0] if len(parts) == 1 else b"".join(parts)


# --------------------------------------------------------------------------- XLSX


_ROW_START = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row[\s/>]")
_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c[\s/>]")
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?si[\s/>]")
_XML_MEMBER = re.compile(r"(?i)\.(xml|rels|vml)$")
_SCAN_CHUNK = 1 << 20


def _xlsx_refusal(name: str, detail: str) -> ImportFileError:
    return ImportFileError(
        f"{name} : {detail} ; ouvrez-le dans Excel ou LibreOffice et enregistrez-le de "
        "nouveau (ou exportez la feuille en CSV)."
    )


def check_xlsx(name: str, data: bytes, limits: Limits = LIMITS, budget: Budget | None = None):
    """Refuse an XLSX archive that would cost more than the limits, before openpyxl opens it.

    Checks the number of members, their compression method, declared sizes
    (:mod:`zipfile` never yields more than a member declares) and ratio; then
    streams every XML member once, counting rows, cells per row and cells
    (worksheets) and shared strings, because openpyxl builds a whole row, and
    the whole shared-string table, before handing anything back.
    """
    if data.count(b"PK\x01\x02") > limits.zip_members:
        raise _xlsx_refusal(name, f"archive de plus de {fmt.integer(limits.zip_members)} éléments")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError):
        raise ImportFileError(
            f"{name} : archive ZIP endommagée ou incomplète, qui n'est pas un classeur .xlsx "
            "lisible ; un classeur LibreOffice (.ods) doit être enregistré en .xlsx ou CSV."
        ) from None
    with archive:
        total = 0
        for member in members:
            if not _XML_MEMBER.search(member.filename):
                continue  # pictures and the like: openpyxl's read-only mode never opens them
            if member.flag_bits & 0x1:
                raise _xlsx_refusal(name, "classeur chiffré")
            if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _xlsx_refusal(name, "méthode de compression inhabituelle pour un .xlsx")
            lowered = member.filename.lower()
            if "sharedstrings" in lowered:
                cap = limits.xlsx_shared_strings_bytes
            elif "worksheets/" in lowered or "sheet" in lowered.rsplit("/", 1)[-1]:
                cap = limits.xlsx_sheet_bytes
            else:
                cap = limits.xlsx_other_bytes
            size = member.file_size
            if size > cap:
                raise _xlsx_refusal(
                    name,
                    f"l'élément « {display_name(member.filename)} » occupe {megabytes(size)} une "
                    f"fois décompressé (limite : {megabytes(cap)})",
                )
            if size > 1024 * 1024 and size > limits.xlsx_ratio * max(member.compress_size, 1):
                raise _xlsx_refusal(
                    name,
                    f"l'élément « {display_name(member.filename)} » est compressé plus de "
                    f"{limits.xlsx_ratio} fois (archive piégée ?)",
                )
            total += size
            if total > limits.xlsx_xml_bytes:
                raise _xlsx_refusal(
                    name,
                    f"le classeur occupe plus de {megabytes(limits.xlsx_xml_bytes)} une fois "
                    "décompressé",
                )
        for member in members:
            if _XML_MEMBER.search(member.filename) and member.file_size > 0:
                _scan_member(name, archive, member, limits, budget)


_DELIMITERS = np.zeros(256, dtype=bool)
_DELIMITERS[list(b" \t\n\r\f\v/>")] = True


def _tag_starts(body: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Offsets of the ``<row`` and ``<c`` tags of ``body`` (same matches as the patterns).

    Vectorised over the bytes: eleven million cells are found in about a
    second, where a regular expression builds eleven million objects. A
    namespace prefix (``<x:row``, rare) falls back to the patterns.
    """
    if b":row" in body or b":c" in body:
        rows = [m.start() for m in _ROW_START.finditer(body)]
        cells = [m.start() for m in _CELL_START.finditer(body)]
        return np.array(rows, dtype=np.int64), np.array(cells, dtype=np.int64)
    raw = np.frombuffer(body + b"\0\0\0\0\0", dtype=np.uint8)
    opening = np.flatnonzero(raw[: len(body)] == ord("<"))
    after = [raw[opening + k] for k in range(1, 5)]
    rows = (
        (after[0] == ord("r")) & (after[1] == ord("o")) & (after[2] == ord("w"))
        & _DELIMITERS[after[3]]
    )  # fmt: skip
    cells = (after[0] == ord("c")) & _DELIMITERS[after[1]]
    return opening[rows], opening[cells]


def _shared_strings(body: bytes) -> int:
    """``<si`` tags in ``body``, as the pattern counts them (byte counts unless prefixed)."""
    if b":si" in body:
        return len(_SHARED_STRING.findall(body))
    return sum(body.count(b"<si" + bytes([d])) for d in b" \t\n\r\f\v/>")


def _count_rows(body: bytes, row_cells: int, limits: Limits, name: str) -> tuple[int, int, int]:
    """Rows started and cells in ``body``; the cells of its last row carried on."""
    starts, cells = _tag_starts(body)
    # cells before each row start → cells of each row (the first one continues the last chunk's)
    bounds = np.searchsorted(cells, starts)
    widths = np.diff(np.concatenate(([0], bounds, [cells.size])))
    widths[0] += row_cells
    if widths.size and int(widths.max()) > limits.row_cells:
        raise _xlsx_refusal(name, f"une ligne de plus de {fmt.integer(limits.row_cells)} cellules")
    return int(widths[-1]), int(starts.size), int(cells.size)


def _scan_member(name, archive, member, limits: Limits, budget: Budget | None) -> None:
    """Count rows, cells per row, cells and shared strings of one XML member as a stream."""
    rows = cells = row_cells = strings = 0
    tail = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_SCAN_CHUNK):
                # A tag cut between two chunks is seen whole in the next one:
                # keep the last few bytes (no tag start is counted twice, since
                # the kept part starts after the last complete match).
                text = tail + chunk
                cut = max(text.rfind(b"<"), len(text) - 64)
                cut = max(cut, 0)
                body, tail = text[:cut], text[cut:]
                row_cells, added, found = _count_rows(body, row_cells, limits, name)
                rows += added
                cells += found
                if rows > limits.rows:
                    raise _xlsx_refusal(
                        name, f"feuille de plus de {fmt.integer(limits.rows)} lignes"
                    )
                if cells > limits.cells:
                    raise _xlsx_refusal(
                        name, f"feuille de plus de {fmt.integer(limits.cells)} cellules"
                    )
                strings += _shared_strings(body)
                if strings > limits.shared_strings:
                    raise _xlsx_refusal(
                        name, f"plus de {fmt.integer(limits.shared_strings)} textes différents"
                    )
                if budget is not None:
                    budget.check()
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, ValueError):
        raise ImportFileError(
            f"{name} : archive ZIP endommagée (élément « {display_name(member.filename)} » "
            "illisible) ; ouvrez le classeur dans Excel ou LibreOffice et enregistrez-le de "
            "nouveau."
        ) from None
