"""A what-if's figures as a workbook: the share, the counts, the communes that change.

Three sheets and the « Sources et règle » sheet every workbook has
(:mod:`geo.exports.xlsx`): numbers stay numbers (French Excel shows
``57,12 %`` and ``12 345``), the scenario itself (its ``python -m geo
scenario`` lines) and the data it was computed on are written with the rule.
"""

from __future__ import annotations

import pandas as pd

from geo.core.analysis import vintage
from geo.core.reference import ReferenceData
from geo.explore.tables import Column, Table
from geo.exports.about import About
from geo.planning.scenarios import FIGURE_ROWS, ScenarioSummary

BEFORE, AFTER = "Sans le scénario", "Avec le scénario"


def scenario_tables(summary: ScenarioSummary, changed: pd.DataFrame, data: str) -> list[Table]:
    """The share, the counts, and the communes whose status changes (``status_changes``)."""
    before, after = summary.before, summary.after
    notes = (
        "Scénario « et si… » ; mêmes chiffres : " + summary.command,
        f"Règle : {after.counting_rule}",
        f"Données OPSN : {data}",
    )
    share = pd.DataFrame(
        {
            "Indicateur": ["Part de la population couverte"],
            BEFORE: [before.covered_share * 100],
            AFTER: [after.covered_share * 100],
            "Écart (points)": [(after.covered_share - before.covered_share) * 100],
        }
    )
    share_columns = (
        Column("Indicateur", "text", "Ce qui est compté."),
        Column(BEFORE, "percent", "Avec les données en service.", digits=2),
        Column(AFTER, "percent", "Avec le scénario appliqué.", digits=2),
        Column("Écart (points)", "percent", "Avec moins sans, en points de pourcentage.", 2),
    )
    rows = [(label, key) for label, key in FIGURE_ROWS if key != "covered_share"]
    counts = pd.DataFrame(
        {
            "Indicateur": [label for label, _ in rows]
            + ["Population gagnée", "Population perdue", "Communes gagnées", "Communes perdues"],
            BEFORE: [int(getattr(before, key) or 0) for _, key in rows] + [0, 0, 0, 0],
            AFTER: [int(getattr(after, key) or 0) for _, key in rows]
            + [
                summary.population_gained,
                summary.population_lost,
                summary.communes_gained,
                summary.communes_lost,
            ],
        }
    )
    counts["Écart"] = counts[AFTER] - counts[BEFORE]
    lost = counts["Indicateur"].isin(["Population perdue", "Communes perdues"])
    counts.loc[lost, "Écart"] = -counts.loc[lost, AFTER]
    count_columns = (
        Column("Indicateur", "text", "Ce qui est compté."),
        Column(BEFORE, "integer", "Avec les données en service."),
        Column(AFTER, "integer", "Avec le scénario appliqué."),
        Column("Écart", "integer", "Avec moins sans (négatif pour ce qui est perdu)."),
    )
    labels = after.status_labels
    communes = pd.DataFrame(
        {
            "Code INSEE": changed["insee"].astype(str),
            "Commune": changed["nom"],
            "Département": changed["departement"],
            "Population": changed["population"].astype("int64"),
            BEFORE: changed["statut_avant"].map(labels),
            AFTER: changed["statut_apres"].map(labels),
        }
    )
    commune_columns = (
        Column("Code INSEE", "code", "Code officiel géographique de la commune."),
        Column("Commune", "text", "Nom de la commune."),
        Column("Département", "code", "Code du département."),
        Column("Population", "integer", "Population municipale."),
        Column(BEFORE, "text", "Statut avec les données en service."),
        Column(AFTER, "text", "Statut avec le scénario appliqué."),
    )
    return [
        Table(
            "part", "Part de la population couverte", "Part couverte", share, share_columns, notes
        ),
        Table("chiffres", "Chiffres du scénario", "Chiffres", counts, count_columns, notes),
        Table(
            "communes",
            "Communes dont le statut change",
            "Communes qui changent",
            communes.reset_index(drop=True),
            commune_columns,
            notes,
        ),
    ]


def scenario_workbook(
    reference: ReferenceData, summary: ScenarioSummary, changed: pd.DataFrame, data: str
) -> bytes:
    """The what-if as an XLSX file (``data``: the saved version or files it starts from)."""
    from geo.exports.xlsx import workbook_bytes

    about = About(
        view="Scénario « et si… » : " + " ; ".join(summary.commands),
        rule=summary.after.counting_rule,
        vintage=vintage(reference),
        data=data + " + scénario « et si… » (pas dans la version en service)",
    )
    return workbook_bytes(scenario_tables(summary, changed, data), about)
