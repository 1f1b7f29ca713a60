"""Translations as a render uses them: gettext for one locale, named placeholders filled in, and
values isolated in right-to-left text.

A catalog is data, like a spec: a translation may only name the placeholders of its source
(``{school}``), never reach into Python (``{school.__class__}``) or reformat a value.
"""

from __future__ import annotations

import functools
import io
import re
import string
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.support import Translations

from .catalogs import FALLBACK_PLURALS, catalog_mtime, message_strings, open_catalog
from .locales import DOMAIN, catalog_path
from .plurals import PluralRule, expected_rule, parse_plural_forms
from .scripts import localise_digits, script_of


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


#: Full stops that end a sentence, and what may close a value after one (isolates, marks).
_STOPS = (".", "\u3002", "\uff0e", "\u06d4")
_CLOSERS = "\u2066\u2067\u2068\u2069\u200e\u200f\u202a\u202b\u202c"


def _ends_a_sentence(value: Any) -> bool:
    return str(value).rstrip(_CLOSERS).endswith(_STOPS)


def fill(text: str, values: dict[str, Any]) -> str:
    """Put ``values`` into the ``{name}`` placeholders of ``text``, and nothing else.

    A value that ends with a full stop of its own (a date "28 авг. 2026 г.", a time "2:45
    p.m.") takes the place of the sentence's: "by {date}." never gives "г..".

    >>> fill("Sign up by {date}.", {"date": "28 августа 2026 г."})
    'Sign up by 28 августа 2026 г.'
    """
    if not values and "{" not in text:
        return text
    rebuilt, stop = [], False
    for literal, name, spec, conversion in _FORMATTER.parse(text):
        if stop and literal.startswith(_STOPS):
            literal = literal[1:]
        rebuilt.append(literal.replace("{", "{{").replace("}", "}}"))
        stop = False
        if name is not None:
            rebuilt.append("{" + name + (f"!{conversion}" if conversion else "")
                           + (f":{spec}" if spec else "") + "}")
            stop = name in values and _ends_a_sentence(values[name])
    return _FORMATTER.vformat("".join(rebuilt), (), values)


class ListText(str):
    """A list already written out ("A, B and C"), its items already :func:`isolate`d: in
    right-to-left text it is left as it is, its separators (the Arabic comma, "و") in the
    sentence's own direction."""


#: Directional embeddings: left-to-right, right-to-left, pop; the right-to-left mark.
LRE, RLE, PDF = "\u202a", "\u202b", "\u202c"
RLM = "\u200f"


def _strong(c: str) -> str | None:
    kind = unicodedata.bidirectional(c)
    return "L" if kind == "L" else "R" if kind in ("R", "AL") else None


def isolate(value: Any) -> str:
    """Write ``value`` for right-to-left text so that it reads in order and keeps together
    (DOMAIN.md §4.2), as LibreOffice lays it out.

    LibreOffice 7.4 lays out the Unicode isolates (FSI … PDI) badly: a line breaks inside the
    word beside one, and the space beside one is lost ("الاثنينوالثلاثاء", "أغسطس2026"). So:

    * a value in the right-to-left script with no left-to-right letter (a date, a time, a
      weekday, a language name) needs no mark: the bidi algorithm orders its digits;
    * a value with left-to-right letters, or with none at all (a name, an e-mail address, a
      phone number, a school year), is embedded left to right (LRE … PDF), so that "(510)
      555-0100" keeps its order;
    * a value that starts right to left but holds Latin letters (a translated program name,
      "برنامج Bright Futures لما بعد المدرسة") has a right-to-left mark on each side, so that
      a number or a Latin word beside it is not drawn into its Latin words. Not an embedding
      (RLE … PDF): LibreOffice 7.4 lays those out with a gap of several spaces after the
      value's first word and before what follows it, and draws a Latin word that ends one
      over the word before it ("مدرسةLincoln" in the PDF).

    What must not break across lines is made so when the page is written
    (:func:`docgen.ooxml.pagination.unbreakable_rtl`).
    """
    text = str(value)
    if isinstance(value, ListText):
        return text
    strong = [k for k in map(_strong, text) if k]
    if strong and strong[0] == "R":
        return f"{RLM}{text}{RLM}" if "L" in strong else text
    return f"{LRE}{text}{PDF}"


def text_direction(tag: str) -> str:
    """Return "rtl" or "ltr" for the BCP 47 ``tag``, from its script (CLDR likely subtags)."""
    return script_of(tag).direction


#: Directional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069): a
#: translation never needs them (docgen isolates values itself), and they can show a family a
#: value backwards.
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def control_characters(text: str) -> list[str]:
    """Return the control characters in ``text`` that a document cannot hold, as U+XXXX."""
    return sorted({f"U+{ord(c):04X}" for c in text
                   if (ord(c) < 32 and c not in "\t\n\r") or 0x7F <= ord(c) < 0xA0})


_BRACES = re.compile(r"[{}\uff5b\uff5d]")


def literal_braces(ids: list[str], strs: list[str]) -> str | None:
    """Return the text around a brace the filled-in translation would still show (a doubled
    ``{{program}}``, a full-width ``｛program｝``) that its source does not, if any."""
    values = {name: "" for text in ids for name in placeholders(text) if name.isidentifier()}
    try:
        source = "".join(fill(text, values) for text in ids)
    except (ValueError, KeyError, IndexError):
        return None
    for text in strs:
        try:
            out = fill(text, values)
        except (ValueError, KeyError, IndexError):
            continue  # the placeholder check says what is wrong
        if len(_BRACES.findall(out)) > len(_BRACES.findall(source)):
            m = re.search(r"[{\uff5b][^{}\uff5b\uff5d]{0,30}[}\uff5d]|[{}\uff5b\uff5d]", out)
            return m.group() if m else None
    return None


#: The "Other languages" lines of the notice. Each is written in the language it names, so
#: ``{language}`` is always that language's own name, which the translator knows: a language
#: with cases cannot put the name as it is into the sentence (Russian needs "на русском
#: языке", not "на русский"), so its translation may say the whole phrase in its own words and
#: leave ``{language}`` out. Every other placeholder stays required.
OPTIONAL_PLACEHOLDERS: dict[str, frozenset[str]] = {
    msgid: frozenset({"language"}) for msgid in (
        "If you need this letter in {language}, call {phone}. We will find an interpreter for "
        "you, at no cost.",
        "If you need this letter in {language}, write to {email}. We will find an interpreter "
        "for you, at no cost.",
        "If you need this letter in {language}, call {phone}.",
        "If you need this letter in {language}, write to {email}.")}


def optional_placeholders(msgid: Any) -> frozenset[str]:
    """Return the placeholders a translation of ``msgid`` may leave out (usually none).

    >>> sorted(optional_placeholders("If you need this letter in {language}, call {phone}."))
    ['language']
    >>> optional_placeholders("{name} speaks your language.")
    frozenset()
    """
    key = msgid if isinstance(msgid, str) else message_strings(msgid)[0]
    return OPTIONAL_PLACEHOLDERS.get(key, frozenset())


def placeholder_mismatch(ids: list[str], text: str) -> tuple[list[str], list[str]]:
    """Return the placeholders of the source ``ids`` that the translation ``text`` lacks (but
    for those it may leave out) and those it has that its source has not, each sorted."""
    wanted = set(placeholders(ids[0])) | set(placeholders(ids[-1]))
    got = set(placeholders(text))
    return (sorted(wanted - got - optional_placeholders(ids[0])), sorted(got - wanted))


def sound(message: Message) -> bool:
    """Whether every form of a translation has the placeholders of its source, and no other
    (a tagline may leave out ``{language}``: :data:`OPTIONAL_PLACEHOLDERS`)."""
    ids = message_strings(message.id)
    return all(placeholder_mismatch(ids, text) == ([], [])
               for text in message_strings(message.string) if text)


def _bare_number(value: Any) -> bool:
    """Whether ``value`` is a number (3, "5", "2026-2027"), not a text holding one."""
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or (
        isinstance(value, str) and re.fullmatch(r"[0-9]+(?:[-\u2011\u2013][0-9]+)?", value)
        is not None)


@dataclass
class Translator:
    """gettext for one locale, with named placeholders filled in (isolated in RTL text)."""

    tag: str
    translations: Any
    rtl: bool = False

    def _fill(self, text: str, values: dict[str, Any]) -> str:
        # one digit system through the letter, CLDR's default for the language (Persian ۱۸,
        # not 18; docgen.i18n.scripts.numbering_system): the translation's own numbers and
        # the bare numbers put into it (a grade, a count), never the digits of a phone
        # number, an e-mail address, a URL or a code word (localise_digits). Any other value
        # is put in as it comes: a date, an amount, the school year and the spec's translated
        # text are in the letter's digits already, but for the numbers of the places the
        # spec's English names (its room numbers: docgen.i18n.spectext), which stay Latin
        values = {k: localise_digits(str(v), self.tag) if _bare_number(v) else v
                  for k, v in values.items()}
        if self.rtl:
            values = {k: isolate(v) for k, v in values.items()}
        return fill(localise_digits(text, self.tag), values)

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
        translations.plural = rule.form  # type: ignore[assignment]  # gettext passes an int
    return translations


@functools.lru_cache(maxsize=32)
def _cached_translator(path: str, mtime_ns: int, tag: str, use_fuzzy: bool) -> Translator:
    opened = open_catalog(Path(path), tag)
    catalog = opened.catalog
    for message in list(catalog):
        strings = message_strings(message.string)
        # a broken translation falls back to the English source rather than fail the letter
        if message.id and message.string and (
                message.lineno in opened.broken
                or not sound(message)
                or any(control_characters(s) for s in strings if s)
                or set("".join(strings)) & BIDI_CONTROLS - set("".join(message_strings(
                    message.id)))
                or literal_braces(message_strings(message.id), strings)
                or (message.pluralizable and (opened.rule is None
                                              or len(strings) != opened.rule.count))):
            catalog.delete(message.id, context=message.context)
    rule = opened.rule or expected_rule(tag) or parse_plural_forms(FALLBACK_PLURALS)
    return Translator(tag, translations_from(catalog, use_fuzzy=use_fuzzy, rule=rule),
                      text_direction(tag) == "rtl")


def translator(tag: str, *, base: Path | None = None, use_fuzzy: bool = False) -> Translator:
    """Return the translator for ``tag`` from its catalog in the folder ``base`` (None: the
    shipped catalogs), read once while the file is unchanged."""
    path = catalog_path(tag, base)
    return _cached_translator(str(path), catalog_mtime(tag, path), tag, use_fuzzy)
