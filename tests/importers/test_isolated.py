"""Reading out of the server's way: the worker process, its real deadline and its memory cap.

The app reads uploaded files in a worker (``geo.importers.isolated``,
``geo.planning.reading``); the command line reads in its own process under the
same per-file deadline, which a timer enforces even where the readers cannot
look at the clock. Each stop is a French message saying what stopped the read
and after how long. Whether other visitors' pages keep their speed during a
heavy import is measured by ``bench/bench_import_isolation.py``.
"""

from __future__ import annotations

import re
import time

import pytest

from geo.importers.bounded import ImportFileError, Limits
from geo.importers.isolated import run_isolated
from geo.importers.memberships import read_memberships
from geo.importers.registry_file import load_registry
from geo.planning.reading import heads_isolated, read_files_isolated
from tests.hostile.corpus import sheet_xml, xlsx

# --------------------------------------------------------------------------- run in the worker


def sleep_for(seconds: float) -> str:
    time.sleep(seconds)
    return "réveillé"


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 2**20))


def refuse(name: str) -> None:
    raise ImportFileError(f"{name} : refusé pour l'essai.")


def crash() -> None:
    raise RuntimeError("boom")


def test_results_and_refusals_come_back():
    assert run_isolated(sleep_for, 0, names=["a.csv"]) == "réveillé"
    with pytest.raises(ImportFileError, match=r"^a\.csv : refusé pour l'essai\.$"):
        run_isolated(refuse, "a.csv", names=["a.csv"])
    with pytest.raises(ImportFileError, match="erreur inattendue du lecteur"):
        run_isolated(crash, names=["a.csv"])


def test_a_worker_past_its_deadline_is_stopped_and_says_after_how_long():
    started = time.monotonic()
    with pytest.raises(ImportFileError) as stopped:
        run_isolated(sleep_for, 120, names=["lent.xlsx"], limits=Limits(seconds=1), grace=1)
    assert time.monotonic() - started < 10
    assert str(stopped.value).startswith(
        "lent.xlsx : lecture arrêtée après 2 s, la limite étant de 1 s par fichier"
    )


def test_a_worker_that_needs_too_much_memory_is_stopped():
    limits = Limits(memory_bytes=200 * 2**20)
    with pytest.raises(ImportFileError, match=r"^gros\.csv : .*plus de 200 Mo de mémoire"):
        run_isolated(allocate, 2048, names=["gros.csv"], limits=limits)


# --------------------------------------------------------------------------- the app's reading


def slow_workbook() -> bytes:
    """A list whose rows are wide: openpyxl takes seconds (14 s here) to go through it."""
    rows = [["Code INSEE", "Nom", "OPSN"]] + [[f"{n}"] * 500 for n in range(800)]
    return xlsx([("Feuil1", sheet_xml(rows))])


def test_the_app_reads_in_the_worker_and_stops_a_slow_file_in_time(reference):
    listing = ("liste.csv", b"Code INSEE;Nom\n38185;Grenoble\n38053;Bourgoin-Jallieu\n")
    needing, refused = heads_isolated([listing])
    assert needing == ("liste.csv",) and refused == {}  # its OPSN is asked for
    batch = read_files_isolated(reference, [listing], load_registry(), {"liste.csv": "sitpi"})
    assert batch.errors == [] and sorted(batch.memberships["insee"]) == ["38053", "38185"]

    started = time.monotonic()
    limits = Limits(seconds=1)  # 14 s of openpyxl in a process of its own
    batch = read_files_isolated(
        reference,
        [("lent.xlsx", slow_workbook())],
        load_registry(),
        "sitpi",
        limits=limits,
        grace=2,
    )
    assert time.monotonic() - started < 10
    (error,) = batch.errors
    assert re.match(r"lent\.xlsx : lecture arrêtée après \d+ s, la limite étant de 1 s", error)
    assert batch.empty


# --------------------------------------------------------------------------- the command line


def test_the_deadline_holds_where_the_reader_cannot_look_at_the_clock(reference, monkeypatch):
    """In-process (the command line): a library call that never returns is interrupted."""

    def endless(*args, **kwargs):
        while True:  # openpyxl opening a workbook, in pure Python
            pass

    monkeypatch.setattr("geo.importers.memberships.open_table", endless)
    started = time.monotonic()
    with pytest.raises(ImportFileError) as stopped:
        read_memberships("bloque.xlsx", reference, content=b"x", limits=Limits(seconds=1))
    assert time.monotonic() - started < 5
    assert str(stopped.value).startswith(
        "bloque.xlsx : lecture arrêtée après 1 s, la limite étant de 1 s par fichier"
    )
