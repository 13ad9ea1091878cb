"""A click on the what-if map: add a department, EPCI or commune to an OPSN, or take it away.

The « Et si… » page lets a planner build a scenario by clicking the map: a
click on a department toggles it in the chosen OPSN's perimeter, a click on a
commune toggles its membership (or its EPCI's). The scenario stays a list of
:class:`geo.planning.scenarios.Change`, the same the list controls and
``python -m geo scenario`` use, so a click is written into the last change of
that OPSN: clicking twice on the same department gives back the scenario one
started from, and a change left empty disappears.

Whether the OPSN "has" a code is read from the inputs with the scenario
applied: the perimeter table for a department (what coverage counts; a local
OPSN's own department is not in it), memberships in force on ``at`` for a
commune or an EPCI.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from geo.core.coverage import active_memberships
from geo.core.inputs import Inputs
from geo.core.reference import ReferenceData
from geo.core.registry import opsn_names
from geo.planning.scenarios import Change, apply_changes

KINDS = ("departement", "epci", "commune")
_FIELDS = {"departement": "departements", "epci": "epci", "commune": "communes"}


@dataclass(frozen=True)
class Toggled:
    """The scenario after a click, and what to tell the planner about it."""

    changes: tuple[Change, ...]
    done: bool  # False: the scenario is unchanged (``message`` says why)
    added: bool  # True: the OPSN now has the code; False: it no longer has it
    message: str


def holds(inputs: Inputs, opsn: str, kind: str, code: str, at: dt.date | None = None) -> bool:
    """Whether ``opsn`` has ``code``: in its perimeter (department), or a member in force."""
    if kind == "departement":
        perimeters = inputs.perimeters
        return bool(((perimeters["opsn"] == opsn) & (perimeters["departement"] == code)).any())
    if kind not in ("epci", "commune"):
        raise ValueError(f"unknown kind {kind!r}: {', '.join(KINDS)}")
    members = active_memberships(inputs.memberships, at)
    column = "insee" if kind == "commune" else "epci"
    return bool(((members["opsn"] == opsn) & (members[column] == code)).any())


def name_of(reference: ReferenceData, kind: str, code: str) -> str:
    """« Calvados (14) », « CC du Pays de Honfleur », « Caen (14118) » for messages."""
    if kind == "departement":
        names = reference.departements.set_index("code")["nom"]
        return f"{names.get(code, code)} ({code})"
    if kind == "epci":
        names = reference.epci.set_index("siren")["nom"]
        return f"l'EPCI {names.get(code, code)}"
    return f"{reference.communes_by_insee['nom'].get(code, code)} ({code})"


def _edited(change: Change, kind: str, code: str, verb: str | None) -> Change:
    """``change`` without ``code`` in its add/drop lists of ``kind``, then added to ``verb``'s."""
    field = _FIELDS[kind]
    values = {}
    for each in ("add", "drop"):
        codes = tuple(c for c in getattr(change, f"{each}_{field}") if c != code)
        if each == verb:
            codes += (code,)
        values[f"{each}_{field}"] = codes
    return dataclasses.replace(change, **values)


def toggle(
    reference: ReferenceData,
    inputs: Inputs,
    changes: Sequence[Change],
    opsn: str,
    kind: str,
    code: str,
    *,
    at: dt.date | None = None,
    name: str | None = None,
) -> Toggled:
    """The scenario with ``code`` toggled for ``opsn``; ``inputs`` are without the scenario.

    ``name`` names an OPSN the scenario creates. A commune that belongs to the
    OPSN through its EPCI cannot leave it alone: the scenario is left as it is
    and the message says to take the EPCI out instead.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: {', '.join(KINDS)}")
    changes = tuple(changes)
    departements = reference.departements
    current = apply_changes(inputs, changes, departements)
    label = opsn_names(current.registry).get(opsn, name or opsn)
    what = name_of(reference, kind, code)
    had = holds(current, opsn, kind, code, at)
    if kind == "commune" and not had:
        epci = reference.communes_by_insee["epci"].get(code, "")
        if epci and holds(current, opsn, "epci", epci, at):
            return Toggled(
                changes,
                False,
                False,
                f"{what} adhère à {label} par son EPCI ({name_of(reference, 'epci', epci)}) : "
                "retirez l'EPCI pour la retirer.",
            )
    wanted = not had
    positions = [i for i, c in enumerate(changes) if c.opsn == opsn]
    if positions:
        at_change = positions[-1]
        target = changes[at_change]
    else:
        at_change, target = len(changes), Change(opsn, name=name)
    attempts = (None, "add" if wanted else "drop")
    for verb in attempts:  # undo the earlier click first, else write the change
        edited = _edited(target, kind, code, verb)
        candidate = (*changes[:at_change], edited, *changes[at_change + 1 :])
        if holds(apply_changes(inputs, candidate, departements), opsn, kind, code, at) == wanted:
            if edited.empty:
                candidate = (*changes[:at_change], *changes[at_change + 1 :])
            verb_text = "ajouté" if wanted else "retiré"
            where = "au périmètre de" if kind == "departement" else "aux adhérents de"
            if not wanted:
                where = "du périmètre de" if kind == "departement" else "des adhérents de"
            if kind == "commune":
                verb_text += "e"
            return Toggled(candidate, True, wanted, f"{what} {verb_text} {where} {label}.")
    return Toggled(changes, False, had, f"{what} : rien ne change pour {label}.")
