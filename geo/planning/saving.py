"""The one path of every save: a change previewed on a stated base version, then confirmed.

An import, a registry edit, a restore, a scenario publication and the ANCT
refresh all save the same way:

1. :func:`propose` computes the change on the version in service — its number
   is the proposal's *base* — and gives the data before and after, which the
   person looks at (:func:`geo.planning.compare.compare_snapshots`);
2. :func:`confirm` (or :func:`save_on_base` for a caller that keeps its own
   snapshot) saves exactly the data that was shown, as one version, **only if
   the version in service is still the base**. Otherwise the store raises
   :class:`geo.storage.BaseMoved`, whose French message says who saved what and
   when; the caller proposes again on the new version and asks again. A save
   never undoes a colleague's save silently.

Callers without a person to ask (the command line) use :func:`save_unattended`,
which proposes again by itself and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from geo.planning.after_save import run_after_save
from geo.storage.base import BaseMoved, Snapshot, Store, UnknownVersion, Version
from geo.storage.labels import moved_message

Change = Callable[[Snapshot], Snapshot]


@dataclass(frozen=True)
class Proposal:
    """A change computed on one version: what the person sees before saving it."""

    base: Version  # the version in service when the preview was computed
    before: Snapshot
    after: Snapshot
    restores: int | None = None  # a restore: the version whose data ``after`` is

    @property
    def key(self) -> str:
        """Names the preview in caches: a new base is a new preview."""
        return f"v{self.base.number}"


def propose(store: Store, change: Change) -> Proposal:
    """``change`` computed on the version in service, not saved."""
    base, before = store.snapshot()
    return Proposal(base, before, change(before))


def propose_restore(store: Store, number: int) -> Proposal:
    """Going back to version ``number``'s data, computed on the version in service."""
    base, before = store.snapshot()
    _, after = store.snapshot(number)
    return Proposal(base, before, after, restores=number)


def save_on_base(
    store: Store,
    after: Snapshot | Change,
    *,
    base: int,
    author: str,
    kind: str,
    reason: str,
    files: tuple[dict, ...] | list[dict] = (),
    counts: dict | None = None,
    publishes: int | None = None,
) -> Version:
    """Save on version ``base``: the data ``after`` (or a change of the base) as one version.

    Refused with :class:`geo.storage.BaseMoved` if another version was saved since
    ``base``; :class:`geo.storage.NothingToSave` if nothing changes. ``publishes``:
    the draft this save publishes (:mod:`geo.planning.drafts`).
    """
    change = after if callable(after) else (lambda _current: after)
    version = store.commit(
        change,
        author=author,
        kind=kind,
        reason=reason,
        files=files,
        base=base,
        counts=counts,
        publishes=publishes,
    )
    run_after_save(version)
    return version


def restore_on_base(store: Store, number: int, *, base: int, author: str, reason: str) -> Version:
    """A new version with version ``number``'s data, refused as :func:`save_on_base` is."""
    version = store.restore(number, author=author, reason=reason, base=base)
    run_after_save(version)
    return version


def confirm(store: Store, proposal: Proposal, **saving) -> Version:
    """Save what ``proposal`` showed, on its base.

    ``saving``: ``author``, ``kind``, ``reason`` and optionally ``files``,
    ``counts``, ``publishes``, as for :func:`save_on_base`; a restore
    (:func:`propose_restore`) takes ``author`` and ``reason`` only.
    """
    if proposal.restores is not None:
        return restore_on_base(
            store,
            proposal.restores,
            base=proposal.base.number,
            author=saving["author"],
            reason=saving.get("reason", ""),
        )
    return save_on_base(store, proposal.after, base=proposal.base.number, **saving)


@dataclass
class Unattended:
    """What :func:`save_unattended` saved, on which preview, and the saves it met on the way."""

    version: Version
    proposal: Proposal
    moved: list[BaseMoved] = field(default_factory=list)


def save_unattended(
    store: Store,
    change: Change,
    *,
    author: str,
    kind: str,
    reason: str,
    files: tuple[dict, ...] | list[dict] = (),
    counts: dict | None = None,
    base: int | None = None,
    attempts: int = 5,
) -> Unattended:
    """Propose and confirm at once, for a caller that has nobody to ask (the command line).

    With ``base`` (the version a script previewed with ``--dry-run``), a save made
    since refuses, as in the app. Without it, a save made between the preview and
    the confirmation makes a new preview on the new version, which is the one
    saved and returned (``moved`` lists the saves met, for the caller to tell).
    """
    moved: list[BaseMoved] = []
    for _ in range(max(attempts, 1)):
        proposal = propose(store, change)
        if base is not None and proposal.base.number != base:
            if base > proposal.base.number or base < 1:
                raise UnknownVersion(
                    f"version de départ {base} inconnue (version en service : "
                    f"{proposal.base.number})."
                )
            saved = [v for v in store.versions() if v.number > base]
            raise BaseMoved(base, tuple(saved), moved_message(base, saved))
        try:
            version = confirm(
                store, proposal, author=author, kind=kind, reason=reason, files=files, counts=counts
            )
        except BaseMoved as error:
            if base is not None:
                raise
            moved.append(error)
            continue
        return Unattended(version, proposal, moved)
    raise moved[-1]
