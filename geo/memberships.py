"""Who joined which OPSN: one entry point for every membership file.

:func:`read_memberships` recognises the file (ANCT *Suite territoriale*
``operators`` CSV, ANCT ``adherents`` CSV.gz, or an OPSN's own CSV/TSV/XLSX
list), resolves every row to a current commune or an EPCI through
:class:`geo.reference.ReferenceData`, and returns what was kept together with a
:class:`ValidationReport` that names the file, the line and the value of every
correction and rejection: bad input must never crash nor silently lose data.

Counting rule (also in ``data/opsn/README.md``): every non-header line is one
of *accepted* (kept, possibly *corrected*), *rejected*, *duplicate* (kept
once, at its first line) or *blank*, so
``rows == accepted + rejected + duplicates + blank`` and
``len(memberships) == accepted``. A file that cannot be read at all raises
:class:`ImportFileError` (French message naming the file).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from geo.ids import check_department, check_siret
from geo.importers.names import Outcome, name_index, resolve_name
from geo.importers.report import ValidationReport
from geo.importers.tables import (
    ImportFileError,
    RawTable,
    fold,
    is_blank,
    read_bytes,
    read_table,
)
from geo.paths import OPSN_DIR
from geo.reference import ReferenceData, Resolution
from geo.registry import (
    REGISTRY_COLUMNS,
    load_registry,
    operator_lookup,
    parse_departments,
    resolve_operator,
    scope_from_departments,
)

__all__ = [
    "MEMBERSHIP_COLUMNS",
    "ImportFileError",
    "ImportResult",
    "ValidationReport",
    "load_bundled_memberships",
    "read_memberships",
]

BUNDLED_PATH = OPSN_DIR / "adhesions.csv"

#: Columns of every memberships DataFrame. ``insee`` is the current commune
#: ("" for an EPCI member), ``epci`` the EPCI SIREN ("" for a commune member),
#: ``source`` the file name, ``ligne`` the 1-based line in it (header = 1),
#: ``reference`` the row's own provenance (URL) when the file has a
#: ``source`` column, else "".
MEMBERSHIP_COLUMNS = ("opsn", "insee", "epci", "depuis", "jusqu_a", "source", "ligne", "reference")


ANCT_OPERATOR_HEADER = ("id", "nom", "nom avec article", "statut", "url", "siret", "services")
HEADER_SEARCH_LINES = 20


@dataclass
class ImportResult:
    """Memberships kept from a file, operators it described, and the report."""

    memberships: pd.DataFrame
    operators: pd.DataFrame | None
    report: ValidationReport


def empty_memberships() -> pd.DataFrame:
    """A memberships DataFrame with no row but the right columns and types."""
    return _memberships_frame([])


def _memberships_frame(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=list(MEMBERSHIP_COLUMNS))
    for column in ("opsn", "insee", "epci", "source", "reference"):
        frame[column] = frame[column].astype("str")
    for column in ("depuis", "jusqu_a"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["ligne"] = frame["ligne"].astype("int64")
    return frame


# --------------------------------------------------------------------------- columns


def column_role(header: object) -> str | None:
    """Meaning of a column from its header, whatever its case, accents or punctuation.

    Returns ``insee``, ``siren``, ``siret``, ``nom``, ``departement``,
    ``opsn``, ``depuis``, ``jusqu_a``, ``reference`` or ``None``.
    """
    text = fold(header)
    tokens = set(text.split())
    if not text:
        return None
    if "siret" in tokens:
        return "siret"
    if "siren" in tokens:
        return "siren"
    if "postal" in tokens or text in ("cp", "code postal"):
        return None
    if tokens & {"insee", "cog", "codgeo", "depcom"} or text in (
        "code commune",
        "code de la commune",
        "code com",
        "codecommune",
        "com",
    ):
        return "insee"
    if tokens & {"opsn", "operateur", "operateurs"} or text == "operateur id":
        return "opsn"
    if tokens & {"departement", "dep", "dept", "dpt", "departements"}:
        return "departement"
    if text.startswith("jusqu") or tokens & {"fin", "sortie", "retrait", "resiliation"}:
        return "jusqu_a"
    if (
        text.startswith("depuis")
        or tokens & {"adhesion", "debut", "entree"}
        or text in ("date", "date adhesion")
    ):
        return "depuis"
    if text in ("source", "sources", "url source", "reference"):
        return "reference"
    if tokens & {
        "nom",
        "commune",
        "collectivite",
        "libelle",
        "denomination",
        "adherent",
        "organisation",
        "ville",
        "raison",
    }:
        return "nom"
    return None


def _find_header(
    table: RawTable, report: ValidationReport
) -> tuple[int, list[object], dict[str, int]]:
    """Index of the header row in ``table.rows``, its cells, and role → column.

    The header is the first of the first non-blank lines that names an
    identifier column, so a title line above it ("Adhérents au 1er janvier")
    does no harm.
    """
    seen = 0
    for index, (line, cells) in enumerate(table.rows):
        if is_blank(cells):
            continue
        seen += 1
        if seen > HEADER_SEARCH_LINES:
            break
        roles: dict[str, int] = {}
        notes = []
        for position, cell in enumerate(cells):
            role = column_role(cell)
            if role is None:
                continue
            if role in roles:
                notes.append(
                    f"colonne « {cell} » ignorée : la colonne « {cells[roles[role]]} » "
                    "donne déjà cette information"
                )
                continue
            roles[role] = position
        if roles.keys() & {"insee", "siren", "siret", "nom"}:
            if seen > 1:
                notes.insert(0, f"en-tête trouvé ligne {line} ; lignes précédentes ignorées")
            report.notes.extend(notes)
            return index, cells, roles
    first = next((cells for _, cells in table.rows if not is_blank(cells)), [])
    shown = " | ".join(str(c) for c in first if c is not None)[:200]
    raise ImportFileError(
        f"{report.file} : format non reconnu — aucune colonne code INSEE, SIREN, SIRET ou nom "
        f"de commune dans les {HEADER_SEARCH_LINES} premières lignes (première ligne lue : "
        f"« {shown} »)."
    )


def _is_anct_operators(cells: list[object]) -> bool:
    names = {fold(c) for c in cells if c is not None}
    return set(ANCT_OPERATOR_HEADER) <= names and "departements" in names


# --------------------------------------------------------------------------- values


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]*)?$")
_SERIAL = re.compile(r"^(\d{5})(?:[.,]0+)?$")
_YEAR = re.compile(r"^(\d{4})$")
EXCEL_EPOCH = datetime(1899, 12, 30)


def _fr(day: pd.Timestamp) -> str:
    return day.strftime("%d/%m/%Y")


def parse_date(cell: object) -> tuple[pd.Timestamp | None, str | None, bool]:
    """A date cell as (timestamp, French note, corrected).

    Accepts ``JJ/MM/AAAA`` (also ``-`` or ``.``, two-digit years), ISO
    ``AAAA-MM-JJ``, Excel date cells and Excel serial numbers, a year alone
    (read as 1 January). ``(None, message, False)`` when unreadable.
    """
    if cell is None or (isinstance(cell, float) and cell != cell):
        return None, None, False
    if isinstance(cell, datetime | date):
        return pd.Timestamp(cell).normalize(), None, False
    text = _text(cell)
    if not text:
        return None, None, False
    expected = "attendu JJ/MM/AAAA ou AAAA-MM-JJ"
    try:
        if match := _DMY.match(text):
            day, month, year = (int(g) for g in match.groups())
            if year < 100:
                year += 2000 if year < 70 else 1900
            value = pd.Timestamp(year, month, day)
            note = None if len(match.group(3)) == 4 else f"date « {text} » lue comme {_fr(value)}"
        elif match := _ISO.match(text):
            value = pd.Timestamp(*(int(g) for g in match.groups()))
            note = None
        elif match := _SERIAL.match(text):
            value = pd.Timestamp(EXCEL_EPOCH + timedelta(days=int(match.group(1))))
            note = f"numéro de date Excel « {text} » lu comme {_fr(value)}"
        elif match := _YEAR.match(text):
            value = pd.Timestamp(int(text), 1, 1)
            note = f"année seule « {text} » lue comme {_fr(value)}"
        else:
            return None, f"date « {text} » illisible ({expected}) : ignorée", False
    except ValueError:
        return None, f"date « {text} » impossible ({expected}) : ignorée", False
    if not 1900 <= value.year <= 2100:
        return None, f"date « {text} » hors de la période 1900-2100 : ignorée", False
    return value, note, note is not None


# --------------------------------------------------------------------------- rows


def _resolve_siret(raw: str, reference: ReferenceData) -> Resolution:
    checked = check_siret(raw)
    if not checked.ok:
        return Resolution(None, None, checked.message)
    found = reference.resolve_siren(checked.value[:9])
    if found.kind is None:
        return Resolution(
            None, None, f"SIRET « {checked.value} » : ni une commune ni un EPCI connus"
        )
    return Resolution(found.kind, found.code, checked.message, checked.corrected)


def _resolve_member(cells: dict[str, object], reference: ReferenceData) -> Outcome:
    """Current commune or EPCI of one row: INSEE, then SIREN, then SIRET, then name."""
    failures: list[str] = []
    first_value = ""
    name = _text(cells.get("nom"))
    insee_raw = cells.get("insee")
    if _text(insee_raw) == "" and re.fullmatch(r"(\d{4,5}|2[abAB]\d{3})", name or "-"):
        insee_raw, name = name, ""  # a "commune" column holding codes
    attempts = (
        ("insee", insee_raw, reference.resolve_insee),
        ("siren", cells.get("siren"), reference.resolve_siren),
        ("siret", cells.get("siret"), lambda raw: _resolve_siret(raw, reference)),
    )
    for _, raw, resolve in attempts:
        text = _text(raw)
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
            return Outcome(found.kind, found.code, first_value, notes)
        failures.append(found.message or f"« {text} » inconnu")
    if name:
        outcome = resolve_name(name, _text(cells.get("departement")), name_index(reference))
        if outcome.kind is not None:
            outcome.notes = failures + outcome.notes
            outcome.value = first_value or outcome.value
            return outcome
        failures.append(outcome.error or "")
        first_value = first_value or outcome.value
    if not failures:
        return Outcome(value="", error="aucun identifiant (code INSEE, SIREN, SIRET ou nom)")
    return Outcome(value=first_value, error=" ; ".join(failures))


# --------------------------------------------------------------------------- entry points


def read_memberships(
    path: Path | str,
    reference: ReferenceData,
    registry: pd.DataFrame | None = None,
    content: bytes | None = None,
    opsn: str | None = None,
) -> ImportResult:
    """Read any membership file; see the module docstring for the counting rule.

    ``content`` lets the app pass an uploaded file's bytes (``path`` then only
    names it). ``opsn`` is the operator of every row when the file has no
    operator column (or leaves it empty). ``registry`` defaults to the bundled
    one; it maps ANCT uuids, SIREN, acronyms and names to registry ids.
    Raises :class:`ImportFileError` when the file cannot be read at all.
    """
    name = Path(path).name
    data = read_bytes(path, content)
    table = read_table(name, data)
    registry = load_registry() if registry is None else registry
    report = ValidationReport(file=name, read_as=table.describe())
    report.notes.extend(table.notes)
    header_index, header, roles = _find_header_or_operators(table, report)
    if roles is None:
        report.format = "anct_operateurs"
        operators = _read_operators(table, header_index, header, registry, reference, report)
        return ImportResult(empty_memberships(), operators, report)
    names = {fold(c) for c in header if c is not None and str(c).strip()}
    report.format = (
        "anct_adherents" if names == {"organisation siret", "operateur id"} else "liste_opsn"
    )
    lookup = operator_lookup(registry)
    default_opsn = None
    if opsn:
        default_opsn = resolve_operator(opsn, lookup)
        if default_opsn is None:
            default_opsn = opsn.strip()
            report.notes.append(
                f"opérateur « {opsn} » absent du registre : identifiant gardé tel quel"
            )
    elif "opsn" not in roles:
        raise ImportFileError(
            f"{name} : aucune colonne « opérateur » ou « OPSN » ; précisez l'opérateur de "
            "toutes les lignes (option --opsn dans la ligne de commande)."
        )
    memberships = _read_member_rows(
        table, header_index, roles, reference, lookup, default_opsn, report
    )
    return ImportResult(memberships, None, report)


def _find_header_or_operators(
    table: RawTable, report: ValidationReport
) -> tuple[int, list[object], dict[str, int] | None]:
    for index, (_, cells) in enumerate(table.rows[: HEADER_SEARCH_LINES * 2]):
        if not is_blank(cells):
            if _is_anct_operators(cells):
                return index, cells, None
            break
    return _find_header(table, report)


def _read_member_rows(
    table: RawTable,
    header_index: int,
    roles: dict[str, int],
    reference: ReferenceData,
    lookup: dict[str, str],
    default_opsn: str | None,
    report: ValidationReport,
) -> pd.DataFrame:
    records: list[dict] = []
    first_line: dict[tuple, int] = {}
    unknown_operators: Counter[str] = Counter()
    for line, cells in table.rows[header_index + 1 :]:
        report.rows += 1
        if is_blank(cells):
            report.blank += 1
            continue
        row = {role: (cells[pos] if pos < len(cells) else None) for role, pos in roles.items()}
        operator_raw = _text(row.get("opsn"))
        if operator_raw:
            operator = resolve_operator(operator_raw, lookup)
            if operator is None:
                operator = operator_raw
                unknown_operators[operator_raw] += 1
        else:
            operator = default_opsn
        outcome = _resolve_member(row, reference)
        if operator is None:
            report.rejected += 1
            report.add(
                line, outcome.value, "rejected", "opérateur absent (colonne vide) : ligne rejetée"
            )
            continue
        if outcome.kind is None:
            report.rejected += 1
            report.add(line, outcome.value, "rejected", f"{outcome.error} : ligne rejetée")
            continue
        notes = list(outcome.notes)
        dates = {}
        for role in ("depuis", "jusqu_a"):
            value, note, _ = parse_date(row.get(role))
            dates[role] = value
            if note:
                notes.append(note)
        if dates["depuis"] is not None and dates["jusqu_a"] is not None:
            if dates["jusqu_a"] < dates["depuis"]:
                notes.append(
                    f"date de fin {_fr(dates['jusqu_a'])} antérieure à la date d'adhésion "
                    f"{_fr(dates['depuis'])} : dates ignorées"
                )
                dates = {"depuis": None, "jusqu_a": None}
        key = (
            operator,
            outcome.code if outcome.kind == "commune" else "",
            outcome.code if outcome.kind == "epci" else "",
            dates["depuis"],
            dates["jusqu_a"],
        )
        if key in first_line:
            report.duplicates += 1
            earlier = first_line[key]
            detail = "; ".join([*notes, f"doublon de la ligne {earlier} : gardé une seule fois"])
            report.add(line, outcome.value, "duplicate", detail)
            continue
        first_line[key] = line
        report.accepted += 1
        if notes:
            report.corrected += 1
            report.add(line, outcome.value, "corrected", " ; ".join(notes))
        records.append(
            {
                "opsn": operator,
                "insee": key[1],
                "epci": key[2],
                "depuis": dates["depuis"],
                "jusqu_a": dates["jusqu_a"],
                "source": report.file,
                "ligne": line,
                "reference": _text(row.get("reference")),
            }
        )
    for operator_raw, count in unknown_operators.items():
        report.notes.append(
            f"opérateur « {operator_raw} » absent du registre ({count} ligne"
            f"{'s' if count > 1 else ''}) : identifiant gardé tel quel"
        )
    return _memberships_frame(records)


OPERATOR_EXTRA_COLUMNS = ("statut", "services", "nom_avec_article")


def _read_operators(
    table: RawTable,
    header_index: int,
    header: list[object],
    registry: pd.DataFrame,
    reference: ReferenceData,
    report: ValidationReport,
) -> pd.DataFrame:
    """ANCT ``operators`` rows as a registry-shaped DataFrame (plus statut, services).

    ``id`` is the registry id when the operator is in the registry (by ANCT
    uuid, SIRET or SIREN), else the ANCT uuid, so that adherents files and
    this table agree on operator ids.
    """
    position = {fold(c): i for i, c in enumerate(header) if c is not None}
    by_anct = dict(zip(registry["anct_id"], registry["id"], strict=True))
    by_siret = {s: i for s, i in zip(registry["siret"], registry["id"], strict=True) if s}
    by_siren = {s: i for s, i in zip(registry["siren"], registry["id"], strict=True) if s}
    seen: dict[str, int] = {}
    records = []
    for line, cells in table.rows[header_index + 1 :]:
        report.rows += 1
        if is_blank(cells):
            report.blank += 1
            continue

        def cell(column: str, cells: list[object] = cells) -> str:
            at = position.get(column)
            return _text(cells[at]) if at is not None and at < len(cells) else ""

        uuid, nom = cell("id"), cell("nom")
        if not uuid:
            report.rejected += 1
            report.add(line, nom, "rejected", "opérateur sans identifiant « id » : ligne rejetée")
            continue
        if uuid in seen:
            report.duplicates += 1
            report.add(
                line, uuid, "duplicate", f"doublon de la ligne {seen[uuid]} : gardé une seule fois"
            )
            continue
        seen[uuid] = line
        notes = []
        raw_siret = cell("siret")
        siret = siren = identifiants_note = ""
        if raw_siret:
            checked = check_siret(raw_siret)
            if checked.ok:
                siret, siren = checked.value, checked.value[:9]
            else:
                identifiants_note = f"{checked.message} : SIRET laissé vide"
                notes.append(identifiants_note)
        departments = []
        for raw in cell("departements").replace("|", ",").split(","):
            if not raw.strip():
                continue
            checked = check_department(raw)
            if checked.ok:
                departments.append(checked.value)
            else:
                notes.append(f"{checked.message} : ignoré")
        registry_id = (
            by_anct.get(uuid)
            or (siret and by_siret.get(siret))
            or (siren and by_siren.get(siren))
            or by_siren.get(re.sub(r"\D", "", raw_siret)[:9])
        )
        if not registry_id:
            report.notes.append(
                f"opérateur « {nom} » ({uuid}) absent du registre : identifiant ANCT gardé"
            )
        report.accepted += 1
        if notes:
            report.corrected += 1
            report.add(
                line, raw_siret or uuid, "corrected", f"opérateur « {nom} » : " + " ; ".join(notes)
            )
        departments_tuple = parse_departments("|".join(departments))
        records.append(
            {
                "id": registry_id or uuid,
                "nom": nom,
                "sigle": "",
                "forme_juridique": "",
                "siren": siren,
                "siret": siret,
                "identifiants_note": identifiants_note,
                "site_web": cell("url"),
                "portee": scope_from_departments(departments_tuple, reference.departements),
                "departements": departments_tuple,
                "perimetre_note": "",
                "siege_commune": "",
                "siege_insee": "",
                "nb_adherents": pd.NA,
                "annee_nb_adherents": pd.NA,
                "membre_declic_2020": pd.NA,
                "membre_declic_recent": pd.NA,
                "anct_id": uuid,
                "sources": (report.file,),
                "confiance": "",
                "statut": cell("statut"),
                "services": tuple(s.strip() for s in cell("services").split(",") if s.strip()),
                "nom_avec_article": cell("nom avec article"),
            }
        )
    frame = pd.DataFrame.from_records(records, columns=[*REGISTRY_COLUMNS, *OPERATOR_EXTRA_COLUMNS])
    for column in ("membre_declic_2020", "membre_declic_recent"):
        frame[column] = frame[column].astype("boolean")
    for column in ("nb_adherents", "annee_nb_adherents"):
        frame[column] = frame[column].astype("Int64")
    return frame


def load_bundled_memberships(path: Path | str | None = None) -> pd.DataFrame:
    """The sourced memberships shipped in ``data/opsn/adhesions.csv``.

    Read directly (no reference data needed): in that file ``insee`` is the
    current commune for a commune member and empty for an EPCI member, whose
    SIREN is then in ``siren``. The tests check that :func:`read_memberships`
    reads the same file to the same rows with nothing rejected.
    """
    path = Path(path) if path is not None else BUNDLED_PATH
    raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    records = []
    for line, row in enumerate(raw.itertuples(index=False), start=2):
        records.append(
            {
                "opsn": row.opsn,
                "insee": row.insee,
                "epci": "" if row.insee else row.siren,
                "depuis": parse_date(row.depuis)[0],
                "jusqu_a": parse_date(row.jusqu_a)[0],
                "source": path.name,
                "ligne": line,
                "reference": row.source,
            }
        )
    return _memberships_frame(records)
