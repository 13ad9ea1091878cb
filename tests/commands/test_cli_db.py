"""``python -m geo db …``: versions from a terminal, and two imports at the same moment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from geo.cli import main
from geo.core.paths import OPSN_DIR, ROOT

LIST = ROOT / "tests" / "fixtures" / "planner" / "liste_nom_insee.csv"
VIRE = ROOT / "tests" / "fixtures" / "planner" / "liste_vire.csv"


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "base.sqlite3")


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def run(capsys, *args) -> tuple[int, str, str]:
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_status_and_versions_on_a_new_database(capsys, db):
    status, out, _ = run(capsys, "db", "--db", db, "status", "--format", "json")
    result = json.loads(out)
    assert status == 0 and result["versions"] == 1 and not result["bundled_differs"]
    assert result["current"]["kind"] == "seed"
    status, out, _ = run(capsys, "db", "--db", db, "versions", "--format", "json")
    (version,) = json.loads(out)
    assert {"version", "created_at", "author", "kind", "reason", "files", "counts"} <= set(version)


def test_import_preview_compare_restore_export(capsys, db, tmp_path):
    status, out, err = run(
        capsys, "db", "--db", db, "import", str(LIST), "--opsn", "manche_numerique",
        "--author", "Marie", "--reason", "liste 2026", "--dry-run", "--format", "json",
    )  # fmt: skip
    result = json.loads(out)
    assert status == 1  # one line rejected: said by the exit status, the others are kept
    assert result["saved"] is None and result["reports"][0]["rejected"] == 1
    assert result["preview"]["figures"]["covered_population_delta"] == 150_748
    assert len(json.loads(run(capsys, "db", "--db", db, "versions", "--format", "json")[1])) == 1

    status, out, _ = run(
        capsys, "db", "--db", db, "import", str(LIST), "--opsn", "manche_numerique",
        "--author", "Marie", "--reason", "liste 2026",
    )  # fmt: skip
    assert status == 1 and "Enregistré : base enregistrée, version 2" in out
    status, out, _ = run(capsys, "db", "--db", db, "compare", "1", "2", "--format", "json")
    compared = json.loads(out)
    assert compared["memberships"]["added"] == 4
    assert compared["figures"]["covered_population_delta"] == 150_748
    status, out, _ = run(capsys, "db", "--db", db, "compare", "1", "2")
    assert "    Manche Numérique : +4 −0" in out
    assert "(+150\u202f748 habitants)" in out

    status, out, _ = run(capsys, "db", "--db", db, "restore", "1", "--author", "Paul")
    assert status == 0 and "version 3" in out
    status, out, err = run(capsys, "db", "--db", db, "restore", "3", "--author", "Paul")
    assert status == 2 and "rien n'a changé" in err
    status, out, _ = run(capsys, "db", "--db", db, "export", "--out", str(tmp_path / "out"))
    for name in ("registre_opsn.csv", "adhesions.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (OPSN_DIR / name).read_bytes()
        # the published seed is a shared file: as the umask allows, not mkstemp's 0600
        assert (tmp_path / "out" / name).stat().st_mode & 0o777 == 0o666 & ~current_umask()
    status, out, _ = run(
        capsys, "db", "--db", db, "export", "--out", str(tmp_path / "v2"), "--version", "2"
    )
    assert "Caen" in (tmp_path / "v2" / "adhesions.csv").read_text(encoding="utf-8-sig")


def test_coverage_of_a_saved_version(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("OPSN_DATA_DIR", str(tmp_path / "data"))
    status, out, _ = run(capsys, "coverage", "--db-version", "derniere", "--format", "json")
    bundled = json.loads(run(capsys, "coverage", "--format", "json")[1])
    saved = json.loads(out)
    assert saved["covered_population"] == bundled["covered_population"]
    assert saved["data"].startswith("base enregistrée, version 1 du ")
    run(capsys, "db", "import", str(LIST), "--opsn", "manche_numerique", "--author", "M")
    version2 = json.loads(run(capsys, "coverage", "--db-version", "2", "--format", "json")[1])
    assert version2["covered_population"] == bundled["covered_population"] + 150_748
    status, _, err = run(capsys, "coverage", "--db-version", "7")
    assert status == 2 and "version 7 inconnue" in err
    status, _, err = run(capsys, "coverage", "--db-version", "2", "--adherents", str(LIST))
    assert status == 2 and "ne se combine pas" in err


def test_two_imports_typed_at_the_same_moment_are_both_kept(tmp_path):
    db = str(tmp_path / "base.sqlite3")
    main(["db", "--db", db, "versions"])  # create it first, as a running app would have
    commands = [
        [sys.executable, "-m", "geo", "db", "--db", db, "import", str(path), "--opsn", opsn,
         "--author", opsn, "--format", "json"]
        for path, opsn in ((LIST, "manche_numerique"), (VIRE, "smico"))
    ]  # fmt: skip
    children = [
        subprocess.Popen(c, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in commands
    ]
    results = [child.communicate(timeout=300) for child in children]
    saved = sorted(json.loads(out)["saved"]["version"] for out, _ in results)
    assert saved == [2, 3], [err for _, err in results]
    status = subprocess.run(
        [sys.executable, "-m", "geo", "db", "--db", db, "compare", "1", "3", "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    compared = json.loads(status.stdout)
    by_opsn = {row["opsn"]: row["added"] for row in compared["memberships"]["by_opsn"]}
    assert by_opsn == {"manche_numerique": 4, "smico": 1}
    assert compared["figures"]["covered_population_delta"] == 150_748 + 17_457


def test_a_scenario_is_a_draft_until_published(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("OPSN_DATA_DIR", str(tmp_path / "data"))
    args = ["scenario", "manche_numerique", "--add-departements", "14", "--format", "json"]
    shown = json.loads(run(capsys, *args)[1])
    assert "saved_version" not in shown and "saved_scenario" not in shown
    assert shown["data"] == "données livrées" and shown["data_version"] is None  # no base yet
    saved = json.loads(run(capsys, *args, "--save", "Calvados", "--author", "Marie")[1])
    draft = saved["saved_scenario"]
    assert draft["name"] == "Calvados" and draft["base"] == 1 and "saved_version" not in saved
    # A draft is not data in service: no version, the same figures, the same export.
    assert len(json.loads(run(capsys, "db", "versions", "--format", "json")[1])) == 1
    coverage = json.loads(run(capsys, "coverage", "--format", "json")[1])
    assert coverage["covered_population"] == shown["before"]["covered_population"]
    run(capsys, "db", "export", "--out", str(tmp_path / "out"))
    for name in ("registre_opsn.csv", "adhesions.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (OPSN_DIR / name).read_bytes()
    listed = json.loads(run(capsys, "db", "scenarios", "--format", "json")[1])
    assert [d["scenario"] for d in listed] == [draft["scenario"]]
    # Reopened by its number: the same figures, on the version it was saved on.
    again = json.loads(
        run(capsys, "scenario", "--scenario", str(draft["scenario"]), "--format", "json")[1]
    )
    assert again["after"] == saved["after"] and again["data_version"] == 1
    # Published: the version in service changes, once.
    status, out, _ = run(capsys, "db", "publish", str(draft["scenario"]), "--dry-run")
    assert status == 0 and "Rien n'est enregistré" in out
    assert len(json.loads(run(capsys, "db", "versions", "--format", "json")[1])) == 1
    status, out, _ = run(capsys, "db", "publish", str(draft["scenario"]), "--author", "Paul")
    assert status == 0 and "Enregistré : base enregistrée, version 2" in out
    figures = json.loads(run(capsys, "coverage", "--format", "json")[1])
    assert figures["covered_population"] == shown["after"]["covered_population"]
    assert figures["data_version"] == 2
    status, _, err = run(capsys, "db", "publish", str(draft["scenario"]), "--author", "Paul")
    assert status == 2 and "déjà été publié (version 2, par Paul)" in err
    # --publish from the scenario command: on the version in service only.
    status, _, err = run(capsys, *args, "--publish", "--db-version", "1")
    assert status == 2 and "version en service" in err


def test_scenario_figures_export(capsys):
    args = ["scenario", "manche_numerique", "--add-departements", "14"]
    gained = json.loads(run(capsys, *args, "--format", "json")[1])["population_gained"]
    status, out, _ = run(capsys, *args, "--format", "csv")
    lines = out.lstrip("\ufeff").splitlines()
    assert status == 0 and lines[0] == "indicateur;avant;apres;ecart"
    assert re.match(
        r"^Part de la population couverte \(%\);\d+,\d\d;\d+,\d\d;-?\d+,\d\d$", lines[1]
    )
    assert f"Population gagnée;0;{gained};{gained}" in lines
    assert any(
        "python -m geo scenario manche_numerique --add-departements 14" in line for line in lines
    )


def test_every_command_reads_the_database_by_default_and_names_its_data(
    capsys, monkeypatch, tmp_path
):
    from geo.planning.changes import set_registry_row
    from geo.storage import open_store

    monkeypatch.setenv("OPSN_DATA_DIR", str(tmp_path / "data"))
    members = tmp_path / "liste.csv"
    members.write_text("insee\n14118\n", encoding="utf-8")
    # No database yet: the bundled files, said so; nothing is created by reading.
    status, out, _ = run(capsys, "white-zones", "--limit", "1")
    assert out.splitlines()[0] == "Territoires sans OPSN — données livrées"
    assert not (tmp_path / "data").exists()
    with open_store() as store:  # an OPSN only the database knows
        row = {"id": "nouvel_opsn", "nom": "Nouvel OPSN", "confiance": "basse"}
        store.commit(lambda s: set_registry_row(s, row, None), author="M", kind="edit", reason="x")
    status, out, _ = run(capsys, "validate", str(members), "--opsn", "nouvel_opsn")
    assert status == 0 and out.splitlines()[0].startswith(
        "Vérifié avec le registre des OPSN : base enregistrée, version 2 du "
    )
    for argv in (
        ["coverage"],
        ["white-zones", "--limit", "2"],
        ["opportunities", "--limit", "2"],
        ["scenario", "sitpi", "--add-departements", "73"],
        ["timeline", "--then", "2020-05-01"],
        ["validate", str(members), "--opsn", "nouvel_opsn"],
    ):
        out = json.loads(run(capsys, *argv, "--format", "json")[1])
        for record in out if isinstance(out, list) else [out]:
            assert record["data_version"] == 2, argv
            assert record["data"].startswith("base enregistrée, version 2 du "), argv
        out = json.loads(run(capsys, *argv, "--format", "json", "--donnees-livrees")[1])
        for record in out if isinstance(out, list) else [out]:
            assert record["data_version"] is None and record["data"] == "données livrées", argv
    status, _, err = run(capsys, "coverage", "--donnees-livrees", "--db-version", "1")
    assert status == 2 and "s'excluent" in err
