"""Scenarios kept as drafts, and their publication as the version in service.

A what-if is a draft until someone publishes it (DESIGN §2.4): saving one
(:func:`save_draft`) keeps its name, author, time, the version it was computed on
and its changes beside the versions — it changes no figure anyone sees, and
``db export`` never writes it. A draft is reopened by its number (the app's
``?scenario=N`` link, ``python -m geo scenario --scenario N``) on its own base
version, so that it shows the figures it was saved with.

Publishing is a save like the others (:mod:`geo.planning.saving`): the changes
are applied to the version in service (:func:`publication`), the person sees
before / after, and :func:`publish` saves on that base, marking the draft
published in the same transaction.
"""

from __future__ import annotations

import json

import pandas as pd

from geo.core.coverage import CoverageOptions
from geo.planning.changes import apply_scenario
from geo.planning.command_line import (
    draft_command,
    options_dict,
    options_from_dict,
    scenario_command,
)
from geo.planning.saving import Proposal, confirm, propose
from geo.planning.scenarios import Change
from geo.storage.base import Draft, Store, Version
from geo.storage.labels import paris_time


def draft_changes(draft: Draft) -> tuple[Change, ...]:
    return tuple(Change.from_dict(change) for change in draft.changes)


def draft_options(draft: Draft) -> CoverageOptions:
    return options_from_dict(draft.options)


def save_draft(
    store: Store,
    *,
    name: str,
    author: str,
    base: int,
    changes: tuple[Change, ...] | list[Change],
    options: CoverageOptions | None = None,
    note: str = "",
) -> Draft:
    """Keep a what-if computed on version ``base`` as a named draft (no version is made)."""
    return store.save_draft(
        name=name,
        author=author,
        base=base,
        changes=[change.as_dict() for change in changes],
        options=options_dict(options or CoverageOptions()),
        note=note,
    )


def publication(store: Store, draft: Draft, departements: pd.DataFrame) -> Proposal:
    """The draft's changes applied to the version in service: the preview of « Publier »."""
    changes = draft_changes(draft)
    return propose(store, lambda snapshot: apply_scenario(snapshot, changes, departements))


def publish(
    store: Store, proposal: Proposal, draft: Draft, author: str, reason: str = ""
) -> Version:
    """Save what ``proposal`` showed as the version in service; the draft is marked published.

    Refused (:class:`geo.storage.BaseMoved`) if a version was saved since the
    preview, or (:class:`geo.storage.ConflictError`) if the draft was published already.
    """
    return confirm(
        store,
        proposal,
        author=author,
        kind="scenario",
        reason=reason.strip() or f"scénario {draft.number} « {draft.name} »",
        publishes=draft.number,
    )


def draft_label(draft: Draft) -> str:
    """« scénario 3 « Manche + Calvados », par Marie le 03/12/2026 à 14:05, sur la version 6 »."""
    text = (
        f"scénario {draft.number} « {draft.name} », par {draft.author} le "
        f"{_when(draft)}, calculé sur la version {draft.base}"
    )
    if draft.published_in is not None:
        text += f" — publié (version {draft.published_in}, par {draft.published_by})"
    return text


def _when(draft: Draft) -> str:
    return paris_time(draft.created_at)


def draft_rows(drafts: list[Draft]) -> list[dict]:
    """The drafts as table rows (newest first), for the app and ``db scenarios``."""
    return [
        {
            "scenario": d.number,
            "nom": d.name,
            "auteur": d.author,
            "date": _when(d),
            "version_de_depart": d.base,
            "changements": " ; ".join(
                c.command().removeprefix("python -m geo scenario ") for c in draft_changes(d)
            ),
            "publie_dans": d.published_in,
        }
        for d in reversed(drafts)
    ]


def draft_export(draft: Draft) -> bytes:
    """The draft as a JSON file: what it is, and the commands that compute it."""
    changes = draft_changes(draft)
    options = draft_options(draft)
    record = {
        **draft.as_dict(),
        "label": draft_label(draft),
        "command": scenario_command(changes, options, draft.base),
        "draft_command": draft_command(draft.number, options),
    }
    return (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
