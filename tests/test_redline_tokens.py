"""The token patterns a redline compares paragraphs in match what they matched when their
character classes were written as "\\uXXXX" escapes (now they hold the characters themselves,
which re parses faster, so that every redline starts sooner): the same code, and the same
tokens of any text, in every script they tell apart."""

from __future__ import annotations

import re
import unicodedata
from re import _compiler, _parser  # the code a pattern compiles to

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from docgen.redline import keys, model

# -- the patterns as they were written, escapes and all (docgen/redline/keys.py, model.py) --

_CJK = (r"\u2E80-\u2FFF\u3000-\u303F\u3040-\u30FF\u3100-\u31FF\u3400-\u4DBF\u4E00-\u9FFF"
        r"\uF900-\uFAFF\uFF00-\uFFEF\U00020000-\U0003FFFF")
_SEA = r"\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF"
_SEA_DIGITS = r"\u0E50-\u0E59\u0ED0-\u0ED9\u1040-\u1049\u1090-\u1099\u17E0-\u17E9"


def _mark_class() -> str:
    ranges: list[tuple[int, int]] = []
    for lo, hi in ((0x0300, 0x1DFF), (0x20D0, 0x20FF), (0xFE00, 0xFE2F)):
        for c in range(lo, hi + 1):
            if unicodedata.category(chr(c))[0] == "M" or c in (0x0E33, 0x0EB3):
                if ranges and ranges[-1][1] == c - 1:
                    ranges[-1] = (ranges[-1][0], c)
                else:
                    ranges.append((c, c))
    return "".join(f"\\u{a:04X}" + (f"-\\u{b:04X}" if b > a else "") for a, b in ranges)


_MARKS = _mark_class()
TOKEN = re.compile(rf"[{_SEA_DIGITS}]+|[{_CJK}{_SEA}][{_MARKS}]*|(?:[^\W{_CJK}{_SEA}]|[{_MARKS}])+"
                   rf"|\s+|.[{_MARKS}]*", re.S)
_DIGITS = rf"0-9\uFF10-\uFF19{_SEA_DIGITS}"
_PIECE = rf"(?:[^\W{_CJK}{_SEA}]|[{_DIGITS}{_MARKS}])+"
_JOIN = r"[.,/:\-\u2010\u2011\u2013'\u2019\uFF0C\uFF0E\uFF0F\uFF1A\uFF0D]"
_CURRENCY = r"[$\u00A2-\u00A5\u20A0-\u20C0\uFF04\uFFE0\uFFE1\uFFE5\uFFE6]"
NUMBER_TOKEN = re.compile(
    rf"[{_DIGITS}]+[年月日](?:[{_DIGITS}]+[年月日])*"
    rf"|{_CURRENCY}?{_PIECE}(?:{_JOIN}{_PIECE})*[%\uFF05]?"
    rf"|[{_CJK}{_SEA}][{_MARKS}]*|\s+|.[{_MARKS}]*", re.S)
_HAS_DIGIT = re.compile(rf"[{_DIGITS}]")
CHARACTER_TOKEN = re.compile(rf"\s+|.[{_MARKS}]*", re.S)
_UNSPACED = re.compile(rf"[{_CJK}\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF]")

PAIRS = [(TOKEN, keys.TOKEN), (NUMBER_TOKEN, keys.NUMBER_TOKEN), (_HAS_DIGIT, keys._HAS_DIGIT),
         (CHARACTER_TOKEN, keys.CHARACTER_TOKEN), (_UNSPACED, model._UNSPACED)]
NAMES = ["TOKEN", "NUMBER_TOKEN", "_HAS_DIGIT", "CHARACTER_TOKEN", "_UNSPACED"]


def _code(pattern: re.Pattern[str]) -> list[int]:
    return _compiler._code(_parser.parse(pattern.pattern, pattern.flags), pattern.flags)


@pytest.mark.parametrize(("escaped", "written"), PAIRS, ids=NAMES)
def test_each_pattern_compiles_to_the_code_of_its_escaped_form(escaped, written) -> None:
    assert written.pattern != escaped.pattern  # characters, not escapes
    assert written.flags == escaped.flags
    assert _code(written) == _code(escaped)


#: what the patterns tell apart: ASCII, full-width digits and signs, CJK (in and beyond the
#: BMP), kana, Thai, Lao, Myanmar and Khmer letters and digits, combining marks of each block,
#: currency signs, the separators of amounts and dates, spaces of several kinds
ALPHABET = ("abcXYZ019 \t\n\u00a0\u3000.,/:-'%$\u2010\u2011\u2013\u2019"
            "\uff10\uff15\uff19\uff0c\uff0e\uff0f\uff1a\uff0d\uff05\uff04\uffe5\uffe0"
            "\u00a2\u00a5\u20ac\u20a9\u5e74\u6708\u65e5\u4e00\u9fff\u3042\u30ab\u2e80\uf900"
            "\U00020000\U0003fffe\u0e01\u0e33\u0e50\u0e59\u0e81\u0eb3\u0ed0\u1000\u1040\u1090"
            "\u1780\u17e0\u0301\u0308\u0363\u20d0\ufe20\ufe00\u1dff\u0915\u093f\u00e9\u0394")


@settings(max_examples=examples(400))
@given(st.text(alphabet=ALPHABET, max_size=40) | st.text(max_size=40))
def test_the_patterns_find_the_same_tokens_in_any_text(text: str) -> None:
    for escaped, written in PAIRS:
        assert [m.span() for m in written.finditer(text)] == \
            [m.span() for m in escaped.finditer(text)]


@pytest.mark.parametrize("text", [
    "$1,000,000 by 08/28/2026 (v1.2.3, non-exclusive)", "２０２２年に2026年8月28日",
    "¥１２，０００．５０ ＄5 12.5% ３５％", "call 555-123-4567 at 9:30 a.m.", "ภาษาไทย ๑๒๓ ບາງ ၁၂ ១២",
    "e\u0301te\u0301 na\u0308ive \u20d0x", "\U00020000\U00020001字"])
def test_the_patterns_find_the_same_tokens_in_amounts_dates_and_scripts(text: str) -> None:
    for escaped, written in PAIRS:
        assert written.findall(text) == escaped.findall(text)
