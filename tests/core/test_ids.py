"""Identifiers from messy spreadsheets: INSEE codes, SIREN, SIRET, departments.

The helpers of :mod:`geo.core.ids` are checked on the values that membership lists
really contain (Excel's lost zeros and ``.0``, lower-case Corsica, stray
spaces), and :class:`geo.core.reference.ReferenceData` look-ups on the bundled data.
"""

from __future__ import annotations

import pytest

from geo.core.ids import (
    LA_POSTE_SIREN,
    check_department,
    check_insee,
    check_siren,
    check_siret,
    luhn_valid,
    normalize_department,
    normalize_insee,
    normalize_siren,
    normalize_siret,
    siren_from_siret,
)

# Paris: SIREN of the commune, SIRET of its town hall (both published by INSEE).
PARIS_SIREN = "217500016"
PARIS_SIRET = "21750001600019"
# The example SIREN of the French Wikipedia article on the Luhn key.
WIKIPEDIA_SIREN = "732829320"
# La Poste's head office: its SIRET happens to satisfy Luhn too.
LA_POSTE_HEAD_OFFICE = "35600000000048"


def luhn_reference(digits: str) -> bool:
    """Luhn written independently of geo.core.ids (doubling table), to build examples."""
    doubled = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9]
    total = sum(doubled[int(d)] if i % 2 else int(d) for i, d in enumerate(reversed(digits)))
    return total % 10 == 0


def with_luhn_key(prefix: str) -> str:
    """``prefix`` followed by the one digit that makes it Luhn-valid."""
    return next(prefix + d for d in "0123456789" if luhn_reference(prefix + d))


def change_one_digit(digits: str, position: int) -> str:
    changed = str((int(digits[position]) + 1) % 10)
    return digits[:position] + changed + digits[position + 1 :]


# --- INSEE commune codes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1001", "01001"),  # Excel dropped the leading zero
        (" 2a004 ", "2A004"),  # Corsica in lower case, stray spaces
        ("97411", "97411"),  # Saint-Denis (La Réunion)
        ("1001.0", "01001"),  # Excel's float as text
        (1001.0, "01001"),  # Excel's float as a number
        (1001, "01001"),
        ("2B033", "2B033"),
        ("\u00a001001\u202f", "01001"),  # non-breaking spaces from a copy-paste
    ],
)
def test_insee_codes_are_normalised(raw, expected):
    assert normalize_insee(raw) == expected
    assert check_insee(raw).ok


def test_insee_correction_is_reported_in_french():
    fixed = check_insee("1001")
    assert fixed.corrected
    assert fixed.message == "code INSEE « 1001 » lu comme 01001"
    clean = check_insee("01001")
    assert not clean.corrected
    assert clean.message is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("20001", "2A… ou 2B…"),  # pre-1976 Corsican code
        ("1234567", "5 caractères"),
        ("ABCDE", "chiffres attendus"),
        ("96001", "département « 96 » inconnu"),
        ("", "vide"),
        ("   ", "vide"),
        (None, "vide"),
        (float("nan"), "vide"),  # empty spreadsheet cell read by pandas
    ],
)
def test_invalid_insee_codes_are_rejected_with_a_french_message(raw, reason):
    checked = check_insee(raw)
    assert checked.value is None
    assert not checked.ok
    assert reason in checked.message
    assert normalize_insee(raw) is None


def test_rejection_message_names_the_value_as_typed():
    assert "« 20001 »" in check_insee(" 20001 ").message


# --- SIREN ---------------------------------------------------------------------------


def test_real_sirens_pass_luhn():
    for siren in (PARIS_SIREN, WIKIPEDIA_SIREN, LA_POSTE_SIREN):
        assert luhn_reference(siren)  # the examples themselves are right
        assert luhn_valid(siren)
        assert normalize_siren(siren) == siren


@pytest.mark.parametrize("position", range(9))
def test_siren_with_one_digit_changed_is_rejected(position):
    wrong = change_one_digit(PARIS_SIREN, position)
    checked = check_siren(wrong)
    assert checked.value is None
    assert "clé de contrôle" in checked.message


def test_siren_read_from_a_number_with_spaces():
    assert normalize_siren("217 500 016") == PARIS_SIREN
    assert normalize_siren(217500016) == PARIS_SIREN
    assert normalize_siren(217500016.0) == PARIS_SIREN


def test_siren_leading_zero_is_restored_only_when_the_checksum_agrees():
    siren = with_luhn_key("05520135")  # a SIREN starting with 0
    assert siren.startswith("0") and len(siren) == 9
    excel = siren[1:]  # what Excel keeps of it
    restored = check_siren(excel)
    assert restored.value == siren
    assert restored.corrected
    assert f"lu comme {siren}" in restored.message
    # Same eight digits with one changed: padding would not give a valid SIREN.
    wrong = change_one_digit(excel, 3)
    assert not luhn_reference("0" + wrong)
    rejected = check_siren(wrong)
    assert rejected.value is None
    assert "9 chiffres attendus, 8 lus" in rejected.message


@pytest.mark.parametrize("raw", ["", "21750001", "2175000160", "21750001A", "ABCDEFGHI"])
def test_malformed_sirens_are_rejected(raw):
    checked = check_siren(raw)
    assert checked.value is None
    assert checked.message.startswith("SIREN")


# --- SIRET ---------------------------------------------------------------------------


def test_siret_gives_its_siren():
    assert luhn_reference(PARIS_SIRET)
    assert normalize_siret(PARIS_SIRET) == PARIS_SIRET
    assert normalize_siret("217 500 016 00019") == PARIS_SIRET
    assert siren_from_siret(PARIS_SIRET) == PARIS_SIREN
    assert siren_from_siret(int(PARIS_SIRET)) == PARIS_SIREN


@pytest.mark.parametrize("position", [0, 5, 9, 13])
def test_siret_failing_luhn_is_rejected(position):
    wrong = change_one_digit(PARIS_SIRET, position)
    checked = check_siret(wrong)
    assert checked.value is None
    assert "clé de contrôle" in checked.message
    assert siren_from_siret(wrong) is None


@pytest.mark.parametrize("raw", ["2175000160001", "217500016000190", "", "2175000160001X"])
def test_malformed_sirets_are_rejected(raw):
    assert check_siret(raw).value is None
    assert check_siret(raw).message.startswith("SIRET")


def test_la_poste_head_office_siret_is_valid():
    assert sum(map(int, LA_POSTE_HEAD_OFFICE)) % 5 != 0  # valid by Luhn, not by the sum
    assert normalize_siret(LA_POSTE_HEAD_OFFICE) == LA_POSTE_HEAD_OFFICE
    assert siren_from_siret(LA_POSTE_HEAD_OFFICE) == LA_POSTE_SIREN


def test_la_poste_establishments_follow_the_sum_of_digits_rule():
    # La Poste's establishments: digits summing to a multiple of 5, Luhn or not.
    candidates = [LA_POSTE_SIREN + f"{n:05d}" for n in range(1, 200)]
    accepted_by_sum = [s for s in candidates if sum(map(int, s)) % 5 == 0]
    not_luhn = [s for s in accepted_by_sum if not luhn_reference(s)]
    assert not_luhn, "no example La Poste SIRET failing Luhn found"
    for siret in not_luhn[:5]:
        assert normalize_siret(siret) == siret, siret
        assert siren_from_siret(siret) == LA_POSTE_SIREN
    # Luhn alone does not make a La Poste SIRET valid: the sum rule applies.
    luhn_only = next(s for s in candidates if luhn_reference(s) and sum(map(int, s)) % 5)
    assert luhn_only != LA_POSTE_HEAD_OFFICE
    assert normalize_siret(luhn_only) is None
    assert "clé de contrôle" in check_siret(luhn_only).message


def test_other_companies_do_not_get_la_poste_exception():
    # Digits summing to a multiple of 5 but failing Luhn, with an ordinary SIREN.
    siret = next(
        PARIS_SIREN + f"{n:05d}"
        for n in range(100)
        if sum(map(int, PARIS_SIREN + f"{n:05d}")) % 5 == 0
        and not luhn_reference(PARIS_SIREN + f"{n:05d}")
    )
    assert normalize_siret(siret) is None


# --- Departments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", "01"),
        (1, "01"),
        (1.0, "01"),
        ("01", "01"),
        ("2a", "2A"),
        (" 2B ", "2B"),
        ("971", "971"),
        ("976", "976"),
        ("95", "95"),
    ],
)
def test_departments_are_normalised(raw, expected):
    assert normalize_department(raw) == expected


def test_department_correction_is_reported():
    checked = check_department("2a")
    assert checked.corrected
    assert checked.message == "département « 2a » lu comme 2A"


@pytest.mark.parametrize("raw", ["20", "96", "00", "2C", "970", "100", "", "ABC"])
def test_unknown_departments_are_rejected(raw):
    checked = check_department(raw)
    assert checked.value is None
    assert "département" in checked.message


@pytest.mark.parametrize("raw", ["975", "977", "978", "987", "988"])
def test_overseas_collectivities_are_not_departments(raw):
    checked = check_department(raw)
    assert checked.value is None
    assert "collectivité d'outre-mer" in checked.message


def test_every_bundled_department_code_is_accepted(reference):
    codes = reference.departements["code"].tolist()
    assert [normalize_department(c) for c in codes] == codes


# --- Resolution against the bundled reference data ----------------------------------


def test_current_commune_resolves_to_itself(reference):
    resolved = reference.resolve_insee("1001")
    assert (resolved.kind, resolved.code) == ("commune", "01001")
    assert resolved.corrected
    assert reference.resolve_insee("01001").message is None


def test_former_commune_deleguee_lands_on_its_current_commune(reference):
    former = reference.former_codes
    row = former[former["type"] == "commune-deleguee"].iloc[0]
    assert row["ancien_code"] not in set(reference.communes["insee"])
    resolved = reference.resolve_insee(row["ancien_code"])
    assert resolved.kind == "commune"
    assert resolved.code == row["insee"]
    assert resolved.corrected
    assert "commune déléguée" in resolved.message
    assert row["insee"] in resolved.message
    assert reference.commune_name(row["insee"]) in resolved.message
    assert reference.current_commune(row["ancien_code"]) == row["insee"]


@pytest.mark.parametrize(
    ("arrondissement", "commune"),
    [("75101", "75056"), ("75120", "75056"), ("13201", "13055"), ("69381", "69123")],
)
def test_municipal_arrondissements_land_on_their_commune(reference, arrondissement, commune):
    resolved = reference.resolve_insee(arrondissement)
    assert (resolved.kind, resolved.code) == ("commune", commune)
    assert resolved.corrected
    assert "arrondissement municipal" in resolved.message


def test_unknown_insee_code_is_reported_in_french(reference):
    known = set(reference.communes["insee"]) | set(reference.former_codes["ancien_code"])
    unknown = next(f"01{n:03d}" for n in range(999, 0, -1) if f"01{n:03d}" not in known)
    resolved = reference.resolve_insee(unknown)
    assert resolved.kind is None
    assert resolved.code is None
    assert "inconnu" in resolved.message
    assert unknown in resolved.message
    assert reference.current_commune(unknown) is None


def test_malformed_insee_code_is_not_resolved(reference):
    resolved = reference.resolve_insee("96001")
    assert resolved.kind is None
    assert "département « 96 » inconnu" in resolved.message


def test_pre_1976_corsican_code_lands_on_the_current_commune(reference):
    # 20004 is rejected as an INSEE code today, but the former codes know it.
    resolved = reference.resolve_insee(20004)
    assert (resolved.kind, resolved.code) == ("commune", "2A004")
    assert resolved.corrected
    assert "Ajaccio" in resolved.message
    unknown = next(
        f"20{n:03d}"
        for n in range(999, 0, -1)
        if f"20{n:03d}" not in set(reference.former_codes["ancien_code"])
    )
    rejected = reference.resolve_insee(unknown)
    assert rejected.kind is None
    assert "2A… ou 2B…" in rejected.message


def test_siren_of_a_commune_resolves_to_the_commune(reference):
    resolved = reference.resolve_siren(PARIS_SIREN)
    assert (resolved.kind, resolved.code) == ("commune", "75056")
    lyon = reference.communes.set_index("insee").at["69123", "siren"]
    assert reference.resolve_siren(lyon).code == "69123"


def test_siren_of_an_epci_resolves_to_the_epci(reference):
    siren = reference.epci["siren"].iloc[0]
    resolved = reference.resolve_siren(siren)
    assert (resolved.kind, resolved.code) == ("epci", siren)
    # Same, as Excel would have written it.
    assert reference.resolve_siren(float(siren)).code == siren


def test_unknown_siren_is_not_resolved(reference):
    known = set(reference.communes["siren"]) | set(reference.epci["siren"])
    assert LA_POSTE_SIREN not in known
    resolved = reference.resolve_siren(LA_POSTE_SIREN)
    assert resolved.kind is None and resolved.code is None
    assert "ni une commune ni un EPCI" in resolved.message
    invalid = reference.resolve_siren(change_one_digit(PARIS_SIREN, 4))
    assert invalid.kind is None
    assert "clé de contrôle" in invalid.message
