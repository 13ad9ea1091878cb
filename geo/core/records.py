"""Typed facts as JSON: one conversion, whose keys are the fields' names.

Facts and figures travel between modules as frozen dataclasses, read by attribute
(a misspelt key is an error where it is written, not a ``KeyError`` three layers
away). Scripts, the static atlas and the browser read JSON: :func:`as_json` is the
one bridge, so a key of the command line's JSON is a field's name and stays what it
was as long as the field keeps its name.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass


def as_json(value: object) -> object:
    """``value`` with every dataclass as a dict of its fields (in their order), tuples as
    lists; dicts keep their keys; anything else (strings, string enums, numbers,
    ``None``) as it is."""
    if is_dataclass(value) and not isinstance(value, type):
        return {field.name: as_json(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    return value
