"""The code that embeds a view's map: the app's words in the addresses, escaped HTML."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from geo.core.coverage import CoverageOptions
from geo.core.views import Level, View
from geo.explore.permalink import Permalink
from geo.exports.site.embed import (
    app_embed_url,
    atlas_embed_url,
    atlas_url,
    iframe_code,
    view_fragment,
)


def test_atlas_addresses_name_the_view_as_the_apps_links():
    assert view_fragment(View()) == ""
    assert atlas_embed_url("https://exemple.fr/atlas/", View()) == (
        "https://exemple.fr/atlas/embed.html"
    )
    assert atlas_embed_url("https://exemple.fr/atlas", View(Level.DEPARTEMENT, "2A")) == (
        "https://exemple.fr/atlas/embed.html#vue=departement&code=2A"
    )


def test_the_app_embedded_keeps_the_view_and_options_of_the_link():
    link = Permalink(View(Level.COMMUNE, "94038"), CoverageOptions(rule="adhesion"), version=3)
    url = app_embed_url("http://127.0.0.1:8501/?vue=france&fond=ign", link)
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert parts.netloc == "127.0.0.1:8501" and parts.path == "/"
    assert query == {
        "vue": "commune", "code": "94038", "regle": "adhesion", "territoire": "france",
        "epci": "oui", "version": "3", "embed": "true",
    }  # fmt: skip


def test_iframe_code_is_escaped_html(monkeypatch):
    code = iframe_code('https://x.fr/embed.html#vue=epci&code="><script>', "Carte <b>")
    assert code.startswith('<iframe src="https://x.fr/embed.html#vue=epci&amp;code=&quot;&gt;')
    assert "<script>" not in code and "<b>" not in code
    assert 'width="600" height="400"' in code
    monkeypatch.delenv("OPSN_ATLAS_URL", raising=False)
    assert atlas_url() is None
    monkeypatch.setenv("OPSN_ATLAS_URL", " https://exemple.fr/atlas/ ")
    assert atlas_url() == "https://exemple.fr/atlas/"
