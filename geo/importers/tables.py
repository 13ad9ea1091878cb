"""Bytes → a stream of rows of cells, whatever the spreadsheet habit of the sender.

OPSN keep their member lists in Excel: ``;`` or ``,`` or tab separators,
cp1252 or UTF-8 with or without BOM, "Unicode text" (UTF-16), XLSX, and the
ANCT publishes gzip-compressed CSV. This module only recovers the cells and
the line each row came from; it never interprets them. Rows are streamed and
counted as they come (:class:`geo.importers.bounded.Limits`), so that a file
costs the memory of what is kept from it, not of its cells. Anything it cannot
read raises :class:`ImportFileError` with a French message naming the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo.core import fmt
from geo.core.csvfile import restore
from geo.core.text import fold
from geo.importers.bounded import (
    GZIP_MAGIC,
    LIMITS,
    MAX_FILE_BYTES,
    OLE_MAGIC,
    ZIP_MAGIC,
    Budget,
    ImportFileError,
    Limits,
    check_xlsx,
    display_name,
    gunzip,
    read_bytes,
)

__all__ = [
    "MAX_FILE_BYTES",
    "ImportFileError",
    "Table",
    "is_blank",
    "read_table",
    "read_text_frame",
    "sniff_separator",
]

CHECK_CELLS = 50_000
"""Cells read between two looks at the clock (a few hundredths of a second of work)."""

# openpyxl warns (in English, on stderr) about styles and extensions it
# ignores; none of them matters for reading cell values.
warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")

SEPARATORS = (";", "\t", ",")  # order = preference on ties
SEPARATOR_NAMES = {";": "point-virgule", "\t": "tabulation", ",": "virgule"}
#: Lines looked at to find a header (and to tell what a spreadsheet sheet holds).
HEAD_LINES = 20

Row = tuple[int, Sequence[object]]


@dataclass
class Table:
    """Cells of a file as a stream: each row with its 1-based line number.

    ``rows`` can be iterated once. ``spans`` maps the first line of every CSV
    record that runs over several lines *with a line break inside a cell* to
    its last line: usually a quote (``"``) left open that swallowed the lines
    after it; the interpreter decides (it knows which cells matter).
    """

    name: str
    rows: Iterator[Row]
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    separator: str = ""
    compressed: bool = False
    sheet: str = ""
    notes: list[str] = field(default_factory=list)
    spans: dict[int, int] = field(default_factory=dict)
    #: The last line of a CSV that ends without a line break (a download cut
    #: short ends that way too), else 0.
    unterminated: int = 0
    #: The file's time budget, started when it was opened: reading its rows and
    #: interpreting them spend the same one.
    budget: Budget | None = None

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

    def head(self, lines: int = HEAD_LINES) -> list[Row]:
        """The rows up to the ``lines``-th non-blank one; they stay in :attr:`rows`."""
        head = take_head(self.rows, lines)
        self.rows = itertools.chain(head, self.rows)
        return head


def take_head(rows: Iterator[Row], lines: int = HEAD_LINES, most: int = 1000) -> list[Row]:
    """Rows until ``lines`` non-blank ones (or ``most`` rows) have been read."""
    head: list[Row] = []
    seen = 0
    for row in rows:
        head.append(row)
        seen += not is_blank(row[1])
        if seen >= lines or len(head) >= most:
            break
    return head


def is_blank(cells: Sequence[object]) -> bool:
    """True for an empty line or one whose cells are all empty."""
    return not any(c is not None and str(c).strip() for c in cells)


# --------------------------------------------------------------------------- entry point


def read_table(
    name: str,
    data: bytes,
    *,
    limits: Limits = LIMITS,
    budget: Budget | None = None,
    sheet_kind: Callable[[list[Row]], str | None] | None = None,
    sheet: str | None = None,
) -> Table:
    """Rows of cells of a CSV/TSV (plain or gzip) or XLSX file given as bytes.

    For a workbook, ``sheet_kind`` tells from a sheet's first rows what it
    holds (``None``: nothing recognisable); the one sheet that holds something
    is read, and the others are named in :attr:`Table.notes`. Several such
    sheets are refused unless ``sheet`` names the one to read.
    """
    budget = budget or Budget(name, limits.seconds)
    if not data or data.isspace():
        raise ImportFileError(f"{name} : fichier vide.")
    compressed = False
    if data.startswith(GZIP_MAGIC):
        data = gunzip(name, data, limits)
        compressed = True
        if not data or data.isspace():
            raise ImportFileError(f"{name} : fichier compressé vide.")
    if data.startswith(ZIP_MAGIC):
        table = _xlsx_table(name, data, limits, budget, sheet_kind, sheet)
    elif data.startswith(OLE_MAGIC):
        raise ImportFileError(
            f"{name} : classeur Excel 97-2003 (.xls) ou classeur protégé par mot de passe, "
            "non pris en charge ; enregistrez-le au format .xlsx (sans mot de passe) ou CSV."
        )
    else:
        table = _csv_table(name, data, limits, budget)
    table.compressed = compressed
    table.budget = budget
    return table


def open_table(
    path: Path | str,
    content: bytes | None = None,
    *,
    limits: Limits = LIMITS,
    budget: Budget | None = None,
    sheet_kind: Callable[[list[Row]], str | None] | None = None,
    sheet: str | None = None,
) -> Table:
    """:func:`read_table` of a path (or of uploaded ``content`` named by ``path``)."""
    name = display_name(path)
    return read_table(
        name,
        read_bytes(path, content, limits),
        limits=limits,
        budget=budget,
        sheet_kind=sheet_kind,
        sheet=sheet,
    )


def read_text_frame(
    path: Path | str, content: bytes | None = None, *, limits: Limits = LIMITS, max_rows=None
) -> pd.DataFrame:
    """A small CSV of this project's own formats as a DataFrame of strings (header = first line).

    What ``pandas.read_csv(dtype=str, keep_default_na=False)`` gives, but
    through the bounded reader (any separator and encoding it accepts, blank
    lines skipped, short rows padded with ""). For the registry and the
    bundled memberships, which :func:`geo.core.csvfile.write_csv` wrote: the
    apostrophe it puts before a formula-like cell is removed here.
    """
    table = open_table(path, content, limits=limits)
    max_rows = max_rows or limits.rows
    header: list[str] | None = None
    records: list[list[str]] = []
    for line, cells in table.rows:
        if is_blank(cells):
            continue
        values = ["" if c is None else restore(str(c)) for c in cells]
        if header is None:
            header = [v.strip() for v in values]
            continue
        if len(records) >= max_rows:
            raise ImportFileError(
                f"{table.name}, ligne {line} : plus de {fmt.integer(max_rows)} lignes ; "
                "ce n'est pas un fichier de ce format."
            )
        width = len(header)
        records.append((values + [""] * width)[:width])
    if header is None:
        raise ImportFileError(f"{table.name} : fichier sans ligne d'en-tête.")
    seen: Counter[str] = Counter()
    columns = []
    for column in header:  # as pandas does: a repeated column gets ".1"
        columns.append(f"{column}.{seen[column]}" if seen[column] else column)
        seen[column] += 1
    return pd.DataFrame(records, columns=columns, dtype=object).astype("str")


# --------------------------------------------------------------------------- CSV


def _decode(name: str, data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "UTF-8 avec BOM"
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"{name} : texte UTF-8 invalide malgré sa marque BOM (octet {error.start + 4}) ; "
                "enregistrez le fichier de nouveau en « CSV UTF-8 »."
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ImportFileError(
                f"{name} : texte UTF-16 (« Texte Unicode » d'Excel) invalide ou tronqué ; "
                "enregistrez le fichier en « CSV UTF-8 »."
            ) from None
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
            f"{name} : encodage non reconnu (ni UTF-8 ni Windows-1252) ; enregistrez le "
            "fichier en « CSV UTF-8 »."
        ) from None


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    controls = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\r\n")
    return controls > max(2, len(sample) // 100)


def sniff_separator(lines: list[str]) -> str:
    """The separator that splits the first lines into the most regular columns."""
    best, best_score = ";", (0, 0)
    for separator in SEPARATORS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=separator) if row]
        except csv.Error:  # an over-long or broken field: not this separator's fault
            continue
        counts = [n for n in counts if n > 1]
        if not counts:
            continue
        width, frequency = Counter(counts).most_common(1)[0]
        score = (frequency, width)
        if score > best_score:
            best, best_score = separator, score
    return best


def _csv_table(name: str, data: bytes, limits: Limits, budget: Budget) -> Table:
    text, encoding = _decode(name, data)
    del data
    if (nul := text.find("\x00")) >= 0:
        line = text.count("\n", 0, nul) + 1
        raise ImportFileError(
            f"{name}, ligne {fmt.integer(line)} : caractère nul (fichier binaire ou endommagé) ; "
            "enregistrez-le de nouveau en CSV."
        )
    if _looks_binary(text):
        raise ImportFileError(
            f"{name} : contenu illisible (caractères de contrôle) ; attendu : un tableau CSV "
            "(séparateur ; , ou tabulation), un CSV compressé gzip ou un classeur .xlsx."
        )
    sample = [
        line[:65536]
        for line in itertools.islice(io.StringIO(text[: 4 * 1024 * 1024], newline=""), 200)
        if line.strip()
    ][:HEAD_LINES]
    separator = sniff_separator(sample)
    if text.count(separator) > limits.cells:  # cells ≤ separators + lines: refuse before parsing
        raise ImportFileError(_too_many_cells(name, None, limits))
    table = Table(name, iter(()), "csv", encoding=encoding, separator=separator)
    if not text.endswith(("\n", "\r")):
        table.unterminated = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    table.rows = _csv_rows(table, text, limits, budget)
    return table


def _csv_error(name: str, line: int, error: csv.Error) -> str:
    text = str(error)
    if "field larger" in text:
        detail = (
            f"une cellule dépasse {fmt.integer(csv.field_size_limit() // 1024)} Ko ; c'est "
            'souvent un guillemet (") ouvert et jamais fermé, qui avale les lignes suivantes. '
            "Retirez ou fermez ce guillemet"
        )
    elif "NUL" in text:
        detail = "caractère nul (fichier binaire ou endommagé) ; enregistrez-le de nouveau en CSV"
    else:
        detail = "CSV mal formé (guillemets ou fins de ligne) ; enregistrez-le de nouveau en CSV"
    return f"{name}, ligne {fmt.integer(line)} : {detail}."


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ends, as ``open(newline="")`` gives them.

    Not ``io.StringIO``, which keeps a copy of the text at four bytes per
    character (150 MB for a 38 MB list).
    """
    if text.count("\r") == text.count("\r\n"):  # \n or \r\n line ends: split on \n
        start, size, find = 0, len(text), text.find
        while start < size:
            end = find("\n", start) + 1 or size
            yield text[start:end]
            start = end
    else:  # old Mac line ends (\r) somewhere
        for match in _LINE.finditer(text):
            yield match.group()


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _csv_rows(table: Table, text: str, limits: Limits, budget: Budget) -> Iterator[Row]:
    name = table.name
    reader = csv.reader(_lines(text), delimiter=table.separator)
    del text
    most_rows, most_columns, most_cells = limits.rows, limits.columns, limits.cells
    spans = table.spans
    previous = count = cells = 0
    next_check = CHECK_CELLS
    try:
        for row in reader:
            line = previous + 1
            previous = reader.line_num
            count += 1
            width = len(row)
            cells += width
            if count > most_rows:
                raise ImportFileError(_too_many_rows(name, limits))
            if width > most_columns and _filled_width(row) > most_columns:
                raise ImportFileError(_too_many_columns(name, line, limits))
            if cells > most_cells:
                raise ImportFileError(_too_many_cells(name, line, limits))
            if previous > line and any("\n" in c or "\r" in c for c in row):
                spans[line] = previous
            if cells >= next_check:
                budget.check(line)
                next_check = cells + CHECK_CELLS
            yield line, row
    except csv.Error as error:
        raise ImportFileError(_csv_error(name, previous + 1, error)) from None


def _filled_width(cells: Sequence[object]) -> int:
    width = len(cells)
    while width and (cells[width - 1] is None or cells[width - 1] == ""):
        width -= 1
    return width


def _too_many_rows(name: str, limits: Limits) -> str:
    return (
        f"{name} : plus de {fmt.integer(limits.rows)} lignes ; découpez le fichier en "
        "plusieurs fichiers plus petits."
    )


def _too_many_columns(name: str, line: int, limits: Limits) -> str:
    return (
        f"{name}, ligne {fmt.integer(line)} : plus de {fmt.integer(limits.columns)} colonnes "
        "remplies ; une liste d'adhérents n'en a que quelques-unes. Vérifiez le séparateur "
        "ou supprimez les colonnes inutiles."
    )


def _too_many_cells(name: str, line: int | None, limits: Limits) -> str:
    where = f"{name}, ligne {fmt.integer(line)}" if line else name
    return (
        f"{where} : plus de {fmt.integer(limits.cells)} cellules "
        "au total ; découpez le fichier ou supprimez les colonnes inutiles."
    )


# --------------------------------------------------------------------------- XLSX


def _xlsx_table(
    name: str,
    data: bytes,
    limits: Limits,
    budget: Budget,
    sheet_kind: Callable[[list[Row]], str | None] | None,
    wanted: str | None,
) -> Table:
    import openpyxl

    check_xlsx(name, data, limits, budget)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheets = list(book.worksheets)
    except ImportFileError:
        raise
    except MemoryError:
        raise
    except Exception as error:  # openpyxl raises many types for a damaged archive
        if _forbidden_xml(error):
            raise ImportFileError(
                f"{name} : classeur piégé (déclarations d'entités XML, refusées par sécurité) ; "
                "enregistrez-le de nouveau depuis Excel ou LibreOffice."
            ) from None
        raise ImportFileError(
            f"{name} : archive ZIP qui n'est pas un classeur .xlsx lisible ; un classeur "
            "LibreOffice (.ods) ou Numbers doit être enregistré en .xlsx ou CSV."
        ) from None
    try:
        chosen, notes = _choose_sheet(name, sheets, limits, budget, sheet_kind, wanted)
    except BaseException:
        book.close()
        raise
    table = Table(name, iter(()), "xlsx", sheet=chosen.title, notes=notes)
    table.rows = _xlsx_rows(name, book, chosen, limits, budget)
    return table


def _forbidden_xml(error: BaseException) -> bool:
    """Whether defusedxml refused the workbook's XML (entities, external references)."""
    try:
        from defusedxml import DefusedXmlException
    except ImportError:  # pragma: no cover - defusedxml is a pinned requirement
        return False
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


def _choose_sheet(name, sheets, limits, budget, sheet_kind, wanted):
    if not sheets:
        raise ImportFileError(f"{name} : classeur sans aucune feuille.")
    if wanted:
        by_title = {s.title: s for s in sheets} | {fold(s.title): s for s in sheets}
        found = by_title.get(wanted) or by_title.get(fold(wanted))
        if found is None:
            listed = ", ".join(f"« {s.title} »" for s in sheets)
            raise ImportFileError(
                f"{name} : pas de feuille « {wanted} » dans le classeur (feuilles : {listed})."
            )
        others = [s.title for s in sheets if s is not found]
        notes = [f"feuille « {found.title} » lue, comme demandé"]
        if others:
            notes[0] += " ; non lues : " + ", ".join(f"« {t} »" for t in others)
        return found, notes
    kinds: dict[str, str | None] = {}
    filled: dict[str, bool] = {}
    for sheet in sheets:
        rows = _xlsx_rows(name, None, sheet, limits, budget)
        head = take_head(rows)
        rows.close()  # openpyxl closes the sheet's XML stream
        filled[sheet.title] = any(not is_blank(cells) for _, cells in head)
        kinds[sheet.title] = sheet_kind(head) if (sheet_kind and filled[sheet.title]) else None
    recognised = [s for s in sheets if kinds[s.title]]
    if len(recognised) > 1:
        listed = ", ".join(f"« {s.title} »" for s in recognised)
        raise ImportFileError(
            f"{name} : plusieurs feuilles contiennent une liste ({listed}) ; gardez une seule "
            "feuille dans le classeur (ou enregistrez-la en CSV), ou indiquez celle à lire "
            "(option --sheet de la ligne de commande)."
        )
    if recognised:
        chosen = recognised[0]
    else:
        chosen = next((s for s in sheets if filled[s.title]), None)
        if chosen is None:
            raise ImportFileError(f"{name} : classeur sans aucune donnée.")
    ignored = [
        f"« {s.title} » ({'vide' if not filled[s.title] else 'pas de liste reconnue'})"
        for s in sheets
        if s is not chosen
    ]
    notes = []
    if ignored:
        first = " (ce n'est pas la première feuille)" if chosen is not sheets[0] else ""
        notes.append(f"feuille « {chosen.title} » lue{first} ; non lues : {', '.join(ignored)}")
    return chosen, notes


def _xlsx_rows(name, book, sheet, limits: Limits, budget: Budget) -> Iterator[Row]:
    """Rows of one sheet, counted as they come; closes ``book`` when done (if given)."""
    sheet.reset_dimensions()  # a lying <dimension> must not pad every row
    count = cells = 0
    next_check = CHECK_CELLS
    try:
        for count, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            width = len(values)
            cells += width
            if count > limits.rows:
                raise ImportFileError(_too_many_rows(name, limits))
            if width > limits.columns and _filled_width(values) > limits.columns:
                raise ImportFileError(_too_many_columns(name, count, limits))
            if cells > limits.cells:
                raise ImportFileError(_too_many_cells(name, count, limits))
            if cells >= next_check:
                budget.check(count)
                next_check = cells + CHECK_CELLS
            yield count, values
    except (ImportFileError, MemoryError, GeneratorExit):
        raise
    except Exception:
        raise ImportFileError(
            f"{name} : feuille « {sheet.title} » endommagée ou non conforme "
            f"(vers la ligne {fmt.integer(count + 1)}) ; ouvrez le classeur dans Excel ou "
            "LibreOffice et enregistrez-le de nouveau (ou exportez la feuille en CSV)."
        ) from None
    finally:
        if book is not None:
            book.close()
