"""Read a spec file: JSON in UTF-8, every value's position, and plain words for what stops it.

Only problems that stop the reading are raised here: a missing or unreadable file, bytes that
are not UTF-8, malformed JSON, or JSON that is not an object. What the schema and the rules
say about a spec that reads is :mod:`docgen.spec.schema`'s.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, NoReturn

from ..errors import Problem, SpecError
from ..inputs import InputRefused, read_input, size_words
from .model import Spec
from .positions import SourceMap, line_col, source_map
from .syntax import syntax_problems

#: The largest spec docgen reads; a partnership spec is a few kilobytes.
MAX_SPEC_BYTES = 5 * 1024 * 1024


def read_spec(file: str | Path) -> Spec:
    """Read ``file`` as JSON and map its positions; raise :class:`SpecError` if it is not a spec.
    """
    name = str(file)
    raw = _read_bytes(name)
    digest = hashlib.sha256(raw).hexdigest()
    if raw.startswith(b"\xef\xbb\xbf"):  # a byte-order mark, as Notepad writes: harmless
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        _fail(name, f"is not UTF-8 text (byte 0x{raw[e.start]:02x} cannot be read); "
              "save the file as UTF-8", line, col)
    if not text.strip():
        _fail(name, "is empty; a spec is a JSON object, see samples/ for examples")
    data, smap = _parse(name, text)
    if not isinstance(data, dict):
        kind = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}.get(
            type(data), "a number"
        )
        _fail(name, f"a spec must be a JSON object ({{ … }}), not {kind}", 1, 1)
    return Spec(name, data, digest, smap)


def spec_from_text(name: str, text: str) -> Spec:
    """Read ``text`` (the content of a spec named ``name``, e.g. from docgen serve's form) as
    :func:`read_spec` reads a file; raise :class:`SpecError` if it is not a spec."""
    raw = text.encode("utf-8")
    if len(raw) > MAX_SPEC_BYTES:
        _fail(name, f"is larger than {size_words(MAX_SPEC_BYTES)}; a spec is a few kilobytes")
    if not text.strip():
        _fail(name, "is empty; a spec is a JSON object, see samples/ for examples")
    data, smap = _parse(name, text)
    if not isinstance(data, dict):
        _fail(name, "a spec must be a JSON object ({ … }), not a list or a single value", 1, 1)
    return Spec(name, data, hashlib.sha256(raw).hexdigest(), smap)


def _fail(name: str, message: str, line: int = 0, col: int = 0) -> NoReturn:
    raise SpecError(message, [Problem(name, line, col, None, message)])


def _read_bytes(name: str) -> bytes:
    """Return the bytes of the spec file ``name``; refuse a folder, a pipe or a device (which
    would block or never end) and a file over :data:`MAX_SPEC_BYTES`, without reading it."""
    try:
        return read_input(name, MAX_SPEC_BYTES, "spec file")
    except InputRefused as e:
        if e.reason.startswith("is larger"):
            _fail(name, f"is larger than {size_words(MAX_SPEC_BYTES)}; a spec is a few "
                  "kilobytes")
        _fail(name, e.reason)
    except FileNotFoundError:
        _fail(name, "no such file")
    except PermissionError:
        _fail(name, "permission denied: docgen cannot read this file")
    except OSError as e:
        _fail(name, f"cannot be read: {e.strerror or e}")


def _parse(name: str, text: str) -> tuple[Any, SourceMap]:
    """Return the JSON value of ``text`` and its positions, or raise a located
    :class:`SpecError`."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
        smap = source_map(text)
    except json.JSONDecodeError as e:
        _fail_all(name, text)
        _fail(name, f"malformed JSON: {_plain_json_error(e.msg)}", e.lineno, e.colno)
    except _NotJSON as e:
        _fail_all(name, text)  # NaN may not be the only mistake
        # find the constant outside strings: blank out every string first, keeping offsets
        blanked = re.sub(r'"(?:[^"\\]|\\.)*"', lambda m: " " * len(m.group()), text)
        where = re.search(r"[:\[,]\s*(" + re.escape(e.args[0]) + ")", blanked)
        line, col = line_col(text, where.start(1)) if where else (0, 0)
        _fail(name, f"malformed JSON: {e.args[0]} is not a JSON value; write a number",
              line, col)
    except ValueError as e:  # e.g. an integer with thousands of digits
        _fail(name, f"malformed JSON: {e}")
    except RecursionError:
        _fail(name, "malformed JSON: nested too deeply for a spec")
    return data, smap


def _fail_all(name: str, text: str) -> None:
    """Raise a :class:`SpecError` with every mistake :func:`syntax_problems` names in ``text``,
    if it names any."""
    found = syntax_problems(text)
    if found:
        raise SpecError(f"{name}: {len(found)} problem(s)",
                        [Problem(name, line, col, path, f"malformed JSON: {message}")
                         for line, col, path, message in found]) from None


class _NotJSON(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity, which JSON itself does not allow
    raise _NotJSON(name)


_JSON_MESSAGES = {
    "Expecting ',' delimiter": "a comma (,) is missing between two items",
    "Expecting ':' delimiter": "a colon (:) is missing after a field name",
    "Expecting value": "a value is missing or is not valid JSON (text needs double quotes)",
    "Expecting property name enclosed in double quotes": (
        "expected a field name in double quotes (is there a comma after the last item?)"
    ),
    "Unterminated string starting at": "a piece of text is not closed with a double quote",
    "Invalid control character at": (
        "a line break or tab inside text must be written as \\n or \\t"
    ),
    "Extra data": "there is more after the end of the JSON object",
    "Invalid \\escape": "a backslash (\\) must be written as \\\\",
}


def _plain_json_error(msg: str) -> str:
    for start, plain in _JSON_MESSAGES.items():
        if msg.startswith(start):
            return plain
    return msg
