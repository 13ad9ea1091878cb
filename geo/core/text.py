"""Text helpers shared by search, registry and importers: folding, and plain text in Markdown.

``fold`` is the one comparison key for names typed or written by people
(column headers, commune and operator names, search queries), so that what
the search finds the import finds too. ``plain_markdown`` turns any text from
a file or a URL into Markdown that renders as that very text: no link, no
image, no math, no HTML, no emphasis.
"""

from __future__ import annotations

import re
import unicodedata

_COMBINING = re.compile(r"[\u0300-\u036f]")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: object) -> str:
    """Lower case without accents nor punctuation: ``« Date d'adhésion »`` → ``date d adhesion``."""
    text = str(text).lower().translate(_LIGATURES)
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _NOT_ALNUM.sub(" ", text).strip()


# Every ASCII punctuation character may be backslash-escaped in CommonMark, and
# an escaped character is always literal: escaping all of them defeats links,
# autolinks (``<…>``, bare ``http://…``, ``www.…``, e-mail addresses), images,
# math (``$…$``), HTML, entities (``&…;``), emphasis, headings, lists, tables
# and Streamlit's own directives (``:red[…]``, ``:material/icon:``, ``:emoji:``).
_MARKDOWN_SPECIAL = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
# Control characters, and the bidirectional overrides that make a name display
# other than it reads (U+202A-202E, U+2066-2069): shown as U+FFFD.
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# Streamlit's renderer (remark-gfm) turns bare URLs, ``www.`` addresses and
# e-mail addresses into links *after* escapes are resolved, by searching the
# text itself; so does its emoji and icon shortcode pass (``:smile:``). A word
# joiner (U+2060, invisible, no line break) where such a match would start
# leaves the text as it reads and matches nothing.
WORD_JOINER = "\u2060"
_AUTOLINK_STARTS = re.compile(r"(?i)(:)(?=\S)|\b(www)(?=\.)|(?=@)")


def _break_autolinks(line: str) -> str:
    return _AUTOLINK_STARTS.sub(lambda m: (m.group(1) or m.group(2) or "") + WORD_JOINER, line)


def plain_markdown(text: object) -> str:
    """``text`` as Markdown that Streamlit renders as exactly that text.

    For ``st.error``, ``st.warning``, ``st.caption``, ``st.markdown``…: names
    and messages from uploaded files or from the URL can carry links
    (``[x](http://…)``, bare ``http://3232235777/``), images, ``$math$`` or
    HTML. Line breaks are kept (as hard breaks); leading spaces are dropped so
    that no line becomes a code block; an invisible word joiner follows a
    colon that starts a word (``http:``, ``:smile:``) and precedes ``@`` and
    the dot of ``www.``.
    """
    text = _UNSAFE_CHARACTERS.sub("\ufffd", str(text))
    lines = re.split(r"\r\n|\r|\n", text)
    escaped = [_MARKDOWN_SPECIAL.sub(r"\\\1", _break_autolinks(line.strip())) for line in lines]
    return "  \n".join(escaped)
