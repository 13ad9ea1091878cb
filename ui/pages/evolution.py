"""« Évolution » page: the coverage on one date against another (memberships with dates)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from geo import fmt
from geo.coverage import CoverageOptions
from geo.exports import csv_bytes
from geo.storage.labels import data_label
from geo.timeline import changes_table, membership_dates, then_now
from ui.data import OPTIONS, data_in_use, map_query
from ui.markdown import md
from ui.resources import reference_data
from ui.summary import figures_delta

DECLIC_2020 = dt.date(2020, 5, 1)


@st.cache_resource(max_entries=16, show_spinner="Calcul des deux dates…")
def _then_now(token: str, options: CoverageOptions, then: dt.date, now: dt.date, _inputs):
    result = then_now(reference_data(), _inputs, options, then, now)
    return result.summary, changes_table(result)


reference = reference_data()
options = st.session_state.get(OPTIONS) or CoverageOptions()
data = data_in_use()
st.title("Évolution de la couverture")
st.caption(
    "Quand les adhésions sont datées (début, fin), la situation d'une date comparée à une "
    "autre, avec les mêmes options que la carte. Les périmètres ne sont pas datés : seules "
    f"les adhésions changent. Données : {md(data.label)}."
)
dates = membership_dates(data.inputs.memberships)
if not dates:
    st.info(
        "Aucune adhésion n'est datée dans les données en service : les deux dates donnent la "
        "même situation. Importez des listes avec des dates d'adhésion (colonnes « depuis », "
        "« date d'adhésion », « date de fin »…) pour voir l'évolution."
    )
left, right = st.columns(2)
then = left.date_input(
    "Avant", value=DECLIC_2020, min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1),
    format="DD/MM/YYYY", key="evolution_then",
)  # fmt: skip
now = right.date_input(
    "Maintenant", value=dt.date.today(), min_value=dt.date(1990, 1, 1),
    max_value=dt.date(2100, 1, 1), format="DD/MM/YYYY", key="evolution_now",
)  # fmt: skip
if dates:
    st.caption(
        "Dates où une adhésion commence ou finit : "
        + ", ".join(f"{d:%d/%m/%Y}" for d in dates[:20])
        + (" …" if len(dates) > 20 else "")
    )
summary, table = _then_now(data.token, options, then, now, data.inputs)
figures_delta(summary, before_label=f"le {then:%d/%m/%Y}")
st.markdown(
    f"Du {then:%d/%m/%Y} au {now:%d/%m/%Y} : **{fmt.integer(summary['communes_gained'])}** "
    f"commune(s) gagnée(s) ({fmt.inhabitants(summary['population_gained'])}), "
    f"**{fmt.integer(summary['communes_lost'])}** perdue(s) "
    f"({fmt.inhabitants(summary['population_lost'])})."
)
if len(table):
    labels = summary["after"]["status_labels"]
    st.dataframe(
        pd.DataFrame(
            {
                "Code INSEE": table["insee"],
                "Commune": table["nom"],
                "Département": table["departement"],
                "Population": table["population"],
                f"Le {then:%d/%m/%Y}": table["statut_avant"].map(labels),
                f"Le {now:%d/%m/%Y}": table["statut_apres"].map(labels),
                "Évolution": table["evolution"],
            }
        ),
        hide_index=True, width="stretch", key="evolution_table",
    )  # fmt: skip
    notes = [
        f"Règle : {summary['after']['counting_rule']}",
        f"Données : {data_label(data.version)}",
    ]
    st.download_button(
        "Télécharger les communes gagnées et perdues (CSV)", csv_bytes(table, notes),
        file_name=f"evolution_{then:%Y%m%d}_{now:%Y%m%d}.csv", mime="text/csv",
        key="evolution_download",
    )  # fmt: skip
with st.container(horizontal=True):
    for day in (then, now):
        st.page_link(
            "ui/pages/carte.py", label=f"Carte au {day:%d/%m/%Y}", icon=":material/map:",
            query_params=map_query(date=day.isoformat(), version=str(data.version.number)),
        )  # fmt: skip
