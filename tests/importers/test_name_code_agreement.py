"""A member line's name and code must designate the same commune; what does not is said.

The fixture ``cdg29_adherents.csv`` is a Finistère list as a CDG would keep
it in Excel (title line, ``;``, Windows-1252, CRLF, codes that lost their
zero or a digit). From the reference data (COG 2026): 29019 Brest, 29190
Plougonvelin, 29105 Landivisiau, 29259 Saint-Pol-de-Léon, 29075 Guipavas,
56260 Vannes (Morbihan). The registry's CDG29 (``cdg29``) serves the 29.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.cli import main
from geo.importers.members import Correction
from geo.importers.memberships import read_memberships
from geo.importers.registry_file import load_registry

LIST = Path(__file__).parents[1] / "fixtures" / "import" / "cdg29_adherents.csv"


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def issues(result) -> dict[int, dict]:
    return {issue["line"]: issue for issue in result.report.issues}


def read(reference, registry, data: bytes, name: str = "liste.csv", **kwargs):
    return read_memberships(name, reference, registry, content=data, **kwargs)


@pytest.fixture(scope="module")
def finistere(reference, registry):
    return read_memberships(LIST, reference, registry, opsn="cdg29")


def test_a_name_and_a_code_of_two_communes_are_neither_accepted(finistere):
    brest = issues(finistere)[5]
    assert brest["status"] == "rejected" and brest["problem"] == "nom_code_discordants"
    assert "« Brest » ≠ 29190 Plougonvelin" in brest["message"]
    assert {c["insee"] for c in brest["candidates"]} == {"29019", "29190"}
    assert brest["suggestion"] is None  # two communes: the planner chooses
    assert brest["cells"] == {"insee": "29190", "nom": "Brest"}
    kept = finistere.memberships
    assert "29019" not in set(kept["insee"])
    # The real Plougonvelin further down is kept, and is nobody's duplicate.
    assert kept.loc[kept["insee"] == "29190", "ligne"].tolist() == [10]
    assert 10 not in issues(finistere) and finistere.report.duplicates == 0


def test_a_truncated_code_is_quoted_as_written_and_the_name_suggests_the_commune(finistere):
    landivisiau = issues(finistere)[6]
    assert landivisiau["status"] == "rejected" and landivisiau["value"] == "2910"
    assert "« 2910 »" in landivisiau["message"] and "« 02910 »" not in landivisiau["message"]
    assert "sans code" not in landivisiau["message"]
    assert landivisiau["suggestion"] == {
        "insee": "29105",
        "nom": "Landivisiau",
        "departement": "29",
    }
    st_pol = issues(finistere)[11]  # no code at all, « St » for « Saint »
    assert st_pol["status"] == "rejected" and st_pol["suggestion"]["insee"] == "29259"


def test_a_commune_of_another_department_is_kept_and_flagged(finistere):
    vannes = issues(finistere)[9]
    assert vannes["status"] == "flagged" and vannes["problem"] == "hors_departements"
    assert "Morbihan" in vannes["message"] and "CDG29" in vannes["message"]
    assert vannes["member"] == {"kind": "commune", "code": "56260", "nom": "Vannes"}
    assert "56260" in set(finistere.memberships["insee"])
    report = finistere.report
    assert (report.rows, report.accepted, report.rejected, report.flagged) == (9, 6, 3, 1)
    assert report.rows == report.accepted + report.rejected + report.duplicates + report.blank
    # « Commune de Guipavas » is Guipavas: nothing to say.
    assert 12 not in issues(finistere) and "29075" in set(finistere.memberships["insee"])


def test_corrections_by_line_replace_the_member_or_leave_the_line_out(reference, registry):
    corrections = {
        5: Correction("29019"),
        6: Correction("29105"),
        9: Correction(keep=False),
        11: Correction("Saint-Pol-de-Léon"),  # a name unique in the OPSN's departments
    }
    result = read_memberships(LIST, reference, registry, opsn="cdg29", corrections=corrections)
    kept = result.memberships.set_index("ligne")["insee"].to_dict()
    assert kept == {
        4: "29232",
        5: "29019",
        6: "29105",
        7: "29151",
        8: "29235",
        10: "29190",
        11: "29259",
        12: "29075",
    }
    found = issues(result)
    assert found[5]["status"] == "corrected" and "Brest (29019)" in found[5]["message"]
    assert found[9]["status"] == "rejected" and found[9]["problem"] == "ecartee"
    report = result.report
    assert (report.accepted, report.corrected, report.rejected, report.flagged) == (8, 3, 1, 0)
    wrong = read_memberships(
        LIST, reference, registry, opsn="cdg29", corrections={5: Correction("Saint-Martin")}
    )
    assert issues(wrong)[5]["problem"] == "correction_invalide"


@pytest.mark.parametrize(
    ("line", "status", "problem"),
    [
        ("Mairie du Conquet;29040;", None, ""),  # « du » = « de Le »
        ("Brest (29);29019;", None, ""),
        ("Plougonvellin;29190;", None, ""),  # misspelt
        ("Brest;29019;56", "rejected", "departement_code_discordants"),
        ("SIVU des écoles;29019;", "flagged", "nom_inconnu"),
        ("Vannes;29190;", "rejected", "nom_code_discordants"),  # a commune of elsewhere
    ],
)
def test_how_a_name_beside_a_code_is_read(reference, registry, line, status, problem):
    data = f"Commune;Code INSEE;Département\n{line}\n".encode()
    result = read(reference, registry, data, opsn="cdg29")
    found = issues(result).get(2, {"status": None, "problem": ""})
    assert (found["status"], found["problem"]) == (status, problem)


def test_without_a_perimeter_a_unique_name_in_france_is_suggested(reference, registry):
    data = b"nom;insee\nLandivisiau;\nSaint-Martin;\n"
    result = read(reference, registry, data, opsn="agedi")  # national, no departments
    found = issues(result)
    assert found[2]["suggestion"]["insee"] == "29105"
    assert found[3]["suggestion"] is None and len(found[3]["candidates"]) > 1


def test_validate_json_gives_the_same_report_and_suggestions(capsys):
    code = main(["validate", str(LIST), "--opsn", "cdg29", "--format", "json"])
    assert code == 1  # lines rejected
    report = json.loads(capsys.readouterr().out)
    assert {"rows", "accepted", "corrected", "rejected", "issues", "flagged"} <= report.keys()
    by_line = {issue["line"]: issue for issue in report["issues"]}
    assert by_line[6]["suggestion"]["insee"] == "29105"
    assert by_line[5]["problem"] == "nom_code_discordants"
    assert by_line[9]["status"] == "flagged"
    assert {"line", "value", "status", "message", "candidates", "suggestion"} <= by_line[5].keys()
    main(["validate", str(LIST), "--opsn", "cdg29"])
    text = capsys.readouterr().out
    assert "1 à vérifier" in text and "[à vérifier]" in text and "Landivisiau (29105)" in text
