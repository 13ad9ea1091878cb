"""The app in another page's frame (``embed=true``) and the code that puts it there.

The « Exporter » menu gives the ``<iframe>`` of the view shown, with its options, for the
app and — once ``OPSN_ATLAS_URL`` names where the atlas is published — for the atlas.
Embedded, the page shows the headline and the map only (the map is drawn in the browser
tests; here its element is on the page, and nothing else is).
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from geo.core.paths import ROOT

APP = str(ROOT / "app.py")


def opened(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_exporter_menu_gives_the_iframe_of_the_view_for_the_app_and_the_atlas(monkeypatch):
    monkeypatch.delenv("OPSN_ATLAS_URL", raising=False)
    at = opened(vue="departement", code="29", regle="adhesion")
    codes = [code.value for code in at.code]
    assert len(codes) == 1, codes
    assert codes[0].startswith("<iframe src=")
    assert "vue=departement&amp;code=29&amp;regle=adhesion" in codes[0]
    assert "embed=true" in codes[0] and 'width="600" height="400"' in codes[0]
    assert any("OPSN_ATLAS_URL" in c.value for c in at.caption)

    monkeypatch.setenv("OPSN_ATLAS_URL", "https://atlas.exemple.fr/")
    at = opened(vue="departement", code="29")
    atlas = [c.value for c in at.code if "atlas.exemple.fr" in c.value]
    assert atlas == [
        '<iframe src="https://atlas.exemple.fr/embed.html#vue=departement&amp;code=29" '
        'title="Couverture OPSN — Finistère (29)" width="600" height="400" '
        'style="border:0;max-width:100%" loading="lazy"></iframe>'
    ]


def test_embedded_page_shows_the_headline_and_the_map_only(monkeypatch):
    monkeypatch.setattr("ui.embed.requested", lambda: True)
    at = opened(vue="departement", code="29")
    page = "".join(m.value for m in at.markdown)
    assert "Finistère (29)" in page
    assert "Ouvrir dans l'application" in page and "vue=departement&amp;code=29" in page
    assert not at.button  # no buttons: no export menu, no breadcrumb, no presentation
    assert not at.text_input and not at.metric and not at.dataframe
    assert '[data-testid="stSidebar"]' in page  # hidden, with the counting controls
