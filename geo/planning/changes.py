"""Pure changes to a snapshot: what an import, a registry edit or a saved what-if does.

Each function takes the snapshot it applies to and returns a new one; the
store runs them inside its write transaction on the latest data (see
:meth:`geo.storage.base.Store.commit`), so two people saving at once never
overwrite each other's work silently.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from geo.core.memberships import memberships_frame
from geo.core.registry import registry_to_table
from geo.planning.operator_changes import (
    DEFAULT_CONFIDENCE,
    OPERATOR_FILLABLE,
    OPERATOR_MODES,
    apply_plan,
    plan_operators,
)
from geo.storage.base import ConflictError, Snapshot, StorageError
from geo.storage.diff import FACT_COLUMNS, membership_keys

__all__ = [
    "DEFAULT_CONFIDENCE",
    "MEMBERSHIP_MODES",
    "OPERATOR_FILLABLE",
    "OPERATOR_MODES",
    "apply_scenario",
    "import_memberships",
    "import_operators",
    "set_registry_row",
]

#: How imported memberships meet the saved ones.
MEMBERSHIP_MODES = {
    "remplacer": "les adhésions de chaque OPSN présent dans les fichiers sont remplacées",
    "ajouter": "les adhésions importées s'ajoutent à celles déjà enregistrées",
}


def import_memberships(snapshot: Snapshot, imported: pd.DataFrame, mode: str) -> Snapshot:
    """Imported memberships saved with ``mode`` (:data:`MEMBERSHIP_MODES`)."""
    if mode not in MEMBERSHIP_MODES:
        raise StorageError(f"mode d'import « {mode} » inconnu : {', '.join(MEMBERSHIP_MODES)}")
    imported = memberships_frame(imported)
    current = snapshot.memberships
    if mode == "remplacer":
        kept = current[~current["opsn"].isin(set(imported["opsn"]))]
    else:
        known = set(membership_keys(current, FACT_COLUMNS))
        imported = imported[~membership_keys(imported, FACT_COLUMNS).isin(known).to_numpy()]
        kept = current
    return Snapshot(snapshot.registry, _concat(kept, imported))


def import_operators(snapshot: Snapshot, operators: pd.DataFrame, mode: str) -> Snapshot:
    """Operators read from an operators file saved with ``mode`` (:data:`OPERATOR_MODES`).

    Exactly what :func:`geo.planning.operator_changes.plan_operators` lists.
    """
    if mode not in OPERATOR_MODES:
        raise StorageError(f"mode d'import « {mode} » inconnu : {', '.join(OPERATOR_MODES)}")
    plan = plan_operators(snapshot.registry, operators, mode)
    return Snapshot(apply_plan(snapshot.registry, plan), snapshot.memberships)


def set_registry_row(snapshot: Snapshot, row: dict, original: dict | None) -> Snapshot:
    """One OPSN row written (added when ``original`` is ``None``).

    ``original`` is the row as the user saw it when they started editing: if
    someone has saved another value since, :class:`ConflictError` refuses
    rather than silently undo their work.
    """
    registry = snapshot.registry.copy()
    for column in row:
        if column not in registry.columns:
            registry[column] = ""
    ids = list(registry["id"])
    if original is None:
        if row["id"] in ids:
            raise ConflictError(
                f"l'OPSN « {row['id']} » existe déjà (ajouté entre-temps) : "
                "modifiez sa fiche plutôt que d'en créer une seconde."
            )
        added = pd.DataFrame([{c: row.get(c, "") for c in registry.columns}])
        return Snapshot(pd.concat([registry, added], ignore_index=True), snapshot.memberships)
    if row["id"] not in ids:
        raise ConflictError(f"l'OPSN « {row['id']} » a été retiré du registre entre-temps.")
    at = ids.index(row["id"])
    current = {c: str(registry.at[at, c]) for c in registry.columns}
    changed = [c for c in original if c in current and str(original[c]) != current[c] and c in row]
    clashes = [c for c in changed if str(row[c]) != current[c]]
    if clashes:
        raise ConflictError(
            f"la fiche « {row['id']} » a été modifiée entre-temps par quelqu'un d'autre "
            f"(champs : {', '.join(clashes)}) : rechargez-la avant d'enregistrer."
        )
    for column, value in row.items():
        registry.at[at, column] = str(value)
    return Snapshot(registry, snapshot.memberships)


def apply_scenario(snapshot: Snapshot, changes: Iterable, departements: pd.DataFrame) -> Snapshot:
    """A what-if (:class:`geo.planning.scenarios.Change` list) written into the registry and memberships.

    The OPSN's row changes as :func:`geo.planning.scenarios.changed_registry` changes
    it in the what-if (perimeter, scope; a new OPSN is added with « basse »
    confidence), so the saved version gives the figures the what-if showed.
    Communes and EPCIs become memberships whose source is « scénario ».
    ``departements`` is the reference table (code → region) used for the scope.
    """
    from geo.planning.scenarios import SCENARIO_SOURCE, changed_registry

    registry = snapshot.registry.copy()
    memberships = snapshot.memberships
    typed = snapshot.registry_typed()
    for change in changes:
        typed = changed_registry(typed, change, departements)
        row = registry_to_table(typed[typed["id"] == change.opsn]).iloc[0].to_dict()
        if not row.get("confiance"):
            row["confiance"] = "basse"
        if change.opsn not in set(registry["id"]):
            row["perimetre_note"] = row.get("perimetre_note") or "créé par un scénario enregistré"
            added = pd.DataFrame([{c: row.get(c, "") for c in registry.columns}])
            registry = pd.concat([registry, added], ignore_index=True)
        else:
            at = registry.index[registry["id"] == change.opsn][0]
            for column in ("departements", "portee"):
                if column in registry.columns:
                    registry.at[at, column] = row[column]
        mine = memberships["opsn"] == change.opsn
        memberships = memberships[
            ~(mine & memberships["insee"].isin(change.drop_communes))
            & ~(mine & memberships["epci"].isin(change.drop_epci))
        ]
        added_rows = [
            {"opsn": change.opsn, "insee": code, "epci": "", "source": SCENARIO_SOURCE}
            for code in change.add_communes
        ] + [
            {"opsn": change.opsn, "insee": "", "epci": code, "source": SCENARIO_SOURCE}
            for code in change.add_epci
        ]
        memberships = _concat(memberships, memberships_frame(added_rows))
    return Snapshot(registry, memberships)


def _concat(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    if second.empty:
        return memberships_frame(first)
    if first.empty:
        return memberships_frame(second)
    return memberships_frame(pd.concat([first, second], ignore_index=True))
