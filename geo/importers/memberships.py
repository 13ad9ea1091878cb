"""Who joined which OPSN: one entry point for every file people bring.

:func:`read_memberships` recognises the file (ANCT *Suite territoriale*
``operators`` CSV, ANCT ``adherents`` CSV.gz, a registry of this project, or
an OPSN's own CSV/TSV/XLSX list), resolves every row to a current commune or
an EPCI through :class:`geo.core.reference.ReferenceData`, and returns what was
kept together with a :class:`ValidationReport` that names the file, the line
and the value of every correction and rejection: bad input must never crash
nor silently lose data.

Counting rule (also in ``data/opsn/README.md``): every non-header line is one
of *accepted* (kept, possibly *corrected*), *rejected*, *duplicate* (kept
once, at its first line) or *blank*, so
``rows == accepted + rejected + duplicates + blank`` and
``len(memberships) == accepted``. A file that cannot be read at all raises
:class:`ImportFileError` (French message naming the file).

Rows are streamed: each distinct value (code, name, operator, date) is
resolved once, and a kept row costs a few integers until the final table is
built, so that a list of a million lines reads in seconds within a few
hundred megabytes.
"""

from __future__ import annotations

import heapq
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from geo.core import fmt
from geo.core.ids import check_siret
from geo.core.memberships import empty_memberships, memberships_frame
from geo.core.paths import OPSN_DIR
from geo.core.reference import ReferenceData, Resolution
from geo.core.registry import operator_lookup, resolve_operator
from geo.importers.bounded import (
    LIMITS,
    Budget,
    ImportFileError,
    Limits,
    display_name,
    release_memory,
    trim_memory,
)
from geo.importers.cells import french_date, parse_date, text_of
from geo.importers.headers import Header, find_header, first_line_shown, sheet_kind
from geo.importers.names import Outcome, name_index, resolve_name
from geo.importers.operators import read_anct_operators, read_registry_file
from geo.importers.registry_file import load_registry
from geo.importers.report import ValidationReport
from geo.importers.tables import HEAD_LINES, Row, Table, is_blank, open_table, read_text_frame

__all__ = [
    "ImportFileError",
    "ImportResult",
    "ValidationReport",
    "load_bundled_memberships",
    "needs_operator",
    "open_import",
    "read_memberships",
]

BUNDLED_PATH = OPSN_DIR / "adhesions.csv"

#: Distinct member values resolved once and remembered (beyond: resolved per row).
MEMO_ENTRIES = 200_000
MEMBER_ROLES = ("insee", "siren", "siret", "nom", "departement")
OTHER_ROLES = ("opsn", "depuis", "jusqu_a", "reference")


@dataclass
class ImportResult:
    """Memberships kept from a file, operators it described, and the report."""

    memberships: pd.DataFrame
    operators: pd.DataFrame | None
    report: ValidationReport


# --------------------------------------------------------------------------- entry points


def open_import(
    path: Path | str,
    content: bytes | None = None,
    *,
    sheet: str | None = None,
    limits: Limits = LIMITS,
    budget: Budget | None = None,
) -> Table:
    """The file's table, read within the limits (before any reference data is needed).

    ``content`` lets the app pass an uploaded file's bytes (``path`` then only
    names it); ``sheet`` names the sheet of a workbook holding several lists.
    """
    name = display_name(path)
    budget = budget or Budget(name, limits.seconds)
    try:
        with budget.deadline_timer():  # opening a workbook is long, and checks nothing
            return open_table(
                path, content, limits=limits, budget=budget, sheet_kind=sheet_kind, sheet=sheet
            )
    except MemoryError:
        raise _out_of_memory(name) from None


def needs_operator(
    path: Path | str, content: bytes | None = None, *, sheet: str | None = None
) -> bool:
    """True for a member list without operator column: readable once its OPSN is given.

    Only the first lines are read (the header tells). A file that cannot be
    read at all gives ``False``: reading it says why.
    """
    try:
        return lacks_operator(head_of(path, content, sheet=sheet))
    except ImportFileError:
        return False


def head_of(path: Path | str, content: bytes | None = None, *, sheet: str | None = None):
    """The header found in the file's first lines (``None``: none recognised), within the
    file's time budget; :class:`ImportFileError` for a file that cannot be opened."""
    budget = Budget(display_name(path))
    with budget.deadline_timer():
        return find_header(open_import(path, content, sheet=sheet, budget=budget).head())


def lacks_operator(header) -> bool:
    """Whether a header is that of a member list without operator column."""
    return header is not None and header.format == "liste_opsn" and "opsn" not in header.roles


def read_memberships(
    path: Path | str,
    reference: ReferenceData,
    registry: pd.DataFrame | None = None,
    content: bytes | None = None,
    opsn: str | None = None,
    *,
    sheet: str | None = None,
    table: Table | None = None,
    limits: Limits = LIMITS,
) -> ImportResult:
    """Read any membership or operators file; see the module docstring for the counting rule.

    ``opsn`` is the operator of every row when the file has no operator
    column (or leaves it empty). ``registry`` defaults to the bundled one; it
    maps ANCT uuids, SIREN, acronyms and names to registry ids. ``table`` is
    a table already opened by :func:`open_import`. Raises
    :class:`ImportFileError` when the file cannot be read at all.
    """
    name = display_name(path)
    # a table opened by the caller has spent part of its file's time already
    budget = (table.budget if table is not None else None) or Budget(name, limits.seconds)
    try:
        with budget.deadline_timer():
            if table is None:
                table = open_import(path, content, sheet=sheet, limits=limits, budget=budget)
            registry = load_registry() if registry is None else registry
            return _interpret(table, path, content, reference, registry, opsn, limits)
    except MemoryError:
        message = str(_out_of_memory(name))
    except ImportFileError as error:
        message = str(error)
    # Out of the except block: the error and the frames it holds (the file's
    # text, its rows) are gone, so their memory can be handed back.
    table = content = None
    release_memory()
    raise ImportFileError(message)


def _out_of_memory(name: str) -> ImportFileError:
    return ImportFileError(
        f"{name} : mémoire insuffisante pour lire ce fichier ; découpez-le en plusieurs "
        "fichiers plus petits."
    )


def _interpret(
    table: Table,
    path: Path | str,
    content: bytes | None,
    reference: ReferenceData,
    registry: pd.DataFrame,
    opsn: str | None,
    limits: Limits,
) -> ImportResult:
    report = ValidationReport(file=table.name, read_as=table.describe(), max_issues=limits.issues)
    report.notes.extend(table.notes)
    head = table.head(HEAD_LINES)
    header = find_header(head)
    if header is None:
        raise ImportFileError(
            f"{table.name} : format non reconnu — aucune colonne code INSEE, SIREN, SIRET ou "
            f"nom de commune dans les {HEAD_LINES} premières lignes (première ligne lue : "
            f"« {first_line_shown(head)} »). Attendu : une liste d'adhérents avec une ligne "
            "d'en-tête, ou un fichier « operators » ou « adherents » de l'ANCT."
        )
    report.format = header.format
    report.notes.extend(header.notes)
    rows = _after_header(table.rows, header)
    if header.format == "registre":
        operators = read_registry_file(str(path), content)
        report.rows = report.accepted = len(operators)
        return ImportResult(empty_memberships(), operators, report)
    if header.format == "anct_operateurs":
        operators = read_anct_operators(rows, header, registry, reference, report, limits)
        return ImportResult(empty_memberships(), operators, report)
    lookup = operator_lookup(registry)
    default_opsn = None
    if opsn:
        default_opsn = resolve_operator(opsn, lookup)
        if default_opsn is None:
            default_opsn = opsn.strip()
            report.notes.append(
                f"opérateur « {opsn} » absent du registre : identifiant gardé tel quel"
            )
    elif "opsn" not in header.roles:
        raise ImportFileError(
            f"{table.name} : aucune colonne « opérateur » ou « OPSN » ; précisez l'opérateur de "
            "toutes les lignes (option --opsn de la ligne de commande)."
        )
    reader = _MemberRows(table, header, reference, lookup, default_opsn, report, limits)
    return ImportResult(reader.read(rows), None, report)


def _after_header(rows: Iterator[Row], header: Header) -> Iterator[Row]:
    for _ in range(header.index + 1):
        next(rows, None)
    return rows


# --------------------------------------------------------------------------- members


def _resolve_siret(raw: str, reference: ReferenceData) -> Resolution:
    checked = check_siret(raw)
    if not checked.ok:
        return Resolution(None, None, checked.message)
    found = reference.resolve_siren(checked.value[:9])
    if found.kind is None:
        return Resolution(
            None, None, f"SIRET « {checked.value} » : ni une commune ni un EPCI connus"
        )
    return Resolution(found.kind, found.code, checked.message, checked.corrected)


_CODE_IN_NAME = re.compile(r"(\d{4,5}|2[abAB]\d{3})")


def _codes_in_name(cells: dict[str, object]) -> dict[str, object]:
    """A « commune » column holding codes (and no INSEE column) is an INSEE column."""
    name = text_of(cells.get("nom"))
    if text_of(cells.get("insee")) == "" and _CODE_IN_NAME.fullmatch(name or "-"):
        return {**cells, "insee": name, "nom": ""}
    return cells


def resolve_codes(
    cells: dict[str, object], reference: ReferenceData
) -> tuple[Outcome | None, list[str], str]:
    """The member found by its codes (INSEE, then SIREN, then SIRET), if any.

    Returns ``(outcome, failures, first value)``: ``outcome`` is ``None``
    when no code resolves, ``failures`` says why each code given failed.
    """
    failures: list[str] = []
    first_value = ""
    attempts = (
        (cells.get("insee"), reference.resolve_insee),
        (cells.get("siren"), reference.resolve_siren),
        (cells.get("siret"), lambda raw: _resolve_siret(raw, reference)),
    )
    for raw, resolve in attempts:
        text = text_of(raw)
        if not text:
            continue
        first_value = first_value or text
        found = resolve(raw if not isinstance(raw, str) else text)
        if found.kind is not None:
            notes = list(failures)
            if failures:
                notes.append(f"membre identifié par « {text} »")
            if found.corrected and found.message:
                notes.append(found.message)
            return Outcome(found.kind, found.code, first_value, notes), failures, first_value
        failures.append(found.message or f"« {text} » inconnu")
    return None, failures, first_value


def resolve_by_name(
    cells: dict[str, object],
    reference: ReferenceData,
    failures: list[str],
    first_value: str,
) -> Outcome:
    """The member found by name and department, after its codes failed (``failures``)."""
    name = text_of(cells.get("nom"))
    if name:
        outcome = resolve_name(name, text_of(cells.get("departement")), name_index(reference))
        if outcome.kind is not None:
            outcome.notes = failures + outcome.notes
            outcome.value = first_value or outcome.value
            return outcome
        failures = [*failures, outcome.error or ""]
        first_value = first_value or outcome.value
    if not failures:
        return Outcome(value="", error="aucun identifiant (code INSEE, SIREN, SIRET ou nom)")
    return Outcome(value=first_value, error=" ; ".join(failures))


def resolve_member(cells: dict[str, object], reference: ReferenceData) -> Outcome:
    """Current commune or EPCI of one row: INSEE, then SIREN, then SIRET, then name."""
    cells = _codes_in_name(cells)
    outcome, failures, first_value = resolve_codes(cells, reference)
    return outcome or resolve_by_name(cells, reference, failures, first_value)


@dataclass(slots=True)
class _Resolved:
    member: int  # index in _MemberRows.members
    value: str
    notes: tuple[str, ...]


@dataclass(slots=True)
class _Failure:
    error: str
    value: str


class _MemberRows:
    """One pass over the rows of a member list: distinct values resolved once, rows as integers."""

    def __init__(
        self,
        table: Table,
        header: Header,
        reference: ReferenceData,
        lookup: dict[str, str],
        default_opsn: str | None,
        report: ValidationReport,
        limits: Limits,
    ) -> None:
        self.table, self.header, self.reference = table, header, reference
        self.lookup, self.default_opsn, self.report, self.limits = (
            lookup,
            default_opsn,
            report,
            limits,
        )
        roles = header.roles
        self.member_roles = [r for r in MEMBER_ROLES if r in roles]
        self.other_roles = [r for r in OTHER_ROLES if r in roles]
        positions = [roles[r] for r in (*self.member_roles, *self.other_roles)]
        self.width = max(positions) + 1
        getter = itemgetter(*positions)
        self.pick = getter if len(positions) > 1 else (lambda cells: (getter(cells),))
        self.role_slots = {r: i for i, r in enumerate((*self.member_roles, *self.other_roles))}
        self.members: list[tuple[str, str]] = []  # (kind, code)
        self.member_index: dict[tuple[str, str], int] = {}
        self.resolved: list[_Resolved] = []
        self.memo: dict[tuple, int | _Failure] = {}  # member cells → resolved index
        # Codes resolve without the name: remember them alone, so that a list
        # naming each commune its own way still resolves each code once.
        self.code_count = sum(r in ("insee", "siren", "siret") for r in self.member_roles)
        self.code_memo: dict[tuple, int] = {}
        self.operators: list[str] = []
        self.operator_index: dict[str, int] = {}
        self.operator_memo: dict[object, int] = {}
        self.unknown_operators: dict[int, str] = {}  # operator index → raw text
        self.dates: list[pd.Timestamp | None] = [None]
        self.date_notes: list[str | None] = [None]
        self.date_memo: dict[object, int] = {}
        self.rejected: list[tuple[int, str, str]] = []  # (line, value, detail), first ones only

    # ------------------------------------------------------------------ per distinct value

    def _remember(self, outcome: Outcome) -> int | _Failure:
        if outcome.kind is None:
            return _Failure(outcome.error or "membre inconnu", outcome.value)
        member = (outcome.kind, outcome.code)
        index = self.member_index.get(member)
        if index is None:
            index = self.member_index[member] = len(self.members)
            self.members.append(member)
        self.resolved.append(_Resolved(index, outcome.value, tuple(outcome.notes)))
        return len(self.resolved) - 1

    def _member(self, key: tuple) -> int | _Failure:
        """Index of the resolved member for these cells, or why there is none.

        Codes are resolved once per distinct codes (the name does not matter
        when a code is found); the name, when needed, once per distinct row.
        """
        found = self.memo.get(key)
        if found is not None:
            return found
        given = dict(zip(self.member_roles, key, strict=True))
        cells = _codes_in_name(given)
        codes = key[: self.code_count]
        outcome, failures, first_value = resolve_codes(cells, self.reference)
        if outcome is not None:
            result = self._remember(outcome)
            if cells is given and self.code_count and len(self.code_memo) < MEMO_ENTRIES:
                self.code_memo[codes] = result  # the name does not matter for these codes
            elif len(self.memo) < MEMO_ENTRIES:
                self.memo[key] = result
            return result
        result = self._remember(resolve_by_name(cells, self.reference, failures, first_value))
        if len(self.memo) < MEMO_ENTRIES:
            self.memo[key] = result
        return result

    def _operator(self, raw: object) -> int | None:
        found = self.operator_memo.get(raw)
        if found is not None:
            return found
        text = text_of(raw)
        if text:
            operator = resolve_operator(text, self.lookup)
            unknown = operator is None
            operator = operator or text
        elif self.default_opsn is not None:
            operator, unknown = self.default_opsn, False
        else:
            return None
        index = self.operator_index.get(operator)
        if index is None:
            index = self.operator_index[operator] = len(self.operators)
            self.operators.append(operator)
        if unknown:
            self.unknown_operators.setdefault(index, text)
        if len(self.operator_memo) < MEMO_ENTRIES:
            self.operator_memo[raw] = index
        return index

    def _date(self, raw: object) -> int:
        found = self.date_memo.get(raw)
        if found is not None:
            return found
        value, note, _ = parse_date(raw)
        if value is None and note is None:
            index = 0
        else:
            index = len(self.dates)
            self.dates.append(value)
            self.date_notes.append(note)
        if len(self.date_memo) < MEMO_ENTRIES:
            self.date_memo[raw] = index
        return index

    # ------------------------------------------------------------------ the pass

    def _reject(self, line: int, value: str, detail: str) -> None:
        self.report.rejected += 1
        if len(self.rejected) < self.limits.issues:
            self.rejected.append((line, value, detail))

    def read(self, rows: Iterator[Row]) -> pd.DataFrame:
        """The memberships of ``rows`` (after the header); counts and issues in the report."""
        report, table = self.report, self.table
        blank = _csv_blank if table.kind == "csv" else is_blank
        width, pick, spans = self.width, self.pick, table.spans
        slots = self.role_slots
        member_count, code_count = len(self.member_roles), self.code_count
        code_memo, operator_memo, date_memo = self.code_memo, self.operator_memo, self.date_memo
        operator_slot = slots.get("opsn")
        since_slot, until_slot = slots.get("depuis"), slots.get("jusqu_a")
        reference_slot = slots.get("reference")
        separator = table.separator or ";"
        unterminated = table.unterminated
        # 4-byte integers: a million kept rows cost 20 MB here, not 40
        lines, kept, operators = array("i"), array("i"), array("i")
        since, until, refused_operators = array("i"), array("i"), array("i")
        references: list[str] = []
        default_operator = self._operator(None) if self.default_opsn is not None else None
        count = blanks = 0
        for line, given in rows:
            count += 1
            cells = given
            if len(cells) < width:
                if blank(cells):
                    blanks += 1
                    continue
                cells = (*cells, *([None] * (width - len(cells))))
            picked = pick(cells)
            if line == unterminated and self._cut(line, given, picked):
                continue
            if spans and line in spans:
                if self._swallowed(line, spans[line], cells, picked, separator):
                    continue
            key = picked[:member_count]
            member = code_memo.get(key[:code_count]) if code_count else None
            if member is None:
                if blank(given):
                    blanks += 1
                    continue
                member = self._member(key)
            if operator_slot is None:
                operator = default_operator
            else:
                raw = picked[operator_slot]
                operator = operator_memo.get(raw)
                if operator is None:
                    operator = self._operator(raw)
            if member.__class__ is _Failure:
                self._reject(line, member.value, f"{member.error} : ligne rejetée")
                if operator is not None:
                    refused_operators.append(operator)
                continue
            if operator is None:
                value = self.resolved[member].value
                self._reject(line, value, "opérateur absent (colonne vide) : ligne rejetée")
                continue
            lines.append(line)
            kept.append(member)
            operators.append(operator)
            if since_slot is not None:
                raw = picked[since_slot]
                date = date_memo.get(raw)
                since.append(self._date(raw) if date is None else date)
            if until_slot is not None:
                raw = picked[until_slot]
                date = date_memo.get(raw)
                until.append(self._date(raw) if date is None else date)
            if reference_slot is not None:
                references.append(text_of(picked[reference_slot]))
        report.rows += count
        report.blank += blanks
        if self.unknown_operators:
            used = np.bincount(_ints(operators), minlength=len(self.operators))
            used += np.bincount(_ints(refused_operators), minlength=len(self.operators))
            for index, text in self.unknown_operators.items():
                rows_count = int(used[index])
                report.notes.append(
                    f"opérateur « {text} » absent du registre ({fmt.integer(rows_count)} ligne"
                    f"{'s' if rows_count > 1 else ''}) : identifiant gardé tel quel"
                )
        zeros = array("i", bytes(lines.itemsize * len(lines)))
        return self._finish(
            lines,
            kept,
            operators,
            since if since_slot is not None else zeros,
            until if until_slot is not None else zeros,
            references,
        )

    def _cut(self, line: int, cells, picked) -> bool:
        """The last line, without a line break: rejected if shorter than the header, else flagged."""
        header_width = len(self.header.cells)
        while header_width and is_blank(self.header.cells[header_width - 1 : header_width]):
            header_width -= 1
        width = len(cells)
        while width and is_blank(cells[width - 1 : width]):
            width -= 1
        if is_blank(cells):
            return False
        if width < header_width:
            value = (self.table.separator or ";").join(text_of(c) for c in cells)
            self._reject(
                line,
                value,
                f"dernière ligne coupée ({width} colonne(s) sur {header_width}, sans fin de "
                "ligne) : le fichier a sans doute été tronqué ; ligne rejetée — vérifiez la fin "
                "du fichier",
            )
            return True
        self.report.notes.append(
            f"ligne {line}, la dernière, sans fin de ligne : vérifiez que le fichier n'a pas "
            "été coupé (téléchargement ou copie interrompus)"
        )
        return False

    def _swallowed(self, line, end, cells, picked, separator) -> bool:
        """Reject the lines of a record that a stray quote made one; False if the record is fine."""
        broken = any(isinstance(c, str) and ("\n" in c or "\r" in c) for c in picked) or any(
            isinstance(c, str) and ("\n" in c or "\r" in c) and separator in c for c in cells
        )
        if not broken:
            return False
        pieces = re.split(r"\r\n|\r|\n", separator.join(str(c) for c in cells if c is not None))
        self.report.rows += end - line
        for offset, number in enumerate(range(line, end + 1)):
            value = pieces[offset] if offset < len(pieces) else ""
            value = value if len(value) <= 80 else value[:79] + "…"
            if number == line:
                detail = (
                    f'guillemet (") ouvert ligne {line} : les lignes {line} à {end} ont été lues '
                    "comme une seule cellule et sont rejetées ; retirez ce guillemet (ou "
                    'doublez-le : "") puis importez de nouveau le fichier'
                )
            else:
                detail = f'ligne avalée par le guillemet (") ouvert ligne {line} : rejetée'
            self._reject(number, value, detail)
        return True

    def _finish(self, lines, kept, operators, since, until, references) -> pd.DataFrame:
        """Duplicates, notes and the memberships table, computed on whole columns at once."""
        trim_memory()  # the pass's garbage (the file's text, its rows) goes back first
        report = self.report
        line_of, resolved, operator_of = _ints(lines), _ints(kept), _ints(operators)
        since_index, until_index = _ints(since), _ints(until)
        member_of = np.array([r.member for r in self.resolved], dtype=np.int64)[resolved]
        noted = np.array([bool(r.notes) for r in self.resolved], dtype=bool)[resolved]
        dates = np.array(
            [np.datetime64("NaT") if d is None else d.to_datetime64() for d in self.dates],
            dtype="datetime64[ns]",
        )
        date_noted = np.array([n is not None for n in self.date_notes], dtype=bool)
        start, end = dates[since_index], dates[until_index]
        backwards = ~np.isnat(start) & ~np.isnat(end) & (end < start)
        start[backwards] = np.datetime64("NaT")
        end[backwards] = np.datetime64("NaT")
        duplicate, first_row = _first_occurrences(
            operator_of.astype(np.int64) * max(len(self.members), 1) + member_of,
            start.view(np.int64),
            end.view(np.int64),
        )
        noted |= date_noted[since_index] | date_noted[until_index] | backwards
        report.accepted = int((~duplicate).sum())
        report.duplicates = int(duplicate.sum())
        report.corrected = int((noted & ~duplicate).sum())
        flagged = []
        for row in np.flatnonzero(noted | duplicate)[: self.limits.issues]:
            entry = self.resolved[resolved[row]]
            notes = list(entry.notes)
            notes += [
                self.date_notes[i]
                for i in (since_index[row], until_index[row])
                if self.date_notes[i]
            ]
            if backwards[row]:
                notes.append(
                    f"date de fin {french_date(self.dates[until_index[row]])} antérieure à la "
                    f"date d'adhésion {french_date(self.dates[since_index[row]])} : dates ignorées"
                )
            status = "corrected"
            if duplicate[row]:
                notes.append(
                    f"doublon de la ligne {line_of[first_row[row]]} : gardé une seule fois"
                )
                status = "duplicate"
            flagged.append((int(line_of[row]), entry.value, status, " ; ".join(notes)))
        rejected = [(line, value, "rejected", detail) for line, value, detail in self.rejected]
        for line, value, status, detail in heapq.merge(rejected, flagged, key=itemgetter(0)):
            if len(report.issues) >= self.limits.issues:
                break
            report.add(line, value, status, detail)
        report.omitted = report.rejected + report.corrected + report.duplicates - len(report.issues)
        keep = ~duplicate
        member_kept = member_of[keep]
        commune = np.array([kind == "commune" for kind, _ in self.members], dtype=bool)
        codes = [code for _, code in self.members]
        none = len(codes)  # the position of "" after the codes
        is_commune = commune[member_kept]
        blank = np.zeros(int(keep.sum()), dtype=np.int64)
        return memberships_frame(
            {
                "opsn": _strings(self.operators, operator_of[keep]),
                "insee": _strings([*codes, ""], np.where(is_commune, member_kept, none)),
                "epci": _strings([*codes, ""], np.where(is_commune, none, member_kept)),
                "depuis": start[keep],
                "jusqu_a": end[keep],
                "source": _strings([report.file], blank),
                "ligne": line_of[keep],
                "reference": _strings(references, np.flatnonzero(keep))
                if references
                else _strings([""], blank),
            }
        )


def _strings(values: list[str], positions: np.ndarray) -> pd.Series:
    """``values[positions]`` as a string column, built by Arrow (no Python object per row)."""
    taken = pa.array(values, type=pa.large_string()).take(pa.array(positions, type=pa.int64()))
    return pd.Series(pd.array(taken, dtype=pd.StringDtype("pyarrow", na_value=np.nan)))


def _first_occurrences(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows keyed by several int64 columns: is each a repeat, and the row it repeats."""
    size = len(keys[0])
    # A key equal on every row (no dates in the file, say) orders nothing.
    keys = tuple(k for k in keys if size and (k != k[0]).any()) or keys[:1]
    order = np.lexsort(keys[::-1])  # stable: equal keys stay in row order
    repeat = np.zeros(size, dtype=bool)
    if size > 1:
        same = np.ones(size - 1, dtype=bool)
        for key in keys:
            ordered = key[order]
            same &= ordered[1:] == ordered[:-1]
        repeat[1:] = same
    starts = np.maximum.accumulate(np.where(repeat, 0, np.arange(size)))
    duplicate = np.empty(size, dtype=bool)
    duplicate[order] = repeat
    first = np.empty(size, dtype=np.int64)
    first[order] = order[starts]
    return duplicate, first


def _ints(values: array) -> np.ndarray:
    if not len(values):
        return np.zeros(0, np.int64)
    return np.frombuffer(values, dtype=np.dtype(f"i{values.itemsize}"))


def _csv_blank(cells) -> bool:
    return not "".join(cells).strip()


# --------------------------------------------------------------------------- bundled data


def load_bundled_memberships(path: Path | str | None = None) -> pd.DataFrame:
    """The sourced memberships shipped in ``data/opsn/adhesions.csv``.

    Read directly (no reference data needed): in that file ``insee`` is the
    current commune for a commune member and empty for an EPCI member, whose
    SIREN is then in ``siren``. The tests check that :func:`read_memberships`
    reads the same file to the same rows with nothing rejected.
    """
    path = Path(path) if path is not None else BUNDLED_PATH
    raw = read_text_frame(path)
    depuis = [parse_date(text)[0] for text in raw["depuis"]]
    jusqu_a = [parse_date(text)[0] for text in raw["jusqu_a"]]
    return memberships_frame(
        {
            "opsn": raw["opsn"],
            "insee": raw["insee"],
            "epci": [
                siren if not insee else ""
                for insee, siren in zip(raw["insee"], raw["siren"], strict=True)
            ],
            "depuis": depuis,
            "jusqu_a": jusqu_a,
            "source": [path.name] * len(raw),
            "ligne": range(2, len(raw) + 2),
            "reference": raw["source"],
        }
    )
