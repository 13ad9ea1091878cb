"""Bounded reading: every limit, each refusal in French naming the file, and no silent wrong result.

Limits are passed small (``Limits(...)``) so that each is reached with a
small file; the hostile corpus (``test_hostile.py``) runs the real limits.
"""

from __future__ import annotations

import gzip
import json
import os
import threading
import time
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.cli import error_message, main
from geo.core.paths import ROOT
from geo.importers.bounded import MAX_FILE_BYTES, ImportFileError, Limits, gunzip, read_bytes
from geo.importers.memberships import open_import, read_memberships
from geo.importers.registry_file import load_registry
from tests.hostile.corpus import (
    LIST_ROWS,
    MEGALIS_SIRET,
    MEGALIS_UUID,
    operators_csv,
    sheet_xml,
    xlsx,
)


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def read(reference, registry, name, data, **kwargs):
    return read_memberships(name, reference, registry, content=data, **kwargs)


# ------------------------------------------------------------------ files and bytes


def test_upload_limit_of_streamlit_is_the_project_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_FILE_BYTES


def test_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "tube.csv"
    os.mkfifo(fifo)
    outcome = {}

    def attempt():
        try:
            read_bytes(fifo)
        except ImportFileError as error:
            outcome["message"] = str(error)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "reading a FIFO hung"
    assert outcome["message"].startswith("tube.csv : c'est un tube nommé")


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.symlink_to("/dev/zero"), "périphérique"),
        (lambda p: p.mkdir(), "dossier"),
        (lambda p: p.symlink_to(p.name), "boucle"),
        (lambda p: p.symlink_to(p.parent / "absent.csv"), "introuvable"),
    ],
    ids=["dev-zero", "dossier", "boucle", "lien-casse"],
)
def test_what_is_not_a_regular_file_is_refused(tmp_path, make, expected):
    path = tmp_path / "liste.csv"
    make(path)
    with pytest.raises(ImportFileError, match=rf"^liste\.csv : .*{expected}"):
        read_bytes(path)


def test_size_limit_for_paths_and_uploads(tmp_path):
    limits = Limits(file_bytes=1000)
    path = tmp_path / "gros.csv"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(ImportFileError, match=r"gros\.csv : fichier trop volumineux.*1 Ko"):
        read_bytes(path, limits=limits)
    with pytest.raises(ImportFileError, match="trop volumineux"):
        read_bytes("televerse.csv", b"x" * 1001, limits=limits)
    assert read_bytes(path, limits=Limits(file_bytes=1001)) == b"x" * 1001


def test_file_names_in_messages_are_tamed():
    with pytest.raises(ImportFileError) as error:
        open_import("ligne\nrouge\x1b.csv", b"")
    assert str(error.value).startswith("ligne?rouge?.csv : fichier vide")


# ------------------------------------------------------------------ gzip


def test_gzip_is_read_whole_or_refused():
    content = b"insee;opsn\n" + b"".join(b"%05d;sitpi\n" % i for i in range(1000, 3000))
    packed = gzip.compress(content, mtime=0)
    assert gunzip("a.gz", packed) == content
    assert gunzip("a.gz", packed + packed) == content * 2  # several members
    assert gunzip("a.gz", packed + b"\x00" * 10) == content  # zero padding
    with pytest.raises(ImportFileError, match=r"a\.gz : fichier gzip tronqué"):
        gunzip("a.gz", packed[: len(packed) // 2])
    with pytest.raises(ImportFileError, match="suivi de données"):
        gunzip("a.gz", packed + b"fin")
    with pytest.raises(ImportFileError, match="corrompu"):
        gunzip("a.gz", packed[:-8] + b"\x00\x00\x00\x00" + packed[-4:])
    with pytest.raises(ImportFileError, match=r"décompressé.*limite de 1 Ko"):
        gunzip("a.gz", packed, Limits(decompressed_bytes=1024))


# ------------------------------------------------------------------ CSV


def test_an_overlong_cell_is_refused_in_french_with_its_line(reference, registry):
    data = b"insee;opsn\n01001;sitpi\n" + b"x" * 200_000 + b";sitpi\n"
    with pytest.raises(ImportFileError) as error:
        read(reference, registry, "long.csv", data)
    assert str(error.value).startswith("long.csv, ligne 3 : une cellule dépasse 128 Ko")
    assert "guillemet" in str(error.value)


def test_an_unbalanced_quote_never_swallows_communes_silently(reference, registry):
    data = b'insee;opsn\n01001;"sitpi\n38169;sitpi\n01004";sitpi\n38185;sitpi\n'
    result = read(reference, registry, "guillemet.csv", data)
    report = result.report
    assert list(result.memberships["insee"]) == ["38185"]
    assert (report.rows, report.accepted, report.rejected) == (4, 1, 3)
    assert [i["line"] for i in report.issues] == [2, 3, 4]
    assert (
        "guillemet" in report.issues[0]["message"] and "lignes 2 à 4" in report.issues[0]["message"]
    )
    assert report.issues[1]["value"] == "38169;sitpi"  # each swallowed line is shown


def test_a_quote_never_closed_rejects_the_lines_to_the_end(reference, registry):
    data = b'insee;opsn\n01001;sitpi\n"38169;sitpi\n01004;sitpi\n'
    result = read(reference, registry, "jamais.csv", data)
    assert list(result.memberships["insee"]) == ["01001"]
    assert result.report.rejected == 2 and result.report.rows == 3


def test_a_multiline_cell_outside_the_read_columns_is_fine(reference, registry):
    data = b'insee;commentaire;opsn\n01001;"deux\nlignes";sitpi\n38185;;sitpi\n'
    result = read(reference, registry, "commentaire.csv", data)
    assert list(result.memberships["insee"]) == ["01001", "38185"]
    assert result.report.rejected == 0


@pytest.mark.parametrize(
    ("data", "limits", "expected"),
    [
        (b"insee;opsn\n" + b"01001;sitpi\n" * 20, Limits(rows=10), "plus de 10 lignes"),
        (b"insee;opsn\n" + b"1;" * 50 + b"\n", Limits(columns=20), "ligne 2 : plus de 20 colonnes"),
        (b"insee;opsn\n" + b";" * 100, Limits(cells=50), "plus de 50 cellules"),
        (b"insee;opsn\n" + b"01001;sitpi\n" * 5, Limits(cells=11), "ligne 6 : plus de 11 cellules"),
    ],
    ids=["lignes", "colonnes", "separateurs", "cellules"],
)
def test_rows_columns_and_cells_are_counted_while_reading(
    reference, registry, data, limits, expected
):
    with pytest.raises(ImportFileError, match=expected):
        read(reference, registry, "table.csv", data, limits=limits)


def test_the_time_budget_stops_a_long_read(reference, registry):
    data = b"insee;opsn\n" + b"01001;sitpi\n" * 10_000
    with pytest.raises(ImportFileError) as error:
        read(reference, registry, "lent.csv", data, limits=Limits(seconds=0))
    assert str(error.value).startswith("lent.csv : lecture arrêtée après 0 s")
    assert "Découpez-le" in str(error.value)


def test_a_nul_character_is_refused_wherever_it_is(reference, registry):
    data = b"insee;opsn\n" + b"01001;sitpi\n" * 7000 + b"01004;si\x00tpi\n"
    with pytest.raises(ImportFileError, match=r"nul\.csv, ligne 7\u202f002 : caractère nul"):
        read(reference, registry, "nul.csv", data)


def test_line_level_messages_are_capped_but_counts_stay_exact(reference, registry):
    data = b"insee;opsn\n" + b"99999;siea\n" * 10 + b"1001;siea\n" * 3
    result = read(reference, registry, "beaucoup.csv", data, limits=Limits(issues=4))
    report = result.report
    assert (report.rejected, report.corrected, report.duplicates) == (10, 1, 2)
    assert len(report.issues) == 4 and report.omitted == 9
    assert [i["line"] for i in report.issues] == [2, 3, 4, 5]  # the first ones, by line
    assert report.to_dict()["issues_omitted"] == 9
    assert "et 9 autre(s) ligne(s) signalée(s)" in report.text()


# ------------------------------------------------------------------ XLSX


def test_a_lying_dimension_pads_nothing(reference, registry):
    workbook = xlsx([("Feuil1", sheet_xml(LIST_ROWS, "A1:XFD1048576"))])
    started = time.perf_counter()
    result = read(reference, registry, "dimension.xlsx", workbook)
    assert time.perf_counter() - started < 5
    assert list(result.memberships["insee"]) == ["01001"] and result.report.rows == 1


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        (Limits(xlsx_sheet_bytes=100), "« sheet1.xml » occupe"),
        (Limits(xlsx_xml_bytes=500), "le classeur occupe plus de"),
        (Limits(zip_members=3), "archive de plus de 3 éléments"),
        (Limits(row_cells=2), "une ligne de plus de 2 cellules"),
        (Limits(cells=3), "feuille de plus de 3 cellules"),
        (Limits(rows=1), "feuille de plus de 1 lignes"),
    ],
)
def test_workbooks_are_measured_before_openpyxl_opens_them(reference, registry, limits, expected):
    workbook = xlsx([("Feuil1", sheet_xml([*LIST_ROWS, ["01004", "Ambérieu", "sitpi"]]))])
    with pytest.raises(ImportFileError, match=expected) as error:
        read(reference, registry, "classeur.xlsx", workbook, limits=limits)
    assert str(error.value).startswith("classeur.xlsx : ")


def test_the_sheet_holding_the_list_is_read_and_named(reference, registry):
    workbook = xlsx(
        [
            ("Sommaire", sheet_xml([["Adhérents : voir l'onglet suivant"]])),
            ("Adhérents", sheet_xml(LIST_ROWS)),
        ]
    )
    result = read(reference, registry, "onglets.xlsx", workbook)
    assert list(result.memberships["insee"]) == ["01001"]
    assert "feuille « Adhérents »" in result.report.read_as
    assert any("« Sommaire » (pas de liste reconnue)" in note for note in result.report.notes)


def test_several_lists_are_refused_unless_one_is_named(reference, registry):
    second = [LIST_ROWS[0], ["38185", "Grenoble", "sitpi"]]
    workbook = xlsx([("2024", sheet_xml(LIST_ROWS)), ("2025", sheet_xml(second))])
    with pytest.raises(ImportFileError) as error:
        read(reference, registry, "annees.xlsx", workbook)
    assert "plusieurs feuilles contiennent une liste (« 2024 », « 2025 »)" in str(error.value)
    assert "--sheet" in str(error.value)
    result = read(reference, registry, "annees.xlsx", workbook, sheet="2025")
    assert list(result.memberships["insee"]) == ["38185"]
    assert any("comme demandé" in note for note in result.report.notes)
    with pytest.raises(ImportFileError, match="pas de feuille « 2026 »"):
        read(reference, registry, "annees.xlsx", workbook, sheet="2026")


def test_validate_takes_the_sheet_option(tmp_path):
    path = tmp_path / "annees.xlsx"
    path.write_bytes(xlsx([("2024", sheet_xml(LIST_ROWS)), ("2025", sheet_xml(LIST_ROWS))]))
    assert main(["validate", str(path)]) == 2
    assert main(["validate", str(path), "--sheet", "2024", "--format", "json"]) == 0


# ------------------------------------------------------------------ operators


def test_an_empty_duplicate_never_wipes_out_a_perimeter(reference, registry):
    for rows in (
        [
            [MEGALIS_UUID, "Mégalis", "", "", "", MEGALIS_SIRET, "", "22,29,35,56"],
            [MEGALIS_UUID, "Mégalis", "", "", "", "", "", ""],
        ],
        [
            ["autre", "Mégalis bis", "", "", "", MEGALIS_SIRET, "", ""],
            [MEGALIS_UUID, "Mégalis", "", "", "", MEGALIS_SIRET, "", "22,29,35,56"],
        ],
    ):
        result = read(reference, registry, "operators.csv", operators_csv(rows))
        operators = result.operators
        assert list(operators["id"]) == ["megalis"]
        assert operators.iloc[0]["departements"] == ("22", "29", "35", "56")
        assert result.report.duplicates == 1
        (issue,) = result.report.issues
        assert issue["status"] == "duplicate" and issue["line"] == 3
        assert "fusionnées" in issue["message"] and "22, 29, 35, 56" in issue["message"]


def test_a_registry_file_of_this_project_is_an_operators_file(reference, registry):
    content = (ROOT / "data" / "opsn" / "registre_opsn.csv").read_bytes()
    result = read(reference, registry, "registre.csv", content)
    assert result.report.format == "registre"
    assert list(result.operators["id"]) == list(registry["id"])
    broken = content.replace(b";haute", b";tres-haute", 1)
    with pytest.raises(ImportFileError, match=r"registre d'OPSN invalide : registre\.csv, ligne"):
        read(reference, registry, "registre.csv", broken)


# ------------------------------------------------------------------ command line errors


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (MemoryError(), "mémoire insuffisante"),
        (KeyError("x"), "erreur interne inattendue"),
        (ValueError("invalid literal for int()"), "erreur interne inattendue"),
        (
            FileNotFoundError(2, "No such file or directory", "/tmp/x/a.csv"),
            "a.csv : fichier introuvable",
        ),
        (ImportFileError(""), "fichier illisible."),
    ],
)
def test_the_command_line_never_prints_english_or_nothing(error, expected):
    message = error_message(error)
    assert expected in message
    assert "invalid" not in message and "No such" not in message and "'x'" not in message


def test_french_value_errors_of_this_project_are_shown_english_ones_are_not(tmp_path):
    import importlib.util

    source = tmp_path / "essai.py"
    source.write_text(
        "def fail(message):\n"
        "    raise ValueError(message)\n"
        "\n"
        "def parse(text):\n"
        "    return int(text)\n",
        encoding="utf-8",
    )
    spec = importlib.util.spec_from_file_location("geo.commands.essai", source)
    module = importlib.util.module_from_spec(spec)  # code of this project
    spec.loader.exec_module(module)

    def raised(function, *args):
        try:
            function(*args)
        except ValueError as error:
            return error

    french = "--db-version ne se combine pas avec --operators ni --adherents."
    assert error_message(raised(module.fail, french)) == french
    assert (
        error_message(raised(module.fail, "code « 99 » introuvable")) == "code « 99 » introuvable"
    )
    english = error_message(raised(module.fail, "Leaflet files not found in the package."))
    assert english.startswith("erreur interne inattendue")  # a raise of geo, but English
    python = error_message(raised(module.parse, "x"))  # Python's own text, in geo's frame
    assert python.startswith("erreur interne inattendue")
    try:
        raise ValueError("code « 99 » introuvable")  # French, but not from geo
    except ValueError as error:
        assert error_message(error).startswith("erreur interne inattendue")


def test_main_turns_any_failure_into_one_french_line(monkeypatch, capsys, tmp_path):
    import geo.commands.validate as validate

    def explode(args):
        raise MemoryError

    monkeypatch.setattr(validate, "run", explode)
    assert main(["validate", str(tmp_path / "a.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : mémoire insuffisante") and err.count("\n") == 1


def test_validate_json_has_the_omitted_count(tmp_path, capsys):
    path = tmp_path / "a.csv"
    path.write_bytes(b"insee;opsn\n01001;sitpi\n")
    assert main(["validate", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["issues_omitted"] == 0


def test_a_list_without_operator_column_is_told_from_its_header_alone():
    from geo.importers.memberships import needs_operator

    assert needs_operator("liste.csv", b"Nom;Code Insee\nCaen;14118\n")
    assert not needs_operator("liste.csv", b"insee;opsn\n14118;sitpi\n")
    assert not needs_operator("hasard.csv", b"\x00\x01\x02")
    assert not needs_operator(
        "operators.csv", (ROOT / "tests/fixtures/import/anct_operators.csv").read_bytes()
    )
    # only the head is read: a million lines after it cost no interpretation
    big = b"Nom;Code Insee\n" + b"Caen;99999\n" * 1_000_000
    assert needs_operator("grande.csv", big)


XML_PIECES = [
    b"<row>", b"<row r='1'>", b"<row/>", b"<rows>", b"<c>", b"<c/>", b"<c r='A1'>", b"<c\n",
    b"<col>", b"<cc>", b"</c>", b"</row>", b"<si>", b"<si/>", b"<sig>", b"<x:c>", b"x", b"<",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(XML_PIECES), max_size=60))
def test_vectorised_tag_counts_match_the_patterns(pieces):
    """The byte-level counts of the XLSX scan find exactly what the patterns find."""
    from geo.importers import bounded

    body = b"".join(pieces)
    rows, cells = bounded._tag_starts(body)
    assert list(rows) == [m.start() for m in bounded._ROW_START.finditer(body)]
    assert list(cells) == [m.start() for m in bounded._CELL_START.finditer(body)]
    assert bounded._shared_strings(body) == len(bounded._SHARED_STRING.findall(body))
