"""Compare two DOCX files and write the new one with Word's own tracked changes.

``redline(old, new, author=..., date=...)`` returns the new document in which every difference
from the old one is a revision a reviewer can accept or reject in Word or LibreOffice:

- paragraphs and table rows that were added or removed are whole inserted or deleted paragraphs
  (their paragraph marks too) and rows; the blocks are lined up on the paragraphs both versions
  hold once (patience diff), so many edits never shift the unchanged paragraphs out of place;
- a paragraph or run of paragraphs (a section) removed in one place and added in another is a
  move, ``w:moveFrom`` there and ``w:moveTo`` here in named ranges, with the words edited after
  the move as insertions and deletions inside it;
- a paragraph that changed is compared word by word (character by character in Chinese and
  Japanese), a number (an amount, a date, a phone number, a version, an identifier) counting as
  one word, and keeping the new document's formatting; ``granularity="character"`` compares
  every paragraph character by character;
- each story is compared on its own: the body with its tables and text boxes, each header and
  footer (matched by section and type), footnotes and endnotes (matched through their references);
- fields, drawings and content controls are compared whole; bookmarks and comments of the new
  document are kept in place, and so are the old document's comments on text that did not
  change (unless ``old_comments=False``);
- a change of formatting or paragraph style is a ``w:rPrChange`` or ``w:pPrChange`` (unless
  ``ignore_formatting``), judged by meaning through the styles (``formats``), so that a file
  re-saved by another program shows no change; styles and numbering definitions that only the
  old document has come along with the old text that uses them;
- footnotes and endnotes are numbered, and stand in their part, in the order of their
  references, as LibreOffice reads them.

Revisions already in either input are accepted first, as Word's Compare does. Accepting every
change in the result gives the new document's text; rejecting every change gives the old one's.

Public API::

    redline(old: bytes, new: bytes, *, author="docgen", date, old_name, new_name,
            ignore_formatting=False, granularity="word", old_comments=True) -> Redline
    redline_files(old_path, new_path, *, author, date, ignore_formatting, granularity,
                  old_comments) -> Redline
    summary_json(result, ...), summary_markdown(result, ...)   (from .summary)

The work is done by the modules beside this one: ``accept`` (revisions already in the inputs),
``keys`` (what a reader sees, and the tokens a paragraph is compared in), ``formats``
(formatting by meaning), ``diff`` (the sequence algorithms), ``walk`` and ``paragraph`` (the
comparison, story by story), ``marks`` (revision marks), ``carry`` (old content brought into
the new document: styles, numbering, notes, comments), ``summary`` (the change list for people
and programs).

``Change(story, where, kind, old, new, context)`` describes one changed place:
``story`` is "body", "header 1 (default)", "footnote 3"…; ``where`` is "paragraph 12" or
"table 2, row 3, cell 1, paragraph 1"; ``kind`` is "inserted", "deleted", "changed" (the words)
"formatted" (the same words, other formatting or paragraph style), "moved" or "moved and
changed"; ``context`` is the paragraph as it reads in the new document (the old one for
deletions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from ..errors import DocxError, Problem, UsageError
from ..ooxml.package import Package, read_docx
from .accept import accept_revisions
from .carry import Carrier, first
from .marks import Marker, track_revisions
from .model import Change, Redline, Story, word_date
from .keys import GRANULARITIES
from .session import Options, Session
from .summary import summary_json, summary_markdown
from .tags import W, w
from .walk import (compare_container, compare_headers_footers, compare_notes, explicit_headers,
                   number_notes, section_refs, sections)

__all__ = ["Change", "Redline", "accept_revisions", "redline", "redline_files", "summary_json",
           "summary_markdown"]

_ALL_IDS = etree.XPath("//@w:id", namespaces={"w": W})
_DOCPR_IDS = etree.XPath("//*[local-name()='docPr']/@id")
_STORY_RELS = ("header", "footer", "footnotes", "endnotes", "comments")


def redline_files(old: str | Path, new: str | Path, *, author: str = "docgen",
                  date: dt.datetime, ignore_formatting: bool = False,
                  granularity: str = "word", old_comments: bool = True) -> Redline:
    """Read two DOCX files safely and compare them (see :func:`redline`); the problems of both
    files are reported together."""
    packages: list[Package] = []
    problems: list[Problem] = []
    for path in (old, new):
        try:
            # the new document's parts that the old one (read, so checked) has alike are
            # not looked at again for outside links
            beside = packages[0] if packages and not problems else None
            packages.append(Package.open(read_docx(path), str(path), beside))
        except DocxError as e:
            problems.extend(e.problems)
    if problems:
        raise DocxError("; ".join(p.message for p in problems), problems)
    return _compare(packages[0], packages[1], author, date,
                    _options(ignore_formatting, granularity, old_comments))


def redline(old: bytes, new: bytes, *, author: str = "docgen", date: dt.datetime,
            old_name: str = "old.docx", new_name: str = "new.docx",
            ignore_formatting: bool = False, granularity: str = "word",
            old_comments: bool = True) -> Redline:
    """Return ``new`` with tracked changes that turn ``old`` into it.

    As Word's Compare options: ``ignore_formatting`` tracks changes of words only (no
    ``w:rPrChange`` or ``w:pPrChange``: the result has the new document's formatting throughout);
    ``granularity`` "word" marks a changed word (a number, an amount, a date …) whole,
    "character" marks the characters that changed; ``old_comments`` keeps the old document's
    comments on text that did not change, beside the new document's own (which are always
    kept; a comment both have, by the same author in the same words, comes once).
    """
    options = _options(ignore_formatting, granularity, old_comments)
    old_pkg = Package.open(old, old_name)
    return _compare(old_pkg, Package.open(new, new_name, old_pkg), author, date, options)


def _options(ignore_formatting: bool, granularity: str, old_comments: bool) -> Options:
    if granularity not in GRANULARITIES:
        raise UsageError(f"the granularity of the comparison, {granularity!r}, must be one of "
                         + ", ".join(GRANULARITIES))
    return Options(ignore_formatting=ignore_formatting, granularity=granularity,
                   old_comments=old_comments)


def _compare(old: Package, new: Package, author: str, date: dt.datetime,
             options: Options) -> Redline:
    """Compare two open packages, writing the tracked changes into ``new``."""
    if not author.strip() or any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in author):
        raise UsageError(f"the author of the changes, {author!r}, must be a name on one line")
    old_main, new_main = old.main, new.main
    old_parts, new_parts = _story_parts(old, old_main), _story_parts(new, new_main)
    for pkg, parts in ((old, old_parts), (new, new_parts)):
        _check_size(pkg, parts)
    _share_styles(old, old_main, new, new_main)
    for part in old_parts:
        accept_revisions(old.xml(part))
    for part in new_parts:
        accept_revisions(new.xml(part))
    next_id, next_docpr = _free_ids(new, new_parts)
    marker = Marker(author, word_date(date), next_id)
    s = Session(marker, Carrier(old, new, next_docpr), options)

    def take_id() -> int:  # an id for a comment brought over: no revision will have it
        marker.next_id += 1
        return marker.next_id - 1

    s.carry.take_id = take_id

    old_body = old.xml(old_main).find(w("body"))
    new_body = new.xml(new_main).find(w("body"))
    if old_body is None or new_body is None:
        which = old.name if old_body is None else new.name
        raise DocxError.at(which, "the main document part has no body")
    old_sections = sections(old_body)
    new_sections = sections(new_body)
    old_refs = section_refs(old_sections, old_main, old)
    new_refs = section_refs(new_sections, new_main, new)
    compare_container(s, Story("body", old, new, old_main, new_main), old_body, new_body, [])

    if len(old_sections) != len(new_sections):
        explicit_headers(new_sections, new_refs)
    for kind in ("footnote", "endnote"):
        compare_notes(s, kind, old, new, old_main, new_main)
        number_notes(new, new_main, kind)
    compare_headers_footers(s, old, new, old_refs, new_refs, new_main, new_sections)
    track_revisions(new, new_main)
    s.carry.carry_styles(old_main, new_main)
    s.carry.carry_numbering(old_main, new_main)
    s.carry.carry_comments(new_main)
    return Redline(new.to_bytes(), s.changes, s.marks.revisions)


#: The most text a document to compare may hold: its story parts' XML, its runs (pieces of
#: text of one formatting) and its characters, in all and in one paragraph.
#:
#: Memory grows with the text (measured with ``resource`` in a subprocess, issue #16): about
#: 1.5 KB per run and 16 bytes per character across a document's paragraphs, so a
#: 16,000-paragraph report (48,000 runs, 2 million characters) needs some 100 MB more than
#: docgen itself, and a document at these limits (200,000 runs, 8 million characters) some
#: 430 MB. Inside one paragraph its words and runs are compared with each other, which costs
#: about 3 KB per run and 1.2 KB per word: one paragraph of 150,000 runs, or of 2 MB of
#: text, would need gigabytes, and is refused by the paragraph limits (a paragraph of a real
#: document holds a few dozen runs and a few thousand characters; the longest of a legal
#: text a few hundred runs).
MAX_STORY_BYTES = 48 * 1024 * 1024
MAX_RUNS = 200_000
MAX_CHARACTERS = 8_000_000
MAX_PARAGRAPH_RUNS = 10_000
MAX_PARAGRAPH_CHARACTERS = 200_000


def _check_size(pkg: Package, parts: list[str]) -> None:
    """Refuse a document with more text than :data:`MAX_RUNS` and :data:`MAX_CHARACTERS`
    allow, or a paragraph with more than :data:`MAX_PARAGRAPH_RUNS` and
    :data:`MAX_PARAGRAPH_CHARACTERS` (its XML is measured before it is parsed, its runs and
    text after)."""
    size = sum(len(pkg.parts.get(part, b"")) for part in parts)
    runs = chars = 0
    crowded: tuple[str, int] | None = None
    if size <= MAX_STORY_BYTES:
        r_tag, p_tag = w("r"), w("p")
        for part in parts:
            # one pass in document order: a paragraph's runs and text follow its start (a
            # text box inside it counts as a paragraph of its own)
            number = p_runs = p_chars = 0
            for el in pkg.xml(part).iter(p_tag, r_tag, w("t"), w("delText")):
                if el.tag == p_tag:
                    number, p_runs, p_chars = number + 1, 0, 0
                    continue
                if el.tag == r_tag:
                    runs += 1
                    p_runs += 1
                else:
                    length = len(el.text or "")
                    chars += length
                    p_chars += length
                if crowded is None and (p_runs > MAX_PARAGRAPH_RUNS
                                        or p_chars > MAX_PARAGRAPH_CHARACTERS):
                    crowded = (part, number)
    if size > MAX_STORY_BYTES or runs > MAX_RUNS or chars > MAX_CHARACTERS:
        raise DocxError.at(pkg.name, "has more text than docgen compares (at most "
                           f"{MAX_RUNS:,} runs of text and {MAX_CHARACTERS:,} characters; a "
                           "100-page agreement has a few thousand runs); compare it in "
                           "smaller documents")
    if crowded is not None:
        part, number = crowded
        story = "" if part == pkg.main else f" of {part}"
        raise DocxError.at(pkg.name, f"paragraph {number:,}{story} has more text than docgen "
                           f"compares in one paragraph (at most {MAX_PARAGRAPH_RUNS:,} runs "
                           f"of text and {MAX_PARAGRAPH_CHARACTERS:,} characters; a long "
                           "paragraph of an agreement has a few hundred runs); split it into "
                           "paragraphs, or compare it in smaller documents")


def _share_styles(old: Package, old_main: str, new: Package, new_main: str) -> None:
    """Read the new document's styles through the old one's tree when both have the same
    styles part (the same template): the comparison only reads them, and adds old styles to
    the new document's only where it lacks them, which then it never does."""
    old_part = first(old.related(old_main, "styles"))
    new_part = first(new.related(new_main, "styles"))
    if old_part is not None and new_part is not None and new_part in new.parts:
        new.share(new_part, old, old_part)


def _story_parts(pkg: Package, main: str) -> list[str]:
    """Return the main part and the headers, footers, notes and comments it relates to."""
    parts = [main]
    for rel in _STORY_RELS:
        parts += [name for _, name in pkg.related(main, rel) if name in pkg.parts]
    return list(dict.fromkeys(parts))


def _strings(found: object) -> Iterator[str]:
    """Return the strings an attribute XPath found."""
    if isinstance(found, list):
        for v in found:
            if isinstance(v, str):
                yield v


def _free_ids(pkg: Package, parts: list[str]) -> tuple[int, int]:
    """Return the first revision id and the first drawing id that ``parts`` do not use."""
    highest = 0
    docpr = 0
    for part in parts:
        root = pkg.xml(part)
        for v in _strings(_ALL_IDS(root)):
            if v.lstrip("-").isdigit():
                highest = max(highest, int(v))
        for v in _strings(_DOCPR_IDS(root)):
            if v.isdigit():
                docpr = max(docpr, int(v))
    return highest + 1, docpr + 1
