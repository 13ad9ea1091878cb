"""The what-if and timeline summaries are typed, and their JSON keeps its keys and order.

``scenario --format json`` and ``timeline --format json`` print these dataclasses through
:func:`geo.core.records.as_json`: renaming or moving a field would change a contract that
scripts read. The lists below are that contract; a test fails as soon as a key changes
name or place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from geo.core.analysis import Inputs
from geo.core.coverage import CoverageOptions
from geo.core.figures import Counts, Figures
from geo.core.records import as_json
from geo.core.registry import perimeter_table
from geo.planning.scenarios import Change, ScenarioSummary, run_scenario
from geo.planning.timeline import EVOLUTION_CLASSES, TimelineSummary, then_now
from tests.planning.test_whatif import REGISTRY, registry
from tests.tiny_reference import memberships, tiny_reference

SCENARIO_KEYS = [
    "change",
    "changes",
    "before",
    "after",
    "population_gained",
    "population_lost",
    "share_gained",
    "communes_gained",
    "communes_lost",
    "communes_status_changed",
    "white_zones_before",
    "white_zones_after",
    "white_zones_absorbed",
    "white_zones_split",
    "white_zones_reduced",
    "white_zone_fates",
    "commands",
    "command",
    "data",
    "data_version",
]
"""``scenario --format json`` (the command adds ``saved_scenario`` / ``saved_version``
when it saves)."""

TIMELINE_KEYS = [
    "then",
    "now",
    "before",
    "after",
    "covered_population_delta",
    "covered_share_delta",
    "covered_communes_delta",
    "white_zone_count_delta",
    "communes_gained",
    "communes_lost",
    "population_gained",
    "population_lost",
    "communes_status_changed",
    "membership_dates",
    "evolution",
    "data",
    "data_version",
]
"""``timeline --format json``."""


@pytest.fixture(scope="module")
def reference():
    return tiny_reference()


@pytest.fixture(scope="module")
def scenario(reference):
    inputs = Inputs(REGISTRY, perimeter_table(REGISTRY), memberships([("M", "01005", "")]))
    return run_scenario(reference, inputs, Change("R", add_departements=("01",)), CoverageOptions())


@pytest.fixture(scope="module")
def timeline(reference):
    registry_ = registry([("M", "", ())])
    members = memberships([("M", "01005", ""), ("M", "01006", "", "2022-01-01")])  # since 2022
    inputs = Inputs(registry_, perimeter_table(registry_), members, "essai")
    options = CoverageOptions(rule="adhesion")
    return then_now(reference, inputs, options, dt.date(2020, 1, 1), dt.date(2024, 1, 1))


def shown_with_keys(summary, kind: type, keys: list[str]) -> dict:
    """``summary``'s JSON, once its type, its fields and its keys are checked."""
    assert isinstance(summary, kind)
    assert [field.name for field in dataclasses.fields(kind)] == keys
    shown = as_json(summary)
    assert list(shown) == keys
    return shown


def test_the_scenario_summary_keeps_its_keys_in_order(scenario):
    summary = scenario.summary
    shown = shown_with_keys(summary, ScenarioSummary, SCENARIO_KEYS)
    assert isinstance(summary.before, Figures) and isinstance(summary.after, Figures)
    assert shown["before"] == as_json(summary.before)
    assert shown["change"] == Change("R", add_departements=("01",)).as_dict()
    assert summary.population_gained > 0
    json.dumps(shown, ensure_ascii=False)  # plain JSON, no fallback needed


def test_the_timeline_summary_keeps_its_keys_in_order(timeline):
    summary = timeline.summary
    shown = shown_with_keys(summary, TimelineSummary, TIMELINE_KEYS)
    assert (shown["then"], shown["now"], shown["data"]) == ("2020-01-01", "2024-01-01", "essai")
    assert list(summary.evolution) == list(EVOLUTION_CLASSES)
    assert all(isinstance(counts, Counts) for counts in summary.evolution.values())
    assert list(shown["evolution"]["gagnee"]) == ["communes", "population"]
    assert summary.evolution["gagnee"].communes == summary.communes_gained == 1
    json.dumps(shown, ensure_ascii=False)


def test_the_summaries_are_read_by_attribute(scenario, timeline):
    for summary in (scenario.summary, timeline.summary):
        with pytest.raises(TypeError):
            summary["population_gained"]
        with pytest.raises(AttributeError):
            summary.population_gain  # noqa: B018
        with pytest.raises(dataclasses.FrozenInstanceError):
            summary.population_gained = 0
