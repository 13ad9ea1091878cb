"""« Versions » page: the history of the saved data, compare two versions, restore one.

Looking and comparing are open to everyone; restoring needs a signed-in person.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.core import fmt
from geo.core.coverage import CoverageOptions
from geo.exports import csv_bytes
from geo.planning.compare import compare_versions
from geo.storage import NothingToSave, StorageError
from geo.storage.labels import data_label
from geo.storage.versions import version_rows
from ui.access import identity
from ui.data import OPTIONS, VERSION, map_query, store
from ui.markdown import md
from ui.resources import reference_data
from ui.summary import changed_communes, figures_delta

COLUMNS = {
    "version": st.column_config.NumberColumn("Version", format="%d"),
    "date": "Date",
    "auteur": "Auteur",
    "nature": st.column_config.TextColumn("Nature", width="large"),
    "motif": "Motif",
    "opsn": "OPSN",
    "adhesions": "Adhésions",
    "adhesions_ajoutees": "Ajoutées",
    "adhesions_retirees": "Retirées",
    "opsn_modifies": "OPSN modifiés",
}


@st.cache_resource(max_entries=16, show_spinner="Comparaison des versions…")
def _compare(uid: str, first: int, second: int, options: CoverageOptions) -> dict:
    return compare_versions(store(), first, second, reference_data(), options)


st.title("Versions des données")
st.caption(
    "Chaque import confirmé, modification du registre, scénario enregistré ou restauration "
    "crée une version ; aucune n'est jamais effacée. Une restauration crée une nouvelle "
    "version identique à l'ancienne."
)
versions = store().versions()
rows = pd.DataFrame(version_rows(versions))
st.dataframe(rows, hide_index=True, width="stretch", column_config=COLUMNS, key="versions_table")
st.download_button(
    "Télécharger l'historique (CSV)",
    csv_bytes(rows),
    file_name="versions.csv",
    mime="text/csv",
    key="versions_download",
)
numbers = [v.number for v in reversed(versions)]
by_number = {v.number: v for v in versions}

st.header("Comparer deux versions")
if len(numbers) < 2:
    st.info("Une seule version pour l'instant : rien à comparer.")
else:
    left, right = st.columns(2)
    first = left.selectbox(
        "Version de départ", numbers, index=1, key="compare_a",
        format_func=lambda n: data_label(by_number[n]),
    )  # fmt: skip
    second = right.selectbox(
        "Version d'arrivée", numbers, index=0, key="compare_b",
        format_func=lambda n: data_label(by_number[n]),
    )  # fmt: skip
    options = st.session_state.get(OPTIONS) or CoverageOptions()
    result = _compare(store().uid, first, second, options)
    figures_delta(result["figures"], before_label=f"version {first}")
    registry = result["registry"]
    for item in registry["added"]:
        st.markdown(f"- OPSN ajouté : **{md(item['nom'])}** ({md(item['id'])})")
    for item in registry["removed"]:
        st.markdown(f"- OPSN retiré : **{md(item['nom'])}** ({md(item['id'])})")
    for item in registry["changed"]:
        fields = "; ".join(
            f"{md(f['field'])} : « {md(f['before'])} » → « {md(f['after'])} »"
            for f in item["fields"]
        )
        st.markdown(f"- OPSN modifié : **{md(item['nom'])}** — {fields}")
    members = result["memberships"]
    st.markdown(
        f"Adhésions : **+{fmt.integer(members['added'])}**, **−{fmt.integer(members['removed'])}**"
    )
    if members["by_opsn"]:
        st.dataframe(
            pd.DataFrame(members["by_opsn"]).rename(
                columns={"opsn": "Identifiant", "nom": "OPSN", "added": "Ajoutées", "removed": "Retirées"}
            ),
            hide_index=True, key="compare_by_opsn",
        )  # fmt: skip
    st.markdown(f"Communes dont le statut change : **{fmt.integer(len(result['communes']))}**")
    changed_communes(
        result["communes"], result["figures"]["after"]["status_labels"], key="compare_communes",
        before=f"Version {first}", after=f"Version {second}",
    )  # fmt: skip
    st.page_link(
        "ui/pages/carte.py", label=f"Voir la version {first} sur la carte", icon=":material/map:",
        query_params=map_query(version=str(first)),
    )  # fmt: skip

st.header("Restaurer une version")
who = identity()
if who is None:
    st.caption("La restauration demande d'être connecté.")
else:
    latest = numbers[0]
    older = [n for n in numbers if n != latest]
    if not older:
        st.info("Une seule version : rien à restaurer.")
    else:
        target = st.selectbox(
            "Revenir aux données de la version", older, key="restore_target",
            format_func=lambda n: data_label(by_number[n]),
        )  # fmt: skip
        reason = st.text_input("Motif (gardé dans l'historique)", key="restore_reason")
        if st.button(f"Restaurer la version {target}", type="primary", key="restore_confirm"):
            try:
                saved = store().restore(target, author=who.name, reason=reason)
            except NothingToSave:
                st.info("Les données en service sont déjà celles de cette version.")
            except StorageError as error:
                st.error(md(error))
            else:
                st.session_state[VERSION] = None
                st.success(md(f"Enregistré : {data_label(saved)}."))
                st.page_link("ui/pages/carte.py", label="Voir la carte", icon=":material/map:")
