"""What a reader sees of text escaped by :func:`geo.core.text.plain_text` (for assertions).

AppTest gives the Markdown source of every element; CommonMark and HTML
decode its character references, and the word joiners are invisible.
"""

from __future__ import annotations

import html

from geo.core.text import WORD_JOINER


def shown(markup: str) -> str:
    """The text a browser shows for ``markup`` (references decoded, hard breaks as lines)."""
    return html.unescape(markup.replace("  \n", "\n")).replace(WORD_JOINER, "")
