"""Every kind of save the app and the command line make, for the fault-injection suite.

``save(store, kind, who)`` makes one save of ``kind`` as the app or the
command line makes it (the same :mod:`geo.planning.changes` functions, the
same store calls); two people (``alpha``, ``beta``) make different changes of
the same kind, so that two saves at once must both be kept.

Run as a program, it is the other process of a test:

- ``python -m tests.storage.saves kill BASE KIND THRESHOLD``: starts a save
  and, once ``THRESHOLD`` rows are written inside its transaction, says
  « en cours » and waits to be killed;
- ``python -m tests.storage.saves race BASE WHO FOLDER KIND:HOW…``: for each kind,
  waits for the file ``FOLDER/go-KIND-HOW``, saves (``app``: on the version shown
  before; ``cli``: on the latest), and prints what happened (JSON).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from geo.core.memberships import memberships_frame
from geo.planning.changes import apply_scenario, import_memberships, set_registry_row
from geo.planning.imports import ImportBatch
from geo.planning.refresh import ANCT_MEMBERS_SOURCE, refreshed_snapshot
from geo.planning.scenarios import Change
from geo.storage import NothingToSave, Snapshot, StorageError, Store, Version, open_store
from geo.storage.seed import bundled_snapshot

KINDS = ("seed", "import", "edit", "scenario", "restore", "bundled", "refresh")
"""Every kind of version (``geo.storage.base.KINDS``)."""

PEOPLE = {
    "alpha": {"insee": "38185", "field": "sigle", "commune": "29019", "listed": "35238"},
    "beta": {"insee": "38053", "field": "perimetre_note", "commune": "22278", "listed": "56260"},
}
EDITED = "megalis"
PREPARED_ROWS = 400
"""Memberships added by the prepared version 2 (communes of Haute-Saône): restoring
version 1 or the bundled files then closes them all."""


def prepared(path: Path | str) -> Path:
    """A base with version 1 (the bundled files) and version 2 (an import of many rows)."""
    from geo.core.reference import load_reference

    communes = load_reference().communes["insee"]
    haute_saone = communes[communes.str.startswith("70")].head(PREPARED_ROWS)
    rows = [
        {"opsn": "sitpi", "insee": insee, "epci": "", "source": "prep.csv"} for insee in haute_saone
    ]
    with open_store(path) as store:
        store.commit(
            lambda s: import_memberships(s, memberships_frame(rows), "ajouter"),
            author="préparation",
            kind="import",
            reason="version 2",
        )
    return Path(path)


def _held(change, hold: float):
    def held(snapshot: Snapshot) -> Snapshot:
        time.sleep(hold)  # inside the write transaction: the other process must wait
        return change(snapshot)

    return held


def save(
    store: Store, kind: str, who: str = "alpha", hold: float = 0.0, base: int | None = None
) -> Version:
    """One save of ``kind`` by ``who`` (``seed``: see :func:`seed`; ``big-import``: an
    import of 5000 rows), on version ``base`` as the app saves (refused if another
    version was saved since), or on the latest as the command line does (``None``)."""
    person = PEOPLE[who]
    if kind == "import":
        rows = [{"opsn": "sitpi", "insee": person["insee"], "epci": "", "source": f"{who}.csv"}]

        def change(s):
            return import_memberships(s, memberships_frame(rows), "ajouter")

    elif kind == "edit":
        original = store.snapshot()[1].registry.set_index("id").loc[EDITED].to_dict()
        original["id"] = EDITED
        row = {"id": EDITED, person["field"]: f"modifié par {who}"}

        def change(s):
            return set_registry_row(s, row, original)

    elif kind == "scenario":
        changes = [Change(EDITED, add_communes=(person["commune"],))]

        def change(s):
            return apply_scenario(s, changes, None)

    elif kind == "restore":  # the prepared import when there is more, else the bundled files
        target = 2 if store.latest().number > 2 else 1
        return store.restore(target, author=who, reason=f"retour de {who}", base=base)
    elif kind == "bundled":
        bundled, files = bundled_snapshot()

        def change(_s):
            return bundled

        return store.commit(
            _held(change, hold), author=who, kind="bundled", reason="livré", files=files, base=base
        )
    elif kind == "big-import":  # 5000 rows: a kill can land in the middle of them
        rows = [
            {"opsn": "sitpi", "insee": f"{38000 + i:05d}", "epci": "", "source": "gros.csv"}
            for i in range(5000)
        ]
        kind = "import"

        def change(s):
            return import_memberships(s, memberships_frame(rows), "ajouter")

    elif kind == "refresh":  # the ANCT's list of the day: megalis's members, as listed
        listed = [{"opsn": EDITED, "insee": person["listed"], "source": ANCT_MEMBERS_SOURCE}]
        batch = ImportBatch(memberships_frame(listed), None)

        def change(s):
            return refreshed_snapshot(s, batch, dt.date(2026, 11, 20))

    else:
        raise ValueError(kind)
    return store.commit(
        _held(change, hold), author=who, kind=kind, reason=f"{kind} de {who}", base=base
    )


def seed(path: Path | str) -> Version:
    """The first opening of a base: version 1 from the bundled files."""
    with open_store(path) as store:
        return store.latest()


def _kill(path: str, kind: str, threshold: int) -> None:
    from geo.storage import sqlite

    opened = sqlite.SQLiteStore._open

    def pausing(target, uri):
        db = opened(target, uri)
        start = db.total_changes

        def pause():
            if db.in_transaction and db.total_changes - start >= threshold:
                print("en cours", flush=True)
                time.sleep(120)
            return 0

        db.set_progress_handler(pause, 1)
        return db

    sqlite.SQLiteStore._open = staticmethod(pausing)
    if kind == "seed":
        seed(path)
    else:
        with open_store(path) as store:
            save(store, kind)
    print("fini", flush=True)


def _race(path: str, who: str, folder: str, kinds: list[str]) -> None:
    """Each ``KIND:how`` in turn, once ``FOLDER/go-KIND-how`` exists: ``how`` is ``app`` (on
    the version both people were shown) or ``cli`` (on the latest, as the command line)."""
    for step in kinds:
        kind, how = step.split(":") if ":" in step else (step, "cli")
        base = None
        if how == "app":
            with open_store(path) as store:
                base = store.latest().number  # what the preview showed
        go = Path(folder) / f"go-{kind}-{how}"
        while not go.exists():
            time.sleep(0.01)
        try:
            if kind == "seed":
                result = {"version": seed(path).number}
            else:
                with open_store(path) as store:
                    result = {"version": save(store, kind, who, hold=0.3, base=base).number}
        except NothingToSave as error:
            result = {"nothing": str(error)}
        except StorageError as error:
            result = {"refused": str(error)}
        line = {"kind": kind, "how": how, "who": who, **result}
        print(json.dumps(line, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    mode, *arguments = sys.argv[1:]
    if mode == "kill":
        _kill(arguments[0], arguments[1], int(arguments[2]))
    else:
        _race(arguments[0], arguments[1], arguments[2], arguments[3:])
