"""geo.core.text: the one folding of names, and text from data shown as text.

``plain_text`` is checked here as text: every character that could start
Markdown, HTML or Streamlit syntax is a character reference, and decoding the
references gives the text back. The browser test of the hostile registry
(``tests/browser/test_hostile_names.py``) checks that Streamlit then draws no
link, image, formula or markup from it.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.core.text import WORD_JOINER, fold, plain_text
from geo.explore import search
from geo.importers import names
from tests.hostile.corpus import PAYLOADS as HOSTILE_NAMES
from tests.markup import shown

# Anywhere in a line: what opens a link, image, autolink, HTML, reference, emphasis,
# code, strike, math, escape, directive, footnote, table or quoted attribute.
ACTIVE = set("!\"$&'*:<>@[\\]^_`{|}~")


def bare(markup: str) -> list[str]:
    """Active characters left as they are (not inside a character reference)."""
    text = re.sub(r"&#\d+;", "", markup)
    return [c for c in text if c in ACTIVE]


def raw_line_starts(markup: str) -> list[str]:
    """Lines that start with punctuation or a digit as it is (not as a reference)."""
    starts = re.compile(r"&#\d+;|[^!-/0-9:-@\[-`{-~]")
    return [line for line in markup.split("  \n") if line and not starts.match(line)]


def test_fold_is_shared_by_search_and_import():
    assert fold("« Date d'adhésion »") == "date d adhesion"
    assert fold("L'Haÿ-les-Roses") == "l hay les roses"
    assert fold("Œuvre") == "oeuvre"
    assert search.fold is fold and names.fold is fold


@pytest.mark.parametrize(
    "payload",
    [
        *HOSTILE_NAMES,
        "www.exemple.fr",
        "contact@exemple.fr",
        "<http://exemple.fr>",
        "&lt;b&gt; &amp; &#42;",
        "**gras** _it_ ~~barré~~ `code`",
        "1. liste",
        "2) liste",
        "- liste",
        "+ liste",
        "> citation",
        "===",
        "| a | b |",
        "a\\b",
        "[^1]",
        ":abbr{title=x}",
    ],
)
def test_every_active_character_is_a_reference(payload):
    markup = plain_text(payload)
    assert bare(markup) == []
    assert raw_line_starts(markup) == []  # no line opens a heading, list, quote or rule
    assert shown(markup) == "\n".join(line.strip() for line in payload.splitlines() if line.strip())
    # remark-gfm links bare URLs, www. and e-mail addresses, and Streamlit turns
    # :shortcodes: into icons, from the decoded text: none may still read as one
    text = shown(markup.replace(WORD_JOINER, "\0"))
    assert not re.search(r"(?i)https?://|www\.|[\w.+-]+@[\w-]+\.|:[\w+/-]+:", text)


def test_ordinary_names_stay_readable():
    assert plain_text("Côtes-d'Armor") == "Côtes-d&#39;Armor"
    assert plain_text("Saint-Malo (35), 57,3 %") == "Saint-Malo (35), 57,3 %"
    assert plain_text("valeur : x") == "valeur &#58; x"
    assert plain_text(42) == "&#52;2"  # a digit starting a line (« 1. » would be a list)


def test_lines_and_invisible_characters():
    assert plain_text("ligne 1\n    ligne 2\r\n\r\nligne 3") == "ligne 1  \nligne 2  \nligne 3"
    assert plain_text("a\x00b\u202ec") == "a\ufffdb\ufffdc"


@given(st.text())
def test_plain_text_shows_the_text_itself(text):
    markup = plain_text(text)
    cleaned = re.sub(
        r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", "\ufffd", text
    )
    lines = [line.strip() for line in re.split(r"\r\n|\r|\n", cleaned)]
    assert shown(markup) == "\n".join(line for line in lines if line).replace(WORD_JOINER, "")
    assert bare(markup) == [] and raw_line_starts(markup) == []
