"""The token patterns of a redline (keys.py, model.py), compiled ahead of time.

re compiles a character class by visiting each of its characters in Python: the CJK ranges
the token patterns tell apart (some 29,000 characters, in five classes) cost every redline some
8 ms of its start before it reads a document. The code re compiles each of them to is stored
in :mod:`._pattern_code` (written by ``python -m docgen.redline.patterns``); :func:`compile`
gives a pattern made from that stored code only to the CPython it was made with (its version,
regular-expression engine and limits), for exactly the pattern and flags it was made from: the
same pattern object re.compile would make (equal to it: the same pattern, flags and code).
Any other pattern or Python is compiled by re.compile, as before.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    import _sre  # type: ignore[import-not-found]  # CPython's regular-expression engine
except ImportError:  # another Python than CPython
    _sre = None

from . import _pattern_code as stored

#: every (pattern, flags) asked for, in order: what ``python -m docgen.redline.patterns`` stores
ASKED: list[tuple[str, int]] = []


def engine() -> tuple[object, ...]:
    """Return what the stored code depends on: the Python and its regular-expression engine."""
    if _sre is None or sys.implementation.name != "cpython":
        return ()
    return (sys.version_info[:2], _sre.MAGIC, _sre.CODESIZE, _sre.MAXREPEAT, _sre.MAXGROUPS)


_USABLE = engine() == stored.ENGINE and bool(stored.ENGINE)


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - as re.compile
    """Return ``re.compile(pattern, flags)``, from the stored code when there is some for this
    pattern, these flags and this Python."""
    flags = int(flags)
    ASKED.append((pattern, flags))
    found = stored.CODE.get((pattern, flags)) if _USABLE else None
    if found is None:
        return re.compile(pattern, flags)
    all_flags, groups, code = found
    compiled: re.Pattern[str] = _sre.compile(pattern, all_flags, list(code), groups - 1, {},
                                             (None,) * groups)
    return compiled


def _write(path: Path) -> None:
    """Write the code of every pattern asked for so far to ``path`` (a Python module)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    lines = ['"""The code of the token patterns, compiled by this Python\'s re: written by',
             '``python -m docgen.redline.patterns``, which docgen/redline/patterns.py explains;',
             'tests/test_redline_tokens.py checks that it is what re compiles them to."""',
             "", "# fmt: off", f"ENGINE: tuple[object, ...] = {engine()!r}",
             "CODE: dict[tuple[str, int], tuple[int, int, tuple[int, ...]]] = {"]
    for pattern, flags in ASKED:
        parsed = _parser.parse(pattern, flags)
        if parsed.state.groupdict:
            raise ValueError(f"{pattern[:40]!r}…: a pattern of named groups is not stored")
        code = _compiler._code(parsed, flags)
        numbers = [str(int(n)) for n in code]
        rows = [", ".join(numbers[k:k + 16]) for k in range(0, len(numbers), 16)]
        lines.append(f"    ({pattern!r}, {flags}): ({flags | parsed.state.flags}, "
                     f"{parsed.state.groups}, (")
        lines += [f"        {row}," for row in rows]
        lines.append("    )),")
    lines += ["}", ""]
    written = path.with_name(path.name + ".new")
    written.write_text("\n".join(lines), encoding="utf-8")
    written.replace(path)


if __name__ == "__main__":
    # keys and model ask the module docgen.redline.patterns (not this __main__) as they load
    from docgen.redline import keys, model, patterns  # noqa: F401

    patterns._write(Path(patterns.__file__).with_name("_pattern_code.py"))
