"""Déclic's own 2020 headline, shown beside today's figure so that a reader can relate them.

In its press release of 18 May 2020, Déclic said that its members — « une
quarantaine de structures » — cover 38 million inhabitants, 57 % of the French
population. That figure is not computed the way this project computes its
own: this module states it with its source and says, in one sentence, why the
two differ. The research notes (``../shared/data/opsn/NOTES_RECHERCHE.md``,
§ 2 and § 5) record that the release itself was not found online; the
Banque des Territoires reported « 39 opérateurs » the next day.
"""

from __future__ import annotations

from geo.core import fmt
from geo.core.figures import Figures
from geo.core.rules import Rule

DECLIC_2020 = {
    "date": "2020-05-18",
    "structures": "une quarantaine",
    "population": 38_000_000,
    "share": 0.57,
    "source": "communiqué de presse de Déclic du 18 mai 2020",
    "source_notes": (
        "Chiffre attribué au communiqué de presse de Déclic du 18 mai 2020 ; le texte du "
        "communiqué n'a pas été retrouvé en ligne. La Banque des Territoires (Localtis, "
        "19 mai 2020) parle de 39 opérateurs."
    ),
    "sources": [
        "https://banquedesterritoires.fr/numerique-une-etude-confirme-linteret-de-la-mutualisation-territoriale",
        "https://opendatafrance.fr/numerique-mutualiser-pour-innover-et-permettre-legalite-entre-les-citoyens-les-territoires",
    ],
}
"""Déclic's figure as published (do not recompute it: it is a quotation)."""


def declic_headline() -> str:
    """« Déclic, mai 2020 : une quarantaine de structures, 38 millions d'habitants, 57 % »."""
    return (
        f"Déclic, mai 2020 : {DECLIC_2020['structures']} de structures, "
        f"{fmt.decimal(DECLIC_2020['population'] / 1e6, 0)} millions d'habitants, "
        # Déclic's own figure, as published (« 57 % »): a quotation, not one of our shares.
        f"{fmt.percent(DECLIC_2020['share'], 0)} de la population"
    )


def why_it_differs(figures: Figures | None = None) -> str:
    """One sentence on why today's figure is not Déclic's 2020 one.

    ``figures`` (the headline figures of :func:`geo.core.analysis.analyse`) makes
    the sentence name today's share and what it counts.
    """
    today = f" ({fmt.percent(figures.covered_share)} ici)" if figures else ""
    population_year = (figures and figures.population_year) or 2023
    cog_year = (figures and figures.cog_year) or 2026
    partial = (
        "offres partielles comptées"
        if figures and figures.partial_offers_counted
        else ("offres partielles non comptées")
    )
    data = figures and figures.data
    if data and data != "données livrées":
        opsn = f"un opérateur des données utilisées ({data} ; {partial})"
    else:
        opsn = (
            f"une structure du registre du projet (2025-2026, membre de Déclic ou non ; {partial})"
        )
    where = (
        ""
        if figures and figures.rule == Rule.ADHESION
        else " ou se trouve dans son périmètre départemental"
    )
    return (
        f"Le chiffre d'aujourd'hui{today} ne se compare pas directement à celui de Déclic : "
        "Déclic n'a publié ni sa méthode ni la liste de ses quelque 40 membres de 2020, alors "
        f"qu'ici compte une seule fois chaque commune qui adhère à {opsn}{where}, avec sa "
        f"population municipale {population_year} et les communes au 1er janvier {cog_year}."
    )


def declic_reference(figures: Figures | None = None) -> dict:
    """Déclic's 2020 headline, its source and the sentence on the difference (JSON-ready)."""
    return {
        **DECLIC_2020,
        "headline": declic_headline(),
        "why_different": why_it_differs(figures),
    }
