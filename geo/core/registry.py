"""The OPSN registry: one row per operator, with its perimeter and provenance.

The registry is a hand-maintained CSV (``data/opsn/registre_opsn.csv``, see
``data/opsn/README.md``); every fact keeps its sources and a confidence level
because most of them are inferred from public documents, not official lists.
The loader normalises department codes with :func:`geo.core.ids.check_department`
so that the coverage engine can join perimeters to communes without guessing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.core.ids import check_department
from geo.core.text import fold

SCOPES = ("locale", "departementale", "regionale", "nationale")
CONFIDENCE_LEVELS = ("haute", "moyenne", "basse")
OFFERS = ("complete", "partielle")
#: What a partial offer is limited to (``offre_partielle`` codes → French words).
PARTIAL_OFFER_KINDS = {
    "commande_publique": "commande publique",
    "dpo": "délégué à la protection des données",
    "sig": "SIG",
    "donnees": "plateforme de données",
    "urbanisme": "guichet d'urbanisme en ligne",
}

#: Columns of :func:`load_registry`, in order. ``departements`` and ``sources``
#: are tuples of strings; ``membre_declic_*`` are nullable booleans (NA = unknown,
#: which is not "no"); every other column is a string ("" when unknown).
REGISTRY_COLUMNS = (
    "id",
    "nom",
    "sigle",
    "forme_juridique",
    "siren",
    "siret",
    "identifiants_note",
    "site_web",
    "portee",
    "departements",
    "perimetre_note",
    "offre",
    "offre_partielle",
    "sert_les_communes",
    "siege_commune",
    "siege_insee",
    "nb_adherents",
    "annee_nb_adherents",
    "membre_declic_2020",
    "membre_declic_recent",
    "anct_id",
    "sources",
    "confiance",
    "revision",
)
#: Columns added in November 2026; a registry file written before has none of
#: them and reads as complete offers to communes.
OFFER_DEFAULTS = {
    "offre": "complete",
    "offre_partielle": "",
    "sert_les_communes": "oui",
    "revision": "",
}

_MEMBERSHIP = {"oui": True, "non": False, "inconnu": pd.NA, "": pd.NA}
_YES_NO = {"oui": True, "non": False, "": True}


class RegistryError(ValueError):
    """The registry file breaks its own format (French message naming line and value)."""


def parse_departments(text: str, where: str = "") -> tuple[str, ...]:
    """``"22|29|35|56"`` → ``("22", "29", "35", "56")``, each code normalised."""
    codes = []
    for raw in str(text).split("|"):
        if not raw.strip():
            continue
        checked = check_department(raw)
        if not checked.ok:
            raise RegistryError(f"{where}{checked.message}")
        if checked.value not in codes:
            codes.append(checked.value)
    return tuple(codes)


def registry_from_table(table: pd.DataFrame, name: str = "registre") -> pd.DataFrame:
    """Check and type a raw registry table (strings, as in the CSV); ``name`` is used in messages."""
    frame = table.copy()
    for column, default in OFFER_DEFAULTS.items():
        if column not in frame.columns:
            frame[column] = default
    missing = [c for c in REGISTRY_COLUMNS if c not in frame.columns]
    if missing:
        raise RegistryError(f"{name} : colonnes manquantes : {', '.join(missing)}")
    frame = frame[list(REGISTRY_COLUMNS)].copy()
    for number, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{name}, ligne {number} ({row.id}) : "
        if row.portee not in (*SCOPES, ""):
            raise RegistryError(f"{where}portée « {row.portee} » inconnue")
        if row.confiance not in CONFIDENCE_LEVELS:
            raise RegistryError(f"{where}confiance « {row.confiance} » inconnue")
        if row.siret and not row.siret.startswith(row.siren):
            raise RegistryError(f"{where}SIRET « {row.siret} » ≠ SIREN « {row.siren} »")
        check_offer(row, where)
    duplicated = frame["id"][frame["id"].duplicated()]
    if len(duplicated):
        raise RegistryError(f"{name} : identifiant en double « {duplicated.iloc[0]} »")
    frame["departements"] = [
        parse_departments(text, f"{name}, ligne {number} : ")
        for number, text in enumerate(frame["departements"], start=2)
    ]
    frame["sources"] = [tuple(s for s in text.split("|") if s) for text in frame["sources"]]
    for column in ("membre_declic_2020", "membre_declic_recent"):
        frame[column] = frame[column].map(_MEMBERSHIP).astype("boolean")
    for column in ("nb_adherents", "annee_nb_adherents"):
        frame[column] = pd.to_numeric(frame[column].replace("", None)).astype("Int64")
    frame["offre"] = frame["offre"].replace("", "complete")
    frame["offre_partielle"] = [
        tuple(k for k in t.split("|") if k) for t in frame["offre_partielle"]
    ]
    frame["sert_les_communes"] = frame["sert_les_communes"].map(_YES_NO).astype(bool)
    return frame.reset_index(drop=True)


def registry_to_table(registry: pd.DataFrame) -> pd.DataFrame:
    """The inverse of :func:`registry_from_table`: every cell back to its CSV string.

    Works on any registry-shaped frame (an imported ANCT operators table too):
    tuples are ``|``-joined, booleans ``oui``/``non`` (nullable ones ``inconnu`` when unknown),
    missing numbers and texts become "".
    """
    words = {True: "oui", False: "non"}

    def cell(value: object) -> str:
        if isinstance(value, bool | np.bool_):
            return words[bool(value)]
        if isinstance(value, tuple | list):
            return "|".join(str(v) for v in value)
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            return ""
        return str(value)

    table = pd.DataFrame(index=registry.index)
    for column in registry.columns:
        values = registry[column]
        if str(values.dtype) == "boolean":
            table[column] = [
                words.get(v, "inconnu") if v is not pd.NA else "inconnu" for v in values
            ]
        else:
            table[column] = [cell(v) for v in values]
    return table.reset_index(drop=True)


def check_offer(row, where: str) -> None:
    """``offre`` is complete or partial; a partial offer says what it is limited to."""
    offer = row.offre or "complete"
    if offer not in OFFERS:
        raise RegistryError(f"{where}offre « {row.offre} » inconnue ({', '.join(OFFERS)})")
    kinds = [k for k in row.offre_partielle.split("|") if k]
    unknown = [k for k in kinds if k not in PARTIAL_OFFER_KINDS]
    if unknown:
        raise RegistryError(
            f"{where}offre partielle « {unknown[0]} » inconnue ({', '.join(PARTIAL_OFFER_KINDS)})"
        )
    if offer == "partielle" and not kinds:
        raise RegistryError(f"{where}offre partielle sans nature (offre_partielle vide)")
    if offer == "complete" and kinds:
        raise RegistryError(
            f"{where}offre complète avec une offre_partielle « {row.offre_partielle} »"
        )
    if row.sert_les_communes not in _YES_NO:
        raise RegistryError(f"{where}sert_les_communes « {row.sert_les_communes} » : oui ou non")


def scope_from_departments(departments: tuple[str, ...], departements: pd.DataFrame) -> str:
    """Scope implied by a perimeter alone (``departements`` = reference table, code → region).

    ``regionale`` when several departments make up a whole region,
    ``departementale`` for one or a few departments, "" when empty. ``locale``
    and ``nationale`` need the perimeter note and are decided by hand in the
    registry (rule in ``data/opsn/README.md``).
    """
    if not departments:
        return ""
    region_of = dict(zip(departements["code"], departements["region"], strict=True))
    regions = {region_of.get(code) for code in departments}
    if len(departments) > 1 and len(regions) == 1 and None not in regions:
        (region,) = regions
        whole = {code for code, r in region_of.items() if r == region}
        if whole <= set(departments):
            return "regionale"
    return "departementale"


def perimeter_table(registry: pd.DataFrame) -> pd.DataFrame:
    """Long form of the perimeters: one row per OPSN × department (columns ``opsn, departement``).

    National OPSN and those whose territory is unknown have no row: their
    perimeter is empty, they only serve their actual members. Local ones
    (``portee == "locale"``: a syndicate of a few named towns) have none
    either: painting their whole departments as "in a perimeter" would be
    wrong, only their memberships count. Bodies that do not serve communes
    (``sert_les_communes`` false: a health GIP, a syndicate of departments)
    have none. Partial offers keep theirs: whether they count is an option
    of the coverage (:func:`uncounted_opsn`).
    """
    scopes = _column(registry, "portee", "")
    communal = _column(registry, "sert_les_communes", True)
    pairs = [
        (opsn, department)
        for opsn, departments, scope, serves in zip(
            registry["id"], registry["departements"], scopes, communal, strict=True
        )
        if scope != "locale" and _serves_communes(serves)
        for department in departments
    ]
    return pd.DataFrame(pairs, columns=["opsn", "departement"], dtype="str")


def operator_lookup(registry: pd.DataFrame) -> dict[str, str]:
    """Map every way a file may name an operator to its registry id.

    Keys: registry id, ANCT uuid, SIREN, SIRET, and the lower-cased acronym and
    name. Used by the membership import so that ``operateur_id`` of the ANCT
    files, or "SITPI" typed in a spreadsheet, land on the same id.
    """
    lookup: dict[str, str] = {}
    for row in registry.itertuples(index=False):
        for key in (row.nom, row.sigle):
            if key:
                lookup.setdefault(fold(key), row.id)
        for key in (row.siren, row.siret, row.anct_id):
            if key:
                lookup[key.lower()] = row.id
        lookup[row.id.lower()] = row.id
    return lookup


def resolve_operator(raw: object, lookup: dict[str, str]) -> str | None:
    """Registry id for an operator named in a file, or ``None`` when unknown."""
    text = str(raw).strip()
    if not text:
        return None
    return lookup.get(text.lower()) or lookup.get(fold(text))


def opsn_names(registry: pd.DataFrame) -> dict[str, str]:
    """Registry id → the name people know (acronym when there is one)."""
    sigles = registry["sigle"] if "sigle" in registry.columns else registry["nom"]
    labels = [
        s if isinstance(s, str) and s else n for s, n in zip(sigles, registry["nom"], strict=True)
    ]
    return dict(zip(registry["id"], labels, strict=True))


def _column(registry: pd.DataFrame, name: str, default) -> pd.Series:
    """A registry column, or ``default`` everywhere when the frame has none (imported operators)."""
    if name in registry.columns:
        return registry[name]
    return pd.Series([default] * len(registry), index=registry.index, dtype=object)


def _serves_communes(value) -> bool:
    """Unknown (an imported operator, a scenario's new OPSN) means it does."""
    if isinstance(value, str):
        return value != "non"
    return True if pd.isna(value) else bool(value)


def partial_offer_ids(registry: pd.DataFrame) -> frozenset[str]:
    """Ids of the bodies whose offer is partial (one service only: procurement, DPO, GIS…)."""
    offers = _column(registry, "offre", "complete")
    return frozenset(registry["id"][(offers == "partielle").to_numpy()])


def non_communal_ids(registry: pd.DataFrame) -> frozenset[str]:
    """Ids of the bodies that do not serve communes (``sert_les_communes`` false)."""
    serves = _column(registry, "sert_les_communes", True)
    return frozenset(
        opsn
        for opsn, value in zip(registry["id"], serves, strict=True)
        if not _serves_communes(value)
    )


def uncounted_opsn(
    registry: pd.DataFrame, count_partial_offers: bool = False, chosen: tuple[str, ...] = ()
) -> frozenset[str]:
    """OPSN whose perimeters and members do not make a commune covered.

    Bodies that do not serve communes never count. Partial offers count only
    when asked (``count_partial_offers``), or when the person chose them in
    the OPSN filter: asking for DataSud alone and getting 0 % would be absurd.
    """
    partial = frozenset() if count_partial_offers else partial_offer_ids(registry) - set(chosen)
    return non_communal_ids(registry) | partial


def partial_offer_label(kinds: tuple[str, ...] | str) -> str:
    """``("donnees", "sig")`` → ``plateforme de données, SIG``."""
    if isinstance(kinds, str):
        kinds = tuple(k for k in kinds.split("|") if k)
    return ", ".join(PARTIAL_OFFER_KINDS.get(k, k) for k in kinds)
