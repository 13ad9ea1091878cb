"""The sidebar: how to count (rule, territory, EPCI, OPSN, background).

Which data is counted is :mod:`ui.data` (a saved version, perhaps with a what-if)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from geo.core.coverage import CoverageOptions
from geo.core.registry import opsn_names
from geo.core.rules import Rule, Territory
from ui.guard import ign_tiles_allowed


def controls(registry: pd.DataFrame, dated: bool = False) -> CoverageOptions:
    """The counting options; ``dated``: memberships carry dates, so offer the date control."""
    side = st.sidebar
    side.radio(
        "Règle de comptage", list(Rule), format_func=lambda r: Rule(r).choice, key="rule",
        help="« Dans un périmètre » : un OPSN propose ses services dans le département, "
        "sans adhésion connue de la commune.",
    )  # fmt: skip
    side.radio(
        "Territoire", list(Territory), format_func=lambda t: Territory(t).choice, key="territory"
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
    if dated or st.session_state.get("at"):
        side.date_input(
            "Adhésions en vigueur au", key="at", format="DD/MM/YYYY",
            min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1),
            help="Vide : aujourd'hui. Comparer deux dates : page « Évolution ».",
        )  # fmt: skip
    if ign_tiles_allowed():
        side.checkbox(
            "Fond de carte Plan IGN (connexion Internet requise)", key="basemap",
            help="Sans connexion, la carte reste complète sur fond uni : régions, départements "
            "et communes sont dessinés par l'application.",
        )  # fmt: skip
    else:  # OPSN_IGN_TILES=0: the server's pages may load nothing from another host
        st.session_state["basemap"] = False
    return CoverageOptions(
        rule=st.session_state["rule"],
        territory=st.session_state["territory"],
        epci_membership=st.session_state["epci_membership"],
        at=st.session_state.get("at"),
        opsn=tuple(st.session_state["opsn_filter"]),
        count_partial_offers=st.session_state["partial_offers"],
    )
