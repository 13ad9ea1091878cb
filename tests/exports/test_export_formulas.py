"""No cell of any CSV or spreadsheet export can run as a formula (OWASP CSV injection rule).

Every name of the dataset — communes, departments, regions, EPCIs, OPSN,
territories, the data label — is a payload (``=HYPERLINK(…)``, ``+cmd|…``,
``-2+3``, ``@SUM(…)``, tab, CR). Each export is opened as a spreadsheet would
open it and no cell may start a formula; genuine negative numbers stay numbers.
The saved data's CSV (``db versions``, the published files of ``db export``)
follow the same rule, and the published files still read back as saved.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from geo import cli
from geo.core.reference import load_reference
from geo.explore import tables
from geo.exports import csv_bytes
from geo.exports.about import about
from geo.exports.cells import is_formula_like, neutralise, neutralise_frame
from geo.exports.csv import script_csv
from geo.exports.xlsx import workbook_bytes
from geo.importers.inputs import LoadedInputs
from geo.storage import Snapshot, open_store
from geo.storage.export import export_snapshot
from geo.storage.seed import bundled_snapshot
from tests.export_data import PAYLOADS, evaluable, hostile


@pytest.fixture(scope="module")
def dataset():
    return hostile()


def csv_cells(data: bytes | str) -> list[str]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    return [
        cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row
    ]


def xlsx_cells(data: bytes) -> list[openpyxl.cell.cell.Cell]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_inert_csv(data: bytes | str, where: str) -> list[str]:
    cells = csv_cells(data)
    bad = [c for c in cells if evaluable(c)]
    assert not bad, f"{where}: cells a spreadsheet would evaluate: {bad[:5]}"
    return cells


def assert_inert_xlsx(data: bytes, where: str) -> list:
    cells = xlsx_cells(data)
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert not formulas, f"{where}: formula cells {formulas[:5]}"
    bad = [(c.coordinate, c.value) for c in cells if evaluable(c.value)]
    assert not bad, f"{where}: cells a spreadsheet would evaluate: {bad[:5]}"
    return cells


def test_the_payloads_would_run_if_nothing_was_done():
    # The check itself must see them, or the tests below prove nothing.
    assert all(evaluable(p) for p in PAYLOADS)
    assert all(is_formula_like(p) for p in PAYLOADS)
    assert not evaluable("'=1+1") and not evaluable("-12,5") and not evaluable("Saint-Malo")


def test_rule_prefixes_an_apostrophe_and_keeps_numbers():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\t=1") == "'\t=1" and neutralise("\r=1") == "'\r=1"
    assert neutralise("-2+3") == "'-2+3" and neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("-12") == "-12" and neutralise("+3,5") == "+3,5"  # numbers as text
    assert neutralise(-12) == -12 and neutralise(None) is None
    frame = pd.DataFrame({"Nom": ["=1+1", "Brest", None], "Écart": [-3.5, 2.0, -1.0]})
    safe = neutralise_frame(frame)
    assert safe["Nom"].tolist()[:2] == ["'=1+1", "Brest"] and pd.isna(safe["Nom"].iloc[2])
    assert safe["Écart"].tolist() == [-3.5, 2.0, -1.0]
    assert frame["Nom"].iloc[0] == "=1+1"  # the caller's table is not changed


def test_negative_numbers_stay_numbers_in_csv_and_xlsx(dataset):
    frame = pd.DataFrame({"Nom": ["-2+3", "A"], "Écart (%)": [-3.5, 4.0], "Solde": [-12, 7]})
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["'-2+3", "-3,5", "-12"]
    reference, inputs, analysis = dataset
    table = tables.Table(
        "essai",
        "Essai",
        "Essai",
        frame,
        (
            tables.Column("Nom"),
            tables.Column("Écart (%)", "percent", digits=1),
            tables.Column("Solde", "integer"),
        ),
    )
    sheet = openpyxl.load_workbook(
        io.BytesIO(workbook_bytes([table], about(reference, analysis, inputs, "France")))
    )["Essai"]
    assert sheet["A2"].value == "'-2+3" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == pytest.approx(-0.035) and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == -12 and sheet["C2"].data_type == "n"


def test_every_table_csv_and_the_workbook(dataset):
    reference, inputs, analysis = dataset
    built = []
    for key in tables.BUILDERS:
        mask = None
        if key == "voisins":  # the grid's communes without OPSN, bordered by members
            mask = reference.communes["insee"].isin(["01003", "01006", "01009"]).to_numpy()
        table = tables.build(key, reference, analysis, inputs, mask, PAYLOADS[1])
        built.append(table)
        cells = assert_inert_csv(csv_bytes(table.frame, list(table.notes)), key)
        assert any(c.startswith("'") for c in cells), f"{key}: no payload reached the file"
    cells = assert_inert_xlsx(
        workbook_bytes(built, about(reference, analysis, inputs, PAYLOADS[2])), "xlsx"
    )
    # A carriage return is stored as the OOXML escape « _x000D_ », which Excel reads back
    # as the character and openpyxl leaves as it is.
    values = {c.value.replace("_x000D_", "\r") for c in cells if isinstance(c.value, str)}
    for payload in PAYLOADS:  # each payload is there, as inert text (XML reads CR as LF)
        assert {"'" + payload, "'" + payload.replace("\r", "\n")} & values, payload


@pytest.fixture
def hostile_cli(monkeypatch, dataset):
    """The command line reading the hostile dataset instead of the bundled data."""
    reference, inputs, _ = dataset
    loaded = LoadedInputs(inputs)
    for module in ("coverage", "white_zones", "export"):
        monkeypatch.setattr(f"geo.commands.{module}.load", lambda args: (reference, loaded))
    # Territories are named after their main commune: make the names payloads, as they
    # would be if a commune's name were one.
    import geo.core.analysis

    original = geo.core.analysis.analyse
    active = [True]  # a module first imported during the test keeps the function: inert after

    def analyse(*args, **kwargs):
        result = original(*args, **kwargs)
        if active:
            result.zones["nom"] = [PAYLOADS[k % len(PAYLOADS)] for k in range(len(result.zones))]
        return result

    monkeypatch.setattr(geo.core.analysis, "analyse", analyse)
    yield reference
    active.clear()


def test_command_line_csv_outputs(hostile_cli, capsys):
    for argv in (["coverage", "--format", "csv"], ["white-zones", "--format", "csv"]):
        assert cli.main(argv) == 0
        out = capsys.readouterr().out
        cells = assert_inert_csv(out, " ".join(argv))
        assert any(c.startswith("'") for c in cells), argv


def test_command_line_table_exports(hostile_cli, tmp_path, capsys):
    for key in ("regions", "departements", "epci", "opsn", "communes", "territoires"):
        out = tmp_path / f"{key}.csv"
        assert cli.main(["export", "tables", "--table", key, "--out", str(out)]) == 0
        assert_inert_csv(out.read_bytes(), key)
    out = tmp_path / "tout.xlsx"
    assert cli.main(["export", "tables", "--out", str(out)]) == 0
    assert_inert_xlsx(out.read_bytes(), "export tables xlsx")
    out = tmp_path / "voisins.xlsx"
    argv = ["export", "tables", "--vue", "departement", "--code", "01", "--out", str(out)]
    assert cli.main(argv) == 0
    assert_inert_xlsx(out.read_bytes(), "export tables departement xlsx")
    capsys.readouterr()


def test_script_csv_keeps_its_columns():
    frame = pd.DataFrame({"nom": ["@x", "ok"], "population": [-1, 2]})
    assert script_csv(frame).splitlines() == ["nom;population", "'@x;-1", "ok;2"]
    # A carriage return inside a name keeps it one quoted cell (no new line starting « = »).
    text = script_csv(pd.DataFrame({"nom": ["Brest\r=1+1"], "population": [1]}))
    assert text == 'nom;population\r\n"Brest\r=1+1";1\r\n'
    assert list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))[1] == ["Brest\r=1+1", "1"]


# ------------------------------------------------------------------ the saved data's CSV


def hostile_registry(snapshot: Snapshot) -> Snapshot:
    """Names, acronyms and notes of the first OPSN made formula payloads (and apostrophes)."""
    registry = snapshot.registry.copy()
    texts = [*PAYLOADS, "'=déjà une apostrophe", "''@deux", "'-12", "-12"]
    for row, text in enumerate(texts):
        registry.loc[row, "nom"] = text
        registry.loc[row, "perimetre_note"] = text
    return Snapshot(registry, snapshot.memberships)


def test_db_versions_csv_and_the_published_files_are_inert_and_round_trip(
    tmp_path, capsys, monkeypatch
):
    db = str(tmp_path / "base.sqlite3")
    with open_store(db) as store:
        store.commit(hostile_registry, author=PAYLOADS[0], kind="edit", reason=PAYLOADS[3])
        _, saved = store.snapshot()
    assert cli.main(["db", "--db", db, "versions", "--format", "csv"]) == 0
    cells = assert_inert_csv(capsys.readouterr().out, "db versions --format csv")
    assert "'" + PAYLOADS[0] in cells and "'" + PAYLOADS[3] in cells

    out = tmp_path / "publie"
    assert cli.main(["db", "--db", db, "export", "--out", str(out)]) == 0
    capsys.readouterr()
    for name in ("registre_opsn.csv", "adhesions.csv"):
        assert_inert_csv((out / name).read_bytes(), name)
    # The published files read back to exactly what was saved, and export again identically.
    again, _ = bundled_snapshot(out)
    pd.testing.assert_frame_equal(again.registry, saved.registry)
    assert again.registry.loc[len(PAYLOADS), "nom"] == "'=déjà une apostrophe"
    second = tmp_path / "republie"
    with open_store(tmp_path / "autre.sqlite3", seed=out) as store:
        export_snapshot(store.snapshot()[1], second, load_reference())
    for name in ("registre_opsn.csv", "adhesions.csv"):
        assert (second / name).read_bytes() == (out / name).read_bytes(), name
