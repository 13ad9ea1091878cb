"""The « Et si… » page's URL: the OPSN chosen, the what-if in progress, the draft opened.

Leaving the page and coming back, reloading it or sending its address keeps
what the planner was doing. Parameters (French words, like the map's links):

==================  ==============================================================
``opsn_choisi``     the OPSN the lists and the map's clicks change (a registry id,
                    or the id of an OPSN the scenario creates); not ``opsn``, which
                    is the map's OPSN filter
``scenario``        the number of a saved draft (:mod:`geo.planning.drafts`)
``changements``     the what-if in progress, when it is not exactly the draft's:
                    changes separated by ``,``, each ``OPSN`` then its actions,
                    ``!ajout-dep-14.50!retrait-com-29019!ajout-epci-200000172``;
                    ``~Nom`` after the OPSN names a new one (percent-encoded);
                    ``aucun``: none (a draft opened, all its changes taken out)
``version``         the saved version the what-if is computed on
==================  ==============================================================

Nothing in a link can break the page: a value that cannot be read is set aside
with a French message saying so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote

from geo.planning.scenarios import Change
from geo.storage.labels import parse_version

_VERBS = {"ajout": "add", "retrait": "drop"}
_KINDS = {"dep": "departements", "com": "communes", "epci": "epci"}
_ID = re.compile(r"^[a-z0-9][a-z0-9_]{0,79}$")
_CODE = re.compile(r"^[0-9A-Za-z]{1,14}$")
MAX_CHANGES = 50
NONE = "aucun"


@dataclass(frozen=True)
class ScenarioLink:
    """What the « Et si… » page's address names."""

    opsn: str | None = None
    draft: int | None = None
    changes: tuple[Change, ...] | None = None  # None: the draft's (or none)
    version: int | None = None


def changes_text(changes: Iterable[Change]) -> str:
    """The ``changements`` value of a what-if (empty for none)."""
    parts = []
    for change in changes:
        text = change.opsn + (f"~{quote(change.name, safe='')}" if change.name else "")
        for word, verb in _VERBS.items():
            for short, what in _KINDS.items():
                codes = getattr(change, f"{verb}_{what}")
                if codes:
                    text += f"!{word}-{short}-{'.'.join(codes)}"
        parts.append(text)
    return ",".join(parts)


def parse_changes(text: str) -> tuple[tuple[Change, ...], list[str]]:
    """The what-if of a ``changements`` value, and a French message per part set aside."""
    changes, messages = [], []
    if str(text or "").strip() == NONE:
        return (), messages
    for part in [p for p in str(text or "").split(",") if p.strip()][:MAX_CHANGES]:
        head, *actions = part.strip().split("!")
        opsn, _, name = head.partition("~")
        if not _ID.match(opsn):
            messages.append(f"Changement illisible dans le lien, ignoré : « {part[:60]} ».")
            continue
        values: dict[str, tuple[str, ...]] = {}
        readable = True
        for action in actions:
            word, _, rest = action.partition("-")
            short, _, codes = rest.partition("-")
            listed = tuple(c for c in codes.split(".") if c)
            if word not in _VERBS or short not in _KINDS or not listed:
                readable = False
                break
            if not all(_CODE.match(c) for c in listed):
                readable = False
                break
            key = f"{_VERBS[word]}_{_KINDS[short]}"
            values[key] = values.get(key, ()) + listed
        if not readable:
            messages.append(f"Changement illisible dans le lien, ignoré : « {part[:60]} ».")
            continue
        change = Change(opsn, name=unquote(name)[:300] or None, **values)
        if not change.empty:
            changes.append(change)
    return tuple(changes), messages


def _value(params: Mapping[str, object], name: str) -> str:
    value = params.get(name, "")
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value or "").strip()


def parse_scenario_query(params: Mapping[str, object]) -> tuple[ScenarioLink, list[str]]:
    """The page state named by ``params``, and a French message per value set aside."""
    messages: list[str] = []
    opsn = _value(params, "opsn_choisi") or None
    if opsn is not None and not _ID.match(opsn):
        messages.append(f"OPSN « {opsn[:40]} » illisible dans le lien : ignoré.")
        opsn = None
    draft = None
    if text := _value(params, "scenario"):
        if text.isdigit() and 0 < int(text) < 10**9:
            draft = int(text)
        else:
            messages.append(f"Scénario « {text[:20]} » illisible dans le lien : ignoré.")
    changes = None
    if "changements" in params:
        changes, more = parse_changes(_value(params, "changements"))
        messages += more
    version = None
    try:
        version = parse_version(_value(params, "version"))
    except ValueError as error:
        messages.append(f"{str(error).capitalize()} dans le lien : dernière version.")
    return ScenarioLink(opsn, draft, changes, version), messages


def scenario_query(link: ScenarioLink) -> dict[str, str]:
    """The query parameters of ``link`` (empty ones left out)."""
    values = {
        "opsn_choisi": link.opsn or "",
        "scenario": str(link.draft) if link.draft else "",
        "changements": (changes_text(link.changes) or NONE) if link.changes is not None else "",
        "version": str(link.version) if link.version else "",
    }
    return {name: value for name, value in values.items() if value}
