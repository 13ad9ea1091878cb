"""Text from users (file names, URL values, OPSN names) shown safely in Markdown."""

from __future__ import annotations

from geo.core.text import plain_markdown


def md(text: object) -> str:
    """Text safe inside Markdown: no link (even a bare URL), image, math, HTML or emphasis.

    Every Markdown-active character is escaped (:func:`geo.core.text.plain_markdown`).
    """
    return plain_markdown(text)
