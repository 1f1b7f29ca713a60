"""Read a partnership spec, locate every value in it, and check it against the schema and the rules.

``load_spec(path)`` returns a :class:`Spec` or raises :class:`~docgen.errors.SpecError` carrying
every problem at once, each located as ``file:line:col: $.json.path: message``.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ..errors import Problem, SpecError, json_path
from .positions import SourceMap, source_map
from .positions import line_col as source_map_position
from ..resources import schema_path

#: Schema versions this docgen reads. A spec names the one it was written for.
SUPPORTED_SCHEMA_VERSIONS = ("1.0", "1.1")

#: The largest spec docgen reads; a partnership spec is a few kilobytes.
MAX_SPEC_BYTES = 5 * 1024 * 1024


@dataclass
class Spec:
    """A spec as read from disk: its data, its digest and where each value sits in the file."""

    file: str
    data: dict[str, Any]
    sha256: str
    smap: SourceMap

    @property
    def id(self) -> str:
        return self.data["id"]

    def problem(self, path: Iterable[Any], message: str, *, key: bool = False) -> Problem:
        """Return a :class:`Problem` located at ``path`` in this spec's file."""
        path = tuple(path)
        line, col = self.smap.locate(path, key=key)
        return Problem(self.file, line, col, path, message)


@functools.lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """Return the partnership schema (read once per process)."""
    return json.loads(schema_path().read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def read_spec(file: str | Path) -> Spec:
    """Read ``file`` as JSON and map its positions; raise :class:`SpecError` if it is not a spec.

    Only problems that stop the reading are raised here: a missing or unreadable file, bytes that
    are not UTF-8, malformed JSON, or JSON that is not an object.
    """
    name = str(file)
    path = Path(file)

    def fail(message: str, line: int = 0, col: int = 0) -> SpecError:
        return SpecError(message, [Problem(name, line, col, None, message)])

    try:
        if path.is_dir():
            raise fail("is a folder, not a spec file")
        if path.exists() and not path.is_file():
            raise fail("is not a regular file (a pipe or a device?); give docgen a spec file")
        with path.open("rb") as fh:
            raw = fh.read(MAX_SPEC_BYTES + 1)
    except FileNotFoundError:
        raise fail("no such file") from None
    except PermissionError:
        raise fail("permission denied: docgen cannot read this file") from None
    except OSError as e:
        raise fail(f"cannot be read: {e.strerror or e}") from None
    if len(raw) > MAX_SPEC_BYTES:
        raise fail(f"is larger than {MAX_SPEC_BYTES // (1024 * 1024)} MB; a spec is a few kilobytes")
    digest = hashlib.sha256(raw).hexdigest()
    if raw.startswith(b"\xef\xbb\xbf"):  # a byte-order mark, as Notepad writes: harmless
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise fail(
            f"is not UTF-8 text (byte 0x{raw[e.start]:02x} cannot be read); "
            "save the file as UTF-8",
            line,
            col,
        ) from None
    if not text.strip():
        raise fail("is empty; a spec is a JSON object, see samples/ for examples")
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
        smap = source_map(text)
    except json.JSONDecodeError as e:
        raise fail(f"malformed JSON: {_plain_json_error(e.msg)}", e.lineno, e.colno) from None
    except _NotJSON as e:
        # find the constant outside strings: blank out every string first, keeping offsets
        blanked = re.sub(r'"(?:[^"\\]|\\.)*"', lambda m: " " * len(m.group()), text)
        where = re.search(r"[:\[,]\s*(" + re.escape(e.args[0]) + ")", blanked)
        line, col = source_map_position(text, where.start(1)) if where else (0, 0)
        raise fail(f"malformed JSON: {e.args[0]} is not a JSON value; write a number",
                   line, col) from None
    except ValueError as e:  # e.g. an integer with thousands of digits
        raise fail(f"malformed JSON: {e}") from None
    except RecursionError:
        raise fail("malformed JSON: nested too deeply for a spec") from None
    if not isinstance(data, dict):
        kind = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}.get(
            type(data), "a number"
        )
        raise fail(f"a spec must be a JSON object ({{ … }}), not {kind}", 1, 1)
    return Spec(name, data, digest, smap)


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


def check_spec(spec: Spec) -> list[Problem]:
    """Return every problem in ``spec``, schema errors and domain rules together, by position."""
    version = spec.data.get("schema_version")
    if isinstance(version, str) and version not in SUPPORTED_SCHEMA_VERSIONS:
        from .. import __version__

        return [
            spec.problem(
                ("schema_version",),
                f"this spec was written for schema version {version!r}, but docgen "
                f"{__version__} reads {', '.join(SUPPORTED_SCHEMA_VERSIONS)}; "
                "install a newer docgen",
            )
        ]
    problems = schema_problems(spec)
    problems.extend(spec.problem(path, "this field appears twice; keep one", key=True)
                    for path, _ in spec.smap.duplicates)
    from .rules import rule_problems

    problems.extend(rule_problems(spec))
    return sorted(set(problems))


def load_spec(file: str | Path) -> Spec:
    """Read and check ``file``; raise :class:`SpecError` with every problem if it is not valid."""
    spec = read_spec(file)
    problems = check_spec(spec)
    if problems:
        raise SpecError(f"{spec.file}: {len(problems)} problem(s)", problems)
    return spec


# --- schema errors in plain words -------------------------------------------------------------

_TYPE_NAMES = {
    "string": "text in double quotes",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "an object ({ … })",
    "array": "a list ([ … ])",
    "null": "null",
}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def resolve_ref(node: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Follow a local ``$ref`` so that titles and properties can be read.

    Returns the merged schema node and the name of the definition it came from (or None).
    """
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref.rsplit("/", 1)[1]
        merged = dict(schema()["$defs"][name])
        merged.update({k: v for k, v in node.items() if k != "$ref"})
        return merged, name
    return node, None


def _resolve(subschema: dict[str, Any]) -> dict[str, Any]:
    return resolve_ref(subschema)[0]


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def schema_problems(spec: Spec) -> list[Problem]:
    """Return the schema errors of ``spec`` in plain words."""
    errors = list(_validator().iter_errors(spec.data))
    # Where a value has the wrong type, that is the one thing to say about it
    mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    problems: list[Problem] = []
    for error in errors:
        if error.validator != "type" and tuple(error.absolute_path) in mistyped:
            continue
        problems.extend(_explain(spec, error))
    return problems


def mistyped_paths(spec: Spec) -> set[tuple]:
    """Return the paths whose value has the wrong type, so that rules can stay quiet there."""
    return {tuple(e.absolute_path) for e in _validator().iter_errors(spec.data)
            if e.validator == "type"}


def _explain(spec: Spec, error: ValidationError) -> list[Problem]:
    path = tuple(error.absolute_path)
    kind = error.validator
    value = error.validator_value
    instance = error.instance
    sub = _resolve(error.schema) if isinstance(error.schema, dict) else {}

    if kind == "required":
        props = sub.get("properties", {})
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        out = []
        # jsonschema reports each missing field separately; answer for all of them at once
        for name in missing:
            if f"'{name}'" not in error.message:
                continue
            title = _resolve(props.get(name, {})).get("title")
            hint = f" ({title})" if title and title.lower() != name.replace("_", " ") else ""
            out.append(spec.problem(path, f"{name!r}{hint} is missing"))
        return out
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = list(sub.get("properties", {}))
        out = []
        for name in instance:
            if name not in known:
                where = "the spec" if not path else sub.get("title", "this object")
                message = f"{name!r} is not a field of {where}"
                message += _suggest(name, known) or (
                    f"; the fields are: {', '.join(known)}" if len(known) <= 8 else ""
                )
                out.append(spec.problem(path + (name,), message, key=True))
        return out
    if kind == "type":
        want = value if isinstance(value, list) else [value]
        names = " or ".join(_TYPE_NAMES.get(t, t) for t in want)
        return [spec.problem(path, f"should be {names}, not {_kind(instance)}")]
    if kind == "enum":
        message = f"{_show(instance)} is not one of: {', '.join(_show(v) for v in value)}"
        if isinstance(instance, str):
            message += _suggest(instance, [str(v) for v in value])
        return [spec.problem(path, message)]
    if kind == "format":
        plain = {
            "date": "is not a valid date; write it as YYYY-MM-DD, e.g. 2026-08-17",
            "email": "is not an e-mail address",
            "uri": "is not a web address",
            "uri-reference": "is not a valid address",
        }.get(value, f"is not a valid {value}")
        return [spec.problem(path, f"{_show(instance)} {plain}")]
    if "propertyNames" in error.relative_schema_path or "propertyNames" in error.schema_path:
        hint = sub.get("x-pattern-message", error.message)
        return [spec.problem(path + (instance,), f"{_show(instance)} is not a valid id: {hint}",
                             key=True)]
    if kind == "pattern":
        hint = sub.get("x-pattern-message", f"does not match the pattern {value}")
        if hint.startswith("is ") or hint.startswith("must "):
            return [spec.problem(path, f"{_show(instance)} {hint}")]
        return [spec.problem(path, f"{_show(instance)}: {hint}")]
    if kind == "minLength":
        if value == 1:
            return [spec.problem(path, "is empty; write something or leave the field out")]
        return [spec.problem(path, f"is too short: at least {value} characters")]
    if kind == "maxLength":
        return [spec.problem(path, f"is too long: {len(instance)} characters, at most {value}")]
    if kind == "minItems":
        return [spec.problem(path, f"needs at least {value} item{'s' if value != 1 else ''}")]
    if kind == "maxItems":
        return [spec.problem(path, f"has more than {value} items")]
    if kind == "uniqueItems":
        seen, dupes = [], []
        for item in instance:
            (dupes if item in seen else seen).append(item)
        return [spec.problem(path, f"lists {_show(dupes[0])} more than once")]
    if kind == "minimum":
        return [spec.problem(path, f"{_show(instance)} is below the minimum of {value}")]
    if kind == "maximum":
        return [spec.problem(path, f"{_show(instance)} is above the maximum of {value}")]
    if kind == "multipleOf":
        return [spec.problem(path, f"{_show(instance)} has more than two decimal places")]
    if kind == "minProperties":
        return [spec.problem(path, "needs at least one entry")]
    if kind == "const":
        return [spec.problem(path, f"must be {_show(value)}")]
    return [spec.problem(path, error.message)]
