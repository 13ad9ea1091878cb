"""The hostile corpus through the app's uploader (AppTest), and figures that never go stale.

Every corpus file that a browser can upload goes into the import panel of one
page (``tests/hostile/app_worker.py``, in a process limited to 1 GB): the page
must answer within 30 s, with no exception for Streamlit to show, and with a
French message (error, or report summary) naming the file.

Then, as a planner would: a good list, then a broken one in its place — the
page must not keep « Fichiers importés » with the old figures.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from geo.importers.bounded import MAX_FILE_BYTES
from geo.inputs import IMPORT_FAILED
from geo.paths import ROOT
from tests.hostile.corpus import CASES
from tests.test_hostile import ENGLISH, MEGABYTES, SECONDS, limit_memory

UPLOADABLE = [case for case in CASES if case.uploadable]


@pytest.fixture(scope="module")
def uploads(corpus) -> dict[str, dict]:
    env = dict(
        os.environ,
        MALLOC_ARENA_MAX="1",
        ARROW_DEFAULT_MEMORY_POOL="system",
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.hostile.app_worker", str(SECONDS)],
        input=json.dumps([str(corpus[case.name]) for case in UPLOADABLE]),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        preexec_fn=limit_memory,
        timeout=SECONDS * len(UPLOADABLE) + 300,
    )
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(results) == len(UPLOADABLE), f"{done.returncode}\n{done.stderr[-3000:]}"
    return {result["file"]: result for result in results}


@pytest.mark.parametrize("case", UPLOADABLE, ids=[case.name for case in UPLOADABLE])
def test_every_corpus_file_through_the_uploader(uploads, case):
    result = uploads[case.name]
    assert result["escaped"] is None and result["exceptions"] == [], result
    assert result["seconds"] < SECONDS
    assert result["peak_mb"] < MEGABYTES
    said = result["errors"] + result["warnings"] + result["successes"]
    assert any(case.name in text for text in said), said  # the file is named
    for text in said + result["captions"]:
        assert not ENGLISH.search(text), text
    if case.refused is None:
        return
    if case.refused:
        assert any(text.startswith(f"{case.name}") for text in result["errors"]), said
    else:
        assert any(
            f"**{case.name}** : " in text for text in result["warnings"] + result["successes"]
        )


# ------------------------------------------------------------------ the page itself


def page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    return at


def upload(at: AppTest, name: str, data: bytes) -> None:
    at.file_uploader(key="uploads").set_value([(name, data, "text/csv")])
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def big_figure(at: AppTest) -> str:
    block = next(m.value for m in at.markdown if 'class="headline"' in m.value)
    return re.search(r'<div class="big">(.*?)</div>', block).group(1)


def test_the_uploader_states_the_project_limit():
    at = page()
    uploader = at.file_uploader(key="uploads")
    limit = f"{MAX_FILE_BYTES // 2**20} Mo"
    assert limit in uploader.help
    assert any(limit in caption.value for caption in at.caption)


def test_a_broken_list_in_place_of_a_good_one_never_keeps_the_old_figures():
    at = page()
    bundled = big_figure(at)
    upload(at, "bonne.csv", b"insee;opsn\n38185;sitpi\n")
    at.radio(key="data_source").set_value("imported")
    at.radio(key="rule").set_value("adhesion")
    at.run()
    imported = big_figure(at)
    assert imported != bundled

    upload(at, "bonne.csv", b"\x00\x01 illisible")  # the same name, now broken
    assert at.radio(key="data_source").value == "bundled"
    assert "imported" not in at.radio(key="data_source").options
    assert [w.value for w in at.sidebar.warning] == [IMPORT_FAILED]
    assert any(e.value.replace("\\", "").startswith("bonne.csv : ") for e in at.error)
    fresh = page()
    fresh.radio(key="rule").set_value("adhesion")
    fresh.run()
    assert big_figure(at) == big_figure(fresh) != imported  # the bundled data's, not the old file's


def test_removing_the_files_goes_back_to_the_bundled_data_quietly():
    at = page()
    upload(at, "liste.csv", b"insee;opsn\n38185;sitpi\n")
    at.radio(key="data_source").set_value("imported")
    at.run()
    at.file_uploader(key="uploads").set_value([])
    at.run()
    assert not at.exception
    assert at.radio(key="data_source").value == "bundled"
    assert not [w for w in at.sidebar.warning if w.value == IMPORT_FAILED]


def test_report_notes_and_names_are_plain_text():
    at = page()
    payload = "[x](http://3232235777/) $y$"  # an unknown operator: named in a note
    upload(at, "note.csv", f"opsn;insee\n{payload};38185\n".encode())
    captions = [c.value for c in at.caption if "3232235777" in c.value]
    assert captions
    for caption in captions:
        assert "](http" not in caption and "$y$" not in caption and "http://" not in caption


def test_the_sheet_chosen_is_said_in_the_panel():
    from tests.hostile.corpus import LIST_ROWS, sheet_xml, xlsx

    at = page()
    workbook = xlsx(
        [("Sommaire", sheet_xml([["Voir l'onglet suivant"]])), ("Adhérents", sheet_xml(LIST_ROWS))]
    )
    upload(at, "onglets.xlsx", workbook)
    captions = " ".join(c.value.replace("\\", "") for c in at.caption)
    assert "feuille « Adhérents » lue" in captions and "« Sommaire »" in captions
