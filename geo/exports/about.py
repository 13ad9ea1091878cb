"""What every export says about itself: title, view, counting rule, vintages, sources, date.

One place builds these lines so that a PNG, a PDF, a workbook and a CSV of the
same view carry the same words (DESIGN.md §5: every percentage with its rule
and vintages; every data source credited where its data is shown).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from geo.core.analysis import Analysis, Inputs, vintage
from geo.core.reference import ReferenceData
from geo.core.stats import CREDITS

PRODUCT = "Couverture OPSN"
LICENCE = "Licence Ouverte 2.0 (Etalab) pour les données ; code sous licence MIT."


@dataclass(frozen=True)
class About:
    """The facts printed on every export of one view."""

    view: str  # « France », « Finistère (29) »
    rule: str  # the counting rule sentence, with its vintages
    vintage: str  # « populations légales 2023, communes au 1er janvier 2026 »
    data: str  # the OPSN data in use (bundled data, a file…)
    date: dt.date = field(default_factory=dt.date.today)

    @property
    def rule_sentence(self) -> str:
        """The rule with a capital letter, as a subtitle."""
        return self.rule[:1].upper() + self.rule[1:] + "."

    @property
    def credit_line(self) -> str:
        """Sources, licence and date, in one line for a map's footer."""
        return (
            f"{CREDITS} Données OPSN : {self.data}. Réalisation : {PRODUCT}, {self.date:%d/%m/%Y}."
        )

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) lines for a « Sources » sheet or page."""
        return [
            ("Vue", self.view),
            ("Règle de comptage", self.rule_sentence),
            ("Millésimes", self.vintage),
            ("Données OPSN", self.data),
            ("Données de référence", CREDITS),
            ("Licence", LICENCE),
            ("Date de l'export", f"{self.date:%d/%m/%Y}"),
            ("Produit par", f"{PRODUCT} (python -m geo export)"),
        ]


def about(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    view: str,
    date: dt.date | None = None,
) -> About:
    return About(
        view=view,
        rule=analysis.figures.counting_rule,
        vintage=vintage(reference),
        data=inputs.label,
        date=date or dt.date.today(),
    )
