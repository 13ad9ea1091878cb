"""Membership import: every French spreadsheet habit, every kind of bad input.

Expected answers were worked out by hand from the reference data (COG 2026):
01001 L'Abergement-Clémenciat (SIREN 210100012, CC de la Dombes 200069193),
01039 Béon → 01138 Culoz-Béon, 38169 Fontaine, 38151 Échirolles,
38317 Le Pont-de-Claix, and in the Côte-d'Or two communes start with
"Fontaine-": 21277 Fontaine-Française and 21278 Fontaine-lès-Dijon.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from geo.cli import main
from geo.core import memberships as memberships_module
from geo.core.memberships import MEMBERSHIP_COLUMNS
from geo.core.paths import OPSN_DIR, ROOT
from geo.core.reference import load_reference
from geo.importers.bounded import Limits
from geo.importers.memberships import (
    ImportFileError,
    load_bundled_memberships,
    read_memberships,
)
from geo.importers.registry_file import load_registry

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"
# The ANCT sample lives beside the repository (not in it): ../shared from the
# main checkout, ../../shared from a worktree. Absent from a fresh clone, where
# the committed conversion is all there is.
SHARED_OPERATORS_JSON = next(
    (
        base / "shared" / "data" / "anct" / "operators_sample.json"
        for base in (ROOT.parent, ROOT.parent.parent)
        if (base / "shared" / "data" / "anct" / "operators_sample.json").is_file()
    ),
    None,
)
ANCT_COLUMNS = [
    "id",
    "nom",
    "nom_avec_article",
    "statut",
    "url",
    "siret",
    "services",
    "departements",
]
MEGALIS_UUID = "7e7ff701-de04-476e-bfca-3db263c7dc33"


@pytest.fixture(scope="module")
def reference():
    return load_reference()


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def read(tmp_path, reference, registry, name, data: bytes, **kwargs):
    path = tmp_path / name
    path.write_bytes(data)
    return read_memberships(path, reference, registry, **kwargs)


def assert_consistent(result):
    report = result.report
    assert report.rows == report.accepted + report.rejected + report.duplicates + report.blank
    kept = result.operators if result.operators is not None else result.memberships
    assert len(kept) == report.accepted
    assert report.corrected == sum(i["status"] == "corrected" for i in report.issues)
    assert report.rejected == sum(i["status"] == "rejected" for i in report.issues)
    assert report.duplicates == sum(i["status"] == "duplicate" for i in report.issues)
    for issue in report.issues:
        assert issue["message"].startswith(f"{report.file}, ligne {issue['line']}")
        assert issue["value"] in issue["message"]


def issue_at(result, line):
    found = [i for i in result.report.issues if i["line"] == line]
    assert len(found) == 1, result.report.issues
    return found[0]


# ------------------------------------------------------------------ separators, encodings

LIST_ROWS = [("01001", "sitpi"), ("38169", "sitpi"), ("2A004", "sitiv")]


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_separators_give_the_same_memberships(tmp_path, reference, registry, separator):
    lines = [separator.join(["Code INSEE", "Nom", "OPSN"])]
    lines += [separator.join([code, "x", opsn]) for code, opsn in LIST_ROWS]
    result = read(tmp_path, reference, registry, "liste.csv", "\n".join(lines).encode())
    assert list(result.memberships["insee"]) == ["01001", "38169", "2A004"]
    assert list(result.memberships["opsn"]) == ["sitpi", "sitpi", "sitiv"]
    assert list(result.memberships["ligne"]) == [2, 3, 4]
    assert result.report.rejected == 0
    assert_consistent(result)


def test_commas_inside_a_semicolon_file_do_not_fool_the_sniffer(tmp_path, reference, registry):
    data = b"insee;opsn;population\n01001;sitpi;1,5\n38169;sitpi;23,0\n"
    result = read(tmp_path, reference, registry, "virgules.csv", data)
    assert list(result.memberships["insee"]) == ["01001", "38169"]


@pytest.mark.parametrize(
    ("encoding", "prefix", "label"),
    [
        ("utf-8", b"\xef\xbb\xbf", "UTF-8 avec BOM"),
        ("utf-8", b"", "UTF-8"),
        ("cp1252", b"", "Windows-1252"),
    ],
)
def test_accented_headers_in_every_encoding(tmp_path, reference, registry, encoding, prefix, label):
    text = (
        "Code Commune INSEE;Opérateur;Date d'adhésion;Date de fin\n"
        "38151;SITPI;15/03/2019;\n"
        "38169;Syndicat intercommunal pour les télécommunications et les prestations "
        "informatiques;2019-03-16;31/12/2024\n"
    )
    result = read(tmp_path, reference, registry, "accents.csv", prefix + text.encode(encoding))
    frame = result.memberships
    assert list(frame["insee"]) == ["38151", "38169"]
    assert list(frame["opsn"]) == ["sitpi", "sitpi"]  # acronym and full name → registry id
    assert list(frame["depuis"]) == [pd.Timestamp("2019-03-15"), pd.Timestamp("2019-03-16")]
    assert pd.isna(frame["jusqu_a"].iloc[0])
    assert frame["jusqu_a"].iloc[1] == pd.Timestamp("2024-12-31")
    assert label in result.report.read_as
    assert result.report.issues == []


def test_excel_unicode_text_utf16_tab(tmp_path, reference, registry):
    text = "INSEE\tOPSN\r\n1001\tsitpi\r\n"
    result = read(tmp_path, reference, registry, "unicode.txt", text.encode("utf-16"))
    assert list(result.memberships["insee"]) == ["01001"]


# ------------------------------------------------------------------ identifiers


def test_excel_stripped_zeros_and_float_codes_are_restored(tmp_path, reference, registry):
    data = b"insee;opsn\n1001;siea\n1138.0;siea\n01004;siea\n"
    result = read(tmp_path, reference, registry, "zeros.csv", data)
    assert list(result.memberships["insee"]) == ["01001", "01138", "01004"]
    assert result.report.corrected == 2
    assert issue_at(result, 2)["status"] == "corrected"
    assert "01001" in issue_at(result, 2)["message"]
    assert issue_at(result, 2)["value"] == "1001"
    assert issue_at(result, 3)["value"] == "1138.0"
    assert_consistent(result)


def test_corsica(tmp_path, reference, registry):
    data = b"insee;opsn\n2a004;agedi\n2B033;agedi\n20041;agedi\n2A999;agedi\n20999;agedi\n"
    result = read(tmp_path, reference, registry, "corse.csv", data)
    assert list(result.memberships["insee"]) == ["2A004", "2B033", "2A041"]
    assert issue_at(result, 2)["status"] == "corrected"  # lower case
    assert issue_at(result, 4)["status"] == "corrected"  # pre-1976 code of Bonifacio
    assert "2A041" in issue_at(result, 4)["message"]
    assert issue_at(result, 5)["status"] == "rejected"
    rejected = issue_at(result, 6)
    assert rejected["status"] == "rejected"
    assert "2A" in rejected["message"] and "20999" in rejected["message"]
    assert_consistent(result)


def test_former_code_lands_on_the_current_commune(tmp_path, reference, registry):
    result = read(tmp_path, reference, registry, "anciens.csv", b"insee;opsn\n01039;siea\n")
    assert list(result.memberships["insee"]) == ["01138"]
    issue = issue_at(result, 2)
    assert issue["status"] == "corrected"
    assert "01138" in issue["message"] and "Culoz-Béon" in issue["message"]


def test_siren_of_commune_and_of_epci(tmp_path, reference, registry):
    data = b"SIREN;opsn\n210100012;sitpi\n200069193;sitpi\n123456789;sitpi\n"
    result = read(tmp_path, reference, registry, "siren.csv", data)
    frame = result.memberships
    assert list(frame["insee"]) == ["01001", ""]
    assert list(frame["epci"]) == ["", "200069193"]
    assert issue_at(result, 4)["status"] == "rejected"  # bad checksum
    assert result.report.accepted == 2 and result.report.rejected == 1
    assert_consistent(result)


def test_siret_of_commune_epci_and_other_bodies(tmp_path, reference, registry):
    data = (
        b"siret;opsn\n"
        b"21010001200017;sitpi\n"  # mairie of 01001
        b"20006919300015;sitpi\n"  # CC de la Dombes
        b"13002603200016;sitpi\n"  # ANCT: neither commune nor EPCI
        b"21010001200018;sitpi\n"  # wrong checksum
    )
    result = read(tmp_path, reference, registry, "siret.csv", data)
    assert list(result.memberships["insee"]) == ["01001", ""]
    assert list(result.memberships["epci"]) == ["", "200069193"]
    assert "ni une commune ni un EPCI" in issue_at(result, 4)["message"]
    assert "clé de contrôle" in issue_at(result, 5)["message"]
    assert result.report.rejected == 2


def test_unknown_codes_are_rejected_and_named(tmp_path, reference, registry):
    data = b"insee;opsn\n01999;sitpi\n99001;sitpi\nabc;sitpi\n38169;sitpi\n"
    result = read(tmp_path, reference, registry, "inconnus.csv", data)
    assert list(result.memberships["insee"]) == ["38169"]
    assert result.report.rejected == 3
    assert "01999" in issue_at(result, 2)["message"]
    assert issue_at(result, 2)["message"].startswith("inconnus.csv, ligne 2")
    assert "99" in issue_at(result, 3)["message"]
    assert_consistent(result)


def test_failed_code_falls_back_to_the_name(tmp_path, reference, registry):
    data = "insee;nom;département;opsn\n99999;Fontaine;38;sitpi\n".encode()
    result = read(tmp_path, reference, registry, "repli.csv", data)
    assert list(result.memberships["insee"]) == ["38169"]
    assert issue_at(result, 2)["status"] == "corrected"


# ------------------------------------------------------------------ duplicates, blanks, dates


def test_duplicates_are_kept_once_and_blank_lines_counted(tmp_path, reference, registry):
    data = b"insee;opsn\n01001;sitpi\n\n1001;sitpi\n;\n38169;sitpi\n01001;sitiv\n"
    result = read(tmp_path, reference, registry, "doublons.csv", data)
    report = result.report
    assert list(result.memberships["insee"]) == ["01001", "38169", "01001"]
    assert list(result.memberships["ligne"]) == [2, 6, 7]
    assert (report.rows, report.accepted, report.duplicates, report.blank) == (6, 3, 1, 2)
    duplicate = issue_at(result, 4)
    assert duplicate["status"] == "duplicate" and "ligne 2" in duplicate["message"]
    assert_consistent(result)


def test_dates_french_iso_excel_and_bad_ones(tmp_path, reference, registry):
    data = (
        "insee;opsn;depuis;jusqu_a\n"
        "01001;sitpi;01/02/2018;\n"
        "01004;sitpi;2018-02-01;\n"
        "01005;sitpi;43831;\n"
        "01006;sitpi;31/02/2020;\n"
        "01007;sitpi;bientôt;\n"
        "01008;sitpi;01/01/2020;01/01/2010\n"
    ).encode()
    result = read(tmp_path, reference, registry, "dates.csv", data)
    frame = result.memberships.set_index("insee")
    assert frame.at["01001", "depuis"] == pd.Timestamp("2018-02-01")
    assert frame.at["01004", "depuis"] == pd.Timestamp("2018-02-01")
    assert frame.at["01005", "depuis"] == pd.Timestamp("2020-01-01")
    assert pd.isna(frame.at["01006", "depuis"]) and pd.isna(frame.at["01007", "depuis"])
    assert "31/02/2020" in issue_at(result, 5)["message"]
    assert "bientôt" in issue_at(result, 6)["message"]
    assert "antérieure" in issue_at(result, 7)["message"]
    assert len(frame) == 6  # a bad date never loses the membership
    assert str(result.memberships["depuis"].dtype).startswith("datetime64")
    assert_consistent(result)


# ------------------------------------------------------------------ name + department


def test_name_and_department_as_last_resort(tmp_path, reference, registry):
    data = (
        "Commune;Département;OPSN\n"
        "Fontaine;38;sitpi\n"
        "ECHIROLLES;Isère;sitpi\n"
        "Pont-de-Claix (Le);38;sitpi\n"
        "Fontaine;21;sitpi\n"
        "Fontaine;;sitpi\n"
        "Atlantis;38;sitpi\n"
        "Béon;1;sitpi\n"
    ).encode()
    result = read(tmp_path, reference, registry, "noms.csv", data)
    assert list(result.memberships["insee"]) == ["38169", "38151", "38317", "01138"]
    ambiguous = issue_at(result, 5)
    assert ambiguous["status"] == "rejected"
    assert "Fontaine-Française (21277)" in ambiguous["message"]
    assert "Fontaine-lès-Dijon (21278)" in ambiguous["message"]
    assert issue_at(result, 6)["status"] == "rejected"  # no department
    assert "Atlantis" in issue_at(result, 7)["message"]
    assert issue_at(result, 2)["status"] == "corrected"  # matched by name: flagged
    assert_consistent(result)


# ------------------------------------------------------------------ operator column / parameter


def test_opsn_parameter_when_the_file_has_no_operator_column(tmp_path, reference, registry):
    data = b"code insee\n38169\n38151\n"
    with pytest.raises(ImportFileError, match="opérateur"):
        read(tmp_path, reference, registry, "sans_operateur.csv", data)
    result = read(tmp_path, reference, registry, "sans_operateur.csv", data, opsn="SITPI")
    assert list(result.memberships["opsn"]) == ["sitpi", "sitpi"]


def test_title_line_above_the_header(tmp_path, reference, registry):
    data = "Liste des adhérents au 1er janvier 2025\n\nINSEE;OPSN\n38169;sitpi\n".encode()
    result = read(tmp_path, reference, registry, "titre.csv", data)
    assert list(result.memberships["ligne"]) == [4]
    assert any("ligne 3" in note for note in result.report.notes)


# ------------------------------------------------------------------ XLSX, gzip adherents


def test_xlsx_made_with_openpyxl(tmp_path, reference, registry):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Adhérents SITPI"])
    sheet.append(["N° INSEE", "Nom de la commune", "Date d’adhésion"])
    sheet.append([1001, "L'Abergement", datetime(2019, 3, 15)])
    sheet.append([38169.0, "Fontaine", "15/03/2019"])
    sheet.append([None, None, None])
    sheet.append(["2B033", "Bastia", None])
    buffer = io.BytesIO()
    book.save(buffer)
    result = read(tmp_path, reference, registry, "liste.xlsx", buffer.getvalue(), opsn="sitpi")
    frame = result.memberships
    assert list(frame["insee"]) == ["01001", "38169", "2B033"]
    assert list(frame["ligne"]) == [3, 4, 6]  # Excel row numbers
    assert frame["depuis"].iloc[0] == pd.Timestamp("2019-03-15")
    assert frame["depuis"].iloc[1] == pd.Timestamp("2019-03-15")
    assert result.report.blank == 1
    assert "XLSX" in result.report.read_as
    assert_consistent(result)


def test_anct_adherents_gzip(tmp_path, reference, registry):
    text = (
        "organisation_siret;operateur_id\n"
        f"21010001200017;{MEGALIS_UUID}\n"
        f"20006919300015;{MEGALIS_UUID}\n"
        "21380169900017;00000000-0000-0000-0000-000000000000\n"
        f"13002603200016;{MEGALIS_UUID}\n"
    )
    result = read(tmp_path, reference, registry, "adherents.csv.gz", gzip.compress(text.encode()))
    frame = result.memberships
    assert result.report.format == "anct_adherents"
    assert list(frame["opsn"]) == ["megalis", "megalis", "00000000-0000-0000-0000-000000000000"]
    assert list(frame["insee"]) == ["01001", "", "38169"]
    assert list(frame["epci"]) == ["", "200069193", ""]
    assert any("00000000-0000" in note for note in result.report.notes)
    assert result.report.rejected == 1
    assert "gzip" in result.report.read_as
    assert_consistent(result)


# ------------------------------------------------------------------ unreadable files


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "vide"),
        (b"  \n\n ", "vide"),
        (bytes(range(256)) * 8, "binaire"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08" * 100, "illisible"),
        (b"PK\x03\x04 pas un vrai zip", "xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"\x1f\x8b\x08\x00 tronque", "gzip"),
        (b"a;b;c\n1;2;3\n", "format non reconnu"),
    ],
)
def test_unreadable_files_raise_a_french_error_naming_the_file(
    tmp_path, reference, registry, data, expected
):
    with pytest.raises(ImportFileError) as error:
        read(tmp_path, reference, registry, "mauvais.csv", data)
    assert "mauvais.csv" in str(error.value)
    assert expected in str(error.value)


def test_missing_file_or_directory(reference, registry, tmp_path):
    with pytest.raises(ImportFileError, match=r"absent\.csv : fichier introuvable"):
        read_memberships(tmp_path / "absent.csv", reference, registry)
    (tmp_path / "dossier.csv").mkdir()
    with pytest.raises(ImportFileError, match=r"dossier\.csv : c'est un dossier"):
        read_memberships(tmp_path / "dossier.csv", reference, registry)


def test_html_error_page_is_not_a_list(tmp_path, reference, registry):
    page = b"<!DOCTYPE html>\n<html><body><h1>404 Not Found</h1></body></html>\n"
    with pytest.raises(ImportFileError, match="format non reconnu"):
        read(tmp_path, reference, registry, "adherents.csv", page)


def test_header_only_is_an_empty_but_valid_list(tmp_path, reference, registry):
    result = read(tmp_path, reference, registry, "entete.csv", b"insee;opsn\n")
    assert result.report.rows == 0 and len(result.memberships) == 0
    assert list(result.memberships.columns) == list(MEMBERSHIP_COLUMNS)


def test_too_large_file_is_refused_before_reading(tmp_path, reference, registry):
    path = tmp_path / "enorme.csv"
    with path.open("wb") as handle:
        handle.truncate(Limits().file_bytes + 1)  # sparse: instant, no memory
    with pytest.raises(ImportFileError, match=r"trop volumineux.*50 Mo"):
        read_memberships(path, reference, registry)


def test_too_large_once_decompressed(tmp_path, reference, registry):
    bomb = gzip.compress(b"insee;opsn\n" + b"01001;sitpi\n" * 5000)
    with pytest.raises(ImportFileError, match="décompressé"):
        read(
            tmp_path,
            reference,
            registry,
            "bombe.csv.gz",
            bomb,
            limits=Limits(decompressed_bytes=10_000),
        )


def test_content_bytes_instead_of_a_path(reference, registry):
    result = read_memberships(
        "televerse.csv", reference, registry, content=b"insee;opsn\n38169;sitpi\n"
    )
    assert list(result.memberships["source"]) == ["televerse.csv"]


# ------------------------------------------------------------------ ANCT operators


def operators_json_to_csv(records: list[dict]) -> str:
    """The ANCT JSON sample in its published CSV form (``;``, lists comma-separated)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(ANCT_COLUMNS)
    for record in records:
        writer.writerow(
            [
                ",".join(map(str, value))
                if isinstance(value, list)
                else ("" if value is None else value)
                for value in (record[c] for c in ANCT_COLUMNS)
            ]
        )
    return out.getvalue()


@pytest.mark.skipif(SHARED_OPERATORS_JSON is None, reason="ANCT sample not beside this clone")
def test_committed_operators_fixture_is_the_conversion_of_the_json():
    records = json.loads(SHARED_OPERATORS_JSON.read_text())
    expected = operators_json_to_csv(records)
    assert (FIXTURES / "anct_operators.csv").read_text(encoding="utf-8") == expected


def test_anct_operators_every_operator_and_department(reference, registry):
    result = read_memberships(FIXTURES / "anct_operators.csv", reference, registry)
    operators = result.operators
    assert result.report.format == "anct_operateurs"
    assert len(result.memberships) == 0
    assert len(operators) == 30 and result.report.accepted == 30
    source = list(csv.DictReader((FIXTURES / "anct_operators.csv").open(), delimiter=";"))
    for row, (_, op) in zip(source, operators.iterrows(), strict=True):
        assert op["anct_id"] == row["id"]
        assert op["departements"] == tuple(d for d in row["departements"].split(",") if d)
        assert op["nom"] == row["nom"]
    by_uuid = operators.set_index("anct_id")
    assert by_uuid.at[MEGALIS_UUID, "id"] == "megalis"
    assert by_uuid.at[MEGALIS_UUID, "departements"] == ("22", "29", "35", "56")
    assert by_uuid.at[MEGALIS_UUID, "portee"] == "regionale"
    adm81 = by_uuid.loc["42619426-f1d9-4823-88f0-0e8be8c6d20b"]
    assert adm81["id"] == "adm81" and adm81["siret"] == "" and adm81["siren"] == ""
    assert "37859826200" in adm81["identifiants_note"]
    assert result.report.corrected == 1
    # operators absent from the registry keep their ANCT uuid as id
    assert by_uuid.at["9f5624fc-ef99-4d10-ae3f-403a81eb16ef", "id"].startswith("9f5624fc")
    assert set(load_registry().columns) <= set(operators.columns)
    assert_consistent(result)


# ------------------------------------------------------------------ bundled memberships


def test_bundled_memberships_are_sourced_and_resolve(reference, registry):
    bundled = load_bundled_memberships()
    assert tuple(bundled.columns) == MEMBERSHIP_COLUMNS
    imported = read_memberships(OPSN_DIR / "adhesions.csv", reference, registry)
    assert imported.report.rejected == 0 and imported.report.corrected == 0
    pd.testing.assert_frame_equal(bundled, imported.memberships)
    assert set(bundled["opsn"]) <= set(registry["id"])
    assert bundled["reference"].str.startswith("https://").all()
    sitpi = bundled[bundled["opsn"] == "sitpi"]
    assert len(sitpi) == 10 and "38169" in set(sitpi["insee"])  # Fontaine, its seat
    header = (OPSN_DIR / "adhesions.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "opsn;insee;siren;siret;nom;departement;depuis;jusqu_a;source"


# ------------------------------------------------------------------ command line


def run_cli(capsys, *args) -> SimpleNamespace:
    """``python -m geo validate ARGS`` in-process: its status, stdout and stderr."""
    try:
        status = main(["validate", *map(str, args)])
    except SystemExit as exit_:
        status = exit_.code
    captured = capsys.readouterr()
    return SimpleNamespace(returncode=status, stdout=captured.out, stderr=captured.err)


def run_cli_process(*args) -> subprocess.CompletedProcess:
    """The same, end to end: ``python -m geo validate ARGS`` in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "geo", "validate", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_cli_validate_exit_statuses_and_json(tmp_path, capsys):
    good = tmp_path / "bon.csv"
    good.write_bytes(b"insee;opsn\n1001;siea\n")
    bad = tmp_path / "mauvais.csv"
    bad.write_bytes(b"insee;opsn\n01001;siea\n99999;siea\n")
    garbage = tmp_path / "binaire.csv"
    garbage.write_bytes(bytes(range(256)))

    ok = run_cli(capsys, good, "--format", "json")
    assert ok.returncode == 0, ok.stderr
    report = json.loads(ok.stdout)
    assert {"rows", "accepted", "corrected", "rejected", "issues"} <= report.keys()
    assert (report["rows"], report["accepted"], report["corrected"]) == (1, 1, 1)
    assert {"line", "value", "message"} <= report["issues"][0].keys()

    rejected = run_cli(capsys, bad, "--format", "json")
    assert rejected.returncode == 1
    report = json.loads(rejected.stdout)
    assert report["rejected"] == 1 and report["issues"][0]["line"] == 3
    assert report["issues"][0]["value"] == "99999"

    unreadable = run_cli_process(garbage)  # end to end: no traceback from the real process
    assert unreadable.returncode == 2
    assert "binaire.csv" in unreadable.stderr and "Traceback" not in unreadable.stderr
    assert unreadable.stdout == ""


def test_cli_validate_text_and_opsn_option(tmp_path, capsys):
    path = tmp_path / "liste.csv"
    path.write_bytes(b"insee\n38169\n")
    assert run_cli(capsys, path).returncode == 2  # no operator column, no --opsn
    done = run_cli(capsys, path, "--opsn", "sitpi")
    assert done.returncode == 0
    assert "acceptées : 1" in done.stdout


def test_module_exports_are_stable():
    assert memberships_module.MEMBERSHIP_COLUMNS[:7] == (
        "opsn",
        "insee",
        "epci",
        "depuis",
        "jusqu_a",
        "source",
        "ligne",
    )
