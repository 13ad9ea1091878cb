"""Fault injection: full disk, read-only folder, damaged, empty and unreadable bases, ``kill -9``
during each kind of save, two saves of each kind at once.

Each case asserts what a person sees (the French message naming the file, the
exit status of the command line, the page of the app) and that nothing saved
is lost: every version that existed before reads back exactly as it was.

- The full disk is a real one (a small tmpfs, mounted when the tests run as
  root), and, everywhere, a connection whose writes fail with SQLite's own
  ``SQLITE_FULL`` code (for each kind of save) or whose size is capped
  (``max_page_count``: SQLite itself says the disk is full).
- Read-only folders and unreadable files are made with ``chmod``; when the
  tests run as root, the commands run without the capabilities that let root
  ignore permissions (``prctl``), as an ordinary user would.
- The anonymous upload refusal belongs to ``serve.py`` and is tested with it
  (``h/server``'s tests of the upload endpoint), not here.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from geo.cli import main
from geo.core.memberships import memberships_frame
from geo.core.paths import ROOT
from geo.planning.changes import import_memberships
from geo.storage import StorageFault, open_store
from geo.storage import sqlite as sqlite_store
from geo.storage.seed import bundled_snapshot
from tests.markup import shown
from tests.storage.saves import KINDS, PEOPLE, prepared, save, seed

SAVE_KINDS = tuple(k for k in KINDS if k != "seed")
FULL = "disque plein : rien n'a été enregistré"
READ_ONLY = "base en lecture seule"
LIST = ROOT / "tests" / "fixtures" / "planner" / "liste_nom_insee.csv"


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A prepared base (versions 1 and 2), made once and copied by each test."""
    return prepared(tmp_path_factory.mktemp("modele") / "base.sqlite3")


@pytest.fixture
def base(template, tmp_path) -> Path:
    path = tmp_path / "donnees" / "couverture-opsn.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(template, path)
    return path


def history(path: Path) -> list[tuple[dict, pd.DataFrame, pd.DataFrame]]:
    """Every version of the base, with its data: what must never be lost."""
    with open_store(path) as store:
        return [
            (version.as_dict(), snapshot.registry, snapshot.memberships)
            for version in store.versions()
            for _, snapshot in [store.snapshot(version.number)]
        ]


def assert_kept(path: Path, before: list, added: int = 0) -> None:
    """The base is sound, holds every version it had, unchanged, plus ``added`` new ones."""
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    after = history(path)
    assert len(after) == len(before) + added
    for (version, registry, members), (version_now, registry_now, members_now) in zip(
        before, after, strict=False
    ):
        assert version == version_now
        pd.testing.assert_frame_equal(registry, registry_now)
        pd.testing.assert_frame_equal(members, members_now)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


_libc = ctypes.CDLL(None, use_errno=True)
PR_CAPBSET_DROP = 24
DAC_CAPABILITIES = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


def _as_ordinary_user() -> None:
    """In the child, before ``exec``: root loses the power to ignore file permissions."""
    if os.geteuid() == 0:
        for capability in DAC_CAPABILITIES:
            if _libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl")


def as_user(*commands: tuple[str, ...], data_dir: Path) -> list[subprocess.CompletedProcess]:
    """Each of ``commands`` (Python arguments) run at once, as an ordinary user would run them."""
    children = [
        subprocess.Popen(
            [sys.executable, *argv],
            cwd=ROOT,
            env={**os.environ, "OPSN_DATA_DIR": str(data_dir)},
            preexec_fn=_as_ordinary_user,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for argv in commands
    ]
    results = []
    for argv, child in zip(commands, children, strict=True):
        out, err = child.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(argv, child.returncode, out, err))
    return results


@contextlib.contextmanager
def mode(path: Path, bits: int):
    """``chmod`` for the duration of a test, undone even when it fails."""
    old = stat.S_IMODE(path.stat().st_mode)
    path.chmod(bits)
    try:
        yield
    finally:
        path.chmod(old)


# --------------------------------------------------------------------------- a full disk


class FullDisk(sqlite3.Connection):
    """A connection whose first write of a save fails as a full disk does (``SQLITE_FULL``)."""

    def _full(self, sql: str) -> None:
        if self.in_transaction and sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode, error.sqlite_errorname = sqlite3.SQLITE_FULL, "SQLITE_FULL"
            raise error

    def execute(self, sql, *args):
        self._full(sql)
        return super().execute(sql, *args)

    def executemany(self, sql, *args):
        self._full(sql)
        return super().executemany(sql, *args)


@pytest.fixture
def full_disk(monkeypatch):
    """Every base opened from now on sits on a full disk."""

    def opened(target: str, uri: bool) -> sqlite3.Connection:
        db = sqlite3.connect(
            target, timeout=30, isolation_level=None, check_same_thread=False, uri=uri,
            factory=FullDisk,
        )  # fmt: skip
        return db

    monkeypatch.setattr(sqlite_store.SQLiteStore, "_open", staticmethod(opened))


@pytest.mark.parametrize("kind", SAVE_KINDS)
def test_a_full_disk_refuses_each_kind_of_save_in_french(base, full_disk, kind):
    before = history(base)
    with open_store(base) as store, pytest.raises(StorageFault) as refused:
        save(store, kind)
    assert str(refused.value).startswith(f"{base.name} : {FULL}")
    assert "Libérez de la place" in str(refused.value) and str(base.parent) not in str(
        refused.value
    )  # the app shows this text: the file, not the server's folders
    assert_kept(base, before)


def test_a_full_disk_on_the_command_line_exits_2_and_keeps_every_version(
    base, full_disk, capsys, caplog
):
    before = history(base)
    db = ["db", "--db", str(base)]
    for argv in (
        [*db, "import", str(LIST), "--opsn", "manche_numerique", "--author", "Marie"],
        [*db, "restore", "1", "--author", "Marie"],
        [*db, "import-bundled", "--author", "Marie"],
    ):
        status, _, err = run_cli(capsys, *argv)
        assert status == 2, argv
        assert err.startswith(f"Erreur : {base} : {FULL}"), err
        assert "database or disk is full" not in err  # logged, not shown
    assert "database or disk is full" in caplog.text  # for the administrator
    assert_kept(base, before)


def test_a_first_start_on_a_full_disk_creates_no_version(tmp_path, full_disk, monkeypatch):
    path = tmp_path / "base.sqlite3"
    with pytest.raises(StorageFault, match=FULL):
        seed(path)
    monkeypatch.undo()  # space freed: the next start makes version 1
    assert seed(path).number == 1


def test_sqlite_itself_says_the_disk_is_full(base, monkeypatch):
    """A base capped at its size (``max_page_count``): SQLite's own SQLITE_FULL, rolled back."""
    opened = sqlite_store.SQLiteStore._open

    def capped(target: str, uri: bool) -> sqlite3.Connection:
        db = opened(target, uri)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    monkeypatch.setattr(sqlite_store.SQLiteStore, "_open", staticmethod(capped))
    before = history(base)
    rows = [{"opsn": "sitpi", "insee": f"{1000 + i:05d}", "epci": ""} for i in range(5000)]
    with open_store(base) as store, pytest.raises(StorageFault, match=FULL):
        store.commit(
            lambda s: import_memberships(s, memberships_frame(rows), "ajouter"),
            author="Marie", kind="import", reason="trop gros",
        )  # fmt: skip
    assert_kept(base, before)


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.mark.skipif(not _can_mount(), reason="a real full disk needs root to mount a tmpfs")
def test_a_really_full_disk(tmp_path, template, geo_cli):
    folder = tmp_path / "petit_disque"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)])
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs is not allowed here")
    try:
        path = folder / "couverture-opsn.sqlite3"
        shutil.copyfile(template, path)
        before = history(path)
        filler = folder / "remplissage"
        with contextlib.suppress(OSError), filler.open("wb") as out:
            while True:
                out.write(os.urandom(64 * 1024))
        db = ["db", "--db", str(path)]
        imported = geo_cli(*db, "import", str(LIST), "--opsn", "manche_numerique")
        restored = geo_cli(*db, "restore", "1")
        for result in (imported, restored):
            assert result.returncode == 2, result.stderr
            assert f"Erreur : {path} : {FULL}" in result.stderr
            assert "Traceback" not in result.stderr
        status = geo_cli(*db, "status", "--format", "json")  # reading still works
        assert status.returncode == 0 and json.loads(status.stdout)["versions"] == 2
        filler.unlink()  # space freed: the same import is saved
        assert geo_cli(*db, "import", str(LIST), "--opsn", "manche_numerique").returncode == 1
        assert_kept(path, before, added=1)
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


# --------------------------------------------------------------------------- read-only, unreadable


def test_a_read_only_folder_still_shows_the_data_and_refuses_saves_in_french(base):
    before = history(base)
    folder = base.parent
    with mode(folder, 0o555):
        status, coverage, imported, page = as_user(
            ("-m", "geo", "db", "status", "--format", "json"),
            ("-m", "geo", "coverage", "--db-version", "derniere", "--format", "json"),
            ("-m", "geo", "db", "import", str(LIST), "--opsn", "manche_numerique"),
            ("-m", "tests.storage.page_check", "ui/pages/registre.py"),
            data_dir=folder,
        )
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["read_only"] is True
    assert coverage.returncode == 0 and json.loads(coverage.stdout)["covered_population"] > 0
    assert imported.returncode == 2
    assert (
        f"Erreur : {base} : {READ_ONLY}" in imported.stderr and "Traceback" not in imported.stderr
    )
    shown = json.loads(page.stdout.splitlines()[-1])
    assert shown["exceptions"] == [] and shown["errors"] == [], shown
    assert "Registre des OPSN" in shown["titles"]  # the page is there, with its table
    assert_kept(base, before)


def test_a_base_nobody_may_read_is_named_with_what_to_do(base):
    with mode(base, 0o000):
        (result,) = as_user(("-m", "geo", "db", "status"), data_dir=base.parent)
    assert result.returncode == 2
    assert f"Erreur : {base} : impossible d'ouvrir la base (droits d'accès insuffisants)" in (
        result.stderr
    )
    assert "peut lire et écrire ce fichier" in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- damaged, empty


def damage_deep(path: Path) -> None:
    """Overwrite the middle of the memberships' pages: the header and schema stay readable."""
    with sqlite3.connect(path) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    data = bytearray(path.read_bytes())
    for page in range(pages // 2, pages):
        start = page * page_size
        data[start + 8 : start + page_size - 8] = b"\x07" * (page_size - 16)
    path.write_bytes(bytes(data))


BROKEN = {
    "vide": (lambda path: path.write_bytes(b""), "fichier de base vide (0 octet)"),
    "en-tête": (
        lambda path: path.write_bytes(b"ceci n'est pas une base" * 200),
        "ce fichier n'est pas une base de données SQLite",
    ),
    "pages": (damage_deep, "base de données endommagée (une partie du fichier est illisible)"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_base_is_named_never_replaced(base, capsys, case):
    damage, said = BROKEN[case]
    damage(base)
    kept = digest(base)
    status, out, err = run_cli(capsys, "db", "--db", str(base), "status")
    assert status == 2 and out == ""
    assert err.startswith(f"Erreur : {base} : {said}"), err
    assert "Remettez la dernière sauvegarde" in err
    assert "no transaction" not in err and "malformed" not in err
    assert digest(base) == kept  # nothing written over it, nothing re-created


def test_the_app_tells_every_visitor_in_french_without_a_traceback(base, monkeypatch):
    from streamlit.testing.v1 import AppTest

    base.write_bytes(b"")
    monkeypatch.setenv("OPSN_DATA_DIR", str(base.parent))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    assert not at.exception
    (error,) = [shown(e.value) for e in at.error]
    assert error.startswith("Données enregistrées inaccessibles : couverture-opsn.sqlite3 : ")
    assert "fichier de base vide (0 octet)" in error and str(base.parent) not in error
    assert base.read_bytes() == b""


# --------------------------------------------------------------------------- kill -9


@pytest.mark.parametrize(
    "kind,threshold", [(k, 3 if k == "seed" else 1) for k in KINDS], ids=list(KINDS)
)
def test_kill_9_during_each_kind_of_save_loses_nothing(base, kind, threshold):
    path = base if kind != "seed" else base.with_name("nouvelle.sqlite3")
    before = history(base)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.storage.saves", "kill", str(path), kind, str(threshold)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout.readline().strip() == "en cours", child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    if kind == "seed":  # the next start makes version 1, as if nothing had happened
        assert seed(path).number == 1
        with open_store(path) as store:
            bundled, _ = bundled_snapshot()
            pd.testing.assert_frame_equal(store.snapshot()[1].memberships, bundled.memberships)
        return
    assert_kept(base, before)
    with open_store(base) as store:  # and the same save goes through afterwards
        assert save(store, kind).number == len(before) + 1


# --------------------------------------------------------------------------- two saves at once


def test_two_saves_of_each_kind_at_once_keep_both_or_say_why(tmp_path, template):
    """Each kind in turn, two processes released together; then two first starts at once.

    As the app saves (on the version both people were shown): the first is kept,
    the second refused in French, saying who saved what. As the command line
    saves (on the latest): both are kept, the second computed on the first, or
    the second says that nothing changes.
    """
    path = tmp_path / "base.sqlite3"
    shutil.copyfile(template, path)
    fresh = tmp_path / "neuve.sqlite3"  # for two first starts at once
    steps = [(kind, how) for how in ("app", "cli") for kind in SAVE_KINDS]

    def racer(base: Path, who: str, *race: str) -> subprocess.Popen:
        argv = ["-m", "tests.storage.saves", "race", str(base), who, str(tmp_path), *race]
        return subprocess.Popen(
            [sys.executable, *argv], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip

    children = {who: racer(path, who, *[f"{k}:{h}" for k, h in steps]) for who in PEOPLE}
    seeds = [racer(fresh, who, "seed") for who in PEOPLE]
    try:
        time.sleep(3.0)  # every process has imported what it needs
        (tmp_path / "go-seed-cli").touch()
        first_starts = [json.loads(child.communicate(timeout=120)[0]) for child in seeds]
        assert {r.get("version") for r in first_starts} == {1}
        assert len(history(fresh)) == 1

        for kind, how in steps:
            before = history(path)
            (tmp_path / f"go-{kind}-{how}").touch()
            results = {who: json.loads(child.stdout.readline()) for who, child in children.items()}
            saved = [r for r in results.values() if "version" in r]
            assert len(saved) == 1 or (how == "cli" and len(saved) == 2), results
            (kept,) = saved if len(saved) == 1 else saved[:1]
            if len(saved) == 1:
                (other,) = [r for r in results.values() if r is not kept]
                if how == "app":  # refused: another save came first, named
                    assert other["refused"].startswith(
                        f"La version {kept['version']} a été enregistrée par {kept['who']} "
                    ), results
                    assert (
                        "votre enregistrement est refusé pour ne pas la défaire"
                        in (other["refused"])
                    )
                else:  # the same data twice: saved once, then said
                    assert kind in ("restore", "bundled"), results
                    assert other["nothing"] == "rien n'a changé : aucune version n'a été créée."
            assert_kept(path, before, added=len(saved))
            if len(saved) == 2:
                _, registry, members = history(path)[-1]
                if kind == "import":
                    assert {p["insee"] for p in PEOPLE.values()} <= set(members["insee"])
                elif kind == "edit":
                    row = registry.set_index("id").loc["megalis"]
                    assert [row[p["field"]] for p in PEOPLE.values()] == [
                        f"modifié par {who}" for who in PEOPLE
                    ]
                elif kind == "scenario":
                    assert {p["commune"] for p in PEOPLE.values()} <= set(members["insee"])
                elif kind == "refresh":  # the second list ends the first one's adhesion
                    assert {p["listed"] for p in PEOPLE.values()} <= set(members["insee"])
    finally:
        for child in [*children.values(), *seeds]:
            child.kill()
            child.wait(timeout=30)
