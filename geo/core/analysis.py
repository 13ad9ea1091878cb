"""One call from inputs to everything shown: coverage, territories without OPSN, figures.

The app, the command line and the scenarios all go through :func:`analyse`, so
that a figure on screen and the same figure in a terminal cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from geo.core.coverage import CoverageOptions, commune_coverage, coverage_figures, figures_by
from geo.core.figures import Figures, FiguresCompared
from geo.core.inputs import Inputs
from geo.core.reference import ReferenceData
from geo.core.registry import opsn_names, uncounted_opsn
from geo.core.stats import vintage_sentence
from geo.core.white_zones import white_zones


@dataclass
class Analysis:
    """Coverage of every commune under one set of options, with its derived tables."""

    options: CoverageOptions
    coverage: pd.DataFrame
    zones: pd.DataFrame
    figures: Figures


def vintage(reference: ReferenceData) -> str:
    return vintage_sentence(
        reference.metadata.get("population_year"), reference.metadata.get("cog_year")
    )


def analyse(reference: ReferenceData, inputs: Inputs, options: CoverageOptions) -> Analysis:
    """Coverage, territories without OPSN and headline figures."""
    communes = reference.communes
    uncounted = uncounted_opsn(inputs.registry, options.count_partial_offers, options.opsn)
    coverage = commune_coverage(communes, inputs.perimeters, inputs.memberships, options, uncounted)
    zones = white_zones(
        communes,
        coverage,
        reference.neighbours,
        reference.neighbour_positions,
        reference.departements,
        reference.regions,
        reference.projected(),
    )
    names = opsn_names(inputs.registry)
    figures = replace(
        coverage_figures(communes, coverage, options, zones, vintage(reference), names),
        cog_year=reference.metadata.get("cog_year"),
        population_year=reference.metadata.get("population_year"),
    )
    return labelled(Analysis(options, coverage, zones, figures), inputs)


def labelled(analysis: Analysis, inputs: Inputs) -> Analysis:
    """``analysis`` naming the data of ``inputs``: label, sources, saved version.

    The only facts of an analysis that do not come from the tables
    (:attr:`Inputs.tables_key`): an analysis kept on disk for the same tables under
    another label is read back with these set anew."""
    figures = replace(
        analysis.figures,
        data=inputs.label,
        data_sources=inputs.sources_json(),
        data_version=inputs.version,  # saved version used (None: files)
    )
    return replace(analysis, figures=figures)


def table_by(reference: ReferenceData, analysis: Analysis, level: str) -> pd.DataFrame:
    """Coverage per ``region``, ``departement`` or ``epci``, with names."""
    layers = {
        "region": (reference.regions, "code"),
        "departement": (reference.departements, "code"),
        "epci": (reference.epci, "siren"),
    }
    layer, key = layers[level]
    names = pd.Series(layer["nom"].to_numpy(), index=layer[key].to_numpy())
    return figures_by(reference.communes, analysis.coverage, level, names)


def figure_deltas(before: Figures, after: Figures) -> dict:
    """What changed between two sets of figures (two dates, two versions): the JSON keys."""
    return {
        "covered_population_delta": after.covered_population - before.covered_population,
        "covered_share_delta": round(after.covered_share - before.covered_share, 6),
        "covered_communes_delta": after.covered_communes - before.covered_communes,
        "white_zone_count_delta": (after.white_zone_count or 0) - (before.white_zone_count or 0),
    }


def compared_figures(before: Figures, after: Figures) -> FiguresCompared:
    """Both sets of figures and :func:`figure_deltas`."""
    return FiguresCompared(before, after, **figure_deltas(before, after))
