"""One member line → a current commune or EPCI, or why not, with the communes it may mean.

Codes come first (INSEE, then SIREN, then SIRET). A name written beside a
commune's code must designate that commune: « Brest ; 29190 » (29190 is
Plougonvelin) is accepted as neither, and both candidates are named. A line
whose codes are missing or wrong is looked up by its name — at once when the
line gives its department, else among the departments of the line's OPSN
(:func:`search_by_name`), where a name borne by one commune only becomes a
*suggestion* for the planner to confirm, never an accepted line. Every
message quotes the file's own text.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from geo.core.ids import check_department, check_siret, department_of_insee
from geo.core.reference import ReferenceData, Resolution
from geo.importers.cells import text_of
from geo.importers.names import (
    NameIndex,
    Outcome,
    name_agreement,
    name_index,
    name_key,
    name_variants,
    resolve_name,
)

#: The one-word reasons of reports (``problem`` of an issue), with what they mean.
PROBLEMS = {
    "nom_code_discordants": "le nom et le code désignent deux communes différentes",
    "departement_code_discordants": "le département et le code ne concordent pas",
    "code_inconnu": "aucun code ne désigne une commune ou un EPCI connu",
    "nom_seul": "pas de code : la commune est cherchée par son nom",
    "nom_inconnu": "le nom ne désigne aucune commune : membre retenu d'après son code",
    "hors_departements": "commune hors des départements de l'OPSN",
    "correction": "ligne corrigée par la personne qui importe",
    "correction_invalide": "la correction donnée ne désigne aucune commune ni aucun EPCI",
    "ecartee": "ligne écartée par la personne qui importe",
}
#: Communes listed at most in one message.
LISTED = 10


@dataclass(frozen=True)
class Correction:
    """What the planner decided for one line of a file, in the app, before saving.

    ``code``: the INSEE code, SIREN or SIRET (or the commune's name) that
    replaces the line's member; empty: the line's own cells. ``keep``:
    ``False`` leaves the line out (a commune outside the OPSN's departments,
    say).
    """

    code: str = ""
    keep: bool = True


def commune_label(insee: str, index: NameIndex) -> str:
    """« Brest (29019) »."""
    return f"{index.names.get(insee, insee)} ({insee})"


def candidate(insee: str, index: NameIndex) -> dict[str, str]:
    """A commune a line may mean, as reports give it (JSON keys are a contract)."""
    return {
        "insee": insee,
        "nom": index.names.get(insee, ""),
        "departement": department_of_insee(insee),
    }


def _listed(codes: Collection[str], index: NameIndex) -> str:
    shown = ", ".join(commune_label(c, index) for c in list(codes)[:LISTED])
    return shown + ("…" if len(codes) > LISTED else "")


# --------------------------------------------------------------------------- codes


def _resolve_siret(raw: str, reference: ReferenceData) -> Resolution:
    checked = check_siret(raw)
    if not checked.ok:
        return Resolution(None, None, checked.message)
    found = reference.resolve_siren(checked.value[:9])
    if found.kind is None:
        return Resolution(None, None, f"SIRET « {raw} » : ni une commune ni un EPCI connus")
    return Resolution(found.kind, found.code, checked.message, checked.corrected)


_CODE_IN_NAME = re.compile(r"(\d{4,5}|2[abAB]\d{3})")


def codes_in_name(cells: dict[str, object]) -> dict[str, object]:
    """A « commune » column holding codes (and no INSEE column) is an INSEE column."""
    name = text_of(cells.get("nom"))
    if text_of(cells.get("insee")) == "" and _CODE_IN_NAME.fullmatch(name or "-"):
        return {**cells, "insee": name, "nom": ""}
    return cells


def resolve_codes(
    cells: dict[str, object], reference: ReferenceData
) -> tuple[Outcome | None, list[str], str]:
    """The member found by its codes (INSEE, then SIREN, then SIRET), if any.

    Returns ``(outcome, failures, first value)``: ``outcome`` is ``None``
    when no code resolves, ``failures`` says why each code given failed.
    """
    failures: list[str] = []
    first_value = ""
    attempts = (
        (cells.get("insee"), reference.resolve_insee),
        (cells.get("siren"), reference.resolve_siren),
        (cells.get("siret"), lambda raw: _resolve_siret(raw, reference)),
    )
    for raw, resolve in attempts:
        text = text_of(raw)
        if not text:
            continue
        first_value = first_value or text
        found = resolve(raw if not isinstance(raw, str) else text)
        if found.kind is not None:
            notes = list(failures)
            if failures:
                notes.append(f"membre identifié par « {text} »")
            if found.corrected and found.message:
                notes.append(found.message)
            return Outcome(found.kind, found.code, first_value, notes), failures, first_value
        failures.append(found.message or f"« {text} » inconnu")
    return None, failures, first_value


# --------------------------------------------------------------------------- name beside a code


def check_agreement(
    outcome: Outcome, cells: dict[str, object], reference: ReferenceData
) -> Outcome:
    """``outcome`` (a commune found by its code) unless the line's name or department says otherwise."""
    if outcome.kind != "commune":
        return outcome  # EPCI names vary too much (« CC », « Communauté de communes »…)
    name, department = text_of(cells.get("nom")), text_of(cells.get("departement"))
    if not name and not department:
        return outcome
    index = name_index(reference)
    insee, code = outcome.code or "", outcome.value
    mine = commune_label(insee, index)
    if department:
        checked = check_department(department)
        if checked.ok and checked.value != department_of_insee(insee):
            return Outcome(
                value=code,
                error=f"département « {department} » et code « {code} » discordants : le code "
                f"désigne {mine}, du département {department_of_insee(insee)}",
                problem="departement_code_discordants",
                candidates=(insee,),
            )
    if not name:
        return outcome
    agreement = name_agreement(name, insee, index)
    if agreement.verdict == "other":
        home = department_of_insee(insee)
        others = sorted(agreement.others, key=lambda o: (department_of_insee(o) != home, o))
        candidates = (insee, *others[: LISTED - 1])
        return Outcome(
            value=code,
            error=f"« {name} » ≠ {code} {index.names.get(insee, '')} : le nom et le code "
            f"désignent deux communes différentes ; communes possibles : "
            f"{_listed(candidates, index)}",
            problem="nom_code_discordants",
            candidates=candidates,
        )
    if agreement.verdict == "unknown":
        outcome.notes.append(
            f"nom « {name} » : aucune commune de ce nom ; membre retenu d'après son code : {mine}"
        )
        outcome.problem = "nom_inconnu"
    return outcome


# --------------------------------------------------------------------------- name without code


def resolve_by_name(
    cells: dict[str, object],
    reference: ReferenceData,
    failures: list[str],
    first_value: str,
) -> Outcome:
    """The member found by name and department, after its codes failed (``failures``).

    Without a department on the line, the name is looked up later, among
    the departments of the line's OPSN (:func:`search_by_name`): the outcome
    is a failure whose ``search`` names what to look for.
    """
    name = text_of(cells.get("nom"))
    department = text_of(cells.get("departement"))
    if name and not department:
        return Outcome(
            value=first_value or name,
            error=" ; ".join(failures) or "aucun code INSEE, SIREN ni SIRET",
            problem="nom_seul",
            search=name,
            failures=tuple(failures),
        )
    if name:
        outcome = resolve_name(name, department, name_index(reference))
        if outcome.kind is not None:
            outcome.notes = failures + outcome.notes
            outcome.value = first_value or outcome.value
            return outcome
        failures = [*failures, outcome.error or ""]
        first_value = first_value or outcome.value
    if not failures:
        return Outcome(value="", error="aucun identifiant (code INSEE, SIREN, SIRET ou nom)")
    return Outcome(value=first_value, error=" ; ".join(failures), problem="code_inconnu")


def _scope(departments: Collection[str]) -> str:
    if not departments:
        return "en France"
    if len(departments) == 1:
        return f"dans le département de l'OPSN ({next(iter(departments))})"
    return f"dans les départements de l'OPSN ({', '.join(sorted(departments))})"


def communes_in(name: str, departments: Collection[str], index: NameIndex) -> list[str]:
    """Communes bearing ``name`` in ``departments`` (all of France if empty), plainest reading first."""
    for key in name_variants(name, index):
        found = sorted(index.national.get(key, ()))
        if departments:
            found = [c for c in found if department_of_insee(c) in departments]
        if found:
            return found
    return []


def _near(name: str, departments: Collection[str], index: NameIndex) -> list[str]:
    """Communes of ``departments`` whose name begins with ``name``, or that ``name`` begins with."""
    key = name_key(name)
    return sorted(
        insee
        for department in departments
        for other, insee in index.by_department.get(department, [])
        if other.startswith(key + " ") or key.startswith(other + " ")
    )


def search_by_name(outcome: Outcome, departments: Collection[str], index: NameIndex) -> Outcome:
    """The failure ``outcome`` (``search`` set) with the communes its name may mean.

    One commune of that name among ``departments`` (the OPSN's; France when
    empty) is a suggestion; several are candidates; none there, those of
    elsewhere are named. The line stays rejected: the planner confirms.
    """
    name = outcome.search
    scope = _scope(departments)
    found = communes_in(name, departments, index)
    suggestion = None
    if len(found) == 1:
        suggestion = found[0]
        said = (
            f"« {name} » : une seule commune de ce nom {scope}, "
            f"{commune_label(suggestion, index)} — proposée, à confirmer"
        )
    elif found:
        said = f"« {name} » : {len(found)} communes de ce nom {scope} : {_listed(found, index)}"
    else:
        elsewhere = communes_in(name, (), index) if departments else []
        near = _near(name, departments, index) if departments else []
        if near:
            found = near
            if len(near) == 1:
                suggestion = near[0]
            said = f"« {name} » : aucune commune de ce nom {scope} ; nom proche : " + _listed(
                near, index
            )
        elif elsewhere:
            found = elsewhere
            said = f"« {name} » : aucune commune de ce nom {scope} ; ailleurs : " + _listed(
                elsewhere, index
            )
        else:
            said = f"« {name} » : aucune commune de ce nom {scope}"
    return Outcome(
        value=outcome.value,
        error=" ; ".join([*outcome.failures, said])
        if outcome.failures
        else f"aucun code INSEE, SIREN ni SIRET ; {said}",
        problem="code_inconnu" if outcome.failures else "nom_seul",
        candidates=tuple(found[:LISTED]),
        suggestion=suggestion,
    )


# --------------------------------------------------------------------------- corrections


_CODE_LIKE = re.compile(r"^[\d\s.]+$|^2[abAB]\d{3}$")


def resolve_correction(
    text: str, original: str, departments: Collection[str], reference: ReferenceData
) -> Outcome:
    """The member a planner's correction designates: a code, or a commune's name.

    ``original`` is the line's member as the file wrote it (for the message).
    A name must designate one commune among ``departments`` (France when
    empty).
    """
    text = text.strip()
    index = name_index(reference)
    if _CODE_LIKE.match(text):
        digits = re.sub(r"\D", "", text)
        role = {9: "siren", 14: "siret"}.get(len(digits), "insee")
        outcome, failures, _ = resolve_codes({role: text}, reference)
        if outcome is None:
            return Outcome(
                value=original,
                error=f"correction « {text} » : {' ; '.join(failures)}",
                problem="correction_invalide",
            )
    else:
        found = communes_in(text, departments, index)
        if len(found) != 1:
            said = (
                f"{len(found)} communes de ce nom {_scope(departments)} : {_listed(found, index)}"
                if found
                else f"aucune commune de ce nom {_scope(departments)}"
            )
            return Outcome(
                value=original,
                error=f"correction « {text} » : {said} — donnez le code INSEE",
                problem="correction_invalide",
                candidates=tuple(found[:LISTED]),
            )
        outcome = Outcome("commune", found[0], original)
    member = (
        commune_label(outcome.code or "", index)
        if outcome.kind == "commune"
        else f"EPCI {outcome.code}"
    )
    was = f" au lieu de « {original} »" if original else ""
    return Outcome(
        outcome.kind,
        outcome.code,
        original,
        [f"corrigée à l'import : {member}{was}"],
        problem="correction",
    )
