"""Member lists, streamed: each row resolved to a current commune or an EPCI, or reported.

Counting rule (also in ``data/opsn/README.md``): every non-header line is one
of *accepted* (kept, possibly *corrected*), *rejected*, *duplicate* (kept
once, at its first line) or *blank*, so
``rows == accepted + rejected + duplicates + blank`` and
``len(memberships) == accepted``.

Rows are streamed: each distinct value (code, name, operator, date) is
resolved once, and a kept row costs a few integers until the final table is
built, so that a list of a million lines reads in seconds within a few
hundred megabytes.
"""

from __future__ import annotations

import heapq
import re
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter

import numpy as np
import pandas as pd
import pyarrow as pa

from geo.core import fmt
from geo.core.ids import department_of_insee
from geo.core.memberships import memberships_frame
from geo.core.reference import ReferenceData
from geo.core.registry import operator_lookup, opsn_names, resolve_operator
from geo.importers.bounded import ImportFileError, Limits, trim_memory
from geo.importers.cells import french_date, parse_date, text_of
from geo.importers.formats.base import ImportResult, ReadRequest
from geo.importers.headers import Header
from geo.importers.members import (
    Correction,
    candidate,
    check_agreement,
    codes_in_name,
    resolve_by_name,
    resolve_codes,
    resolve_correction,
    search_by_name,
)
from geo.importers.names import Outcome, name_index
from geo.importers.report import ValidationReport
from geo.importers.tables import Row, Table, is_blank

#: Distinct member values resolved once and remembered (beyond: resolved per row).
MEMO_ENTRIES = 200_000
MEMBER_ROLES = ("insee", "siren", "siret", "nom", "departement")
OTHER_ROLES = ("opsn", "depuis", "jusqu_a", "reference")


def read_member_list(request: ReadRequest) -> ImportResult:
    """The memberships of a member list (an OPSN's own, or the ANCT ``adherents`` file)."""
    report, table, header = request.report, request.table, request.header
    lookup = operator_lookup(request.registry)
    default_opsn = None
    opsn = request.opsn
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
    reader = _MemberRows(
        table,
        header,
        request.reference,
        lookup,
        default_opsn,
        report,
        request.limits,
        request.registry,
        request.corrections,
    )
    return ImportResult(reader.read(request.rows), None, report)


@dataclass(slots=True)
class _Resolved:
    member: int  # index in _MemberRows.members
    value: str
    notes: tuple[str, ...]
    key: tuple  # the member cells as read (for reports)
    problem: str = ""  # accepted but to be checked (« nom_inconnu »), or « correction »


@dataclass(slots=True)
class _Failure:
    outcome: Outcome  # why (``error``), and the communes the line may mean
    key: tuple


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
        registry: pd.DataFrame,
        corrections: Mapping[int, Correction],
    ) -> None:
        self.table, self.header, self.reference = table, header, reference
        self.lookup, self.default_opsn, self.report, self.limits = (
            lookup,
            default_opsn,
            report,
            limits,
        )
        self.corrections = corrections
        #: Each OPSN's departments, where its members are expected.
        self.perimeters = {
            opsn: tuple(d for d in _departments_of(departments) if d)
            for opsn, departments in zip(registry["id"], registry["departements"], strict=True)
        }
        self.opsn_names = opsn_names(registry)
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
        # Without a name or department column, codes alone say who the member
        # is: remember them alone. With one, the name must agree with the code.
        names = {"nom", "departement"} & set(self.member_roles)
        self.code_count = (
            0 if names else sum(r in ("insee", "siren", "siret") for r in self.member_roles)
        )
        self.code_memo: dict[tuple, int] = {}
        self.operators: list[str] = []
        self.operator_index: dict[str, int] = {}
        self.operator_memo: dict[object, int] = {}
        self.unknown_operators: dict[int, str] = {}  # operator index → raw text
        self.dates: list[pd.Timestamp | None] = [None]
        self.date_notes: list[str | None] = [None]
        self.date_memo: dict[object, int] = {}
        #: (line, value, detail, outcome, key), the first ones only
        self.rejected: list[tuple[int, str, str, Outcome | None, tuple | None]] = []
        self.searched: dict[tuple[int, int | None], Outcome] = {}  # (failure, operator) → found

    # ------------------------------------------------------------------ per distinct value

    def _remember(self, outcome: Outcome, key: tuple) -> int | _Failure:
        if outcome.kind is None:
            return _Failure(outcome, key)
        member = (outcome.kind, outcome.code)
        index = self.member_index.get(member)
        if index is None:
            index = self.member_index[member] = len(self.members)
            self.members.append(member)
        self.resolved.append(
            _Resolved(index, outcome.value, tuple(outcome.notes), key, outcome.problem)
        )
        return len(self.resolved) - 1

    def _member(self, key: tuple) -> int | _Failure:
        """Index of the resolved member for these cells, or why there is none.

        Resolved once per distinct cells (per distinct codes when the list
        gives no name nor department).
        """
        found = self.memo.get(key)
        if found is not None:
            return found
        given = dict(zip(self.member_roles, key, strict=True))
        cells = codes_in_name(given)
        outcome, failures, first_value = resolve_codes(cells, self.reference)
        if outcome is not None:
            result = self._remember(check_agreement(outcome, cells, self.reference), key)
            if self.code_count and cells is given and len(self.code_memo) < MEMO_ENTRIES:
                self.code_memo[key[: self.code_count]] = result
                return result
        else:
            result = self._remember(
                resolve_by_name(cells, self.reference, failures, first_value), key
            )
        if len(self.memo) < MEMO_ENTRIES:
            self.memo[key] = result
        return result

    def _departments(self, operator: int | None) -> tuple[str, ...]:
        return () if operator is None else self.perimeters.get(self.operators[operator], ())

    def _corrected(self, correction: Correction, key: tuple, operator: int | None):
        """The member a planner's correction gives this line (a code or a name), or why not."""
        shown = " ; ".join(v for v in self._cells(key).values() if v)
        outcome = resolve_correction(
            correction.code, shown, self._departments(operator), self.reference
        )
        return self._remember(outcome, key)

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

    def _reject(
        self,
        line: int,
        value: str,
        detail: str,
        outcome: Outcome | None = None,
        key: tuple | None = None,
    ) -> None:
        self.report.rejected += 1
        if len(self.rejected) < self.limits.issues:
            self.rejected.append((line, value, detail, outcome, key))

    def _reject_failure(self, line: int, failure: _Failure, operator: int | None) -> None:
        """Reject a line; the first ones are looked up by name among the OPSN's departments."""
        outcome = failure.outcome
        if outcome.search and len(self.rejected) < self.limits.issues:
            memo = (id(failure), operator)
            found = self.searched.get(memo)
            if found is None:
                index = name_index(self.reference)
                found = search_by_name(outcome, self._departments(operator), index)
                self.searched[memo] = found
            outcome = found
        self._reject(line, outcome.value, f"{outcome.error} : ligne rejetée", outcome, failure.key)

    def read(self, rows: Iterator[Row]) -> pd.DataFrame:
        """The memberships of ``rows`` (after the header); counts and issues in the report."""
        report, table = self.report, self.table
        blank = _csv_blank if table.kind == "csv" else is_blank
        width, pick, spans = self.width, self.pick, table.spans
        slots = self.role_slots
        member_count, code_count = len(self.member_roles), self.code_count
        memo, code_memo = self.memo, self.code_memo
        operator_memo, date_memo = self.operator_memo, self.date_memo
        operator_slot = slots.get("opsn")
        since_slot, until_slot = slots.get("depuis"), slots.get("jusqu_a")
        reference_slot = slots.get("reference")
        separator = table.separator or ";"
        unterminated = table.unterminated
        corrections = self.corrections
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
            member = code_memo.get(key[:code_count]) if code_count else memo.get(key)
            if member is None and blank(given):
                blanks += 1
                continue
            if operator_slot is None:
                operator = default_operator
            else:
                raw = picked[operator_slot]
                operator = operator_memo.get(raw)
                if operator is None:
                    operator = self._operator(raw)
            correction = corrections.get(line) if corrections else None
            if correction is not None:
                if not correction.keep:
                    shown = " ; ".join(v for v in self._cells(key).values() if v)
                    self._reject(
                        line,
                        shown,
                        "ligne écartée à l'import par la personne qui importe",
                        Outcome(value=shown, problem="ecartee"),
                        key,
                    )
                    continue
                if correction.code.strip():
                    member = self._corrected(correction, key, operator)
            if member is None:
                member = self._member(key)
            if member.__class__ is _Failure:
                self._reject_failure(line, member, operator)
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

    def _outside(self, operator_of: np.ndarray, member_of: np.ndarray) -> np.ndarray:
        """Rows whose member lies outside its OPSN's departments (OPSN with a perimeter only)."""
        outside = np.zeros(len(member_of), dtype=bool)
        perimeters = [set(self._departments(i)) for i in range(len(self.operators))]
        if not len(member_of) or not any(perimeters):
            return outside
        epci = self._epci_departments()
        places = [
            {department_of_insee(code)} if kind == "commune" else epci.get(code, set())
            for kind, code in self.members
        ]
        pairs = operator_of.astype(np.int64) * max(len(self.members), 1) + member_of
        unique, inverse = np.unique(pairs, return_inverse=True)
        width = max(len(self.members), 1)
        verdict = np.array(
            [
                bool(perimeters[pair // width])
                and bool(places[pair % width])
                and not places[pair % width] & perimeters[pair // width]
                for pair in unique.tolist()
            ],
            dtype=bool,
        )
        return verdict[inverse]

    def _epci_departments(self) -> dict[str, set[str]]:
        if not any(kind == "epci" for kind, _ in self.members):
            return {}
        epci = self.reference.epci
        return {
            siren: set(str(departments).split("|"))
            for siren, departments in zip(epci["siren"], epci["departements"], strict=True)
        }

    @cached_property
    def _epci_names(self) -> dict[str, str]:
        epci = self.reference.epci
        return dict(zip(epci["siren"], epci["nom"], strict=True))

    @cached_property
    def _department_names(self) -> dict[str, str]:
        departements = self.reference.departements
        return dict(zip(departements["code"], departements["nom"], strict=True))

    def _outside_note(self, operator: int, member: int) -> str:
        kind, code = self.members[member]
        names = self._department_names
        perimeter = ", ".join(self._departments(operator))
        if kind == "commune":
            department = department_of_insee(code)
            commune = name_index(self.reference).names.get(code, "")
            where = f"{commune} ({code}) : commune du département {department} " + (
                f"({names.get(department, '')})"
            )
        else:
            where = "EPCI sans commune dans ces départements"
        return (
            f"{where}, hors des départements de "
            f"{self.opsn_names.get(self.operators[operator], self.operators[operator])} "
            f"({perimeter}) : gardée, à vérifier"
        )

    def _finish(self, lines, kept, operators, since, until, references) -> pd.DataFrame:
        """Duplicates, notes and the memberships table, computed on whole columns at once."""
        trim_memory()  # the pass's garbage (the file's text, its rows) goes back first
        report = self.report
        line_of, resolved, operator_of = _ints(lines), _ints(kept), _ints(operators)
        since_index, until_index = _ints(since), _ints(until)
        member_of = np.array([r.member for r in self.resolved], dtype=np.int64)[resolved]
        noted = np.array([bool(r.notes) for r in self.resolved], dtype=bool)[resolved]
        checked = np.array([r.problem == "nom_inconnu" for r in self.resolved], dtype=bool)[
            resolved
        ]
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
        outside = self._outside(operator_of, member_of)
        to_check = (checked | outside) & ~duplicate
        noted |= date_noted[since_index] | date_noted[until_index] | backwards
        report.accepted = int((~duplicate).sum())
        report.duplicates = int(duplicate.sum())
        report.flagged = int(to_check.sum())
        report.corrected = int((noted & ~duplicate & ~to_check).sum())
        flagged = []
        for row in np.flatnonzero(noted | duplicate | to_check)[: self.limits.issues]:
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
            status, problem = "corrected", entry.problem
            if to_check[row]:
                status = "flagged"
                if outside[row]:
                    notes.append(self._outside_note(int(operator_of[row]), int(member_of[row])))
                    problem = "hors_departements"
            if duplicate[row]:
                notes.append(
                    f"doublon de la ligne {line_of[first_row[row]]} : gardé une seule fois"
                )
                status = "duplicate"
            member = self.members[entry.member]
            flagged.append(
                (
                    int(line_of[row]),
                    entry.value,
                    status,
                    " ; ".join(notes),
                    Outcome(*member, problem=problem),
                    entry.key,
                )
            )
        rejected = [
            (line, value, "rejected", detail, outcome, key)
            for line, value, detail, outcome, key in self.rejected
        ]
        for line, value, status, detail, outcome, key in heapq.merge(
            rejected, flagged, key=itemgetter(0)
        ):
            if len(report.issues) >= self.limits.issues:
                break
            report.add(line, value, status, detail, **self._extra(outcome, key))
        report.omitted = (
            report.rejected
            + report.corrected
            + report.duplicates
            + report.flagged
            - len(report.issues)
        )
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

    def _extra(self, outcome: Outcome | None, key: tuple | None) -> dict:
        """What a report adds to a line's message: the cells read, the communes it may mean."""
        if outcome is None:
            return {}
        index = name_index(self.reference) if outcome.candidates or outcome.suggestion else None
        member = None
        if outcome.kind:
            names = (
                name_index(self.reference).names if outcome.kind == "commune" else self._epci_names
            )
            member = {
                "kind": outcome.kind,
                "code": outcome.code,
                "nom": names.get(outcome.code or "", ""),
            }
        return {
            "problem": outcome.problem,
            "cells": self._cells(key) if key is not None else {},
            "candidates": [candidate(c, index) for c in outcome.candidates] if index else [],
            "suggestion": candidate(outcome.suggestion, index) if outcome.suggestion else None,
            "member": member,
        }

    def _cells(self, key: tuple) -> dict[str, str]:
        """The member cells of a line as text, in the file's order of columns."""
        read = dict(zip(self.member_roles, key, strict=True))
        return {role: text_of(read[role]) for role in sorted(read, key=self.header.roles.get)}


def _departments_of(value: object) -> tuple[str, ...]:
    """A registry's ``departements``: a tuple once loaded, ``|``-joined text as stored."""
    return tuple(value.split("|")) if isinstance(value, str) else tuple(value)


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
