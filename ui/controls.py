"""The sidebar: which data, and how to count (rule, territory, EPCI, OPSN, background)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.analysis import Inputs
from geo.coverage import CoverageOptions
from geo.inputs import inputs_in_use
from geo.registry import opsn_names
from ui.resources import bundled

RULE_CHOICES = {"perimetre": "Adhérentes ou dans un périmètre", "adhesion": "Adhérentes seulement"}
TERRITORY_CHOICES = {"france": "France entière (métropole et DROM)", "metropole": "Métropole"}


def controls(registry: pd.DataFrame) -> CoverageOptions:
    side = st.sidebar
    side.radio(
        "Règle de comptage", list(RULE_CHOICES), format_func=RULE_CHOICES.get, key="rule",
        help="« Dans un périmètre » : un OPSN propose ses services dans le département, "
        "sans adhésion connue de la commune.",
    )  # fmt: skip
    side.radio(
        "Territoire", list(TERRITORY_CHOICES), format_func=TERRITORY_CHOICES.get, key="territory"
    )
    side.checkbox(
        "Compter les communes des EPCI adhérents", key="epci_membership",
        help="Une intercommunalité adhérente rend adhérentes toutes ses communes.",
    )  # fmt: skip
    side.checkbox(
        "Compter les offres partielles", key="partial_offers",
        help="Structures qui ne proposent qu'un service (commande publique, délégué à la "
        "protection des données, SIG, données) : non comptées par défaut.",
    )  # fmt: skip
    names = opsn_names(registry)
    valid = [x for x in st.session_state.get("opsn_filter", []) if x in names]
    st.session_state["opsn_filter"] = valid
    side.multiselect(
        "OPSN", list(names), format_func=lambda i: names.get(i, i), key="opsn_filter",
        placeholder="Tous les OPSN",
    )  # fmt: skip
    side.checkbox(
        "Fond de carte Plan IGN (connexion Internet requise)", key="basemap",
        help="Sans connexion, la carte reste complète sur fond uni : régions, départements "
        "et communes sont dessinés par l'application.",
    )  # fmt: skip
    return CoverageOptions(
        rule=st.session_state["rule"],
        territory=st.session_state["territory"],
        epci_membership=st.session_state["epci_membership"],
        at=st.session_state.get("at"),
        opsn=tuple(st.session_state["opsn_filter"]),
        count_partial_offers=st.session_state["partial_offers"],
    )


def data_choice() -> tuple[str, Inputs]:
    """The data the figures come from: never files that are gone or unreadable (geo.inputs)."""
    from ui.imports import imported

    files, failed = imported()
    if files is None and st.session_state.get("data_source") == "imported":
        st.session_state["data_source"] = "bundled"  # before the radio exists in this run
        requested = "imported"
    else:
        requested = None
    options = ["bundled"] + (["imported"] if files is not None else [])
    labels = {"bundled": "Données livrées", "imported": "Fichiers importés"}
    choice = st.sidebar.radio(
        "Données utilisées", options, format_func=labels.get, key="data_source"
    )
    choice, inputs, message = inputs_in_use(requested or choice, files, bundled(), failed)
    if message:
        st.sidebar.warning(message)
    if choice == "imported":
        return st.session_state["imported"][0], inputs
    return "bundled", inputs
