"""Text from users (file names, URL values, OPSN names) shown safely in Markdown."""

from __future__ import annotations

import re


def md(text: object) -> str:
    """Text safe inside Markdown: names from uploaded files must not become links or HTML."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", str(text))
