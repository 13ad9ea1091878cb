"""What a save changes, drawn the same way on every page (compare, restore, publish).

The result is :func:`geo.planning.compare.compare_snapshots`'s: OPSN added,
removed and edited (each field before → after), memberships added and removed
per OPSN, and the communes whose status changes, with both statuses.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.core import fmt
from ui.markdown import md
from ui.summary import changed_communes


def show_changes(result: dict, before: str, after: str, key: str) -> None:
    """The lists of ``result``; ``before`` / ``after`` name the two sides in the tables."""
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
            hide_index=True, key=f"{key}_by_opsn",
        )  # fmt: skip
    communes = result.get("communes", [])
    st.markdown(f"Communes dont le statut change : **{fmt.integer(len(communes))}**")
    if communes:
        labels = result["figures"].after.status_labels
        changed_communes(communes, labels, key=f"{key}_communes", before=before, after=after)
