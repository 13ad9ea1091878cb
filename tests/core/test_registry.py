"""The OPSN registry: the facts copied from the research notes, normalised and sourced."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from geo.core.ids import check_department, check_siren, check_siret
from geo.core.paths import ROOT
from geo.core.reference import load_reference
from geo.core.registry import (
    PARTIAL_OFFER_KINDS,
    REGISTRY_COLUMNS,
    SCOPES,
    RegistryError,
    non_communal_ids,
    partial_offer_ids,
    perimeter_table,
    scope_from_departments,
    uncounted_opsn,
)
from geo.importers.registry_file import load_registry

# The research data sit in shared/ beside the clone (or beside its parent, for a worktree).
SHARED = next(
    (p / "shared" / "data" for p in ROOT.parents[:2] if (p / "shared" / "data").is_dir()),
    ROOT.parent / "shared" / "data",
)


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture(scope="module")
def by_id(registry):
    return registry.set_index("id")


@pytest.fixture(scope="module")
def corrections() -> pd.DataFrame:
    return pd.read_csv(
        SHARED / "opsn" / "corrections_2026-11.csv", dtype=str, keep_default_na=False
    ).set_index("id")


def test_86_bodies_with_every_column(registry):
    assert len(registry) == 86  # 74 of the 2025 registry + 12 added in November 2026
    assert registry["id"].is_unique
    assert tuple(registry.columns) == REGISTRY_COLUMNS
    required = {
        "id", "nom", "sigle", "forme_juridique", "siren", "siret", "site_web", "portee",
        "departements", "membre_declic_2020", "membre_declic_recent", "sources",
        "confiance", "anct_id", "perimetre_note", "offre", "offre_partielle",
        "sert_les_communes", "revision",
    }  # fmt: skip
    assert required <= set(registry.columns)


def test_perimeters_are_normalised_tuples(registry, by_id):
    for departments in registry["departements"]:
        assert isinstance(departments, tuple)
        for code in departments:
            assert check_department(code).value == code
    assert by_id.at["numerian", "departements"] == ("07", "26")  # leading zero kept
    assert by_id.at["siea", "departements"] == ("01",)
    assert by_id.at["megalis", "departements"] == ("22", "29", "35", "56")


def test_national_bodies_have_an_empty_perimeter(by_id, registry):
    assert by_id.at["agedi", "portee"] == "nationale"
    assert by_id.at["agedi", "departements"] == ()
    national = registry[registry["portee"] == "nationale"]
    assert sorted(national["id"]) == ["agedi", "sib"]  # SIB: health GIP, 22|29|35|56 withdrawn
    assert by_id.at["sib", "departements"] == ()
    assert not {"agedi", "sib"} & set(perimeter_table(registry)["opsn"])


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
    # The corrections say "regionale", but 7 Grand Est departments + Aisne are no whole region.
    assert by_id.at["spl_xdemat", "portee"] == "departementale"
    assert by_id.at["gip_maximilien", "portee"] == "regionale"  # all of Île-de-France
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


def test_facts_and_sources_are_copied(registry, corrections):
    """Each row says what the 2025 registry says, unless the November 2026 corrections say otherwise."""
    source = pd.read_csv(
        SHARED / "opsn" / "registre_opsn_2025.csv", dtype=str, keep_default_na=False
    ).set_index("id")
    assert set(source.index) | set(corrections.index) == set(registry["id"])
    for row in registry.itertuples():
        original = corrections.loc[row.id] if row.id in corrections.index else source.loc[row.id]
        assert row.nom == original["nom"] and row.sigle == original["sigle"], row.id
        assert row.confiance == original["confiance"], row.id
        assert set(original["sources"].split("|")) <= set(row.sources), row.id
        if row.id in source.index:  # old sources are kept after a correction
            assert set(source.at[row.id, "sources"].split("|")) <= set(row.sources), row.id
        expected = {check_department(d).value for d in original["departements"].split("|") if d}
        assert set(row.departements) == expected, row.id


def test_declic_membership_unknown_is_not_no(by_id):
    assert (
        by_id.at["adico", "membre_declic_2020"] is True or by_id.at["adico", "membre_declic_2020"]
    )
    assert pd.isna(by_id.at["agedi", "membre_declic_recent"])
    assert pd.isna(by_id.at["megalis", "membre_declic_2020"])
    assert bool(by_id.at["megalis", "membre_declic_recent"])


def test_corrections_of_november_2026_are_applied(registry, by_id, corrections):
    assert len(corrections) == 21
    assert set(corrections.index) == set(
        registry.loc[registry["revision"] == "corrections_2026-11", "id"]
    )
    new = corrections[corrections["nature"] == "nouveau"]
    assert len(new) == 12 and not set(new.index) & set(
        registry.loc[registry["revision"] == "registre_2025", "id"]
    )
    for opsn, fix in corrections.iterrows():
        assert by_id.at[opsn, "offre"] == fix["offre"], opsn
        assert by_id.at[opsn, "perimetre_note"] == fix["note"], opsn
        recent = by_id.at[opsn, "membre_declic_recent"]
        expected = {"oui": True, "non": False}.get(fix["membre_declic"])
        assert pd.isna(recent) if expected is None else recent == expected, opsn
        if opsn != "spl_xdemat":
            assert by_id.at[opsn, "portee"] == fix["portee"], opsn
    assert by_id.at["sictiam", "departements"] == ("06", "83")
    assert by_id.at["spl_xdemat", "departements"] == (
        "02",
        "08",
        "10",
        "51",
        "52",
        "54",
        "55",
        "88",
    )
    assert by_id.at["seine_yvelines_numerique", "confiance"] == "haute"
    assert by_id.at["infocom94", "portee"] == "locale"
    assert by_id.at["cogitis", "forme_juridique"] == "syndicat mixte"


def test_offers_complete_or_partial_with_what(registry, by_id):
    assert set(registry["offre"]) == {"complete", "partielle"}
    partial = registry[registry["offre"] == "partielle"]
    assert len(partial) == 12
    assert all(
        kinds and set(kinds) <= set(PARTIAL_OFFER_KINDS) for kinds in partial["offre_partielle"]
    )
    assert all(
        kinds == () for kinds in registry.loc[registry["offre"] == "complete", "offre_partielle"]
    )
    assert by_id.at["cdg14", "offre_partielle"] == ("dpo",)
    assert by_id.at["gip_maximilien", "offre_partielle"] == ("commande_publique",)
    assert by_id.at["datasud", "offre_partielle"] == ("donnees", "sig")
    assert partial_offer_ids(registry) == frozenset(partial["id"])


def test_bodies_that_do_not_serve_communes_never_count(registry, by_id):
    assert non_communal_ids(registry) == {"sib", "cogitis"}
    assert not by_id.at["sib", "sert_les_communes"] and by_id.at["megalis", "sert_les_communes"]
    assert not {"sib", "cogitis"} & set(perimeter_table(registry)["opsn"])
    assert {"sib", "cogitis"} <= uncounted_opsn(registry, count_partial_offers=True)
    # Partial offers count when asked, or when chosen in the OPSN filter.
    assert "datasud" in uncounted_opsn(registry)
    assert "datasud" not in uncounted_opsn(registry, count_partial_offers=True)
    assert "datasud" not in uncounted_opsn(registry, chosen=("datasud",))
    # Their perimeters stay in the table: the side panel lists them apart.
    assert "datasud" in set(perimeter_table(registry)["opsn"])


def test_registry_without_the_offer_columns_still_reads(tmp_path):
    """A registry written before November 2026 reads as complete offers to communes."""
    frame = pd.read_csv(
        ROOT / "data" / "opsn" / "registre_opsn.csv", sep=";", dtype=str,
        keep_default_na=False, encoding="utf-8-sig",
    ).drop(columns=["offre", "offre_partielle", "sert_les_communes", "revision"])  # fmt: skip
    path = tmp_path / "ancien.csv"
    frame.to_csv(path, sep=";", index=False)
    old = load_registry(path)
    assert set(old["offre"]) == {"complete"} and old["sert_les_communes"].all()
    assert tuple(old.columns) == REGISTRY_COLUMNS


def test_every_row_is_sourced(registry):
    assert all(len(s) >= 1 for s in registry["sources"])
    assert all(url.startswith("http") for s in registry["sources"] for url in s)


def test_perimeter_table_long_form(registry):
    table = perimeter_table(registry)
    assert list(table.columns) == ["opsn", "departement"]
    painted = registry[(registry["portee"] != "locale") & registry["sert_les_communes"]]
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
    path.write_text(text.replace(";07|26;", ";7|99;", 1), encoding="utf-8")
    with pytest.raises(RegistryError, match="99"):
        load_registry(path)
    path.write_text(text.replace(";regionale;", ";continentale;", 1), encoding="utf-8")
    with pytest.raises(RegistryError, match="continentale"):
        load_registry(path)
    path.write_text(text.replace(";partielle;dpo;", ";partielle;;", 1), encoding="utf-8")
    with pytest.raises(RegistryError, match="offre partielle sans nature"):
        load_registry(path)
    path.write_text(text.replace(";partielle;dpo;", ";partielle;rgpd;", 1), encoding="utf-8")
    with pytest.raises(RegistryError, match="rgpd"):
        load_registry(path)
