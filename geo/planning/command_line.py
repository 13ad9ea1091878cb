"""The ``python -m geo`` line that gives the figure shown next to it, exactly.

The app and its exports print a command beside a what-if or a list of
opportunities so that anyone can check the figure from a terminal. To give
the same figure, the line names everything the figure depends on: the
changes, the counting options (the rule and the territory always, like the
app's links, the others when they are not the default) and the data — the
saved version (``--db-version N``) or the bundled files (``--donnees-livrees``).
Values are quoted for a POSIX shell (:func:`shlex.join`).
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Sequence

from geo.core.coverage import CoverageOptions
from geo.planning.scenarios import Change

PROGRAM = ("python", "-m", "geo")
THEN = "--puis"
"""Separates the changes of a scenario that has several (each starts with its OPSN)."""


def option_arguments(options: CoverageOptions | None) -> list[str]:
    """``--rule … --territory …`` and the options that differ from the default."""
    options = options or CoverageOptions()
    arguments = ["--rule", str(options.rule), "--territory", str(options.territory)]
    if not options.epci_membership:
        arguments.append("--no-epci")
    if options.at:
        arguments += ["--at", options.at.isoformat()]
    if options.opsn:
        arguments += ["--filter", ",".join(options.opsn)]
    if options.count_partial_offers:
        arguments.append("--offres-partielles")
    return arguments


def data_arguments(version: int | None) -> list[str]:
    """The data a figure was computed on: a saved version, else the bundled files."""
    return ["--db-version", str(int(version))] if version else ["--donnees-livrees"]


def change_arguments(change: Change) -> list[str]:
    """``OPSN [--name …] --add-departements 14,50 …`` for one change."""
    arguments = [change.opsn]
    if change.name:
        arguments += ["--name", change.name]
    for verb in ("add", "drop"):
        for what in ("departements", "communes", "epci"):
            codes = getattr(change, f"{verb}_{what}")
            if codes:
                arguments += [f"--{verb}-{what}", ",".join(codes)]
    return arguments


def scenario_command(
    changes: Change | Sequence[Change],
    options: CoverageOptions | None = None,
    version: int | None = None,
) -> str:
    """``python -m geo scenario OPSN --add-… --rule … --db-version N [--puis OPSN …]``."""
    changes = (changes,) if isinstance(changes, Change) else tuple(changes)
    if not changes:
        raise ValueError("a scenario command needs at least one change")
    arguments = [*PROGRAM, "scenario", *change_arguments(changes[0])]
    arguments += option_arguments(options) + data_arguments(version)
    for change in changes[1:]:
        arguments += [THEN, *change_arguments(change)]
    return shlex.join(arguments)


def draft_command(number: int, options: CoverageOptions | None = None) -> str:
    """``python -m geo scenario --scenario N --rule …``: a saved draft, on its own base version."""
    arguments = [*PROGRAM, "scenario", "--scenario", str(int(number)), *option_arguments(options)]
    return shlex.join(arguments)


def command(
    name: str, options: CoverageOptions | None = None, version: int | None = None, *extra: str
) -> str:
    """``python -m geo NAME --rule … --db-version N EXTRA…`` (coverage, opportunities…)."""
    return shlex.join(
        [*PROGRAM, name, *option_arguments(options), *data_arguments(version), *extra]
    )


def options_dict(options: CoverageOptions) -> dict:
    """The counting options as JSON (what a draft keeps), read back by :func:`options_from_dict`."""
    return {
        "rule": str(options.rule),
        "territory": str(options.territory),
        "epci_membership": bool(options.epci_membership),
        "at": options.at.isoformat() if options.at else None,
        "opsn": list(options.opsn),
        "count_partial_offers": bool(options.count_partial_offers),
    }


def options_from_dict(data: dict | None) -> CoverageOptions:
    """:class:`CoverageOptions` from :func:`options_dict` (missing keys: the defaults)."""
    data = data or {}
    default = CoverageOptions()
    at = data.get("at")
    return CoverageOptions(
        rule=data.get("rule") or default.rule,
        territory=data.get("territory") or default.territory,
        epci_membership=bool(data.get("epci_membership", default.epci_membership)),
        at=dt.date.fromisoformat(at) if at else None,
        opsn=tuple(data.get("opsn") or ()),
        count_partial_offers=bool(data.get("count_partial_offers", False)),
    )
