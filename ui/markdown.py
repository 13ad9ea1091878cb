"""Text from data or people (names, reasons, file names, URL values) shown safely.

Every Markdown or HTML surface of the app that can carry such text — ``st.markdown``
(``unsafe_allow_html`` included), captions, messages, titles, widget labels,
``help`` tooltips, toasts — gets it through :func:`md`. Plain-text surfaces
(selectbox options, table cells) take the text as it is.
"""

from __future__ import annotations

from geo.core.text import plain_text


def md(text: object) -> str:
    """Text safe in Markdown and in HTML: no link (even a bare URL), image, math, markup.

    Active characters become character references (:func:`geo.core.text.plain_text`).
    """
    return plain_text(text)
