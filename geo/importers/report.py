"""The validation report of one imported file: counts and French messages per line.

Kept apart from the readers so that the command line, the app and the tests
share one counting rule: ``rows == accepted + rejected + duplicates + blank``
(``corrected`` and ``flagged`` are accepted lines).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geo.core import fmt

#: The statuses of a line, in French (``accepted`` lines have no issue).
STATUS_LABELS = {
    "accepted": "acceptée",
    "corrected": "corrigée",
    "flagged": "à vérifier",
    "rejected": "rejetée",
    "duplicate": "doublon",
}


@dataclass
class ValidationReport:
    """What happened to each line of one file: counts and French messages.

    ``issues`` holds one dict per noteworthy line: ``line``, ``value``,
    ``status`` (``corrected``, ``flagged`` — accepted, to be checked —,
    ``rejected`` or ``duplicate``) and ``message`` (plain French text naming
    file, line and value; escaping is the UI's job), and what :meth:`add`
    says of member lines.
    ``notes`` are file-level remarks (ignored columns, unknown operators…).
    Only the first ``max_issues`` line messages are kept (a file of a million
    bad lines would otherwise weigh more than its data); ``omitted`` counts
    the others, and the counts stay exact.
    """

    file: str
    format: str = ""
    format_label: str = ""  # the format's French label (geo.importers.formats)
    read_as: str = ""
    rows: int = 0
    accepted: int = 0
    corrected: int = 0
    rejected: int = 0
    duplicates: int = 0
    #: Accepted lines to be checked (a commune outside the OPSN's departments…).
    flagged: int = 0
    blank: int = 0
    issues: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Line-level messages beyond ``max_issues`` are counted here, not kept.
    omitted: int = 0
    max_issues: int = 5_000

    def add(self, line: int, value: object, status: str, detail: str, **extra: object) -> None:
        """Record an issue whose message names the file, the line and the value.

        ``extra`` adds what member lists know of the line: ``problem`` (one
        word, :data:`geo.importers.members.PROBLEMS`), ``cells`` (the member
        columns as the file wrote them), ``candidates`` and ``suggestion``
        (communes the line may mean), ``member`` (what it was read as).
        """
        if len(self.issues) >= self.max_issues:
            self.omitted += 1
            return
        shown = "" if value is None else str(value).strip()
        if len(shown) > 200:
            shown = shown[:199] + "…"
        if shown and shown not in detail:
            message = f"{self.file}, ligne {line}, valeur « {shown} » : {detail}"
        else:
            message = f"{self.file}, ligne {line} : {detail}"
        self.issues.append(
            {
                "line": line,
                "value": shown,
                "status": status,
                "message": message,
                "problem": extra.get("problem", ""),
                "cells": extra.get("cells") or {},
                "candidates": extra.get("candidates") or [],
                "suggestion": extra.get("suggestion"),
                "member": extra.get("member"),
            }
        )

    def to_dict(self) -> dict:
        """JSON-ready form; keys are a contract for scripts (only ever added)."""
        return {
            "file": self.file,
            "format": self.format,
            "read_as": self.read_as,
            "rows": self.rows,
            "accepted": self.accepted,
            "corrected": self.corrected,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "flagged": self.flagged,
            "blank": self.blank,
            "issues": list(self.issues),
            "notes": list(self.notes),
            "issues_omitted": self.omitted,
        }

    def counts_sentence(self) -> str:
        """« 9 ligne(s) ; 6 acceptée(s) dont 0 corrigée(s) et 1 à vérifier, 3 rejetée(s)… »."""
        return (
            f"{fmt.integer(self.rows)} ligne(s) ; {fmt.integer(self.accepted)} acceptée(s) dont "
            f"{fmt.integer(self.corrected)} corrigée(s) et {fmt.integer(self.flagged)} à "
            f"vérifier, {fmt.integer(self.rejected)} rejetée(s), "
            f"{fmt.integer(self.duplicates)} doublon(s)"
        )

    def text(self) -> str:
        """The report in French, for a terminal."""
        label = self.format_label or self.format
        lines = [
            f"Fichier : {self.file} — {label} ({self.read_as})",
            f"Lignes : {fmt.integer(self.rows)} ; acceptées : {fmt.integer(self.accepted)} "
            f"(dont {fmt.integer(self.corrected)} corrigées, {fmt.integer(self.flagged)} à "
            f"vérifier) ; rejetées : "
            f"{fmt.integer(self.rejected)} ; doublons : {fmt.integer(self.duplicates)} ; "
            f"vides : {fmt.integer(self.blank)}",
        ]
        lines += [f"Remarque : {note}" for note in self.notes]
        lines += [f"[{STATUS_LABELS[i['status']]}] {i['message']}" for i in self.issues]
        if self.omitted:
            lines.append(
                f"… et {fmt.integer(self.omitted)} autre(s) ligne(s) signalée(s), non détaillée(s) "
                f"(seules les {fmt.integer(self.max_issues)} premières le sont)."
            )
        return "\n".join(lines)
