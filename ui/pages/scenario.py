"""« Et si… » page: extend or shrink an OPSN, see the figures, open the opportunities.

The what-if lives in the session (:data:`ui.data.WHATIF`): the map page applies
it to its headline, map and territories without OPSN until it is dropped.
Nothing is saved unless a signed-in person asks for it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import fmt
from geo.coverage import CoverageOptions
from geo.exports import csv_bytes
from geo.opportunities import opportunities
from geo.registry import opsn_names
from geo.scenarios import Change, figures_table, run_scenario, status_changes
from geo.storage import NothingToSave, StorageError
from geo.storage.changes import apply_scenario
from geo.storage.labels import data_label
from ui.access import identity
from ui.data import (
    OPTIONS,
    VERSION,
    WHATIF,
    changes_token,
    data_in_use,
    drop_whatif,
    store,
    version_token,
)
from ui.markdown import md
from ui.resources import analysis_for, reference_data
from ui.summary import figures_delta


@st.cache_resource(max_entries=8, show_spinner="Recherche des meilleures extensions…")
def _opportunities(token: str, options: CoverageOptions, _inputs) -> pd.DataFrame:
    return opportunities(
        reference_data(), _inputs, options, analysis=analysis_for(token, options, _inputs)
    )


@st.cache_resource(max_entries=16, show_spinner="Calcul du scénario…")
def _scenario(token: str, changes_key: str, options: CoverageOptions, _inputs, _changes):
    result = run_scenario(
        reference_data(), _inputs, _changes, options, analysis_for(token, options, _inputs)
    )
    return result.summary, status_changes(reference_data(), result.before, result.after)


def _codes(text: str) -> tuple[list[str], list[str]]:
    """INSEE codes typed by hand → current codes, and French messages for the others."""
    found, problems = [], []
    for raw in text.replace(";", ",").replace(" ", ",").split(","):
        if not raw.strip():
            continue
        resolved = reference.resolve_insee(raw.strip())
        if resolved.kind is None:
            problems.append(resolved.message or f"code « {raw.strip()} » inconnu")
        elif resolved.code not in found:
            found.append(resolved.code)
    return found, problems


def add_change() -> None:
    state = st.session_state
    opsn = state.get("wi_opsn")
    name = None
    if opsn == NEW:
        opsn = (state.get("wi_new_id") or "").strip().lower()
        name = (state.get("wi_new_name") or "").strip() or None
        if not opsn:
            state["wi_message"] = "Donnez un identifiant au nouvel OPSN."
            return
    communes, problems = _codes(state.get("wi_add_communes", ""))
    if problems:
        state["wi_message"] = "Communes : " + " ; ".join(problems)
        return
    change = Change(
        opsn,
        name=name,
        add_departements=tuple(state.get("wi_add_dep", [])),
        drop_departements=tuple(state.get("wi_drop_dep", [])),
        add_communes=tuple(communes),
        drop_communes=tuple(state.get("wi_drop_communes", [])),
        add_epci=tuple(state.get("wi_add_epci", [])),
        drop_epci=tuple(state.get("wi_drop_epci", [])),
    )
    if change.empty:
        state["wi_message"] = "Choisissez au moins un département, un EPCI ou une commune."
        return
    state[WHATIF] = [*state.get(WHATIF, []), change.as_dict()]
    for key in ("wi_add_dep", "wi_drop_dep", "wi_add_epci", "wi_drop_epci", "wi_drop_communes"):
        state[key] = []
    state["wi_add_communes"] = ""
    state["wi_message"] = ""


def remove_change(position: int) -> None:
    changes = list(st.session_state.get(WHATIF, []))
    del changes[position]
    st.session_state[WHATIF] = changes


def open_opportunity(change: Change) -> None:
    st.session_state[WHATIF] = [change.as_dict()]


def optional(column, label: str, options: list, key: str, format_func, empty: str) -> None:
    """A multiselect, or a sentence when there is nothing to choose from."""
    if options:
        column.multiselect(label, options, format_func=format_func, key=key, placeholder="Choisir…")
    else:
        st.session_state[key] = []
        column.caption(f"{label} : {empty}.")


NEW = "__nouvel_opsn__"
COMMUNE_COLUMNS = {
    "insee": "Code INSEE", "nom": "Commune", "departement": "Département",
    "population": "Population", "statut_avant": "Sans le scénario", "statut_apres": "Avec le scénario",
}  # fmt: skip
reference = reference_data()
options = st.session_state.get(OPTIONS) or CoverageOptions()
data = data_in_use()
base = data.base
base_token = version_token(data.version.number)
names = opsn_names(base.registry)
departements = dict(zip(reference.departements["code"], reference.departements["nom"], strict=True))
epci_names = dict(zip(reference.epci["siren"], reference.epci["nom"], strict=True))

st.title("Et si… un OPSN s'étendait ?")
st.caption(
    f"Calculé sur la {md(data_label(data.version, data.latest))}, avec les options de la carte. "
    "Rien n'est enregistré : le scénario s'affiche sur la carte jusqu'à ce que vous l'abandonniez."
)

with st.container(border=True):
    st.subheader("Modifier un OPSN")
    opsn = st.selectbox(
        "OPSN", [*sorted(names, key=lambda i: names[i].lower()), NEW], key="wi_opsn",
        format_func=lambda i: "Nouvel OPSN…" if i == NEW else f"{names[i]} ({i})",
    )  # fmt: skip
    if opsn == NEW:
        left, right = st.columns(2)
        left.text_input(
            "Identifiant du nouvel OPSN", key="wi_new_id", placeholder="ex. : nouvel_opsn"
        )
        right.text_input("Nom", key="wi_new_name")
        perimeter, member_communes, member_epci = [], [], []
    else:
        perimeter = sorted(base.perimeters.loc[base.perimeters["opsn"] == opsn, "departement"])
        if "departements" in base.registry.columns:
            own = base.registry.set_index("id").at[opsn, "departements"]
            perimeter = sorted(set(perimeter) | set(own))
        mine = base.memberships[base.memberships["opsn"] == opsn]
        member_communes = sorted(c for c in mine["insee"] if c)
        member_epci = sorted(e for e in mine["epci"] if e)
    left, right = st.columns(2)
    left.multiselect(
        "Départements ajoutés au périmètre", [c for c in departements if c not in perimeter],
        format_func=lambda c: f"{c} — {departements[c]}", key="wi_add_dep", placeholder="Choisir…",
    )  # fmt: skip
    optional(
        right, "Départements retirés du périmètre", perimeter, "wi_drop_dep",
        lambda c: f"{c} — {departements.get(c, c)}", "aucun département dans son périmètre",
    )  # fmt: skip
    left.multiselect(
        "EPCI qui adhèrent", [s for s in epci_names if s not in member_epci],
        format_func=lambda s: f"{epci_names[s]} ({s})", key="wi_add_epci", placeholder="Choisir…",
    )  # fmt: skip
    optional(
        right, "EPCI qui quittent l'OPSN", member_epci, "wi_drop_epci",
        lambda s: f"{epci_names.get(s, s)} ({s})", "aucun EPCI adhérent connu",
    )  # fmt: skip
    left.text_input(
        "Communes qui adhèrent (codes INSEE, séparés par des virgules)", key="wi_add_communes"
    )
    optional(
        right, "Communes qui quittent l'OPSN", member_communes, "wi_drop_communes",
        lambda c: f"{reference.communes_by_insee['nom'].get(c, c)} ({c})",
        "aucune commune adhérente connue",
    )  # fmt: skip
    st.button("Ajouter au scénario", type="primary", on_click=add_change, key="wi_add")
    if st.session_state.get("wi_message"):
        st.warning(md(st.session_state["wi_message"]))

changes = tuple(Change.from_dict(c) for c in st.session_state.get(WHATIF, []) or [])
if changes:
    st.subheader("Scénario en cours")
    for position, change in enumerate(changes):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.code(change.command(), language=None)
            st.button(
                "Retirer", key=f"wi_remove_{position}_{changes_token(changes)}",
                on_click=remove_change, args=(position,),
            )  # fmt: skip
    summary, changed = _scenario(base_token, changes_token(changes), options, base, changes)
    figures_delta(summary, before_label="sans le scénario")
    st.markdown(
        f"Population gagnée : **{fmt.inhabitants(summary['population_gained'])}** ; perdue : "
        f"**{fmt.inhabitants(summary['population_lost'])}**. Territoires sans OPSN : "
        f"{summary['white_zones_before']} → {summary['white_zones_after']} (absorbés : "
        f"{summary['white_zones_absorbed']}, scindés : {summary['white_zones_split']}, "
        f"réduits : {summary['white_zones_reduced']})."
    )
    if len(changed):
        labels = summary["after"]["status_labels"]
        st.dataframe(
            changed.assign(
                statut_avant=changed["statut_avant"].map(labels),
                statut_apres=changed["statut_apres"].map(labels),
            )[["insee", "nom", "departement", "population", "statut_avant", "statut_apres"]]
            .rename(columns=COMMUNE_COLUMNS),
            hide_index=True, width="stretch", key="wi_changed",
        )  # fmt: skip
    notes = [
        f"Scénario non enregistré : {' ; '.join(c.command() for c in changes)}",
        f"Règle : {summary['after']['counting_rule']}",
        f"Données : {data_label(data.version)}",
    ]
    with st.container(horizontal=True):
        st.page_link("ui/pages/carte.py", label="Voir sur la carte", icon=":material/map:")
        st.download_button(
            "Exporter les chiffres (CSV)", csv_bytes(figures_table(summary), notes),
            file_name="scenario.csv", mime="text/csv", key="wi_download",
        )  # fmt: skip
        st.button("Abandonner le scénario", on_click=drop_whatif, key="wi_drop")
    who = identity()
    if who is not None:
        with st.expander("Enregistrer ce scénario comme nouvelle version des données"):
            reason = st.text_input("Motif (gardé dans l'historique)", key="wi_reason")
            if st.button("Enregistrer", key="wi_save"):
                try:
                    saved = store().commit(
                        lambda s: apply_scenario(s, changes, reference.departements),
                        author=who.name, kind="scenario",
                        reason=reason.strip() or " ; ".join(c.command() for c in changes),
                        base=data.version.number,
                    )  # fmt: skip
                except NothingToSave:
                    st.info("Ce scénario ne change rien aux données enregistrées.")
                except StorageError as error:
                    st.error(md(error))
                else:
                    st.session_state[WHATIF] = []
                    st.session_state[VERSION] = None
                    st.success(md(f"Enregistré : {data_label(saved)}."))

st.header("Opportunités")
st.caption(
    "Pour chaque territoire sans OPSN et chaque OPSN qui le borde, ce que couvrirait son "
    "extension aux départements du territoire, à l'un d'eux, ou l'adhésion des EPCI du bord — "
    "classé par habitants gagnés (même calcul que « et si… »)."
)
table = _opportunities(base_token, options, base)
if table.empty:
    st.info("Aucune extension d'un OPSN voisin ne couvrirait d'habitants de plus.")
else:
    top = table.head(200)
    shown = pd.DataFrame(
        {
            "Rang": top["rang"],
            "Territoire sans OPSN": top["territoire_nom"],
            "OPSN voisin": top["opsn_nom"],
            "Extension": top["extension_libelle"],
            "Codes": top["codes"].map(lambda c: ", ".join(c[:8]) + (" …" if len(c) > 8 else "")),
            "Habitants gagnés": top["population_gagnee"],
            "Part couverte après (%)": (top["part_apres"] * 100).round(1),
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch", key="opportunities")
    labels = {
        int(row.rang): f"{row.rang}. {row.opsn_nom} → {row.extension_libelle} de "
        f"« {row.territoire_nom} » : +{fmt.inhabitants(row.population_gagnee)}"
        for row in top.head(50).itertuples(index=False)
    }
    with st.container(horizontal=True, vertical_alignment="bottom"):
        rank = st.selectbox(
            "Ouvrir une opportunité en « et si… »", list(labels), format_func=labels.get,
            key="opportunity_rank",
        )  # fmt: skip
        chosen = top.set_index("rang").loc[rank]
        st.button(
            "Ouvrir", on_click=open_opportunity, args=(chosen["change"],),
            key="open_opportunity", type="primary",
        )  # fmt: skip
    st.download_button(
        "Télécharger les opportunités (CSV)",
        csv_bytes(
            table.drop(columns=["change"]).assign(codes=table["codes"].str.join("|")),
            [
                f"Règle : {analysis_for(base_token, options, base).figures['counting_rule']}",
                f"Données : {data_label(data.version)}",
            ],
        ),
        file_name="opportunites.csv", mime="text/csv", key="opportunities_download",
    )  # fmt: skip
