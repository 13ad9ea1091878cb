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
from geo.planning.saving import Proposal, propose, save_on_base
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
    store: Store,
    proposal: Proposal,
    draft: Draft,
    author: str,
    reason: str = "",
    base: int | None = None,
) -> Version:
    """Save what ``proposal`` showed as the version in service; the draft is marked published.

    ``base``: the version of the preview the person saw (``proposal``'s by
    default). Refused (:class:`geo.storage.BaseMoved`) if a version was saved
    since, or (:class:`geo.storage.ConflictError`) if the draft was published already.
    """
    return save_on_base(
        store,
        proposal.after,
        base=proposal.base.number if base is None else base,
        author=author,
        kind="scenario",
        reason=reason.strip() or f"scénario {draft.number} « {draft.name} »",
        publishes=draft.number,
    )


def scenario_state(changes: tuple[Change, ...], draft: Draft | None) -> str:
    """What is saved of the what-if on screen, in one true sentence (French).

    Never « rien n'est enregistré » about a saved draft, never « enregistré » about
    a what-if that differs from its draft.
    """
    if draft is None:
        if not changes:
            return "Aucun scénario en cours."
        return (
            "Scénario en cours, non enregistré : il ne change pas les données en service ; il "
            "s'affiche aussi sur la carte jusqu'à ce que vous l'abandonniez."
        )
    name = f"Scénario {draft.number} « {draft.name} »"
    if draft.published_in is not None:
        text = (
            f"{name} publié : il est devenu la version {draft.published_in} "
            f"(par {draft.published_by})."
        )
        if changes and tuple(changes) != draft_changes(draft):
            text += " Le scénario affiché en diffère : ses modifications ne sont pas enregistrées."
        return text
    if tuple(changes) != draft_changes(draft):
        return (
            f"{name} modifié : vos modifications ne sont pas enregistrées (le brouillon "
            "enregistré reste tel quel). Les données en service ne changent pas."
        )
    return (
        f"{name}, enregistré comme brouillon par {draft.author} le {_when(draft)} : il ne "
        "change pas les données en service tant qu'il n'est pas publié."
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
            "etat": f"publié (version {d.published_in})" if d.published_in else "brouillon",
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
