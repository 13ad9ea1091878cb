"""geo.core.records: typed facts become JSON with their fields' names as keys, in order."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from geo.core.records import as_json


class Colour(StrEnum):
    RED = "red"


@dataclass(frozen=True)
class Inner:
    b: int
    a: tuple[str, ...]


@dataclass(frozen=True)
class Outer:
    zeta: Inner
    alpha: list[Inner]
    figures: dict
    colour: Colour
    missing: Inner | None = None


def test_fields_become_keys_in_their_order_and_nested_values_follow():
    value = Outer(Inner(1, ("x",)), [Inner(2, ())], {"k": Inner(3, ("y", "z"))}, Colour.RED)
    shown = as_json(value)
    assert list(shown) == ["zeta", "alpha", "figures", "colour", "missing"]
    assert shown == {
        "zeta": {"b": 1, "a": ["x"]},
        "alpha": [{"b": 2, "a": []}],
        "figures": {"k": {"b": 3, "a": ["y", "z"]}},
        "colour": "red",
        "missing": None,
    }
    assert json.dumps(shown) == (
        '{"zeta": {"b": 1, "a": ["x"]}, "alpha": [{"b": 2, "a": []}], '
        '"figures": {"k": {"b": 3, "a": ["y", "z"]}}, "colour": "red", "missing": null}'
    )


def test_plain_values_stay_as_they_are():
    assert as_json("text") == "text" and as_json(None) is None and as_json(2.5) == 2.5
    assert as_json(Inner) is Inner  # a class is no value to convert
