"""The OPSN registry: one row per operator, with its perimeter and provenance.

The registry is a hand-maintained CSV (``data/opsn/registre_opsn.csv``, see
``data/opsn/README.md``); every fact keeps its sources and a confidence level
because most of them are inferred from public documents, not official lists.
The loader normalises department codes with :func:`geo.ids.check_department`
so that the coverage engine can join perimeters to communes without guessing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.ids import check_department
from geo.importers.bounded import LIMITS
from geo.importers.tables import read_text_frame
from geo.paths import OPSN_DIR
from geo.text import fold

REGISTRY_PATH = OPSN_DIR / "registre_opsn.csv"

SCOPES = ("locale", "departementale", "regionale", "nationale")
CONFIDENCE_LEVELS = ("haute", "moyenne", "basse")

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
    "siege_commune",
    "siege_insee",
    "nb_adherents",
    "annee_nb_adherents",
    "membre_declic_2020",
    "membre_declic_recent",
    "anct_id",
    "sources",
    "confiance",
)

_MEMBERSHIP = {"oui": True, "non": False, "inconnu": pd.NA, "": pd.NA}


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


def load_registry(path: Path | str | None = None, content: bytes | None = None) -> pd.DataFrame:
    """The OPSN registry as a DataFrame (columns :data:`REGISTRY_COLUMNS`).

    Read through the bounded reader (``content``: the bytes of an uploaded
    file that ``path`` only names).

    Raises :class:`RegistryError` with a French message when an identifier,
    a scope or a department code in the file is invalid, because a silently
    wrong perimeter would paint the wrong map.
    """
    path = Path(path) if path is not None else REGISTRY_PATH
    frame = read_text_frame(path, content, max_rows=LIMITS.operators)
    missing = [c for c in REGISTRY_COLUMNS if c not in frame.columns]
    if missing:
        raise RegistryError(f"{path.name} : colonnes manquantes : {', '.join(missing)}")
    frame = frame[list(REGISTRY_COLUMNS)].copy()
    for number, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{path.name}, ligne {number} ({row.id}) : "
        if row.portee not in (*SCOPES, ""):
            raise RegistryError(f"{where}portée « {row.portee} » inconnue")
        if row.confiance not in CONFIDENCE_LEVELS:
            raise RegistryError(f"{where}confiance « {row.confiance} » inconnue")
        if row.siret and not row.siret.startswith(row.siren):
            raise RegistryError(f"{where}SIRET « {row.siret} » ≠ SIREN « {row.siren} »")
    duplicated = frame["id"][frame["id"].duplicated()]
    if len(duplicated):
        raise RegistryError(f"{path.name} : identifiant en double « {duplicated.iloc[0]} »")
    frame["departements"] = [
        parse_departments(text, f"{path.name}, ligne {number} : ")
        for number, text in enumerate(frame["departements"], start=2)
    ]
    frame["sources"] = [tuple(s for s in text.split("|") if s) for text in frame["sources"]]
    for column in ("membre_declic_2020", "membre_declic_recent"):
        frame[column] = frame[column].map(_MEMBERSHIP).astype("boolean")
    for column in ("nb_adherents", "annee_nb_adherents"):
        frame[column] = pd.to_numeric(frame[column].replace("", None)).astype("Int64")
    return frame.reset_index(drop=True)


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
    wrong, only their memberships count.
    """
    scopes = (
        registry["portee"] if "portee" in registry.columns else pd.Series("", index=registry.index)
    )
    pairs = [
        (opsn, department)
        for opsn, departments, scope in zip(
            registry["id"], registry["departements"], scopes, strict=True
        )
        if scope != "locale"
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
