"""Every export of a view whose OPSN have hostile names: no link, image, script, formula or markup.

The saved data of ``tests/hostile/names.py`` (every OPSN name a payload: links,
bare URLs, images, HTML, ``$math$``, Markdown, a spreadsheet formula; the
version's author and reason too) exported for the Finistère, whose OPSN and
neighbours carry them, in every format the app and ``python -m geo export``
write: the standalone HTML map, the PDF map and report, the PNG, the workbook
and the CSV. Each is opened as its reader would open it.
"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import openpyxl
import pytest
from pypdf import PdfReader

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.exports.files import export_file
from geo.exports.scope import resolve
from geo.storage import open_store
from geo.storage.labels import data_label
from tests.export_data import evaluable
from tests.hostile.names import HOSTS, name_of, plant

SHOWN = ("megalis", "cdg29")  # the OPSN of the Finistère, by name


@pytest.fixture(scope="module")
def hostile_view(reference, tmp_path_factory):
    path = plant(tmp_path_factory.mktemp("noms_hostiles") / "base.sqlite3")
    with open_store(path) as store:
        version, snapshot = store.snapshot()
    inputs = snapshot.inputs(data_label(version))
    analysis = analyse(reference, inputs, CoverageOptions())
    return reference, analysis, inputs, resolve(reference, analysis, "departement", "29")


def export(hostile_view, kind: str, suffix: str) -> bytes:
    reference, analysis, inputs, scope = hostile_view
    return export_file(reference, analysis, inputs, scope, kind, suffix).data


class Elements(HTMLParser):
    """Tags and attributes of an HTML file, and its text outside scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag in ("script", "style")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if not self._in_script:
            self.text.append(data)


def test_the_standalone_html_map(hostile_view):
    data = export(hostile_view, "html", ".html").decode("utf-8")
    parsed = Elements()
    parsed.feed(data)
    for tag, attributes in parsed.tags:
        target = attributes.get("href") or attributes.get("src") or ""
        assert not any(host in target for host in HOSTS), (tag, attributes)
        assert not target.startswith("javascript") and target != "x", (tag, attributes)
        assert not any(name.startswith("on") for name in attributes), (tag, attributes)
    # nowhere as HTML, not even inside the map's data (its tooltips are HTML)
    assert "<img src=x" not in data and "<script>alert" not in data
    assert "<a href='http://piege" not in data
    shown = "".join(parsed.text)
    assert "Données OPSN" in shown or "base enregistrée" in shown


def test_the_pdf_map_and_report(hostile_view):
    for kind in ("map", "report"):
        reader = PdfReader(io.BytesIO(export(hostile_view, kind, ".pdf")))
        for number, page in enumerate(reader.pages):
            for annotation in page.get("/Annots") or []:
                action = annotation.get_object().get("/A") or {}
                assert "/URI" not in action, (kind, number, action)
        text = " ".join(page.extract_text() for page in reader.pages)
        if kind == "report":  # the OPSN of the Finistère, by their names (cut short), as text
            for opsn in SHOWN:
                assert name_of(opsn)[:20] in text, opsn
    assert export(hostile_view, "map", ".png").startswith(b"\x89PNG")


def test_the_workbook_and_the_csv(hostile_view):
    workbook = openpyxl.load_workbook(io.BytesIO(export(hostile_view, "tables", ".xlsx")))
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f" or evaluable(c.value)]
    assert not [c.coordinate for c in cells if c.hyperlink is not None]
    values = {c.value for c in cells if isinstance(c.value, str)}
    assert any(name_of("megalis") in value for value in values)  # as text
    rows = csv.reader(
        io.StringIO(export(hostile_view, "tables", ".csv").decode("utf-8-sig"), newline=""),
        delimiter=";",
    )
    assert not [cell for row in rows for cell in row if evaluable(cell)]
