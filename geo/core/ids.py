"""Official identifiers from messy input: INSEE codes, SIREN, SIRET, departments.

Membership lists come from spreadsheets: Excel drops leading zeros (``1001`` for
``01001``), writes ``1001.0``, keeps stray spaces and lower case (`` 2a004 ``).
Every reader of such input goes through these helpers so that one rule applies
everywhere. Each ``check_*`` function returns an :class:`IdCheck` whose French
``message`` says what was corrected or why the value was rejected; the
``normalize_*`` shortcuts return only the value (or ``None``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LA_POSTE_SIREN = "356000000"

_METRO_DEPARTMENT = re.compile(r"^(0[1-9]|1[0-9]|2[AB1-9]|[3-8][0-9]|9[0-5])$")
_OVERSEAS_PREFIX = re.compile(r"^(97[1-8]|98[4-9])$")
# Overseas departments (DROM). The other overseas codes (975, 977, 978, 984…989)
# are collectivités d'outre-mer: valid in INSEE codes, but not departments.
_OVERSEAS_DEPARTMENT = re.compile(r"^97[1-46]$")
_FLOAT_LIKE = re.compile(r"^(\d+)[.,]0+$")


@dataclass(frozen=True)
class IdCheck:
    """Outcome of reading one identifier: the clean value, or why there is none."""

    value: str | None
    corrected: bool = False
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.value is not None


def _clean(raw: object) -> str:
    """Text of a cell without spaces (including non-breaking ones) nor Excel's ``.0``."""
    if raw is None:
        return ""
    if isinstance(raw, float):
        if raw != raw:  # NaN from an empty spreadsheet cell
            return ""
        if raw.is_integer():
            raw = int(raw)
    text = re.sub(r"[\s\u00a0\u202f]+", "", str(raw)).upper()
    match = _FLOAT_LIKE.match(text)
    return match.group(1) if match else text


def check_insee(raw: object) -> IdCheck:
    """Read an INSEE commune code (``01001``, ``2A004``, ``97411``).

    Restores a leading zero lost by Excel (``1001`` → ``01001``), upper-cases
    Corsica (``2a004`` → ``2A004``). Rejects codes of the wrong length, letters
    other than Corsica's, the pre-1976 Corsican ``20xxx`` and departments that do
    not exist. Whether the commune exists is the reference data's business.
    """
    text = _clean(raw)
    shown = str(raw).strip() if raw is not None else ""
    if not text:
        return IdCheck(None, message="code INSEE vide")
    corrected = text != shown
    if text.isdigit() and len(text) == 4:
        text = "0" + text
        corrected = True
    if len(text) != 5:
        return IdCheck(None, message=f"code INSEE « {shown} » invalide : il faut 5 caractères")
    if text[:2] == "20" and text.isdigit():
        return IdCheck(
            None,
            message=(
                f"code INSEE « {shown} » invalide : les communes corses s'écrivent "
                "2A… ou 2B… depuis 1976"
            ),
        )
    if not (text.isdigit() or (text[:2] in ("2A", "2B") and text[2:].isdigit())):
        return IdCheck(
            None,
            message=f"code INSEE « {shown} » invalide : chiffres attendus (2A/2B en Corse)",
        )
    if not (_METRO_DEPARTMENT.match(text[:2]) or _OVERSEAS_PREFIX.match(text[:3])):
        return IdCheck(
            None,
            message=f"code INSEE « {shown} » invalide : département « {text[:2]} » inconnu",
        )
    message = f"code INSEE « {shown} » lu comme {text}" if corrected else None
    return IdCheck(text, corrected, message)


def normalize_insee(raw: object) -> str | None:
    """The INSEE code in ``raw``, or ``None`` if it cannot be one."""
    return check_insee(raw).value


def department_of_insee(insee: str) -> str:
    """Department code of a valid INSEE code (3 characters overseas)."""
    return insee[:3] if insee.startswith("97") or insee.startswith("98") else insee[:2]


def check_department(raw: object) -> IdCheck:
    """Read a department code: ``1`` → ``01``, ``2a`` → ``2A``, ``971``.

    Only departments: metropolitan ones and the five DROM (971–974, 976).
    """
    text = _clean(raw)
    shown = str(raw).strip() if raw is not None else ""
    if not text:
        return IdCheck(None, message="code de département vide")
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    if _METRO_DEPARTMENT.match(text) or _OVERSEAS_DEPARTMENT.match(text):
        corrected = text != shown
        message = f"département « {shown} » lu comme {text}" if corrected else None
        return IdCheck(text, corrected, message)
    if _OVERSEAS_PREFIX.match(text):
        return IdCheck(
            None,
            message=(
                f"code « {shown} » : collectivité d'outre-mer, pas un département "
                "(hors des données de référence)"
            ),
        )
    return IdCheck(None, message=f"code de département « {shown} » inconnu")


def normalize_department(raw: object) -> str | None:
    """The department code in ``raw``, or ``None``."""
    return check_department(raw).value


def luhn_valid(digits: str) -> bool:
    """Luhn checksum, used by SIREN and SIRET."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _digits_check(raw: object, length: int, label: str) -> IdCheck:
    text = _clean(raw)
    shown = str(raw).strip() if raw is not None else ""
    if not text:
        return IdCheck(None, message=f"{label} vide")
    if not text.isdigit():
        return IdCheck(None, message=f"{label} « {shown} » invalide : chiffres attendus")
    corrected = text != shown
    if len(text) < length and len(text) >= length - 2:
        # Excel drops leading zeros; only restore them when the checksum agrees.
        padded = text.zfill(length)
        if luhn_valid(padded):
            text, corrected = padded, True
    if len(text) != length:
        return IdCheck(
            None,
            message=f"{label} « {shown} » invalide : {length} chiffres attendus, {len(text)} lus",
        )
    return IdCheck(text, corrected, f"{label} « {shown} » lu comme {text}" if corrected else None)


def check_siren(raw: object) -> IdCheck:
    """Read a SIREN (9 digits, Luhn checksum)."""
    result = _digits_check(raw, 9, "SIREN")
    if result.ok and not luhn_valid(result.value):
        return IdCheck(None, message=f"SIREN « {result.value} » invalide : clé de contrôle fausse")
    return result


def normalize_siren(raw: object) -> str | None:
    """The SIREN in ``raw``, or ``None``."""
    return check_siren(raw).value


def check_siret(raw: object) -> IdCheck:
    """Read a SIRET (14 digits = SIREN + establishment number).

    The Luhn checksum applies to the whole SIRET, except for La Poste's
    establishments (SIREN 356000000), whose digits must sum to a multiple of 5.
    """
    result = _digits_check(raw, 14, "SIRET")
    if not result.ok:
        return result
    value = result.value
    if value.startswith(LA_POSTE_SIREN):
        valid = value == LA_POSTE_SIREN + "00048" or sum(map(int, value)) % 5 == 0
    else:
        valid = luhn_valid(value)
    if not valid:
        return IdCheck(None, message=f"SIRET « {value} » invalide : clé de contrôle fausse")
    return result


def normalize_siret(raw: object) -> str | None:
    """The SIRET in ``raw``, or ``None``."""
    return check_siret(raw).value


def siren_from_siret(raw: object) -> str | None:
    """SIREN of a valid SIRET (its first 9 digits), or ``None``."""
    siret = normalize_siret(raw)
    return siret[:9] if siret else None
