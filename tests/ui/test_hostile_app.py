"""The hostile corpus through the app's « Importer » page (AppTest), and previews that never go stale.

Every corpus file that a browser can upload goes into the import page of one
signed-in session (``tests/hostile/app_worker.py``, in a process limited to
1 GB): the page must answer within 30 s of processor time (its own and its
reader's: on a shared 2-core machine the wall clock says more about the other
processes; a run still going after four times that is stopped as stuck), with
no exception for Streamlit to show, and with a French message (error, report summary, or the question of
the OPSN of a list without operator column) naming the file.

Then, as a planner would: a good list, then a broken one in its place — the
page must not keep the preview (the figures) of the earlier list.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.access.auth import Identity
from geo.core.paths import ROOT
from geo.importers.bounded import MAX_FILE_BYTES
from tests.hostile.background import MEGABYTES, SECONDS, UPLOADABLE
from tests.hostile.corpus import LIST_ROWS, sheet_xml, xlsx
from tests.importers.test_hostile import ENGLISH
from tests.markup import shown

UPLOADER = "import_files"


@pytest.fixture(scope="module")
def uploads(hostile_runs) -> dict[str, dict]:
    """Every uploadable corpus file into the page (started in the background: conftest.py)."""
    return hostile_runs.uploads.result()


@pytest.mark.parametrize("case", UPLOADABLE, ids=[case.name for case in UPLOADABLE])
def test_every_corpus_file_through_the_import_page(uploads, case):
    result = uploads[case.name]
    assert result["escaped"] is None and result["exceptions"] == [], result
    assert result["processor_seconds"] < SECONDS
    assert result["peak_mb"] < MEGABYTES
    said = result["errors"] + result["warnings"] + result["successes"] + result["infos"]
    assert any(case.name in text for text in said), said  # the file is named
    for text in said + result["captions"]:
        assert not ENGLISH.search(text), text
    if case.refused is None:
        return
    if case.refused:
        assert any(text.startswith(f"{case.name}") for text in result["errors"]), said
    else:  # read: its report, or the question of its OPSN
        reported = [t for t in result["warnings"] + result["successes"] if f"**{case.name}**" in t]
        asked = [t for t in result["infos"] if "Choisissez l'OPSN" in t and case.name in t]
        assert reported or asked, said


# ------------------------------------------------------------------ the page itself


@pytest.fixture
def page(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("OPSN_DATA_DIR", str(tmp_path / "donnees"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["identity"] = Identity("Test", "password")
    at.run()
    at.switch_page("ui/pages/importer.py")
    at.run()
    assert not at.exception
    return at


def upload(at: AppTest, name: str, data: bytes) -> None:
    at.file_uploader(key=UPLOADER).set_value([(name, data, "text/csv")])
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def headers(at: AppTest) -> list[str]:
    return [h.value for h in at.header]


def test_the_uploader_states_the_project_limit(page):
    assert f"{MAX_FILE_BYTES // 2**20} Mo au plus" in page.file_uploader(key=UPLOADER).help


def test_a_broken_list_in_place_of_a_good_one_never_keeps_the_old_preview(page):
    upload(page, "liste.csv", b"insee;opsn\n38185;sitpi\n")
    assert "Aperçu des changements" in headers(page)
    upload(page, "liste.csv", b"\x00\x01 illisible")  # the same name, now broken
    assert "Aperçu des changements" not in headers(page)
    errors = [shown(e.value) for e in page.error]
    assert any(e.startswith("liste.csv : fichier binaire") for e in errors), errors
    assert any("rien à enregistrer" in e for e in errors)


def test_report_notes_and_names_are_plain_text(page):
    payload = "[x](http://3232235777/) $y$"  # an unknown operator: named in a note
    upload(page, "note.csv", f"opsn;insee\n{payload};38185\n".encode())
    captions = [c.value for c in page.caption if "3232235777" in c.value]
    assert captions
    for caption in captions:
        assert "](http" not in caption and "$y$" not in caption and "http://" not in caption


def test_the_sheet_chosen_is_said(page):
    workbook = xlsx(
        [("Sommaire", sheet_xml([["Voir l'onglet suivant"]])), ("Adhérents", sheet_xml(LIST_ROWS))]
    )
    upload(page, "onglets.xlsx", workbook)
    captions = " ".join(shown(c.value) for c in page.caption)
    assert "feuille « Adhérents » lue" in captions and "« Sommaire »" in captions


def test_an_old_excel_file_is_explained_not_refused_by_the_browser(page):
    upload(page, "ancien.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    errors = [shown(e.value) for e in page.error]
    assert any("enregistrez-le au format .xlsx" in e for e in errors), errors
