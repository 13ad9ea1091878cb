"""The import panel: operators and membership files read, reported line by line."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from geo.analysis import Inputs
from geo.inputs import inputs_from_contents
from ui.markdown import md
from ui.resources import bundled, reference_data


def imported_inputs(files: list) -> tuple[Inputs | None, str, list[str], list]:
    """Inputs built from uploaded files (operators and/or membership lists)."""
    contents = tuple((upload.name, upload.getvalue()) for upload in files)
    digest = hashlib.sha256()
    for name, data in contents:
        digest.update(hashlib.sha256(name.encode()).digest() + hashlib.sha256(data).digest())
    token = digest.hexdigest()[:16]
    return _read_uploads(token, contents)


@st.cache_resource(max_entries=8, show_spinner="Lecture des fichiers importés…")
def _read_uploads(token: str, _contents: tuple) -> tuple[Inputs | None, str, list[str], list]:
    """Read once per set of files, not on every rerun (the token is their hash)."""
    loaded = inputs_from_contents(reference_data(), list(_contents), bundled())
    if not loaded.reports:
        return None, "", loaded.errors, []
    return loaded.inputs, token, loaded.errors, loaded.reports


def import_panel() -> None:
    with st.sidebar.expander("Importer des fichiers", expanded=False):
        st.caption(
            "Fichiers « operators » et « adherents » de la Suite territoriale (ANCT), ou listes "
            "d'adhérents d'un OPSN (CSV, TSV, XLSX ; `;` ou `,` ; UTF-8 ou Windows-1252). "
            "Rien n'est enregistré : les données livrées restent intactes."
        )
        files = st.file_uploader(
            "Fichiers", accept_multiple_files=True, key="uploads", label_visibility="collapsed",
            type=["csv", "tsv", "txt", "xlsx", "gz"],
        )  # fmt: skip
        if not files:
            st.session_state.pop("imported", None)
            return
        inputs, token, errors, reports = imported_inputs(files)
        for message in errors:
            st.error(md(message))  # file names come from the user
        for report in reports:
            summary = (
                f"**{md(report.file)}** : {report.accepted} ligne(s) acceptée(s) "
                f"(dont {report.corrected} corrigée(s)), {report.rejected} rejetée(s)"
            )
            (st.warning if report.rejected else st.success)(summary)
            if report.issues:
                issues = pd.DataFrame(report.issues)[["line", "value", "message"]]
                issues.columns = ["Ligne", "Valeur", "Message"]
                st.dataframe(issues, hide_index=True, height=160)
        if inputs is not None:
            st.session_state["imported"] = (token, inputs)
