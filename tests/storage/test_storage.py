"""Saved data: the SQLite store, its versions, comparison, restore and export."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

from geo.core.memberships import memberships_frame
from geo.core.paths import OPSN_DIR
from geo.planning.changes import (
    apply_scenario,
    import_memberships,
    import_operators,
    set_registry_row,
)
from geo.planning.compare import compare_snapshots, compare_versions
from geo.planning.imports import apply_import, read_import
from geo.storage import (
    ConflictError,
    NothingToSave,
    Snapshot,
    StorageError,
    UnknownVersion,
    data_dir,
    database_path,
    open_store,
)
from geo.storage.export import export_snapshot
from geo.storage.labels import data_label, parse_version, short_label
from geo.storage.seed import bundled_snapshot
from geo.storage.versions import inputs_for_version, version_rows

FIXTURES = OPSN_DIR.parent.parent / "tests" / "fixtures"
BUNDLED, _ = bundled_snapshot()
N_OPSN, N_MEMBERS = len(BUNDLED.registry), len(BUNDLED.memberships)


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "base.sqlite3") as opened:
        yield opened


def members(*rows) -> pd.DataFrame:
    return memberships_frame(
        [{"opsn": o, "insee": i, "epci": e, "source": "test.csv", "ligne": n + 2}
         for n, (o, i, e) in enumerate(rows)]
    )  # fmt: skip


def test_data_dir_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("OPSN_DATA_DIR", str(tmp_path / "ici"))
    assert data_dir() == tmp_path / "ici"
    assert database_path().parent == tmp_path / "ici"
    monkeypatch.delenv("OPSN_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "couverture-opsn"


def test_first_start_seeds_version_1_from_the_bundled_files(store):
    (version,) = store.versions()
    assert version.number == 1 and version.kind == "seed"
    assert {f["name"] for f in version.files} == {
        "data/opsn/registre_opsn.csv",
        "data/opsn/adhesions.csv",
    }
    assert version.counts["opsn"] == N_OPSN and version.counts["adhesions"] == N_MEMBERS
    bundled, _ = bundled_snapshot()
    _, saved = store.snapshot()
    pd.testing.assert_frame_equal(saved.registry, bundled.registry)
    pd.testing.assert_frame_equal(saved.memberships, bundled.memberships)


def test_reopening_does_not_seed_twice(tmp_path):
    path = tmp_path / "base.sqlite3"
    open_store(path).close()
    with open_store(path) as again:
        assert len(again.versions()) == 1


def test_database_runs_in_wal_mode_with_a_busy_timeout(store):
    db = store.connection
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_an_unchanged_seed_exports_byte_for_byte(store, reference, tmp_path):
    _, snapshot = store.snapshot()
    written = export_snapshot(snapshot, tmp_path / "out", reference)
    for path in written:
        assert path.read_bytes() == (OPSN_DIR / path.name).read_bytes(), path.name


def test_import_creates_one_version_with_who_why_files_and_counts(store, reference):
    data = (FIXTURES / "planner" / "liste_nom_insee.csv").read_bytes()
    base, snapshot = store.snapshot()
    batch = read_import(
        reference, [("liste.csv", data)], snapshot.registry_typed(), "manche_numerique"
    )
    assert batch.opsn == ["manche_numerique"]
    assert len(batch.memberships) == 4 and batch.reports[0].rejected == 1
    version = store.commit(
        lambda current: apply_import(current, batch),
        author="Marie Dupont",
        kind="import",
        reason="liste reçue de Manche Numérique",
        files=batch.files,
        base=base.number,
    )
    assert version.number == 2 and version.author == "Marie Dupont"
    assert version.reason == "liste reçue de Manche Numérique"
    assert version.files[0]["name"] == "liste.csv" and version.files[0]["rejetees"] == 1
    assert (
        version.counts["adhesions"] == N_MEMBERS + 4 and version.counts["adhesions_ajoutees"] == 4
    )
    _, saved = store.snapshot()
    mine = saved.memberships[saved.memberships["opsn"] == "manche_numerique"]
    assert set(mine["insee"]) == {"14118", "14327", "14341", "14271"}
    assert set(mine["source"]) == {"liste.csv"}
    # The previous version is still there, untouched.
    _, first = store.snapshot(1)
    assert len(first.memberships) == N_MEMBERS


def test_a_file_given_twice_is_read_once(reference, store):
    data = (FIXTURES / "planner" / "liste_nom_insee.csv").read_bytes()
    _, snapshot = store.snapshot()
    batch = read_import(
        reference, [("a.csv", data), ("copie.csv", data)], snapshot.registry_typed(), "sitpi"
    )
    assert len(batch.files) == 1 and len(batch.memberships) == 4
    assert batch.repeated and "copie.csv" in batch.repeated[0] and "a.csv" in batch.repeated[0]


def test_replace_mode_replaces_only_the_imported_opsn(store):
    _, snapshot = store.snapshot()
    new = import_memberships(snapshot, members(("sitpi", "38185", "")), "remplacer")
    assert set(new.memberships.loc[new.memberships["opsn"] == "sitpi", "insee"]) == {"38185"}
    assert (new.memberships["opsn"] == "sitiv").sum() == 7
    added = import_memberships(
        snapshot, members(("sitpi", "38185", ""), ("sitpi", "38111", "")), "ajouter"
    )
    assert (added.memberships["opsn"] == "sitpi").sum() == 11  # 38111 was already there


def test_nothing_changed_creates_no_version(store):
    with pytest.raises(NothingToSave):
        store.commit(lambda s: s, author="moi", kind="edit", reason="rien")
    assert len(store.versions()) == 1


def test_an_invalid_registry_is_refused_and_nothing_is_written(store):
    def broken(snapshot):
        registry = snapshot.registry.copy()
        registry.loc[0, "confiance"] = "certaine"
        return Snapshot(registry, snapshot.memberships)

    with pytest.raises(Exception, match="confiance « certaine » inconnue"):
        store.commit(broken, author="moi", kind="edit", reason="x")
    assert len(store.versions()) == 1


def test_author_is_required(store):
    with pytest.raises(StorageError, match="auteur"):
        store.commit(lambda s: s, author="  ", kind="edit", reason="x")


def test_restore_makes_a_new_version_with_the_old_data(store, reference, tmp_path):
    _, seed = store.snapshot(1)
    store.commit(
        lambda s: import_memberships(s, members(("sitpi", "38185", "")), "remplacer"),
        author="a", kind="import", reason="un",
    )  # fmt: skip
    store.commit(
        lambda s: set_registry_row(s, {"id": "megalis", "sigle": "MB"}, {"sigle": "Mégalis Bretagne"}),
        author="b", kind="edit", reason="deux",
    )  # fmt: skip
    restored = store.restore(1, author="c")
    assert restored.number == 4 and restored.kind == "restore" and restored.restored_from == 1
    _, now = store.snapshot()
    pd.testing.assert_frame_equal(now.registry, seed.registry)
    pd.testing.assert_frame_equal(now.memberships, seed.memberships)
    # Same rows in the same order: the export is the bundled file again.
    for path in export_snapshot(now, tmp_path, reference):
        assert path.read_bytes() == (OPSN_DIR / path.name).read_bytes()
    with pytest.raises(NothingToSave):
        store.restore(4, author="c")
    with pytest.raises(UnknownVersion, match="version 99 inconnue"):
        store.restore(99, author="c")


def test_compare_two_versions(store, reference):
    store.commit(
        lambda s: import_memberships(
            s, members(("manche_numerique", "14118", ""), ("manche_numerique", "14327", "")), "ajouter"
        ),
        author="a", kind="import", reason="Caen",
    )  # fmt: skip
    store.commit(
        lambda s: set_registry_row(
            s, {"id": "megalis", "site_web": "https://megalis.bzh"},
            {"site_web": "https://www.megalis.bretagne.bzh"},
        ),
        author="b", kind="edit", reason="site",
    )  # fmt: skip
    result = compare_versions(store, 1, 3, reference)
    assert result["a"]["version"] == 1 and result["b"]["version"] == 3
    (changed,) = result["registry"]["changed"]
    assert changed["id"] == "megalis"
    assert changed["fields"] == [
        {
            "field": "site_web",
            "before": "https://www.megalis.bretagne.bzh",
            "after": "https://megalis.bzh",
        }
    ]
    assert result["memberships"]["added"] == 2 and result["memberships"]["removed"] == 0
    assert result["memberships"]["by_opsn"][0]["opsn"] == "manche_numerique"
    figures = result["figures"]
    assert figures.covered_population_delta == 109_400 + 23_470
    assert figures.after.covered_population - figures.before.covered_population == 132_870
    assert {c["insee"] for c in result["communes"]} == {"14118", "14327"}
    # Backwards: the same changes, signs reversed.
    back = compare_versions(store, 3, 1, reference)
    assert back["memberships"]["removed"] == 2
    assert back["figures"].covered_population_delta == -132_870


def test_registry_edit_conflict_is_refused_not_overwritten(store):
    original = {"site_web": "https://www.megalis.bretagne.bzh"}
    store.commit(
        lambda s: set_registry_row(s, {"id": "megalis", "site_web": "https://a.bzh"}, original),
        author="a", kind="edit", reason="premier",
    )  # fmt: skip
    with pytest.raises(ConflictError, match="modifiée entre-temps"):
        store.commit(
            lambda s: set_registry_row(s, {"id": "megalis", "site_web": "https://b.bzh"}, original),
            author="b", kind="edit", reason="second",
        )  # fmt: skip
    assert len(store.versions()) == 2
    # Another field of the same OPSN is no conflict.
    store.commit(
        lambda s: set_registry_row(s, {"id": "megalis", "sigle": "MB"}, {"sigle": "Mégalis Bretagne"}),
        author="b", kind="edit", reason="sigle",
    )  # fmt: skip
    _, now = store.snapshot()
    row = now.registry.set_index("id").loc["megalis"]
    assert row["site_web"] == "https://a.bzh" and row["sigle"] == "MB"


def test_anct_operators_complete_the_registry_without_erasing_research(store, reference):
    data = (FIXTURES / "import" / "anct_operators.csv").read_bytes()
    _, snapshot = store.snapshot()
    batch = read_import(reference, [("operators.csv", data)], snapshot.registry_typed())
    assert batch.operators is not None and len(batch.operators) == 30
    completed = apply_import(snapshot, batch)
    registry = completed.registry.set_index("id")
    before = snapshot.registry.set_index("id")
    # ADICO keeps its researched perimeter (8 departments) although the ANCT gives 60 only.
    assert registry.at["adico", "departements"] == before.at["adico", "departements"]
    assert registry.at["adico", "sources"] == before.at["adico", "sources"]
    new = sorted(set(registry.index) - set(before.index))
    assert new  # operators unknown to the registry are added, valid for the loader
    assert (registry.loc[new, "confiance"] == "moyenne").all()
    completed.registry_typed()
    replaced = import_operators(snapshot, batch.operators, "remplacer").registry.set_index("id")
    assert replaced.at["adico", "departements"] == "60"


def test_saved_scenario_gives_the_figures_the_what_if_showed(store, reference):
    from geo.core.analysis import analyse
    from geo.core.coverage import CoverageOptions
    from geo.planning.scenarios import Change, run_scenario

    changes = [
        Change("sitiv", add_departements=("38",)),  # a local OPSN becomes departmental
        Change("nouvel_opsn", name="Nouvel OPSN", add_communes=("14118",)),
        Change("megalis", drop_departements=("56",), add_epci=("200000172",)),
    ]
    _, snapshot = store.snapshot()
    what_if = run_scenario(reference, snapshot.inputs("v1"), changes, CoverageOptions())
    store.commit(
        lambda s: apply_scenario(s, changes, reference.departements),
        author="a", kind="scenario", reason="essai",
    )  # fmt: skip
    _version, inputs = inputs_for_version(store)
    saved = analyse(reference, inputs, CoverageOptions())
    assert saved.figures.covered_population == what_if.after.figures.covered_population
    assert (saved.coverage["statut"] == what_if.after.coverage["statut"]).all()
    registry = inputs.registry.set_index("id")
    assert registry.at["sitiv", "portee"] == "departementale"
    assert registry.at["nouvel_opsn", "confiance"] == "basse"
    assert "56" not in registry.at["megalis", "departements"]


def test_labels_name_the_version(store):
    version = store.latest()
    label = data_label(version, latest=1)
    assert label.startswith("base enregistrée, version 1 du ")
    assert "version la plus récente" in label
    assert "une version plus récente existe (version 3)" in data_label(version, latest=3)
    assert short_label(version).startswith("version 1 du ")
    assert parse_version("12") == 12 and parse_version(None) is None and parse_version("") is None
    for junk in ("0", "-1", "abc", "1e3", "9" * 12):
        with pytest.raises(ValueError, match="invalide"):
            parse_version(junk)
    (row,) = version_rows(store.versions())
    assert row["version"] == 1 and row["opsn"] == N_OPSN and row["adhesions"] == N_MEMBERS


def test_compare_snapshots_without_reference_lists_changes_only(store):
    _, old = store.snapshot()
    new = import_memberships(old, members(("sitpi", "38185", "")), "remplacer")
    result = compare_snapshots(old, new)
    assert "figures" not in result
    assert result["memberships"]["added"] == 1 and result["memberships"]["removed"] == 10


def test_a_database_from_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "base.sqlite3"
    open_store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StorageError, match="version plus récente"):
        open_store(path)


def test_a_file_that_is_not_a_database_is_refused_in_french(tmp_path):
    path = tmp_path / "base.sqlite3"
    path.write_bytes(b"ceci n'est pas une base" * 100)
    with pytest.raises(StorageError, match=r"n.est pas une base de données SQLite"):
        open_store(path)


def test_report_lines_give_every_line_its_fate(reference, store):
    from geo.planning.imports import needs_operator, report_lines

    data = (FIXTURES / "planner" / "liste_nom_insee.csv").read_bytes()
    _, snapshot = store.snapshot()
    registry = snapshot.registry_typed()
    assert needs_operator(reference, "liste.csv", data, registry)
    assert not needs_operator(reference, "x.csv", b"opsn;insee\nsitpi;38185\n", registry)
    assert not needs_operator(reference, "x.csv", b"\x00\x01garbage" * 50, registry)
    batch = read_import(reference, [("liste.csv", data)], registry, {"liste.csv": "cdg14"})
    lines = report_lines(batch, reference)
    assert lines["ligne"].tolist() == [2, 3, 4, 5, 6]
    assert lines["statut"].tolist() == ["acceptée"] * 4 + ["rejetée"]
    assert lines.loc[0, "membre"] == "Caen (14118)"
    rejected = lines.iloc[4]
    assert rejected["message"].startswith("liste.csv, ligne 6")
    assert rejected["detail"].startswith("code INSEE « 99999 » invalide")
