"""Bytes → rows of cells, whatever the spreadsheet habit of the sender.

OPSN keep their member lists in Excel: ``;`` or ``,`` or tab separators,
cp1252 or UTF-8 with or without BOM, "Unicode text" (UTF-16), XLSX, and the
ANCT publishes gzip-compressed CSV. This module only recovers the cells and
the line each row came from; it never interprets them. Anything it cannot
read raises :class:`ImportFileError` with a French message naming the file.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

#: Larger files are refused before being read: membership lists are a few
#: thousand lines; the national ANCT adherents file is about 2 MB uncompressed.
MAX_FILE_BYTES = 50 * 1024 * 1024

#: A compressed XLSX can hide far more rows than its size suggests.
MAX_XLSX_ROWS = 1_000_000

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls
SEPARATORS = (";", "\t", ",")  # order = preference on ties
_COMBINING = re.compile(r"[\u0300-\u036f]")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
SEPARATOR_NAMES = {";": "point-virgule", "\t": "tabulation", ",": "virgule"}


class ImportFileError(Exception):
    """A file that cannot be read at all; ``str(error)`` is a French sentence naming it."""


@dataclass
class RawTable:
    """Cells of a file, each row with its 1-based line number (Excel row for XLSX)."""

    rows: list[tuple[int, list[object]]]
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    separator: str = ""
    compressed: bool = False
    sheet: str = ""
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """French one-liner of how the file was read, for the report."""
        parts = ["XLSX" if self.kind == "xlsx" else "CSV"]
        if self.compressed:
            parts.append("compressé gzip")
        if self.sheet:
            parts.append(f"feuille « {self.sheet} »")
        if self.separator:
            parts.append(f"séparateur {SEPARATOR_NAMES[self.separator]}")
        if self.encoding:
            parts.append(f"encodage {self.encoding}")
        return ", ".join(parts)


def fold(text: object) -> str:
    """Lower case without accents nor punctuation: ``« Date d'adhésion »`` → ``date d adhesion``."""
    text = str(text).lower().translate(_LIGATURES)
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _NOT_ALNUM.sub(" ", text).strip()


def read_bytes(path: Path | str, content: bytes | None = None) -> bytes:
    """The file's bytes, refusing missing, unreadable or oversized files."""
    name = Path(path).name
    if content is None:
        try:
            size = Path(path).stat().st_size
            if size > MAX_FILE_BYTES:
                raise ImportFileError(_too_large(name, size))
            content = Path(path).read_bytes()
        except OSError as error:
            raise ImportFileError(f"{name} : {_os_error(error)}.") from None
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(_too_large(name, len(content)))
    return content


def _os_error(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "fichier introuvable"
    if isinstance(error, IsADirectoryError):
        return "c'est un dossier, pas un fichier"
    if isinstance(error, PermissionError):
        return "lecture refusée (droits d'accès)"
    return "fichier illisible"


def _too_large(name: str, size: int) -> str:
    return (
        f"{name} : fichier trop volumineux ({size / 1024 / 1024:.0f} Mo) ; la limite est de "
        f"{MAX_FILE_BYTES // 1024 // 1024} Mo. Découpez-le en plusieurs fichiers."
    )


def read_table(name: str, data: bytes) -> RawTable:
    """Rows of cells of a CSV/TSV (plain or gzip) or XLSX file given as bytes."""
    if not data.strip():
        raise ImportFileError(f"{name} : fichier vide.")
    compressed = False
    if data.startswith(GZIP_MAGIC):
        data = _gunzip(name, data)
        compressed = True
        if not data.strip():
            raise ImportFileError(f"{name} : fichier compressé vide.")
    if data.startswith(ZIP_MAGIC):
        table = _read_xlsx(name, data)
    elif data.startswith(OLE_MAGIC):
        raise ImportFileError(
            f"{name} : classeur Excel 97-2003 (.xls) non pris en charge ; "
            "enregistrez-le au format .xlsx ou CSV."
        )
    else:
        table = _read_csv(name, data)
    table.compressed = compressed
    return table


def _gunzip(name: str, data: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(MAX_FILE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise ImportFileError(f"{name} : fichier gzip corrompu ou tronqué ({error}).") from None
    if len(out) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"{name} : une fois décompressé, le fichier dépasse la limite de "
            f"{MAX_FILE_BYTES // 1024 // 1024} Mo."
        )
    return out


def _decode(name: str, data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "UTF-8 avec BOM"
        except UnicodeDecodeError:
            raise ImportFileError(f"{name} : texte UTF-8 invalide malgré sa marque BOM.") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ImportFileError(f"{name} : texte UTF-16 invalide.") from None
    if b"\x00" in data[:65536]:
        raise ImportFileError(
            f"{name} : fichier binaire, ni CSV ni XLSX ; attendu : un tableau CSV "
            "(séparateur ; , ou tabulation), un CSV compressé gzip ou un classeur .xlsx."
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise ImportFileError(
            f"{name} : encodage non reconnu ; enregistrez le fichier en UTF-8 ou Windows-1252."
        ) from None


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    controls = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\r\n")
    return controls > max(2, len(sample) // 100)


def sniff_separator(lines: list[str]) -> str:
    """The separator that splits the first lines into the most regular columns."""
    best, best_score = ";", (0, 0)
    for separator in SEPARATORS:
        counts = [len(row) for row in csv.reader(lines, delimiter=separator) if row]
        counts = [n for n in counts if n > 1]
        if not counts:
            continue
        width, frequency = Counter(counts).most_common(1)[0]
        score = (frequency, width)
        if score > best_score:
            best, best_score = separator, score
    return best


def _read_csv(name: str, data: bytes) -> RawTable:
    text, encoding = _decode(name, data)
    if _looks_binary(text):
        raise ImportFileError(
            f"{name} : contenu illisible (caractères de contrôle) ; attendu : un tableau CSV "
            "(séparateur ; , ou tabulation), un CSV compressé gzip ou un classeur .xlsx."
        )
    head = [line for line in text.splitlines()[:200] if line.strip()][:20]
    separator = sniff_separator(head)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    rows: list[tuple[int, list[object]]] = []
    previous = 0
    try:
        for cells in reader:
            rows.append((previous + 1, list(cells)))
            previous = reader.line_num
    except csv.Error as error:
        raise ImportFileError(f"{name}, ligne {previous + 1} : CSV mal formé ({error}).") from None
    return RawTable(rows, "csv", encoding=encoding, separator=separator)


def _read_xlsx(name: str, data: bytes) -> RawTable:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a bad archive
        raise ImportFileError(
            f"{name} : archive ZIP qui n'est pas un classeur .xlsx lisible ({type(error).__name__}) ; "
            "un classeur LibreOffice (.ods) doit être enregistré en .xlsx ou CSV."
        ) from None
    try:
        sheets = []
        for sheet in book.worksheets:
            rows = []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_XLSX_ROWS:
                    raise ImportFileError(
                        f"{name} : feuille « {sheet.title} » de plus de {MAX_XLSX_ROWS} lignes ; "
                        "découpez le classeur en plusieurs fichiers."
                    )
                rows.append((number, list(values)))
            sheets.append((sheet.title, rows))
    finally:
        book.close()
    non_empty = [(title, rows) for title, rows in sheets if any(_filled(c) for _, c in rows)]
    if not non_empty:
        raise ImportFileError(f"{name} : classeur sans aucune donnée.")
    title, rows = non_empty[0]
    table = RawTable(rows, "xlsx", sheet=title)
    if len(non_empty) > 1:
        others = ", ".join(f"« {t} »" for t, _ in non_empty[1:])
        table.notes.append(f"seule la première feuille remplie est lue ; ignorées : {others}")
    return table


def _filled(cells: list[object]) -> bool:
    return any(c is not None and str(c).strip() for c in cells)


def is_blank(cells: list[object]) -> bool:
    """True for an empty line or one whose cells are all empty."""
    return not _filled(cells)
