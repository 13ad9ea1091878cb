"""geo.core.figures: the figures are typed, and their JSON keeps its keys and their order.

The command line's JSON (``coverage --format json``, the ``before`` / ``after`` of
``scenario``, ``timeline`` and ``db compare``, ``stats --format json``) is the fields of
these dataclasses through :func:`geo.core.records.as_json`: renaming or moving a field
would change a contract that scripts read. The lists below are that contract, as the
README documents it; a test fails as soon as a key changes name or place.
"""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from geo.core.analysis import analyse, compared_figures
from geo.core.coverage import CoverageOptions, area_figures
from geo.core.figures import AreaFigures, ClassCounts, Counts, Figures, SizeRow
from geo.core.inputs import Inputs
from geo.core.records import as_json
from geo.core.stats import ReferenceFigures
from tests.tiny_reference import memberships, perimeters, tiny_reference

COVERAGE_KEYS = [
    "total_communes",
    "total_population",
    "covered_communes",
    "covered_population",
    "covered_share",
    "white_zone_count",
    "white_zone_population",
    "white_zone_overseas",
    "white_zone_islands",
    "rule",
    "territory",
    "epci_membership",
    "at",
    "opsn_filter",
    "partial_offers_counted",
    "status",
    "classes",
    "multi_opsn_communes",
    "multi_opsn_population",
    "by_size",
    "counting_rule",
    "status_labels",
    "cog_year",
    "population_year",
    "data",
    "data_sources",
    "data_version",
]
"""``coverage --format json`` (then ``reference_declic_2020``, which the command adds)."""

AREA_KEYS = [
    "total_communes",
    "total_population",
    "covered_communes",
    "covered_population",
    "covered_share",
    "status",
    "classes",
    "multi_opsn_communes",
    "multi_opsn_population",
    "by_size",
    "status_labels",
    "outside_territory",
]
STATUS_KEYS = ["communes", "population"]
CLASS_KEYS = ["label", "covered", "communes", "population"]
SIZE_KEYS = ["taille", "communes", "covered_communes", "population", "covered_population"]
COMPARED_KEYS = [
    "before",
    "after",
    "covered_population_delta",
    "covered_share_delta",
    "covered_communes_delta",
    "white_zone_count_delta",
]
STATS_KEYS = [
    "communes",
    "population",
    "departements",
    "regions",
    "epci",
    "former_codes",
    "arrondissement_codes",
    "communes_without_epci",
    "approximate_outlines",
    "cog_year",
    "population_year",
    "communes_metropole",
    "population_metropole",
]
"""``stats --format json``."""


@pytest.fixture(scope="module")
def reference():
    return tiny_reference()


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    registry = pd.DataFrame({"id": list("ABCD"), "nom": [f"OPSN {x}" for x in "ABCD"]})
    return Inputs(
        registry,
        perimeters([("A", "2A"), ("B", "75")]),
        memberships([("C", "01005", ""), ("D", "", "200000001")]),
    )


@pytest.fixture(scope="module")
def analysis(reference, inputs):
    return analyse(reference, inputs, CoverageOptions())


def test_the_headline_json_keeps_its_keys_in_their_order(analysis):
    shown = as_json(analysis.figures)
    assert list(shown) == COVERAGE_KEYS
    assert list(shown["status"]) == ["adherente", "perimetre", "sans_opsn"]
    assert all(list(entry) == STATUS_KEYS for entry in shown["status"].values())
    assert list(shown["classes"]) == ["adherente", "perimetre", "sans_opsn"]
    assert all(list(entry) == CLASS_KEYS for entry in shown["classes"].values())
    assert [list(row) for row in shown["by_size"]] == [SIZE_KEYS] * 4
    assert list(shown["status_labels"]) == ["adherente", "perimetre", "sans_opsn"]


def test_the_json_is_plain_values_and_the_rule_and_territory_their_words(analysis):
    text = json.dumps(as_json(analysis.figures), ensure_ascii=False)
    back = json.loads(text)
    assert back["rule"] == "perimetre" and back["territory"] == "france"
    assert '"rule": "perimetre", "territory": "france", "epci_membership": true' in text
    assert back["status"]["sans_opsn"] == {
        "communes": analysis.figures.status["sans_opsn"].communes,
        "population": analysis.figures.status["sans_opsn"].population,
    }
    assert back["by_size"][0]["taille"] == "moins de 500"


def test_area_and_compared_figures_keep_their_keys(reference, analysis):
    area = area_figures(reference.communes, analysis.coverage, None, analysis.options)
    assert list(as_json(area)) == AREA_KEYS
    compared = compared_figures(analysis.figures, analysis.figures)
    shown = as_json(compared)
    assert list(shown) == COMPARED_KEYS
    assert list(shown["before"]) == list(shown["after"]) == COVERAGE_KEYS
    assert shown["covered_population_delta"] == 0 and shown["white_zone_count_delta"] == 0


def test_the_contracts_are_the_fields_of_the_dataclasses():
    names = {
        Figures: COVERAGE_KEYS,
        AreaFigures: AREA_KEYS,
        Counts: STATUS_KEYS,
        ClassCounts: CLASS_KEYS,
        SizeRow: SIZE_KEYS,
        ReferenceFigures: STATS_KEYS,
    }
    for kind, keys in names.items():
        assert [field.name for field in dataclasses.fields(kind)] == keys, kind.__name__


def test_a_misspelt_figure_is_an_error_where_it_is_read(analysis):
    figures = analysis.figures
    with pytest.raises(AttributeError):
        figures.covered_shares  # noqa: B018
    with pytest.raises(AttributeError):
        figures.status["sans_opsn"].populations  # noqa: B018
    with pytest.raises(TypeError):
        figures["covered_share"]  # no string keys any more
    with pytest.raises(dataclasses.FrozenInstanceError):
        figures.covered_share = 1.0
    with pytest.raises(TypeError):
        dataclasses.replace(figures, covered_shares=1.0)
