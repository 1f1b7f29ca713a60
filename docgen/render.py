"""Render DOCX templates: compiled once per process, sandboxed, autoescaped and strict.

A template is an ordinary .docx file with docxtpl tags (``{{ partner.name }}``, ``{%p if … %}``,
``{%tr for … %}``, ``{%tc for … %}``). docxtpl re-reads the package, re-patches the XML and
re-compiles it as a Jinja template on every render; here each XML part is patched (with docxtpl's
own ``patch_xml``) and compiled once, and a render is a Jinja render plus a zip write.

Safety: the Jinja environment is sandboxed, autoescapes every value for XML and raises on any
undefined name. Spec values are data: Jinja never evaluates them. Templates are read and their
XML parsed by the one OOXML reader (:mod:`docgen.ooxml.archive`), under docgen's one set of
limits and its DOCTYPE rule, and documents written by its one reproducible writer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from itertools import islice
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from babel.lists import format_list
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, pass_context
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree
from markupsafe import escape

from . import budget
from .budget import BoundedSandbox, BudgetExceeded, time_budget
from .errors import DocgenError, TemplateError
from .i18n.locales import list_locale
from .inputs import InputRefused, read_input
from .ooxml import archive
from .ooxml.direction import mark_language, prepare_styles
from .ooxml.limits import MAX_FILE_BYTES
from .ooxml.links import outside_reference_in
from .ooxml.layout import MARK as FIT_MARK
from .ooxml.layout import fit_layout
from .ooxml.pagination import keep_together, styles_for_layout, unbreakable, unbreakable_rtl
from .i18n.translate import ListText, fill, isolate
from .ooxml.sequence import insert
from .wording import sentence

# docxtpl's XML clean-up is stateless; an instance without a document is enough to call it.
_DOCXTPL = DocxTemplate.__new__(DocxTemplate)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_RENDERED_PARTS = re.compile(
    r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml"
)
_TAG = re.compile(r"\{[{%#]")


@dataclass(frozen=True)
class _TemplateRefusals:
    """Why a template is refused, as :class:`TemplateError` naming the template."""

    label: str

    def _error(self, message: str) -> DocgenError:
        return TemplateError.at(self.label, f"{message}")

    def not_a_zip(self) -> DocgenError:
        return self._error("is not a DOCX file (it is not a zip package)")

    # an empty file and a binary .doc are not zip packages either
    empty = ole = not_a_zip

    def too_many_parts(self, count: int) -> DocgenError:
        return self._error(f"has {count} parts; a document has far fewer")

    def encrypted(self) -> DocgenError:
        return self._error("is password-protected; save it without a password")

    def too_large(self, part: str) -> DocgenError:
        return self._error("inflates to more than a document can hold (a zip bomb?); "
                           "refusing to read it")

    def damaged(self, part: str | None, error: BaseException) -> DocgenError:
        return self._error(f"the DOCX package is damaged ({error})")

    def entities(self, part: str) -> DocgenError:
        return self._error(f"{part}: contains a DOCTYPE or entity declaration, which a Word "
                           "document never has; refusing to read it")

    def malformed(self, part: str, line: int, message: str) -> DocgenError:
        return self._error(f"{part}: the XML is not well formed ({message})")

    def external(self, part: str, what: str) -> DocgenError:
        return self._error(f"{part}: has {what}; docgen does not build from a template that "
                           "links to content outside it, which could put another file or a "
                           "web page into the documents: insert the picture or text itself "
                           "(in Word: File > Info > Edit Links to Files > Break Link) and save "
                           "the template again")


def parse_xml(data: bytes | str, label: str, part: str) -> etree._Element:
    """Parse ``part`` of the template ``label`` safely; raise :class:`TemplateError` naming both
    if it declares entities or is not well formed."""
    return archive.parse_part(data, part, _TemplateRefusals(label))


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- the Jinja environment --------------------------------------------------------------------


def _paragraphs_to_breaks(value: Any) -> Any:
    """Turn a blank line in a value into a new paragraph (docxtpl's ``\\a``)."""
    if isinstance(value, str) and "\n" in value:
        text = value.replace("\r\n", "\n")
        return re.sub(r"\n[ \t]*\n\s*", "\a", text).strip("\n")
    return value


@pass_context
def _finalize(ctx: Any, value: Any) -> Any:
    """Write each value as a paragraph needs it: a blank line starts a new paragraph, and an
    e-mail address, a phone number or a school year never breaks across lines
    (:func:`~docgen.ooxml.pagination.unbreakable`). In a right-to-left document, a date, a
    time and a number with its word instead (:func:`~docgen.ooxml.pagination.unbreakable_rtl`:
    what LibreOffice honours there)."""
    if not isinstance(value, str):
        return value
    if "\n" in value:
        value = _paragraphs_to_breaks(value)
    # the right-to-left letters first: most values have none, and need no translator
    if _RTL_TEXT.search(value) and _translator(ctx).rtl:
        return unbreakable_rtl(value)
    if _MAY_BREAK.search(value):
        return unbreakable(value)
    return value


#: Right-to-left letters (Hebrew, Arabic and their presentation forms), or an embedding mark.
_RTL_TEXT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u202a-\u202c]")
#: What a value holds if :func:`unbreakable` has anything to do in it.
_MAY_BREAK = re.compile(r"@|\d[\d ().\-]{5,}\d")
#: What :func:`_finalize` or XML escaping has anything to do with: a line feed, right-to-left
#: text, what may break, or a character XML escapes. Most values hold none of these.
#: (one character class before the digits: a third faster than the alternatives one by one)
_WORK = re.compile("[\n&<>'\"@" + _RTL_TEXT.pattern[1:-1] + "]|" + r"\d[\d ().\-]{5,}\d")


class _PrintSandbox(BoundedSandbox):
    """The environment of documents for print: a value ``{{ … }}`` writes is
    ``escape(_finalize(context, value))``, in one call (see ``BudgetedCodeGenerator``)."""

    @staticmethod
    def write_value(ctx: Any, value: Any) -> Any:
        if type(value) is str and _WORK.search(value) is None:
            return value  # plain text: nothing to finalize, nothing to escape
        return escape(_finalize(ctx, value))


def _list_locale(ctx: Any) -> Any:
    document = ctx["document"]
    return list_locale(document["locale"], document.get("formats"))


@pass_context
def _and_list(ctx: Any, items: list[Any]) -> str:
    locale = _list_locale(ctx)
    if len(items) == 1:
        return str(items[0])  # a list of one is its item, isolated as any value is
    if _translator(ctx).rtl:
        # each item kept in order on its own, the separators in the sentence's direction
        return ListText(format_list([isolate(i) for i in items], style="standard",
                                    locale=locale))
    return format_list([str(i) for i in items], style="standard", locale=locale)


@pass_context
def _or_list(ctx: Any, items: list[Any]) -> str:
    locale = _list_locale(ctx)
    if _translator(ctx).rtl:
        return ListText(format_list([isolate(i) for i in items], style="or", locale=locale))
    return format_list([str(i) for i in items], style="or", locale=locale)


def _quantity(number: Any, singular: str, plural: str | None = None) -> str:
    """Write ``number`` with its noun: ``1|quantity("day")`` → "1 day", 30 → "30 days"."""
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def _no_period(text: Any) -> Any:
    """Drop a final period from free text used inside a sentence of the template."""
    if isinstance(text, str):
        return text.rstrip().rstrip(".")
    return text


class _SourceLanguage:
    """What a template's ``_()`` calls give where no catalog is in the context: the source."""

    rtl = False

    @staticmethod
    def _fill(text: str, values: dict[str, Any]) -> str:
        return fill(text, values)

    def gettext(self, message: str, **values: Any) -> str:
        return self._fill(message, values)

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        return self._fill(singular if n == 1 else plural, values)

    def pgettext(self, context: str, message: str, **values: Any) -> str:
        return self._fill(message, values)

    def npgettext(self, context: str, singular: str, plural: str, n: int, **values: Any) -> str:
        return self._fill(singular if n == 1 else plural, values)


class _Translator(Protocol):
    """What a template's ``_()`` calls need: a catalog's translator or the source language."""

    rtl: bool

    def gettext(self, message: str, **values: Any) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str: ...

    def pgettext(self, context: str, message: str, **values: Any) -> str: ...

    def npgettext(self, context: str, singular: str, plural: str, n: int,
                  **values: Any) -> str: ...


def _translator(ctx: Any, tag: str | None = None) -> _Translator:
    if tag is not None:
        return ctx.get("_translators", {}).get(tag) or _SourceLanguage()
    found = ctx.get("_translator")
    return found if found is not None and not isinstance(found, Undefined) else _SourceLanguage()


@pass_context
def _gettext(ctx: Any, message: str, **values: Any) -> str:
    return _translator(ctx).gettext(message, **values)


@pass_context
def _ngettext(ctx: Any, singular: str, plural: str, n: int, **values: Any) -> str:
    return _translator(ctx).ngettext(singular, plural, n, **values)


@pass_context
def _pgettext(ctx: Any, context: str, message: str, **values: Any) -> str:
    return _translator(ctx).pgettext(context, message, **values)


@pass_context
def _npgettext(ctx: Any, context: str, singular: str, plural: str, n: int, **values: Any) -> str:
    return _translator(ctx).npgettext(context, singular, plural, n, **values)


@pass_context
def _lgettext(ctx: Any, tag: str, message: str, **values: Any) -> str:
    """Translate into ``tag``, not the document's language: for the tagline block."""
    return _translator(ctx, tag).gettext(message, **values)


def make_environment(*, for_print: bool = True) -> ImmutableSandboxedEnvironment:
    """Return the sandboxed, autoescaping, strict environment every template renders in.

    ``for_print``: write values for a page (no line break inside an e-mail address, a phone
    number or a school year); False for text read on a screen, such as ``docgen explain``'s.
    """
    env = (_PrintSandbox if for_print else BoundedSandbox)(
        autoescape=True, undefined=StrictUndefined,
        finalize=_finalize if for_print else _paragraphs_to_breaks,
        keep_trailing_newline=True,
    )
    env.filters["and_list"] = _and_list
    env.filters["or_list"] = _or_list
    env.filters["quantity"] = _quantity
    env.filters["no_period"] = _no_period
    env.filters["sentence"] = sentence
    # the same spec must give the same bytes: nothing random in a template
    del env.filters["random"]
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext,
                       npgettext=_npgettext, lgettext=_lgettext)
    return env


# --- compiling --------------------------------------------------------------------------------


@dataclass
class _Part:
    name: str
    template: Any
    label: str
    line_to_paragraph: list[int]
    paragraph_text: list[str]
    has_tc_loops: bool


@dataclass
class CompiledTemplate:
    """A DOCX template compiled once: its static members and its compiled Jinja parts."""

    path: Path
    sha256: str
    members: list[archive.Member]
    parts: dict[str, _Part] = field(default_factory=dict)
    #: the paragraph styles that are headings, and the body text's size (half-points)
    headings: frozenset[str] = frozenset()
    font_size: int = 22

    @property
    def label(self) -> str:
        return str(self.path)


#: Where a paragraph starts: ``<w:p>``, ``<w:p …>``, or an empty one written ``<w:p/>`` (as
#: python-docx writes a new table's cells).
_P_START = re.compile(r"<w:p([ >/])")


def _paragraph_texts(xml: str, label: str, name: str) -> list[str]:
    root = parse_xml(xml, label, name)
    texts = []
    for p in root.iter(f"{{{W}}}p"):
        texts.append("".join(t.text or "" for t in p.iter(f"{{{W}}}t")))
    return texts


def _mark_column_loops(xml: str, label: str, name: str) -> str:
    """Mark each table that has a ``{%tc`` column loop, for :func:`fit_tables` after rendering."""
    root = parse_xml(xml, label, name)
    marked = False
    for tbl in root.iter(f"{{{W}}}tbl"):
        if any("{%tc" in (t.text or "") for t in tbl.iter(f"{{{W}}}t")):
            tbl.set(FIT_MARK, "1")
            marked = True
    if not marked:
        return xml
    return _serialise(root).decode("utf-8")


def _unescape_in_tags(match: re.Match[str]) -> str:
    # inside a tag the XML escapes are Jinja text: "A &amp; B" in _("…") means "A & B"
    return (match.group(0).replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def patched_source(xml: str, label: str, name: str) -> tuple[str, list[int], list[str], bool]:
    """Return a part's Jinja source, its line-to-paragraph map, paragraph texts, column loops."""
    has_tc_loops = "{%tc" in xml
    if has_tc_loops:
        xml = _mark_column_loops(xml, label, name)
    # Word and python-docx put a newline after the XML declaration; drop it, so that a newline
    # in the output means a value asked for a line break (docxtpl's listing)
    xml = re.sub(r"^(<\?xml[^>]*\?>)\s+", r"\1", xml)
    texts = _paragraph_texts(xml, label, name)
    if len(_P_START.findall(xml)) != len(texts):
        # a paragraph tag that is no Word paragraph: the w: prefix bound to another namespace,
        # or the tag inside a comment (a damaged or hand-made part)
        raise TemplateError.at(label, f"{name}: is damaged (a <w:p> in it is not a Word "
                               "paragraph); open the template in Word and save it again")
    counter = iter(range(1, len(texts) + 1))
    marked = _P_START.sub(lambda m: f'<w:p x-n="{next(counter)}"{m.group(1)}', xml)
    patched = _DOCXTPL.patch_xml(marked)
    patched = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", _unescape_in_tags, patched, flags=re.S)
    # Escape docxtpl's literal-brace escapes at compile time: done after rendering (as docxtpl
    # does) it would also rewrite any "{_{" that a spec value happens to contain.
    for escaped, literal in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
        patched = patched.replace(escaped, "{% raw %}" + literal + "{% endraw %}")
    # One Jinja line per paragraph and per block tag, so that an error's line number tells the
    # paragraph. The newline sits in a Jinja comment and so never reaches the output.
    patched = re.sub(r"(?=<w:p[ >])|(?=\{%)", "{#\n#}", patched)
    line_to_paragraph = [0, 0]
    last, open_paragraph = 0, False
    for line in patched.split("\n")[1:]:
        m = re.match(r'#\}<w:p x-n="(\d+)"([^>]*)>', line)
        if m:
            # an empty paragraph (<w:p/>) is closed where it opens
            last, open_paragraph = int(m.group(1)), not m.group(2).endswith("/")
        elif line.startswith("#}{%") and not open_paragraph:
            last += 1  # the tag replaced a whole paragraph ({%p …%}, {%tr …%})
        if "</w:p>" in line:
            open_paragraph = line.rfind("</w:p>") < line.rfind("<w:p ")
        line_to_paragraph.append(last)
    return re.sub(r' x-n="\d+"', "", patched), line_to_paragraph, texts, has_tc_loops


def jinja_source_of_docx(data: bytes, label: str) -> tuple[str, list[int]]:
    """Return the Jinja source of a DOCX's body without XML tags, and its paragraph map."""
    xml = _decoded(dict(_read_members(data, label))["word/document.xml"], label,
                   "word/document.xml")
    source, line_map, _, _ = patched_source(xml, label, "word/document.xml")
    return re.sub(r"<[^>]+>", "", source), line_map


def paragraph_styles_of_docx(data: bytes, label: str) -> list[str]:
    """Return the style name of each paragraph of a DOCX's body, numbered as
    :func:`jinja_source_of_docx` numbers them (``"heading 1"``, ``"Title"``, ``"List Bullet"``;
    ``""`` for the default style)."""
    members = dict(_read_members(data, label))
    names: dict[str, str] = {}
    if "word/styles.xml" in members:
        styles = parse_xml(_decoded(members["word/styles.xml"], label, "word/styles.xml"),
                           label, "word/styles.xml")
        for style in styles.iter(f"{{{W}}}style"):
            name = style.find(f"{{{W}}}name")
            names[style.get(f"{{{W}}}styleId") or ""] = (
                name.get(f"{{{W}}}val") or "" if name is not None else "")
    root = parse_xml(_decoded(members["word/document.xml"], label, "word/document.xml"),
                     label, "word/document.xml")
    out = []
    for p in root.iter(f"{{{W}}}p"):
        found = p.find(f"{{{W}}}pPr/{{{W}}}pStyle")
        ident = found.get(f"{{{W}}}val") or "" if found is not None else ""
        out.append(names.get(ident, ident))
    return out


def _compile_part(env: ImmutableSandboxedEnvironment, label: str, name: str,
                  xml: str) -> _Part:
    source, line_to_paragraph, texts, has_tc_loops = patched_source(xml, label, name)
    try:
        code = env.compile(source, name=label, filename=label)
        template = env.template_class.from_code(env, code, env.make_globals(None))
    except TemplateSyntaxError as e:
        number = line_to_paragraph[min(e.lineno or 0, len(line_to_paragraph) - 1)]
        unclosed = re.search(r"innermost block that needs to be closed is '(\w+)'", e.message or "")
        if unclosed:
            number = _unclosed_paragraph(texts, unclosed.group(1)) or number
        raise TemplateError(_where(label, name, number, texts) + f": {_plain_syntax(e)}") from None
    return _Part(name, template, label, line_to_paragraph, texts, has_tc_loops)


def _unclosed_paragraph(texts: list[str], block: str) -> int | None:
    """Return the paragraph whose ``{% block %}`` has no ``{% endblock %}``, if one stands out."""
    opened: list[int] = []
    pattern = re.compile(r"\{%-?\s*(?:[ptr]|tr|tc)?\s*(end)?" + block + r"\b")
    for number, text in enumerate(texts, start=1):
        for m in pattern.finditer(text):
            if m.group(1):
                if opened:
                    opened.pop()
            else:
                opened.append(number)
    return opened[-1] if opened else None


def _plain_syntax(e: TemplateSyntaxError) -> str:
    msg = e.message or "syntax error"
    m = re.search(r"Encountered unknown tag '(\w+)'", msg)
    if m and m.group(1).startswith("end"):
        return f"'{{% {m.group(1)} %}}' has no matching opening tag"
    if "Unexpected end of template" in msg:
        block = re.search(r"innermost block that needs to be closed is '(\w+)'", msg)
        return (f"a '{{% {block.group(1)} %}}' is never closed; add its "
                f"'{{% end{block.group(1)} %}}'" if block else "a tag is never closed")
    return f"template syntax error: {msg}"


def _where(label: str, part: str, number: int, texts: list[str]) -> str:
    story = {"word/document.xml": ""}.get(part, f" {part}")
    if 0 < number <= len(texts):
        excerpt = re.sub(r"\s+", " ", texts[number - 1]).strip()
        if len(excerpt) > 60:
            excerpt = excerpt[:57] + "…"
        return f"{label}:{story} paragraph {number} (“{excerpt}”)"
    return f"{label}:{story}"


def _read_members(data: bytes, label: str) -> list[archive.Member]:
    """Return the members of the template ``data``; refuse one that is not a Word document."""
    members = archive.read_members(data, _TemplateRefusals(label))
    names = {name for name, _ in members}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise TemplateError.at(label, "is a zip file but not a Word document "
                            "(no word/document.xml)")
    return members


def _decoded(raw: bytes, label: str, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateError.at(label, f"{name} is not UTF-8 XML; save the template again from "
                            "Word or LibreOffice") from None


_CACHE: dict[tuple[str, str], CompiledTemplate] = {}
#: the compiled templates by file: absolute path, device, inode, modification time and size
_BY_STAT: dict[tuple[str, int, int, int, int], CompiledTemplate] = {}
_CACHE_LOCK = threading.Lock()
_ENV = make_environment()


def compile_template(path: Path) -> CompiledTemplate:
    """Return the compiled template at ``path``, compiling it on first use in this process.

    A template whose file is the one it was (the same device and inode) with the size and
    modification time it had when it was compiled is not read and hashed again (a build asks
    for its templates once per document). The file is told by its inode, so its path is not
    resolved (which took ten times as long as the rest of this lookup)."""
    try:
        stat = os.stat(path)
        seen = (os.path.abspath(path), stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
    except OSError:
        seen = None
    if seen is not None:
        with _CACHE_LOCK:
            known = _BY_STAT.get(seen)
        if known is not None:
            return known
    try:
        data = read_input(path, MAX_FILE_BYTES, "template")
    except InputRefused as e:
        raise TemplateError.at(path, e.reason) from None
    except FileNotFoundError:
        raise TemplateError.at(path, "no such template") from None
    except OSError as e:
        raise TemplateError.at(path, f"cannot be read: {e.strerror or e}") from None
    digest = hashlib.sha256(data).hexdigest()
    key = (str(Path(path).resolve()), digest)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached:
        if seen is not None:
            with _CACHE_LOCK:
                _BY_STAT[seen] = cached
        return cached
    compiled = CompiledTemplate(Path(path), digest, _read_members(data, str(path)))
    for name, raw in compiled.members:
        if name == "word/styles.xml":
            compiled.headings, compiled.font_size = styles_for_layout(
                parse_xml(raw, compiled.label, name))
    for name, raw in compiled.members:
        if _RENDERED_PARTS.fullmatch(name):
            xml = _decoded(raw, compiled.label, name)
            if _TAG.search(xml):
                if name == "word/document.xml":
                    xml = _kept_together(xml, compiled)
                compiled.parts[name] = _compile_part(_ENV, compiled.label, name, xml)
    with _CACHE_LOCK:
        _CACHE[key] = compiled
        if seen is not None:
            _BY_STAT[seen] = compiled
    return compiled


def _kept_together(xml: str, compiled: CompiledTemplate) -> str:
    """Return the template's body with its headings, introductions, signature blocks and header
    rows kept with what follows them (:func:`keep_together`): what its loops repeat keeps too."""
    root = parse_xml(xml, compiled.label, "word/document.xml")
    keep_together(root, compiled.headings)
    declaration = re.match(r"<\?xml[^>]*\?>\s*", xml)
    return (declaration.group(0) if declaration else "") + etree.tostring(
        root, encoding="unicode")


# --- rendering --------------------------------------------------------------------------------


def _generate(part: _Part, context: dict[str, Any], deadline: float) -> str:
    """Render ``part`` piece by piece, stopping past the output size or the deadline."""
    pieces: list[str] = []
    size = 0
    template = part.template
    # the template's own generator, as Template.generate runs it but without its generator
    # around each piece; an error is given the template's line numbers as generate gives it
    stream = template.root_render_func(template.new_context(context))
    try:
        while True:
            # the pieces come a batch at a time (islice runs the template in C), and the size
            # and the clock are checked after each batch
            batch = list(islice(stream, _BATCH))
            if not batch:
                break
            pieces += batch
            size += sum(map(len, batch))
            over = None
            if size > budget.RENDER_BYTES:
                over = BudgetExceeded(f"it writes more than {budget.RENDER_BYTES // 2**20} MB")
            elif time.monotonic() > deadline:
                over = BudgetExceeded(f"it ran for more than {budget.RENDER_SECONDS:g} seconds")
            if over is not None:
                # raised where the template is, so that the error names its paragraph
                stream.throw(over)
    except Exception:
        template.environment.handle_exception()
    return "".join(pieces)


#: How many pieces of a template's output :func:`_generate` takes between two checks.
_BATCH = 64


def _render_part(part: _Part, context: dict[str, Any], deadline: float) -> str:
    try:
        out: str = _generate(part, context, deadline)
    except BudgetExceeded as e:
        number, _ = _locate_error(part, e, None)
        raise TemplateError(_where(part.label, part.name, number, part.paragraph_text)
                            + f": the template was stopped: {e} (a loop that never ends, or "
                            "loops inside loops?); make its loops shorter") from None
    except UndefinedError as e:
        m = re.search(r"'([^']+)' is undefined|attribute '([^']+)'|element '([^']+)'", str(e))
        name = next((g for g in m.groups() if g), None) if m else None
        number, expression = _locate_error(part, e, name)
        raise TemplateError(_where(part.label, part.name, number, part.paragraph_text)
                            + f": {expression!r} is undefined; the template uses a value the "
                            "context does not have (see `docgen context`)") from None
    except SecurityError as e:
        number, _ = _locate_error(part, e, None)
        raise TemplateError(_where(part.label, part.name, number, part.paragraph_text)
                            + f": not allowed in a template: {e}") from None
    except JinjaTemplateError as e:
        number, _ = _locate_error(part, e, None)
        raise TemplateError(_where(part.label, part.name, number, part.paragraph_text)
                            + f": {e}") from None
    except Exception as e:  # noqa: BLE001 - a template's expressions are its author's code
        number, _ = _locate_error(part, e, None)
        raise TemplateError(_where(part.label, part.name, number, part.paragraph_text)
                            + f": the template failed: {type(e).__name__}: {e}") from None
    if "\a" in out or "\t" in out or "\n" in out:
        out = resolve_listing(out)
    return out


#: Where a paragraph starts, as docxtpl's listing pass finds it; it ends at the first end tag
#: after (its ``<w:p(?: [^>]*)?>.*?</w:p>``, walked here with ``str.find``).
_LISTED_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>")
#: What that pass rewrites in a paragraph: a tab, a new paragraph, a line or page break.
_LISTING = re.compile("[\a\t\n\f]")


def resolve_listing(xml: str) -> str:
    """Return ``xml`` with docxtpl's listing pass (a value's line feed a line break, BEL a new
    paragraph, tab a tab, form feed a page break) applied to the paragraphs that hold one of
    those characters only: the same text as docxtpl's ``resolve_listing`` over the whole part,
    which rewrites every run of every paragraph to find them."""
    found = _LISTING.search(xml)
    if found is None:
        return xml
    special = found.start()
    pieces: list[str] = []
    last = pos = 0
    while True:
        opening = _LISTED_PARAGRAPH.search(xml, pos)
        if opening is None:
            break
        end = xml.find("</w:p>", opening.end())
        if end < 0:
            break
        start, end = opening.start(), end + len("</w:p>")
        if special < start:  # between paragraphs: the pass leaves it
            found = _LISTING.search(xml, start)
            if found is None:
                break
            special = found.start()
        if special < end:
            pieces += [xml[last:start], _DOCXTPL.resolve_listing(xml[start:end])]
            last = end
            found = _LISTING.search(xml, end)
            if found is None:
                break
            special = found.start()
        pos = end
    pieces.append(xml[last:])
    return "".join(pieces)


def _locate_error(part: _Part, error: BaseException, name: str | None) -> tuple[int, str]:
    lineno = 0
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == part.label:
            lineno = frame.lineno or 0
    number = part.line_to_paragraph[min(lineno, len(part.line_to_paragraph) - 1)]
    expression = name or ""
    if name and 0 < number <= len(part.paragraph_text):
        text = part.paragraph_text[number - 1]
        found = re.findall(r"[A-Za-z_][\w.]*\." + re.escape(name) + r"\b", text)
        if found:
            expression = found[0]
    return number, expression


@dataclass(frozen=True)
class Language:
    """The language a document is written in, for the markup Word and PDFs need."""

    tag: str
    rtl: bool = False
    #: paragraphs in another language (the tagline block): exact text → (tag, rtl)
    by_text: tuple[tuple[str, tuple[str, bool]], ...] = ()


def render(template: CompiledTemplate, context: dict[str, Any], *,
           source_date: dt.datetime, language: Language | None = None) -> bytes:
    """Render ``template`` with ``context`` and return the DOCX bytes.

    The bytes depend only on the template, the context and ``source_date`` (used for the zip
    timestamps and the document's created and modified dates).
    """
    rendered: dict[str, bytes] = {}
    with time_budget(budget.RENDER_SECONDS):
        xml_parts = {name: _render_part(part, context,
                                        time.monotonic() + budget.RENDER_SECONDS)
                     for name, part in template.parts.items()}
    for name, part in template.parts.items():
        xml = xml_parts[name]
        root = parse_xml(xml, template.label, f"{name} after rendering")
        outside = outside_reference_in(name, root)
        if outside:
            raise _TemplateRefusals(template.label).external(f"{name} after rendering", outside)
        if name == "word/document.xml":
            fit_layout(root, template.font_size, columns=part.has_tc_loops)
        elif part.has_tc_loops:
            fit_layout(root, None, columns=True)
        if language is not None and name.startswith("word/"):
            mark_language(root, language.tag, language.rtl, dict(language.by_text))
        if name == "docProps/core.xml":
            _pin_core_properties(root, source_date)
        rendered[name] = _serialise(root)
    if language is not None:
        # the document's own language, which LibreOffice writes as the PDF's /Lang
        for name, raw in template.members:
            if name == "word/styles.xml":
                root = parse_xml(raw, template.label, name)
                prepare_styles(root, language.tag)
                rendered[name] = _serialise(root)
    if "docProps/core.xml" not in rendered:
        for name, raw in template.members:
            if name == "docProps/core.xml":
                root = parse_xml(raw, template.label, name)
                _pin_core_properties(root, source_date)
                rendered[name] = _serialise(root)
    return archive.write_package(template.members, rendered,
                                 archive.rendered_style(source_date))


_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _pin_core_properties(root: etree._Element, when: dt.datetime) -> None:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    # each the first child of its name (find(), without its path lookup)
    for tag in ("created", "modified"):
        el = next(root.iterchildren(f"{{{_DCTERMS}}}{tag}"), None)
        if el is None:
            el = insert(root, etree.Element(f"{{{_DCTERMS}}}{tag}"))
            el.set(f"{{{_XSI}}}type", "dcterms:W3CDTF")
        el.text = stamp
    for tag, value in (("lastModifiedBy", "docgen"), ("revision", "1")):
        el = next(root.iterchildren(f"{{{_CP}}}{tag}"), None)
        if el is None:
            el = insert(root, etree.Element(f"{{{_CP}}}{tag}"))
        el.text = value
    for el in list(root.iterchildren(f"{{{_CP}}}lastPrinted")):
        root.remove(el)
