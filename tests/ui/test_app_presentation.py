"""The map page's « Mode présentation » and « Exporter » menu, through Streamlit's AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from geo.core.paths import ROOT

APP = str(ROOT / "app.py")


def app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def exports(at: AppTest) -> list[str]:
    return [b.key for b in at.get("download_button") if b.key.startswith("export_")]


def test_export_menu_offers_the_view_s_files():
    at = app()
    assert exports(at) == [
        "export_png_slide", "export_png_print", "export_pdf_map", "export_html", "export_xlsx",
        "export_csv",
    ], "France: no territory report"  # fmt: skip
    at = app(vue="departement", code="29")
    assert "export_report" in exports(at)


def test_presentation_button_and_way_out():
    at = app()
    assert at.button(key="presentation_on")
    at.button(key="presentation_on").click()
    at.run()
    assert at.query_params["presentation"] == "1"
    assert not exports(at), "no export menu on a slide"
    assert not [b for b in at.button if b.key.startswith("crumb_")], "no controls"
    assert at.button(key="slide_previous").disabled, "France is the first slide"
    at.button(key="slide_next").click()
    at.run()
    assert at.query_params["vue"] == "region" and at.query_params["code"] == "11"
    assert any("Île-de-France" in h.body for h in at.get("html")), "the slide's headline"
    at.button(key="slide_exit").click()
    at.run()
    assert "presentation" not in at.query_params
    assert at.button(key="presentation_on")


def test_slides_from_the_link():
    at = app(presentation="1", diapos="FR,53,D29", vue="region", code="53")
    assert not at.button(key="slide_previous").disabled
    at.button(key="slide_next").click()
    at.run()
    assert at.query_params["code"] == "29" and at.query_params["diapos"] == "FR,53,D29"
    assert at.button(key="slide_next").disabled, "the last slide"
