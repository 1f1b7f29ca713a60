"""The review's summaries: ``summary.json`` for programs, ``summary.md`` and ``summary.html``
for people, and the lines the CLI prints; each lists the changes for legal review first, then
the others, then the redlines.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .. import __version__
from ..errors import Problem
from ..resources import Resources
from ..spec.schema import Spec
from ..redline.model import Change
from ..redline.summary import change_html, change_line
from .causes import CAUSES
from .compare import SpecChange
from ..markdown import escape as _md

SUMMARY_MD, SUMMARY_HTML, SUMMARY_JSON = "summary.md", "summary.html", "summary.json"


@dataclass
class Document:
    """One document of the comparison: its redline, or the year it is missing from."""

    path: str
    redline: str | None = None
    revisions: int | None = None
    changes: int | None = None
    pdf: str | None = None
    only_in: str | None = None  # "old" or "new"
    pdf_error: str | None = None
    #: with last year's documents as they stand (``--old-documents``): where last year's
    #: document was read from, whether it was changed after docgen built it, and its
    #: revisions by cause
    old_file: str | None = None
    edited_after_build: bool | None = None
    revisions_by_cause: dict[str, int] | None = None


@dataclass(frozen=True)
class BuiltWith:
    """What one year's document was rendered from: its template and, for a notice, catalog."""

    document: str
    template: str
    template_sha256: str
    locale: str | None = None
    catalog_sha256: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class RedlineItem:
    """One change of a document's redline, with why it happened (when known)."""

    change: Change
    causes: tuple[str, ...] = ()
    fields: tuple[SpecChange, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = self.change.as_dict()
        for name in ("old", "new", "context"):
            data.pop(name)  # the excerpts say it; the redline holds the whole paragraph
        if self.causes:
            data["causes"] = list(self.causes)
        if self.fields:
            data["spec_changes"] = [{"path": f.path, "old": f.old, "new": f.new,
                                     "text": f.text} for f in self.fields]
        return data


@dataclass(frozen=True)
class Paragraphs:
    """The paragraphs a field change adds to and removes from one document (their first
    words), and the headings among them: the sections it adds or removes."""

    document: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    headings_added: tuple[str, ...] = ()
    headings_removed: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Consequence:
    """What one field change does in the documents: the documents it adds or removes, and
    the paragraphs it adds or removes in each."""

    change: SpecChange
    documents_added: tuple[str, ...] = ()
    documents_removed: tuple[str, ...] = ()
    #: the paragraphs it adds and removes, by document
    paragraphs: tuple[Paragraphs, ...] = ()

    @property
    def text(self) -> str:
        """The consequence in one sentence a coordinator can read: the notices together
        (their paragraphs shown in English, or the first language)."""
        parts = []
        if self.documents_added:
            parts.append("adds " + _documents(list(self.documents_added)))
        if self.documents_removed:
            parts.append("removes " + _documents(list(self.documents_removed)))
        notices = [x for x in self.paragraphs if x.document.startswith("notices/")]
        others = [x for x in self.paragraphs if not x.document.startswith("notices/")]
        for x in others:
            parts.append(f"in {x.document}, {_counted(x)}")
        if notices:
            shown = next((x for x in notices if x.document.endswith("-en.docx")), notices[0])
            which = (f"in every family notice ({', '.join(x.document for x in notices)})"
                     if len(notices) > 1 else f"in {shown.document}")
            language = " (in English)" if len(notices) > 1 and shown.document.endswith(
                "-en.docx") else ""
            parts.append(f"{which}, {_counted(shown)}{language}")
        return f"{self.change.text}: " + "; ".join(parts) if parts else self.change.text

    def to_json(self) -> dict[str, Any]:
        return {"path": self.change.path, "text": self.text,
                "documents_added": list(self.documents_added),
                "documents_removed": list(self.documents_removed),
                "paragraphs": [p.to_json() for p in self.paragraphs]}


def _counted(x: Paragraphs) -> str:
    """"removes the section “Consent” and 2 other paragraphs (“…”; “…”), and adds 1 (“…”)"."""
    def some(paragraphs: tuple[str, ...], headings: tuple[str, ...]) -> str:
        rest = [p for p in paragraphs if p not in headings]
        shown = "; ".join(f"“{p}”" for p in rest[:2])
        return shown + (", …" if len(rest) > 2 else "")

    def told(verb: str, paragraphs: tuple[str, ...], headings: tuple[str, ...],
             first: bool) -> str:
        others = len(paragraphs) - len(headings)
        noun = f"paragraph{'s' if others != 1 else ''}"
        if headings:
            sections = "section" + ("s" if len(headings) != 1 else "")
            named = ", ".join(f"“{h}”" for h in headings)
            text = f"{verb} the {sections} {named}"
            return text + (f" and {others} other {noun} ({some(paragraphs, headings)})"
                           if others else "")
        return f"{verb} {others}{' ' + noun if first else ''} ({some(paragraphs, headings)})"

    out = []
    if x.removed:
        out.append(told("removes", x.removed, x.headings_removed, True))
    if x.added:
        out.append(told("adds", x.added, x.headings_added, not x.removed))
    return " and ".join(out)


def _documents(paths: list[str]) -> str:
    notices = [p for p in paths if p.startswith("notices/")]
    others = [p for p in paths if not p.startswith("notices/")]
    named = others + ([f"every family notice ({', '.join(notices)})"] if len(notices) > 1
                      else notices)
    return ", ".join(named)


@dataclass
class Review:
    """What ``docgen review`` found and wrote."""

    old: Spec
    new: Spec
    changes: list[SpecChange]
    author: str
    date: dt.datetime
    documents: list[Document] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    #: the problems of the PDFs; one without a file is the converter's own
    pdf_errors: list[Problem] = field(default_factory=list)
    #: what each year's documents were rendered from (``"old"``, ``"new"``)
    built_with: dict[str, list[BuiltWith]] = field(default_factory=dict)
    #: the user's templates and catalog folder, when the review used its own; None when it used
    #: docgen's, which ``docgen_version`` names
    resources: Resources | None = None
    #: each redline's changes by document path, with their causes and the spec changes whose
    #: values they write (causes only with last year's documents as they stand)
    redline_changes: dict[str, list[RedlineItem]] = field(default_factory=dict)
    #: the folder last year's documents were read from (``--old-documents``), else None: both
    #: years were rendered again from their specs
    old_documents: str | None = None
    #: what the summary must say about how causes were told apart
    notes: list[str] = field(default_factory=list)
    #: what field changes do in the documents (see :mod:`.consequences`)
    consequences: list[Consequence] = field(default_factory=list)

    @property
    def legal(self) -> list[SpecChange]:
        return [c for c in self.changes if c.legal_review]

    @property
    def other(self) -> list[SpecChange]:
        return [c for c in self.changes if not c.legal_review]


def _side(spec: Spec) -> dict[str, Any]:
    return {"file": spec.file, "id": spec.data["id"], "school_year": spec.data["school_year"],
            "version": spec.data.get("version", 1),
            "schema_version": spec.data["schema_version"], "sha256": spec.sha256}


def _recorded_side(review: Review, year: str) -> dict[str, Any]:
    side = _side(review.old if year == "old" else review.new)
    if review.resources is not None:
        side["built_with"] = [b.to_json() for b in review.built_with.get(year, [])]
    return side


def _catalogs(resources: Resources) -> str | None:
    """Return the catalog folder a review used, or None for docgen's own (so that a summary
    does not depend on where docgen is installed)."""
    shipped = resources.locales.resolve() == Resources.shipped().locales.resolve()
    return None if shipped else str(resources.locales)


def _resources_json(resources: Resources) -> dict[str, Any]:
    own = resources.own_templates
    return {"templates": str(own) if own is not None else None,
            "catalogs": _catalogs(resources)}


def _title_of(spec: Spec) -> str:
    parties = spec.data["parties"]
    names = [(parties[k].get("short_name") or parties[k]["legal_name"])
             for k in ("school", "partner")]
    return f"{names[0]} and {names[1]}"


def summary_json(review: Review, files: list[dict[str, Any]]) -> str:
    """Return ``summary.json``: the changes and documents, and the files written (sha256)."""
    data: dict[str, Any] = {
        "docgen_version": __version__,
        "kind": "docgen review",
        "old": _recorded_side(review, "old"),
        "new": _recorded_side(review, "new"),
        "author": review.author,
        "date": review.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "changes": [c.to_json() for c in review.changes],
        "documents": [{k: v for k, v in asdict(d).items() if v is not None}
                      for d in review.documents],
        "files": files,
    }
    data["old_documents"] = review.old_documents
    data["notes"] = review.notes
    data["consequences"] = [c.to_json() for c in review.consequences]
    data["redline_changes"] = {path: [i.to_json() for i in items]
                               for path, items in review.redline_changes.items()}
    if review.old_documents is not None:
        data["by_cause"] = {cause: [{"document": path, "place": i.change.located,
                                     "what": i.change.what_is,
                                     "text": _plain_line(i.change)}
                                    for path, i in items]
                            for cause, items in by_cause(review).items()}
    if review.resources is not None:
        data["resources"] = _resources_json(review.resources)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def by_cause(review: Review) -> dict[str, list[tuple[str, RedlineItem]]]:
    """Return each cause's changes (with their document), causes in :data:`CAUSES` order."""
    found: dict[str, list[tuple[str, RedlineItem]]] = {c: [] for c in CAUSES}
    for path, items in review.redline_changes.items():
        for item in items:
            for cause in item.causes:
                found.setdefault(cause, []).append((path, item))
    return {c: items for c, items in found.items() if items}


def _plain_line(c: Change) -> str:
    """One change in plain text: what, and the words (for summary.json and the CLI)."""
    if c.kind in ("changed", "moved and changed") and c.excerpts() and not (
            c.what_is in ("footnote", "endnote", "comment") and c.detail):
        return " / ".join(e.text for e in c.excerpts())
    if c.detail:
        return c.detail
    text = " ".join((c.new or c.old).split())
    text = text if len(text) <= 120 else text[:119] + "…"
    verb = {"inserted": "added", "deleted": "removed", "moved": "moved"}.get(
        c.kind, f"{c.what_is} changed in")
    return f"{c.what_is} {verb} “{text}”" if c.what_is == "table row" else f"{verb} “{text}”"


RERENDERED = ("Both years were rendered again from their specs with the same templates and "
              "catalogs: changes made by hand to last year's documents after they were built "
              "(a signed copy, counsel's edits) are not in these redlines. Give "
              "--old-documents (last year's build folder) to compare with last year's "
              "documents as they stand.")

CAUSE_TITLES = {"spec change": "Spec changes (a value of the spec changed)",
                "template change": "Template changes (the wording of a template changed)",
                "catalog change": "Catalog changes (a translation changed)",
                "hand edit": "Hand edits (made to last year's document after docgen built it; "
                             "this year's document does not have them: the redline takes them "
                             "out unless the spec or the template is changed to keep them)"}


def _redline_markdown(review: Review) -> list[str]:
    out: list[str] = []
    if review.consequences:
        out += ["## What the field changes do in the documents", ""]
        out += [f"- {_md(c.text)}" for c in review.consequences] + [""]
    if review.old_documents is None:
        out += ["## Changes in the documents", "", _md(RERENDERED), ""]
        for path, items in review.redline_changes.items():
            out += [f"### {_md(path)} ({len(items)})", ""]
            out += [change_line(i.change) for i in items] + [""]
        return out
    out += ["## Why the documents changed", "",
            _md(f"Last year's documents as they stand, from {review.old_documents}. Each "
                "revision's author names its cause (in Word: Review › Show Markup › "
                "Reviewers)."), ""]
    out += [f"- {_md(n)}" for n in review.notes] + ([""] if review.notes else [])
    for cause, listed in by_cause(review).items():
        out += [f"### {CAUSE_TITLES.get(cause, cause)} ({len(listed)})", ""]
        for path, item in listed:
            line = change_line(item.change)
            out.append(f"- {_md(path)}: {line[2:]}")
            for f in item.fields:
                out.append(f"  - {_md(f.path)}: {_md(f.old_text or 'none')} → "
                           f"{_md(f.new_text or 'none')}")
        out.append("")
    return out


def _redline_html(review: Review) -> list[str]:
    esc = html.escape
    out: list[str] = []
    if review.consequences:
        out += ["<h2>What the field changes do in the documents</h2>", '<ul class="changes">']
        out += [f"<li>{esc(c.text)}</li>" for c in review.consequences] + ["</ul>"]
    if review.old_documents is None:
        out += ["<h2>Changes in the documents</h2>", f"<p>{esc(RERENDERED)}</p>"]
        for path, items in review.redline_changes.items():
            out += [f"<h3>{esc(path)} ({len(items)})</h3>", '<ul class="changes">']
            out += [change_html(i.change) for i in items] + ["</ul>"]
        return out
    out += ["<h2>Why the documents changed</h2>",
            f"<p>{esc(review.old_documents)}: last year's documents as they stand. Each "
            "revision's author names its cause (in Word: Review › Show Markup › Reviewers)."
            "</p>"]
    if review.notes:
        out += ["<ul>"] + [f"<li>{esc(n)}</li>" for n in review.notes] + ["</ul>"]
    for cause, listed in by_cause(review).items():
        out += [f"<h3>{esc(CAUSE_TITLES.get(cause, cause))} ({len(listed)})</h3>",
                '<ul class="changes">']
        for path, item in listed:
            line = change_html(item.change)
            extra = "".join(f'<div class="detail">{esc(f.path)}: {esc(f.old_text or "none")} '
                            f'→ {esc(f.new_text or "none")}</div>' for f in item.fields)
            out.append(f"<li>{esc(path)}: {line[4:-5]}{extra}</li>")
        out.append("</ul>")
    return out


def read_changes(text: str) -> list[SpecChange]:
    """Return the changes recorded in a ``summary.json``."""
    return [SpecChange.from_json(c) for c in json.loads(text)["changes"]]


def _header_lines(review: Review) -> list[tuple[str, str]]:
    old, new = _side(review.old), _side(review.new)
    rows = [("Partnership", _title_of(review.new)),
            ("School year", f"{old['school_year']} → {new['school_year']}"
             if old["school_year"] != new["school_year"] else new["school_year"]),
            ("Version", f"{old['version']} → {new['version']}"
             if old["version"] != new["version"] else str(new["version"])),
            ("Specs", f"{old['file']} ({old['id']}) → {new['file']} ({new['id']})"),
            ("Redlines", f"by {review.author}, dated {review.date.strftime('%Y-%m-%d %H:%M UTC')}")]
    if review.resources is not None:
        rows += _resource_lines(review)
    return rows


def _resource_lines(review: Review) -> list[tuple[str, str]]:
    """Return the header rows that name a review's own templates and catalogs."""
    assert review.resources is not None
    own = review.resources.own_templates
    catalogs = _catalogs(review.resources)
    rows = [("Templates", f"{own}, else docgen's" if own is not None else "docgen's"),
            ("Catalogs", catalogs if catalogs is not None else "docgen's")]
    for year, name in (("old", "last year"), ("new", "this year")):
        used = ", ".join(f"{b.document} from {b.template} (SHA-256 {b.template_sha256[:12]})"
                         for b in review.built_with.get(year, []))
        if not used and year == "old" and review.old_documents is not None:
            # not rendered again: its documents are compared as they stand
            used = f"not rendered again: its documents as they stand, from {review.old_documents}"
        rows.append((f"Rendered {name} with", used or "nothing"))
    return rows


def _document_line(doc: Document) -> str:
    if doc.only_in:
        year = "last year's" if doc.only_in == "old" else "this year's"
        return f"{doc.path}: only in {year} documents, so there is no redline"
    revisions = f"{doc.revisions} revision{'s' if doc.revisions != 1 else ''}"
    line = f"{doc.redline} ({doc.path}, {revisions}"
    if doc.revisions_by_cause:
        line += ": " + ", ".join(f"{n} {cause}{'s' if n != 1 else ''}"
                                 for cause, n in doc.revisions_by_cause.items())
    line += ")"
    if doc.edited_after_build:
        line += f"; last year's {doc.path} was changed after docgen built it"
    if doc.pdf:
        line += f", and {doc.pdf}"
    if doc.pdf_error:
        line += f"; PDF not written: {doc.pdf_error}"
    return line


def _detail(change: SpecChange) -> str | None:
    """Return the whole value of an added or removed item, when its line names it only."""
    full = change.new_text if change.kind == "added" else change.old_text
    if change.kind == "changed" or not full or change.text.endswith(full):
        return None
    return full


def summary_text_lines(review: Review) -> list[str]:
    """Return the change lines as the CLI prints them: legal review first."""
    if not review.changes:
        return ["No changes."]
    return ([f"legal review ({c.legal_reason}): {c.text}" for c in review.legal]
            + [c.text for c in review.other])


def summary_markdown(review: Review) -> str:
    """Return ``summary.md``: the header, changes for legal review first, then the redlines."""
    out = [f"# Annual review: {_md(_title_of(review.new))}", ""]
    for name, value in _header_lines(review):
        out.append(f"- **{name}:** {_md(value)}")
    out.append("")
    if not review.changes:
        out += ["## Changes", "", "No changes.", ""]
    else:
        for heading, changes in (("For legal review", review.legal),
                                 ("Other changes", review.other)):
            if not changes:
                continue
            out += [f"## {heading} ({len(changes)})", ""]
            for c in changes:
                reason = f"**{_md(c.legal_reason)}:** " if c.legal_reason else ""
                out.append(f"- {reason}{_md(c.text)}")
                if _detail(c):
                    out.append(f"  - {_md(_detail(c) or '')}")
            out.append("")
    out += _redline_markdown(review)
    out += ["## Redlines", ""]
    out += [f"- {_md(_document_line(d))}" for d in review.documents] or ["- none"]
    out.append("")
    return "\n".join(out)


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif; line-height: 1.5;
       max-width: 56rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; }
ul.changes { padding: 0; list-style: none; }
ul.changes li { padding: .5rem .75rem; margin: .4rem 0; border-left: 4px solid #8a8a8a;
                background: #f6f6f6; }
section.legal ul.changes li { border-left-color: #b3261e; background: #fdecea; }
.reason { font-weight: 600; color: #b3261e; }
del { color: #8a1c1c; } ins { color: #1b5e20; text-decoration: none; font-weight: 600; }
.label { font-weight: 600; } .detail { color: #444; font-size: .92em; }
table { border-collapse: collapse; } th, td { text-align: left; padding: .3rem .75rem;
        border-bottom: 1px solid #ddd; }
""".strip()


def _html_change(change: SpecChange) -> str:
    esc = html.escape
    reason = (f'<span class="reason">{esc(change.legal_reason or "")}:</span> '
              if change.legal_review else "")
    if change.kind == "changed":
        body = (f'<span class="label">{esc(change.label)}:</span> '
                f'<del>{esc(change.old_text or "")}</del> → '
                f'<ins>{esc(change.new_text or "")}</ins>')
    else:
        body = esc(change.text)
        if _detail(change):
            body += f'<div class="detail">{esc(_detail(change) or "")}</div>'
    return f"<li>{reason}{body}</li>"


def summary_html(review: Review) -> str:
    """Return ``summary.html``: one self-contained page, every value escaped."""
    esc = html.escape
    title = f"Annual review: {_title_of(review.new)}"
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{esc(title)}</title>", f"<style>\n{_CSS}\n</style>", "</head>", "<body>",
           f"<h1>{esc(title)}</h1>", "<dl>"]
    for name, value in _header_lines(review):
        out.append(f"<dt>{esc(name)}</dt><dd>{esc(value)}</dd>")
    out.append("</dl>")
    if not review.changes:
        out += ["<h2>Changes</h2>", "<p>No changes.</p>"]
    if review.legal:
        out += ['<section class="legal">',
                f"<h2>For legal review ({len(review.legal)})</h2>", '<ul class="changes">']
        out += [_html_change(c) for c in review.legal]
        out += ["</ul>", "</section>"]
    if review.other:
        out += ["<section>", f"<h2>Other changes ({len(review.other)})</h2>",
                '<ul class="changes">']
        out += [_html_change(c) for c in review.other]
        out += ["</ul>", "</section>"]
    out += _redline_html(review)
    out += ["<h2>Redlines</h2>"]
    if review.documents:
        out += ["<table>", "<thead><tr><th scope=\"col\">Document</th><th scope=\"col\">Redline"
                "</th><th scope=\"col\">Revisions</th><th scope=\"col\">PDF</th></tr></thead>",
                "<tbody>"]
        for doc in review.documents:
            if doc.only_in:
                year = "last year" if doc.only_in == "old" else "this year"
                out.append(f"<tr><td>{esc(doc.path)}</td><td colspan=\"3\">only {year}; no "
                           "redline</td></tr>")
                continue
            link = f'<a href="{esc(doc.redline or "")}">{esc(doc.redline or "")}</a>'
            pdf = (f'<a href="{esc(doc.pdf)}">{esc(doc.pdf)}</a>' if doc.pdf
                   else esc(f"not written: {doc.pdf_error}") if doc.pdf_error else "")
            out.append(f"<tr><td>{esc(doc.path)}</td><td>{link}</td><td>{doc.revisions}</td>"
                       f"<td>{pdf}</td></tr>")
        out += ["</tbody>", "</table>"]
    else:
        out.append("<p>None.</p>")
    out += [f'<p><small>Written by docgen {esc(__version__)}.</small></p>', "</body>", "</html>",
            ""]
    return "\n".join(out)
