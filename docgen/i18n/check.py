"""Check catalogs: what ``docgen i18n check`` reports, and what stops a notice from building.

A catalog's problems are :class:`~docgen.errors.Problem` values located at the line of the
message in its .po file (placeholders that differ from the source, missing plural forms,
control characters, copies of the English), and its gaps are the messages it lacks or has only
as fuzzy.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from babel.messages.catalog import Catalog, Message

from ..errors import Problem
from .catalogs import catalog_mtime, catalog_path, message_strings, open_catalog
from .extract import MessageKey, messages_used, template_paths
from .plurals import PluralRule
from .review import DRAFT, NOT_RECORDED, Review, draft_lines, read_review
from .translate import BIDI_CONTROLS, control_characters, literal_braces, placeholder_mismatch


@dataclass
class CatalogReport:
    """Counts and problems of one catalog."""

    tag: str
    path: Path
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    problems: list[Problem] = field(default_factory=list)
    #: the problems of the header (the byte-order mark, Plural-Forms), which affect every message
    header_problems: list[Problem] = field(default_factory=list)
    #: messages (by their msgid line) whose translation cannot be used as it is
    broken_at: set[int] = field(default_factory=set)
    #: the catalog as checked (so that a caller need not read the file again)
    catalog: Catalog | None = field(default=None, repr=False)

    fuzzy_at: list[Problem] = field(default_factory=list)
    untranslated_at: list[Problem] = field(default_factory=list)
    #: what a translator should look at but that does not stop a notice (a very long text)
    warnings: list[Problem] = field(default_factory=list)
    #: what its X-Reviewed header says (a malformed one is among ``problems``)
    review: Review = NOT_RECORDED

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    def gaps(self) -> list[Problem]:
        """Return a problem for each fuzzy or untranslated message."""
        return self.fuzzy_at + self.untranslated_at


def _suspicious_copy(msgid: str, msgstr: str, tag: str) -> bool:
    """A translation equal to the English source is suspicious when it has real words."""
    if tag.split("-")[0] == "en" or msgid != msgstr:
        return False
    words = re.sub(r"\{[^}]*\}", "", msgid)
    return len(re.findall(r"[A-Za-z]{3,}", words)) >= 2


def _key(context: str | None, msgid: object) -> tuple[str | None, object]:
    return context, msgid if isinstance(msgid, str) else tuple(msgid)  # type: ignore[arg-type]


def check_catalog(tag: str, path: Path | None = None, *,
                  templates: Path | None = None,
                  today: dt.date | None = None) -> CatalogReport:
    """Count and check the catalog of ``tag`` at ``path`` (None: the shipped one) against the
    messages of the templates in ``templates`` (None: the shipped ones): placeholders, plural
    forms, copies of English, and its X-Reviewed header (a review dated after ``today`` is
    malformed)."""
    path = path or catalog_path(tag)
    report = CatalogReport(tag, path)
    opened = open_catalog(path, tag)
    catalog = report.catalog = opened.catalog
    report.problems.extend(opened.problems)
    report.header_problems = list(opened.problems)
    # a malformed X-Reviewed is the catalog's problem, not its messages': a notice still builds
    report.review, review_problem = read_review(path, today=today)
    if review_problem is not None:
        report.problems.append(review_problem)
    elif report.review.reviewed:
        text = path.read_bytes().decode("utf-8", "replace")
        report.warnings.extend(Problem(str(path), line, message=(
            f"warning: X-Reviewed records a review, but this header line still says "
            f"'{DRAFT}'; delete the draft lines above the header and write the translator in "
            "Last-Translator (Poedit does when it saves)")) for line in draft_lines(text))
    present = {_key(m.context, m.id) for m in catalog}
    for template in template_paths(templates):
        for context, msgid in messages_used(template):
            if _key(context, msgid) not in present:
                label = (msgid if isinstance(msgid, str) else msgid[0])[:50]
                report.untranslated += 1
                report.untranslated_at.append(Problem(str(path), message=(
                    f"not in the catalog: {label!r}; run `docgen i18n update`")))
    report.obsolete = len(catalog.obsolete)
    report.problems.extend(opened.duplicates)
    for message in catalog:
        if message.id:
            _count(report, message, opened.rule)
            if message.lineno in opened.broken:
                report.problems.append(opened.broken[message.lineno])
                report.broken_at.add(message.lineno)
    return report


def _count(report: CatalogReport, message: Message, rule: PluralRule | None) -> None:
    """Count ``message`` in ``report`` as fuzzy, untranslated or translated, with its problems."""
    ids, strs = message_strings(message.id), message_strings(message.string)

    def at(text: str) -> Problem:
        return Problem(str(report.path), message.lineno or 0, message=text)

    if message.fuzzy:
        report.fuzzy += 1
        report.fuzzy_at.append(at(f"fuzzy (review it, then remove the fuzzy flag): "
                                  f"{ids[0][:50]!r}"))
        return
    if not all(strs) or (message.pluralizable and rule is not None and len(strs) < rule.count):
        report.untranslated += 1
        report.untranslated_at.append(at(f"not translated: {ids[0][:50]!r}"))
        return
    report.translated += 1
    report.problems.extend(at(text) for text in _translation_problems(message, ids, strs, rule,
                                                                      report.tag))
    report.warnings.extend(at(text) for text in _translation_warnings(ids, strs))


def _translation_problems(message: Message, ids: list[str], strs: list[str],
                          rule: PluralRule | None, tag: str) -> Iterable[str]:
    """Yield what is wrong with a translated message: plural forms, control characters,
    placeholders, an unchanged copy of the English."""
    if message.pluralizable and rule and len(strs) != rule.count:
        yield f"{len(strs)} plural forms, but the catalog needs {rule.count}"
    controls = sorted({c for text in strs for c in control_characters(text)})
    if controls:
        yield (f"the translation contains a control character ({', '.join(controls)}) that a "
               "document cannot show; delete it (in Poedit, retype the text around it)")
    bidi = sorted({c for text in strs for c in text if c in BIDI_CONTROLS}
                  - {c for text in ids for c in text})
    if bidi:
        names = ", ".join(f"U+{ord(c):04X} ({unicodedata.name(c).lower()})" for c in bidi)
        yield (f"the translation contains {names}, invisible characters that reorder the "
               "text around them (a phone number or a date can read backwards); delete them "
               "(in Poedit, retype the text around them): docgen keeps each value in its own "
               "order itself")
    shown = literal_braces(ids, strs)
    if shown:
        yield (f"the letter would show {shown!r} as it is written, not a value: write each "
               "placeholder with one pair of plain braces, exactly as in the source "
               "(doubled braces {{…}} print as the name itself)")
    for i, text in enumerate(strs):
        missing, extra = placeholder_mismatch(ids, text)
        if missing or extra:
            detail = "; ".join(filter(None, [
                f"missing {', '.join('{' + n + '}' for n in missing)}" if missing else "",
                f"unknown {', '.join('{' + n + '}' for n in extra)}" if extra else ""]))
            form = f" (plural form {i})" if message.pluralizable else ""
            yield f"placeholders differ from the source{form}: {detail}"
    if _suspicious_copy(ids[0], strs[0], tag):
        yield f"the translation is the English source unchanged: {ids[0][:50]!r}"


#: A translation this many times as long as its source (plus a margin for short ones) is
#: worth a look: text pasted twice, or a note left in.
LONG_RATIO, LONG_MARGIN = 3, 30


def _translation_warnings(ids: list[str], strs: list[str]) -> Iterable[str]:
    """Yield what a translator should look at in a translation that is otherwise fine."""
    def length(text: str) -> int:
        return len(re.sub(r"\{[^{}]*\}", "", text))

    source = max(length(text) for text in ids)
    longest = max(length(text) for text in strs)
    if longest > LONG_RATIO * source + LONG_MARGIN:
        yield (f"warning: the translation is {longest / max(source, 1):.0f} times as long as "
               f"its source ({longest} characters, against {source}): check that nothing was "
               "pasted twice or left in by mistake; a long text can push the letter onto "
               "another page")


def unusable_messages(tag: str, used: Iterable[MessageKey],
                      path: Path | None = None) -> list[Problem]:
    """Return why the catalog of ``tag`` at ``path`` (None: the shipped one) cannot serve each
    message in ``used``, if it cannot."""
    path = path or catalog_path(tag)
    return list(_unusable(tag, tuple(used), str(path), catalog_mtime(tag, path)))


@functools.lru_cache(maxsize=64)
def _unusable(tag: str, used: tuple[MessageKey, ...], path_text: str,
              mtime_ns: int) -> tuple[Problem, ...]:
    path = Path(path_text)
    report = check_catalog(tag, path)
    catalog = report.catalog
    assert catalog is not None
    broken = {p.line for p in report.problems}
    out = list(report.header_problems)
    for context, msgid in used:
        message = catalog.get(msgid, context=context)
        label = (msgid if isinstance(msgid, str) else msgid[0])[:50]
        line = message.lineno or 0 if message is not None else 0
        if message is None:
            problem = f"no translation of {label!r}"
        elif message.fuzzy:
            problem = (f"the translation of {label!r} is marked fuzzy (it may be out of date); "
                       "review it and remove the fuzzy flag")
        elif not all(message_strings(message.string)):
            problem = f"no translation of {label!r}"
        elif message.lineno in broken or message.lineno in report.broken_at:
            problem = f"the translation of {label!r} is broken; run `docgen i18n check`"
        else:
            continue
        out.append(Problem(str(path), line, message=problem))
    return tuple(out)
