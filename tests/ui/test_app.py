"""The Streamlit page driven by ``streamlit.testing`` (AppTest) on the bundled data.

Every figure the page shows is compared with what :func:`geo.core.analysis.analyse`
gives for the same options, formatted the French way by :mod:`geo.core.fmt`; the
URL query string, the search box, the breadcrumb, the overseas buttons, the
tables and the import panel are driven as a user would. The map (a custom
component) is not drawn here: the browser tests cover it.

One AppTest per test; Streamlit's resource cache is process-wide, so the
reference data and the maps already seen are reused from one test to the next.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from geo import exports
from geo.core import fmt
from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.figures import Figures
from geo.core.paths import ROOT
from geo.core.stats import CREDITS
from geo.importers.inputs import bundled_inputs
from tests.markup import shown as rendered

APP = str(ROOT / "app.py")
METRICS = (
    "Communes couvertes",
    "Communes sans OPSN",
    "Territoires sans OPSN",
    "Habitants sans OPSN",
)


@pytest.fixture(scope="module")
def engine(reference):
    """``options → figures`` from the engine, each computed once."""
    inputs = bundled_inputs()
    cache: dict[CoverageOptions, Figures] = {}

    def figures(**options) -> Figures:
        key = CoverageOptions(**options)
        if key not in cache:
            cache[key] = analyse(reference, inputs, key).figures
        return cache[key]

    return figures


def app(**query: str) -> AppTest:
    """The page opened at ``?query``, after its first run."""
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in query.items():
        at.query_params[name] = value
    return run(at)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def headline_html(at: AppTest) -> str:
    blocks = [m.value for m in at.markdown if 'class="headline"' in m.value]
    assert len(blocks) == 1, "one headline"
    return blocks[0]


def shown(at: AppTest) -> dict[str, str]:
    """What the page shows: the big percentage and the four metrics."""
    big = re.search(r'<div class="big">(.*?)</div>', headline_html(at))
    assert big, "the headline has its big percentage"
    figures = {"share": big.group(1)}
    figures.update({m.label: m.value for m in at.metric})
    return figures


def expected(figures: Figures) -> dict[str, str]:
    """The same, formatted from the engine's figures."""
    # Under an OPSN filter, a commune outside it may have another OPSN: never "sans OPSN".
    without = "hors des OPSN choisis" if figures.opsn_filter else "sans OPSN"
    shown = {
        "share": fmt.percent(figures.covered_share),
        "Communes couvertes": fmt.integer(figures.covered_communes),
    }
    if "perimetre_non_comptee" in figures.classes:  # « adhérentes seulement »
        not_counted = figures.classes["perimetre_non_comptee"].communes
        shown["Périmètre, non comptées"] = fmt.integer(not_counted)
    return shown | {
        f"Communes {without}": fmt.integer(figures.status["sans_opsn"].communes),
        f"Territoires {without}": fmt.integer(figures.white_zone_count),
        f"Habitants {without}": fmt.integer(figures.white_zone_population),
    }


def assert_page_shows(at: AppTest, figures: Figures) -> None:
    assert shown(at) == expected(figures)
    # The commune tiles (every one but the territories') add up to the communes counted.
    tiles = [v for k, v in shown(at).items() if k != "share" and not k.startswith(("Terr", "Hab"))]
    assert sum(int(v.replace("\u202f", "")) for v in tiles) == figures.total_communes
    sentence = headline_html(at)
    # The counting rule and the vintages sit next to the percentage, with the population.
    assert figures.counting_rule in rendered(sentence)
    assert fmt.integer(figures.covered_population) + " habitants" in sentence
    assert fmt.integer(figures.total_population) in sentence


def heading(at: AppTest) -> str:
    """The side panel's title (the other subheader is the tables')."""
    titles = [s.value for s in at.subheader if s.value != "Tableaux"]
    assert len(titles) == 1, titles
    return titles[0]


def url(at: AppTest) -> dict[str, str]:
    return dict(at.query_params)


# ----------------------------------------------------------------------------- figures


def test_every_control_shows_the_engine_figures(engine):
    at = app()
    defaults = engine()
    assert_page_shows(at, defaults)
    # French formats, as a reader sees them: "70,2 %" and "27 793".
    assert re.fullmatch(r"\d{1,3},\d\u00a0%", shown(at)["share"])
    assert "\u202f" in shown(at)["Habitants sans OPSN"]

    at.radio(key="rule").set_value("adhesion")
    run(at)
    members_only = engine(rule="adhesion")
    assert_page_shows(at, members_only)
    assert members_only.covered_share < defaults.covered_share
    assert shown(at)["share"] != expected(defaults)["share"]
    assert shown(at)["Communes couvertes"] != expected(defaults)["Communes couvertes"]

    at.radio(key="rule").set_value("perimetre")
    at.radio(key="territory").set_value("metropole")
    run(at)
    metropole = engine(territory="metropole")
    assert_page_shows(at, metropole)
    assert shown(at)["Communes sans OPSN"] != expected(defaults)["Communes sans OPSN"]
    assert "France métropolitaine" in headline_html(at)

    at.radio(key="territory").set_value("france")
    at.checkbox(key="epci_membership").uncheck()
    run(at)
    without_epci = engine(epci_membership=False)
    assert_page_shows(at, without_epci)
    assert "adhésions des EPCI non étendues à leurs communes" in headline_html(at)

    at.checkbox(key="epci_membership").check()
    at.multiselect(key="opsn_filter").set_value(["megalis"])
    run(at)
    megalis = engine(opsn=("megalis",))
    assert_page_shows(at, megalis)
    assert shown(at)["share"] != expected(defaults)["share"]
    assert shown(at)["Communes couvertes"] == fmt.integer(megalis.covered_communes)
    assert "OPSN choisis : Mégalis Bretagne" in rendered(headline_html(at))
    panel = rendered(" ".join(m.value for m in at.markdown))
    assert "Hors des OPSN choisis" in panel and "Sans OPSN :" not in panel


# ----------------------------------------------------------------------------- URL


def test_query_string_opens_the_view_and_follows_the_controls(engine):
    at = app(
        vue="departement",
        code="38",
        regle="adhesion",
        territoire="metropole",
        epci="non",
        opsn="sitpi",
    )
    assert at.radio(key="rule").value == "adhesion"
    assert at.radio(key="territory").value == "metropole"
    assert at.checkbox(key="epci_membership").value is False
    assert at.multiselect(key="opsn_filter").value == ["sitpi"]
    assert heading(at) == "Isère (38)"
    assert at.button(key="crumb_departement:38").disabled
    # The headline is the view's (tests/ui/test_app_figures.py compares every number).
    assert "Isère (38) : " in headline_html(at)
    national = engine(
        rule="adhesion", territory="metropole", epci_membership=False, opsn=("sitpi",)
    )
    assert f'<div class="france"><span>{fmt.percent(national.covered_share)}</span>' in (
        headline_html(at)
    )

    at.radio(key="territory").set_value("france")
    at.multiselect(key="opsn_filter").set_value([])
    run(at)
    assert url(at) == {
        "vue": "departement",
        "code": "38",
        "regle": "adhesion",
        "territoire": "france",
        "epci": "non",
        "version": "1",  # a link names the saved version it shows (a new database: 1)
    }
    assert heading(at) == "Isère (38)"


def test_basemap_option_round_trips_through_the_url():
    at = app(fond="ign")
    assert at.checkbox(key="basemap").value is True
    at.checkbox(key="basemap").uncheck()
    run(at)
    assert "fond" not in at.query_params
    at.checkbox(key="basemap").check()
    run(at)
    assert at.query_params["fond"] in ("ign", ["ign"])
    assert not app().checkbox(key="basemap").value, "offline by default"


def test_unknown_code_warns_in_french_and_falls_back_to_france():
    at = app(
        vue="departement", code="XX", regle="n'importe", territoire="lune", opsn="inconnu,sitpi"
    )
    warnings = [w.value for w in at.warning]
    assert any("XX" in w and "introuvable" in w and "France" in w for w in warnings), warnings
    assert heading(at) == "France"
    assert at.radio(key="rule").value == "perimetre"
    assert at.radio(key="territory").value == "france"
    # The unknown OPSN id is dropped, the known one kept, and the URL is cleaned.
    assert at.multiselect(key="opsn_filter").value == ["sitpi"]
    assert url(at) == {
        "regle": "perimetre", "territoire": "france", "epci": "oui", "opsn": "sitpi", "version": "1",
    }  # fmt: skip


# ----------------------------------------------------------------------------- navigation


def test_commune_link_breadcrumb_and_overseas_buttons():
    at = app(vue="commune", code="38185")
    assert heading(at) == "Grenoble (38185)"
    crumbs = {b.key: b.label for b in at.button if b.key.startswith("crumb_")}
    assert crumbs == {
        "crumb_france:": "France",
        "crumb_region:84": "› Auvergne-Rhône-Alpes",
        "crumb_departement:38": "› Isère (38)",
        "crumb_epci:200040715": "› Grenoble-Alpes-Métropole",
        "crumb_commune:38185": "› Grenoble (38185)",
    }
    assert at.button(key="crumb_commune:38185").disabled

    at.button(key="crumb_departement:38").click()
    run(at)
    assert heading(at) == "Isère (38)"
    assert not any(b.key.startswith("crumb_commune") for b in at.button)
    assert url(at)["vue"] == "departement" and url(at)["code"] == "38"

    at.button(key="crumb_france:").click()
    run(at)
    assert heading(at) == "France"
    assert "vue" not in url(at) and "code" not in url(at)

    at.button(key="drom_974").click()
    run(at)
    assert heading(at) == "La Réunion (974)"
    assert at.button(key="drom_974").disabled
    assert url(at)["vue"] == "departement" and url(at)["code"] == "974"


# ----------------------------------------------------------------------------- tables


def test_tables_have_csv_downloads_and_filters(reference, engine, monkeypatch):
    offered: list[bytes] = []
    original = exports.csv_bytes

    def recording_csv_bytes(table, notes=None):
        offered.append(original(table, notes))
        return offered[-1]

    # ui/tables.py calls geo.exports.csv_bytes through the module: record what it offers.
    monkeypatch.setattr("geo.exports.csv_bytes", recording_csv_bytes)
    at = app()
    table_downloads = [b for b in at.get("download_button") if not b.key.startswith("export_")]
    assert not table_downloads and not at.dataframe, "tables closed at first"
    at.session_state["tables_open"] = True
    # Only the open tab is computed: open each one in turn, as a person would.
    downloads, tables = {}, []
    for label in ("Régions", "Départements", "OPSN", "Territoires sans OPSN"):
        at.session_state["table_tab_france"] = label
        run(at)
        shown = {
            b.key: b.label for b in at.get("download_button") if not b.key.startswith("export_")
        }
        shown.pop("download_xlsx")  # the workbook of every table, built on click
        assert len(shown) == 1, (label, shown)  # the other tabs are not sent
        downloads |= shown
        tables += [d.value for d in at.dataframe]
    assert downloads == {
        f"download_{key}": "Télécharger en CSV"
        for key in ("regions", "departements", "opsn", "territoires")
    }
    departments = next(t for t in tables if "Part couverte (%)" in t.columns and len(t) > 90)
    assert len(departments) == len(reference.departements)
    assert departments["Population"].sum() == engine().total_population
    zones = next(t for t in tables if "Rang" in t.columns)
    assert len(zones) == engine().white_zone_count

    departments_csv = next(o for o in offered if b"\r\n38;" in o)
    text = departments_csv.decode("utf-8-sig")
    assert departments_csv.startswith(b"\xef\xbb\xbf")
    header = text.splitlines()[0]
    assert header.split(";")[:4] == ["Code", "Nom", "Région", "Communes"]
    rule = engine().counting_rule
    assert f'"Règle : {rule}"' in text
    assert f'"{CREDITS}"' in text
    isere = next(line.split(";") for line in text.splitlines() if line.startswith("38;"))
    share = isere[header.split(";").index("Part couverte (%)")]
    assert re.fullmatch(r"\d+(,\d)?", share), share  # decimal comma, never a point

    at.session_state["table_tab_france"] = "Départements"
    run(at)
    at.text_input(key="filter_departements").input("Isère")
    run(at)
    shown_tables = [d.value for d in at.dataframe if "Part couverte (%)" in d.value.columns]
    assert any(t["Code"].tolist() == ["38"] for t in shown_tables)
    assert not any(len(t) == len(reference.departements) for t in shown_tables)


def test_markdown_in_a_permalink_is_shown_as_text():
    # An image in the warning would make the page call another host.
    at = app(vue="departement", code="![x](http://example.invalid/x.png)")
    (warning,) = [w.value for w in at.warning]
    assert "introuvable" in rendered(warning)
    assert "![X](HTTP" in rendered(warning) and "![" not in warning  # shown, never an image


def test_a_region_shows_its_own_tables():
    """Auvergne-Rhône-Alpes: its twelve departments, never « Ain, Aisne… » of France."""
    at = app(vue="region", code="84")
    at.session_state["tables_open"] = True
    run(at)
    assert [t.label for t in at.tabs] == [
        "Départements", "EPCI", "Communes sans OPSN", "OPSN présents", "Territoires sans OPSN",
    ]  # fmt: skip
    (departments,) = [d.value for d in at.dataframe]
    assert sorted(departments["Code"]) == ["01", "03", "07", "15", "26", "38", "42", "43",
                                           "63", "69", "73", "74"]  # fmt: skip
    workbook = next(b for b in at.get("download_button") if b.key == "download_xlsx")
    assert "Tous ces tableaux en Excel" in workbook.label
