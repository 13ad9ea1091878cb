"""``python -m geo export map|report|tables|html --out FICHIER``: files, messages, exit codes."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from PIL import Image
from pypdf import PdfReader

from geo import cli
from geo.importers.inputs import LoadedInputs, bundled_inputs


@pytest.fixture
def export(monkeypatch, reference, capsys):
    """``export(*argv) -> (status, stdout, stderr)`` in-process, on the bundled data loaded once."""
    loaded = LoadedInputs(bundled_inputs())
    monkeypatch.setattr("geo.commands.export.load", lambda args: (reference, loaded))

    def run(*argv: str) -> tuple[int, str, str]:
        status = cli.main(["export", *argv])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


def test_map_png_for_slides_and_print(export, tmp_path):
    out = tmp_path / "france.png"
    status, stdout, _ = export("map", "--out", str(out))
    assert status == 0
    assert Image.open(out).size == (1920, 1080)
    assert stdout.startswith(f"Écrit : {out} — carte « France » (1\u202f920 × 1\u202f080 pixels")
    status, _, _ = export(
        "map", "--out", str(out), "--dpi", "300", "--vue", "region", "--code", "53"
    )
    assert status == 0 and Image.open(out).size == (3508, 2480)
    status, _, _ = export("map", "--out", str(out), "--size", "1280x720", "--vue", "departement",
                          "--code", "29")  # fmt: skip
    assert status == 0 and Image.open(out).size == (1280, 720)


def test_map_pdf_and_report(export, tmp_path):
    out = tmp_path / "finistere.pdf"
    assert export("map", "--vue", "departement", "--code", "29", "--out", str(out))[0] == 0
    reader = PdfReader(out)
    assert len(reader.pages) == 1 and "Finistère (29)" in reader.pages[0].extract_text()
    out = tmp_path / "rapport.pdf"
    status, stdout, _ = export("report", "--vue", "departement", "--code", "29", "--out", str(out))
    assert status == 0 and "rapport « Finistère (29) »" in stdout
    assert len(PdfReader(out).pages) >= 2


def test_tables_csv_and_xlsx(export, tmp_path):
    out = tmp_path / "departements.csv"
    assert export("tables", "--out", str(out))[0] == 0  # France: by department
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Code", "Nom", "Région"] and len(rows[1:102]) == 101
    assert re.fullmatch(r"\d+,\d", rows[1][rows[0].index("Part couverte (%)")])  # 100,0
    out = tmp_path / "finistere.xlsx"
    status, stdout, _ = export("tables", "--vue", "departement", "--code", "29", "--out", str(out))
    assert status == 0 and "Sources et règle" in stdout
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["EPCI", "OPSN", "OPSN voisins", "Communes", "Territoires sans OPSN",
                               "Sources et règle"]  # fmt: skip
    out = tmp_path / "zones.csv"
    assert export("tables", "--table", "territoires", "--out", str(out))[0] == 0
    assert out.read_text(encoding="utf-8-sig").startswith("Rang;Territoire;Identifiant;")


def test_options_reach_the_export(export, tmp_path):
    out = tmp_path / "regles.csv"
    argv = ["tables", "--out", str(out), "--rule", "adhesion", "--territory", "metropole"]
    assert export(*argv)[0] == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "adhérente à un OPSN (directement ou par son EPCI)" in text
    assert "France métropolitaine" in text and "\r\n971;" not in text
    status, _, stderr = export("tables", "--out", str(out), "--filter", "nope")
    assert status == 2 and "OPSN inconnu(s) : nope" in stderr


def test_html_is_standalone(export, tmp_path):
    out = tmp_path / "bretagne.html"
    status, stdout, _ = export("html", "--vue", "region", "--code", "53", "--out", str(out))
    assert status == 0 and "sans connexion" in stdout
    page = out.read_text(encoding="utf-8")
    assert "<title>Couverture OPSN — Bretagne</title>" in page
    assert "<script src=" not in page and 'rel="stylesheet"' not in page
    assert "L.map(" in page or "L.map (" in page


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["map", "--out", "{tmp}/carte.jpg"], "extension attendue pour « map » : .png, .pdf"),
        (["report", "--out", "{tmp}/r.pdf"], "le rapport porte sur une région"),
        (["map", "--out", "{tmp}/x.png", "--vue", "departement", "--code", "99"],
         "Département « 99 » introuvable"),
        (["map", "--out", "{tmp}/x.png", "--vue", "canton", "--code", "1"], "--vue « canton » inconnue"),
        (["map", "--out", "{tmp}/x.png", "--vue", "region"], "le code est obligatoire"),
        (["map", "--out", "{tmp}/x.png", "--vue", "territoire", "--code", "Z00000"],
         "Territoire sans OPSN « Z00000 » introuvable"),
        (["map", "--out", "{tmp}/x.png", "--vue", "territoire", "--code", "Z29019"],
         "« Z29019 » n'existe pas avec ces options ; vue la plus proche : --vue departement "
         "--code 29"),
        (["map", "--out", "{tmp}/x.png", "--size", "1080x1920"], "format paysage attendu"),
        (["report", "--out", "{tmp}/x.pdf", "--vue", "region", "--code", "53", "--dpi", "300"],
         "s'appliquent à « export map » seulement"),
        (["tables", "--out", "{tmp}/x.csv", "--table", "regions,opsn"], "un seul tableau par fichier CSV"),
        (["tables", "--out", "{tmp}/x.csv", "--table", "cantons"], "tableau(x) inconnu(s) : cantons"),
        (["map", "--out", "{tmp}/absent/x.png"], "n'existe pas"),
    ],
)  # fmt: skip
def test_mistakes_get_a_french_message_and_no_file(export, tmp_path, argv, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    status, stdout, stderr = export(*argv)
    assert status == 2 and not stdout
    assert stderr.startswith("Erreur : ") and message in stderr, stderr
    assert "Traceback" not in stderr
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # nothing half written


def test_a_failed_write_leaves_no_file(export, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr("geo.core.paths.os.replace", broken)
    status, _, stderr = export("tables", "--out", str(tmp_path / "t.csv"))
    assert status == 2 and "disque plein" in stderr
    assert list(tmp_path.iterdir()) == []


def test_end_to_end_from_a_terminal(geo_cli, tmp_path):
    out = tmp_path / "carte.png"
    done = geo_cli("export", "map", "--out", str(out), "--vue", "departement", "--code", "2A")
    assert done.returncode == 0, done.stderr
    assert Image.open(out).size == (1920, 1080)
    assert "Corse-du-Sud (2A)" in done.stdout


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_exported_files_follow_the_umask(export, tmp_path, umask, mode):
    """A file for slides or a table is a shared document: not created private (mkstemp's 0600)."""
    import os
    import stat

    out = tmp_path / "departements.csv"
    previous = os.umask(umask)
    try:
        assert export("tables", "--out", str(out))[0] == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert [p.name for p in tmp_path.iterdir()] == ["departements.csv"], "no temporary file left"
