"""Communes by name: the last resort when a list gives no code, and the check of a code's name.

Names are compared without case, accents or punctuation, « St » reading as
« Saint » and « Pont-de-Claix (Le) » as « Le Pont-de-Claix »; « Commune de
Brest », « Mairie du Conquet » or « Brest (29) » read as the commune's name.
An ambiguous or unknown name is rejected with the candidates listed, never
guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

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
    #: Name key → the current communes that bear it, or bore it (former communes).
    national: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Current commune → the keys of its names (its own, and its former communes').
    own: dict[str, tuple[str, ...]] = field(default_factory=dict)


def name_index(reference: ReferenceData) -> NameIndex:
    """Commune names by department, built once per reference and kept with it (about 0.5 s)."""
    return reference.derived(NameIndex, lambda: _build_name_index(reference))


def _build_name_index(reference: ReferenceData) -> NameIndex:
    current: dict[tuple[str, str], list[str]] = {}
    by_department: dict[str, list[tuple[str, str]]] = {}
    national: dict[str, set[str]] = {}
    own: dict[str, list[str]] = {}
    # Lists, not Series: iterating Arrow-backed columns costs more than the keys.
    communes = reference.communes
    insees, noms = communes["insee"].tolist(), communes["nom"].tolist()
    names = dict(zip(insees, noms, strict=True))
    for insee, nom, dep in zip(insees, noms, communes["departement"].tolist(), strict=True):
        key = name_key(nom)
        current.setdefault((dep, key), []).append(insee)
        by_department.setdefault(dep, []).append((key, insee))
        national.setdefault(key, set()).add(insee)
        own.setdefault(insee, []).append(key)
    former: dict[tuple[str, str], list[tuple[str, str]]] = {}
    codes = reference.former_codes
    for old, nom, insee in zip(
        codes["ancien_code"].tolist(), codes["nom"].tolist(), codes["insee"].tolist(), strict=True
    ):
        if nom:
            key = name_key(nom)
            former.setdefault((department_of_insee(old), key), []).append((old, insee))
            national.setdefault(key, set()).add(insee)
            own.setdefault(insee, []).append(key)
    department_names = {
        name_key(nom): code
        for code, nom in zip(
            reference.departements["code"], reference.departements["nom"], strict=True
        )
    }
    return NameIndex(
        current,
        former,
        names,
        by_department,
        department_names,
        {key: frozenset(codes) for key, codes in national.items()},
        {insee: tuple(dict.fromkeys(keys)) for insee, keys in own.items()},
    )


@dataclass
class Outcome:
    """Where a member line lands, or why it lands nowhere (``error``)."""

    kind: str | None = None  # "commune" / "epci" / None
    code: str | None = None
    value: str = ""
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    #: What is wrong, in one word (a contract of reports): see geo.importers.members.PROBLEMS.
    problem: str = ""
    candidates: tuple[str, ...] = ()  # communes (INSEE codes) the line may mean
    suggestion: str | None = None  # the one commune it most likely means, to be confirmed
    #: A name to look for among the OPSN's departments once the line's operator is known.
    search: str = ""
    failures: tuple[str, ...] = ()  # why each code of the line failed (for ``search``)


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


# --------------------------------------------------------------------------- a code's name

#: Words before a commune's name in lists of members (« Commune de Brest », « Mairie du Conquet »).
_BODY_WORDS = ("commune nouvelle", "commune", "mairie", "ville")
_LINKS = {"de": "", "d": "", "du": "le ", "des": "les "}
_DEPARTMENT_CODE = re.compile(r"^(?:\d{2}|2a|2b|97\d)$")
#: At least this similar (difflib's ratio) to the commune's own name: the same name misspelt.
CLOSE_RATIO = 0.85


def name_variants(name: object, index: NameIndex) -> list[str]:
    """Keys under which a name written in a list may be found, the plainest first.

    « Commune de Brest », « Mairie du Conquet », « Brest (29) », « Brest
    Finistère » and « Brest Cedex 2 » also read as « Brest » and « Le Conquet ».
    """
    key = name_key(name)
    variants = [key]
    words = key
    for body in _BODY_WORDS:
        if words.startswith(body + " "):
            rest = words[len(body) + 1 :]
            link, _, tail = rest.partition(" ")
            if link in _LINKS and tail:
                words = _LINKS[link] + tail
            break
    words = re.sub(r"\s+cedex(?:\s+\d+)?$", "", words)
    parts = words.split()
    if len(parts) > 1 and _DEPARTMENT_CODE.match(parts[-1]):
        words = " ".join(parts[:-1])
    else:
        for department in index.department_names:
            if words.endswith(" " + department) and len(words) > len(department) + 1:
                words = words[: -len(department) - 1]
                break
    if words and words not in variants:
        variants.append(words)
    return variants


@dataclass(frozen=True)
class Agreement:
    """Does a name designate the commune its code designates?

    ``verdict``: ``same`` (its name, a former name, or the name misspelt or
    shortened), ``other`` (the name is that of ``others``, not of the code's
    commune) or ``unknown`` (no commune bears this name).
    """

    verdict: str
    others: tuple[str, ...] = ()


def name_agreement(name: object, insee: str, index: NameIndex) -> Agreement:
    """Whether ``name`` designates commune ``insee`` (see :class:`Agreement`)."""
    if index.names.get(insee) == str(name).strip():
        return Agreement("same")  # most lines: the commune's name as the COG writes it
    if insee in index.national.get(name_key(name), ()):
        return Agreement("same")
    variants = name_variants(name, index)
    own = index.own.get(insee, ())

    def close() -> bool:
        return any(_close(key, mine) for key in variants for mine in own)

    for key in variants:
        found = index.national.get(key)
        if found:
            if insee in found:
                return Agreement("same")
            # « Fontaine » for Fontaine-Française (21277): shortened, unless a
            # commune of that very name lies in the same department.
            department = department_of_insee(insee)
            if not any(department_of_insee(o) == department for o in found) and close():
                return Agreement("same")
            return Agreement("other", tuple(sorted(found)))
    return Agreement("same" if close() else "unknown")


def _close(key: str, mine: str) -> bool:
    """The same name shortened (at a word) or misspelt."""
    return (
        mine.startswith(key + " ")
        or key.startswith(mine + " ")
        or SequenceMatcher(None, key, mine).ratio() >= CLOSE_RATIO
    )
