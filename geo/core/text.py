"""Text helpers shared by search, registry, importers and the UI: folding, and text as text.

``fold`` is the one comparison key for names typed or written by people
(column headers, commune and operator names, search queries), so that what
the search finds the import finds too. ``plain_text`` turns any text from
data, a file, a person or a URL into Markdown and HTML that render as that
very text: no link, no image, no math, no HTML, no emphasis.
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


# Characters that start Markdown, HTML or Streamlit syntax anywhere in a line:
# links and images (``[``, ``]``, ``!``), autolinks and HTML (``<``, ``>``),
# character references (``&``), emphasis (``*``, ``_``), code (`````), strike
# (``~``), math (``$``), escapes (``\``), Streamlit's directives and icons
# (``:red[…]``, ``:material/home:``), footnotes (``^``), directive attributes
# (``{``, ``}``), tables (``|``), e-mail autolinks (``@``), and quotes (an HTML
# attribute). Other punctuation only matters at the start of a line (``#``,
# ``-``, ``+``, ``=``, ``1.``, ``1)``): the first character of each line is
# encoded whenever it is punctuation or a digit.
_ALWAYS_ACTIVE = re.compile(r"[!\"$&'*:<>@\[\\\]^_`{|}~]")
_LINE_START = re.compile(r"^[!-/0-9:-@\[-`{-~]")
# Control characters, and the bidirectional overrides that make a name display
# other than it reads (U+202A-202E, U+2066-2069): shown as U+FFFD.
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# Streamlit's renderer (remark-gfm) turns bare URLs, ``www.`` addresses and
# e-mail addresses into links *after* character references are decoded, by
# searching the text itself; so does its emoji and icon shortcode pass
# (``:smile:``). A word joiner (U+2060, invisible, no line break) where such a
# match would start leaves the text as it reads and matches nothing.
WORD_JOINER = "\u2060"
_AUTOLINK_STARTS = re.compile(r"(?i)(:)(?=\S)|\b(www)(?=\.)|(?=@)")


def _break_autolinks(line: str) -> str:
    return _AUTOLINK_STARTS.sub(lambda m: (m.group(1) or m.group(2) or "") + WORD_JOINER, line)


def _reference(match: re.Match) -> str:
    return f"&#{ord(match.group(0))};"


def plain_text(text: object) -> str:
    """``text`` as Markdown *and* HTML that Streamlit renders as exactly that text.

    The one escaping of anything from data or people (OPSN, commune and file
    names, reasons, messages quoting a value, URL parameters) wherever it is
    shown: ``st.markdown`` (with or without ``unsafe_allow_html``, in an HTML
    block or in a paragraph), ``st.caption``, ``st.error`` and the other
    messages, titles, widget labels, ``help`` tooltips, toasts. Active
    characters become numeric character references (``&#91;``): CommonMark
    decodes them as literal text and never as syntax, HTML decodes them as
    text too, so the same string is safe in both, where backslash escapes
    would show in an HTML block and HTML escaping alone leaves Markdown live.
    No link (even a bare URL), image, formula, HTML, emphasis, heading, list
    or table can come out of it.

    Line breaks are kept as hard breaks; blank lines and the spaces that start
    a line are dropped (a blank line would end an HTML block, leading spaces
    make code). An invisible word joiner follows a colon that starts a word
    (``http:``, ``:smile:``) and precedes ``@`` and the dot of ``www.``.
    Not for plain-text surfaces (a selectbox's options, table cells, a text
    input's value), which show text as it is.
    """
    text = _UNSAFE_CHARACTERS.sub("\ufffd", str(text))
    lines = []
    for line in re.split(r"\r\n|\r|\n", text):
        line = line.strip()
        if not line:
            continue
        line = _break_autolinks(line)
        first = _LINE_START.sub(_reference, line[:1])
        lines.append(first + _ALWAYS_ACTIVE.sub(_reference, line[1:]))
    return "  \n".join(lines)
