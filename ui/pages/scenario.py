"""« Et si… » page: extend or shrink an OPSN, see the figures, open the opportunities.

The what-if lives in the session (:data:`ui.data.WHATIF`) and in the page's
address (:mod:`ui.scenario_url`: the OPSN chosen, the what-if, the draft
opened): the map page applies it to its headline, map and territories without
OPSN until it is dropped. A signed-in person may keep it as a named draft, and
publish a draft as the version in service after a preview (:mod:`ui.drafts`).

The scenario is built from lists or by clicking its map: with « Cliquer pour
ajouter / retirer » on, a click on a department toggles it in the chosen OPSN's
perimeter and a click on a commune its membership (or its EPCI's)
(:func:`geo.planning.scenario_toggle.toggle`); off, a click opens the territory.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.core import fmt
from geo.core.coverage import CoverageOptions
from geo.core.inputs import Inputs
from geo.core.registry import opsn_names
from geo.core.views import FRANCE, LEVEL_LABELS, Level, View
from geo.explore.views import breadcrumb, name_of, selection
from geo.exports import csv_bytes
from geo.exports.scenario import scenario_workbook
from geo.maps.changes import change_map_spec, scenario_classes, scenario_palette
from geo.planning.command_line import command
from geo.planning.drafts import scenario_state
from geo.planning.opportunities import opportunities
from geo.planning.scenario_toggle import toggle
from geo.planning.scenarios import (
    Change,
    apply_changes,
    figures_table,
    run_scenario,
    status_changes,
)
from geo.storage.labels import data_label
from ui import scenario_url
from ui.access import identity
from ui.data import (
    DRAFT,
    OPTIONS,
    WHATIF,
    data_in_use,
    drop_whatif,
    open_draft,
)
from ui.drafts import drafts_list, open_draft_panel, save_form
from ui.map_element import clicked, map_element
from ui.markdown import md
from ui.resources import BY_CONTENT, analysis_for, map_assets, map_spec_for, reference_data
from ui.saving import page_entered, show_saved
from ui.summary import changed_communes, figures_delta


@st.cache_resource(
    max_entries=8, show_spinner="Recherche des meilleures extensions…", hash_funcs=BY_CONTENT
)
def _opportunities(inputs: Inputs, options: CoverageOptions) -> pd.DataFrame:
    return opportunities(reference_data(), inputs, options, analysis=analysis_for(inputs, options))


@st.cache_resource(max_entries=16, show_spinner="Calcul du scénario…", hash_funcs=BY_CONTENT)
def _scenario(inputs: Inputs, changes: tuple[Change, ...], options: CoverageOptions):
    """Figures and changed communes; both analyses come from (and stay in) the shared cache."""
    changed_inputs = apply_changes(inputs, changes, reference_data().departements)
    result = run_scenario(
        reference_data(), inputs, changes, options,
        before=analysis_for(inputs, options), after=analysis_for(changed_inputs, options),
    )  # fmt: skip
    return result.summary, status_changes(reference_data(), result.before, result.after)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=BY_CONTENT)
def _map_spec(
    inputs: Inputs, changes: tuple[Change, ...], options: CoverageOptions, view: View
) -> dict:
    """The what-if map of ``view``: statuses with the scenario, gained and lost communes apart."""
    reference = reference_data()
    after_inputs = apply_changes(inputs, changes, reference.departements) if changes else inputs
    before = analysis_for(inputs, options)
    after = analysis_for(after_inputs, options)
    spec = map_spec_for(after_inputs, options, view, False)
    area = name_of(reference, view, after.zones)
    return change_map_spec(
        reference, spec, scenario_classes(before, after),
        inside=after.coverage["dans_territoire"].to_numpy(dtype=bool),
        focus=selection(reference, view, after.zones),
        palette=scenario_palette(options.rule, bool(options.opsn)),
        title=("Avec le scénario" if changes else "Sans scénario") + f" — {area}",
    )  # fmt: skip


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
    """A new what-if (the opportunity's change), for its OPSN; a draft opened is closed."""
    st.session_state[WHATIF] = [change.as_dict()]
    st.session_state[DRAFT] = None
    st.session_state[CLICK_MESSAGE] = ""
    scenario_url.choose(change.opsn, change.name)


def opsn_chosen() -> None:
    """Another OPSN: a message about the previous one's clicks no longer applies."""
    st.session_state[CLICK_MESSAGE] = ""


def optional(column, label: str, options: list, key: str, format_func, empty: str) -> None:
    """A multiselect, or a sentence when there is nothing to choose from."""
    if options:
        column.multiselect(label, options, format_func=format_func, key=key, placeholder="Choisir…")
    else:
        st.session_state[key] = []
        column.caption(f"{label} : {empty}.")


def open_view(view: View) -> None:
    st.session_state[MAP_VIEW] = view
    st.session_state[CLICK_MESSAGE] = ""


def on_map_click() -> None:
    """A click on the what-if map (a callback, before the rerun): toggle or open."""
    click = clicked(MAP_KEY)
    if not click:
        return
    state = st.session_state
    state["wi_clicks"] = state.get("wi_clicks", 0) + 1
    level, code = click["level"], click["code"]
    toggling = state.get(CLICK_MODE, True)
    if level == Level.REGION or (level == Level.DEPARTEMENT and not toggling):
        open_view(View(level, code))
        return
    if level == Level.TERRITOIRE or not toggling:
        state[CLICK_MESSAGE] = (
            "Un territoire sans OPSN ne s'ajoute pas d'un clic : ouvrez ses départements "
            "(bouton « Départements » de la carte)."
            if level == Level.TERRITOIRE
            else "Activez « Cliquer pour ajouter / retirer » pour changer l'adhésion d'une commune."
        )
        return
    opsn, name = state.get("wi_opsn"), None
    if opsn == NEW:
        opsn = (state.get("wi_new_id") or "").strip().lower()
        name = (state.get("wi_new_name") or "").strip() or None
        if not opsn:
            state[CLICK_MESSAGE] = "Donnez d'abord un identifiant au nouvel OPSN."
            return
    reference = reference_data()
    kind = level
    if level == Level.COMMUNE and state.get(CLICK_TARGET) == EPCI:
        kind, code = "epci", reference.communes_by_insee["epci"].get(code, "")
        if not code:
            state[CLICK_MESSAGE] = "Cette commune n'appartient à aucun EPCI."
            return
    data = data_in_use()
    options = state.get(OPTIONS) or CoverageOptions()
    result = toggle(reference, data.base, data.changes, opsn, kind, code, at=options.at, name=name)
    state[WHATIF] = [c.as_dict() for c in result.changes]
    state[CLICK_MESSAGE] = result.message + _unchanged_figures(data, options, kind, code, result)


def _unchanged_figures(data, options: CoverageOptions, kind: str, code: str, result) -> str:
    """Why a click that did change the scenario leaves the figures as they were, if it does."""
    if not (result.done and result.added):
        return ""
    if kind == "departement" and not options.rule.counts_perimeters:
        return (
            " Avec la règle des adhésions seules, un périmètre ne couvre aucune commune : "
            "les chiffres ne changent pas."
        )
    if kind == "commune":
        analysis = analysis_for(data.inputs, options)
        # The coverage table is in the reference order, as communes_by_insee is.
        row = analysis.coverage.iloc[reference_data().communes_by_insee.index.get_loc(code)]
        if row["couverte"]:
            label = analysis.figures.status_labels[row["statut"]]
            label = label[:1].lower() + label[1:]
            return f" Elle était déjà couverte ({label}) : les chiffres ne changent pas."
    return ""


MAP_KEY = "wi_map"
MAP_VIEW = "wi_view"
CLICK_MODE = "wi_click_mode"
CLICK_TARGET = "wi_click_target"
CLICK_MESSAGE = "wi_click_message"
COMMUNE, EPCI = "commune", "epci"
NEW = scenario_url.NEW
SHOWN_OPPORTUNITIES = 200
reference = reference_data()
st.title("Et si… un OPSN s'étendait ?")
if page_entered():
    st.session_state[CLICK_MESSAGE] = ""  # a message of an earlier visit says nothing now
for message in scenario_url.sync():
    st.warning(md(message))
options = st.session_state.get(OPTIONS) or CoverageOptions()
data = data_in_use()
base = data.base
names = opsn_names(base.registry)
departements = dict(zip(reference.departements["code"], reference.departements["nom"], strict=True))
epci_names = dict(zip(reference.epci["siren"], reference.epci["nom"], strict=True))

changes = tuple(Change.from_dict(c) for c in st.session_state.get(WHATIF, []) or [])
draft = open_draft()
show_saved()
st.info(md(scenario_state(changes, draft)), icon=":material/bookmark:")
st.caption(
    f"Calculé sur la {md(data_label(data.version, data.latest, data.freshness))}, avec les "
    "options de comptage de la carte."
)

choices = [*sorted(names, key=lambda i: names[i].lower()), NEW]
if st.session_state.get("wi_opsn") not in choices:
    st.session_state.pop("wi_opsn", None)
opsn = st.selectbox(
    "OPSN", choices, key="wi_opsn", on_change=opsn_chosen,
    format_func=lambda i: "Nouvel OPSN…" if i == NEW else f"{names[i]} ({i})",
    help="L'OPSN que changent les listes et les clics sur la carte.",
)  # fmt: skip
if opsn == NEW:
    left, right = st.columns(2)
    left.text_input("Identifiant du nouvel OPSN", key="wi_new_id", placeholder="ex. : nouvel_opsn")
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

scenario_url.keep(opsn)
summary = changed = None
if changes:
    summary, changed = _scenario(base, tuple(changes), options)
    figures_delta(summary.before, summary.after, before_label="sans le scénario")
    st.markdown(
        f"Population gagnée : **{fmt.inhabitants(summary.population_gained)}** ; perdue : "
        f"**{fmt.inhabitants(summary.population_lost)}**. Territoires sans OPSN : "
        f"{summary.white_zones_before} → {summary.white_zones_after} (absorbés : "
        f"{summary.white_zones_absorbed}, scindés : {summary.white_zones_split}, "
        f"réduits : {summary.white_zones_reduced})."
    )
else:
    st.info(
        "Aucun changement pour l'instant : choisissez un OPSN, puis cliquez sur la carte "
        "(« Cliquer pour ajouter / retirer ») ou complétez les listes sous la carte.",
        icon=":material/touch_app:",
    )

view = st.session_state.get(MAP_VIEW) or FRANCE
left, right = st.columns([2, 1], gap="medium")
with left:
    with st.container(horizontal=True, gap="small"):
        trail = [
            v
            for v in breadcrumb(reference, view)
            if v.level in (Level.FRANCE, Level.REGION, Level.DEPARTEMENT)
        ]
        for step in trail:
            st.button(
                ("" if step.level == Level.FRANCE else "› ") + md(name_of(reference, step)),
                key=f"wi_crumb_{step.key}", on_click=open_view, args=(step,),
                disabled=step == view, width="content", help=LEVEL_LABELS[step.level],
            )  # fmt: skip
    spec = _map_spec(base, tuple(changes), options, view)
    who = (
        f"le nouvel OPSN « {st.session_state.get('wi_new_id') or '…'} »"
        if opsn == NEW
        else names.get(opsn, opsn)
    )
    if st.session_state.get(CLICK_MODE, True):
        st.markdown(f":material/ads_click: Un clic sur la carte change : **{md(who)}**")
        target = "l'EPCI de la commune" if st.session_state.get(CLICK_TARGET) == EPCI else None
        hint = f"Cliquer pour l'ajouter à {who} ou l'en retirer" + (
            f" ({target})" if target and view.level == Level.DEPARTEMENT else ""
        )
        spec = spec | {
            "clicks": {
                "preview": False,
                "hint": hint,
                "pending": "Calcul du scénario…",
                "label": "Cliquer sur :",
                "serial": st.session_state.get("wi_clicks", 0),
            }
        }
        spec["legend"] = spec["legend"] | {
            "note": "Cliquez sur un département pour l'ajouter au périmètre de l'OPSN choisi "
            "ou l'en retirer ; dans un département, sur une commune pour son adhésion."
        }
    map_element(spec, map_assets(), key=MAP_KEY, on_click=on_map_click)
with right:
    st.toggle(
        "Cliquer pour ajouter / retirer", value=True, key=CLICK_MODE,
        help="Activé : un clic sur un département l'ajoute au périmètre de l'OPSN choisi (ou "
        "l'en retire), un clic sur une commune la fait adhérer (ou partir). Désactivé : un "
        "clic ouvre le département.",
    )  # fmt: skip
    if st.session_state.get(CLICK_MODE, True):
        if view.level == Level.DEPARTEMENT:
            st.radio(
                "Un clic sur une commune ajoute ou retire", [COMMUNE, EPCI], key=CLICK_TARGET,
                format_func={COMMUNE: "la commune", EPCI: "son EPCI (toutes ses communes)"}.get,
            )  # fmt: skip
            st.caption("Un clic sur un département voisin l'ajoute au périmètre ou l'en retire.")
        else:
            st.caption(
                "Un clic sur un département l'ajoute au périmètre ou l'en retire. Pour cliquer "
                "sur des communes, désactivez ce mode et ouvrez un département."
            )
    else:
        st.caption("Un clic ouvre le département (ou la région avec « Régions » sur la carte).")
    message = st.session_state.get(CLICK_MESSAGE)
    if message:
        st.info(md(message), icon=":material/ads_click:")
    if opsn != NEW:
        after_inputs = data.inputs
        now_perimeter = sorted(
            after_inputs.perimeters.loc[after_inputs.perimeters["opsn"] == opsn, "departement"]
        )
        label = "Périmètre avec le scénario" if changes else "Périmètre"
        st.markdown(
            f"**{label}** : "
            + (
                ", ".join(f"{md(departements.get(c, c))} ({md(c)})" for c in now_perimeter)
                if now_perimeter
                else "aucun département (l'OPSN ne sert que ses adhérents)"
            )
        )

with st.container(border=True):
    st.subheader("Ajouter par liste")
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

if changes:
    st.subheader("Scénario affiché")
    for position, change in enumerate(changes):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(
                f"{position + 1}. {md(change.command().removeprefix('python -m geo scenario '))}"
            )
            st.button(
                "Retirer", key=f"wi_remove_{position}_{len(changes)}",
                on_click=remove_change, args=(position,),
            )  # fmt: skip
    st.caption("La commande qui donne les mêmes chiffres (mêmes données, mêmes options) :")
    st.code(summary.command, language=None, wrap_lines=True)
    changed_communes(
        changed.to_dict(orient="records"), summary.after.status_labels, key="wi_changed",
        before="Sans le scénario", after="Avec le scénario",
    )  # fmt: skip
    notes = [
        f"{scenario_state(changes, draft)} Commande : {summary.command}",
        f"Règle : {summary.after.counting_rule}",
        f"Données : {data.saved_label}",
    ]
    with st.container(horizontal=True):
        st.page_link("ui/pages/carte.py", label="Voir sur la carte", icon=":material/map:")
        st.download_button(
            "Exporter les chiffres (CSV)", csv_bytes(figures_table(summary), notes),
            file_name="scenario.csv", mime="text/csv", key="wi_download",
        )  # fmt: skip
        st.download_button(
            "Exporter le scénario (Excel)",
            scenario_workbook(reference, summary, changed, data.saved_label),
            file_name="scenario.xlsx", key="wi_download_xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )  # fmt: skip
        st.button("Abandonner le scénario", on_click=drop_whatif, key="wi_drop")

st.header("Scénarios enregistrés")
who = identity()
if changes and who is not None:
    save_form(who, data.version.number, changes, options, draft)
elif changes:
    st.caption("Connectez-vous pour enregistrer ce scénario ou publier un scénario enregistré.")
if draft is not None:
    open_draft_panel(draft, changes, who, options)
drafts_list(who)
scenario_url.write(opsn, changes, draft)

st.header("Opportunités")
st.caption(
    "Pour chaque territoire sans OPSN et chaque OPSN qui le borde, ce que couvrirait son "
    "extension aux départements du territoire, à l'un d'eux, ou l'adhésion des EPCI du bord — "
    "classé par habitants gagnés (même calcul que « et si… »), sur les données et avec les "
    "options de la carte, sans le scénario affiché. La même liste, dans le même ordre :"
)
st.code(command("opportunities", options, data.version.number), language=None, wrap_lines=True)
table = _opportunities(base, options)
if table.empty:
    st.info("Aucune extension d'un OPSN voisin ne couvrirait d'habitants de plus.")
else:
    top = table.head(SHOWN_OPPORTUNITIES)
    if len(table) > SHOWN_OPPORTUNITIES:
        st.caption(
            f"Les {SHOWN_OPPORTUNITIES} premières extensions sur {fmt.integer(len(table))} "
            "(toutes dans le fichier CSV)."
        )
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
                f"Règle : {analysis_for(base, options).figures.counting_rule}",
                f"Données : {data.saved_label}",
            ],
        ),
        file_name="opportunites.csv", mime="text/csv", key="opportunities_download",
    )  # fmt: skip
