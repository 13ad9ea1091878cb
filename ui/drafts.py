"""The « Et si… » page's drafts: save the what-if under a name, list, reopen, export, publish.

A draft changes no figure anyone sees (:mod:`geo.planning.drafts`); only
« Publier », after a preview computed on the version in service and a
confirmation made on that version (:mod:`ui.saving`), turns it into the data
in service.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.core.coverage import CoverageOptions
from geo.explore.scenario_link import ScenarioLink, scenario_query
from geo.planning.compare import compare_snapshots
from geo.planning.drafts import (
    draft_changes,
    draft_export,
    draft_label,
    draft_rows,
    publication,
    publish,
    save_draft,
)
from geo.storage import StorageError
from geo.storage.labels import data_label
from ui.changes import show_changes
from ui.data import DRAFT, VERSION, WHATIF, store
from ui.markdown import md
from ui.resources import reference_data
from ui.saving import gate, saved
from ui.scenario_url import open_saved_draft
from ui.summary import figures_delta

PUBLISHING = "wi_publishing"
"""Session key: the draft whose publication is being previewed."""
COLUMNS = {
    "scenario": st.column_config.NumberColumn("N°", format="%d", width="small"),
    "nom": "Nom",
    "auteur": "Auteur",
    "date": "Enregistré le",
    "version_de_depart": st.column_config.NumberColumn("Calculé sur la version", format="%d"),
    "changements": st.column_config.TextColumn("Changements", width="large"),
    "etat": "État",
}


@st.cache_resource(max_entries=8, show_spinner="Calcul de l'aperçu de la publication…")
def _publication(uid: str, draft: int, latest: int, options: CoverageOptions):
    """The publication's proposal on the version in service, and what it changes."""
    proposal = publication(store(), store().draft(draft), reference_data().departements)
    preview = compare_snapshots(proposal.before, proposal.after, reference_data(), options)
    return proposal, preview


def _open(number: int) -> None:
    message = open_saved_draft(number)
    st.session_state["wi_drafts_message"] = message or ""
    st.session_state[PUBLISHING] = None


def _prepare(number: int | None) -> None:
    st.session_state[PUBLISHING] = number


def save_form(who, base: int, changes, options: CoverageOptions, draft) -> None:
    """« Enregistrer le scénario » (a draft) for the what-if on screen."""
    if draft is not None and tuple(changes) == draft_changes(draft):
        return
    with st.container(border=True):
        st.markdown(
            "**Enregistrer ce scénario** (brouillon) : il est gardé avec votre nom, la date, la "
            f"version de départ ({base}) et les options de comptage, et se rouvre par un lien ; "
            "les données en service ne changent pas."
        )
        with st.container(horizontal=True, vertical_alignment="bottom"):
            name = st.text_input(
                "Nom du scénario", key="wi_draft_name", max_chars=200,
                placeholder="ex. : Manche Numérique dans le Calvados",
            )  # fmt: skip
            clicked = st.button("Enregistrer le scénario", key="wi_save_draft", type="primary")
    if not clicked:
        return
    try:
        kept = save_draft(
            store(), name=name, author=who.name, base=base, changes=changes, options=options
        )
    except StorageError as error:
        st.error(md(error))
        return
    st.session_state[DRAFT] = kept.number
    st.session_state[VERSION] = base  # the draft is shown on the version it was computed on
    st.session_state.pop("wi_draft_name", None)
    saved(
        f"Scénario {kept.number} « {kept.name} » enregistré comme brouillon : les données en "
        "service ne changent pas. Il se rouvre par son lien et se publie ci-dessous."
    )


def open_draft_panel(draft, changes, who, options: CoverageOptions) -> None:
    """The draft opened: what it is, its link and export, and « Publier »."""
    st.markdown(f"**Ouvert** : {md(draft_label(draft))}.")
    with st.container(horizontal=True):
        st.page_link(
            "ui/pages/scenario.py", label=f"Lien du scénario {draft.number}", icon=":material/link:",
            query_params=scenario_query(ScenarioLink(draft=draft.number)),
            help="Ce lien rouvre le scénario enregistré, sur sa version de départ.",
        )  # fmt: skip
        st.download_button(
            "Exporter le scénario (JSON)", draft_export(draft),
            file_name=f"scenario_{draft.number}.json", mime="application/json",
            key="wi_draft_export",
        )  # fmt: skip
    if who is None or draft.published_in is not None:
        return
    if tuple(changes) != draft_changes(draft):
        st.caption(
            "Le scénario affiché diffère du brouillon ouvert : enregistrez-le sous un nouveau nom "
            "pour pouvoir le publier."
        )
        return
    if st.session_state.get(PUBLISHING) != draft.number:
        st.button(
            "Publier…", key="wi_publish_prepare", on_click=_prepare, args=(draft.number,),
            help="Montre ce que la publication changerait dans la version en service, puis "
            "demande confirmation.",
        )  # fmt: skip
        return
    _publish_preview(draft, who, options)


def _publish_preview(draft, who, options: CoverageOptions) -> None:
    versions = store().versions()
    latest = versions[-1]
    proposal, preview = _publication(store().uid, draft.number, latest.number, options)
    with st.container(border=True):
        st.subheader(f"Publier le scénario {draft.number}")
        st.markdown(
            md(
                f"Aperçu calculé sur la version en service : {data_label(latest)}. Le scénario "
                f"avait été préparé sur la version {draft.base}. Publier crée une nouvelle "
                "version, qui devient celle en service pour tout le monde."
            )
        )
        compared = preview["figures"]
        figures_delta(
            compared.before, compared.after, before_label=f"version {latest.number}, en service"
        )
        show_changes(preview, f"Version {latest.number}", "Après publication", "publish")
        confirm = gate("wi_publish_confirm", proposal.base)
        confirm.notice(versions)
        reason = st.text_input("Motif (gardé dans l'historique)", key="wi_publish_reason")
        with st.container(horizontal=True):
            done = confirm.button(
                f"Publier le scénario {draft.number}",
                lambda base: publish(store(), proposal, draft, who.name, reason, base=base),
                again="publiez",
            )
            st.button("Annuler", key="wi_publish_cancel", on_click=_prepare, args=(None,))
    if done is not None:
        state = st.session_state
        state[WHATIF], state[VERSION], state[PUBLISHING] = [], None, None
        saved(f"Scénario {draft.number} « {draft.name} » publié :", done)


def drafts_list(who) -> None:
    """Every draft, and a way to reopen one."""
    drafts = store().drafts()
    if not drafts:
        st.caption("Aucun scénario enregistré pour l'instant.")
        return
    rows = pd.DataFrame(draft_rows(drafts)).drop(columns=["publie_dans"])
    st.dataframe(rows, hide_index=True, width="stretch", column_config=COLUMNS, key="wi_drafts")
    labels = {d.number: draft_label(d) for d in reversed(drafts)}
    with st.container(horizontal=True, vertical_alignment="bottom"):
        number = st.selectbox(
            "Rouvrir un scénario", list(labels), format_func=labels.get, key="wi_draft_choice"
        )
        st.button("Rouvrir", key="wi_draft_open", on_click=_open, args=(number,))
    if message := st.session_state.get("wi_drafts_message"):
        st.warning(md(message))
