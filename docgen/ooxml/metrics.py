"""How wide a word is on the page, near enough to size table columns (no font files needed).

Widths are those of Times (Times New Roman and Liberation Serif share them), in thousandths of
the font size; a sans-serif font such as Arial is taken as wider by :data:`SANS`, bold text by
:data:`BOLD`. Characters outside the table count as a digit, CJK ideographs as a full em.

>>> round(word_width("(510)\\u00a0555\\u20110100", 19))
1187
"""

from __future__ import annotations

# Times-Roman, for the printable ASCII characters from space (32) to tilde (126)
_TIMES = (
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278,
    500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444,
    921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722,
    556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500,
    333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500,
    500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
)
_OTHER = {"\u00a0": 250, "\u2011": 333, "\u2013": 500, "\u2014": 1000, "\u2019": 333,
          "\u201c": 444, "\u201d": 444, "\u00b7": 250}
_ZERO = frozenset("\u200b\u2060\ufeff\u200e\u200f\u2066\u2067\u2068\u2069")

#: How much wider a sans-serif font sets the same text, and bold text.
SANS = 1.15
BOLD = 1.08


def char_width(char: str) -> int:
    """Return the width of ``char`` in thousandths of the font size."""
    code = ord(char)
    if 32 <= code <= 126:
        return _TIMES[code - 32]
    if char in _ZERO:
        return 0
    if char in _OTHER:
        return _OTHER[char]
    if 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFFEF:
        return 1000
    return 500


def word_width(text: str, half_points: int, *, bold: bool = False, sans: bool = False) -> float:
    """Return the width of ``text`` set at ``half_points`` (``w:sz``), in twips."""
    factor = (BOLD if bold else 1.0) * (SANS if sans else 1.0)
    return sum(char_width(c) for c in text) * half_points * 10 / 1000 * factor


def word_width_of(units: int, half_points: int, bold: bool = False,
                  sans: bool = False) -> float:
    """Return the width in twips of text ``units`` thousandths of the font size wide."""
    return units * half_points * 10 / 1000 * (BOLD if bold else 1.0) * (SANS if sans else 1.0)
