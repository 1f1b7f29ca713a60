"""The translatable messages of the DOCX templates: Babel's extractor for them, the message
template (docgen.pot) and the messages each template uses.

The extractor is registered with Babel as ``docx`` (see pyproject.toml), so ``pybabel extract``
reads DOCX templates too; it reads a template through :mod:`docgen.render`, which knows where
the template's Jinja text is.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from pathlib import Path
from typing import Any, Iterable, Iterator

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from jinja2.ext import babel_extract

from .. import __version__
from ..render import jinja_source_of_docx, paragraph_styles_of_docx
from ..resources import Resources
from . import words
from .catalogs import DOMAIN, write_catalog
from .translate import optional_placeholders, placeholders

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3), "lgettext": (2,)}
COMMENT_TAGS = ["TRANSLATORS:"]
#: The templates whose text is translated.
TRANSLATED_TEMPLATES = ("notice.docx",)

#: A message: its context (or None) and its id (a tuple of singular and plural for a plural).
MessageKey = tuple[str | None, Any]


def extract_docx(fileobj: Any, keywords: Any, comment_tags: Any,
                 options: dict[str, Any]) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Babel extraction method for DOCX templates (registered as ``docx``).

    Use in a Babel mapping file as ``[docx: templates/notice.docx]`` (see babel.cfg). Each
    message is located by the template alone (no line: a paragraph number would move with
    every edit above it), and comes with its ``TRANSLATORS:`` comments and one saying where
    the letter shows it, by the English heading of its section (:func:`where_comment`).
    """
    data = fileobj.read()
    label = getattr(fileobj, "name", "template")
    source, line_map = jinja_source_of_docx(data, label)
    styles = paragraph_styles_of_docx(data, label)
    found = [(line_map[min(lineno, len(line_map) - 1)], funcname, message, comments)
             for lineno, funcname, message, comments in babel_extract(
                 io.BytesIO(source.encode("utf-8")), keywords, comment_tags,
                 {"trimmed": "false", **options})]
    headings = _headings(found, styles)
    for paragraph, funcname, message, comments in found:
        yield 0, funcname, message, [*comments, where_comment(paragraph, headings, styles)]


#: A heading of the letter: its paragraph, its level (0 for the title) and its English text.
Heading = tuple[int, int, str]


def _heading_level(style: str) -> int | None:
    """Return the outline level of a paragraph style's name (``"heading 2"`` → 2, the title
    0), or None if it is not a heading's."""
    name = style.lower()
    if name == "title":
        return 0
    m = re.fullmatch(r"heading (\d)", name)
    return int(m.group(1)) if m else None


def _headings(found: list[tuple[int, str, Any, list[str]]], styles: list[str]) -> list[Heading]:
    """Return the headings of the letter, in order, each by the first message it shows."""
    out: dict[int, Heading] = {}
    for paragraph, _, message, _ in found:
        level = _heading_level(styles[paragraph - 1]) if 0 < paragraph <= len(styles) else None
        if level is not None and paragraph not in out:
            text = message if isinstance(message, str) else next(
                (m for m in message if isinstance(m, str)), "")
            out[paragraph] = (paragraph, level, text)
    return sorted(out.values())


def where_comment(paragraph: int, headings: list[Heading], styles: list[str]) -> str:
    """Return the ``#.`` comment saying where in the letter the message of ``paragraph`` is,
    by the English headings above it: stable while the letter keeps its sections.

    >>> where_comment(9, [(1, 0, "{partner} at {school}"), (7, 1, "What is it?")],
    ...               [""] * 8 + ["List Bullet"])
    'Where: in the letter, under the heading “What is it?”, a bulleted line'
    """
    style = styles[paragraph - 1] if 0 < paragraph <= len(styles) else ""
    own = next((h for h in headings if h[0] == paragraph), None)
    above: list[Heading] = []
    for heading in headings:
        if heading[0] >= paragraph:
            break
        above = [h for h in above if h[1] < heading[1]] + [heading]
    sections = [h for h in above if 0 < h[1] < (own[1] if own is not None else 10)]
    if own is not None and own[1] == 0:
        return "Where: the title of the letter, at the top of the first page"
    if style.lower() == "subtitle":
        return "Where: the line under the letter's title"
    path = ", then ".join(f"“{h[2]}”" for h in sections)
    if own is not None:
        return ("Where: a heading of the letter" + (f", within {path}" if path else ""))
    if not sections:
        return "Where: at the top of the letter, before its first heading"
    kind = ", a bulleted line" if style.lower().startswith("list") else ""
    headings_word = "the heading" if len(sections) == 1 else "the headings"
    return f"Where: in the letter, under {headings_word} {path}{kind}"


def _schema_words() -> Iterator[tuple[Any, list[str], str | None]]:
    """The messages of :mod:`docgen.i18n.words` (weekdays, grades, fee phrases), which the
    notice's context writes: (message, comments, context)."""
    with words.SOURCE.open("rb") as fh:
        for _, message, comments, context in extract(
                "python", fh, keywords=KEYWORDS, comment_tags=COMMENT_TAGS):
            text = " ".join(c.removeprefix("TRANSLATORS:").strip() for c in comments)
            yield message, [text] if text else [], context


#: Where the schema's words are, as a reference (the file alone: its lines move).
WORDS_REFERENCE = f"docgen/i18n/{words.SOURCE.name}"


def format_flags(message: Any) -> tuple[str, ...]:
    """Return the gettext format flag of ``message``: ``python-brace-format`` when it has
    placeholders, so that msgfmt, Poedit and Weblate check them; ``no-python-brace-format``
    when a translation may leave one out (:data:`~docgen.i18n.translate.OPTIONAL_PLACEHOLDERS`),
    which their checks would refuse: ``docgen i18n check`` still requires the others.

    >>> format_flags("If you need this letter in {language}, call {phone}.")
    ('no-python-brace-format',)
    >>> format_flags("{name} speaks your language.")
    ('python-brace-format',)
    """
    if not placeholders(message if isinstance(message, str) else message[0]):
        return ()
    return (("no-python-brace-format",) if optional_placeholders(message)
            else ("python-brace-format",))


def _add(catalog: Catalog, message: Any, label: str, comments: list[str],
         context: str | None) -> None:
    catalog.add(message, None, [(label, None)],  # type: ignore[list-item]  # no line
                auto_comments=comments, context=context, flags=format_flags(message))


def extract_catalog(templates: Iterable[Path], *, root: Path | None = None) -> Catalog:
    """Return the template catalog (.pot) of the translatable text in ``templates``; each
    message's location is the template's path relative to ``root`` (else as given). The
    notice's template brings the schema's words with it (:mod:`docgen.i18n.words`)."""
    catalog = Catalog(project="docgen", version=__version__, domain=DOMAIN,
                      charset="utf-8", creation_date=dt.datetime(2026, 1, 1,
                                                                   tzinfo=dt.timezone.utc),
                      msgid_bugs_address="", last_translator="", language_team="",
                      header_comment=POT_HEADER)
    catalog.revision_date = catalog.creation_date
    for path in templates:
        label = (path.relative_to(root).as_posix() if root and path.is_relative_to(root)
                 else path.as_posix())
        with path.open("rb") as fh:
            for _, message, comments, context in extract(
                    extract_docx, fh, keywords=KEYWORDS,  # type: ignore[arg-type]
                    comment_tags=COMMENT_TAGS):
                _add(catalog, message, label, comments, context)
        if path.name == "notice.docx":
            for message, comments, context in _schema_words():
                _add(catalog, message, WORDS_REFERENCE, comments, context)
    return catalog


#: The header comment of docgen.pot.
POT_HEADER = """\
# The messages of docgen's family notice, to translate (gettext template).
# Each message's #. comments say what its placeholders hold and where the letter shows it;
# #: names the template (or docgen source file) it comes from.
#"""


def messages_used(template: Path) -> list[MessageKey]:
    """Return (context, msgid) of every message ``template`` uses (cached while unchanged)."""
    stat = template.stat()
    return _messages_used(str(template.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _messages_used(path: str, mtime_ns: int, size: int) -> list[MessageKey]:
    catalog = extract_catalog([Path(path)])
    return [(m.context, m.id) for m in catalog if m.id]


def template_paths(templates: Path | None = None) -> list[Path]:
    """Return the templates whose text is translated: each from the folder ``templates`` (a
    district's own, ``--templates``) where it has one, as ``docgen build --templates`` uses
    them, else the shipped one."""
    shipped = Resources.shipped().templates
    return [templates / name if templates is not None and (templates / name).is_file()
            else shipped / name for name in TRANSLATED_TEMPLATES]


def write_template(base: Path, templates: Path | None = None) -> Path:
    """Extract the messages of the templates (a district's own from the folder ``templates``,
    else the shipped ones) into ``base``/docgen.pot and return its path. A shipped template is
    named as ``templates/notice.docx``, a district's by the path it was given as."""
    pot = extract_catalog(template_paths(templates),
                          root=Resources.shipped().templates.parent)
    path = base / f"{DOMAIN}.pot"
    write_catalog(pot, path, within=base)
    return path
