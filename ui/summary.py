"""Before / after figures, the same way on every page (import preview, versions, what-if)."""

from __future__ import annotations

import streamlit as st

from geo.core import fmt


def _signed(value: float, text: str) -> str:
    # Streamlit colours a delta by its leading "-" (ASCII): keep it for decreases.
    return ("+" if value > 0 else "-" if value < 0 else "") + text


def figures_delta(figures: dict, before_label: str = "avant") -> None:
    """Four metrics of ``after`` with their change from ``before``, and the counting rule."""
    before, after = figures["before"], figures["after"]
    share = after["covered_share"] - before["covered_share"]
    population = after["covered_population"] - before["covered_population"]
    communes = after["covered_communes"] - before["covered_communes"]
    zones = (after["white_zone_count"] or 0) - (before["white_zone_count"] or 0)
    cols = st.columns(4)
    cols[0].metric(
        "Part couverte",
        fmt.percent(after["covered_share"], 1),
        _signed(share, f"{fmt.decimal(abs(share) * 100, 2)} point") if share else None,
        help=f"Part de la population couverte ; {before_label} : "
        f"{fmt.percent(before['covered_share'], 1)}",
    )
    cols[1].metric(
        "Habitants couverts",
        fmt.integer(after["covered_population"]),
        _signed(population, fmt.integer(abs(population))) if population else None,
        help=f"{before_label} : {fmt.integer(before['covered_population'])}",
    )
    cols[2].metric(
        "Communes couvertes",
        fmt.integer(after["covered_communes"]),
        _signed(communes, fmt.integer(abs(communes))) if communes else None,
        help=f"{before_label} : {fmt.integer(before['covered_communes'])}",
    )
    cols[3].metric(
        "Territoires sans OPSN",
        fmt.integer(after["white_zone_count"] or 0),
        _signed(zones, fmt.integer(abs(zones))) if zones else None,
        delta_color="inverse",
        help=f"{before_label} : {fmt.integer(before['white_zone_count'] or 0)}",
    )
    st.caption(f"Règle : {after['counting_rule']}")
