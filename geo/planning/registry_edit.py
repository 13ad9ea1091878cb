"""Checking an edit of the OPSN registry (or a new OPSN) before it is saved.

The registry's own rules (``data/opsn/README.md``; :mod:`geo.core.registry`,
:mod:`geo.core.ids`) apply to what a planner types in a form: identifiers with
their check digits, department codes normalised, the scope consistent with
the perimeter, sources as web addresses or references in plain words,
identifiers (SIREN, SIRET, ANCT id) that no other OPSN has. Every problem is a
French message attached to its field; small corrections (``1`` → ``01``, a
web address without ``https://``) are made and said.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pandas as pd

from geo.core.ids import check_department, check_insee, check_siren, check_siret
from geo.core.registry import (
    CONFIDENCE_LEVELS,
    OFFERS,
    PARTIAL_OFFER_KINDS,
    SCOPES,
    RegistryError,
    registry_from_table,
    scope_from_departments,
)

#: Form labels, in the order a form shows them.
FIELD_LABELS = {
    "id": "Identifiant",
    "nom": "Nom",
    "sigle": "Sigle",
    "forme_juridique": "Forme juridique",
    "siren": "SIREN",
    "siret": "SIRET",
    "identifiants_note": "Remarque sur les identifiants",
    "site_web": "Site web",
    "portee": "Portée",
    "departements": "Périmètre (départements)",
    "perimetre_note": "Remarque sur le périmètre",
    "offre": "Offre",
    "offre_partielle": "Offre partielle limitée à",
    "sert_les_communes": "Sert les communes",
    "siege_commune": "Commune du siège",
    "siege_insee": "Code INSEE du siège",
    "nb_adherents": "Nombre d'adhérents",
    "annee_nb_adherents": "Année de ce nombre",
    "membre_declic_2020": "Membre de Déclic en 2020",
    "membre_declic_recent": "Membre de Déclic récemment",
    "anct_id": "Identifiant ANCT (Suite territoriale)",
    "sources": "Sources (adresses web ou références)",
    "confiance": "Confiance",
    "revision": "Origine de la ligne",
}
OFFER_LABELS = {"complete": "complète", "partielle": "partielle (un seul service)"}
SCOPE_LABELS = {
    "": "inconnue",
    "locale": "locale (ses seules communes membres)",
    "departementale": "départementale",
    "regionale": "régionale (une région entière)",
    "nationale": "nationale (sans périmètre départemental)",
}
MEMBERSHIP_WORDS = ("oui", "non", "inconnu")
TEXT_LIMITS = {"nom": 300, "perimetre_note": 2000, "identifiants_note": 1000}
DEFAULT_TEXT_LIMIT = 300
URL_LIMIT = 500
_ID = re.compile(r"^[a-z0-9][a-z0-9_]{1,39}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class EditCheck:
    """The row as it would be saved (CSV strings), and what is wrong or was corrected."""

    row: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)  # field → French message
    notes: list[str] = field(default_factory=list)  # corrections made

    @property
    def ok(self) -> bool:
        return not self.errors


def _split(value: object, separators: str = r"[|,;\s]+") -> list[str]:
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
    else:
        items = re.split(separators, str(value or ""))
    return [item.strip() for item in items if item and item.strip()]


#: A web address written without its scheme (« www.megalis.bzh », « megalis.bzh/statuts »).
_BARE_ADDRESS = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}(?:[/?#]\S*)?$", re.IGNORECASE
)
#: A scheme glued to what follows (« ftp://… », « javascript:… »): meant as an address.
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:\S", re.IGNORECASE)


def _url(raw: str, label: str, check: EditCheck, name: str) -> str | None:
    text = raw.strip()
    if not text:
        return ""
    if len(text) > URL_LIMIT or re.search(r"\s", text):
        check.errors[name] = f"{label} : adresse « {text[:80]} » invalide (espaces ou trop longue)."
        return None
    if _BARE_ADDRESS.match(text):
        text = "https://" + text
        check.notes.append(f"{label} : « {raw.strip()} » complété en « {text} »")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc:
        check.errors[name] = (
            f"{label} : « {raw.strip()[:80]} » n'est pas une adresse web (http ou https)."
        )
        return None
    return text


def _source(raw: str, check: EditCheck) -> str | None:
    """One source: a web address (checked; completed with ``https://`` when written bare), or
    a reference in plain words (« délibération du 3 mars 2021 »), kept as written: no
    address is made up from words."""
    text = " ".join(raw.split())
    if not text:
        return ""
    if len(text) > URL_LIMIT or _CONTROL.search(text):
        check.errors["sources"] = (
            f"Sources : « {text[:80]} » refusée (caractère de contrôle ou plus de "
            f"{URL_LIMIT} caractères)."
        )
        return None
    if _SCHEME.match(text) or _BARE_ADDRESS.match(text):
        return _url(text, "Sources", check, "sources")
    check.notes.append(
        f"Sources : « {text} » n'est pas une adresse web : gardée telle quelle, comme référence"
    )
    return text


def check_edit(
    registry: pd.DataFrame,
    values: Mapping[str, object],
    departements: pd.DataFrame,
    opsn: str | None = None,
) -> EditCheck:
    """Check ``values`` for OPSN ``opsn`` (a new OPSN when ``None``) against the raw registry.

    ``registry`` is the raw table (strings, one row per OPSN, as the store
    keeps it); ``departements`` the reference table (code → region) for the
    scope rule. Fields not in ``values`` keep their current value.
    """
    columns = list(registry.columns)
    if opsn is None:
        row = {c: "" for c in columns}
        row["confiance"] = "basse"
        row.update(membre_declic_2020="inconnu", membre_declic_recent="inconnu")
    else:
        found = registry[registry["id"] == opsn]
        if found.empty:
            return EditCheck({}, {"id": f"OPSN « {opsn} » absent du registre."})
        row = {c: str(v) for c, v in found.iloc[0].items()}
    check = EditCheck(row)
    unknown = [k for k in values if k not in columns]
    if unknown:
        check.errors["_"] = f"champ(s) inconnu(s) du registre : {', '.join(unknown)}."
    for name, raw in values.items():
        if name in columns:
            row[name] = raw if isinstance(raw, list | tuple) else ("" if raw is None else str(raw))

    _check_id(check, registry, opsn)
    for name in columns:
        if name in ("id", "departements", "sources", "site_web", "offre_partielle") or isinstance(
            row[name], list
        ):
            continue
        text = (
            " ".join(str(row[name]).split()) if name != "perimetre_note" else str(row[name]).strip()
        )
        if _CONTROL.search(text):
            check.errors[name] = f"{FIELD_LABELS.get(name, name)} : caractère de contrôle refusé."
        limit = TEXT_LIMITS.get(name, DEFAULT_TEXT_LIMIT)
        if len(text) > limit:
            check.errors[name] = f"{FIELD_LABELS.get(name, name)} : {limit} caractères au plus."
        row[name] = text
    if not row.get("nom"):
        check.errors["nom"] = "Nom : obligatoire."
    _check_identifiers(check)
    _check_identifiers_unique(check, registry, opsn)
    _check_perimeter(check, departements)
    _check_lists_and_words(check)
    _check_offer(check)
    if check.ok:
        table = registry.copy() if opsn is not None else registry
        if opsn is None:
            table = pd.concat([registry, pd.DataFrame([row])], ignore_index=True)
        else:
            table.loc[table["id"] == opsn, list(row)] = [row[c] for c in row]
        try:
            registry_from_table(table.fillna("").astype(str), "registre")
        except RegistryError as error:  # a rule this form does not know yet
            check.errors["_"] = str(error)
    return check


def _check_id(check: EditCheck, registry: pd.DataFrame, opsn: str | None) -> None:
    row = check.row
    if opsn is not None:
        if row["id"] != opsn:
            check.errors["id"] = "Identifiant : il ne change pas (les adhésions y renvoient)."
            row["id"] = opsn
        return
    row["id"] = str(row.get("id", "")).strip().lower()
    if not _ID.match(row["id"]):
        check.errors["id"] = (
            "Identifiant : 2 à 40 caractères, minuscules sans accent, chiffres et « _ » "
            "(ex. : manche_numerique)."
        )
    elif row["id"] in set(registry["id"]):
        check.errors["id"] = f"Identifiant : « {row['id']} » existe déjà."


def _check_identifiers(check: EditCheck) -> None:
    row = check.row
    for name, checker in (("siren", check_siren), ("siret", check_siret)):
        if row.get(name):
            result = checker(row[name])
            if not result.ok:
                check.errors[name] = f"{FIELD_LABELS[name]} : {result.message}."
            else:
                if result.value != row[name]:
                    check.notes.append(
                        f"{FIELD_LABELS[name]} « {row[name]} » lu comme {result.value}"
                    )
                row[name] = result.value
    if row.get("siret") and "siret" not in check.errors:
        if not row.get("siren"):
            row["siren"] = row["siret"][:9]
            check.notes.append(f"SIREN déduit du SIRET : {row['siren']}")
        elif not row["siret"].startswith(row["siren"]):
            check.errors["siret"] = (
                f"SIRET : « {row['siret']} » ne commence pas par le SIREN « {row['siren']} »."
            )
    if row.get("siege_insee"):
        result = check_insee(row["siege_insee"])
        if not result.ok:
            check.errors["siege_insee"] = f"{FIELD_LABELS['siege_insee']} : {result.message}."
        else:
            row["siege_insee"] = result.value
    if row.get("anct_id") and not _UUID.match(row["anct_id"].lower()):
        check.errors["anct_id"] = "Identifiant ANCT : un uuid (8-4-4-4-12 caractères hexadécimaux)."
    elif row.get("anct_id"):
        row["anct_id"] = row["anct_id"].lower()
    for name in ("nb_adherents", "annee_nb_adherents"):
        text = row.get(name, "")
        if text and (not text.isdigit() or len(text) > 7):
            check.errors[name] = f"{FIELD_LABELS[name]} : un nombre entier positif."
    year = row.get("annee_nb_adherents", "")
    if year.isdigit() and not 1990 <= int(year) <= 2100:
        check.errors["annee_nb_adherents"] = "Année : entre 1990 et 2100."


#: Identifiers that designate one OPSN only.
UNIQUE_IDENTIFIERS = ("siren", "siret", "anct_id")


def _check_identifiers_unique(check: EditCheck, registry: pd.DataFrame, opsn: str | None) -> None:
    """A SIREN, SIRET or ANCT id given to an OPSN must not be another OPSN's already."""
    others = registry[registry["id"] != (opsn if opsn is not None else check.row["id"])]
    mine = registry[registry["id"] == opsn].iloc[0] if opsn is not None else {}
    for name in UNIQUE_IDENTIFIERS:
        value = check.row.get(name, "")
        if not value or name in check.errors or name not in registry.columns:
            continue
        if opsn is not None and str(mine.get(name, "")) == value:
            continue  # unchanged: an old duplicate is the registry's business, not this edit's
        holders = others[others[name].astype(str) == value]
        if len(holders):
            holder = holders.iloc[0]
            check.errors[name] = (
                f"{FIELD_LABELS[name]} : {value} est déjà celui de « {holder['nom']} » "
                f"({holder['id']}) ; un identifiant ne désigne qu'un OPSN."
            )


def _check_perimeter(check: EditCheck, departements: pd.DataFrame) -> None:
    row = check.row
    codes = []
    for raw in _split(row.get("departements", "")):
        result = check_department(raw)
        if not result.ok:
            check.errors["departements"] = f"Périmètre : {result.message}."
            continue
        if result.corrected:
            check.notes.append(f"Périmètre : {result.message}")
        if result.value not in codes:
            codes.append(result.value)
    row["departements"] = "|".join(codes)
    scope = row.get("portee", "")
    if scope not in SCOPES and scope != "":
        check.errors["portee"] = f"Portée « {scope} » inconnue ({', '.join(SCOPES)})."
        return
    expected = scope_from_departments(tuple(codes), departements)
    if scope == "" and codes:
        row["portee"] = expected
        check.notes.append(f"Portée déduite du périmètre : {SCOPE_LABELS[expected]}")
    elif scope == "nationale" and codes:
        check.errors["portee"] = (
            "Portée nationale : le périmètre reste vide (l'OPSN ne couvre aucun département "
            "en entier ; voir data/opsn/README.md)."
        )
    elif scope in ("locale", "departementale", "regionale") and not codes:
        check.errors["departements"] = (
            f"Périmètre : au moins un département pour une portée {SCOPE_LABELS[scope]}."
        )
    elif scope in ("departementale", "regionale") and expected != scope:
        check.errors["portee"] = (
            f"Portée « {SCOPE_LABELS[scope]} » incohérente avec ces départements : "
            f"portée attendue « {SCOPE_LABELS[expected]} » (régionale = une région entière)."
        )


def _check_lists_and_words(check: EditCheck) -> None:
    row = check.row
    site = _url(str(row.get("site_web", "")), "Site web", check, "site_web")
    if site is not None:
        row["site_web"] = site
    sources = []
    for raw in _split(row.get("sources", ""), r"[|\r\n]+"):
        source = _source(raw, check)
        if source and source not in sources:
            sources.append(source)
    row["sources"] = "|".join(sources)
    if row.get("confiance", "") not in CONFIDENCE_LEVELS:
        check.errors["confiance"] = f"Confiance : {', '.join(CONFIDENCE_LEVELS)}."
    for name in ("membre_declic_2020", "membre_declic_recent"):
        value = str(row.get(name, "")).strip().lower()
        value = {"true": "oui", "false": "non", "": "inconnu"}.get(value, value)
        if value not in MEMBERSHIP_WORDS:
            check.errors[name] = f"{FIELD_LABELS[name]} : oui, non ou inconnu."
        row[name] = value


def _check_offer(check: EditCheck) -> None:
    """``offre`` complete or partial; a partial offer names what it is limited to."""
    row = check.row
    if "offre" not in row:
        return
    offer = str(row.get("offre", "")).strip().lower() or "complete"
    if offer not in OFFERS:
        check.errors["offre"] = f"Offre : {' ou '.join(OFFERS)}."
        return
    row["offre"] = offer
    kinds = []
    for raw in _split(row.get("offre_partielle", "")):
        if raw not in PARTIAL_OFFER_KINDS:
            check.errors["offre_partielle"] = (
                f"Offre partielle : « {raw} » inconnue ({', '.join(PARTIAL_OFFER_KINDS)})."
            )
        elif raw not in kinds:
            kinds.append(raw)
    row["offre_partielle"] = "|".join(kinds)
    if offer == "partielle" and not kinds and "offre_partielle" not in check.errors:
        check.errors["offre_partielle"] = (
            "Offre partielle : dites à quoi elle se limite (commande publique, DPO, SIG…)."
        )
    if offer == "complete" and kinds:
        check.errors["offre_partielle"] = "Offre complète : laissez « offre partielle » vide."
    serves = str(row.get("sert_les_communes", "")).strip().lower()
    serves = {"true": "oui", "false": "non"}.get(serves, serves)
    if serves not in ("oui", "non", ""):
        check.errors["sert_les_communes"] = "Sert les communes : oui ou non."
    row["sert_les_communes"] = serves
