"""Before / after figures, the same way on every page (import preview, versions, what-if)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.core import fmt
from geo.core.figures import Figures
from ui.markdown import md


def _signed(value: float, text: str) -> str:
    # Streamlit colours a delta by its leading "-" (ASCII): keep it for decreases.
    return ("+" if value > 0 else "-" if value < 0 else "") + text


def figures_delta(before: Figures, after: Figures, before_label: str = "avant") -> None:
    """Four metrics of ``after`` with their change from ``before``, and the counting rule."""
    share = after.covered_share - before.covered_share
    population = after.covered_population - before.covered_population
    communes = after.covered_communes - before.covered_communes
    zones = (after.white_zone_count or 0) - (before.white_zone_count or 0)
    cols = st.columns(4)
    cols[0].metric(
        "Part couverte",
        fmt.percent(after.covered_share, 1),
        _signed(share, f"{fmt.decimal(abs(share) * 100, 2)} point") if share else None,
        help=f"Part de la population couverte ; {md(before_label)} : "
        f"{fmt.percent(before.covered_share, 1)}",
    )
    cols[1].metric(
        "Habitants couverts",
        fmt.integer(after.covered_population),
        _signed(population, fmt.integer(abs(population))) if population else None,
        help=f"{md(before_label)} : {fmt.integer(before.covered_population)}",
    )
    cols[2].metric(
        "Communes couvertes",
        fmt.integer(after.covered_communes),
        _signed(communes, fmt.integer(abs(communes))) if communes else None,
        help=f"{md(before_label)} : {fmt.integer(before.covered_communes)}",
    )
    cols[3].metric(
        "Territoires sans OPSN",
        fmt.integer(after.white_zone_count or 0),
        _signed(zones, fmt.integer(abs(zones))) if zones else None,
        delta_color="inverse",
        help=f"{md(before_label)} : {fmt.integer(before.white_zone_count or 0)}",
    )
    st.caption(f"Règle : {md(after.counting_rule)}")


def changed_communes(
    communes: list[dict], labels: dict, key: str, before: str = "Avant", after: str = "Après"
) -> None:
    """The communes whose status changes (``status_changes`` records), most populated first."""
    changed = pd.DataFrame(communes)
    if changed.empty:
        return
    shown = changed.assign(
        statut_avant=changed["statut_avant"].map(labels),
        statut_apres=changed["statut_apres"].map(labels),
    )[["insee", "nom", "departement", "population", "statut_avant", "statut_apres"]]
    st.dataframe(
        shown.rename(
            columns={
                "insee": "Code INSEE", "nom": "Commune", "departement": "Département",
                "population": "Population", "statut_avant": before, "statut_apres": after,
            }
        ),
        hide_index=True, width="stretch", key=key,
        column_config={"Population": st.column_config.NumberColumn(format="localized")},
    )  # fmt: skip


def report_columns() -> dict:
    """Column headers of an import report table (:func:`geo.planning.imports.report_lines`)."""
    return {
        "fichier": "Fichier",
        "ligne": st.column_config.NumberColumn("Ligne", format="%d", width="small"),
        "statut": st.column_config.TextColumn("Statut", width="small"),
        "opsn": "OPSN",
        "membre": "Membre",
        "valeur": "Valeur lue",
        "detail": st.column_config.TextColumn("Message", width="large"),
    }
