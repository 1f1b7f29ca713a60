"""The spec's own text in a family notice, translated: one catalog per partnership.

A coordinator writes a spec in English; what its notice shows of it (program names, places,
descriptions, who may join, schedule notes, how to enroll, fee waivers, the records shared and
why) must reach a family in its own language. ``docgen i18n extract --spec SPEC`` writes those
strings as a gettext template, one message per string:

- ``msgctxt`` is the string's JSON Pointer in the spec (``/services/0/name``), so the same
  words in two places are two messages, and a message follows its field;
- ``msgid`` is the spec's English text: when the spec changes, the old translation no longer
  matches and is never used (``update`` keeps it, marked fuzzy, with the old text as ``#|``);
- ``#.`` is the field's title and description from the schema; ``#:`` is where the letter
  shows it (``notice/what-is-it``: the section under "What is it?").

The catalogs live beside the spec, in ``<spec-stem>.locales/<language>.po`` (the template as
``<spec-stem>.locales/<spec-stem>.pot``), or under another folder given to ``--spec-locales``
(``DIR/<spec-stem>.locales/``). An English notice needs none. A notice whose catalog lacks a
string, or has it only fuzzy or broken, is refused as for the template's own messages, or built
with ``--allow-incomplete`` as a draft, the English string standing in visibly.

Names of organisations and people, addresses, e-mails and phone numbers are not translated.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
import json
from pathlib import Path
from typing import Any, Callable, Iterator

from babel import Locale
from babel.messages.catalog import Catalog, Message

from .. import __version__
from ..errors import CatalogError, Problem
from ..spec.model import resolve_ref, schema
from .catalogs import DOMAIN, open_catalog, set_plurals, write_catalog
from .locales import normalise
from .review import HEADER as REVIEW_HEADER
from .scripts import localise_digits, place_numbers
from .translate import BIDI_CONTROLS, control_characters

#: The spec's family-facing strings: a JSON Pointer pattern (``*`` any index) and the sections
#: of the letter that show it, by the slug of their English heading.
FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("/services/*/name", ("what-is-it", "who-can-join", "how-much-does-it-cost")),
    ("/services/*/description", ("what-is-it",)),
    ("/services/*/location", ("what-is-it",)),
    ("/services/*/schedule/notes", ("what-is-it",)),
    ("/services/*/population/description", ("who-can-join",)),
    ("/services/*/population/eligibility", ("who-can-join",)),
    ("/services/*/cost_to_families/waiver", ("how-much-does-it-cost",)),
    ("/family_notices/how_to_enroll", ("what-do-you-need-to-do",)),
    ("/data_sharing/purpose", ("your-childs-information", "permission-to-share-school-records")),
    ("/data_sharing/scope", ("your-childs-information",)),
    ("/data_sharing/study/description", ("your-childs-information",)),
    ("/data_sharing/evaluation/program", ("your-childs-information",)),
    ("/data_sharing/evaluation/activity", ("your-childs-information",)),
    ("/data_sharing/school_official/institutional_service", ("your-childs-information",)),
    ("/data_sharing/school_official/annual_notification", ("your-childs-information",)),
    ("/data_sharing/consent/collected_by", ("permission-to-share-school-records",)),
    ("/data_sharing/data_elements/*/name", ("your-childs-information",
                                            "permission-to-share-school-records")),
    ("/data_sharing/data_elements/*/description", ("your-childs-information",
                                                   "permission-to-share-school-records")),
    ("/data_sharing/data_elements/*/purpose", ("your-childs-information",
                                               "permission-to-share-school-records")),
)

_HEADER = """\
# The text of the spec {id} that its family notices show, to translate.
# msgctxt is where each string is in the spec (a JSON Pointer), msgid the spec's English;
# #: names the sections of the letter (by their English heading) that show it.
#"""

#: The file the references name: the letter.
LETTER = "notice"


@dataclass(frozen=True)
class SpecString:
    """One string of the spec that a notice shows: where, what, and what it is."""

    pointer: str
    path: tuple[str | int, ...]
    text: str
    comments: tuple[str, ...]
    where: tuple[str, ...]


def _pointer(path: tuple[str | int, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _schema_node(path: tuple[str | int, ...]) -> dict[str, Any]:
    node: dict[str, Any] = schema()
    for key in path:
        node = resolve_ref(node)[0]
        node = node["items"] if isinstance(key, int) else node["properties"][key]
    return resolve_ref(node)[0]


def _walk(data: Any, parts: list[str], path: tuple[str | int, ...]
          ) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if not parts:
        yield path, data
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        for i, item in enumerate(data if isinstance(data, list) else []):
            yield from _walk(item, rest, path + (i,))
    elif isinstance(data, dict) and head in data:
        yield from _walk(data[head], rest, path + (head,))


def _shown(data: dict[str, Any], pattern: str) -> bool:
    """Whether the notice shows the strings of ``pattern`` for this spec at all."""
    sharing = data.get("data_sharing") or {}
    if pattern.startswith("/data_sharing/"):
        if not sharing.get("shares_student_data"):
            return False
        # a basis's own facts show only under that basis
        for part, basis in (("study", "studies"), ("evaluation", "audit_evaluation"),
                            ("school_official", "school_official"), ("consent", "consent")):
            if pattern.startswith(f"/data_sharing/{part}/"):
                return bool(sharing.get("legal_basis") == basis)
    return True


def spec_strings(data: dict[str, Any]) -> list[SpecString]:
    """Return every string of the valid spec ``data`` that its notices show, item by item
    (each service's strings together, in the order of :data:`FIELDS`)."""
    found = []
    for order, (pattern, where) in enumerate(FIELDS):
        if not _shown(data, pattern):
            continue
        for path, value in _walk(data, pattern.strip("/").split("/"), ()):
            if not isinstance(value, str) or not value.strip():
                continue
            node = _schema_node(path)
            comments = tuple(c for c in (node.get("title"), node.get("description")) if c)
            sections = where
            if "permission-to-share-school-records" in where and (
                    (data.get("data_sharing") or {}).get("legal_basis") != "consent"):
                sections = tuple(w for w in where if w != "permission-to-share-school-records")
            found.append((order, SpecString(_pointer(path), path, value, comments, sections)))
    sections_order = list(dict.fromkeys(p.split("/")[1] for p, _ in FIELDS))

    def key(entry: tuple[int, SpecString]) -> tuple[int, tuple[int, ...], int]:
        order, item = entry
        return (sections_order.index(str(item.path[0])),
                tuple(p for p in item.path if isinstance(p, int)), order)

    return [item for _, item in sorted(found, key=key)]


def catalog_folder(spec_file: str | Path, root: Path | None = None) -> Path:
    """Return the folder of the catalogs of the spec at ``spec_file``: beside it, or under
    ``root`` (``--spec-locales``): ``<spec-stem>.locales``."""
    spec = Path(spec_file)
    return (root if root is not None else spec.parent) / f"{spec.stem}.locales"


def catalog_file(spec_file: str | Path, tag: str, root: Path | None = None) -> Path:
    """Return the catalog of the spec's text in the language ``tag``."""
    return catalog_folder(spec_file, root) / f"{normalise(tag)}.po"


def template_file(spec_file: str | Path, root: Path | None = None) -> Path:
    """Return where ``extract --spec`` writes the spec's message template by default."""
    return catalog_folder(spec_file, root) / f"{Path(spec_file).stem}.pot"


def needs_catalog(tag: str) -> bool:
    """Whether a notice in ``tag`` needs the spec's text translated (all but English)."""
    return tag.split("-")[0].lower() != "en"


def extract_spec(data: dict[str, Any]) -> Catalog:
    """Return the message template (.pot) of the spec's family-facing text."""
    pot = Catalog(project=f"docgen spec {data.get('id', '')}".strip(), version=__version__,
                  domain=DOMAIN, charset="utf-8", msgid_bugs_address="", last_translator="",
                  language_team="", header_comment=_HEADER.format(id=data.get("id", "")))
    for item in spec_strings(data):
        pot.add(item.text, None, [(f"{LETTER}/{w}", None)  # type: ignore[misc]  # no line
                                  for w in item.where],
                auto_comments=list(item.comments), context=item.pointer)
    return pot


def write_spec_template(data: dict[str, Any], path: Path) -> Path:
    """Write the spec's message template to ``path``; return it."""
    write_catalog(extract_spec(data), path)
    return path


def _new_catalog(tag: str, spec_id: str) -> Catalog:
    from .update import conventional_plurals

    from babel import UnknownLocaleError

    from .locales import catalog_dir_name

    locale: Locale | None = None
    try:
        locale = Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        pass  # a language CLDR lacks (hmn, prs, mh, chk), as docgen's own catalogs allow
    catalog = Catalog(locale=locale or catalog_dir_name(tag), domain=DOMAIN, project="docgen",
                      version=__version__,
                      charset="utf-8", fuzzy=False, msgid_bugs_address="", last_translator="",
                      language_team="", header_comment=_HEADER.format(id=spec_id))
    set_plurals(catalog, *conventional_plurals(tag, locale))
    return catalog


def _merged(catalog: Catalog, pot: Catalog,
            roll: Callable[[str], str] | None = None) -> Catalog:
    """Return ``catalog`` brought up to date with ``pot``: a string whose English changed
    keeps its old translation, marked fuzzy, with the old English (``#|``); a string moved to
    another path keeps its translation, marked fuzzy; strings gone become obsolete.

    ``roll`` (from ``docgen renew``) writes a text for the new school year: a string whose
    English changed only so ("2026-2027" → "2027-2028") has its translation rolled the same
    way, and needs no new review, as the English needed none."""
    old: dict[str | None, Message] = {m.context: m for m in catalog if m.id}
    by_text = {m.id: m for m in catalog if m.id and m.string and not m.fuzzy}
    for message in old.values():
        catalog.delete(message.id, context=message.context)
    for message in pot:
        if not message.id:
            continue
        before = old.pop(message.context, None)
        string: Any = ""
        fuzzy, previous = False, None
        if before is not None and before.id == message.id:
            string, fuzzy, previous = before.string, before.fuzzy, before.previous_id
        elif (roll is not None and before is not None and before.string and not before.fuzzy
              and roll(str(before.id)) == message.id):
            string = (tuple(roll(s) for s in before.string) if isinstance(before.string, tuple)
                      else roll(str(before.string)))
        elif before is not None and before.string:
            string, fuzzy, previous = before.string, True, [str(before.id)]
        elif message.id in by_text:
            string, fuzzy = by_text[message.id].string, True
        catalog.add(message.id, string, list(message.locations),
                    flags={"fuzzy"} if fuzzy else set(),
                    auto_comments=list(message.auto_comments),
                    user_comments=list(before.user_comments) if before else [],
                    previous_id=previous or [], context=message.context)
    for context, gone in old.items():
        catalog.obsolete[(str(gone.id), str(context))] = gone
    return catalog


def init_spec_catalog(data: dict[str, Any], spec_file: str, tag: str,
                      root: Path | None = None) -> Path:
    """Start the catalog of the spec's text in ``tag``; raise if it exists."""
    tag = normalise(tag)
    path = catalog_file(spec_file, tag, root)
    if path.exists():
        raise CatalogError.at(path, f"already exists; run docgen i18n update --spec "
                                    f"{spec_file} instead")
    write_catalog(_merged(_new_catalog(tag, str(data.get("id", ""))), extract_spec(data)), path,
                  headers=[(REVIEW_HEADER, "no")])
    return path


def spec_catalog_tags(spec_file: str, root: Path | None = None) -> list[str]:
    """Return the languages that have a catalog of the spec's text."""
    folder = catalog_folder(spec_file, root)
    return sorted(p.stem for p in folder.glob("*.po")) if folder.is_dir() else []


def update_spec_catalogs(data: dict[str, Any], spec_file: str,
                         root: Path | None = None) -> list[Path]:
    """Bring every catalog of the spec's text up to date with the spec; write its template
    too; return the catalogs written."""
    pot = extract_spec(data)
    write_catalog(pot, template_file(spec_file, root))
    written = []
    for tag in spec_catalog_tags(spec_file, root):
        path = catalog_file(spec_file, tag, root)
        opened = open_catalog(path, tag)
        write_catalog(_merged(opened.catalog, pot), path, include_previous=True)
        written.append(path)
    return written


@dataclass
class SpecTranslation:
    """The spec's text in one language: the usable translations by JSON Pointer, the problems
    that stop a notice, and the catalog's bytes (for the manifest)."""

    tag: str
    path: Path
    strings: dict[str, str]
    problems: list[Problem]
    raw: bytes = b""


def _problem(path: Path, line: int, item: SpecString, what: str, spec_file: str) -> Problem:
    label = item.text if len(item.text) <= 60 else item.text[:59] + "…"
    return Problem(str(path), line, message=f"{item.pointer}: {what}: {label!r}; " + {
        "not in the catalog": f"run `docgen i18n update --spec {spec_file}`, then translate it",
        "not translated": "translate it (in Poedit or Weblate), then build again",
        "fuzzy": ("the spec's English changed since it was translated: review the translation "
                  "against the new text, then remove the fuzzy flag"),
        "changed": (f"the spec's English changed since it was translated; run `docgen i18n "
                    f"update --spec {spec_file}`, then review the translation"),
        "broken": "the translation contains a control character; retype it",
        "reordered": ("the translation contains an invisible character that reorders the text "
                      "around it (U+202A to U+202E, U+2066 to U+2069); delete it (in Poedit, "
                      "retype the text around it)"),
    }[what.split(" (")[0] if not what.startswith("not in") else "not in the catalog"])


def spec_translation(data: dict[str, Any], spec_file: str, tag: str,
                     root: Path | None = None, *, use_fuzzy: bool = False) -> SpecTranslation:
    """Return the spec's text in ``tag`` from its catalog, with what stops a notice.

    A string is used only if the catalog has it at the same path with the same English, not
    fuzzy (unless ``use_fuzzy``, for a draft) and translated.
    """
    path = catalog_file(spec_file, tag, root)
    wanted = spec_strings(data)
    if not path.is_file():
        problems = [Problem(str(path), message=(
            f"no catalog of the spec's text in {tag} ({len(wanted)} strings to translate); "
            f"start it with `docgen i18n init {tag} --spec {spec_file}`"))] if wanted else []
        return SpecTranslation(tag, path, {}, problems)
    opened = open_catalog(path, tag)
    by_context = {m.context: m for m in opened.catalog if m.id}
    # a string the file has twice (an obsolete #~ copy too): gettext's msgfmt refuses the file
    strings, problems = {}, list(opened.problems) + list(opened.duplicates)
    for item in wanted:
        message = by_context.get(item.pointer)
        if message is None:
            problems.append(_problem(path, 0, item, "not in the catalog", spec_file))
            continue
        line = message.lineno or 0
        string = message.string if isinstance(message.string, str) else ""
        if message.id != item.text:
            problems.append(_problem(path, line, item, "changed", spec_file))
        elif message.fuzzy:
            problems.append(_problem(path, line, item, "fuzzy", spec_file))
            if use_fuzzy and string:
                strings[item.pointer] = string
        elif not string:
            problems.append(_problem(path, line, item, "not translated", spec_file))
        elif control_characters(string):
            problems.append(_problem(path, line, item, "broken", spec_file))
        elif set(string) & BIDI_CONTROLS - set(item.text):
            problems.append(_problem(path, line, item, "reordered", spec_file))
        else:
            strings[item.pointer] = string
    # in the letter's digits, as the template's own text (docgen.i18n.translate): a
    # translator types Latin digits in Poedit; a phone number or an id keeps them, and so do
    # the numbers of the places the English names ("rooms 14 to 16"), however it is worded
    english = {item.pointer: item.text for item in wanted}
    strings = {pointer: localise_digits(text, tag, keep=place_numbers(english[pointer]))
               for pointer, text in strings.items()}
    return SpecTranslation(tag, path, strings, problems, path.read_bytes())


def translated(data: dict[str, Any], strings: dict[str, str]) -> dict[str, Any]:
    """Return a copy of the spec ``data`` with each string in ``strings`` (by JSON Pointer)
    replaced by its translation."""
    out = copy.deepcopy(data)
    for pointer, text in strings.items():
        keys: list[str | int] = [int(k) if re.fullmatch(r"\d+", k) else
                                 k.replace("~1", "/").replace("~0", "~")
                                 for k in pointer.strip("/").split("/")]
        node: Any = out
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = text
    return out


def carry_over(old_file: str | Path, new_data: dict[str, Any], new_file: str | Path,
               root: Path | None = None) -> list[Path]:
    """Start the catalogs of a renewed spec (``docgen renew``) from last year's: each string
    the renewal left as it was keeps its translation; one it changed keeps the old one marked
    fuzzy, for a translator to review. A catalog already beside the new spec is left alone.
    Return the catalogs written."""
    pot = extract_spec(new_data)
    roll = _year_roll(Path(old_file), new_data)
    written = []
    for tag in spec_catalog_tags(str(old_file), root):
        target = catalog_file(new_file, tag, root)
        if target.exists():
            continue
        opened = open_catalog(catalog_file(old_file, tag, root), tag)
        write_catalog(_merged(opened.catalog, pot, roll), target, include_previous=True)
        written.append(target)
    if written:
        write_catalog(pot, template_file(new_file, root))
    return written


def _year_roll(old_file: Path, new_data: dict[str, Any]) -> Callable[[str], str] | None:
    """The rewriting ``docgen renew`` did to the spec's text, for its translations: last
    year's school year ("2026-2027", "2026-27") written as the new one's."""
    try:
        old = json.loads(old_file.read_text(encoding="utf-8-sig")).get("school_year")
    except (OSError, ValueError, AttributeError):
        return None
    new = new_data.get("school_year")
    if not (isinstance(old, str) and isinstance(new, str) and len(old) == len(new) == 9):
        return None
    pairs = [(old, new), (f"{old[:5]}{old[-2:]}", f"{new[:5]}{new[-2:]}")]

    def roll(text: str) -> str:
        for before, after in pairs:
            text = text.replace(before, after)
        return text

    return roll
