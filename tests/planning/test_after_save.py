"""geo.planning.after_save: every saved version starts the configured command (the atlas follows)."""

from __future__ import annotations

import sys

from geo.planning.after_save import AFTER_SAVE_ENV
from geo.planning.changes import set_registry_row
from geo.planning.saving import propose_restore, restore_on_base, save_on_base
from geo.storage import open_store

WRITER = (
    f'{sys.executable} -c "import os, pathlib, sys; '
    "pathlib.Path(sys.argv[1], os.environ['OPSN_VERSION']).write_text('fait')\""
)


def wait_for(path, seconds: float = 30.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.05)
    return False


def test_every_saved_version_starts_the_command_with_its_number(tmp_path, monkeypatch):
    marks = tmp_path / "marks"
    marks.mkdir()
    store = open_store(tmp_path / "base.sqlite3")  # the seed: before the command is set
    monkeypatch.setenv(AFTER_SAVE_ENV, f"{WRITER} {marks}")
    version, snapshot = store.snapshot()
    row = snapshot.registry.iloc[0].to_dict()
    edited = dict(row, nom=row["nom"] + " (modifié)")
    saved = save_on_base(
        store, lambda s: set_registry_row(s, edited, row), base=version.number,
        author="Marie", kind="edit", reason="essai",
    )  # fmt: skip
    assert wait_for(marks / str(saved.number))
    restored = restore_on_base(
        store, version.number, base=saved.number, author="Marie", reason="retour"
    )
    assert wait_for(marks / str(restored.number))
    assert propose_restore(store, version.number).base.number == restored.number
    assert sorted(p.name for p in marks.iterdir()) == [str(saved.number), str(restored.number)]


def test_no_command_configured_starts_nothing_and_a_broken_one_does_not_stop_the_save(
    tmp_path, monkeypatch
):
    store = open_store(tmp_path / "base.sqlite3")
    monkeypatch.setenv(AFTER_SAVE_ENV, "/nulle/part/commande-introuvable --out x")
    version, snapshot = store.snapshot()
    row = snapshot.registry.iloc[0].to_dict()
    saved = save_on_base(
        store, lambda s: set_registry_row(s, dict(row, sigle="X"), row), base=version.number,
        author="Marie", kind="edit", reason="essai",
    )  # fmt: skip
    assert store.latest().number == saved.number == version.number + 1
