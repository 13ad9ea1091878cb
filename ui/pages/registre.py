"""« Registre » page: the OPSN of the data in use; a signed-in person edits one or adds one.

Every edit is checked by :func:`geo.planning.registry_edit.check_edit` (the registry's
own rules, French messages per field) and saved as one version; an edit of
a field that someone else changed meanwhile is refused, not overwritten.
"""

from __future__ import annotations

import streamlit as st

from geo.core.registry import CONFIDENCE_LEVELS, OFFERS, PARTIAL_OFFER_KINDS, SCOPES
from geo.planning.changes import set_registry_row
from geo.planning.registry_edit import FIELD_LABELS, OFFER_LABELS, SCOPE_LABELS, check_edit
from geo.planning.registry_preview import edit_preview
from geo.planning.saving import save_on_base
from geo.storage.labels import data_label
from geo.storage.versions import version_freshness
from ui.access import identity
from ui.data import VERSION, remember_query, store
from ui.markdown import md
from ui.resources import reference_data
from ui.saving import gate, page_entered, saved, show_saved

SHOWN = ["id", "nom", "sigle", "portee", "departements", "offre", "site_web", "confiance"]
NEW = "__nouveau__"
NEW_WORD = "nouveau"  # ?fiche=nouveau: the form of a new OPSN (?fiche=megalis: Mégalis's record)
PENDING = "registry_pending"  # session key: the edit checked and shown, awaiting confirmation


def _row(snapshot, opsn: str) -> dict:
    """The record as it is in ``snapshot`` (what the preview showed as « avant »)."""
    rows = snapshot.registry[snapshot.registry["id"] == opsn]
    return {} if rows.empty else rows.iloc[0].to_dict()


def _form(row: dict, departements: dict, creating: bool) -> dict:
    """The form's fields, filled with ``row``; returns the values typed."""
    values = {}
    if creating:
        values["id"] = st.text_input(
            FIELD_LABELS["id"], help="Minuscules sans accent, chiffres et « _ » ; ne change plus.",
        )  # fmt: skip
    values["nom"] = st.text_input(FIELD_LABELS["nom"], row.get("nom", ""))
    left, right = st.columns(2)
    values["sigle"] = left.text_input(FIELD_LABELS["sigle"], row.get("sigle", ""))
    values["forme_juridique"] = right.text_input(
        FIELD_LABELS["forme_juridique"], row.get("forme_juridique", "")
    )
    values["siren"] = left.text_input(FIELD_LABELS["siren"], row.get("siren", ""))
    values["siret"] = right.text_input(FIELD_LABELS["siret"], row.get("siret", ""))
    values["site_web"] = st.text_input(FIELD_LABELS["site_web"], row.get("site_web", ""))
    scopes = ["", *SCOPES]
    current = row.get("portee", "")
    values["portee"] = left.selectbox(
        FIELD_LABELS["portee"], scopes, index=scopes.index(current) if current in scopes else 0,
        format_func=SCOPE_LABELS.get,
    )  # fmt: skip
    chosen = [d for d in str(row.get("departements", "")).split("|") if d in departements]
    values["departements"] = "|".join(
        right.multiselect(
            FIELD_LABELS["departements"],
            list(departements),
            default=chosen,
            format_func=lambda c: f"{c} — {departements[c]}",
            placeholder="Choisir…",
        )
    )
    values["perimetre_note"] = st.text_area(
        FIELD_LABELS["perimetre_note"], row.get("perimetre_note", ""), height=80
    )
    if "offre" in row:
        offer = row.get("offre") or "complete"
        values["offre"] = left.selectbox(
            FIELD_LABELS["offre"], list(OFFERS), index=list(OFFERS).index(offer) if offer in OFFERS else 0,
            format_func=OFFER_LABELS.get,
        )  # fmt: skip
        kinds = [
            k for k in str(row.get("offre_partielle", "")).split("|") if k in PARTIAL_OFFER_KINDS
        ]
        values["offre_partielle"] = "|".join(
            right.multiselect(
                FIELD_LABELS["offre_partielle"],
                list(PARTIAL_OFFER_KINDS),
                default=kinds,
                format_func=PARTIAL_OFFER_KINDS.get,
                placeholder="Aucune (offre complète)",
            )
        )
    values["sources"] = "|".join(
        st.text_area(
            FIELD_LABELS["sources"],
            "\n".join(str(row.get("sources", "")).split("|")),
            help="Une source par ligne : une adresse web, ou une référence en clair "
            "(délibération, courrier…), gardée telle quelle.",
            height=100,
        ).splitlines()
    )
    confidence = row.get("confiance") or "basse"
    values["confiance"] = st.selectbox(
        FIELD_LABELS["confiance"], list(CONFIDENCE_LEVELS),
        index=list(CONFIDENCE_LEVELS).index(confidence) if confidence in CONFIDENCE_LEVELS else 2,
    )  # fmt: skip
    return values


reference = reference_data()
departements = dict(zip(reference.departements["code"], reference.departements["nom"], strict=True))
version, snapshot = store().snapshot()
table = snapshot.registry
st.title("Registre des OPSN")
st.caption(
    f"Données : {md(data_label(version, freshness=version_freshness(store(), version)))}. "
    "Sources et niveau de confiance par ligne."
)
show_saved()
shown = table[[c for c in SHOWN if c in table.columns]].rename(columns=FIELD_LABELS)
st.dataframe(shown, hide_index=True, width="stretch", key="registry_table")

who = identity()
if who is None:
    st.caption("Modifier le registre demande d'être connecté.")
    st.stop()

st.header("Modifier une fiche ou ajouter un OPSN")
names = dict(zip(table["id"], table["nom"], strict=True))
choices = [NEW, *sorted(names, key=lambda i: names[i].lower())]
linked = st.query_params.get("fiche")  # the record chosen, kept by reloads and shared links
if (page_entered() or "registry_target" not in st.session_state) and linked:
    st.session_state["registry_target"] = NEW if linked == NEW_WORD else linked
if st.session_state.get("registry_target") not in choices:
    st.session_state.pop("registry_target", None)
target = st.selectbox(
    "OPSN", choices, key="registry_target",
    format_func=lambda i: "Nouvel OPSN…" if i == NEW else f"{names[i]} ({i})",
)  # fmt: skip
st.query_params["fiche"] = NEW_WORD if target == NEW else target
remember_query("registre", {"fiche": st.query_params["fiche"]})
creating = target == NEW
# The row as the person saw it when they opened it: the form starts from it.
opened = st.session_state.get("registry_opened")
if opened is None or opened[0] != target:
    row = {} if creating else table[table["id"] == target].iloc[0].to_dict()
    opened = (target, version.number, row)
    st.session_state["registry_opened"] = opened
    st.session_state.pop(PENDING, None)
_, opened_version, original = opened
with st.form(f"registry_form_{target}_{opened_version}"):
    values = _form(
        original if not creating else {c: "" for c in table.columns}, departements, creating
    )
    reason = st.text_input("Motif (gardé dans l'historique)")
    submitted = st.form_submit_button("Vérifier", type="primary")
if submitted:
    st.session_state.pop(PENDING, None)
    changed = {k: v for k, v in values.items() if creating or str(original.get(k, "")) != v}
    check = check_edit(
        table, values if creating else changed, reference.departements, None if creating else target
    )
    for note in check.notes:
        st.info(md(note))
    if not check.ok:
        for _field, message in check.errors.items():
            st.error(md(message))
    elif not creating and not changed:
        st.info("Aucun champ modifié.")
    else:
        edited = (
            check.row
            if creating
            else {k: v for k, v in check.row.items() if k == "id" or v != str(original.get(k, ""))}
        )
        label = ("nouvel OPSN " if creating else "fiche modifiée : ") + check.row["id"]
        st.session_state[PENDING] = (target, edited, original, reason.strip() or label)

pending = st.session_state.get(PENDING)
if pending and pending[0] == target:
    _, edited, original, why = pending
    current = None if creating else table[table["id"] == target]
    current = None if current is None or current.empty else current.iloc[0].to_dict()
    st.subheader("Ce qui sera enregistré")
    st.dataframe(
        edit_preview(edited, original, current, FIELD_LABELS), hide_index=True, width="stretch",
        key="registry_preview",
    )  # fmt: skip
    confirm = gate("registry_confirm", version)
    confirm.notice(store().versions())
    done = confirm.button(
        "Confirmer l'enregistrement",
        lambda base: save_on_base(
            store(), lambda s: set_registry_row(s, edited, None if creating else _row(s, target)),
            base=base, author=who.name, kind="edit", reason=why,
        ),
    )  # fmt: skip
    if done is not None:
        for key in (PENDING, "registry_opened"):
            st.session_state.pop(key, None)
        st.session_state[VERSION] = None
        saved("Enregistré :", done)
