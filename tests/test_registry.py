"""The OPSN registry: the facts copied from the research notes, normalised and sourced."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from geo.ids import check_department, check_siren, check_siret
from geo.paths import ROOT
from geo.reference import load_reference
from geo.registry import (
    REGISTRY_COLUMNS,
    SCOPES,
    RegistryError,
    load_registry,
    perimeter_table,
    scope_from_departments,
)

SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture(scope="module")
def by_id(registry):
    return registry.set_index("id")


def test_74_opsn_with_every_column(registry):
    assert len(registry) == 74
    assert registry["id"].is_unique
    assert tuple(registry.columns) == REGISTRY_COLUMNS
    required = {
        "id", "nom", "sigle", "forme_juridique", "siren", "siret", "site_web", "portee",
        "departements", "membre_declic_2020", "membre_declic_recent", "sources",
        "confiance", "anct_id", "perimetre_note",
    }  # fmt: skip
    assert required <= set(registry.columns)


def test_perimeters_are_normalised_tuples(registry, by_id):
    for departments in registry["departements"]:
        assert isinstance(departments, tuple)
        for code in departments:
            assert check_department(code).value == code
    assert by_id.at["numerian", "departements"] == ("07",)  # leading zero kept
    assert by_id.at["siea", "departements"] == ("01",)
    assert by_id.at["megalis", "departements"] == ("22", "29", "35", "56")


def test_agedi_is_national_with_an_empty_perimeter(by_id, registry):
    assert by_id.at["agedi", "portee"] == "nationale"
    assert by_id.at["agedi", "departements"] == ()
    national = registry[registry["portee"] == "nationale"]
    assert list(national["id"]) == ["agedi"]
    assert "agedi" not in set(perimeter_table(registry)["opsn"])


def test_unknown_territories_have_no_scope(by_id):
    for opsn in ("siib", "sitec", "rvvn"):
        assert by_id.at[opsn, "portee"] == ""
        assert by_id.at[opsn, "departements"] == ()
        assert by_id.at[opsn, "confiance"] == "basse"


def test_scope_rule(registry, by_id):
    """regionale ⇔ a whole region; locale = only named member communes (README rule)."""
    departements = load_reference().departements
    assert set(registry["portee"]) <= {*SCOPES, ""}
    for row in registry.itertuples():
        if row.portee in ("departementale", "regionale"):
            assert scope_from_departments(row.departements, departements) == row.portee, row.id
        if row.portee in ("locale", "departementale", "regionale"):
            assert row.departements, row.id
    assert by_id.at["megalis", "portee"] == "regionale"
    assert by_id.at["gip_arnia", "portee"] == "regionale"
    assert by_id.at["adico", "portee"] == "departementale"  # 8 departments, 3 regions
    assert by_id.at["la_fibre_5962", "portee"] == "departementale"  # 2 of 5 departments
    assert by_id.at["sitpi", "portee"] == "locale"
    assert by_id.at["sitiv", "portee"] == "locale"
    assert scope_from_departments((), departements) == ""
    assert scope_from_departments(("2A", "2B"), departements) == "regionale"


def test_adm81_truncated_siret_is_flagged_not_guessed(by_id):
    assert by_id.at["adm81", "siren"] == "378598262"
    assert by_id.at["adm81", "siret"] == ""
    note = by_id.at["adm81", "identifiants_note"]
    assert "37859826200" in note and "tronqué" in note


def test_identifiers_are_valid(registry):
    assert (registry["siren"] != "").sum() == 28
    assert (registry["siret"] != "").sum() == 27
    for row in registry.itertuples():
        if row.siren:
            assert check_siren(row.siren).value == row.siren
        if row.siret:
            assert check_siret(row.siret).value == row.siret
            assert row.siret.startswith(row.siren)


def test_anct_ids_match_the_published_operators(registry):
    operators = {
        o["id"]: o for o in json.loads((SHARED / "anct" / "operators_sample.json").read_text())
    }
    mapped = registry[registry["anct_id"] != ""]
    assert len(mapped) == 28
    assert mapped["anct_id"].is_unique
    for row in mapped.itertuples():
        published = operators[row.anct_id]
        assert published["siret"][:9] == row.siren, row.id
        if row.siret:
            assert published["siret"] == row.siret
    names = {operators[a]["nom"] for a in mapped["anct_id"]}
    assert {o["nom"] for o in operators.values()} - names == {"ANCT", "TEST"}


def test_facts_and_sources_are_copied(registry):
    source = pd.read_csv(
        SHARED / "opsn" / "registre_opsn_2025.csv", dtype=str, keep_default_na=False
    ).set_index("id")
    assert set(source.index) == set(registry["id"])
    for row in registry.itertuples():
        original = source.loc[row.id]
        assert row.nom == original["nom"] and row.sigle == original["sigle"]
        assert row.confiance == original["confiance"]
        assert set(original["sources"].split("|")) <= set(row.sources)
        expected = {check_department(d).value for d in original["departements"].split("|") if d}
        assert set(row.departements) == expected


def test_declic_membership_unknown_is_not_no(by_id):
    assert (
        by_id.at["adico", "membre_declic_2020"] is True or by_id.at["adico", "membre_declic_2020"]
    )
    assert pd.isna(by_id.at["agedi", "membre_declic_recent"])
    assert pd.isna(by_id.at["megalis", "membre_declic_2020"])
    assert bool(by_id.at["megalis", "membre_declic_recent"])


def test_every_row_is_sourced(registry):
    assert all(len(s) >= 1 for s in registry["sources"])
    assert all(url.startswith("http") for s in registry["sources"] for url in s)


def test_perimeter_table_long_form(registry):
    table = perimeter_table(registry)
    assert list(table.columns) == ["opsn", "departement"]
    painted = registry[registry["portee"] != "locale"]
    assert len(table) == sum(len(d) for d in painted["departements"])
    assert not table.duplicated().any()
    megalis = table[table["opsn"] == "megalis"]
    assert list(megalis["departement"]) == ["22", "29", "35", "56"]
    # SITPI and CAPI serve only their member towns in Isère: no perimeter painted.
    local = set(registry.loc[registry["portee"] == "locale", "id"])
    assert {"sitpi", "capi", "sitiv"} <= local
    assert not set(table["opsn"]) & local


def test_bad_registry_file_gives_a_french_error(tmp_path, registry):
    path = tmp_path / "registre.csv"
    text = (ROOT / "data" / "opsn" / "registre_opsn.csv").read_text(encoding="utf-8-sig")
    path.write_text(text.replace(";07;", ";7|99;", 1), encoding="utf-8")
    with pytest.raises(RegistryError, match="99"):
        load_registry(path)
    path.write_text(text.replace(";regionale;", ";continentale;", 1), encoding="utf-8")
    with pytest.raises(RegistryError, match="continentale"):
        load_registry(path)
