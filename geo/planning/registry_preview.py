"""What an edit of the registry will change, field by field: before, after, and what moved.

Shown before the confirmation (DESIGN §2.4: show what will change, then ask). « Avant »
is the record in the version in service; when a field was changed by someone
else since the person opened the record, the row says so and gives the value
they had opened, so that their confirmation is made knowing it.
"""

from __future__ import annotations

import pandas as pd


def edit_preview(
    edited: dict, opened: dict | None, current: dict | None, labels: dict[str, str]
) -> pd.DataFrame:
    """One row per field written: ``Champ``, ``Avant``, ``Après``, ``Remarque``.

    ``edited``: the fields to write (with ``id``); ``opened``: the record when
    the form was opened (``None`` or empty for a new OPSN); ``current``: the
    record in the version in service now (``None`` for a new OPSN).
    """
    opened, current = opened or {}, current or {}
    rows = []
    for field, after in edited.items():
        if field == "id" and current:
            continue
        before = str(current.get(field, ""))
        note = ""
        if current and str(opened.get(field, "")) != before:
            note = f"modifié entre-temps (vous aviez ouvert « {opened.get(field, '')} »)"
        if before == str(after) and not note:
            continue
        rows.append(
            {
                "Champ": labels.get(field, field),
                "Avant": before if current else "(nouvel OPSN)",
                "Après": str(after),
                "Remarque": note,
            }
        )
    return pd.DataFrame(rows, columns=["Champ", "Avant", "Après", "Remarque"])
