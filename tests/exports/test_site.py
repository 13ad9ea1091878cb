"""The static atlas's documents say what the app says, and its files are written safely.

What the browser rebuilds from the documents — a view's map spec (the site's shared
keys and the view's own), its facts (France's figures and the view's), a commune's
spec from its department's and its shard's columns — must equal what the live app
computes (``view_map_spec``, ``view_facts``). The browser checks (tests/browser/test_atlas.py)
then hold the page to these documents. The full export runs once, in the browser tests.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from geo.cli import main
from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.views import Level, View
from geo.explore.search import SearchIndex
from geo.exports.site import GEOMETRY_CACHE
from geo.exports.site.data import (
    AtlasContext,
    commune_shards,
    commune_spec,
    search_document,
    site_document,
    view_document,
)
from geo.exports.site.writer import FILES_LIST, SiteWriter, data_script
from geo.importers.inputs import bundled_inputs
from geo.mapdata import ensure_map_files

VIEWS = [
    View(),
    View(Level.REGION, "53"),
    View(Level.DEPARTEMENT, "94"),
    View(Level.DEPARTEMENT, "971"),
    View(Level.EPCI, "200054781"),  # Métropole du Grand Paris: four departments
    View(Level.TERRITOIRE, "Z13055"),
]


def as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@pytest.fixture(scope="module", params=["défaut", "adhésion, métropole"])
def atlas(request, reference):
    options = {
        "défaut": CoverageOptions(),
        "adhésion, métropole": CoverageOptions(rule="adhesion", territory="metropole"),
    }[request.param]
    inputs = bundled_inputs()
    analysis = analyse(reference, inputs, options)
    files = ensure_map_files(reference, GEOMETRY_CACHE)
    context = AtlasContext.make(reference, analysis, inputs, files)
    site = site_document(context, dt.date(2026, 12, 6))
    return context, site


def full_spec(site: dict, own: dict) -> dict:
    """What atlas.js does: the site's shared keys, then the view's own."""
    spec = {key: site["spec"][key] for key in own["shared"]}
    spec.update({k: v for k, v in own.items() if k != "shared"})
    return spec


def test_a_view_document_rebuilds_the_apps_spec_and_facts(atlas):
    context, site = atlas
    for view in VIEWS:
        document = view_document(context, view, site["spec"])
        spec = full_spec(site, document["spec"])
        assert as_json(spec) == as_json(context.spec(view)), view
        facts = dict(site["facts"]) | document["facts"]
        facts["figures"] = site["facts"]["france"] | document["facts"]["figures"]
        expected = context.view_facts(view).as_json()
        assert as_json(facts) == as_json(expected), view


def test_a_commune_spec_is_its_departments_zoomed_on_it(atlas, reference):
    context, site = atlas
    departments = {"94", "29", "974", "2A"}
    views = {
        f"departement-{code}": view_document(context, View(Level.DEPARTEMENT, code), site["spec"])
        for code in departments
    }
    shards = dict(commune_shards(context, views, only=departments))
    assert set(shards) == departments
    for code, shard in shards.items():
        department = full_spec(site, views[f"departement-{code}"]["spec"])
        columns = shard["columns"]
        rows = range(0, len(columns["insee"]), max(1, len(columns["insee"]) // 6))
        for row in [*rows, columns["insee"].index("94038")] if code == "94" else rows:
            insee = columns["insee"][row]
            expected = context.spec(View(Level.COMMUNE, insee))
            assert as_json(commune_spec(department, shard, row)) == as_json(expected), insee


def test_the_search_index_holds_every_row_of_the_apps(reference, atlas):
    context, _ = atlas
    document = search_document(reference, context.analysis)
    entries = SearchIndex(reference).entries(context.analysis.zones)
    for kind, group in entries.groupby("kind"):
        columns = document["kinds"][kind]
        assert columns["code"].split("|") == list(group["code"])
        assert columns["name"].split("|") == list(group["name"])
        assert columns["extra"].split("|") == list(group["extra"])
        assert [int(w) for w in columns["weight"].split(",")] == list(group["weight"])


def test_files_are_named_after_their_content_and_old_ones_removed(tmp_path):
    foreign = tmp_path / "data" / "mine.txt"
    foreign.parent.mkdir()
    foreign.write_text("not the atlas's", encoding="utf-8")
    names = []
    for content in ("one", "two", "three"):
        writer = SiteWriter(tmp_path)
        names.append(writer.put("data", "vue", ".js", data_script("vue", content)))
        writer.put("data", "same", ".js", data_script("same", "always"))
        writer.page("index.html", f"<p>{content}</p>")
        writer.finish()
    assert len(set(names)) == 3
    # The previous export's files stay (a page already open still finds them)…
    assert (tmp_path / names[1]).is_file() and (tmp_path / names[2]).is_file()
    # … older ones go; what the atlas did not write stays.
    assert not (tmp_path / names[0]).exists()
    assert foreign.is_file()
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "<p>three</p>"
    listed = json.loads((tmp_path / FILES_LIST).read_text(encoding="utf-8"))
    assert names[2] in listed["files"] and names[1] in listed["previous"]


def test_data_files_are_scripts_safe_in_a_page():
    script = data_script("vue", {"nom": "</script><script>alert(1)</script>\u2028"}).decode()
    assert script.startswith('OPSN_ATLAS.put("vue",')
    assert "</script>" not in script and "\u2028" not in script


def test_export_site_refuses_what_does_not_apply(tmp_path, capsys):
    assert main(["export", "site", "--out", str(tmp_path), "--vue", "departement"]) == 2
    assert "toutes les vues" in capsys.readouterr().err
    target = tmp_path / "fichier.html"
    target.write_text("", encoding="utf-8")
    assert main(["export", "site", "--out", str(target)]) == 2
    assert "un dossier est attendu" in capsys.readouterr().err
