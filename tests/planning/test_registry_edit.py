"""Editing the registry from a form: the registry's own rules, in French, field by field."""

from __future__ import annotations

import pytest

from geo.importers.registry_file import load_registry, read_registry_table
from geo.planning.changes import set_registry_row
from geo.planning.registry_edit import check_edit
from geo.storage import open_store
from geo.storage.export import export_snapshot


@pytest.fixture(scope="module")
def table():
    return read_registry_table()


@pytest.fixture(scope="module")
def departements(reference):
    return reference.departements


def test_an_edit_is_normalised_and_said(table, departements):
    check = check_edit(
        table,
        {"site_web": "www.megalis.bzh", "departements": "22, 29; 35 56", "sigle": "  Mégalis  "},
        departements,
        "megalis",
    )
    assert check.ok, check.errors
    assert check.row["site_web"] == "https://www.megalis.bzh"
    assert check.row["departements"] == "22|29|35|56"
    assert check.row["sigle"] == "Mégalis"
    assert any("complété" in note for note in check.notes)


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"siren": "253514492"}, "siren", "SIREN"),
        ({"siret": "38445261100047"}, "siret", "ne commence pas par le SIREN"),
        ({"departements": "22|99"}, "departements", "99"),
        ({"portee": "regionale", "departements": "22|29"}, "portee", "région entière"),
        ({"portee": "nationale"}, "portee", "périmètre reste vide"),
        ({"portee": "departementale", "departements": ""}, "departements", "au moins un"),
        ({"site_web": "javascript:alert(1)"}, "site_web", "pas une adresse web"),
        ({"sources": "https://ok.fr|ftp://non.fr"}, "sources", "pas une adresse web"),
        ({"confiance": "certaine"}, "confiance", "haute"),
        ({"nom": ""}, "nom", "obligatoire"),
        ({"nom": "x" * 301}, "nom", "300"),
        ({"anct_id": "pas-un-uuid"}, "anct_id", "uuid"),
        ({"annee_nb_adherents": "1850"}, "annee_nb_adherents", "1990"),
        ({"membre_declic_2020": "peut-être"}, "membre_declic_2020", "oui, non ou inconnu"),
        ({"id": "autre"}, "id", "ne change pas"),
        ({"couleur": "bleu"}, "_", "inconnu"),
        ({"offre": "totale"}, "offre", "complete ou partielle"),
        ({"offre": "partielle"}, "offre_partielle", "à quoi elle se limite"),
        ({"offre": "partielle", "offre_partielle": "sig|cafe"}, "offre_partielle", "« cafe »"),
        ({"offre": "complete", "offre_partielle": "dpo"}, "offre_partielle", "laissez"),
        ({"sert_les_communes": "parfois"}, "sert_les_communes", "oui ou non"),
    ],
)
def test_each_rule_names_its_field_in_french(table, departements, values, field, words):
    check = check_edit(table, values, departements, "megalis")
    assert not check.ok
    assert words in check.errors[field], check.errors


def test_a_partial_offer(table, departements):
    check = check_edit(
        table, {"offre": "partielle", "offre_partielle": "sig, dpo"}, departements, "megalis"
    )
    assert check.ok, check.errors
    assert check.row["offre_partielle"] == "sig|dpo"


def test_a_new_opsn(table, departements):
    values = {
        "id": "Nouvel_OPSN",
        "nom": "Syndicat numérique de test",
        "siret": "20004563110004",
        "departements": "1",
        "sources": "https://exemple.fr/statuts.pdf\nhttps://exemple.fr/deliberation",
        "confiance": "moyenne",
    }
    check = check_edit(table, values, departements)
    assert check.ok, check.errors
    row = check.row
    assert row["id"] == "nouvel_opsn"
    assert row["siren"] == "200045631"  # taken from the SIRET, and said
    assert row["departements"] == "01" and row["portee"] == "departementale"
    assert row["sources"] == "https://exemple.fr/statuts.pdf|https://exemple.fr/deliberation"
    assert (
        check_edit(table, {**values, "id": "megalis"}, departements)
        .errors["id"]
        .endswith("existe déjà.")
    )
    assert "minuscules" in check_edit(table, {**values, "id": "é"}, departements).errors["id"]


def test_an_identifier_of_another_opsn_is_refused(table, departements):
    """Mégalis Bretagne's SIRET (25351449100047) on a new OPSN, or ADICO's SIREN on Mégalis."""
    values = {"id": "nouvel_opsn", "nom": "Nouveau", "siret": "25351449100047"}
    errors = check_edit(table, values, departements).errors
    assert errors["siret"].startswith("SIRET : 25351449100047 est déjà celui de « Syndicat mixte")
    assert "(megalis)" in errors["siren"]  # the SIREN taken from that SIRET too
    errors = check_edit(table, {"siren": "384452611", "siret": ""}, departements, "megalis").errors
    assert "(adico)" in errors["siren"]
    anct = table.set_index("id").at["adico", "anct_id"]
    assert (
        "(adico)" in check_edit(table, {"anct_id": anct}, departements, "megalis").errors["anct_id"]
    )
    # Its own identifiers, unchanged, are no conflict.
    assert check_edit(table, {"sigle": "MB"}, departements, "megalis").ok


def test_sources_are_addresses_or_references_never_made_up(table, departements):
    check = check_edit(
        table,
        {"sources": "pas une adresse\nmegalis.bzh/statuts.pdf\nhttps://www.megalis.bzh"},
        departements,
        "megalis",
    )
    assert check.ok, check.errors
    assert check.row["sources"] == (
        "pas une adresse|https://megalis.bzh/statuts.pdf|https://www.megalis.bzh"
    )
    assert any("pas une adresse web : gardée telle quelle" in note for note in check.notes)
    assert not any("https://pas" in note for note in check.notes)
    refused = check_edit(table, {"sources": "javascript:alert(1)"}, departements, "megalis")
    assert "pas une adresse web" in refused.errors["sources"]
    assert not refused.notes  # nothing « completed »


def test_a_checked_edit_saved_as_a_version_loads_and_exports(
    tmp_path, table, departements, reference
):
    with open_store(tmp_path / "base.sqlite3") as store:
        _, snapshot = store.snapshot()
        original = snapshot.registry.set_index("id").loc["adico"].to_dict()
        check = check_edit(snapshot.registry, {"departements": "60|02|80"}, departements, "adico")
        assert check.ok, check.errors
        version = store.commit(
            lambda s: set_registry_row(s, check.row, original),
            author="Marie", kind="edit", reason="périmètre ADICO revu",
        )  # fmt: skip
        assert version.counts["opsn_modifies"] == 1
        _, saved = store.snapshot()
        export_snapshot(saved, tmp_path / "out", reference)
    registry = load_registry(tmp_path / "out" / "registre_opsn.csv").set_index("id")
    assert registry.at["adico", "departements"] == ("60", "02", "80")
