"""Translations: gettext catalogs read straight from their .po files, and the translator tools.

Translatable text lives in the DOCX templates, marked as Jinja calls: ``{{ _("…") }}``,
``{{ ngettext("…", "…", n) }}``, ``{{ pgettext("context", "…") }}``, with values inserted by
name (``{{ _("Sign up by {date}.", date=notice.enroll_by) }}``) and a ``{# TRANSLATORS: … #}``
comment before a call for context. Translators work on ``locales/<locale>/LC_MESSAGES/docgen.po``
in Poedit, Weblate or Crowdin. docgen reads the .po files at build time (no compiled .mo files
to go stale), and refuses to build a notice whose catalog lacks, or has a fuzzy or broken
translation of, a message the notice uses.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import Translations

from .. import __version__
from ..errors import CatalogError, Problem
from .plurals import (PluralFormsError, PluralRule, expected_rule, parse_plural_forms,
                      rule_problem)
from ..resources import resource_dir

DOMAIN = "docgen"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3), "lgettext": (2,)}
COMMENT_TAGS = ["TRANSLATORS:"]
#: The templates whose text is translated.
TRANSLATED_TEMPLATES = ("notice.docx",)

FSI, RLI, PDI = "\u2068", "\u2067", "\u2069"  # first-strong / right-to-left isolate … pop


def locales_dir() -> Path:
    """Return the folder of the shipped catalogs."""
    return resource_dir("locales")


def catalog_dir_name(tag: str) -> str:
    """Return the catalog folder name of the BCP 47 ``tag`` (``zh-Hans`` → ``zh_Hans``)."""
    return tag.replace("-", "_")


def catalog_path(tag: str, base: Path | None = None) -> Path:
    return (base or locales_dir()) / catalog_dir_name(tag) / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_locales(base: Path | None = None) -> list[str]:
    """Return the BCP 47 tags that have a catalog."""
    root = base or locales_dir()
    if not root.is_dir():
        return []
    return sorted(p.parent.parent.name.replace("_", "-")
                  for p in root.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


@dataclass
class CatalogFile:
    """A catalog as read from its .po file, with what is wrong with its header.

    ``rule`` is the header's plural rule when docgen can use it; otherwise it is None, the
    header's problems say why (``path:line: message``), and ``catalog`` carries a safe rule
    (the language's conventional one) so that its other messages can still be read.
    """

    path: Path
    catalog: Catalog
    rule: PluralRule | None
    problems: list[str] = field(default_factory=list)
    #: messages (by the line of their msgid) whose translation is broken in a way Babel cannot
    #: read (a plural form beyond the header's count); each with its located problem
    broken: dict[int, str] = field(default_factory=dict)


_BOM = b"\xef\xbb\xbf"


def _header_field(text: str, name: str) -> tuple[str | None, int]:
    """Return the value of the header field ``name`` as the .po text writes it, and its line.

    The header is the first entry's msgstr, whose quoted pieces may wrap a field over lines.
    """
    start = text.find('msgid ""')
    end = text.find("\n\n", start) if start >= 0 else -1
    header = text[start:end if end >= 0 else len(text)] if start >= 0 else ""
    m = re.search(r'"' + re.escape(name) + r":\s*", header, re.I)
    if m is None:
        at = text.find('msgstr ""', max(start, 0))
        return None, text.count("\n", 0, at) + 1 if at >= 0 else 1
    line = text.count("\n", 0, start + m.start()) + 1
    rest = re.sub(r'"[ \t]*\r?\n[ \t]*"', "", header[m.end():])  # join wrapped pieces
    value = re.split(r'\\n|"', rest, maxsplit=1)[0]
    return value.replace('\\"', '"').replace("\\\\", "\\").strip(), line


def _readable_header(raw: bytes, present: bool) -> bytes:
    """Return the .po bytes with a Plural-Forms header Babel can read, on the same lines.

    Used only when docgen cannot use the header (its rule is replaced after reading): Babel
    reads nplurals with int(), and pads or refuses plural messages by it, so it is given as
    many forms as the file's messages have.
    """
    forms = max([int(i) + 1 for i in re.findall(rb"^msgstr\[(\d{1,2})\]", raw, re.M)] or [1])
    value = b"nplurals=%d; plural=0;" % min(forms, 99)
    if present:  # the field may wrap over several quoted lines: keep their number
        return re.sub(rb'Plural-Forms:.*?(?:\\n"|\n\n)', lambda m: b"Plural-Forms: " + value
                      + rb'\n"' + b'\n""' * m.group().count(b"\n"), raw, count=1, flags=re.S)
    return re.sub(rb'^msgstr ""', lambda _: b'msgstr "Plural-Forms: ' + value + rb'\n"', raw,
                  count=1, flags=re.M)


def _extra_forms(raw: bytes, count: int) -> tuple[bytes, list[tuple[int, int]]]:
    """Return the .po bytes without the plural forms at or beyond ``count`` (msgstr[2] in a
    two-form language), which Babel refuses the whole file for, and each one's line and index.

    The removed lines (the msgstr[N] line and its continuation strings) become empty lines, so
    every other line keeps its number.
    """
    lines = raw.split(b"\n")
    found, dropping = [], False
    for i, line in enumerate(lines):
        m = re.match(rb"\s*msgstr\[(\d+)\]", line)
        if m:
            dropping = int(m.group(1)) >= count
            if dropping:
                found.append((i + 1, int(m.group(1))))
        elif not line.lstrip().startswith(b'"'):
            dropping = False
        if dropping:
            lines[i] = b""
    return (b"\n".join(lines), found) if found else (raw, [])


def open_catalog(path: Path, tag: str | None = None) -> CatalogFile:
    """Read the .po file at ``path`` and check its header; raise :class:`CatalogError` naming
    it if it cannot be read at all."""
    try:
        raw = path.read_bytes()
        problems = []
        if raw.startswith(_BOM):
            problems.append(f"{path}:1: the file starts with a byte-order mark (BOM), which "
                            "gettext tools do not read; save it as UTF-8 without a BOM (in "
                            "Poedit, just save it again)")
            raw = raw[len(_BOM):]
        text = raw.decode("utf-8")
        header = re.search(rb"charset=([A-Za-z0-9_-]+)", raw[:2000])
        if header and header.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
            raise CatalogError(f"{path}: declares charset={header.group(1).decode()}; docgen "
                               "catalogs are UTF-8: save the file as UTF-8 and set "
                               "'Content-Type: text/plain; charset=UTF-8'")
        value, line = _header_field(text, "Plural-Forms")
        rule, problem = None, None
        if tag is not None:
            problem = rule_problem(value, tag, language_name(tag))
            if problem is None and value is not None:
                rule = parse_plural_forms(value)
        elif value is not None:
            try:
                rule = parse_plural_forms(value)
            except PluralFormsError as e:
                problem = f"the Plural-Forms header cannot be used: {e}"
        if problem:
            problems.append(f"{path}:{line}: {problem}")
            raw = _readable_header(raw, value is not None)
        extra: list[tuple[int, int]] = []
        if rule is not None:
            raw, extra = _extra_forms(raw, rule.count)
        catalog = read_po(io.BytesIO(raw), locale=catalog_dir_name(tag) if tag else None,
                          domain=DOMAIN, abort_invalid=True)
        if rule is None:
            safe = (expected_rule(tag) if tag else None) or parse_plural_forms(
                "nplurals=2; plural=(n != 1);")
            catalog._num_plurals = safe.count  # noqa: SLF001 - Babel has no setter for these
            catalog._plural_expr = safe.expr  # noqa: SLF001
        opened = CatalogFile(path, catalog, rule, problems)
        starts = sorted(m.lineno for m in catalog if m.id and m.lineno)
        for line, index in extra:
            assert rule is not None
            owner = max((s for s in starts if s <= line), default=line)
            forms = "form" if rule.count == 1 else "forms"
            opened.broken[owner] = (
                f"{path}:{line}: msgstr[{index}] is one plural form too many: the header says "
                f"nplurals={rule.count}, so a translation has {rule.count} {forms} (msgstr[0] "
                f"to msgstr[{rule.count - 1}]); delete this one")
        return opened
    except FileNotFoundError:
        language = path.parent.parent.name.replace("_", "-")
        raise CatalogError(f"{path}: no such catalog; start it with `docgen i18n init "
                           f"{language}`") from None
    except CatalogError:
        raise
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise CatalogError(f"{path}:{line}: is not UTF-8 text; save it as UTF-8") from None
    except OSError as e:
        raise CatalogError(f"{path}: cannot be read: {e.strerror or e}") from None
    except Exception as e:  # noqa: BLE001 - Babel raises several kinds for a bad file
        line = getattr(e, "lineno", None)
        where = f"{path}:{line}" if line else str(path)
        raise CatalogError(f"{where}: the catalog cannot be read: {e}") from None


def read_catalog(path: Path, tag: str | None = None) -> Catalog:
    """Read the .po file at ``path``; raise :class:`CatalogError` naming it if it is bad."""
    return open_catalog(path, tag).catalog


def language_name(tag: str) -> str:
    """Return the English name of the language of ``tag`` ("Spanish"), for messages."""
    try:
        return Locale.parse(tag, sep="-").get_display_name("en") or tag
    except (ValueError, UnknownLocaleError):
        return tag


# --- placeholders and isolation ---------------------------------------------------------------


def placeholders(text: str) -> list[str]:
    """Return the ``{name}`` fields in ``text``, in order, with repeats; a field with a format,
    a conversion, an attribute or an index is returned whole, so it never matches a name."""
    try:
        fields = []
        for _, name, spec, conversion in string.Formatter().parse(text):
            if name is None:
                continue
            plain = name.isidentifier() and not spec and not conversion
            fields.append(name if plain else "{" + name + (f"!{conversion}" if conversion
                                                           else "") + (f":{spec}" if spec
                                                                       else "") + "}")
        return fields
    except ValueError:
        return ["<unbalanced braces>"]


class _PlainFields(string.Formatter):
    """str.format for translations: whole named fields only; no attributes, indexes, formats.

    A catalog is data, like a spec: ``{school.__class__}`` or ``{school:.3}`` in a translation
    must not reach into Python or change a value.
    """

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        if not field_name.isidentifier():
            raise ValueError(f"{{{field_name}}} is not a plain placeholder")
        return self.get_value(field_name, args, kwargs), field_name

    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec:
            raise ValueError(f"format {format_spec!r} is not allowed in a translation")
        return str(value)

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion:
            raise ValueError(f"conversion !{conversion} is not allowed in a translation")
        return value


_FORMATTER = _PlainFields()


def fill(text: str, values: dict[str, Any]) -> str:
    """Put ``values`` into the ``{name}`` placeholders of ``text``, and nothing else."""
    return _FORMATTER.vformat(text, (), values) if values or "{" in text else text


class ListText(str):
    """A list already written out ("A, B and C"); in right-to-left text it is isolated as RTL
    with each item isolated on its own, so Latin items keep their order among Arabic words."""


def isolate(value: Any) -> str:
    """Wrap ``value`` in Unicode isolates for right-to-left text (DOMAIN.md §4.2)."""
    if isinstance(value, ListText):
        return f"{RLI}{value}{PDI}"
    return f"{FSI}{value}{PDI}"


def text_direction(tag: str) -> str:
    """Return "rtl" or "ltr" for the BCP 47 ``tag``."""
    return Locale.parse(tag, sep="-").text_direction


# --- the translator a render uses -------------------------------------------------------------


@dataclass
class Translator:
    """gettext for one locale, with named placeholders filled in (isolated in RTL text)."""

    tag: str
    translations: Any
    rtl: bool = False

    def _fill(self, text: str, values: dict[str, Any]) -> str:
        if self.rtl:
            values = {k: isolate(v) for k, v in values.items()}
        return fill(text, values)

    def gettext(self, message: str, **values: Any) -> str:
        return self._fill(self.translations.gettext(message), values)

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        return self._fill(self.translations.ngettext(singular, plural, n), values)

    def pgettext(self, context: str, message: str, **values: Any) -> str:
        return self._fill(self.translations.pgettext(context, message), values)

    def npgettext(self, context: str, singular: str, plural: str, n: int, **values: Any) -> str:
        return self._fill(self.translations.npgettext(context, singular, plural, n), values)


def translations_from(catalog: Catalog, *, use_fuzzy: bool = False,
                      rule: PluralRule | None = None) -> Translations:
    """Return gettext translations compiled in memory from ``catalog``; with ``rule``, plural
    forms are chosen by docgen's evaluator of it rather than by gettext's."""
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=use_fuzzy)
    buf.seek(0)
    translations = Translations(fp=buf, domain=DOMAIN)
    if rule is not None:
        translations.plural = rule.form
    return translations


def _sound(message: Message) -> bool:
    """Whether every form of a translation has exactly the placeholders of its source."""
    ids = _strings(message.id)
    wanted = sorted(set(placeholders(ids[0])) | set(placeholders(ids[-1])))
    return all(sorted(set(placeholders(text))) == wanted for text in _strings(message.string)
               if text)


def control_characters(text: str) -> list[str]:
    """Return the control characters in ``text`` that a document cannot hold, as U+XXXX."""
    return sorted({f"U+{ord(c):04X}" for c in text
                   if (ord(c) < 32 and c not in "\t\n\r") or 0x7F <= ord(c) < 0xA0})


@functools.lru_cache(maxsize=32)
def _cached_translator(path: str, mtime_ns: int, tag: str, use_fuzzy: bool) -> Translator:
    opened = open_catalog(Path(path), tag)
    catalog = opened.catalog
    for message in list(catalog):
        # a broken translation falls back to the English source rather than fail the letter
        if message.id and message.string and (
                message.lineno in opened.broken
                or not _sound(message)
                or any(control_characters(s) for s in _strings(message.string) if s)
                or (message.pluralizable and (opened.rule is None or len(
                    _strings(message.string)) != opened.rule.count))):
            catalog.delete(message.id, context=message.context)
    rule = opened.rule or expected_rule(tag) or parse_plural_forms(
        "nplurals=2; plural=(n != 1);")
    return Translator(tag, translations_from(catalog, use_fuzzy=use_fuzzy, rule=rule),
                      text_direction(tag) == "rtl")


def translator(tag: str, *, base: Path | None = None, use_fuzzy: bool = False) -> Translator:
    """Return the translator for ``tag`` from its catalog (read once while it is unchanged)."""
    path = catalog_path(tag, base)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise CatalogError(f"{path}: no catalog for {tag!r}; a translator can add one with "
                           f"`docgen i18n init {tag}`") from None
    return _cached_translator(str(path), mtime, tag, use_fuzzy)


# --- extraction -------------------------------------------------------------------------------


def extract_docx(fileobj: Any, keywords: Any, comment_tags: Any,
                 options: dict[str, Any]) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Babel extraction method for DOCX templates (registered as ``docx``).

    Line numbers are paragraph numbers of the document body. Use in a Babel mapping file as
    ``[docx: templates/*.docx]``; ``pybabel extract`` then reads DOCX templates too.
    """
    from jinja2.ext import babel_extract

    from ..render import jinja_source_of_docx

    source, line_map = jinja_source_of_docx(fileobj.read(), getattr(fileobj, "name", "template"))
    for lineno, funcname, message, comments in babel_extract(
            io.BytesIO(source.encode("utf-8")), keywords, comment_tags,
            {"trimmed": "false", **options}):
        yield line_map[min(lineno, len(line_map) - 1)], funcname, message, comments


def extract_catalog(templates: Iterable[Path], *, root: Path | None = None) -> Catalog:
    """Return the template catalog (.pot) of the translatable text in ``templates``."""
    from babel.messages.extract import extract

    catalog = Catalog(project="docgen", version=__version__, domain=DOMAIN,
                      charset="utf-8", creation_date=dt.datetime(2026, 1, 1,
                                                                   tzinfo=dt.timezone.utc),
                      msgid_bugs_address="")
    for path in templates:
        label = str(path.relative_to(root)) if root and path.is_relative_to(root) else path.name
        with path.open("rb") as fh:
            for lineno, message, comments, context in extract(
                    extract_docx, fh, keywords=KEYWORDS, comment_tags=COMMENT_TAGS):
                catalog.add(message, None, [(label, lineno)], auto_comments=comments,
                            context=context,
                            flags=("python-brace-format",) if placeholders(
                                message if isinstance(message, str) else message[0]) else ())
    return catalog


def messages_used(template: Path) -> list[tuple[str | None, str | tuple[str, str]]]:
    """Return (context, msgid) of every message ``template`` uses (cached while unchanged)."""
    stat = template.stat()
    return _messages_used(str(template.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _messages_used(path: str, mtime_ns: int, size: int) -> list[tuple[str | None, Any]]:
    catalog = extract_catalog([Path(path)])
    return [(m.context, m.id) for m in catalog if m.id]


def write_catalog(catalog: Catalog, path: Path, **kwargs: Any) -> None:
    """Write ``catalog`` to ``path`` as a .po/.pot file, whole or not at all."""
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, sort_output=False, **kwargs)
    text = re.sub(rb'"POT-Creation-Date: [^"]*"', rb'"POT-Creation-Date: 2026-01-01 00:00+0000\\n"',
                  buf.getvalue())
    # the same catalog gives the same bytes whichever Babel wrote it
    text = re.sub(rb'"Generated-By: [^"]*"', lambda _: rb'"Generated-By: docgen\n"', text,
                  count=1)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(text)
        os.replace(tmp, path)
    except OSError as e:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise CatalogError(f"{path}: cannot write: {e.strerror or e}; the catalog is "
                           "unchanged") from None


def conventional_plurals(tag: str, locale: Locale) -> tuple[int, str]:
    """Return the plural count and rule a new catalog of ``tag`` starts with: docgen's table
    (``plurals.expected_rule``), else, for a language it does not list, Babel's CLDR rule."""
    rule = expected_rule(tag)
    if rule is not None:
        return rule.count, rule.expr
    from babel.messages.plurals import get_plural

    babel_rule = get_plural(locale)
    return babel_rule.num_plurals, babel_rule.plural_expr


# --- checking ---------------------------------------------------------------------------------


@dataclass
class CatalogReport:
    """Counts and problems of one catalog."""

    tag: str
    path: Path
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    problems: list[str] = field(default_factory=list)
    #: the problems of the header (the byte-order mark, Plural-Forms), which affect every message
    header_problems: list[str] = field(default_factory=list)
    #: whether the Plural-Forms header is one docgen can choose plural forms by
    plural_rule_ok: bool = True
    #: messages (by their msgid line) whose translation cannot be used as it is
    broken_at: set[int] = field(default_factory=set)

    fuzzy_at: list[str] = field(default_factory=list)
    untranslated_at: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    def gaps(self) -> list[str]:
        """Return a line for each fuzzy or untranslated message."""
        return self.fuzzy_at + self.untranslated_at


def _strings(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [v for v in value]
    return [value]


def _suspicious_copy(msgid: str, msgstr: str, tag: str) -> bool:
    """A translation equal to the English source is suspicious when it has real words."""
    if tag.split("-")[0] == "en" or msgid != msgstr:
        return False
    words = re.sub(r"\{[^}]*\}", "", msgid)
    return len(re.findall(r"[A-Za-z]{3,}", words)) >= 2


def check_catalog(tag: str, path: Path | None = None) -> CatalogReport:
    """Count and check the catalog of ``tag``: placeholders, plural forms, copies of English."""
    path = path or catalog_path(tag)
    report = CatalogReport(tag, path)
    opened = open_catalog(path, tag)
    catalog = opened.catalog
    report.problems.extend(opened.problems)
    report.header_problems = list(opened.problems)
    report.plural_rule_ok = opened.rule is not None
    present = {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in catalog}
    for template in template_paths():
        for context, msgid in messages_used(template):
            key = (context, msgid if isinstance(msgid, str) else tuple(msgid))
            if key not in present:
                label = (msgid if isinstance(msgid, str) else msgid[0])[:50]
                report.untranslated += 1
                report.untranslated_at.append(f"{path}: not in the catalog: {label!r}; run "
                                              "`docgen i18n update`")
    report.obsolete = len(catalog.obsolete)
    for message in catalog:
        if not message.id:
            continue
        where = f"{path}:{message.lineno}"
        ids = _strings(message.id)
        strs = _strings(message.string)
        if message.fuzzy:
            report.fuzzy += 1
            report.fuzzy_at.append(f"{where}: fuzzy (review it, then remove the fuzzy flag): "
                                   f"{ids[0][:50]!r}")
            continue
        if not all(strs) or (message.pluralizable and opened.rule is not None
                             and len(strs) < opened.rule.count):
            report.untranslated += 1
            report.untranslated_at.append(f"{where}: not translated: {ids[0][:50]!r}")
            continue
        report.translated += 1
        if message.lineno in opened.broken:
            report.problems.append(opened.broken[message.lineno])
            report.broken_at.add(message.lineno)
        if message.pluralizable and opened.rule and len(strs) != opened.rule.count:
            report.problems.append(f"{where}: {len(strs)} plural forms, but the catalog "
                                   f"needs {opened.rule.count}")
        controls = sorted({c for text in strs for c in control_characters(text)})
        if controls:
            report.problems.append(f"{where}: the translation contains a control character "
                                   f"({', '.join(controls)}) that a document cannot show; "
                                   "delete it (in Poedit, retype the text around it)")
        wanted = sorted(set(placeholders(ids[0])) | set(placeholders(ids[-1])))
        for i, text in enumerate(strs):
            got = sorted(set(placeholders(text)))
            if got != wanted:
                missing = sorted(set(wanted) - set(got))
                extra = sorted(set(got) - set(wanted))
                detail = "; ".join(filter(None, [
                    f"missing {', '.join('{' + n + '}' for n in missing)}" if missing else "",
                    f"unknown {', '.join('{' + n + '}' for n in extra)}" if extra else ""]))
                form = f" (plural form {i})" if message.pluralizable else ""
                report.problems.append(f"{where}: placeholders differ from the source{form}: "
                                       f"{detail}")
        if _suspicious_copy(ids[0], strs[0], tag):
            report.problems.append(f"{where}: the translation is the English source unchanged: "
                                   f"{ids[0][:50]!r}")
    return report


def unusable_messages(tag: str, used: Iterable[tuple[str | None, Any]],
                      path: Path | None = None) -> list[Problem]:
    """Return why the catalog of ``tag`` cannot serve each message in ``used``, if it cannot."""
    path = path or catalog_path(tag)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise CatalogError(f"{path}: no catalog for {tag!r}; a translator can add one with "
                           f"`docgen i18n init {tag}`") from None
    return list(_unusable(tag, tuple(used), str(path), mtime))


@functools.lru_cache(maxsize=64)
def _unusable(tag: str, used: tuple[tuple[str | None, Any], ...], path_text: str,
              mtime_ns: int) -> tuple[Problem, ...]:
    path = Path(path_text)
    report = check_catalog(tag, path)
    catalog = read_catalog(path, tag)
    broken = {p.split(": ", 1)[0] for p in report.problems}
    out = [_problem_of(header) for header in report.header_problems]
    for context, msgid in used:
        message = catalog.get(msgid, context=context)
        label = (msgid if isinstance(msgid, str) else msgid[0])[:50]
        line = message.lineno if message is not None else 0
        if message is None:
            problem = f"no translation of {label!r}"
        elif message.fuzzy:
            problem = (f"the translation of {label!r} is marked fuzzy (it may be out of date); "
                       "review it and remove the fuzzy flag")
        elif not all(_strings(message.string)):
            problem = f"no translation of {label!r}"
        elif f"{path}:{message.lineno}" in broken or message.lineno in report.broken_at:
            problem = f"the translation of {label!r} is broken; run `docgen i18n check`"
        else:
            continue
        out.append(Problem(str(path), line, 0, None, problem))
    return tuple(out)


def template_paths() -> list[Path]:
    """Return the shipped templates whose text is translated."""
    from ..resources import template_dir

    return [template_dir() / name for name in TRANSLATED_TEMPLATES]


def write_template(base: Path) -> Path:
    """Extract the messages of the templates into ``base``/docgen.pot and return its path."""
    from ..resources import template_dir

    pot = extract_catalog(template_paths(), root=template_dir().parent)
    path = base / f"{DOMAIN}.pot"
    write_catalog(pot, path)
    return path


def init_catalog(tag: str, base: Path) -> Path:
    """Start the catalog of ``tag`` from the templates; raise if it exists or is unknown."""
    from babel import UnknownLocaleError

    from .locales import normalise

    tag = normalise(tag)
    try:
        locale = Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        raise CatalogError(f"{tag!r} is not a language Babel knows; use a BCP 47 tag such as "
                           "'fr' or 'pt-BR'") from None
    path = catalog_path(tag, base)
    if path.exists():
        raise CatalogError(f"{path}: already exists; run docgen i18n update instead")
    pot = read_catalog(write_template(base))
    catalog = Catalog(locale=locale, domain=DOMAIN, project="docgen", version=__version__,
                      charset="utf-8", fuzzy=False)
    catalog._num_plurals, catalog._plural_expr = conventional_plurals(tag, locale)  # noqa: SLF001
    for message in pot:
        if message.id:
            catalog.add(message.id, "" if isinstance(message.id, str) else
                        ("",) * catalog.num_plurals, message.locations,
                        auto_comments=message.auto_comments, context=message.context,
                        flags=message.flags)
    write_catalog(catalog, path)
    return path


def update_catalogs(base: Path) -> list[Path]:
    """Update every catalog under ``base`` from the templates; return the files written.

    Like ``pybabel update --previous``: a changed message keeps its old translation, marked
    fuzzy, with the old source text as ``#|`` lines; messages no longer used become obsolete.
    The Plural-Forms header is the translator's and is never rewritten: a catalog whose header
    docgen cannot use is refused, with every such catalog named, and none is written.
    """
    opened = [open_catalog(catalog_path(tag, base), tag) for tag in available_locales(base)]
    problems = [p for o in opened for p in o.problems if "Plural-Forms" in p]
    if problems:
        raise CatalogError("no catalog was updated: fix the Plural-Forms headers first",
                           [_problem_of(p) for p in problems] + [Problem(
                               str(base), 0, 0, None, "no catalog was updated: fix the "
                               "Plural-Forms header above first, then run docgen i18n update "
                               "again")])
    pot = read_catalog(write_template(base))
    written = []
    for each in opened:
        each.catalog.update(pot, no_fuzzy_matching=False, update_header_comment=False)
        write_catalog(each.catalog, each.path, include_previous=True)
        written.append(each.path)
    return written


def _problem_of(line: str) -> Problem:
    """Return the Problem of a ``path:line: message`` line."""
    where, message = line.split(": ", 1)
    file, _, number = where.rpartition(":")
    return Problem(file, int(number), 0, None, message)


__all__ = ["Catalog", "Message", "Translator", "check_catalog", "extract_catalog",
           "extract_docx", "translator", "unusable_messages"]
