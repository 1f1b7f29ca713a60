"""Write a redline's change list: as data (``--summary FILE.json``) and for people
(``--summary FILE.md``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .model import Change, Excerpt, Redline, word_date
from ..markdown import escape as _md

__all__ = ["change_html", "change_line", "html_excerpt", "summary_html", "summary_json",
           "summary_markdown"]


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
             f"by {_md(author)}, {word_date(date)}. Places are named by the heading above "
             "them; paragraphs, tables and rows are counted as they stand in the redline, where "
             "removed ones are still shown.", ""]
    lines += [change_line(c) for c in result.changes]
    if not result.changes:
        lines.append("The documents read the same.")
    return "\n".join(lines) + "\n"


_CSS = ("body { font-family: system-ui, sans-serif; line-height: 1.5; max-width: 56rem; "
        "margin: 2rem auto; padding: 0 1rem; } ul.changes li { margin: .4rem 0; } "
        "del { color: #8a1c1c; } ins { color: #1b5e20; text-decoration: none; "
        "font-weight: 600; } .label { font-weight: 600; } .detail { color: #444; }")


def summary_html(result: Redline, *, old_name: str, new_name: str, author: str,
                 date: dt.datetime) -> str:
    """Return the change list as one self-contained page: what ``--summary FILE.html``
    writes (every value escaped)."""
    from html import escape as esc  # only for an HTML summary

    title = f"Changes from {old_name} to {new_name}"
    count = len(result.changes)
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{esc(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
           f"<h1>{esc(title)}</h1>",
           f"<p>{count} changed place{'s' if count != 1 else ''}, {result.revisions} tracked "
           f"revision{'s' if result.revisions != 1 else ''} by {esc(author)}, "
           f"{esc(word_date(date))}. Places are named by the heading above them.</p>"]
    if result.changes:
        out += ['<ul class="changes">'] + [change_html(c) for c in result.changes] + ["</ul>"]
    else:
        out.append("<p>The documents read the same.</p>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def change_line(c: Change, cause: str = "") -> str:
    """Return one change as a Markdown list item: where it is, what kind of change, the words
    in context (one excerpt per stretch of edits); ``cause`` says why, when known."""
    return "- " + _md_text(c, cause)


def _md_text(c: Change, cause: str) -> str:
    head = f"**{_md(c.located)}**" + (f" ({_md(cause)})" if cause else "")
    what = c.what_is
    detail = f" ({_md(c.detail)})" if c.detail else ""
    if what in ("footnote", "endnote", "comment") and c.kind == "changed" and c.detail:
        return f"{head}: {_md(c.detail)}, in “{_md(_one_line(c.new, 120))}”"
    if c.kind in ("changed", "moved and changed"):
        shown = [_markdown_excerpt(e) for e in c.excerpts()]
        moved = "moved and changed: " if c.kind == "moved and changed" else ""
        if len(shown) == 1:
            return f"{head}: {moved}“{shown[0]}”{detail}"
        return f"{head}: {moved}{len(shown)} edits{detail}" + "".join(
            f"\n  - “{e}”" for e in shown)
    if c.kind == "formatted":
        label = {"heading level": "heading level changed", "numbering": "numbering changed"
                 }.get(what, "formatting changed")
        return f"{head}: {label}{detail} in “{_md(_one_line(c.new))}”"
    if c.kind == "moved":
        return f"{head}: moved “{_md(_one_line(c.new or c.old))}”"
    noun = "table row " if what == "table row" else ""
    if c.kind == "inserted":
        return f"{head}: {noun}added “{_md(_one_line(c.new))}”"
    return f"{head}: {noun}removed “{_md(_one_line(c.old))}”"


def _markdown_excerpt(e: Excerpt) -> str:
    """``…for the ~~2026-2027~~ **2027-2028** school year…``."""
    parts = (["…"] if e.leading else []) + ([_md(e.before)] if e.before else [])
    marks = {"removed": "~~{}~~", "added": "**{}**", "same": "{}"}
    for kind, words in e.edits or (("removed", e.removed), ("added", e.added)):
        if words:
            parts.append(marks[kind].format(_md(words)))
    if not e.removed and not e.added:  # only spacing changed
        parts.append("(spacing)")
    parts += ([_md(e.after)] if e.after else []) + (["…"] if e.trailing else [])
    return e.sep.join(parts)


def html_excerpt(e: Excerpt) -> str:
    """The excerpt in HTML: removed words in ``<del>``, added ones in ``<ins>``."""
    from html import escape as esc

    parts = (["…"] if e.leading else []) + ([esc(e.before)] if e.before else [])
    marks = {"removed": "<del>{}</del>", "added": "<ins>{}</ins>", "same": "{}"}
    for kind, words in e.edits or (("removed", e.removed), ("added", e.added)):
        if words:
            parts.append(marks[kind].format(esc(words)))
    if not e.removed and not e.added:
        parts.append("(spacing)")
    parts += ([esc(e.after)] if e.after else []) + (["…"] if e.trailing else [])
    return e.sep.join(parts)


def change_html(c: Change, cause: str = "") -> str:
    """Return one change as an HTML list item (every value escaped)."""
    from html import escape as esc

    head = f'<span class="label">{esc(c.located)}</span>' + (
        f' <span class="cause">({esc(cause)})</span>' if cause else "")
    what = c.what_is
    if c.kind in ("changed", "moved and changed") and not (
            what in ("footnote", "endnote", "comment") and c.detail):
        body = "; ".join(f"“{html_excerpt(e)}”" for e in c.excerpts())
        if c.kind == "moved and changed":
            body = "moved and changed: " + body
    elif c.kind == "inserted":
        body = ("table row " if what == "table row" else "") + \
            f"added “<ins>{esc(_one_line(c.new))}</ins>”"
    elif c.kind == "deleted":
        body = ("table row " if what == "table row" else "") + \
            f"removed “<del>{esc(_one_line(c.old))}</del>”"
    elif c.kind == "moved":
        body = f"moved “{esc(_one_line(c.new or c.old))}”"
    else:
        body = f"{esc(what)} changed in “{esc(_one_line(c.new, 120))}”"
    detail = f' <span class="detail">{esc(c.detail)}</span>' if c.detail else ""
    return f"<li>{head}: {body}{detail}</li>"


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
