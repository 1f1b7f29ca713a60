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

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.messages.plurals import get_plural
from babel.support import Translations

from . import __version__
from .errors import DocgenError, Problem
from .resources import resource_dir

DOMAIN = "docgen"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3), "lgettext": (2,)}
COMMENT_TAGS = ["TRANSLATORS:"]
#: The templates whose text is translated.
TRANSLATED_TEMPLATES = ("notice.docx",)

FSI, RLI, PDI = "\u2068", "\u2067", "\u2069"  # first-strong / right-to-left isolate … pop


class CatalogError(DocgenError):
    """A catalog is missing, unreadable, or not complete enough to build from."""


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


def read_catalog(path: Path, tag: str | None = None) -> Catalog:
    """Read the .po file at ``path``; raise :class:`CatalogError` naming it if it is bad."""
    try:
        raw = path.read_bytes()
        raw.decode("utf-8")
        header = re.search(rb"charset=([A-Za-z0-9_-]+)", raw[:2000])
        if header and header.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
            raise CatalogError(f"{path}: declares charset={header.group(1).decode()}; docgen "
                               "catalogs are UTF-8: save the file as UTF-8 and set "
                               "'Content-Type: text/plain; charset=UTF-8'")
        return read_po(io.BytesIO(raw), locale=catalog_dir_name(tag) if tag else None,
                       domain=DOMAIN, abort_invalid=True)
    except FileNotFoundError:
        raise CatalogError(f"{path}: no such catalog") from None
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


def translations_from(catalog: Catalog, *, use_fuzzy: bool = False) -> Translations:
    """Return gettext translations compiled in memory from ``catalog``."""
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=use_fuzzy)
    buf.seek(0)
    return Translations(fp=buf, domain=DOMAIN)


def _sound(message: Message) -> bool:
    """Whether every form of a translation has exactly the placeholders of its source."""
    ids = _strings(message.id)
    wanted = sorted(set(placeholders(ids[0])) | set(placeholders(ids[-1])))
    return all(sorted(set(placeholders(text))) == wanted for text in _strings(message.string)
               if text)


@functools.lru_cache(maxsize=32)
def _cached_translator(path: str, mtime_ns: int, tag: str, use_fuzzy: bool) -> Translator:
    catalog = read_catalog(Path(path), tag)
    for message in list(catalog):
        # a broken translation falls back to the English source rather than fail the letter
        if message.id and message.string and not _sound(message):
            catalog.delete(message.id, context=message.context)
    return Translator(tag, translations_from(catalog, use_fuzzy=use_fuzzy),
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

    from .render import jinja_source_of_docx

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


#: Plural rules where Babel's table is wrong. Babel writes ``n%100>=0 && n%100<=2 ? 4 : 5`` for
#: Arabic, which swaps CLDR's "many" and "other" (Babel issue #816); this is the rule Weblate and
#: Transifex use.
PLURAL_FIXES = {
    "ar": (6, "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5)"),
}


def expected_plurals(tag: str) -> tuple[int, str]:
    """Return the gettext plural count and rule for ``tag``."""
    language = tag.split("-")[0].lower()
    if language in PLURAL_FIXES:
        return PLURAL_FIXES[language]
    rule = get_plural(Locale.parse(tag, sep="-"))
    return rule.num_plurals, rule.plural_expr


def _same_rule(a: str, b: str) -> bool:
    """Whether two gettext plural expressions choose the same form for n = 0 … 1000."""
    import gettext

    try:
        fa, fb = gettext.c2py(a), gettext.c2py(b)
        return all(fa(n) == fb(n) for n in range(1001))
    except (ValueError, SyntaxError, RecursionError):
        return False


def fix_plural_forms(catalog: Catalog) -> None:
    """Give the catalog the right Plural-Forms header (Babel's is wrong for Arabic)."""
    if catalog.locale is not None:
        count, expr = expected_plurals(str(catalog.locale).replace("_", "-"))
        catalog._num_plurals = count  # noqa: SLF001 - Babel has no setter for these
        catalog._plural_expr = expr  # noqa: SLF001


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
    catalog = read_catalog(path, tag)
    count, expr = expected_plurals(tag)
    if catalog.num_plurals != count or not _same_rule(catalog.plural_expr, expr):
        report.problems.append(f"{path}:1: the Plural-Forms header should be 'nplurals={count}; "
                               f"plural={expr};'")
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
        if not all(strs) or (message.pluralizable and len(strs) < catalog.num_plurals):
            report.untranslated += 1
            report.untranslated_at.append(f"{where}: not translated: {ids[0][:50]!r}")
            continue
        report.translated += 1
        if message.pluralizable and len(strs) != catalog.num_plurals:
            report.problems.append(f"{where}: {len(strs)} plural forms, but the catalog "
                                   f"needs {catalog.num_plurals}")
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
    catalog = read_catalog(path, tag)
    report = check_catalog(tag, path)
    broken = {p.split(": ", 1)[0] for p in report.problems}
    out = []
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
        elif f"{path}:{message.lineno}" in broken:
            problem = f"the translation of {label!r} is broken; run `docgen i18n check`"
        else:
            continue
        out.append(Problem(str(path), line, 0, "", problem))
    return tuple(out)


def template_paths() -> list[Path]:
    """Return the shipped templates whose text is translated."""
    from .resources import template_dir

    return [template_dir() / name for name in TRANSLATED_TEMPLATES]


def write_template(base: Path) -> Path:
    """Extract the messages of the templates into ``base``/docgen.pot and return its path."""
    from .resources import template_dir

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
    fix_plural_forms(catalog)
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
    """
    pot = read_catalog(write_template(base))
    written = []
    for tag in available_locales(base):
        path = catalog_path(tag, base)
        catalog = read_catalog(path, tag)
        catalog.update(pot, no_fuzzy_matching=False, update_header_comment=False)
        fix_plural_forms(catalog)
        write_catalog(catalog, path, include_previous=True)
        written.append(path)
    return written


__all__ = ["Catalog", "Message", "Translator", "check_catalog", "extract_catalog",
           "extract_docx", "translator", "unusable_messages"]
