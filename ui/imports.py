"""The import panel: operators and membership files read, reported line by line.

Reading, limits and messages are geo's (:mod:`geo.inputs`, :mod:`geo.importers`);
this panel only hands the uploaded bytes over and prints what comes back, as
plain text. What was read lives in this session only: it goes when the
session ends, and it is replaced (or dropped) as soon as the files change.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from geo import fmt
from geo.importers.bounded import MAX_FILE_BYTES
from geo.inputs import Inputs, LoadedInputs, inputs_from_contents
from ui.markdown import md
from ui.resources import bundled, reference_data

LIMIT_MB = MAX_FILE_BYTES // 2**20
#: Notes of a report shown under its summary (the full report: ``python -m geo validate``).
NOTES_SHOWN = 8


def imported_inputs(files: list, merge_registry: bool = False) -> tuple[str, LoadedInputs]:
    """Inputs built from uploaded files, read once per set of files in this session.

    The result is kept in the session, not in a cache shared by every
    visitor: a large list read by one person weighs nothing once their
    session is over.
    """
    contents = [(upload.name, upload.getvalue()) for upload in files]
    digest = hashlib.sha256(b"merge" if merge_registry else b"replace")
    for name, data in contents:
        digest.update(hashlib.sha256(name.encode()).digest() + hashlib.sha256(data).digest())
    token = digest.hexdigest()[:16]
    kept = st.session_state.get("import_read")
    if kept is None or kept[0] != token:
        st.session_state.pop("import_read", None)  # the previous files' data go first
        with st.spinner("Lecture des fichiers importés…"):
            loaded = inputs_from_contents(
                reference_data(), contents, bundled(), merge_registry=merge_registry
            )
        kept = (token, loaded)
        st.session_state["import_read"] = kept
    return kept


def import_panel() -> None:
    with st.sidebar.expander("Importer des fichiers", expanded=False):
        st.caption(
            "Fichiers « operators » et « adherents » de la Suite territoriale (ANCT), ou listes "
            "d'adhérents d'un OPSN (CSV, TSV, XLSX ; `;` ou `,` ; UTF-8 ou Windows-1252), "
            f"{LIMIT_MB} Mo au plus par fichier. Un fichier d'opérateurs remplace le registre "
            "livré. Rien n'est enregistré : les données livrées restent intactes."
        )
        files = st.file_uploader(
            "Fichiers", accept_multiple_files=True, key="uploads", label_visibility="collapsed",
            type=["csv", "tsv", "txt", "xlsx", "gz", "xls", "ods"],  # .xls, .ods: told how to convert
            help=f"{LIMIT_MB} Mo au plus par fichier (décompressé compris), 1 048 576 lignes ; "
            "un fichier plus gros est refusé avec un message.",
        )  # fmt: skip
        if not files:
            for key in ("imported", "import_read", "import_failed"):
                st.session_state.pop(key, None)
            return
        merge = bool(st.session_state.get("merge_registry", False))
        token, loaded = imported_inputs(files, merge)
        for message in loaded.errors:
            st.error(md(message))  # file names and contents come from the user
        for report in loaded.reports:
            summary = (
                f"**{md(report.file)}** : {fmt.integer(report.accepted)} ligne(s) acceptée(s) "
                f"(dont {fmt.integer(report.corrected)} corrigée(s)), "
                f"{fmt.integer(report.rejected)} rejetée(s)"
            )
            (st.warning if report.rejected else st.success)(summary)
            for note in report.notes[:NOTES_SHOWN]:
                st.caption(md(note))
            if len(report.notes) > NOTES_SHOWN:
                st.caption(f"… et {len(report.notes) - NOTES_SHOWN} autre(s) remarque(s).")
            if report.issues:
                issues = pd.DataFrame(report.issues)[["line", "value", "message"]]
                issues.columns = ["Ligne", "Valeur", "Message"]
                st.dataframe(issues, hide_index=True, height=160)
            if report.omitted:
                st.caption(f"… et {fmt.integer(report.omitted)} autre(s) ligne(s) signalée(s).")
        if loaded.reports:
            st.session_state["imported"] = (token, loaded.inputs)
            st.session_state.pop("import_failed", None)
        else:  # nothing readable: the figures must not stay those of earlier files
            st.session_state.pop("imported", None)
            st.session_state["import_failed"] = True


def imported() -> tuple[Inputs | None, bool]:
    """The inputs read from the files in the uploader now, and whether they all failed."""
    kept = st.session_state.get("imported")
    return (kept[1] if kept else None), bool(st.session_state.get("import_failed"))
