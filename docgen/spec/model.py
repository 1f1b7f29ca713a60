"""The spec as docgen holds it, and the partnership schema it is checked against.

:class:`Spec` is what reading a spec gives (its data, digest and the position of each value),
and what the rules and the schema check report on; :func:`schema` reads the partnership
schema (the shipped one unless given another file) once per process.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..errors import PathItem, Problem
from ..resources import Resources
from .positions import SourceMap

#: Schema versions this docgen reads. A spec names the one it was written for.
SUPPORTED_SCHEMA_VERSIONS = ("1.0", "1.1", "1.2", "1.3")

#: The first schema version in which a commitment (a field the schema marks ``"x-commitment"``,
#: whose value names the promise, e.g. "encryption at rest") has no default: a spec promises only what it writes. For specs of
#: earlier versions the field keeps the default it had (``"x-default-before-1.2"``), so that a
#: signed agreement re-renders the same.
COMMITMENTS_EXPLICIT_SINCE = "1.2"


@dataclass
class Spec:
    """A spec as read from disk: its data, its digest and where each value sits in the file."""

    file: str
    data: dict[str, Any]
    sha256: str
    smap: SourceMap

    @property
    def id(self) -> str:
        value: str = self.data["id"]
        return value

    def problem(self, path: Iterable[PathItem], message: str, *, key: bool = False) -> Problem:
        """Return a :class:`Problem` located at ``path`` in this spec's file."""
        path = tuple(path)
        line, col = self.smap.locate(path, key=key)
        return Problem(self.file, line, col, path, message)


def schema(path: Path | None = None) -> dict[str, Any]:
    """Return the partnership schema at ``path`` (None: the shipped one), read once."""
    return _schema_at(path or _shipped_schema())


@functools.lru_cache(maxsize=1)
def _shipped_schema() -> Path:
    return Resources.shipped().schema


@functools.lru_cache(maxsize=4)
def _schema_at(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def writes_commitments(data: dict[str, Any]) -> bool:
    """Whether the spec ``data`` is of a schema version whose commitments have no defaults."""
    version = data.get("schema_version")
    if not isinstance(version, str) or version not in SUPPORTED_SCHEMA_VERSIONS:
        return True
    return (SUPPORTED_SCHEMA_VERSIONS.index(version)
            >= SUPPORTED_SCHEMA_VERSIONS.index(COMMITMENTS_EXPLICIT_SINCE))


def default_of(node: dict[str, Any], *, explicit: bool) -> tuple[bool, Any, bool]:
    """Return whether the (resolved) schema ``node`` gives a value to a spec that leaves it out,
    that value, and whether it is a commitment's old default.

    A commitment (``"x-commitment"``) has none when ``explicit`` (a spec of schema 1.2 or
    later); before, it has the default of its earlier versions (``"x-default-before-1.2"``).
    """
    if "default" in node:
        return True, node["default"], False
    if node.get("x-commitment") and not explicit and "x-default-before-1.2" in node:
        return True, node["x-default-before-1.2"], True
    return False, None, False


def resolve_ref(node: dict[str, Any],
                root: dict[str, Any] | None = None) -> tuple[dict[str, Any], str | None]:
    """Follow a local ``$ref`` so that titles and properties can be read.

    Returns the merged schema node and the name of the definition it came from (or None).
    ``root`` is the schema the reference points into (None: the shipped one).
    """
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref.rsplit("/", 1)[1]
        merged = dict((root or schema())["$defs"][name])
        merged.update({k: v for k, v in node.items() if k != "$ref"})
        return merged, name
    return node, None
