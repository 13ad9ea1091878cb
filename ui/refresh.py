"""« Mettre à jour depuis la Suite territoriale », on the import page: check, report, preview, save.

Everything is computed by :mod:`geo.planning.refresh` (fetch with conditional
requests, the import's reader and per-line report, the refusals, the dated
change); this section only shows it and asks. The plan of a check (with the
files it downloaded) stays in the session until it is saved or checked again.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.core import fmt
from geo.importers.anct_source import FILE_NAMES, Offline, SourceError, source_base
from geo.planning.imports import report_lines
from geo.planning.refresh import (
    READY,
    UNCHANGED,
    RefreshPlan,
    RefreshPreview,
    RefreshRefused,
    note_unchanged,
    plan_refresh,
    refresh_preview,
    save_refresh,
    saved_words,
)
from geo.storage import ConflictError, NothingToSave, StorageError
from geo.storage.sources import freshness_label, store_source
from ui.data import OPTIONS, VERSION, freshness_notice, store
from ui.markdown import md
from ui.resources import reference_data
from ui.summary import changed_communes, figures_delta, report_columns

PLAN = "anct_refresh_plan"
"""Session key: (plan, preview) of the last check, until saved or checked again."""


def refresh_section(who) -> None:
    """The section, for a signed-in planner ``who`` (:class:`ui.access.Identity`)."""
    with st.container(border=True):
        st.subheader("Mettre à jour depuis la Suite territoriale")
        try:
            portal = source_base()
        except SourceError as error:
            st.error(md(error))
            return
        source = store_source(store())
        in_service = freshness_label(source) or "aucune mise à jour depuis la Suite territoriale"
        st.caption(
            md(
                "Opérateurs et adhésions publiés par l'ANCT (jeu de données ouvert de la Suite "
                f"territoriale, sur {portal}). Données en service : {in_service}. Rien n'est "
                "enregistré avant la confirmation."
            )
        )
        freshness_notice(source)
        if st.button("Vérifier la Suite territoriale", key="refresh_check", icon=":material/sync:"):
            st.session_state.pop(PLAN, None)
            _check()
        kept = st.session_state.get(PLAN)
        if kept is not None:
            _show(*kept, who)


def _check() -> None:
    try:
        with st.spinner("Interrogation de la Suite territoriale…"):
            plan = plan_refresh(store(), reference_data())
    except Offline as error:
        st.warning(md(error), icon=":material/wifi_off:")
        return
    except SourceError as error:
        st.error(md(error))
        return
    preview = None
    if plan.status == UNCHANGED:
        note_unchanged(store(), plan)
    elif (
        plan.batch is not None and not plan.batch.empty and (plan.status == READY or plan.forceable)
    ):
        with st.spinner("Calcul de l'aperçu…"):
            preview = refresh_preview(plan, reference_data(), st.session_state.get(OPTIONS))
    st.session_state[PLAN] = (plan, preview)


def _show(plan: RefreshPlan, preview: RefreshPreview | None, who) -> None:
    if plan.status == UNCHANGED:
        st.success(md(plan.message))
        return
    files = " ; ".join(
        f"{FILE_NAMES[role]} ({'téléchargé' if role in plan.downloaded else 'inchangé'}, publié le "
        f"{_published(plan, role)})"
        for role in plan.resources
    )
    st.markdown(md(f"Fichiers de la Suite territoriale : {files}."))

    st.markdown("##### Rapport de lecture")
    for message in plan.batch.errors:
        st.error(md(message))
    for report in plan.batch.reports:
        (st.warning if report.rejected else st.success)(
            f"**{md(report.file)}** : {report.counts_sentence()}"
        )
    lines = report_lines(plan.batch, reference_data())
    if len(lines):
        with st.expander(f"Rapport ligne par ligne ({fmt.integer(len(lines))} lignes)"):
            st.dataframe(
                lines.drop(columns=["message"]),
                hide_index=True,
                width="stretch",
                column_config=report_columns(),
                key="refresh_report",
            )
    for refusal in plan.refusals:
        st.error(md(refusal.message), icon=":material/block:")

    if preview is not None:
        _preview(plan, preview)
    if plan.status == READY:
        if st.button("Enregistrer la mise à jour", type="primary", key="refresh_confirm"):
            _save(plan, who, force=False)
    elif plan.forceable:
        st.warning(
            "Mise à jour refusée : rien n'a été modifié. Si le rapport et l'aperçu vous "
            "conviennent, vous pouvez l'enregistrer quand même."
        )
        agreed = st.checkbox(
            "J'ai lu le rapport et l'aperçu : enregistrer quand même", key="refresh_agree"
        )
        if st.button("Enregistrer quand même", disabled=not agreed, key="refresh_force"):
            _save(plan, who, force=True)
    else:
        st.info("Mise à jour refusée : rien n'a été modifié.")


def _published(plan: RefreshPlan, role: str) -> str:
    day = next((f["source_date"] for f in plan.files if f["role"] == role), None)
    return fmt.long_date(dt.date.fromisoformat(day)) if day else "date inconnue"


def _preview(plan: RefreshPlan, preview: RefreshPreview) -> None:
    st.markdown("##### Aperçu des changements")
    members = preview.memberships
    registry = preview.registry
    st.markdown(
        f"{preview.in_force.sentence} (lignes de la base : "
        f"+{fmt.integer(members['added'])} −{fmt.integer(members['removed'])}) ; OPSN : "
        f"{len(registry['added'])} ajouté(s), {len(registry['changed'])} modifié(s)."
    )
    if plan.dates_sentence():
        st.caption(md(plan.dates_sentence()))
    figures_delta(preview.figures.before, preview.figures.after)
    members_only = preview.adhesion
    if members_only.figures is not preview.figures:
        st.markdown("Avec la règle « Adhérentes seulement » :")
        figures_delta(members_only.figures.before, members_only.figures.after)
    communes = members_only.communes
    st.markdown(
        f"**Communes dont le statut change (adhérentes seulement) : {fmt.integer(len(communes))}**"
    )
    labels = members_only.figures.after.status_labels
    changed_communes(communes, labels, key="refresh_communes")


def _save(plan: RefreshPlan, who, force: bool) -> None:
    try:
        saved = save_refresh(store(), plan, who.name, force=force)
    except NothingToSave:
        st.info("Ces fichiers ne changent rien aux données enregistrées : aucune version créée.")
    except (RefreshRefused, ConflictError, StorageError) as error:
        st.error(md(error))
    else:
        st.session_state.pop(PLAN, None)
        st.session_state[VERSION] = None  # the map shows the new version
        st.success(md(f"Enregistré : {saved_words(saved, store())}."))
        st.page_link("ui/pages/carte.py", label="Voir la carte", icon=":material/map:")
