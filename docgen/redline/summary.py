"""Write a redline's change list: as data (``--summary FILE.json``) and for people
(``--summary FILE.md``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .model import Redline, word_date
from ..markdown import escape as _md

__all__ = ["summary_json", "summary_markdown"]


def summary_json(result: Redline, *, old_name: str, new_name: str, author: str,
                 date: dt.datetime) -> dict[str, Any]:
    """Return the change list as data: what ``--summary FILE.json`` writes."""
    return {
        "old": old_name,
        "new": new_name,
        "author": author,
        "date": word_date(date),
        "revisions": result.revisions,
        "changes": [c.as_dict() for c in result.changes],
    }


def summary_markdown(result: Redline, *, old_name: str, new_name: str, author: str,
                     date: dt.datetime) -> str:
    """Return the change list for people: what ``--summary FILE.md`` writes."""
    lines = [f"# Changes from {_md(old_name)} to {_md(new_name)}", "",
             f"{len(result.changes)} changed place{'s' if len(result.changes) != 1 else ''}, "
             f"{result.revisions} tracked revision{'s' if result.revisions != 1 else ''} "
             f"by {_md(author)}, {word_date(date)}. Places count paragraphs, tables and rows as "
             "they stand in the redline, where removed ones are still shown.", ""]
    for c in result.changes:
        where = f"{c.story}, {c.where}"
        if c.kind == "changed":
            lines.append(f"- **{where}**: “{_excerpt(c.old, c.new)}”")
        elif c.kind == "formatted":
            lines.append(f"- **{where}**: formatting changed in “{_md(_one_line(c.new))}”")
        elif c.kind in ("moved", "moved and changed"):
            edited = f", then changed: “{_excerpt(c.old, c.new)}”" if c.kind != "moved" else ""
            lines.append(f"- **{where}**: moved “{_md(_one_line(c.old))}”{edited}")
        elif c.kind == "inserted":
            lines.append(f"- **{where}**: added “{_md(_one_line(c.new))}”")
        else:
            lines.append(f"- **{where}**: removed “{_md(_one_line(c.old))}”")
    if not result.changes:
        lines.append("The documents read the same.")
    return "\n".join(lines) + "\n"


def _excerpt(old: str, new: str, context: int = 8, limit: int = 60) -> str:
    """Return the changed words of a paragraph with a few words around them, in Markdown:
    ``…for the ~~2026-2027~~ **2027-2028** school year…``."""
    a, b = old.split(), new.split()
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1

    def words(ws: list[str]) -> str:
        return _md(" ".join(ws if len(ws) <= limit else ws[:limit] + ["…"]))

    before = a[max(0, start - context):start]
    after = a[len(a) - end:len(a) - end + context] if end else []
    gone, added = a[start:len(a) - end], b[start:len(b) - end]
    parts = (["…"] if start > context else []) + ([words(before)] if before else [])
    if gone:
        parts.append(f"~~{words(gone)}~~")
    if added:
        parts.append(f"**{words(added)}**")
    if not gone and not added:  # only spacing changed
        parts.append("(spacing)")
    parts += ([words(after)] if after else []) + (["…"] if end > context else [])
    return " ".join(parts)


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
