"""Correcting the problem lines of an import before saving, without editing the file.

The planner sees the lines that were rejected or flagged (:func:`problem_lines`),
types the right code or name, takes a suggestion, or leaves a flagged line
out; :func:`corrections_from_table` turns that table into
:class:`~geo.importers.members.Correction` by file and line, the files are read
again with them (:func:`geo.planning.imports.read_import`), and
:func:`correction_results` says, line by line, what each correction now gives.
Nothing is accepted that the planner did not type or tick.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from geo.importers.members import PROBLEMS, Correction
from geo.importers.report import STATUS_LABELS

#: Problems a planner can correct in the app (others need the file itself mended).
CORRECTABLE = frozenset(
    {
        "nom_code_discordants",
        "departement_code_discordants",
        "code_inconnu",
        "nom_seul",
        "nom_inconnu",
        "hors_departements",
    }
)
#: What each problem is called in the correction table (short: the table is narrow).
SHORT = {
    "nom_code_discordants": "nom ≠ code",
    "departement_code_discordants": "dépt ≠ code",
    "code_inconnu": "code inconnu",
    "nom_seul": "sans code",
    "nom_inconnu": "nom inconnu",
    "hors_departements": "hors périmètre",
}
#: Columns of :func:`problem_lines`; the planner edits :data:`EDITABLE`.
COLUMNS = (
    "fichier",
    "ligne",
    "lu",
    "probleme",
    "commune",
    "suggestion",
    "prendre_suggestion",
    "correction",
    "ecarter",
)
EDITABLE = ("prendre_suggestion", "correction", "ecarter")
#: Statuses of a line that is kept.
ACCEPTED = frozenset(STATUS_LABELS[s] for s in ("accepted", "corrected", "flagged"))

Corrections = dict[str, dict[int, Correction]]


def problems_legend() -> str:
    """What each short problem name of the table means (the column's help)."""
    return " ; ".join(f"{SHORT[word]} : {PROBLEMS[word]}" for word in SHORT)


def _label(commune: dict) -> str:
    return f"{commune['nom']} ({commune['insee']})"


def problem_lines(reports: list) -> pd.DataFrame:
    """The lines a planner may correct, from the reports of the files read without corrections.

    One row per rejected or flagged line whose problem is :data:`CORRECTABLE`:
    ``lu`` (the member columns as the file wrote them), ``probleme`` (status
    and problem, short), ``commune`` (the commune proposed, or those
    possible, « A ou B »), ``suggestion`` (the proposed code, empty when none), and the
    planner's columns, empty: ``prendre_suggestion``, ``correction``, ``ecarter``.
    """
    rows = []
    for report in reports:
        for issue in report.issues:
            problem = issue.get("problem")
            if problem not in CORRECTABLE:
                continue
            suggestion = issue.get("suggestion")
            candidates = issue.get("candidates") or []
            member = issue.get("member")
            if suggestion:
                commune = f"proposée : {_label(suggestion)}"
            elif member and member["kind"] == "commune":
                commune = f"gardée : {member['nom']} ({member['code']})"
            elif candidates:
                commune = " ou ".join(_label(c) for c in candidates)
            else:
                commune = ""
            rows.append(
                {
                    "fichier": report.file,
                    "ligne": issue["line"],
                    "lu": " ; ".join(v for v in (issue.get("cells") or {}).values() if v)
                    or issue["value"],
                    "probleme": f"{STATUS_LABELS.get(issue['status'], issue['status'])} : "
                    f"{SHORT[problem]}",
                    "commune": commune,
                    "suggestion": suggestion["insee"] if suggestion else "",
                    "prendre_suggestion": False,
                    "correction": "",
                    "ecarter": False,
                }
            )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def corrections_from_table(table: pd.DataFrame) -> Corrections:
    """What the planner asked for, by file and line: a typed code wins over a ticked suggestion."""
    found: Corrections = {}
    for row in table.to_dict(orient="records"):
        typed = str(row.get("correction") or "").strip()
        if not typed and row.get("prendre_suggestion") and row.get("suggestion"):
            typed = str(row["suggestion"])
        keep = not bool(row.get("ecarter"))
        if typed or not keep:
            found.setdefault(row["fichier"], {})[int(row["ligne"])] = Correction(typed, keep)
    return found


def corrections_key(corrections: Corrections) -> tuple:
    """A hashable, ordered form (a cache key)."""
    return tuple(
        (name, line, fix.code, fix.keep)
        for name, lines in sorted(corrections.items())
        for line, fix in sorted(lines.items())
    )


def from_key(key: tuple) -> Corrections:
    """:func:`corrections_key`'s inverse."""
    found: Corrections = {}
    for name, line, code, keep in key:
        found.setdefault(name, {})[line] = Correction(code, keep)
    return found


def with_results(
    problems: pd.DataFrame, corrections: Corrections, lines: pd.DataFrame
) -> pd.DataFrame:
    """``problems`` where each corrected line's ``commune`` says what the correction gives.

    ``lines`` is :func:`geo.planning.imports.report_lines` of the files read
    with ``corrections``: « ✓ Brest (29019) », « ✓ écartée » or « ✗ » and why.
    """
    fate = {(row["fichier"], int(row["ligne"])): row for row in lines.to_dict(orient="records")}
    shown = problems.copy()
    for position, (name, line) in enumerate(
        zip(problems["fichier"], problems["ligne"], strict=True)
    ):
        fix = corrections.get(name, {}).get(int(line))
        row = fate.get((name, int(line)))
        if fix is None or row is None:
            continue
        if not fix.keep:
            text = "✓ écartée"
        elif row["statut"] in ACCEPTED:
            text = f"✓ {row['membre']}"
        else:
            text = f"✗ {row['detail']}"
        shown.iat[position, shown.columns.get_loc("commune")] = text
    return shown


def correction_record(lines: Mapping[int, Correction]) -> dict[str, list[dict]]:
    """What a saved version records of one file's corrections (nothing when there is none)."""
    if not lines:
        return {}
    return {
        "corrections": [
            {"ligne": line, "code": fix.code, "ecartee": not fix.keep}
            for line, fix in sorted(lines.items())
        ]
    }
