"""Positions of every value in a JSON text, for error messages that point at a line and column.

The standard library's :mod:`json` parses but forgets where things were. This module walks a text
that :func:`json.loads` has already accepted and records, for each JSON path, where its value (and,
for object members, its key) starts. It also finds duplicate keys, which :mod:`json` silently
collapses to the last one.
"""

from __future__ import annotations

import json.decoder
import re
from dataclasses import dataclass, field
from typing import Callable

from ..errors import PathItem

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")

#: A path into the JSON: its keys and indexes.
Path = tuple[PathItem, ...]

#: json's own string scanner: the string starting after the quote at an offset, and the
#: offset after its closing quote (typeshed does not list it).
scanstring: Callable[[str, int], tuple[str, int]] = getattr(json.decoder, "scanstring")


def _skip_space(text: str, pos: int) -> int:
    """Return the offset of the first character at or after ``pos`` that is not white space."""
    match = _WS.match(text, pos)
    assert match is not None  # the pattern matches the empty string
    return match.end()


@dataclass
class SourceMap:
    """Where each path's value and key start, as 0-based offsets into the text."""

    text: str
    values: dict[Path, int] = field(default_factory=dict)
    keys: dict[Path, int] = field(default_factory=dict)
    duplicates: list[tuple[Path, int]] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list)

    def line_col(self, offset: int) -> tuple[int, int]:
        """Return the 1-based line and column of ``offset``."""
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        lo, hi = 0, len(self._line_starts)
        while lo + 1 < hi:
            mid = (lo + hi) // 2
            if self._line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid
        return lo + 1, offset - self._line_starts[lo] + 1

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Return the line and column of ``path``, or of its nearest ancestor that exists.

        With ``key``, point at the member's key rather than its value.
        """
        path = tuple(path)
        if key and path in self.keys:
            return self.line_col(self.keys[path])
        while path not in self.values and path:
            path = path[:-1]
        return self.line_col(self.values.get(path, 0))


def line_col(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def source_map(text: str) -> SourceMap:
    """Map every path in ``text``, which must be valid JSON, to its position."""
    smap = SourceMap(text)
    _value(text, _skip_space(text, 0), (), smap)
    return smap


def _value(text: str, pos: int, path: Path, smap: SourceMap) -> int:
    smap.values[path] = pos
    ch = text[pos]
    if ch == "{":
        return _object(text, pos + 1, path, smap)
    if ch == "[":
        return _array(text, pos + 1, path, smap)
    if ch == '"':
        return scanstring(text, pos + 1)[1]
    for literal in ("true", "false", "null"):
        if text.startswith(literal, pos):
            return pos + len(literal)
    match = _NUMBER.match(text, pos)
    if match is None:  # cannot happen for text json.loads accepted; keep the walk total
        raise ValueError(f"not JSON at offset {pos}")
    return match.end()


def _object(text: str, pos: int, path: Path, smap: SourceMap) -> int:
    seen: set[str] = set()
    pos = _skip_space(text, pos)
    if text[pos] == "}":
        return pos + 1
    while True:
        key_at = pos
        key, pos = scanstring(text, pos + 1)
        child = path + (key,)
        if key in seen:
            smap.duplicates.append((child, key_at))
        seen.add(key)
        # json keeps the last of duplicate members, so positions follow the last one too
        smap.keys[child] = key_at
        pos = _skip_space(text, pos) + 1  # the colon
        pos = _skip_space(text, pos)
        pos = _value(text, pos, child, smap)
        pos = _skip_space(text, pos)
        if text[pos] == "}":
            return pos + 1
        pos = _skip_space(text, pos + 1)


def _array(text: str, pos: int, path: Path, smap: SourceMap) -> int:
    pos = _skip_space(text, pos)
    if text[pos] == "]":
        return pos + 1
    index = 0
    while True:
        pos = _value(text, pos, path + (index,), smap)
        index += 1
        pos = _skip_space(text, pos)
        if text[pos] == "]":
            return pos + 1
        pos = _skip_space(text, pos + 1)
