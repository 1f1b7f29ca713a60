"""Check a partnership spec against the schema and the domain rules, in plain words.

``load_spec(path)`` returns a :class:`Spec` or raises :class:`~docgen.errors.SpecError` carrying
every problem at once, each located as ``file:line:col: $.json.path: message``. The modules
under it: :mod:`.model` (the Spec value and the schema), :mod:`.read` (reading a file),
:mod:`.rules` (what a spec must satisfy beyond the schema); this one puts them together.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from pathlib import Path
from typing import Any, Iterable

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]

from .. import __version__
from ..errors import PathItem, Problem, SpecError, json_path
from ..i18n.locales import language_tag_problem
from ..resources import Resources
from .model import SUPPORTED_SCHEMA_VERSIONS, Spec, resolve_ref, schema
from .read import MAX_SPEC_BYTES, read_spec
from .rules import rule_problems
from .syntax import plain_number

__all__ = ["MAX_SPEC_BYTES", "SUPPORTED_SCHEMA_VERSIONS", "Spec", "check_spec", "json_path",
           "load_spec", "mistyped_paths", "read_spec", "resolve_ref", "schema",
           "schema_problems"]


@functools.lru_cache(maxsize=4)
def _validator(path: Path) -> Draft202012Validator:
    return Draft202012Validator(schema(path), format_checker=Draft202012Validator.FORMAT_CHECKER)


def check_spec(spec: Spec, resources: Resources | None = None) -> list[Problem]:
    """Return every problem in ``spec``, schema errors and domain rules together, by position.

    ``resources`` gives the schema and the catalog folder the notice languages are checked
    against (None: what docgen ships).
    """
    resources = resources or Resources.shipped()
    version = spec.data.get("schema_version")
    if isinstance(version, str) and version not in SUPPORTED_SCHEMA_VERSIONS:
        return [
            spec.problem(
                ("schema_version",),
                f"this spec was written for schema version {version!r}, but docgen "
                f"{__version__} reads {', '.join(SUPPORTED_SCHEMA_VERSIONS)}; "
                "install a newer docgen",
            )
        ]
    problems = schema_problems(spec, resources.schema, resources.locales)
    problems.extend(spec.problem(path, "this field appears twice; keep one", key=True)
                    for path, _ in spec.smap.duplicates)
    problems.extend(rule_problems(spec, catalogs=resources.locales))
    return sorted(set(problems))


def load_spec(file: str | Path, resources: Resources | None = None) -> Spec:
    """Read and check ``file``; raise :class:`SpecError` with every problem if it is not valid."""
    spec = read_spec(file)
    problems = check_spec(spec, resources)
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


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _nearest(word: str, choices: list[str]) -> str:
    """Return "; did you mean 'x'?" for the choice nearest ``word``, ignoring case and
    spaces, or a choice that is one of its words ("Paper form" → 'paper'); "" if none is."""
    folded = {c.casefold().replace("_", " "): c for c in choices}
    key = word.casefold().replace("_", " ").strip()
    if key in folded:
        return f"; did you mean {folded[key]!r}?"
    close = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.6)
    if close:
        return f"; did you mean {folded[close[0]]!r}?"
    words = [folded[w] for w in re.findall(r"[\w/]+", key) if w in folded]
    return f"; did you mean {words[0]!r}?" if len(words) == 1 else ""


_TRUE_WORDS = {"true", "yes", "y", "1", "on", "sí", "si", "oui"}
_FALSE_WORDS = {"false", "no", "n", "0", "off", "none"}


def _retype(want: list[str], instance: Any) -> str:
    """Return what to write instead of ``instance`` for a field of the types ``want``, when the
    text says it ("$1,000,000" for a number, "yes" for true or false), else ""."""
    if not isinstance(instance, str):
        return ""
    if "number" in want or "integer" in want:
        number, unit = instance, ""
        if m := re.fullmatch(r"\s*(\S*\d)\s+([^\W\d]+)\s*", instance):
            if m[2].casefold() not in ("million", "thousand", "billion", "usd", "dollars"):
                number, unit = m[1], m[2]
        written = plain_number(number)
        if written is not None and ("number" in want or "." not in written):
            drop = [what for what, there in (('"$"', "$" in instance),
                                             ("commas", "," in number),
                                             ("the % sign", "%" in instance),
                                             (f'"{unit}"', bool(unit))) if there]
            extra = f", without {' or '.join(drop)}" if drop else ""
            return f": write {written} (no quotes{extra})"
    if "boolean" in want:
        word = instance.strip().casefold()
        if word in _TRUE_WORDS or word in _FALSE_WORDS:
            return f": write {'true' if word in _TRUE_WORDS else 'false'} (no quotes)"
    return ""


_MONTHS = {m.casefold(): i for i, m in enumerate(
    ("January February March April May June July August September October November "
     "December").split(), 1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9


def iso_date(text: str) -> tuple[str, str] | None:
    """Return the date ``text`` means, written YYYY-MM-DD, and a note of how it was read, for
    the ways people write dates in the United States ("8/28/2026", "August 28, 2026",
    "2026/08/28"); None if it is not such a date.

    >>> iso_date("8/28/2026"), iso_date("Aug. 28, 2026")
    (('2026-08-28', ''), ('2026-08-28', ''))
    >>> iso_date("3/4/2026")
    ('2026-03-04', ' (read as month/day/year: March 4)')
    """
    import datetime as dt

    text = text.strip()
    found: tuple[int, int, int] | None = None
    note = ""
    if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
        month, day, year = int(m[1]), int(m[2]), int(m[3])
        found = (year, month, day)
        if day <= 12 and month != day:
            names = list(_MONTHS)[:12]
            note = f" (read as month/day/year: {names[month - 1].title()} {day})"
    elif m := re.fullmatch(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})|(\d{4})-(\d{1,2})-(\d{1,2})",
                           text):
        year, month, day = (int(g) for g in (m.groups()[:3] if m[1] else m.groups()[3:]))
        found = (year, month, day)
    elif m := re.fullmatch(r"([A-Za-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})", text):
        if m[1].casefold() in _MONTHS:
            found = (int(m[3]), _MONTHS[m[1].casefold()], int(m[2]))
    elif m := re.fullmatch(r"(\d{1,2}) ([A-Za-z]+)\.?,? (\d{4})", text):
        if m[2].casefold() in _MONTHS:
            found = (int(m[3]), _MONTHS[m[2].casefold()], int(m[1]))
    if found is None:
        return None
    try:
        day_value = dt.date(*found)
    except ValueError:
        return None
    iso = day_value.isoformat()
    return (iso, note) if iso != text else None


def schema_problems(spec: Spec, path: Path | None = None,
                    catalogs: Path | None = None) -> list[Problem]:
    """Return the errors of ``spec`` against the schema at ``path`` (None: the shipped one), in
    plain words; a language name written for a notice language is answered with the tags of
    the catalogs in ``catalogs`` (None: the shipped ones)."""
    path = path or Resources.shipped().schema
    errors = list(_validator(path).iter_errors(spec.data))
    # Where a value has the wrong type, that is the one thing to say about it
    mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    problems: list[Problem] = []
    for error in errors:
        if error.validator != "type" and tuple(error.absolute_path) in mistyped:
            continue
        problems.extend(_explain(spec, error, schema(path), catalogs))
    return problems


def mistyped_paths(spec: Spec, path: Path | None = None) -> set[tuple[PathItem, ...]]:
    """Return the paths whose value has the wrong type, so that rules can stay quiet there."""
    validator = _validator(path or Resources.shipped().schema)
    return {tuple(e.absolute_path) for e in validator.iter_errors(spec.data)
            if e.validator == "type"}


def _is_language(node: dict[str, Any]) -> bool:
    """Whether the schema ``node`` is a language tag's."""
    return "language tag" in str(node.get("x-pattern-message", ""))


def _explain(spec: Spec, error: ValidationError, root: dict[str, Any],
             catalogs: Path | None = None) -> list[Problem]:
    """Return the problems one schema error stands for, in plain words."""
    path: tuple[PathItem, ...] = tuple(error.absolute_path)
    kind, value, instance = error.validator, error.validator_value, error.instance
    sub = resolve_ref(error.schema, root)[0] if isinstance(error.schema, dict) else {}
    if kind == "required":
        return _missing_fields(spec, error, sub, root)
    if kind == "additionalProperties" and isinstance(instance, dict):
        return _unknown_fields(spec, path, instance, sub)
    if kind in ("type", "enum", "format"):
        return [spec.problem(path, _value_message(kind, value, instance) or error.message)]
    if "propertyNames" in error.relative_schema_path or "propertyNames" in error.schema_path:
        hint = sub.get("x-pattern-message", error.message)
        return [spec.problem(path + (instance,), f"{_show(instance)} is not a valid id: {hint}",
                             key=True)]
    if kind == "pattern" and isinstance(instance, str) and _is_language(sub):
        notices = path[:2] == ("family_notices", "languages")
        return [spec.problem(path, language_tag_problem(instance, notices, catalogs))]
    if kind == "pattern":
        hint = sub.get("x-pattern-message", f"does not match the pattern {value}")
        if hint.startswith("is ") or hint.startswith("must "):
            return [spec.problem(path, f"{_show(instance)} {hint}")]
        return [spec.problem(path, f"{_show(instance)}: {hint}")]
    return [spec.problem(path, _value_message(kind, value, instance) or error.message)]


def _missing_fields(spec: Spec, error: ValidationError, sub: dict[str, Any],
                    root: dict[str, Any]) -> list[Problem]:
    """Say which required fields are missing, each with its title."""
    path = tuple(error.absolute_path)
    props = sub.get("properties", {})
    instance = error.instance
    missing = [name for name in error.validator_value
               if isinstance(instance, dict) and name not in instance]
    out = []
    # jsonschema reports each missing field separately; answer for all of them at once
    for name in missing:
        if f"'{name}'" not in error.message:
            continue
        title = resolve_ref(props.get(name, {}), root)[0].get("title")
        hint = f" ({title})" if title and title.lower() != name.replace("_", " ") else ""
        out.append(spec.problem(path, f"{name!r}{hint} is missing"))
    return out


def _unknown_fields(spec: Spec, path: tuple[PathItem, ...], instance: dict[str, Any],
                    sub: dict[str, Any]) -> list[Problem]:
    """Say which fields of ``instance`` the schema does not know, with the closest it does."""
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


_FORMATS = {
    "date": "is not a valid date; write it as YYYY-MM-DD, e.g. 2026-08-17",
    "email": "is not an e-mail address",
    "uri": "is not a web address",
    "uri-reference": "is not a valid address",
}


def _value_message(kind: str, value: Any, instance: Any) -> str | None:
    """Return what is wrong with the value ``instance`` under the keyword ``kind`` whose
    setting is ``value``, or None for a keyword with no plain wording."""
    if kind == "type":
        want = value if isinstance(value, list) else [value]
        names = " or ".join(_TYPE_NAMES.get(t, str(t)) for t in want)
        return f"should be {names}, not {_kind(instance)}" + _retype(want, instance)
    if kind == "enum":
        choices = [_show(v) for v in value]
        if len(choices) == 1:
            return f"{_show(instance)} is not allowed here: the only choice is {choices[0]}"
        listed = ", ".join(choices[:-1]) + " or " + choices[-1]
        message = f"{_show(instance)} is not one of the choices: {listed}"
        return message + (_nearest(instance, [v for v in value if isinstance(v, str)])
                          if isinstance(instance, str) else "")
    if kind == "format":
        message = f"{_show(instance)} {_FORMATS.get(value, f'is not a valid {value}')}"
        iso = iso_date(instance) if value == "date" and isinstance(instance, str) else None
        if iso:
            return (f"{_show(instance)} is not written as a date docgen reads; write it as "
                    f"YYYY-MM-DD: \"{iso[0]}\"{iso[1]}")
        return message
    if kind == "minLength":
        return ("is empty; write something or leave the field out" if value == 1
                else f"is too short: at least {value} characters")
    if kind == "uniqueItems":
        seen: list[Any] = []
        dupes: list[Any] = []
        for item in instance:
            (dupes if item in seen else seen).append(item)
        return f"lists {_show(dupes[0])} more than once"
    wording: dict[str, Any] = {
        "maxLength": lambda: f"is too long: {len(instance)} characters, at most {value}",
        "minItems": lambda: f"needs at least {value} item{'s' if value != 1 else ''}",
        "maxItems": lambda: f"has more than {value} items",
        "minimum": lambda: f"{_show(instance)} is below the minimum of {value}",
        "maximum": lambda: f"{_show(instance)} is above the maximum of {value}",
        "multipleOf": lambda: f"{_show(instance)} has more than two decimal places",
        "minProperties": lambda: "needs at least one entry",
        "const": lambda: f"must be {_show(value)}",
    }
    return str(wording[kind]()) if kind in wording else None
