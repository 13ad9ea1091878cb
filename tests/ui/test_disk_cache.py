"""Analyses kept on disk between two starts of the server (ui.disk_cache)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.reference import load_reference
from geo.importers.inputs import bundled_inputs
from ui import disk_cache


def test_a_stored_analysis_is_the_one_computed_and_is_read_back(tmp_path):
    reference, inputs, options = load_reference(), bundled_inputs(), CoverageOptions()
    computed = []

    def compute():
        computed.append(True)
        return analyse(reference, inputs, options)

    first = disk_cache.stored_analysis(inputs, options, compute, tmp_path)
    again = disk_cache.stored_analysis(inputs, options, compute, tmp_path)
    assert computed == [True]  # the second start reads the file
    pd.testing.assert_frame_equal(first.coverage, again.coverage)
    pd.testing.assert_frame_equal(first.zones, again.zones)
    assert first.figures == again.figures and again.options == options


def test_the_key_changes_with_options_day_and_inputs():
    inputs, options = bundled_inputs(), CoverageOptions()
    day = dt.date(2026, 11, 30)
    key = disk_cache.analysis_key(inputs, options, day)
    assert key == disk_cache.analysis_key(inputs, options, day)
    assert key != disk_cache.analysis_key(inputs, CoverageOptions(rule="adhesion"), day)
    assert key != disk_cache.analysis_key(inputs, options, day + dt.timedelta(days=1))
    fewer = replace(inputs, memberships=inputs.memberships.iloc[1:])
    assert key != disk_cache.analysis_key(fewer, options, day)


def test_the_same_tables_under_another_label_are_read_back_under_that_label(tmp_path):
    """A database created again from the bundled files (another label, another version)
    reads back the analysis of the first, naming its own data."""
    reference, inputs, options = load_reference(), bundled_inputs(), CoverageOptions()
    first = disk_cache.stored_analysis(
        inputs, options, lambda: analyse(reference, inputs, options), tmp_path
    )
    saved = replace(inputs, label="base enregistrée, version 2", version=2)
    assert disk_cache.analysis_key(saved, options) == disk_cache.analysis_key(inputs, options)

    def not_again():
        raise AssertionError("computed again")

    again = disk_cache.stored_analysis(saved, options, not_again, tmp_path)
    assert (again.figures.data, again.figures.data_version) == ("base enregistrée, version 2", 2)
    assert again.figures.covered_population == first.figures.covered_population
    assert first.figures.data == inputs.label and first.figures.data_version is None


def test_an_unreadable_file_is_computed_again(tmp_path):
    inputs, options = bundled_inputs(), CoverageOptions()
    key = disk_cache.analysis_key(inputs, options)
    (tmp_path / f"{key}.pickle").write_bytes(b"not a pickle")
    assert disk_cache.stored(key, lambda: "computed", tmp_path) == "computed"
    assert disk_cache.stored(key, lambda: "again", tmp_path) == "computed"


def test_the_reference_data_is_read_back_as_loaded(tmp_path):
    loaded = load_reference()
    calls = []

    def load():
        calls.append(True)
        return loaded

    disk_cache.stored_reference(load, tmp_path)
    again = disk_cache.stored_reference(load, tmp_path)
    assert calls == [True]
    assert again is not loaded and again.metadata == loaded.metadata
    assert again.communes["insee"].tolist() == loaded.communes["insee"].tolist()
    assert again.communes.geometry.equals(loaded.communes.geometry)
    assert again.communes.crs == loaded.communes.crs


def test_the_geometry_fingerprint_is_read_back(tmp_path, monkeypatch):
    from geo.mapdata import fingerprint

    monkeypatch.setattr(disk_cache, "DIRECTORY", tmp_path)
    reference = load_reference()
    assert disk_cache.stored_fingerprint(reference) == fingerprint(reference)
    assert list(tmp_path.glob("*.pickle"))
