"""Commune by name and department: the last resort when a list gives no code.

Names are compared without case, accents or punctuation, « St » reading as
« Saint » and « Pont-de-Claix (Le) » as « Le Pont-de-Claix »; an ambiguous or
unknown name is rejected with the candidates listed, never guessed.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field

from geo.core.ids import check_department, department_of_insee
from geo.core.reference import ReferenceData
from geo.core.text import fold

_ARTICLE_SUFFIX = re.compile(r"^(.*?)\s*\((le|la|les|l')\)\s*$", re.IGNORECASE)


def name_key(name: object) -> str:
    """Comparison key of a commune name: no case, accents, punctuation; St → Saint.

    ``"Pont-de-Claix (Le)"`` and ``"LE PONT DE CLAIX"`` give the same key.
    """
    text = str(name).strip()
    if match := _ARTICLE_SUFFIX.match(text):
        text = f"{match.group(2)} {match.group(1)}"
    words = fold(text).split()
    words = [
        {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}.get(w, w)
        for w in words
    ]
    return " ".join(words)


@dataclass
class NameIndex:
    current: dict[tuple[str, str], list[str]]
    former: dict[tuple[str, str], list[tuple[str, str]]]
    names: dict[str, str]
    by_department: dict[str, list[tuple[str, str]]]
    department_names: dict[str, str]


_INDEX: list[tuple[weakref.ref, NameIndex]] = []  # last reference only


def name_index(reference: ReferenceData) -> NameIndex:
    """Commune names by department, built once per reference (about 1 s)."""
    if _INDEX and _INDEX[0][0]() is reference:
        return _INDEX[0][1]
    current: dict[tuple[str, str], list[str]] = {}
    by_department: dict[str, list[tuple[str, str]]] = {}
    names = dict(zip(reference.communes["insee"], reference.communes["nom"], strict=True))
    for insee, nom, dep in zip(
        reference.communes["insee"],
        reference.communes["nom"],
        reference.communes["departement"],
        strict=True,
    ):
        current.setdefault((dep, name_key(nom)), []).append(insee)
        by_department.setdefault(dep, []).append((name_key(nom), insee))
    former: dict[tuple[str, str], list[tuple[str, str]]] = {}
    codes = reference.former_codes
    for old, nom, insee in zip(codes["ancien_code"], codes["nom"], codes["insee"], strict=True):
        if nom:
            entry = former.setdefault((department_of_insee(old), name_key(nom)), [])
            entry.append((old, insee))
    department_names = {
        name_key(nom): code
        for code, nom in zip(
            reference.departements["code"], reference.departements["nom"], strict=True
        )
    }
    index = NameIndex(current, former, names, by_department, department_names)
    _INDEX[:] = [(weakref.ref(reference), index)]
    return index


@dataclass
class Outcome:
    kind: str | None = None  # "commune" / "epci" / None
    code: str | None = None
    value: str = ""
    notes: list[str] = field(default_factory=list)
    error: str | None = None


def resolve_name(name: str, department: str, index: NameIndex) -> Outcome:
    shown = name if not department else f"{name} ({department})"
    if not department:
        return Outcome(
            value=name,
            error=f"commune « {name} » sans code INSEE, SIREN ni département : "
            "impossible de l'identifier avec certitude",
        )
    checked = check_department(department)
    dep = checked.value or index.department_names.get(name_key(department))
    if dep is None:
        return Outcome(value=shown, error=f"département « {department} » inconnu")
    key = name_key(name)
    found = index.current.get((dep, key), [])
    if len(found) == 1:
        insee = found[0]
        return Outcome(
            "commune",
            insee,
            shown,
            [f"commune identifiée par son nom « {name} » dans le département {dep} : {insee}"],
        )
    former = [] if found else index.former.get((dep, key), [])
    targets = sorted({insee for _, insee in former})
    if len(targets) == 1:
        old, insee = former[0]
        return Outcome(
            "commune",
            insee,
            shown,
            [
                f"« {name} » ({old}, ancienne commune) rattachée à la commune actuelle "
                f"{insee} ({index.names[insee]})"
            ],
        )
    candidates = sorted(set(found) | set(targets))
    if not candidates:
        candidates = sorted(
            insee
            for other, insee in index.by_department.get(dep, [])
            if other.startswith(key + " ") or key.startswith(other + " ")
        )
        if not candidates:
            return Outcome(
                value=shown, error=f"aucune commune « {name} » dans le département {dep}"
            )
    listed = ", ".join(f"{index.names[c]} ({c})" for c in candidates[:10])
    listed += "…" if len(candidates) > 10 else ""
    if len(candidates) == 1:
        detail = (
            f"aucune commune nommée exactement « {name} » dans le département {dep} ; "
            f"commune au nom proche : {listed} — vérifiez le nom ou donnez le code INSEE"
        )
    else:
        detail = (
            f"nom « {name} » ambigu dans le département {dep} ; communes possibles : "
            f"{listed} — précisez le code INSEE"
        )
    return Outcome(value=shown, error=detail)
