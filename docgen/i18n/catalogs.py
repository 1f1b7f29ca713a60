"""gettext catalogs: where each language's .po file is, reading one (with what is wrong with
its header), and writing one whole or not at all.

Translatable text lives in the DOCX templates, marked as Jinja calls: ``{{ _("…") }}``,
``{{ ngettext("…", "…", n) }}``, ``{{ pgettext("context", "…") }}``, with values inserted by
name (``{{ _("Sign up by {date}.", date=notice.enroll_by) }}``) and a ``{# TRANSLATORS: … #}``
comment before a call for context. Translators work on ``locales/<locale>/LC_MESSAGES/docgen.po``
in Poedit, Weblate or Crowdin. docgen reads the .po files at build time (no compiled .mo files
to go stale), and refuses to build a notice whose catalog lacks, or has a fuzzy or broken
translation of, a message the notice uses (:mod:`docgen.i18n.check`).

Every function takes the catalog folder or file it works on; None means the shipped catalogs.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileParser, denormalize

from .. import output
from ..errors import CatalogError, Problem
from .locales import (DOMAIN, available_locales, catalog_dir_name, catalog_path)
from .pofile import po_text
from .plurals import (PluralFormsError, PluralRule, expected_rule, parse_plural_forms,
                      rule_problem)

__all__ = ["DOMAIN", "Catalog", "CatalogFile", "available_locales", "catalog_dir_name",
           "catalog_path", "catalog_mtime", "language_name", "message_strings",
           "open_catalog", "read_catalog", "write_catalog"]

#: The plural rule a catalog is read with when its own cannot be used: English's.
FALLBACK_PLURALS = "nplurals=2; plural=(n != 1);"


def catalog_mtime(tag: str, path: Path) -> int:
    """Return when the catalog of ``tag`` at ``path`` last changed; raise :class:`CatalogError`
    saying how to start it if there is none."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        raise CatalogError.at(path, f"no catalog for {tag!r}; a translator can add one with "
                           f"`docgen i18n init {tag}`") from None


def message_strings(value: Any) -> list[str]:
    """Return the forms of a message id or translation: one, or one per plural form."""
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


@dataclass
class CatalogFile:
    """A catalog as read from its .po file, with what is wrong with its header.

    ``rule`` is the header's plural rule when docgen can use it; otherwise it is None,
    ``plural_problem`` says why, and ``catalog`` carries a safe rule (the language's
    conventional one) so that its other messages can still be read. ``problems`` are every
    problem of the header (a byte-order mark, the Plural-Forms line), in the file's order.
    """

    path: Path
    catalog: Catalog
    rule: PluralRule | None
    problems: list[Problem] = field(default_factory=list)
    plural_problem: Problem | None = None
    #: messages (by the line of their msgid) whose translation is broken in a way Babel cannot
    #: read (a plural form beyond the header's count), each with its located problem
    broken: dict[int, Problem] = field(default_factory=dict)
    #: a message the file has twice (gettext's msgfmt refuses the file), at its second entry
    duplicates: list[Problem] = field(default_factory=list)


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


def _broken_forms(path: Path, catalog: Catalog, rule: PluralRule,
                  extra: list[tuple[int, int]]) -> dict[int, Problem]:
    """Return, by the msgid line of the message each belongs to, the problem of each plural
    form too many."""
    starts = sorted(m.lineno for m in catalog if m.id and m.lineno)
    forms = "form" if rule.count == 1 else "forms"
    broken = {}
    for line, index in extra:
        owner = max((s for s in starts if s <= line), default=line)
        broken[owner] = Problem(str(path), line, message=(
            f"msgstr[{index}] is one plural form too many: the header says "
            f"nplurals={rule.count}, so a translation has {rule.count} {forms} (msgstr[0] to "
            f"msgstr[{rule.count - 1}]); delete this one"))
    return broken


def open_catalog(path: Path, tag: str | None = None) -> CatalogFile:
    """Read the .po file at ``path`` and check its header; raise :class:`CatalogError` naming
    it if it cannot be read at all."""
    try:
        raw = path.read_bytes()
        return _parse_catalog(path, raw, tag)
    except FileNotFoundError:
        language = path.parent.parent.name.replace("_", "-")
        raise CatalogError.at(path, f"no such catalog; start it with `docgen i18n init "
                           f"{language}`") from None
    except CatalogError:
        raise
    except OSError as e:
        raise CatalogError.at(path, f"cannot be read: {e.strerror or e}") from None
    except Exception as e:  # noqa: BLE001 - Babel raises several kinds for a bad file
        lineno: int | None = getattr(e, "lineno", None)
        raise CatalogError.at(path, f"the catalog cannot be read: {e}; open it in Poedit, "
                              "which shows where the mistake is", line=lineno or 0) from None


#: What a file that is not a catalog starts with, and what it is in words.
_NOT_PO = ((b"PK\x03\x04", "a zip file (a Word document, or a .zip)"),
           (b"\xde\x12\x04\x95", "a compiled catalog (a .mo file)"),
           (b"\x95\x04\x12\xde", "a compiled catalog (a .mo file)"),
           (b"%PDF", "a PDF"),
           (b"{\\rtf", "a Rich Text document"),
           (b"\xd0\xcf\x11\xe0", "an old Word or Excel document"))


def _not_po(raw: bytes) -> str | None:
    for start, kind in _NOT_PO:
        if raw.startswith(start):
            return kind
    return None


_STRING_LINE = re.compile(r'^(?:#~\s*)?(?:msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)?\s*"')


def unclosed_strings(path: Path, text: str) -> list[Problem]:
    """The lines of the PO ``text`` whose string is not closed by a straight double quote
    (Babel reads such a line on, silently, into a translation nobody wrote), located at
    ``path``:line (``tests/test_serve_review.py`` has examples).
    """
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        found = _STRING_LINE.match(line)
        if found is None:
            continue
        # the line's strings ("a" or "a" "b"), each closed before the line ends
        rest, i, inside = line[found.end():], 0, True
        while i < len(rest):
            if inside and rest[i] == "\\":
                i += 2
                continue
            if rest[i] == '"':
                inside = not inside
            i += 1
        if inside:
            out.append(Problem(str(path), number, found.end(), message=(
                "the text in quotes is not closed: the line must end with a straight double "
                'quote ("), and a quote inside the text is written \\" (Poedit writes both '
                "itself: open the file in Poedit and save it again)")))
    return out


def _parse_catalog(path: Path, raw: bytes, tag: str | None) -> CatalogFile:
    """Return the catalog in the bytes ``raw`` of ``path``, with its header's problems."""
    problems = []
    if raw.startswith(_BOM):
        problems.append(Problem(str(path), 1, message="the file starts with a byte-order "
                                "mark (BOM), which gettext tools do not read; save it as "
                                "UTF-8 without a BOM (in Poedit, just save it again)"))
        raw = raw[len(_BOM):]
    kind = _not_po(raw)
    if kind:
        raise CatalogError.at(path, f"is {kind}, not a translation catalog (a .po file): "
                              "upload the .po file the translator saved in Poedit or "
                              "Weblate")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise CatalogError.at(path, "is not UTF-8 text; save it as UTF-8", line=line) from None
    if not re.search(r"^(?:#~ *)?msgid[ \t]", text, re.M):
        raise CatalogError.at(path, "is not a translation catalog (a .po file): it has no "
                              "'msgid' line, which every entry of one starts with; upload the "
                              ".po file the translator saved in Poedit or Weblate")
    unclosed = unclosed_strings(path, text)
    if unclosed:
        raise CatalogError(f"{path}: {len(unclosed)} string(s) not closed", unclosed)
    header = re.search(rb"charset=([A-Za-z0-9_-]+)", raw[:2000])
    if header and header.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        raise CatalogError.at(path, f"declares charset={header.group(1).decode()}; docgen "
                           "catalogs are UTF-8: save the file as UTF-8 and set "
                           "'Content-Type: text/plain; charset=UTF-8'")
    value, line = _header_field(text, "Plural-Forms")
    rule, problem = _plural_rule(value, tag)
    plural_problem = None
    if problem:
        plural_problem = Problem(str(path), line, message=problem)
        problems.append(plural_problem)
        raw = _readable_header(raw, value is not None)
    extra: list[tuple[int, int]] = []
    if rule is not None:
        raw, extra = _extra_forms(raw, rule.count)
    catalog = Catalog(locale=catalog_dir_name(tag) if tag else None, domain=DOMAIN)
    parser = _KeyRecorder(catalog, abort_invalid=True)
    parser.parse(io.BytesIO(raw))
    duplicates = _duplicates(path, parser.seen)
    if rule is None:
        safe = (expected_rule(tag) if tag else None) or parse_plural_forms(FALLBACK_PLURALS)
        set_plurals(catalog, safe.count, safe.expr)
    for message in catalog:
        _read_previous(message)
    broken = _broken_forms(path, catalog, rule, extra) if rule is not None and extra else {}
    return CatalogFile(path, catalog, rule, problems, plural_problem, broken, duplicates)


class _KeyRecorder(PoFileParser):
    """Babel's .po parser, noting each message's key, line and whether it is obsolete (Babel
    itself keeps one message per key, silently)."""

    def __init__(self, catalog: Catalog, **kwargs: Any) -> None:
        super().__init__(catalog, **kwargs)
        self.seen: list[tuple[Any, int, bool]] = []

    def _add_message(self) -> None:
        ids = tuple(m.denormalize() for m in self.messages)
        context = self.context.denormalize() if self.context else None
        self.seen.append(((context, ids[0]), self.offset + 1, bool(self.obsolete)))
        if ids == ("",) and context is None and not self.obsolete and self.translations:
            # the header as the file has it: its fields' order, and those Babel drops
            # (X-Generator, a tool's or a team's own), written back as they were
            header = self.translations[0][1].denormalize()
            self.catalog.header_order = [  # type: ignore[attr-defined]
                tuple(part.strip() for part in line.split(":", 1))
                for line in header.split("\n") if ":" in line]
        super()._add_message()


def _duplicates(path: Path, seen: list[tuple[Any, int, bool]]) -> list[Problem]:
    """Return a problem for each message that the file has twice (gettext's msgfmt refuses
    such a file), obsolete (``#~``) or not."""
    first: dict[Any, tuple[int, bool]] = {}
    problems = []
    for key, line, obsolete in seen:
        if key[1] == "" and key[0] is None:
            continue  # the header
        if key not in first:
            first[key] = (line, obsolete)
            continue
        earlier, earlier_obsolete = first[key]
        label = str(key[1])[:50]
        if obsolete or earlier_obsolete:
            old = line if obsolete else earlier
            other = earlier if obsolete else line
            problems.append(Problem(str(path), old, message=(
                f"this obsolete message (#~) {label!r} is also in the catalog at line "
                f"{other}; gettext's msgfmt refuses a catalog with a message twice: delete "
                "the #~ lines of the obsolete one")))
        else:
            problems.append(Problem(str(path), line, message=(
                f"the message {label!r} is also at line {earlier}; gettext's msgfmt refuses a "
                "catalog with a message twice: keep the right translation and delete the "
                "other entry")))
    return sorted(problems, key=lambda p: p.line or 0)


@functools.lru_cache(maxsize=256)
def _plural_rule(value: str | None, tag: str | None) -> tuple[PluralRule | None, str | None]:
    """Return the plural rule of the header ``value`` if docgen can use it, else why not.

    Checked once per process for each header and language (the check evaluates the rule for
    a range of numbers against CLDR's): a build reads the same catalogs for every spec."""
    if tag is not None:
        problem = rule_problem(value, tag, language_name(tag))
        if problem is None and value is not None:
            return parse_plural_forms(value), None
        return None, problem
    if value is None:
        return None, None
    try:
        return parse_plural_forms(value), None
    except PluralFormsError as e:
        return None, f"the Plural-Forms header cannot be used: {e}"


def set_plurals(catalog: Catalog, count: int, expr: str) -> None:
    """Give ``catalog`` the plural rule ``count``/``expr`` (Babel has no setter for it)."""
    catalog._num_plurals = count  # type: ignore[assignment]  # noqa: SLF001
    catalog._plural_expr = expr  # type: ignore[assignment]  # noqa: SLF001


def read_catalog(path: Path, tag: str | None = None) -> Catalog:
    """Read the .po file at ``path``; raise :class:`CatalogError` naming it if it is bad."""
    return open_catalog(path, tag).catalog


def _read_previous(message: Any) -> None:
    """Give ``message`` the old source text of its ``#|`` lines as its ``previous_id``.

    Babel reads ``#| msgid "…"`` lines as translator comments (and would write them back as
    such, mangled), so docgen reads them itself, as gettext's msgmerge writes them.
    """
    lines = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
    if not lines:
        return
    message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
    parts: dict[str, list[str]] = {}
    key = None
    for line in lines:
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgid", "msgid_plural"):
            key = keyword
            parts[key] = [rest]
        elif key is not None and line.startswith('"'):
            parts[key].append(line)
    message.previous_id = [denormalize("\n".join(parts[k])) for k in ("msgid", "msgid_plural")
                           if k in parts]


#: The date every catalog's POT-Creation-Date says (for reproducible bytes).
TEMPLATE_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)

#: gettext's placeholders for header fields nobody has filled in.
_PLACEHOLDERS = ("FULL NAME <EMAIL@ADDRESS>", "EMAIL@ADDRESS", "<LL@li.org>")


def tidy_header(catalog: Catalog) -> None:
    """Replace gettext's placeholders in the header of ``catalog`` (never a value someone
    wrote): an unfilled Last-Translator, Language-Team or bug address is left empty, an unset
    PO-Revision-Date is the template's date, and the header comment loses its "FIRST AUTHOR"
    and "ORGANIZATION" lines."""
    if any(p in catalog.last_translator for p in _PLACEHOLDERS):
        catalog.last_translator = ""
    if any(p in catalog.language_team for p in _PLACEHOLDERS):
        catalog.language_team = ""
    if any(p in catalog.msgid_bugs_address for p in _PLACEHOLDERS):
        catalog.msgid_bugs_address = ""
    if not isinstance(catalog.revision_date, dt.datetime):
        catalog.revision_date = catalog.creation_date
    lines = [line for line in catalog.header_comment.splitlines()
             if "FIRST AUTHOR" not in line and "ORGANIZATION" not in line
             and "EMAIL@ADDRESS" not in line]
    catalog.header_comment = "\n".join(lines)


def language_name(tag: str) -> str:
    """Return the English name of the language of ``tag`` ("Spanish"), for messages; a
    language CLDR has no locale data for is named as CLDR's English names it ("Hmong"), or
    as docgen does ("Dari").

    >>> [language_name(t) for t in ("es", "hmn", "prs", "mh", "chk", "xx")]
    ['Spanish', 'Hmong', 'Dari', 'Marshallese', 'Chuukese', 'xx']
    """
    from .scripts import ENGLISH_NAMES

    try:
        return Locale.parse(tag, sep="-").get_display_name("en") or tag
    except (ValueError, UnknownLocaleError):
        language = tag.replace("_", "-").split("-")[0].lower()
        return str(Locale("en").languages.get(language) or ENGLISH_NAMES.get(language) or tag)


#: Header fields Babel reads into a catalog and writes back; it drops any other field.
_BABEL_HEADERS = frozenset({
    "project-id-version", "report-msgid-bugs-to", "pot-creation-date", "po-revision-date",
    "last-translator", "language", "language-team", "plural-forms", "mime-version",
    "content-type", "content-transfer-encoding", "generated-by"})


def extra_headers(text: str) -> list[tuple[str, str]]:
    """Return the header fields of the .po ``text`` that Babel does not keep (docgen's
    ``X-Reviewed``, Poedit's ``X-Poedit-…``), in the file's order."""
    start = text.find('msgid ""')
    if start < 0:
        return []
    end = text.find("\n\n", start)
    block = text[start:end if end >= 0 else len(text)]
    at = block.find("msgstr ")
    if at < 0:
        return []
    quoted = "\n".join(line.strip() for line in block[at + len("msgstr "):].splitlines()
                       if line.strip().startswith('"'))
    try:
        header = denormalize(quoted) if quoted else ""
    except Exception:  # noqa: BLE001 - a header Babel cannot read keeps nothing
        return []
    out = []
    for line in header.split("\n"):
        name, sep, value = line.partition(":")
        if sep and name.strip() and name.strip().lower() not in _BABEL_HEADERS:
            out.append((name.strip(), value.strip()))
    return out


def _keep_headers(catalog: Catalog, path: Path, headers: list[tuple[str, str]]) -> None:
    """Give ``catalog`` the header fields it is to be written with beyond Babel's (see
    :func:`write_catalog`), as the order :func:`~docgen.i18n.pofile.header_fields` follows."""
    read = getattr(catalog, "header_order", None)
    if read is None:
        try:
            kept = extra_headers(path.read_text(encoding="utf-8")) if path.is_file() else []
        except (OSError, UnicodeDecodeError):
            kept = []
        if not kept and not headers:
            return
        read = [(n, v) for n, v in catalog.mime_headers] + kept
    given = {name.lower() for name, _ in headers}
    catalog.header_order = [  # type: ignore[attr-defined]
        entry for entry in read if not entry or entry[0].lower() not in given] + list(headers)


def write_catalog(catalog: Catalog, path: Path, *, include_previous: bool = False,
                  within: Path | None = None,
                  headers: list[tuple[str, str]] | None = None) -> None:
    """Write ``catalog`` to ``path`` as a .po/.pot file, as gettext's tools write it (79
    columns, :mod:`docgen.i18n.pofile`), whole or not at all; with ``include_previous``, each
    fuzzy message's old source text as ``#|`` lines. Nothing is written through a symbolic link
    below ``within`` (the catalog folder), nor onto one.

    The header says the language as a BCP 47 tag (``zh-Hans``), and gettext's placeholders
    (``FULL NAME <EMAIL@ADDRESS>``, ``YEAR-MO-DA``) are never written: a field nobody has
    filled in is left empty, for the translator's tool to fill. The fields Babel does not keep
    (``X-Reviewed``, a tool's ``X-…``) stay as the catalog was read, or, for a catalog made
    anew, as the file at ``path`` has them; ``headers`` sets fields of its own (replacing those
    of the same name)."""
    # the same catalog gives the same bytes, whenever it was made
    catalog.creation_date = TEMPLATE_DATE
    tidy_header(catalog)
    _keep_headers(catalog, path, headers or [])
    language = (str(catalog.locale_identifier).replace("_", "-")
                if catalog.locale_identifier else None)
    text = po_text(catalog, language=language, include_previous=include_previous
                   ).encode("utf-8")
    try:
        link = output.link_below(within, path) if within is not None else None
        if link is not None or path.is_symlink():
            raise output.LinkError(link or path)
        with output.holding([path], within=within):
            output.write_whole(path, text, within=within)
    except output.LinkError as e:
        raise CatalogError.at(e.filename, f"{e.strerror}; {path} is unchanged") from None
    except OSError as e:
        raise CatalogError.at(path, f"cannot write: {e.strerror or e}; the catalog is "
                           "unchanged") from None
