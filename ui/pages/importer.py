"""« Importer » page: files → OPSN of each list → report → preview → confirm (one version).

Registered only for a signed-in person (``app.py``). Reading is
:func:`geo.planning.imports.read_import` (the project's bounded readers), run in
a worker process (:mod:`geo.planning.reading`); the
preview is :func:`geo.planning.compare.compare_snapshots` on the saved data and
on what they would become; confirming is one transaction of the store.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from geo.core import fmt
from geo.core.registry import opsn_names
from geo.exports import csv_bytes
from geo.importers.isolated import warm
from geo.importers.tables import MAX_FILE_BYTES
from geo.planning.changes import MEMBERSHIP_MODES, OPERATOR_MODES
from geo.planning.compare import compare_snapshots
from geo.planning.imports import apply_import, import_counts, report_lines
from geo.planning.reading import heads_isolated, read_files_isolated
from geo.storage import ConflictError, NothingToSave, StorageError
from geo.storage.labels import data_label
from ui.access import require_identity
from ui.data import OPTIONS, VERSION, store, version_token
from ui.markdown import md
from ui.refresh import refresh_section
from ui.resources import reference_data
from ui.summary import changed_communes, figures_delta, report_columns

STATUS_FILTERS = ["toutes", "acceptée", "corrigée", "rejetée", "doublon"]
#: Files read and previews are shared by the sessions of this server; after this
#: long unused, they are dropped, so that a large list does not stay in memory
#: once the person who brought it has left.
IDLE_SECONDS = 15 * 60


def _files_token(contents: tuple) -> str:
    digest = hashlib.sha256()
    for name, data in contents:
        digest.update(hashlib.sha256(name.encode()).digest() + hashlib.sha256(data).digest())
    return digest.hexdigest()[:16]


# Both steps read the files in a worker process (geo.planning.reading): a long or
# heavy file stops there, in time, while the other visitors' pages go on.
@st.cache_resource(max_entries=8, ttl=IDLE_SECONDS, show_spinner="Lecture des fichiers…")
def _needs_operator(token: str, _contents: tuple) -> tuple[tuple[str, ...], dict[str, str]]:
    return heads_isolated(_contents)


@st.cache_resource(max_entries=8, ttl=IDLE_SECONDS, show_spinner="Lecture des fichiers…")
def _read(token: str, version: str, operators: tuple, _contents: tuple, _registry, _refused):
    return read_files_isolated(
        reference_data(), list(_contents), _registry, dict(operators), _refused
    )


@st.cache_resource(max_entries=8, ttl=IDLE_SECONDS, show_spinner="Calcul de l'aperçu…")
def _preview(token, version, operators, modes, options, _snapshot, _batch):
    after = apply_import(_snapshot, _batch, *modes)
    return compare_snapshots(_snapshot, after, reference_data(), options)


who = require_identity()
warm()  # a reading worker starts while the person picks the files
reference = reference_data()
options = st.session_state.get(OPTIONS)
st.title("Importer des adhésions ou des opérateurs")
st.caption(
    "Listes d'adhérents tenues par les OPSN (CSV, TSV, XLSX ; « ; » ou « , » ; UTF-8 ou "
    "Windows-1252), fichiers « operators » et « adherents » (CSV.gz) de la Suite territoriale "
    "de l'ANCT. Rien n'est enregistré avant la confirmation, en bas de page ; les lignes "
    "rejetées n'empêchent pas d'enregistrer les autres."
)
refresh_section(who)
uploads = st.file_uploader(
    "Fichiers à importer",
    accept_multiple_files=True,
    key="import_files",
    type=["csv", "tsv", "txt", "xlsx", "gz", "xls", "ods"],  # .xls, .ods: told how to convert
    help=f"{MAX_FILE_BYTES // 2**20} Mo au plus par fichier. Un même fichier donné deux fois "
    "est lu une seule fois.",
)
if not uploads:
    st.stop()

version, snapshot = store().snapshot()
registry = snapshot.registry_typed()
contents = tuple((upload.name, upload.getvalue()) for upload in uploads)
token = _files_token(contents)

# 1. The OPSN of the lists that have no operator column.
names = opsn_names(registry)
choices = sorted(names, key=lambda i: names[i].lower())
operators = {}
needing, refused = _needs_operator(token, contents)
for name in needing:
    chosen = st.selectbox(
        f"OPSN de la liste « {md(name)} » (le fichier n'a pas de colonne opérateur)",
        choices,
        format_func=lambda i: f"{names[i]} ({i})",
        index=None,
        placeholder="Choisir l'OPSN…",
        key=f"operator_{token}_{name}",
    )
    if chosen is None:
        st.info(md(f"Choisissez l'OPSN de « {name} » pour lire ce fichier."))
        st.stop()
    operators[name] = chosen
operators_key = tuple(sorted(operators.items()))
batch = _read(token, version_token(version.number), operators_key, contents, registry, refused)

# 2. The report, full width.
st.header("Rapport de lecture")
for message in batch.errors:
    st.error(md(message))
for message in batch.repeated:
    st.info(md(message))
for report in batch.reports:
    summary = (
        f"**{md(report.file)}** ({md(report.read_as)}) : {report.rows} ligne(s) ; "
        f"{report.accepted} acceptée(s) dont {report.corrected} corrigée(s), "
        f"{report.rejected} rejetée(s), {report.duplicates} doublon(s)"
    )
    (st.warning if report.rejected else st.success)(summary)
    for note in report.notes:
        st.caption(md(note))
lines = report_lines(batch, reference)
if len(lines):
    left, right = st.columns([1, 2])
    status = left.selectbox("Lignes", STATUS_FILTERS, key="report_status")
    search = right.text_input("Filtrer (nom, code, message)", key="report_search")
    shown = lines if status == "toutes" else lines[lines["statut"] == status]
    if search.strip():
        needle = search.strip().lower()
        text = shown[["membre", "valeur", "detail"]].astype(str).agg(" ".join, axis=1).str.lower()
        shown = shown[text.str.contains(needle, regex=False)]
    several = lines["fichier"].nunique() > 1
    st.dataframe(
        shown.drop(columns=["message"] + ([] if several else ["fichier"])),
        hide_index=True,
        width="stretch",
        column_config=report_columns(),
        key="report_table",
    )
    st.download_button(
        "Télécharger le rapport (CSV)",
        csv_bytes(lines.drop(columns=["detail"]), [f"Import préparé sur la {data_label(version)}"]),
        file_name="rapport_import.csv",
        mime="text/csv",
        key="report_download",
    )
if batch.empty:
    st.error("Aucune ligne acceptée : il n'y a rien à enregistrer.")
    st.stop()

# 3. What saving would change.
st.header("Aperçu des changements")
modes_left, modes_right = st.columns(2)
membership_mode = modes_left.radio(
    "Adhésions", list(MEMBERSHIP_MODES), format_func=MEMBERSHIP_MODES.get, key="membership_mode"
)
operator_mode = "completer"
if batch.operators is not None and len(batch.operators):
    operator_mode = modes_right.radio(
        "Opérateurs", list(OPERATOR_MODES), format_func=OPERATOR_MODES.get, key="operator_mode"
    )
modes = (membership_mode, operator_mode)
preview = _preview(
    token, version_token(version.number), operators_key, modes, options, snapshot, batch
)
figures_delta(preview["figures"])
members = preview["memberships"]
registry_changes = preview["registry"]
st.markdown(
    f"Adhésions : **+{fmt.integer(members['added'])}** ajoutées, "
    f"**−{fmt.integer(members['removed'])}** retirées ; OPSN : "
    f"{len(registry_changes['added'])} ajouté(s), {len(registry_changes['changed'])} modifié(s)."
)
if members["by_opsn"]:
    st.dataframe(
        pd.DataFrame(members["by_opsn"]).rename(
            columns={
                "opsn": "Identifiant",
                "nom": "OPSN",
                "added": "Ajoutées",
                "removed": "Retirées",
            }
        ),
        hide_index=True,
        key="preview_by_opsn",
    )
st.markdown(f"**Communes dont le statut change : {fmt.integer(len(preview['communes']))}**")
changed_communes(
    preview["communes"], preview["figures"]["after"]["status_labels"], key="preview_communes"
)

# 4. Confirm: one version.
st.header("Enregistrer")
reason = st.text_input(
    "Motif (gardé dans l'historique)",
    key="import_reason",
    placeholder="ex. : liste reçue le 3 décembre",
)
if st.button("Enregistrer comme nouvelle version", type="primary", key="import_confirm"):
    try:
        saved = store().commit(
            lambda current: apply_import(current, batch, *modes),
            author=who.name,
            kind="import",
            reason=reason.strip() or f"import ({membership_mode})",
            files=batch.files,
            base=version.number,
            counts=import_counts(batch),
        )
    except NothingToSave:
        st.info("Ces fichiers ne changent rien aux données enregistrées : aucune version créée.")
    except (ConflictError, StorageError) as error:
        st.error(md(error))
    else:
        st.session_state[VERSION] = None  # the map shows the new version
        if saved.base != saved.number - 1:
            st.warning(
                f"D'autres enregistrements ont eu lieu depuis la version {saved.base} : "
                "votre import s'y ajoute (voir la page Versions)."
            )
        st.success(md(f"Enregistré : {data_label(saved)}."))
        st.page_link("ui/pages/carte.py", label="Voir la carte", icon=":material/map:")
