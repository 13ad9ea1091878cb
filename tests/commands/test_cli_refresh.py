"""``python -m geo db refresh`` against a local portal serving ANCT-shaped files.

The portal (:mod:`tests.anct_portal`) has the shapes of data.gouv.fr (dataset
description, stable links that redirect, ETag / Last-Modified); the files are
made here in the published formats from communes of the real reference.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from geo.cli import main
from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.importers.inputs import load_inputs
from geo.storage import open_store
from geo.storage.versions import inputs_for_version
from tests.anct_portal import (
    ANCT_SIRET,
    GIRONDE,
    MEGALIS,
    OPERATORS_CSV,
    SITIV,
    Portal,
    adherents_gz,
    commune_sirets,
)
from tests.browser.conftest import free_port

FIRST_DAY, SECOND_DAY = "2026-11-03", "2026-11-20"


@pytest.fixture(scope="module")
def portal():
    served = Portal()
    yield served
    served.close()


@pytest.fixture(scope="module")
def codes(reference) -> dict[str, list[str]]:
    """Communes of each operator's lists: Finistère (Mégalis), Gironde, Rhône (SITIV)."""
    index = list(reference.communes_by_insee.index)
    return {
        "megalis": [c for c in index if c.startswith("29")][:30],
        "megalis_new": [c for c in index if c.startswith("29")][30:34],
        "gironde": [c for c in index if c.startswith("33")][:20],
        "sitiv": [c for c in index if c.startswith("69")][:3],
    }


@pytest.fixture(scope="module")
def first_files(reference, codes) -> tuple[bytes, bytes]:
    lines = (
        [(s, MEGALIS) for s in commune_sirets(reference, codes["megalis"])]
        + [(s, GIRONDE) for s in commune_sirets(reference, codes["gironde"])]
        + [(s, SITIV) for s in commune_sirets(reference, codes["sitiv"])]
        + [(ANCT_SIRET, MEGALIS)]  # the ANCT itself: rejected, as in the real file
    )
    return OPERATORS_CSV, adherents_gz(lines)


@pytest.fixture(scope="module")
def second_adherents(reference, codes) -> bytes:
    """Mégalis loses its first 5 communes and gains 4; SITIV is no longer listed."""
    megalis = codes["megalis"][5:] + codes["megalis_new"]
    lines = [(s, MEGALIS) for s in commune_sirets(reference, megalis)] + [
        (s, GIRONDE) for s in commune_sirets(reference, codes["gironde"])
    ]
    return adherents_gz(lines)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """The data directory of one test: ``coverage --db-version`` reads the same database."""
    monkeypatch.setenv("OPSN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("OPSN_ANCT_SOURCE", raising=False)
    return tmp_path / "data"


def run(capsys, *args) -> tuple[int, str, str]:
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def refresh(capsys, portal, *extra) -> tuple[int, dict, str]:
    status, out, err = run(
        capsys, "db", "refresh", "--source", portal.url, "--format", "json",
        "--author", "mise à jour automatique", *extra,
    )  # fmt: skip
    return status, json.loads(out), err


def version_count(capsys) -> int:
    return len(json.loads(run(capsys, "db", "versions", "--format", "json")[1]))


def adherent_communes(reference, inputs, opsn=()) -> set[str]:
    options = CoverageOptions("adhesion", opsn=tuple(opsn))
    coverage = analyse(reference, inputs, options).coverage
    return set(coverage.loc[coverage["statut"] == "adherente", "insee"])


def test_a_refresh_saves_what_coverage_finds_then_nothing_when_unchanged(
    capsys, data_dir, tmp_path, portal, first_files, reference
):
    operators, adherents = first_files
    portal.publish(operators, adherents, FIRST_DAY)
    status, result, err = refresh(capsys, portal, "--yes")
    assert status == 0, err
    assert result["status"] == "saved" and result["saved"]["kind"] == "refresh"
    assert result["source_date"] == FIRST_DAY and not result["dated"]
    files = {f["role"]: f for f in result["saved"]["files"]}
    assert files["adherents"]["name"] == "adherents.csv.gz"
    assert files["adherents"]["etag"] == portal.etag("adherents")
    assert files["adherents"]["source_date"] == FIRST_DAY
    assert len(files["operators"]["sha256"]) == 64
    assert files["adherents"]["url"] == (
        f"{portal.url}/fr/datasets/r/ffc74be0-fb88-40cf-9048-f53e955eac28"
    )
    report = {r["file"]: r for r in result["reports"]}["adherents.csv.gz"]
    assert (report["accepted"], report["rejected"]) == (53, 1)  # the same report as an upload
    assert result["preview"]["memberships"]["added"] == 53

    # The communes adhering to the ANCT's operators are those `coverage` finds on the files.
    (tmp_path / "operators.csv").write_bytes(operators)
    (tmp_path / "adherents.csv.gz").write_bytes(adherents)
    on_files = json.loads(
        run(
            capsys, "coverage", "--operators", str(tmp_path / "operators.csv"),
            "--adherents", str(tmp_path / "adherents.csv.gz"), "--rule", "adhesion",
            "--format", "json",
        )[1]
    )  # fmt: skip
    with open_store() as store:
        _, saved = inputs_for_version(store, result["saved"]["version"])
    uuids = {line.split(";")[0].strip('"') for line in operators.decode().splitlines()[1:]}
    anct_ids = sorted(saved.registry.loc[saved.registry["anct_id"].isin(uuids), "id"])
    on_version = json.loads(
        run(
            capsys, "coverage", "--db-version", "derniere", "--rule", "adhesion",
            "--filter", ",".join(anct_ids), "--format", "json",
        )[1]
    )  # fmt: skip
    assert on_version["status"]["adherente"] == on_files["status"]["adherente"]
    assert on_files["status"]["adherente"]["communes"] == 53
    loaded = load_inputs(reference, tmp_path / "operators.csv", [tmp_path / "adherents.csv.gz"])
    assert adherent_communes(reference, saved, anct_ids) == adherent_communes(
        reference, loaded.inputs
    )
    assert "adhésions ANCT du 3 novembre 2026" in on_version["data"]

    # Nothing changed at the source: nothing downloaded, nothing saved.
    downloads = list(portal.sent)
    status, again, err = refresh(capsys, portal, "--yes")
    assert status == 0 and again["status"] == "unchanged", err
    assert portal.sent == downloads and portal.not_modified[-2:] == [
        "operators.csv",
        "adherents.csv.gz",
    ]
    assert version_count(capsys) == 2
    status, out, _ = run(capsys, "db", "status", "--format", "json")
    facts = json.loads(out)
    assert facts["freshness"] == "adhésions ANCT du 3 novembre 2026"
    assert facts["anct_source"]["version"] == 2 and facts["anct_source"]["checked_at"]
    assert facts["anct_max_age_days"] == 30 and isinstance(facts["anct_age_days"], int)
    status, out, _ = run(capsys, "db", "status")
    assert "Données ANCT : adhésions ANCT du 3 novembre 2026 (version 2)" in out


def test_two_refreshes_date_the_changes_for_the_timeline(
    capsys, data_dir, tmp_path, portal, first_files, second_adherents, codes, reference
):
    portal.publish(*first_files, FIRST_DAY)
    assert refresh(capsys, portal, "--yes")[0] == 0
    portal.publish(None, second_adherents, SECOND_DAY)
    status, text, _ = run(
        capsys, "db", "refresh", "--source", portal.url, "--yes", "--author", "M"
    )  # text output: what a scheduled run's log shows
    assert status == 0
    assert "operators.csv : téléchargé" in text and "publié le 20 novembre 2026" in text
    assert "les nouvelles depuis le 20 novembre 2026" in text
    assert "Adhésions en vigueur le 20 novembre 2026 : 4 nouvelles, 8 terminées" in text
    assert "Enregistré : base enregistrée, version 3" in text

    timeline = json.loads(
        run(
            capsys, "timeline", "--db-version", "derniere", "--then", "2026-11-19",
            "--now", SECOND_DAY, "--rule", "adhesion", "--format", "json",
        )[1]
    )  # fmt: skip
    assert timeline["communes_gained"] == 4
    assert timeline["communes_lost"] == 5 + 3  # Mégalis' first five, SITIV's three
    status, out, _ = run(
        capsys, "timeline", "--db-version", "derniere", "--then", FIRST_DAY, "--now",
        SECOND_DAY, "--rule", "adhesion", "--format", "csv",
    )  # fmt: skip
    rows = [line.split(";") for line in out.lstrip("\ufeff").splitlines()[1:] if line[:1].isdigit()]
    gained = {row[0] for row in rows if row[-1] == "gagnée"}
    lost = {row[0] for row in rows if row[-1] == "perdue"}
    assert gained == set(codes["megalis_new"])
    assert lost == set(codes["megalis"][:5]) | set(codes["sitiv"])
    # Every export names the source's date.
    out = tmp_path / "regions.csv"
    run(
        capsys,
        "export",
        "tables",
        "--db-version",
        "derniere",
        "--table",
        "regions",
        "--out",
        str(out),
    )
    assert "adhésions ANCT du 20 novembre 2026" in out.read_text(encoding="utf-8-sig")
    # On the first source date, the data is the first file's: the version says so too.
    with open_store() as store:
        _, second = inputs_for_version(store)
        _, first = inputs_for_version(store, 2)
    then = CoverageOptions("adhesion", at=dt.date(2026, 11, 3))
    assert set(
        analyse(reference, second, then).coverage.query("statut == 'adherente'")["insee"]
    ) == set(analyse(reference, first, then).coverage.query("statut == 'adherente'")["insee"])


def test_refusals_change_nothing_and_exit_2_in_french(
    capsys, data_dir, portal, first_files, second_adherents, reference, codes
):
    portal.publish(*first_files, FIRST_DAY)
    assert refresh(capsys, portal, "--yes")[0] == 0
    saved = version_count(capsys)

    # Offline: nothing listens on that port.
    status, _, err = run(
        capsys, "db", "refresh", "--source", f"http://127.0.0.1:{free_port()}", "--yes"
    )
    assert status == 2 and "Suite territoriale injoignable" in err and "connexion refusée" in err

    few = adherents_gz((s, MEGALIS) for s in commune_sirets(reference, codes["megalis"][:5]))
    header_only = adherents_gz([])
    almost = adherents_gz((s, MEGALIS) for s in commune_sirets(reference, codes["megalis"]))
    renamed = adherents_gz(
        [(s, MEGALIS) for s in commune_sirets(reference, codes["megalis"])],
        header="siret_collectivite;operateur_id",
    )
    cases = [
        ("partial", second_adherents, "téléchargement interrompu"),
        ("empty", b"", "fichier vide"),
        ("header only", header_only, "fichier vide"),
        ("changed column", renamed, "les colonnes ont changé"),
        ("ten times smaller", few, "au moins 10 fois moins"),
        ("checksum", almost, "empreinte publiée"),
    ]
    for case, adherents, words in cases:
        portal.partial = case == "partial"
        portal.checksum_lie = case == "checksum"
        portal.publish(None, adherents, "2026-11-10")
        status, result, err = refresh(capsys, portal, "--yes")
        assert status == 2, case
        assert words in err and "rien n'a été modifié" in err.lower(), (case, err)
        assert result["status"] == "refused" and result["saved"] is None, case
        assert version_count(capsys) == saved, case
    portal.partial = portal.checksum_lie = False

    # A planner who read the preview may force a refusal that allows it.
    portal.publish(None, few, "2026-11-10")
    status, result, err = refresh(capsys, portal, "--dry-run")
    assert status == 2 and result["forceable"] and result["preview"]["memberships"]["removed"]
    status, result, err = refresh(capsys, portal, "--force")  # no terminal to ask, no --yes
    assert status == 2 and result["status"] == "declined" and "ajoutez --yes" in err
    assert version_count(capsys) == saved
    status, result, err = refresh(capsys, portal, "--yes", "--force")
    assert status == 0 and result["status"] == "saved", err
    assert result["saved"]["counts"]["refus_forces"] == ["plus_petit"]
    status, result, err = refresh(capsys, portal, "--yes")
    assert result["status"] == "unchanged" and status == 0
