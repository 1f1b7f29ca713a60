"""What a field change does in the documents, beyond writing its new value: the documents it
adds or removes, and the paragraphs it adds to or removes from each (switching the FERPA basis
from consent to school official removes the consent form from every notice).

Each change for legal review is undone alone in this year's spec (with the object around it, when undoing the
value alone would leave the spec invalid: a basis without its details), the documents are
rendered again, and compared with this year's paragraph by paragraph. A paragraph that reads
much the same in both (the value changed in place) is not a consequence; the redline shows it.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from difflib import SequenceMatcher
from typing import Any

from ..build.documents import BuildOptions, render_documents
from ..errors import DocgenError
from ..ooxml.package import Package
from ..redline.keys import plain
from ..redline.tags import P, w
from ..spec.schema import Spec, check_spec
from .compare import SpecChange
from ..redline.outline import Outline
from .report import Consequence, Paragraphs

__all__ = ["consequences"]

#: the most field changes undone one by one (each costs one rendering of the documents); only
#: changes for legal review are: they are the ones whose consequences a signer must know
MAX_UNDONE = 8
_STEP = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')
_SHOWN = 60  # characters of a paragraph named in a consequence


def _steps(path: str) -> list[str | int] | None:
    if not path.startswith("$"):
        return None
    out: list[str | int] = []
    at = 1
    while at < len(path):
        m = _STEP.match(path, at)
        if m is None:
            return None
        name, index, quoted = m.groups()
        out.append(name if name is not None else int(index) if index is not None
                   else json.loads(quoted))
        at = m.end()
    return out


def _get(data: Any, steps: list[str | int]) -> tuple[bool, Any]:
    for s in steps:
        if isinstance(s, int) and isinstance(data, list) and s < len(data):
            data = data[s]
        elif isinstance(s, str) and isinstance(data, dict) and s in data:
            data = data[s]
        else:
            return False, None
    return True, data


def _set(data: Any, steps: list[str | int], found: bool, value: Any) -> bool:
    parent_found, parent = _get(data, steps[:-1])
    last = steps[-1]
    if not parent_found:
        return False
    if isinstance(parent, dict) and isinstance(last, str):
        if found:
            parent[last] = copy.deepcopy(value)
        else:
            parent.pop(last, None)
        return True
    if isinstance(parent, list) and isinstance(last, int) and last < len(parent) and found:
        parent[last] = copy.deepcopy(value)
        return True
    return False


def _paragraphs(docx: bytes) -> list[str]:
    """Return the body's paragraphs; a heading's text begins with "§ " (see _heading)."""
    pkg = Package.open(docx, "document")
    body = pkg.xml(pkg.main).find(w("body"))
    if body is None:
        return []
    outline = Outline.of(pkg, pkg.main, body)  # kept while its ids are looked up
    out = []
    for p in body.iter(P):
        text = " ".join(plain(p).split())
        if text:
            out.append(("§ " if id(p) in outline.headings else "") + text)
    return out


def _split(paragraphs: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the headings among ``paragraphs`` and the paragraphs, each shortened."""
    return (tuple(_short(p[2:]) for p in paragraphs if p.startswith("§ ")),
            tuple(_short(p[2:] if p.startswith("§ ") else p) for p in paragraphs))


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"


def _compare(before: dict[str, bytes], after: dict[str, bytes]
             ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[Paragraphs, ...]]:
    """Return what ``after`` has that ``before`` has not: documents added, removed, and the
    paragraphs added and removed in each."""
    added = tuple(p for p in after if p not in before)
    removed = tuple(p for p in before if p not in after)
    changed = []
    for path in after:
        if path not in before or before[path] == after[path]:
            continue
        a, b = _paragraphs(before[path]), _paragraphs(after[path])
        plus: list[str] = []
        minus: list[str] = []
        for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            olds, news = a[i1:i2], b[j1:j2]
            if op == "replace" and len(olds) == len(news) and all(
                    SequenceMatcher(None, o, n, autojunk=False).ratio() >= 0.6
                    for o, n in zip(olds, news)):
                continue  # the same paragraphs with a value changed in place
            minus += olds
            plus += news
        if plus or minus:
            (plus_headings, plus_all), (minus_headings, minus_all) = _split(plus), _split(minus)
            changed.append(Paragraphs(path, plus_all, minus_all, plus_headings, minus_headings))
    return added, removed, tuple(changed)


def consequences(old: Spec, new: Spec, changes: list[SpecChange], new_docs: dict[str, bytes],
                 options: BuildOptions) -> list[Consequence]:
    """Return what each field change for legal review (at most :data:`MAX_UNDONE`) does in
    the documents beyond writing its value."""
    out: list[Consequence] = []
    done: set[tuple[str | int, ...]] = set()
    for change in [c for c in changes if c.legal_review][:MAX_UNDONE]:
        steps = _steps(change.path)
        if not steps or change.kind == "reordered":
            continue
        for depth in range(len(steps), 0, -1):
            at = steps[:depth]
            if tuple(at) in done:
                break
            found, value = _get(old.data, at)
            data = copy.deepcopy(new.data)
            if not _set(data, at, found, value):
                continue
            undone = dataclasses.replace(new, data=data)
            try:
                if check_spec(undone, options.resources):
                    continue
                before = {d.kind.output: d.data for d in render_documents(undone, options)}
            except DocgenError:
                continue
            done.add(tuple(at))
            added, removed, paragraphs = _compare(before, new_docs)
            if added or removed or paragraphs:
                out.append(Consequence(change, added, removed, paragraphs))
            break
    return out
