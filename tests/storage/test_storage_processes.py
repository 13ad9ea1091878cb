"""The store against real processes: a save killed half-way, and saves made at the same time.

Each scenario runs in separate Python processes, as two app sessions or a
session and a terminal would, on one database file.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from geo.core.paths import ROOT
from geo.storage import open_store
from geo.storage.seed import bundled_snapshot


def python(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("threshold", [1, 3000], ids=["version-row", "mid-rows"])
def test_a_save_killed_midway_leaves_the_last_good_version(tmp_path, threshold):
    path = tmp_path / "base.sqlite3"
    open_store(path).close()  # version 1, the seed
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.storage.saves", "kill", str(path), "big-import",
         str(threshold)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = child.stdout.readline()
        assert line.strip() == "en cours", child.stderr.read()
        assert (tmp_path / "base.sqlite3-wal").exists()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with open_store(path) as store:
        assert [v.number for v in store.versions()] == [1]
        _, snapshot = store.snapshot()
        bundled, _ = bundled_snapshot()
        pd.testing.assert_frame_equal(snapshot.memberships, bundled.memberships)
        rows = store.connection.execute("SELECT count(*) FROM memberships").fetchone()[0]
        assert rows == len(bundled.memberships)  # nothing of the killed save remains
        # And the database takes the next save normally.
        saved = store.commit(
            lambda s: s.__class__(s.registry, s.memberships.iloc[:10]),
            author="après", kind="import", reason="reprise",
        )  # fmt: skip
        assert saved.number == 2


# Each process adds its own communes, one save at a time, while the other does the same.
IMPORTER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from geo.core.memberships import memberships_frame
    from geo.storage import open_store
    from geo.planning.changes import import_memberships

    path, opsn, first, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    store = open_store(path)
    while not go.exists():
        time.sleep(0.01)
    for step in range(6):
        rows = [{"opsn": opsn, "insee": f"{first + step:05d}", "epci": "", "source": f"{opsn}.csv",
                 "ligne": step + 2}]

        def change(snapshot, rows=rows):
            time.sleep(0.05)  # hold the write lock: the other process must wait its turn
            return import_memberships(snapshot, memberships_frame(rows), "ajouter")

        version = store.commit(change, author=opsn, kind="import", reason=f"étape {step}")
        print(version.number, flush=True)
        time.sleep(0.02)  # let the other process in between two saves
    """
)


def test_two_processes_saving_at_once_keep_a_consistent_history(tmp_path):
    path = tmp_path / "base.sqlite3"
    open_store(path).close()
    go = tmp_path / "partez"
    children = [
        python(IMPORTER, str(path), "alpha", "14100", str(go)),
        python(IMPORTER, str(path), "beta", "29100", str(go)),
    ]
    time.sleep(1.0)  # both have opened the store
    go.touch()
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (_out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
    numbers = sorted(int(n) for out, _ in outputs for n in out.split())
    assert numbers == list(range(2, 14))  # twelve saves, no gap, no duplicate

    with open_store(path) as store:
        versions = store.versions()
        assert [v.number for v in versions] == list(range(1, 14))
        assert {v.author for v in versions[1:]} == {"alpha", "beta"}
        previous = None
        for version in versions:
            _, snapshot = store.snapshot(version.number)
            assert version.counts["adhesions"] == len(snapshot.memberships)
            if previous is not None:
                # Each version is the previous one plus exactly its own author's row.
                assert len(snapshot.memberships) == len(previous.memberships) + 1
                added = snapshot.memberships.iloc[len(previous.memberships) :]
                assert set(added["opsn"]) == {version.author}
                pd.testing.assert_frame_equal(
                    snapshot.memberships.iloc[: len(previous.memberships)].reset_index(drop=True),
                    previous.memberships.reset_index(drop=True),
                )
            previous = snapshot
        final = previous.memberships
        assert (final["opsn"] == "alpha").sum() == 6 and (final["opsn"] == "beta").sum() == 6


# Each process previews its import on the version in service, waits until both have
# previewed, then confirms on that base: one is refused and tries again on a fresh preview.
PREVIEW_THEN_CONFIRM = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from geo.core.memberships import memberships_frame
    from geo.planning.changes import import_memberships
    from geo.planning.saving import confirm, propose
    from geo.storage import BaseMoved, open_store

    path, opsn, insee, here, other = sys.argv[1:6]
    store = open_store(path)
    rows = memberships_frame([{"opsn": opsn, "insee": insee, "epci": "", "source": opsn + ".csv"}])

    def change(snapshot):
        return import_memberships(snapshot, rows, "ajouter")

    proposal = propose(store, change)
    Path(here).touch()
    while not Path(other).exists():
        time.sleep(0.01)
    refused = None
    try:
        version = confirm(store, proposal, author=opsn, kind="import", reason=opsn)
    except BaseMoved as error:
        refused = str(error)
        proposal = propose(store, change)  # the fresh preview, on the new version
        version = confirm(store, proposal, author=opsn, kind="import", reason=opsn)
    print(json.dumps({"version": version.number, "base": version.base, "refused": refused}))
    """
)


def test_two_processes_previewing_at_once_one_is_refused_then_saves_on_the_new_version(tmp_path):
    import json

    path = tmp_path / "base.sqlite3"
    open_store(path).close()
    flags = [tmp_path / "alpha.vu", tmp_path / "beta.vu"]
    children = [
        python(PREVIEW_THEN_CONFIRM, str(path), "alpha", "14118", str(flags[0]), str(flags[1])),
        python(PREVIEW_THEN_CONFIRM, str(path), "beta", "29019", str(flags[1]), str(flags[0])),
    ]
    results = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        results.append(json.loads(out))
    first, second = sorted(results, key=lambda r: r["version"])
    assert (first["version"], first["base"], first["refused"]) == (2, 1, None)
    assert (second["version"], second["base"]) == (3, 2)
    winner = "alpha" if results[0] is first else "beta"
    assert second["refused"].startswith(f"La version 2 a été enregistrée par {winner} ")
    with open_store(path) as store:
        _, final = store.snapshot()
        assert {"14118", "29019"} <= set(final.memberships["insee"])
