"""What an operators file (ANCT ``operators``, a registry CSV) does to the registry, field by field.

:func:`plan_operators` says, before anything is saved, which OPSN are added,
which fields change (before → after) and which values of the file are left
aside and why — a department the registry does not have while the mode only
fills empty fields, an identifier that is already another OPSN's. Saving
applies exactly that plan (:func:`apply_plan`), so the preview and the saved
version cannot disagree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

from geo.core.registry import REGISTRY_COLUMNS, registry_to_table
from geo.core.text import fold
from geo.planning.registry_edit import FIELD_LABELS, UNIQUE_IDENTIFIERS

#: How imported operators meet the saved registry.
OPERATOR_MODES = {
    "completer": "opérateurs nouveaux ajoutés ; pour les OPSN connus, seuls les champs vides "
    "sont remplis",
    "remplacer": "la fiche importée remplace celle du registre pour les OPSN connus",
}
#: Fields an operators file may fill in an existing registry row (``completer``).
OPERATOR_FILLABLE = ("siren", "siret", "site_web", "anct_id", "departements", "portee")
DEFAULT_CONFIDENCE = "moyenne"
#: Fields whose difference is no news: where the row came from, and how sure it is.
UNREPORTED = frozenset({"id", "sources", "confiance", "revision", "identifiants_note"})


@dataclass(frozen=True)
class FieldChange:
    """One field of one OPSN as saving would write it."""

    opsn: str
    nom: str
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Ignored:
    """A value of the file that saving leaves aside, and why."""

    opsn: str
    nom: str
    field: str
    label: str
    registry: str
    file: str
    reason: str


@dataclass
class OperatorPlan:
    """Added OPSN (rows as written), changed fields, ignored values, and file-level notes."""

    mode: str
    added: list[dict] = field(default_factory=list)
    changed: list[FieldChange] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed_opsn(self) -> list[str]:
        return list(dict.fromkeys(change.opsn for change in self.changed))

    def to_dict(self) -> dict:
        """JSON-ready (keys are a contract: only ever added)."""
        return {
            "mode": self.mode,
            "added": [{"id": row["id"], "nom": row.get("nom", "")} for row in self.added],
            "changed": [asdict(change) for change in self.changed],
            "ignored": [asdict(item) for item in self.ignored],
            "notes": list(self.notes),
        }

    def text(self) -> list[str]:
        """The plan in French, one line per fact (for a terminal)."""
        lines = [f"OPSN ajouté : {_shown(row)} ({row['id']})" for row in self.added]
        lines += [
            f"OPSN modifié : {c.nom} ({c.opsn}) : {c.label} « {c.before} » → « {c.after} »"
            for c in self.changed
        ]
        lines += [
            f"Ignoré : {i.nom} ({i.opsn}) : {i.label} « {i.file} » — {i.reason}"
            for i in self.ignored
        ]
        return lines + [f"Remarque : {note}" for note in self.notes]


#: What the « Pourquoi » column of ignored values means, in full.
IGNORED_HELP = (
    "« compléter » ne remplit que les champs vides des OPSN connus : choisissez « remplacer » "
    "pour reprendre les valeurs du fichier. Un SIREN, SIRET ou identifiant ANCT déjà celui "
    "d'un autre OPSN n'est jamais repris : un identifiant ne désigne qu'un OPSN."
)
#: The plan's tables as a preview shows them: each table's columns, in French.
TABLE_COLUMNS = {
    "added": {"id": "Identifiant", "nom": "OPSN ajouté"},
    "changed": {"nom": "OPSN", "label": "Champ", "before": "Avant", "after": "Après"},
    "ignored": {
        "nom": "OPSN",
        "label": "Champ",
        "registry": "Registre",
        "file": "Fichier",
        "reason": "Pourquoi",
    },
}


def plan_tables(plan: OperatorPlan) -> dict[str, pd.DataFrame]:
    """The plan's non-empty tables (``added``, ``changed``, ``ignored``), French columns."""
    rows = {
        "added": plan.added,
        "changed": [_shown_change(change) for change in plan.changed],
        "ignored": [asdict(item) for item in plan.ignored],
    }
    return {
        name: pd.DataFrame(rows[name])[list(columns)].rename(columns=columns)
        for name, columns in TABLE_COLUMNS.items()
        if rows[name]
    }


def _shown_change(change: FieldChange) -> dict:
    """A change as a table row; a list of sources as its count and the sources it gains."""
    row = asdict(change)
    if change.field == "sources":
        before = [s for s in change.before.split("|") if s]
        gained = [s for s in change.after.split("|") if s and s not in before]
        row["before"] = f"{len(before)} source(s)"
        row["after"] = f"{len(before)} source(s) + " + ", ".join(gained)
    return row


def _shown(row: dict) -> str:
    """The name people know an OPSN by: its acronym when it has one."""
    return row.get("sigle") or row.get("nom", "")


def _label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def _departments_added(current: str, incoming: str) -> str:
    known = set(current.split("|"))
    return ", ".join(d for d in incoming.split("|") if d and d not in known)


def plan_operators(registry: pd.DataFrame, operators: pd.DataFrame, mode: str) -> OperatorPlan:
    """What saving ``operators`` (registry-shaped, typed) with ``mode`` does to ``registry`` (raw)."""
    plan = OperatorPlan(mode)
    given = frozenset(operators.attrs.get("fields", REGISTRY_COLUMNS))
    incoming = registry_to_table(operators)
    extra = [c for c in incoming.columns if c not in REGISTRY_COLUMNS]
    if extra:
        plan.notes.append(
            "colonnes du fichier sans place dans le registre, ignorées : "
            + ", ".join(c.replace("_", " ") for c in extra)
        )
    current = {row["id"]: row for row in registry.fillna("").astype(str).to_dict("records")}
    holders = {
        name: {row[name]: opsn for opsn, row in current.items() if row.get(name)}
        for name in UNIQUE_IDENTIFIERS
    }
    for record in incoming.to_dict(orient="records"):
        record = {k: str(v) for k, v in record.items() if k in REGISTRY_COLUMNS}
        opsn = record["id"]
        nom = _shown(current.get(opsn, record))
        record["confiance"] = record.get("confiance") or DEFAULT_CONFIDENCE
        mine = current.get(opsn)
        for name in UNIQUE_IDENTIFIERS:
            value = record.get(name, "")
            holder = holders[name].get(value) if value else None
            if name == "siret" and value and holder is None:
                holder = holders["siren"].get(value[:9])  # another OPSN's establishment
            if holder is None or holder == opsn:
                continue
            plan.ignored.append(
                Ignored(
                    opsn,
                    nom,
                    name,
                    _label(name),
                    (mine or {}).get(name, ""),
                    value,
                    f"déjà celui de « {_shown(current[holder])} » ({holder})",
                )
            )
            record[name] = (mine or {}).get(name, "")
        if mine is None:
            plan.added.append(record)
            for name in UNIQUE_IDENTIFIERS:
                if record.get(name):
                    holders[name][record[name]] = opsn
            current[opsn] = record
            continue
        _plan_known(plan, mine, record, mode, given)
    return plan


def _same(name: str, value: str, ours: str, mine: dict) -> bool:
    """No news: the same value, or written otherwise (a name given as the acronym, a ``/``)."""
    if value == ours:
        return True
    if name == "site_web":
        return value.rstrip("/").lower() == ours.rstrip("/").lower()
    if name == "departements":
        return set(value.split("|")) == set(ours.split("|"))
    if name == "nom":
        return fold(value) in {fold(ours), fold(mine.get("sigle", ""))}
    return False


def _plan_known(
    plan: OperatorPlan, mine: dict, record: dict, mode: str, given: frozenset[str]
) -> None:
    """The fields of a known OPSN that ``record`` changes, and those it leaves aside.

    ``given``: the fields the file gives (the others hold defaults, not the
    file's word: never written, never said). An empty value in the file
    never wipes the registry's. The file's sources are added to the row's
    when it changes anything (the registry keeps every source).
    """
    opsn, nom = mine["id"], _shown(mine)

    def told(name: str) -> bool:
        value = record.get(name, "")
        return (
            name in given
            and value not in ("", "inconnu")
            and not _same(name, value, mine.get(name, ""), mine)
        )

    if mode == "remplacer":
        written = [n for n in record if n not in UNREPORTED and told(n)]
    else:
        written = [c for c in OPERATOR_FILLABLE if told(c) and not mine.get(c)]
        if "departements" not in written and "portee" in written:
            written.remove("portee")  # a scope only comes with the perimeter it describes
    for name in written:
        plan.changed.append(
            FieldChange(opsn, nom, name, _label(name), mine.get(name, ""), record[name])
        )
    sources = [s for s in record.get("sources", "").split("|") if s]
    ours = [s for s in mine.get("sources", "").split("|") if s]
    if written and any(s not in ours for s in sources):
        merged = "|".join(dict.fromkeys([*ours, *sources]))
        plan.changed.append(
            FieldChange(opsn, nom, "sources", _label("sources"), mine.get("sources", ""), merged)
        )
    if mode == "remplacer":
        return
    keep = "mode « compléter » : le registre garde sa valeur"
    for name in record:
        if name in UNREPORTED or name in written or not told(name):
            continue
        if name == "portee" and "departements" not in written:
            continue  # follows the perimeter, said there
        ours_value, value = mine.get(name, ""), record[name]
        if name == "departements" and (added := _departments_added(ours_value, value)):
            reason = f"{added} non ajouté(s) : {keep}"
        elif name in OPERATOR_FILLABLE:
            reason = keep
        else:
            reason = "repris seulement en mode « remplacer »"
        plan.ignored.append(Ignored(opsn, nom, name, _label(name), ours_value, value, reason))


def apply_plan(registry: pd.DataFrame, plan: OperatorPlan) -> pd.DataFrame:
    """``registry`` (raw) with the plan's changes written and its OPSN added."""
    registry = registry.copy()
    columns = {name for row in plan.added for name in row} | {c.field for c in plan.changed}
    for column in columns:
        if column not in registry.columns and column in REGISTRY_COLUMNS:
            registry[column] = ""
    position = {opsn: i for i, opsn in enumerate(registry["id"])}
    for change in plan.changed:
        registry.at[position[change.opsn], change.field] = change.after
    if plan.added:
        added = pd.DataFrame(
            [{k: v for k, v in row.items() if k in registry.columns} for row in plan.added]
        )
        registry = pd.concat([registry, added], ignore_index=True)
    return registry.fillna("").astype(str)
