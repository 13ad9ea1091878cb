"""« Importer » page: files → OPSN of each list → corrections → report → preview → confirm.

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
from geo.planning.changes import MEMBERSHIP_MODES
from geo.planning.compare import before_sentence, compare_snapshots
from geo.planning.corrections import (
    EDITABLE,
    corrections_from_table,
    corrections_key,
    from_key,
    problem_lines,
    problems_legend,
    with_results,
)
from geo.planning.imports import apply_import, import_counts, report_lines
from geo.planning.operator_changes import (
    IGNORED_HELP,
    OPERATOR_MODES,
    plan_operators,
    plan_tables,
)
from geo.planning.reading import heads_isolated, read_files_isolated
from geo.planning.saving import save_on_base
from geo.storage.labels import data_label
from ui.access import require_identity
from ui.data import OPTIONS, VERSION, remember_query, store
from ui.markdown import md
from ui.refresh import refresh_section
from ui.resources import reference_data
from ui.saving import gate, saved, show_saved
from ui.summary import changed_communes, figures_delta, report_columns
from ui.uploads import read_uploads

STATUS_FILTERS = ["toutes", "acceptée", "corrigée", "à vérifier", "rejetée", "doublon"]
#: Files read and previews are shared by the sessions of this server; after this
#: long unused, they are dropped, so that a large list does not stay in memory
#: once the person who brought it has left.
IDLE_SECONDS = 15 * 60


# Session key: imports saved in this session; each one starts the page again, files emptied.
SAVES = "import_saves"


def uploader_key() -> str:
    """``import_files``, then another key after each save (Streamlit empties a new uploader)."""
    saves = st.session_state.get(SAVES, 0)
    return "import_files" if not saves else f"import_files_{saves}"


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
def _read(token, version, operators: tuple, fixes: tuple, _contents: tuple, _registry, _refused):
    return read_files_isolated(
        reference_data(), list(_contents), _registry, dict(operators), from_key(fixes), _refused
    )


@st.cache_resource(max_entries=8, ttl=IDLE_SECONDS, show_spinner="Calcul de l'aperçu…")
def _preview(token, version, operators, fixes, modes, options, _snapshot, _batch):
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
if show_saved():
    st.page_link("ui/pages/carte.py", label="Voir la carte", icon=":material/map:")
refresh_section(who)
uploads = st.file_uploader(
    "Fichiers à importer",
    accept_multiple_files=True,
    key=uploader_key(),
    type=["csv", "tsv", "txt", "xlsx", "gz", "xls", "ods"],  # .xls, .ods: told how to convert
    help=f"{MAX_FILE_BYTES // 2**20} Mo au plus par fichier. Un même fichier donné deux fois "
    "est lu une seule fois.",
)
uploads = read_uploads(uploads, "import_files")  # in use: kept by the server's upload guard
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
linked = st.query_params.get("opsn_liste")  # the OPSN chosen before a reload or in a shared link
needing, refused = _needs_operator(token, contents)
for name in needing:
    chosen = st.selectbox(
        f"OPSN de la liste « {md(name)} » (le fichier n'a pas de colonne opérateur)",
        choices,
        format_func=lambda i: f"{names[i]} ({i})",
        index=choices.index(linked) if linked in choices else None,
        placeholder="Choisir l'OPSN…",
        key=f"operator_{token}_{name}",
    )
    if chosen is None:
        st.info(md(f"Choisissez l'OPSN de « {name} » pour lire ce fichier."))
        st.stop()
    operators[name] = chosen
operators_key = tuple(sorted(operators.items()))
if operators:
    st.query_params["opsn_liste"] = list(operators.values())[-1]
read_key = (token, (store().uid, version.number), operators_key)
first_reading = _read(*read_key, (), contents, registry, refused)

# 2. The lines to correct: the planner's corrections are read from the table's
# state before it is drawn, so that the files are read again with them and
# the table shows at once what each correction gives.
problems = problem_lines(first_reading.reports)
fixes = {}
if len(problems):
    edits = st.session_state.get(f"corrections_{token}", {}).get("edited_rows", {})
    edited = problems.copy()
    for position, changed in edits.items():
        for column, value in changed.items():
            if column in EDITABLE and int(position) < len(edited):
                edited.at[int(position), column] = value
    fixes = corrections_from_table(edited)
batch = _read(*read_key, corrections_key(fixes), contents, registry, refused)

# 3. The report, full width.
st.header("Rapport de lecture")
for message in batch.errors:
    st.error(md(message))
for message in batch.repeated:
    st.info(md(message))
for report in batch.reports:
    summary = f"**{md(report.file)}** ({md(report.read_as)}) : {report.counts_sentence()}"
    (st.warning if report.rejected or report.flagged else st.success)(summary)
    for note in report.notes:
        st.caption(md(note))
lines = report_lines(batch, reference)
if len(problems):
    st.subheader("Corriger les lignes rejetées ou à vérifier")
    st.caption(
        "Sans modifier le fichier : tapez le code INSEE (ou le SIREN, ou le nom) de la bonne "
        "commune dans « Correction », ou cochez « Prendre » pour la commune proposée ; cochez "
        "« Écarter » pour ne pas garder une commune à vérifier. Chaque correction est vérifiée "
        "aussitôt (colonne « Commune ») et n'est enregistrée qu'avec l'import."
    )
    several_files = problems["fichier"].nunique() > 1
    st.data_editor(
        with_results(problems, fixes, lines),
        key=f"corrections_{token}",
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        disabled=[c for c in problems.columns if c not in EDITABLE],
        column_order=[
            c for c in problems.columns if c != "suggestion" and (several_files or c != "fichier")
        ],
        column_config={
            "fichier": st.column_config.TextColumn("Fichier", width=110),
            "ligne": st.column_config.NumberColumn("Ligne", format="%d", width=50),
            "lu": st.column_config.TextColumn("Lu dans le fichier", width=120),
            "probleme": st.column_config.TextColumn("Problème", help=problems_legend(), width=170),
            "commune": st.column_config.TextColumn(
                "Commune",
                help="La commune proposée, ou les communes possibles ; après une correction, "
                "ce qu'elle donne (✓ gardée, ✗ refusée et pourquoi).",
                width=200,
            ),
            "prendre_suggestion": st.column_config.CheckboxColumn(
                "Prendre", help="Garder la commune proposée", width=80
            ),
            "correction": st.column_config.TextColumn(
                "Correction", help="Code INSEE, SIREN, SIRET ou nom de la commune", width=95
            ),
            "ecarter": st.column_config.CheckboxColumn(
                "Écarter", help="Ne pas garder cette ligne", width=80
            ),
        },
    )
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

# 4. What saving would change.
st.header("Aperçu des changements")
modes_left, modes_right = st.columns(2)
linked_mode = st.query_params.get("mode")
membership_mode = modes_left.radio(
    "Adhésions", list(MEMBERSHIP_MODES), format_func=MEMBERSHIP_MODES.get, key="membership_mode",
    index=list(MEMBERSHIP_MODES).index(linked_mode) if linked_mode in MEMBERSHIP_MODES else 0,
)  # fmt: skip
st.query_params["mode"] = membership_mode
remember_query("importer", {name: st.query_params[name] for name in st.query_params})
operator_mode = "completer"
if batch.operators is not None and len(batch.operators):
    operator_mode = modes_right.radio(
        "Opérateurs", list(OPERATOR_MODES), format_func=OPERATOR_MODES.get, key="operator_mode"
    )
modes = (membership_mode, operator_mode)
preview = _preview(
    token,
    (store().uid, version.number),
    operators_key,
    corrections_key(fixes),
    modes,
    options,
    snapshot,
    batch,
)
figures_delta(preview["figures"].before, preview["figures"].after)
st.caption(before_sentence(preview["figures"].before))
members = preview["memberships"]
st.markdown(
    f"Adhésions : **+{fmt.integer(members['added'])}** ajoutées, "
    f"**−{fmt.integer(members['removed'])}** retirées."
)
if batch.operators is not None and len(batch.operators):
    plan = plan_operators(snapshot.registry, batch.operators, operator_mode)
    st.markdown(
        f"OPSN : {fmt.integer(len(plan.added))} ajouté(s), "
        f"{fmt.integer(len(plan.changed_opsn))} modifié(s) ({fmt.integer(len(plan.changed))} "
        f"champ(s)), {fmt.integer(len(plan.ignored))} valeur(s) du fichier non reprise(s)."
    )
    for name, table in plan_tables(plan).items():
        if name == "ignored":
            st.markdown("**Valeurs du fichier non reprises**")
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            key=f"preview_operators_{name}",
            column_config={
                "OPSN": st.column_config.TextColumn(width=140),
                "Champ": st.column_config.TextColumn(width=170),
                "Pourquoi": st.column_config.TextColumn(help=IGNORED_HELP),
            },
        )
    for note in plan.notes:
        st.caption(md(note))
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
    preview["communes"], preview["figures"].after.status_labels, key="preview_communes"
)

# 5. Confirm: one version, on the version this preview was computed on (ui.saving).
st.header("Enregistrer")
confirm = gate("import_confirm", version)
confirm.notice(store().versions())
reason = st.text_input(
    "Motif (gardé dans l'historique)",
    key="import_reason",
    placeholder="ex. : liste reçue le 3 décembre",
)
st.caption(
    md(
        f"L'aperçu ci-dessus part de la {data_label(version)}. Si quelqu'un enregistre une "
        "autre version avant vous, votre enregistrement est refusé et l'aperçu recalculé."
    )
)
done = confirm.button(
    "Enregistrer comme nouvelle version",
    lambda base: save_on_base(
        store(),
        lambda current: apply_import(current, batch, *modes),
        base=base,
        author=who.name,
        kind="import",
        reason=reason.strip() or f"import ({membership_mode})",
        files=batch.files,
        counts=import_counts(batch),
    ),
)
if done is not None:
    st.session_state[VERSION] = None  # the map shows the new version
    st.session_state.pop("import_reason", None)
    st.session_state[SAVES] = st.session_state.get(SAVES, 0) + 1  # an empty uploader
    saved("Enregistré :", done)
