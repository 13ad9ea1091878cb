"""geo.core.inputs: one identity for what coverage is computed from."""

from __future__ import annotations

from dataclasses import replace

from geo.importers.inputs import bundled_inputs


def test_inputs_with_the_same_content_share_their_key():
    first, second = bundled_inputs(), bundled_inputs()
    assert first is not second and first.key == second.key


def test_any_change_of_data_or_sources_changes_the_key():
    inputs = bundled_inputs()
    fewer = replace(inputs, memberships=inputs.memberships.iloc[:-1])
    ended = inputs.memberships.copy()
    ended.loc[0, "jusqu_a"] = "2020-01-01"
    renamed = inputs.registry.copy()
    renamed.loc[0, "nom"] = renamed.loc[0, "nom"] + " (bis)"
    keys = {
        inputs.key,
        fewer.key,
        replace(inputs, memberships=ended).key,
        replace(inputs, registry=renamed).key,
        replace(inputs, label="version 2").key,
    }
    assert len(keys) == 5
