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
from pathlib import Path
from typing import Any, Iterable, Iterator

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from jinja2.ext import babel_extract

from .. import __version__
from ..render import jinja_source_of_docx
from ..resources import Resources
from . import words
from .catalogs import DOMAIN, write_catalog
from .translate import placeholders

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

    Line numbers are paragraph numbers of the document body. Use in a Babel mapping file as
    ``[docx: templates/*.docx]``; ``pybabel extract`` then reads DOCX templates too.
    """
    source, line_map = jinja_source_of_docx(fileobj.read(), getattr(fileobj, "name", "template"))
    for lineno, funcname, message, comments in babel_extract(
            io.BytesIO(source.encode("utf-8")), keywords, comment_tags,
            {"trimmed": "false", **options}):
        yield line_map[min(lineno, len(line_map) - 1)], funcname, message, comments


def _schema_words() -> Iterator[tuple[int, Any, list[str], str | None]]:
    """The messages of :mod:`docgen.i18n.words` (weekdays, grades, fee phrases), which the
    notice's context writes: (line, message, comments, context)."""
    with words.SOURCE.open("rb") as fh:
        for lineno, message, comments, context in extract(
                "python", fh, keywords=KEYWORDS, comment_tags=COMMENT_TAGS):
            yield lineno, message, [c.removeprefix("TRANSLATORS:").strip()
                                    for c in comments], context


def extract_catalog(templates: Iterable[Path], *, root: Path | None = None) -> Catalog:
    """Return the template catalog (.pot) of the translatable text in ``templates``; each
    message's location is named relative to ``root``. The notice's template brings the
    schema's words with it (:mod:`docgen.i18n.words`), located in docgen's source."""
    catalog = Catalog(project="docgen", version=__version__, domain=DOMAIN,
                      charset="utf-8", creation_date=dt.datetime(2026, 1, 1,
                                                                   tzinfo=dt.timezone.utc),
                      msgid_bugs_address="")
    for path in templates:
        label = str(path.relative_to(root)) if root and path.is_relative_to(root) else path.name
        with path.open("rb") as fh:
            for lineno, message, comments, context in extract(
                    extract_docx, fh, keywords=KEYWORDS,  # type: ignore[arg-type]
                    comment_tags=COMMENT_TAGS):
                catalog.add(message, None, [(label, lineno)], auto_comments=comments,
                            context=context,
                            flags=("python-brace-format",) if placeholders(
                                message if isinstance(message, str) else message[0]) else ())
        if path.name == "notice.docx":
            for lineno, message, comments, context in _schema_words():
                catalog.add(message, None, [(f"docgen/i18n/{words.SOURCE.name}", lineno)],
                            auto_comments=comments, context=context,
                            flags=("python-brace-format",) if placeholders(message) else ())
    return catalog


def messages_used(template: Path) -> list[MessageKey]:
    """Return (context, msgid) of every message ``template`` uses (cached while unchanged)."""
    stat = template.stat()
    return _messages_used(str(template.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _messages_used(path: str, mtime_ns: int, size: int) -> list[MessageKey]:
    catalog = extract_catalog([Path(path)])
    return [(m.context, m.id) for m in catalog if m.id]


def template_paths(templates: Path | None = None) -> list[Path]:
    """Return the templates in the folder ``templates`` (None: the shipped ones) whose text is
    translated."""
    folder = templates or Resources.shipped().templates
    return [folder / name for name in TRANSLATED_TEMPLATES]


def write_template(base: Path, templates: Path | None = None) -> Path:
    """Extract the messages of the templates into ``base``/docgen.pot and return its path."""
    folder = templates or Resources.shipped().templates
    pot = extract_catalog(template_paths(folder), root=folder.parent)
    path = base / f"{DOMAIN}.pot"
    write_catalog(pot, path, within=base)
    return path
