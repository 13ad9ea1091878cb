"""Tables in French: names, kinds, OPSN by name, « oui/non », shares with their rule.

First on the hand-made reference (every value computed by hand from the grid of
tests/tiny_reference.py), then on the bundled data: the tables give the same
numbers as the headline figures of the same analysis.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.paths import ROOT
from geo.core.registry import opsn_names
from geo.explore import tables
from geo.importers.inputs import bundled_inputs
from tests.export_data import complete, tiny_inputs
from tests.tiny_reference import tiny_reference

# ----------------------------------------------------------------------------- by hand


@pytest.fixture(scope="module")
def tiny():
    reference = complete(tiny_reference())
    inputs = tiny_inputs()
    return reference, inputs, analyse(reference, inputs, CoverageOptions())


def row(table: tables.Table, column: str, value: str) -> dict:
    hit = table.frame[table.frame[column] == value]
    assert len(hit) == 1, (column, value, table.frame)
    return hit.iloc[0].to_dict()


def test_columns_follow_the_documented_contract(tiny):
    reference, inputs, analysis = tiny
    for key in tables.BUILDERS:
        mask = (reference.communes["departement"] == "01").to_numpy() if key == "voisins" else None
        table = tables.build(key, reference, analysis, inputs, mask)
        assert [c.name for c in table.columns] == list(table.frame.columns)
        expected = [tables.column_name(c.name, "sans OPSN") for c in tables.COLUMNS[key]]
        assert list(table.frame.columns) == expected


def test_departments_by_hand(tiny):
    reference, inputs, analysis = tiny
    table = tables.departements_table(reference, analysis, inputs)
    assert table.frame["Code"].tolist() == ["01", "2A", "75", "971"]
    ain = row(table, "Code", "01")
    assert ain["Nom"] == "Département 01" and ain["Région"] == "Région 84"
    assert ain["Communes"] == 9 and ain["Population"] == 15610
    assert ain["Communes couvertes"] == 4 and ain["Population couverte"] == 12750
    assert ain["Part couverte (%)"] == 81.7  # 12 750 / 15 610, as a percentage
    assert (ain["Communes adhérentes"], ain["Communes dans un périmètre"]) == (4, 0)
    assert (ain["Communes sans OPSN"], ain["Population sans OPSN"]) == (5, 2860)
    assert row(table, "Code", "971")["Part couverte (%)"] == 0.0
    assert row(table, "Code", "2A")["Part couverte (%)"] == 100.0
    assert table.column("Part couverte (%)").kind == "percent"
    assert any(note.startswith("Règle : part de la population") for note in table.notes)


def test_opsn_by_name_with_perimeter_and_members(tiny):
    reference, inputs, analysis = tiny
    table = tables.opsn_table(reference, analysis, inputs)
    assert table.frame["OPSN"].tolist() == ["AA", "Bureau B", "GD", "SC"]  # French order
    aa = row(table, "OPSN", "AA")
    assert aa["Nom complet"] == "Agence A" and aa["Portée"] == "départementale"
    assert aa["Offre"] == "complète" and aa["Comptée"] == "oui"
    assert (aa["Départements du périmètre"], aa["Communes dans le périmètre"]) == ("2A", 2)
    assert aa["Population du périmètre"] == 1400 and aa["Communes adhérentes"] == 0
    gd = row(table, "OPSN", "GD")
    assert (gd["Communes adhérentes"], gd["Population adhérente"]) == (3, 750)  # EPCI E1
    assert gd["dont par leur EPCI"] == 3
    assert gd["Identifiant"] == "D" and gd["Portée"] == "régionale"


def test_communes_say_oui_non_and_name_their_opsn(tiny):
    reference, inputs, analysis = tiny
    table = tables.communes_table(reference, analysis, inputs)
    assert len(table.frame) == len(reference.communes)
    first = row(table, "Code INSEE", "01001")
    assert first["Statut"] == "Adhérente à un OPSN" and first["Couverte"] == "oui"
    assert first["Adhérente à"] == "GD" and first["Par son EPCI"] == "oui"
    assert first["EPCI"] == "CC Un" and first["Nombre d'OPSN"] == 1
    ajaccio = row(table, "Code INSEE", "2A004")
    assert ajaccio["Dans le périmètre de"] == "AA" and ajaccio["Par son EPCI"] == "non"
    island = row(table, "Code INSEE", "97101")
    assert island["Couverte"] == "non" and island["Statut"] == "Sans OPSN"
    zone = analysis.zones.set_index("id").at["Z97101", "nom"]
    assert island["Territoire sans OPSN"] == zone
    for column in ("Couverte", "Par son EPCI"):
        assert set(table.frame[column]) <= {"oui", "non"}


def test_territories_name_bordering_opsn(tiny):
    reference, inputs, analysis = tiny
    table = tables.territories_table(reference, analysis, inputs)
    assert table.frame["Identifiant"].tolist() == ["Z97101", "Z01003"]
    grid = row(table, "Identifiant", "Z01003")
    assert (grid["Rang"], grid["Communes"], grid["Population"]) == (2, 5, 2860)
    assert grid["OPSN voisins (adhérents)"] == "GD, SC"  # never « C|D »
    assert grid["Outre-mer"] == "non" and grid["Distance à une commune servie (km)"] == 0.0
    assert row(table, "Identifiant", "Z97101")["Outre-mer"] == "oui"


def test_a_view_keeps_its_own_rows(tiny):
    reference, inputs, analysis = tiny
    corsica = (reference.communes["departement"] == "2A").to_numpy()
    assert tables.communes_table(reference, analysis, inputs, corsica).frame[
        "Code INSEE"
    ].tolist() == ["2A004", "2A005"]
    assert tables.opsn_table(reference, analysis, inputs, corsica).frame["OPSN"].tolist() == ["AA"]
    grid = (reference.communes["departement"] == "01").to_numpy()
    assert tables.territories_table(reference, analysis, inputs, grid).frame[
        "Identifiant"
    ].tolist() == ["Z01003"]
    neighbours = tables.bordering_opsn_table(reference, analysis, inputs, corsica)
    assert neighbours.frame.empty  # Corsica borders nothing
    zone = reference.communes["insee"].isin(["01003", "01006", "01007", "01008", "01009"])
    around = tables.bordering_opsn_table(reference, analysis, inputs, zone.to_numpy())
    # 01002 and 01004 (members through EPCI E1: GD), 01005 (member of C: SC)
    assert around.frame["OPSN"].tolist() == ["GD", "SC"]
    assert around.frame["Communes voisines servies"].tolist() == [2, 1]
    assert around.frame["dont adhérentes"].tolist() == [2, 1]
    assert around.frame["Déjà présent"].tolist() == ["non", "non"]


def test_filter_renames_without_opsn_and_keeps_chosen_opsn(tiny):
    reference, inputs, _ = tiny
    analysis = analyse(reference, inputs, CoverageOptions(opsn=("A",)))
    table = tables.regions_table(reference, analysis, inputs)
    assert "Communes hors des OPSN choisis" in table.frame.columns
    assert "Communes sans OPSN" not in table.frame.columns
    assert tables.opsn_table(reference, analysis, inputs).frame["OPSN"].tolist() == ["AA"]
    assert tables.territories_table(reference, analysis, inputs).sheet == (
        "Territoires hors des OPSN chois"  # 31 characters: Excel's limit
    )


def test_metropole_leaves_out_the_drom(tiny):
    reference, inputs, _ = tiny
    analysis = analyse(reference, inputs, CoverageOptions(territory="metropole"))
    assert (
        "971" not in tables.departements_table(reference, analysis, inputs).frame["Code"].tolist()
    )
    zones = tables.territories_table(reference, analysis, inputs).frame
    assert zones["Identifiant"].tolist() == ["Z01003"]


def test_display_is_french_and_sorts_as_numbers(tiny):
    reference, inputs, analysis = tiny
    table = tables.departements_table(reference, analysis, inputs)
    shown = tables.display_frame(table)
    paris = shown[shown["Code"] == "75"].iloc[0]
    assert paris["Population"] == "2\u202f000\u202f000"
    assert paris["Part couverte (%)"] == "100,0\u00a0%"
    html = tables.styled(table).to_html()
    assert "2\u202f000\u202f000" in html and "81,7\u00a0%" in html
    assert pd.api.types.is_integer_dtype(tables.styled(table).data["Population"])


def test_filter_rows_ignores_case_and_accents(tiny):
    reference, inputs, analysis = tiny
    table = tables.opsn_table(reference, analysis, inputs)
    assert tables.filter_rows(table, "  agence ").frame["OPSN"].tolist() == ["AA"]
    assert tables.filter_rows(table, "DÉPARTEMENTALE").frame["OPSN"].tolist() == [
        "AA",
        "Bureau B",
    ]
    assert tables.filter_rows(table, "").frame.equals(table.frame)


def test_contract_page_is_up_to_date():
    page = (ROOT / "docs" / "tableaux.md").read_text(encoding="utf-8")
    assert page.strip() == tables.contract_markdown().strip(), (
        "docs/tableaux.md is stale: python -m geo.explore.tables > docs/tableaux.md"
    )
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/tableaux.md" in readme


# ----------------------------------------------------------------------------- bundled data


@pytest.fixture(scope="module")
def bundled(reference):
    inputs = bundled_inputs()
    return inputs, analyse(reference, inputs, CoverageOptions())


def test_tables_add_up_to_the_headline(reference, bundled):
    inputs, analysis = bundled
    figures = analysis.figures
    for key in ("regions", "departements"):
        frame = tables.build(key, reference, analysis, inputs).frame
        assert frame["Population"].sum() == figures.total_population
        assert frame["Population couverte"].sum() == figures.covered_population
        assert frame["Communes sans OPSN"].sum() == figures.status["sans_opsn"].communes
    communes = tables.communes_table(reference, analysis, inputs).frame
    assert len(communes) == figures.total_communes
    assert (communes["Couverte"] == "oui").sum() == figures.covered_communes
    zones = tables.territories_table(reference, analysis, inputs).frame
    assert len(zones) == figures.white_zone_count
    assert zones["Population"].sum() == figures.white_zone_population


def test_no_opsn_id_nor_boolean_in_any_cell(reference, bundled):
    inputs, analysis = bundled
    names = set(opsn_names(inputs.registry).values())
    ids = set(inputs.registry["id"]) - names
    communes = tables.communes_table(reference, analysis, inputs).frame
    zones = tables.territories_table(reference, analysis, inputs).frame
    for frame, columns in (
        (communes, ["Adhérente à", "Dans le périmètre de"]),
        (zones, ["OPSN voisins (périmètre)", "OPSN voisins (adhérents)"]),
    ):
        for column in columns:
            cited = set(frame[column].str.split(", ").explode()) - {""}
            assert cited and cited <= names, (column, sorted(cited - names)[:5])
            assert not cited & ids
            assert not frame[column].str.contains("|", regex=False).any()
    for key in tables.TABLES_BY_LEVEL["france"]:
        frame = tables.build(key, reference, analysis, inputs).frame
        for column in frame.columns:
            assert not pd.api.types.is_bool_dtype(frame[column]), (key, column)
            assert not frame[column].astype(str).isin(["True", "False"]).any(), (key, column)


def test_percentages_are_shares_times_100(reference, bundled):
    inputs, analysis = bundled
    frame = tables.departements_table(reference, analysis, inputs).frame
    expected = (frame["Population couverte"] / frame["Population"] * 100).round(1)
    assert np.allclose(frame["Part couverte (%)"], expected)
    assert frame["Part couverte (%)"].between(0, 100).all()


def test_partial_offers_show_their_perimeter_and_say_they_do_not_count(reference, bundled):
    inputs, analysis = bundled
    frame = tables.opsn_table(reference, analysis, inputs).frame.set_index("Identifiant")
    partial = frame[frame["Offre"].str.startswith("partielle")]
    assert len(partial), "the bundled registry has partial offers"
    assert (partial["Comptée"] == "non").all()  # not counted unless asked
    datasud = frame.loc["datasud"]
    assert datasud["Offre"] == "partielle : plateforme de données, SIG"
    assert datasud["Communes dans le périmètre"] > 0  # its perimeter is shown all the same
    counted = analyse(reference, inputs, CoverageOptions(count_partial_offers=True))
    again = tables.opsn_table(reference, counted, inputs).frame.set_index("Identifiant")
    assert again.loc["datasud", "Comptée"] == "oui"


@pytest.mark.parametrize(("level", "code"), [("region", "84"), ("departement", "29")])
def test_region_and_department_views_list_only_their_own_rows(reference, bundled, level, code):
    """Auvergne-Rhône-Alpes lists its departments, never the Ain's neighbours of another
    region; the Finistère its communes; every table of the view (issue 17)."""
    from geo.core.views import View
    from geo.explore.views import territory_mask

    inputs, analysis = bundled
    view = View(level, code)
    mask = territory_mask(reference, view, analysis.zones)
    communes = reference.communes
    own = communes[mask]
    departments = set(own["departement"])
    shown = tables.view_tables(level)
    assert tables.tables_words(shown).startswith(
        "départements, EPCI, communes sans OPSN" if level == "region" else "communes, EPCI"
    )
    assert [t.key for t in shown] == (
        ["departements", "epci", "sans_opsn", "opsn", "territoires"]
        if level == "region"
        else ["communes", "epci", "opsn", "voisins", "territoires"]
    )
    for entry in shown:
        frame = tables.build(entry.key, reference, analysis, inputs, mask, "vue").frame
        if entry.key == "departements":
            assert set(frame["Code"]) == departments  # 12 departments, not « Ain, Aisne… »
            assert frame["Communes"].sum() == mask.sum()
        elif entry.key in ("communes", "sans_opsn"):
            assert len(frame) and set(frame["Département"]) <= departments
            if entry.key == "communes":
                assert len(frame) == mask.sum()
        elif entry.key == "epci":  # EPCI with communes in the view, counted on them only
            assert set(frame["SIREN"]) == set(own["epci"]) - {""}
            assert frame["Communes"].sum() == (own["epci"] != "").sum()
        elif entry.key == "opsn":
            ids = set(frame["Identifiant"])
            serving = set(analysis.coverage.loc[mask, "opsn_perimetre"].str.split("|").explode())
            serving |= set(analysis.coverage.loc[mask, "opsn_adhesion"].str.split("|").explode())
            assert ids and ids <= serving - {""}
        elif entry.key == "territoires":
            codes = set(own["insee"])
            for zone in analysis.zones[
                analysis.zones["id"].isin(frame["Identifiant"])
            ].itertuples():
                assert not codes.isdisjoint(zone.insee.split("|"))


def test_one_description_gives_each_view_its_tabs_workbook_atlas_and_csv():
    """Under the map a view's own communes come first; the workbook keeps its order; the
    atlas never writes the communes with a view (they are in the commune shards)."""
    for level, entries in tables.VIEW_TABLES.items():
        assert {t.key for t in entries} <= set(tables.TABLES)
        assert tables.csv_table(level) in tables.TABLES
        assert [t.csv for t in entries].count(True) == 1
        assert "communes" not in tables.atlas_tables(level)
    assert tables.TABLES_BY_LEVEL["departement"] == (
        "epci", "opsn", "voisins", "communes", "territoires"
    )  # fmt: skip
    assert tables.atlas_tables("france") == ("regions", "departements", "opsn", "territoires")
    assert tables.atlas_tables("epci") == ()
    assert (tables.csv_table("region"), tables.csv_table("territoire")) == (
        "departements",
        "communes",
    )
    assert [t.key for t in tables.view_tables("territoire")] == ["communes", "voisins"]
