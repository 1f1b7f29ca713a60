"""Compare last year's spec with this year's: a change summary in plain words, and redlines.

:func:`compare` walks both specs beside the schema and returns one :class:`Change` per field
that differs, labelled with the schema's titles ("Term › End date: June 30, 2027 → June 30,
2028") and formatted as the documents format it (dates, amounts, days). Lists of objects are
matched by what identifies an item (a contact's id, a service's name, a signature's party), not
by position, so reordering a list is not a change. Changes a lawyer should see (the FERPA basis
and data elements, insurance, indemnification, termination, funding) are marked
``legal_review``. The bookkeeping of a renewal (``version``, ``schema_version``, ``id``,
``annual_review``) is left out of the list; the summary's header names the versions instead.

:func:`write_review` writes ``summary.md``, ``summary.html``, ``summary.json`` and, for every
document both years produce, ``redline-<name>.docx`` (and its PDF) into a folder, losing nothing:
each file is written to a temporary name and renamed into place, ``summary.json`` last; a file in
the folder that an earlier ``docgen review`` did not write is replaced only with ``force``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..build.run import BuildOptions, _sha256, _temporary, render_documents
from ..formatting import WEEKDAYS, Formatter
from ..errors import OutputError, Problem, SpecError, UsageError
from ..i18n.locales import DEFAULT_LOCALE
from ..spec.schema import Spec, check_spec, json_path, read_spec, resolve_ref as _resolve, schema

#: Top-level fields that are the bookkeeping of a renewal, not terms of the agreement.
BOOKKEEPING = ("$schema", "schema_version", "version", "id", "annual_review")

#: Where a change needs legal review, and why (schema paths, list indices left out).
LEGAL_REVIEW: dict[tuple[str, ...], str] = {
    ("data_sharing", "shares_student_data"): "FERPA: whether student data is shared",
    ("data_sharing", "legal_basis"): "FERPA legal basis",
    ("data_sharing", "data_elements"): "FERPA: the student data shared",
    ("data_sharing", "consent"): "FERPA legal basis (consent)",
    ("data_sharing", "school_official"): "FERPA legal basis (school official)",
    ("data_sharing", "study"): "FERPA legal basis (studies)",
    ("data_sharing", "evaluation"): "FERPA legal basis (audit or evaluation)",
    ("data_sharing", "authorized_users"): "FERPA: who may see the data",
    ("data_sharing",): "FERPA: the data-sharing agreement's terms",
    ("currency",): "the currency of every amount",
    ("insurance",): "insurance",
    ("indemnification",): "indemnification",
    ("termination",): "termination",
    ("funding",): "funding",
}

#: The field that identifies an item of each list of objects; others are tried after it.
IDENTITY: dict[tuple[str, ...], str] = {
    ("contacts",): "id",
    ("roles",): "id",
    ("services",): "name",
    ("raci",): "activity",
    ("goals",): "goal",
    ("goals", "indicators"): "indicator",
    ("data_sharing", "data_elements"): "name",
    ("data_sharing", "authorized_users"): "name",
    ("signatures",): "party",
    ("funding", "contributions"): "party",
    ("attachments",): "title",
}
_OTHER_IDENTITIES = ("id", "email", "name", "role", "party", "title")
_DISPLAY = ("name", "title", "activity", "goal", "indicator", "item", "service")

SUMMARY_MD, SUMMARY_HTML, SUMMARY_JSON = "summary.md", "summary.html", "summary.json"
_LEFTOVER = re.compile(r"\..+\.[0-9a-f]{8}\.(tmp|part\.docx|part\.pdf)")


@dataclass(frozen=True)
class Change:
    """One difference between the two specs.

    ``path`` is the JSON path of the value in the new spec (in the old one for a removal);
    ``old`` and ``new`` are the JSON values (None when absent), ``old_text`` and ``new_text``
    the same as the documents write them; ``text`` says it all in one line.
    """

    path: str
    label: str
    kind: str  # "changed", "added", "removed" or "reordered"
    old: Any
    new: Any
    old_text: str | None
    new_text: str | None
    text: str
    legal_review: bool
    legal_reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Change":
        return cls(**data)


# --- comparing ----------------------------------------------------------------------------------




def _legal(keys: tuple[str, ...]) -> str | None:
    for prefix, reason in LEGAL_REVIEW.items():
        n = min(len(prefix), len(keys))
        if keys[:n] == prefix[:n]:
            return reason
    return None


class _Comparer:
    def __init__(self, old: dict[str, Any], new: dict[str, Any], locale: str) -> None:
        self.old, self.new = old, new
        self.new_fmt = Formatter(locale, new.get("currency", "USD"))
        self.old_fmt = Formatter(locale, old.get("currency", "USD"))
        self.fmt = self.new_fmt
        self.changes: list[Change] = []

    def show_old(self, node: dict[str, Any], value: Any) -> str:
        """``value`` of the old spec as it wrote it (its amounts in its own currency)."""
        self.fmt = self.old_fmt
        try:
            return self.show(node, value)
        finally:
            self.fmt = self.new_fmt

    # values as the documents write them

    def show(self, node: dict[str, Any], value: Any) -> str:
        node, ref = _resolve(node)
        if value is None:
            return "none"
        if ref == "date" and isinstance(value, str):
            return self.fmt.date(value)
        if ref == "time" and isinstance(value, str):
            return self.fmt.time(value)
        if ref == "money" and isinstance(value, (int, float)):
            return str(self.fmt.money(value))
        if isinstance(value, bool):
            return "yes" if value else "no"
        if ref == "key" and isinstance(value, str) and \
                not str(node.get("title", "")).lower().endswith(" id"):
            return self.named(value)  # a reference: the contact's name, the role's title
        if ref == "party" and isinstance(value, str):
            return self.party(value)
        if isinstance(value, str) and value in WEEKDAYS and node.get("enum") == list(WEEKDAYS):
            return self.fmt.weekday(value)
        if isinstance(value, str) and value in node.get("enum", ()):
            return value.replace("_", " ")  # a code such as school_official, in words
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, dict):
            parts = []
            props = node.get("properties", {})
            for name, item in value.items():
                sub = props.get(name) or (node.get("additionalProperties")
                                          if isinstance(node.get("additionalProperties"), dict)
                                          else {})
                title = _resolve(sub)[0].get("title", name) if name in props else name
                parts.append(f"{title}: {self.show(sub, item)}")
            return "; ".join(parts)
        if isinstance(value, list):
            return ", ".join(self.show(node.get("items", {}), v) for v in value)
        return str(value)

    def _sides(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The specs to look names up in, the one being shown first."""
        return (self.old, self.new) if self.fmt is self.old_fmt else (self.new, self.old)

    def named(self, key: str) -> str:
        for data in self._sides():
            for contact in data.get("contacts") or []:
                if isinstance(contact, dict) and contact.get("id") == key and contact.get("name"):
                    return str(contact["name"])
            for role in data.get("roles") or []:
                if isinstance(role, dict) and role.get("id") == key and role.get("title"):
                    return str(role["title"])
        return key

    def party(self, key: Any) -> str:
        for data in self._sides():
            party = (data.get("parties") or {}).get(key)
            if isinstance(party, dict):
                return party.get("short_name") or party.get("legal_name") or str(key)
        return {"joint": "Joint", "families": "Families"}.get(key, str(key))

    def key_title(self, keys: tuple[str, ...], name: str) -> str:
        """Return how a key of a map is named: a RACI assignment's role by its title."""
        if keys == ("raci", "assignments"):
            for data in (self.new, self.old):
                for role in data.get("roles") or []:
                    if isinstance(role, dict) and role.get("id") == name and role.get("title"):
                        return str(role["title"])
        return name

    def display(self, keys: tuple[str, ...], item: Any, node: dict[str, Any]) -> str:
        """Return how an item of a list is named in a label: a contact's name, a party's name."""
        if not isinstance(item, dict):
            return self.show(node, item)
        ident = IDENTITY.get(keys)
        if ident == "party" and "party" in item:
            return self.party(item["party"])
        for name in _DISPLAY:
            if isinstance(item.get(name), str):
                return item[name]
        return self.show(node, item)

    # the walk

    def add(self, path: tuple, keys: tuple[str, ...], crumbs: list[str], kind: str,
            node: dict[str, Any], old: Any, new: Any, item: str | None = None) -> None:
        """Record a change; ``item`` is the title of a list's items when one is added or
        removed (``crumbs`` then ends with the list's title and the item's name)."""
        old_text = None if old is None else self.show_old(node, old)
        new_text = None if new is None else self.show(node, new)
        label = " › ".join(crumbs)
        if kind == "changed":
            text = f"{label}: {old_text} → {new_text}"
        else:
            what, parent = (item, crumbs[:-2]) if item else (crumbs[-1], crumbs[:-1])
            summary = crumbs[-1] if item else (new_text if kind == "added" else old_text)
            direction = "to" if kind == "added" else "from"
            text = f"{what} {kind}" + (f" {direction} {' › '.join(parent)}" if parent else "")
            text += f": {summary}"
        reason = _legal(keys)
        self.changes.append(Change(json_path(path), label, kind, old, new, old_text, new_text,
                                   text, reason is not None, reason))

    def walk(self, node: dict[str, Any], old: Any, new: Any, path_old: tuple, path_new: tuple,
             keys: tuple[str, ...], crumbs: list[str]) -> None:
        raw, (node, _) = node, _resolve(node)
        if old == new:
            return
        if isinstance(old, dict) and isinstance(new, dict):
            props = node.get("properties", {})
            extra = node.get("additionalProperties")
            names = list(props) + [n for n in list(old) + list(new) if n not in props]
            for name in dict.fromkeys(names):
                if not keys and name in BOOKKEEPING:
                    continue
                sub = props.get(name) or (extra if isinstance(extra, dict) else {})
                sub_node = _resolve(sub)[0]
                title = sub_node.get("title", name) if name in props else self.key_title(keys,
                                                                                         name)
                o, n = old.get(name), new.get(name)
                if name not in old and "default" in sub_node:
                    o = sub_node["default"]  # left out means the default: not a change
                if name not in new and "default" in sub_node:
                    n = sub_node["default"]
                if o == n:
                    continue
                child = (path_old + (name,), path_new + (name,), keys + (name,), crumbs + [title])
                if name not in old or name not in new:
                    if o is None or n is None or (isinstance(o, list) and isinstance(n, list)
                                                  and (not o or not n)):
                        self.presence(sub, o, n, *child)
                        continue
                self.walk(sub, o, n, *child)
            return
        if isinstance(old, list) and isinstance(new, list):
            items = node.get("items", {})
            if isinstance(_resolve(items)[0].get("properties"), dict) or any(
                    isinstance(v, dict) for v in old + new):
                self.objects(items, old, new, path_old, path_new, keys, crumbs)
            else:
                self.scalars(items, old, new, path_old, path_new, keys, crumbs)
            return
        self.add(path_new, keys, crumbs, "changed", raw, old, new)

    def presence(self, node: dict[str, Any], old: Any, new: Any, path_old: tuple,
                 path_new: tuple, keys: tuple[str, ...], crumbs: list[str]) -> None:
        """Report a field that is in one spec only; a list as its items, one by one."""
        resolved = _resolve(node)[0]
        if resolved.get("type") == "array" and isinstance(old or new, list):
            self.walk(node, old or [], new or [], path_old, path_new, keys, crumbs)
        elif old is None:
            self.add(path_new, keys, crumbs, "added", node, None, new)
        else:
            self.add(path_old, keys, crumbs, "removed", node, old, None)

    def scalars(self, items: dict[str, Any], old: list[Any], new: list[Any], path_old: tuple,
                path_new: tuple, keys: tuple[str, ...], crumbs: list[str]) -> None:
        what = _resolve(items)[0].get("title") or "Item"
        left = list(new)
        for value in old:
            if value in left:
                left.remove(value)
        gone = list(old)
        for value in new:
            if value in gone:
                gone.remove(value)
        kept = [v for v in old if v in new]
        if kept != [v for v in new if v in old]:
            self.reordered(path_new, keys, crumbs, what)
        for value in gone:
            i = old.index(value)
            self.add(path_old + (i,), keys, crumbs + [self.show_old(items, value)], "removed",
                     items, value, None, what)
        for value in left:
            i = new.index(value)
            self.add(path_new + (i,), keys, crumbs + [self.show(items, value)], "added", items,
                     None, value, what)

    def order(self, pairs: list[tuple[int, int]], path: tuple, keys: tuple[str, ...],
              crumbs: list[str], what: str) -> None:
        olds = [i for i, _ in sorted(pairs, key=lambda p: p[1])]
        if olds != sorted(olds):
            self.reordered(path, keys, crumbs, what)

    def reordered(self, path: tuple, keys: tuple[str, ...], crumbs: list[str], what: str) -> None:
        """The same items in another order: no change of substance, but the documents list
        them in the new order, so their redlines show it."""
        label = " › ".join(crumbs) or what
        self.changes.append(Change(json_path(path), label, "reordered", None, None, None, None,
                                   f"{label}: the same items in another order", False, None))

    def objects(self, items: dict[str, Any], old: list[Any], new: list[Any], path_old: tuple,
                path_new: tuple, keys: tuple[str, ...], crumbs: list[str]) -> None:
        what = _resolve(items)[0].get("title") or "Item"
        pairs: list[tuple[int, int]] = []
        old_left = list(range(len(old)))
        new_left = list(range(len(new)))
        # equal items first, then by each identity field that is unique on both sides
        for i in list(old_left):
            for j in new_left:
                if old[i] == new[j]:
                    pairs.append((i, j))
                    old_left.remove(i)
                    new_left.remove(j)
                    break
        primary = IDENTITY.get(keys)
        for ident in dict.fromkeys(([primary] if primary else []) + list(_OTHER_IDENTITIES)):
            def ids(values: list[Any], left: list[int]) -> dict[Any, int]:
                found: dict[Any, list[int]] = {}
                for k in left:
                    v = values[k].get(ident) if isinstance(values[k], dict) else None
                    if isinstance(v, (str, int)) and not isinstance(v, bool):
                        found.setdefault(v, []).append(k)
                return {v: ks[0] for v, ks in found.items() if len(ks) == 1}

            old_ids, new_ids = ids(old, old_left), ids(new, new_left)
            for value, i in old_ids.items():
                if value in new_ids:
                    pairs.append((i, new_ids[value]))
                    old_left.remove(i)
                    new_left.remove(new_ids[value])
        self.order(pairs, path_new, keys, crumbs, what)
        for i, j in sorted(pairs, key=lambda p: p[1]):
            if old[i] != new[j]:
                self.walk(items, old[i], new[j], path_old + (i,), path_new + (j,), keys,
                          crumbs + [self.display(keys, new[j], items)])
        for i in old_left:
            self.add(path_old + (i,), keys, crumbs + [self.display(keys, old[i], items)],
                     "removed", items, old[i], None, what)
        for j in new_left:
            self.add(path_new + (j,), keys, crumbs + [self.display(keys, new[j], items)],
                     "added", items, None, new[j], what)


def compare(old: dict[str, Any], new: dict[str, Any], *,
            locale: str = DEFAULT_LOCALE) -> list[Change]:
    """Return every change from spec ``old`` to spec ``new`` (both valid), in schema order."""
    comparer = _Comparer(old, new, locale)
    comparer.walk(schema(), old, new, (), (), (), [])
    return comparer.changes


# --- the summary ----------------------------------------------------------------------------------


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


@dataclass
class Review:
    """What ``docgen review`` found and wrote."""

    old: Spec
    new: Spec
    changes: list[Change]
    author: str
    date: dt.datetime
    documents: list[Document] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    pdf_errors: list[str] = field(default_factory=list)

    @property
    def legal(self) -> list[Change]:
        return [c for c in self.changes if c.legal_review]

    @property
    def other(self) -> list[Change]:
        return [c for c in self.changes if not c.legal_review]


def _side(spec: Spec) -> dict[str, Any]:
    return {"file": spec.file, "id": spec.data["id"], "school_year": spec.data["school_year"],
            "version": spec.data.get("version", 1),
            "schema_version": spec.data["schema_version"], "sha256": spec.sha256}


def _title_of(spec: Spec) -> str:
    parties = spec.data["parties"]
    names = [(parties[k].get("short_name") or parties[k]["legal_name"])
             for k in ("school", "partner")]
    return f"{names[0]} and {names[1]}"


def summary_json(review: Review, files: list[dict[str, Any]]) -> str:
    """Return ``summary.json``: the changes and documents, and the files written (sha256)."""
    data = {
        "docgen_version": __version__,
        "kind": "docgen review",
        "old": _side(review.old),
        "new": _side(review.new),
        "author": review.author,
        "date": review.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "changes": [c.to_json() for c in review.changes],
        "documents": [{k: v for k, v in asdict(d).items() if v is not None}
                      for d in review.documents],
        "files": files,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def read_changes(text: str) -> list[Change]:
    """Return the changes recorded in a ``summary.json``."""
    return [Change.from_json(c) for c in json.loads(text)["changes"]]


def _header_lines(review: Review) -> list[tuple[str, str]]:
    old, new = _side(review.old), _side(review.new)
    rows = [("Partnership", _title_of(review.new)),
            ("School year", f"{old['school_year']} → {new['school_year']}"
             if old["school_year"] != new["school_year"] else new["school_year"]),
            ("Version", f"{old['version']} → {new['version']}"
             if old["version"] != new["version"] else str(new["version"])),
            ("Specs", f"{old['file']} ({old['id']}) → {new['file']} ({new['id']})"),
            ("Redlines", f"by {review.author}, dated {review.date.strftime('%Y-%m-%d %H:%M UTC')}")]
    return rows


def _md(text: str) -> str:
    """Escape ``text`` so that Markdown shows it as written."""
    return re.sub(r"([\\`*_\[\]<>|~])", r"\\\1", text).replace("\n", " ")


def _document_line(doc: Document) -> str:
    if doc.only_in:
        year = "last year's" if doc.only_in == "old" else "this year's"
        return f"{doc.path}: only in {year} documents, so there is no redline"
    revisions = f"{doc.revisions} revision{'s' if doc.revisions != 1 else ''}"
    line = f"{doc.redline} ({doc.path}, {revisions})"
    if doc.pdf:
        line += f", and {doc.pdf}"
    if doc.pdf_error:
        line += f"; PDF not written: {doc.pdf_error}"
    return line


def _detail(change: Change) -> str | None:
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


def _html_change(change: Change) -> str:
    esc = html.escape
    reason = (f'<span class="reason">{esc(change.legal_reason or "")}:</span> '
              if change.legal_review else "")
    if change.kind == "changed":
        body = (f'<span class="label">{esc(change.label)}:</span> '
                f'<del>{esc(change.old_text or "")}</del> → <ins>{esc(change.new_text or "")}</ins>')
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


# --- loading, redlining and writing -----------------------------------------------------------


def load_pair(old_file: str, new_file: str) -> tuple[Spec, Spec]:
    """Read and check both specs; raise one :class:`SpecError` with every problem of both."""
    specs: list[Spec] = []
    problems: list[Problem] = []
    for file in (old_file, new_file):
        try:
            spec = read_spec(file)
        except SpecError as e:
            problems.extend(e.problems)
            continue
        found = check_spec(spec)
        problems.extend(found)
        specs.append(spec)
    if problems:
        files = sorted({p.file for p in problems})
        raise SpecError(f"{' and '.join(files)}: {len(problems)} problem(s)", problems)
    old, new = specs
    if new.data["school_year"] < old.data["school_year"]:
        raise UsageError(f"{new_file} is for {new.data['school_year']}, before {old_file}'s "
                         f"{old.data['school_year']}: give last year's spec first, then this "
                         "year's")
    before, after = _partnership(old), _partnership(new)
    if before[0] != after[0] and before[1] != after[1]:
        raise UsageError(f"{old_file} ({before[0]} and {before[1]}) and {new_file} ({after[0]} "
                         f"and {after[1]}) are different partnerships; docgen review compares "
                         "two years of one partnership")
    return old, new


def _partnership(spec: Spec) -> tuple[str, str]:
    parties = spec.data.get("parties", {})
    return tuple(str((parties.get(role) or {}).get("legal_name", "")).strip()
                 for role in ("school", "partner"))  # type: ignore[return-value]


def review_date_of(spec: Spec) -> dt.datetime | None:
    """Return the new spec's ``annual_review.review_date`` as midnight UTC, if it has one."""
    day = (spec.data.get("annual_review") or {}).get("review_date")
    if not day:
        return None
    d = dt.date.fromisoformat(day)
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc)


def redline_name(document: str) -> str:
    """Return the redline's file name for a document: ``notices/notice-es.docx`` →
    ``redline-notice-es.docx``."""
    return f"redline-{Path(document).name}"


def _previous(folder: Path) -> dict[str, str]:
    """Return the files an earlier ``docgen review`` wrote in ``folder`` and nobody changed."""
    try:
        data = json.loads((folder / SUMMARY_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("kind") != "docgen review":
        return {}
    owned = {SUMMARY_JSON: ""}
    for entry in data.get("files", []):
        name = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(name, str) or "/" in name or name.startswith("."):
            continue
        path = folder / name
        if path.is_file() and _sha256(path.read_bytes()) == entry.get("sha256"):
            owned[name] = entry["sha256"]
    return owned


def write_review(old: Spec, new: Spec, out_dir: Path, *, author: str, date: dt.datetime,
                 pdf: bool, force: bool = False, source_date: dt.datetime | None = None,
                 pool: Any = None, pdf_workers: int | None = None) -> Review:
    """Compare ``old`` with ``new`` and write the summaries and redlines into ``out_dir``.

    ``date`` stamps the tracked changes; ``source_date`` (SOURCE_DATE_EPOCH) fixes the
    documents' own dates as in ``docgen build``. ``pool`` replaces the LibreOffice pool (tests).
    PDF problems are collected in ``Review.pdf_errors``; everything else that goes wrong raises.
    """
    from ..redline import compare as redline_module

    review = Review(old, new, compare(old.data, new.data), author,
                    date.astimezone(dt.timezone.utc))
    options = BuildOptions(out_dir, source_date=source_date)
    old_docs = {kind.output: data for kind, _, data in render_documents(old, options)}
    new_docs = {kind.output: data for kind, _, data in render_documents(new, options)}
    outputs: dict[str, bytes] = {}
    for path in list(new_docs) + [p for p in old_docs if p not in new_docs]:
        if path not in old_docs or path not in new_docs:
            review.documents.append(Document(path, only_in="old" if path in old_docs else "new"))
            continue
        result = redline_module.redline(old_docs[path], new_docs[path], author=author,
                                        date=review.date, old_name=f"{old.file}: {path}",
                                        new_name=f"{new.file}: {path}")
        name = redline_name(path)
        outputs[name] = result.docx
        review.documents.append(Document(path, name, result.revisions, len(result.changes),
                                         Path(name).with_suffix(".pdf").name if pdf else None))

    names = [SUMMARY_MD, SUMMARY_HTML] + list(outputs) + [
        d.pdf for d in review.documents if d.pdf] + [SUMMARY_JSON]
    label = str(out_dir)
    try:
        if out_dir.exists() and not out_dir.is_dir():
            raise OutputError(f"{label}: exists and is not a folder")
        out_dir.mkdir(parents=True, exist_ok=True)
        for leftover in [p for p in out_dir.iterdir() if _LEFTOVER.fullmatch(p.name)]:
            leftover.unlink(missing_ok=True)  # of a run that was killed
        owned = _previous(out_dir)
    except PermissionError:
        raise OutputError(f"{label}: permission denied; docgen cannot write there") from None
    if not force:
        clashes = [out_dir / n for n in names if (out_dir / n).exists() and n not in owned]
        if clashes:
            message = ("was not written by docgen review, or was changed after; move it out of "
                       "the folder, or pass --force to replace it")
            raise OutputError(f"{label}: {len(clashes)} file(s) would be overwritten",
                              [Problem(str(p), 0, 0, None, message) for p in clashes])

    temporary: dict[str, Path] = {}
    try:
        for name, data in outputs.items():
            temporary[name] = _temporary(out_dir / name, data)
        if pdf:
            _convert(review, out_dir, outputs, temporary, pool, pdf_workers)
        for text_name, render in ((SUMMARY_MD, summary_markdown), (SUMMARY_HTML, summary_html)):
            temporary[text_name] = _temporary(out_dir / text_name,
                                              render(review).encode("utf-8"))
        files = [{"path": n, "sha256": _sha256(temporary[n].read_bytes()),
                  "bytes": temporary[n].stat().st_size}
                 for n in [SUMMARY_MD, SUMMARY_HTML] + sorted(n for n in temporary
                                                             if n.startswith("redline-"))]
        temporary[SUMMARY_JSON] = _temporary(out_dir / SUMMARY_JSON,
                                             summary_json(review, files).encode("utf-8"))
        # everything is written in full: now into place, the summary (our record) last
        for name in sorted(temporary, key=lambda n: n == SUMMARY_JSON):
            os.replace(temporary.pop(name), out_dir / name)
            review.written.append(name)
    except OSError as e:
        raise OutputError(f"{label}: cannot be written: {e.strerror or e}") from None
    finally:
        for path in temporary.values():
            path.unlink(missing_ok=True)
    for name in owned:
        if name not in review.written and name != SUMMARY_JSON:
            (out_dir / name).unlink(missing_ok=True)  # a redline of a document gone this year
    return review


def _convert(review: Review, out_dir: Path, outputs: dict[str, bytes],
             temporary: dict[str, Path], pool: Any, workers: int | None) -> None:
    """Convert the redlines to PDF through the LibreOffice pool, as ``docgen build`` does."""
    from ..pdf.pool import ConverterError, PdfJob, PdfPool, find_converter, pin_pdf

    jobs = []
    sources: dict[int, tuple[Document, Path]] = {}
    for doc in review.documents:
        if not doc.redline or not doc.pdf:
            continue
        token = secrets.token_hex(4)
        src = out_dir / f".{Path(doc.redline).stem}.{token}.part.docx"
        src.write_bytes(outputs[doc.redline])
        job = PdfJob(src, out_dir / f".{Path(doc.pdf).stem}.{token}.part.pdf",
                     str(out_dir / doc.redline))
        jobs.append(job)
        sources[id(job)] = (doc, src)
    if not jobs:
        return
    try:
        try:
            pool = pool or PdfPool(find_converter(), workers=workers or os.cpu_count() or 1)
            results = pool.convert(jobs)
        except ConverterError as e:
            for doc, _ in sources.values():
                doc.pdf, doc.pdf_error = None, e.message
            if e.message not in review.pdf_errors:
                review.pdf_errors.append(e.message)
            return
        for result in results:
            doc, _ = sources[id(result.job)]
            assert doc.pdf is not None
            if not result.ok:
                review.pdf_errors.append(f"{result.job.label}: PDF not written: {result.error}")
                doc.pdf, doc.pdf_error = None, result.error
                continue
            data = pin_pdf(result.job.dst.read_bytes(), review.date)
            temporary[doc.pdf] = _temporary(out_dir / doc.pdf, data)
    finally:
        for job in jobs:
            job.dst.unlink(missing_ok=True)
            job.src.unlink(missing_ok=True)


__all__ = ["Change", "Document", "Review", "compare", "load_pair", "read_changes",
           "redline_name", "review_date_of", "summary_html", "summary_json", "summary_markdown",
           "summary_text_lines", "write_review"]
