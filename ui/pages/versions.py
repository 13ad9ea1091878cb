"""« Versions » page: the history of the saved data, compare two versions, restore one.

Looking and comparing are open to everyone; restoring needs a signed-in person.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.core.coverage import CoverageOptions
from geo.exports import csv_bytes
from geo.planning.compare import compare_versions
from geo.planning.saving import restore_on_base
from geo.storage.labels import data_label
from geo.storage.versions import version_rows
from ui.access import identity
from ui.changes import show_changes
from ui.data import OPTIONS, VERSION, map_query, store
from ui.resources import reference_data
from ui.saving import gate, saved, show_saved
from ui.summary import figures_delta

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
    "Chaque import confirmé, modification du registre, scénario publié ou restauration "
    "crée une version ; aucune n'est jamais effacée. Une restauration crée une nouvelle "
    "version identique à l'ancienne. Les scénarios enregistrés comme brouillons sont sur la "
    "page « Et si… » : ils ne deviennent une version qu'une fois publiés."
)
if show_saved():
    st.page_link("ui/pages/carte.py", label="Voir la carte", icon=":material/map:")
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
options = st.session_state.get(OPTIONS) or CoverageOptions()
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
    result = _compare(store().uid, first, second, options)
    compared = result["figures"]
    figures_delta(compared.before, compared.after, before_label=f"version {first}")
    show_changes(result, f"Version {first}", f"Version {second}", "compare")
    st.page_link(
        "ui/pages/carte.py", label=f"Voir la version {first} sur la carte", icon=":material/map:",
        query_params=map_query(version=str(first)),
    )  # fmt: skip

st.header("Restaurer une version")
who = identity()
latest = numbers[0]
older = [n for n in numbers if n != latest]
if who is None:
    st.caption("La restauration demande d'être connecté.")
elif not older:
    st.info("Une seule version : rien à restaurer.")
else:
    target = st.selectbox(
        "Revenir aux données de la version", older, key="restore_target",
        format_func=lambda n: data_label(by_number[n]),
    )  # fmt: skip
    st.markdown(
        f"**Aperçu** : restaurer la version {target} crée une nouvelle version dont les données "
        f"sont celles de la version {target} ; voici ce qui changerait par rapport à la version "
        f"en service ({latest}). Aucune version n'est effacée."
    )
    preview = _compare(store().uid, latest, target, options)
    compared = preview["figures"]
    figures_delta(compared.before, compared.after, before_label=f"version {latest}, en service")
    show_changes(preview, f"Version {latest} (en service)", "Après restauration", "restore")
    restore = gate("restore_confirm", by_number[latest])
    restore.notice(versions)
    reason = st.text_input("Motif (gardé dans l'historique)", key="restore_reason")
    done = restore.button(
        f"Restaurer la version {target}",
        lambda base: restore_on_base(store(), target, base=base, author=who.name, reason=reason),
        again="restaurez",
    )
    if done is not None:
        st.session_state[VERSION] = None
        saved("Enregistré :", done)
