"""geo.core.text: the one folding of names, and plain text inside Markdown.

``plain_markdown`` is checked here as text (every Markdown-active character
escaped, nothing else changed); the browser test of the import panel checks
that Streamlit then draws no link, image or script from an uploaded file.
"""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.core.text import WORD_JOINER, fold, plain_markdown
from geo.explore import search
from geo.importers import names

PUNCTUATION = set(string.punctuation)


def unescape(markdown: str) -> str:
    """What a CommonMark renderer shows for :func:`plain_markdown`'s output."""
    lines = markdown.replace(WORD_JOINER, "").split("  \n")
    return "\n".join(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", line) for line in lines)


def bare_punctuation(markdown: str) -> list[str]:
    """Markdown-active characters not escaped by a backslash."""
    bare, position = [], 0
    while position < len(markdown):
        character = markdown[position]
        if character == "\\":
            position += 2
            continue
        if character in PUNCTUATION:
            bare.append(character)
        position += 1
    return bare


def test_fold_is_shared_by_search_and_import():
    assert fold("« Date d'adhésion »") == "date d adhesion"
    assert fold("L'Haÿ-les-Roses") == "l hay les roses"
    assert fold("Œuvre") == "oeuvre"
    assert search.fold is fold and names.fold is fold


@pytest.mark.parametrize(
    "payload",
    [
        "[cliquez ici](http://3232235777/)",
        "http://3232235777/",
        "www.exemple.fr",
        "contact@exemple.fr",
        "<http://exemple.fr>",
        "![x](http://exemple.fr/x.png)",
        "$x^2$ et $$y$$",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "&lt;b&gt; &amp;",
        ":red[rouge] :material/home: :smile:",
        "**gras** _it_ ~~barré~~ `code`",
        "# titre",
        "1. liste",
        "- liste",
        "> citation",
        "| a | b |",
        "a\\b",
    ],
)
def test_markdown_specials_are_all_escaped(payload):
    shown = plain_markdown(payload)
    # every ASCII punctuation character is preceded by a backslash: CommonMark
    # then shows it literally, and no link, autolink, math or HTML can start.
    assert bare_punctuation(shown) == []
    assert unescape(shown) == payload
    assert "http://" not in shown and "www." not in shown and "$" not in shown.replace("\\$", "")
    # remark-gfm links bare URLs, www. and e-mail addresses from the text itself
    # (escapes resolved): none of them may still read as one there
    text = re.sub(r"\\(.)", r"\1", shown)
    assert not re.search(r"(?i)https?://|www\.|[\w.+-]+@[\w-]+\.|:[\w+-]+:", text)


def test_the_text_reads_the_same_and_french_colons_are_untouched():
    assert plain_markdown("valeur : x") == "valeur \\: x"
    assert unescape(plain_markdown("http://a.fr et a@b.fr")) == "http://a.fr et a@b.fr"


def test_lines_and_invisible_characters():
    assert plain_markdown("ligne 1\n    ligne 2\r\nligne 3") == "ligne 1  \nligne 2  \nligne 3"
    assert plain_markdown("a\x00b\u202ec") == "a\ufffdb\ufffdc"
    assert plain_markdown(42) == "42"


@given(st.text())
def test_plain_markdown_shows_the_text_itself(text):
    shown = plain_markdown(text)
    expected = "\n".join(
        line.strip()
        for line in re.split(
            r"\r\n|\r|\n",
            re.sub(
                r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", "\ufffd", text
            ),
        )
    )
    assert unescape(shown) == expected.replace(WORD_JOINER, "")
    assert bare_punctuation(shown) == []
