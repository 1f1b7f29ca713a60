"""Markdown for the summaries people read (``docgen review``'s and ``docgen redline``'s): text
from specs and documents shown exactly as written.

>>> escape("Smith & Sons <LLC> *now* #1 [x]")
'Smith & Sons \\\\<LLC\\\\> \\\\*now\\\\* \\\\#1 \\\\[x\\\\]'
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


def escape(text: str) -> str:
    """Return ``text`` escaped so that Markdown shows it as written, on one line."""
    return _SPECIAL.sub(r"\\\1", text).replace("\n", " ")
