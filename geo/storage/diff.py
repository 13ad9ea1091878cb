"""What changed between two snapshots: OPSN added, removed or edited, memberships in and out.

Memberships are compared on their facts (operator, commune or EPCI, dates),
not on where they were read from: the same commune read again from a newer
file of the same OPSN is not a change a planner cares about.
"""

from __future__ import annotations

import pandas as pd

from geo.core.memberships import MEMBERSHIP_COLUMNS
from geo.storage.base import Snapshot

FACT_COLUMNS = ("opsn", "insee", "epci", "depuis", "jusqu_a")
_SEPARATOR = "\x1f"


def _day(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d").fillna("")


def membership_keys(frame: pd.DataFrame, columns=None) -> pd.Series:
    """One string per membership row (index kept), equal for equal rows.

    ``columns`` defaults to every stored column (provenance included); pass
    :data:`FACT_COLUMNS` to compare facts only.
    """

    columns = list(columns or MEMBERSHIP_COLUMNS)
    if frame is None or frame.empty:
        return pd.Series([], dtype=object, index=frame.index if frame is not None else None)
    parts = []
    for column in columns:
        values = frame[column]
        parts.append(_day(values) if column in ("depuis", "jusqu_a") else values.astype(str))
    key = parts[0]
    for part in parts[1:]:
        key = key + _SEPARATOR + part
    return key.astype(object)


def registry_changes(old: list[dict], new: list[dict]) -> dict:
    """OPSN ``added``, ``removed`` and ``changed`` (with each field's before/after)."""
    before = {record["id"]: record for record in old}
    after = {record["id"]: record for record in new}
    changed = []
    for opsn, record in after.items():
        if opsn not in before or before[opsn] == record:
            continue
        fields = [
            {"field": name, "before": before[opsn].get(name, ""), "after": record.get(name, "")}
            for name in dict.fromkeys([*before[opsn], *record])
            if before[opsn].get(name, "") != record.get(name, "")
        ]
        if fields:
            changed.append({"id": opsn, "nom": record.get("nom", ""), "fields": fields})
    return {
        "added": [{"id": i, "nom": after[i].get("nom", "")} for i in after if i not in before],
        "removed": [{"id": i, "nom": before[i].get("nom", "")} for i in before if i not in after],
        "changed": changed,
    }


def membership_changes(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Memberships whose facts are in ``new`` only (added) and in ``old`` only (removed)."""
    old_keys = set(membership_keys(old, FACT_COLUMNS))
    new_keys = set(membership_keys(new, FACT_COLUMNS))
    added = new[membership_keys(new, FACT_COLUMNS).isin(new_keys - old_keys).to_numpy()]
    removed = old[membership_keys(old, FACT_COLUMNS).isin(old_keys - new_keys).to_numpy()]
    columns = [*FACT_COLUMNS, "source", "ligne"]
    return (
        added[columns].drop_duplicates(list(FACT_COLUMNS)).reset_index(drop=True),
        removed[columns].drop_duplicates(list(FACT_COLUMNS)).reset_index(drop=True),
    )


def change_counts(old: Snapshot | None, new: Snapshot) -> dict:
    """What a version changed, as the history and the comparison both count it.

    One definition for both (a version cannot show +3 −44 in one place and
    +1 −42 in the other): OPSN added, removed and edited, and memberships
    added and removed compared on their facts (:func:`membership_changes`).
    ``old`` is ``None`` for the first version.
    """
    old_registry = [] if old is None else old.registry.to_dict(orient="records")
    registry = registry_changes(old_registry, new.registry.to_dict(orient="records"))
    old_members = new.memberships.iloc[:0] if old is None else old.memberships
    added, removed = membership_changes(old_members, new.memberships)
    return {
        "opsn": len(new.registry),
        "adhesions": len(new.memberships),
        "opsn_ajoutes": len(registry["added"]),
        "opsn_retires": len(registry["removed"]),
        "opsn_modifies": len(registry["changed"]),
        "adhesions_ajoutees": len(added),
        "adhesions_retirees": len(removed),
    }
