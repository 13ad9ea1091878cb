"""« Évolution » page: the coverage on one date against another (memberships with dates).

The figures of both dates, the map of communes gained or lost between them
(:func:`geo.planning.timeline.evolution_status`, drawn by the live map element with its
own classes: :mod:`geo.maps.changes`) and the list of those communes.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from geo.core import fmt
from geo.core.coverage import CoverageOptions
from geo.core.inputs import Inputs
from geo.core.registry import opsn_names
from geo.core.views import FRANCE, LEVEL_LABELS, Level, View
from geo.explore.views import breadcrumb, name_of, selection
from geo.exports import csv_bytes
from geo.maps import live_map_spec
from geo.maps.changes import change_map_spec, evolution_palette
from geo.planning.timeline import changes_table, membership_dates, then_now
from ui.data import OPTIONS, data_in_use, map_query
from ui.map_element import clicked, map_element
from ui.markdown import md
from ui.resources import BY_CONTENT, map_assets, reference_data
from ui.summary import figures_delta

DECLIC_2020 = dt.date(2020, 5, 1)


@st.cache_resource(max_entries=4, show_spinner="Calcul des deux dates…", hash_funcs=BY_CONTENT)
def _then_now(inputs: Inputs, options: CoverageOptions, then: dt.date, now: dt.date):
    """Both analyses (for the map) with the figures: a few entries only, they are large."""
    return then_now(reference_data(), inputs, options, then, now)


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=BY_CONTENT)
def _map_spec(
    inputs: Inputs, options: CoverageOptions, then: dt.date, now: dt.date, view: View
) -> dict:
    """The map of communes gained or lost between the two dates, for ``view``."""
    reference = reference_data()
    result = _then_now(inputs, options, then, now)
    after = result.after
    focus = selection(reference, view, after.zones)
    assets = map_assets()
    spec = live_map_spec(
        reference, after, view.level, view.code, focus, after.figures, assets.files,
        assets.mapdata_url, opsn_names(inputs.registry), area=name_of(reference, view),
    )  # fmt: skip
    return change_map_spec(
        reference, spec, result.statuses["evolution"].to_numpy(),
        inside=result.statuses["dans_territoire"].to_numpy(dtype=bool), focus=focus,
        palette=evolution_palette(then, now),
        title=f"Du {then:%d/%m/%Y} au {now:%d/%m/%Y} — {name_of(reference, view)}",
        note="Cliquez sur un département pour l'ouvrir.",
    )  # fmt: skip


MAP_KEY = "evolution_map"
MAP_VIEW = "evolution_view"


def open_view(view: View) -> None:
    st.session_state[MAP_VIEW] = view


def open_clicked() -> None:
    """A click on a department or region opens it; communes have no view of their own here."""
    click = clicked(MAP_KEY)
    if click and click["level"] in ("departement", "region"):
        open_view(View(click["level"], click["code"]))


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
result = _then_now(data.inputs, options, then, now)
summary, table = result.summary, changes_table(result)
figures_delta(summary.before, summary.after, before_label=f"le {then:%d/%m/%Y}")
st.markdown(
    f"Du {then:%d/%m/%Y} au {now:%d/%m/%Y} : "
    f"**{fmt.count(summary.communes_gained, 'commune gagnée', 'communes gagnées')}** "
    f"({fmt.inhabitants(summary.population_gained)}), "
    f"**{fmt.count(summary.communes_lost, 'perdue')}** "
    f"({fmt.inhabitants(summary.population_lost)})."
)
st.subheader("Carte des communes gagnées et perdues")
view = st.session_state.get(MAP_VIEW) or FRANCE
with st.container(horizontal=True, gap="small"):
    for step in breadcrumb(reference, view):
        st.button(
            ("" if step.level == Level.FRANCE else "› ") + md(name_of(reference, step)),
            key=f"evolution_crumb_{step.key}", on_click=open_view, args=(step,),
            disabled=step == view, width="content", help=LEVEL_LABELS[step.level],
        )  # fmt: skip
if len(table):
    moved = (
        table.assign(gagnee=table["evolution"] == "gagnée", perdue=table["evolution"] == "perdue")
        .groupby("departement")[["gagnee", "perdue"]]
        .sum()
    )
    moved = moved[(moved["gagnee"] + moved["perdue"]) > 0]
    if len(moved):
        names = reference.departements.set_index("code")["nom"]
        with st.container(horizontal=True, gap="small", vertical_alignment="center"):
            st.caption("Départements où des communes changent :")
            for code, row in moved.head(12).iterrows():
                st.button(
                    f"{md(names.get(code, code))} ({md(code)}) : +{row['gagnee']} / −{row['perdue']}",
                    key=f"evolution_dep_{code}", on_click=open_view,
                    args=(View(Level.DEPARTEMENT, code),), disabled=view == View(Level.DEPARTEMENT, code),
                )  # fmt: skip
map_element(
    _map_spec(data.inputs, options, then, now, view), map_assets(), key=MAP_KEY,
    on_click=open_clicked,
)  # fmt: skip
if len(table):
    labels = summary.after.status_labels
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
        f"Règle : {summary.after.counting_rule}",
        f"Données : {data.saved_label}",
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
