"""The hostile corpus through the command line: a clean French answer, in time and memory.

Each of the corpus files (``tests/hostile/corpus.py``: broken encodings, bombs,
lying archives, a million lines, a FIFO, ``/dev/zero``…) goes through
``python -m geo validate``, ``coverage --operators`` and ``coverage
--adherents``. Every run must end with exit status 0, 1 or 2 within 30 s,
with at most 1 GB of memory, with a French message naming the file, and no
traceback nor library English.

The runs happen in worker processes (``tests/hostile/worker.py``) started with
an address-space limit of 1 GB (``RLIMIT_AS``; thread pools and allocator
arenas are reduced so that the limit measures data, not reservations), each
run timed by an alarm and its peak resident memory read from the kernel.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from geo.core.paths import ROOT
from geo.importers.bounded import display_name
from tests.hostile.background import COMMANDS, MEGABYTES, SECONDS
from tests.hostile.corpus import CASES, COMMITTED, write_corpus

# Phrases from Python and its libraries that must never reach a user.
ENGLISH = re.compile(
    r"Traceback|Exception|Error\b|\berror\b|Warning|codec can't|can't decode|No columns|"
    r"Not a gzipped|Compressed file ended|\binvalid\b|unexpected|line contains|field larger|"
    r"NoneType|has no attribute|not supported|File \"|Unable to|could not|BadZipFile"
)


@pytest.fixture(scope="session")
def answers(hostile_runs) -> dict[tuple[str, str], dict]:
    """Every corpus file through every command (started in the background: conftest.py)."""
    return hostile_runs.commands.result()


def test_the_corpus_is_large_and_the_committed_files_are_what_the_script_writes(tmp_path):
    assert len(CASES) >= 40
    written = dict((case.name, path) for case, path in write_corpus(tmp_path, committed_only=True))
    committed = {path.name: path for path in COMMITTED.iterdir()}
    assert set(committed) == set(written)
    for name, path in written.items():
        assert committed[name].read_bytes() == path.read_bytes(), name


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_clean_french_answer_in_time_and_memory(answers, case, command):
    result = answers[command, case.name]
    assert result["escaped"] is None, result["escaped"]
    assert result["code"] in ((0, 1, 2) if command == "validate" else (0, 2)), result
    assert result["processor_seconds"] < SECONDS
    assert result["peak_mb"] < MEGABYTES
    said = result["stdout"] + result["stderr"]
    assert display_name(case.name) in said  # the file is named
    assert not ENGLISH.search(said), said[-2000:]
    if result["code"] == 2:
        message = result["stderr"].strip()
        assert message.startswith("Erreur : ") and len(message) > 30, message
        assert "erreur interne" not in message and "mémoire insuffisante" not in message
        assert "\n" not in message  # one sentence, nothing after it


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_validate_refuses_or_reports_as_expected(answers, case):
    result = answers["validate", case.name]
    if case.refused is None:
        return
    if case.refused:
        assert result["code"] == 2, result["stdout"][:500]
    else:
        assert result["code"] in (0, 1), result["stderr"]
        # The first line names the data checked against (issue 16), the report follows.
        data_line, report = result["stdout"].split("\n", 1)
        assert data_line.startswith("Vérifié avec le registre des OPSN : ")
        assert report.startswith(f"Fichier : {case.name} — ")


def test_wrong_place_is_said(answers):
    operators = answers["--adherents", "operateurs_id_en_double.csv"]["stderr"]
    assert "fichier d'opérateurs" in operators and "--operators" in operators
    members = answers["--operators", "guillemet_desequilibre.csv"]["stderr"]
    assert "liste d'adhésions" in members and "--adherents" in members


def test_a_refused_file_leaves_no_memory_behind(corpus):
    """Memory after refused files returns to the level before them (same process)."""
    script = f"""
import gc, json
from pathlib import Path
from geo.core.reference import load_reference
from geo.importers.memberships import read_memberships, ImportFileError
reference = load_reference()
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
def attempt(path):
    try:
        read_memberships(path, reference)
    except ImportFileError:
        pass
    gc.collect()
# Warm-up: what is built once per process (registry, index of commune names,
# openpyxl's modules) is not the memory of a file.
attempt(Path({str(corpus["en_tete_seul.csv"])!r}))
attempt(Path({str(corpus["xlsx_dimension_mensongere.xlsx"])!r}))
read_memberships("noms.csv", reference, content=b"nom;departement;opsn\\nFontaine;38;sitpi\\n")
before = rss()
for name in {["separateurs_seuls.csv", "xlsx_onze_millions_de_cellules.xlsx", "bombe_gzip.csv.gz", "lignes_vides_2M.csv", "ligne_10mo.csv"]!r}:
    attempt(Path({str(corpus["vide.csv"].parent)!r}) / name)
print(json.dumps({{"before": before, "after": rss()}}))
"""
    env = dict(os.environ, MALLOC_ARENA_MAX="1", ARROW_DEFAULT_MEMORY_POOL="system")
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["after"] - figures["before"] < 20, figures
