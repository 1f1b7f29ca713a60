"""Renew a spec for a later school year: roll its dates forward, bump its version, and list what
the coordinator must re-confirm before the renewed agreement is signed.

``renew(spec, "2027-2028")`` returns a :class:`Renewal` whose ``text`` is the new spec (the
original's key order, indent 2, a final newline) and whose ``reconfirm`` list is also recorded in
the new spec's ``annual_review``. The new spec is checked like any other before it is returned;
:func:`write_renewal` writes it without ever overwriting a file by accident.

What changes:

* ``school_year``, and the year in ``id`` when the id embeds it (``…-2026-27`` → ``…-2027-28``);
* every date of the term (the term itself, service days, the insurance certificate's due date,
  the family notices' enroll-by date, a study's end) moves forward to the nearest same weekday
  (Monday 10 August 2026 → Monday 9 August 2027), except the first and last days of a month,
  which keep the day of the month (a 29 February becoming the 28th), and no date leaves its
  school year or changes order with another (:mod:`docgen.renew_dates` has the rules); each is
  listed with both weekdays; an IRB approval date is a fact of the past and stays;
* the old school year written out in free text (``for the 2026-2027 school year``) becomes the
  new one; text that still mentions an old year is listed to re-confirm;
* ``version`` goes up by one (the schema: "goes up by one at each renewal"), ``schema_version``
  becomes the latest (1.2), each commitment last year's spec left to its schema version's
  default is written in with that value (:func:`write_in_commitments`), and ``annual_review``
  starts afresh with ``renewed_from`` and ``reconfirm``.

Signatures carry no dates in the schema, so there is nothing of last year's signing to clear.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterator

from .context import old_defaults
from .formatting import WEEKDAYS, Formatter
from .errors import OutputError, Problem, SpecError
from .output import describe, holding, write_whole
from .spec.positions import source_map
from .i18n.locales import DEFAULT_LOCALE
from .i18n.spectext import carry_over
from .errors import PathItem, json_path
from .resources import Resources
from .spec.schema import SUPPORTED_SCHEMA_VERSIONS, Spec, check_spec, schema
from .spec.schema import resolve_ref as _resolve
from .renew_dates import MovedDate, how, move_dates
from .renew_dates import roll_date as roll_date  # moves a date by whole years

#: Where a value is in a spec: the keys and indexes to walk.
Where = tuple[PathItem, ...]

#: The schema version a renewed spec is written in (the first with ``annual_review``).
RENEWED_SCHEMA_VERSION = SUPPORTED_SCHEMA_VERSIONS[-1]

#: Dates that record something that happened, not something of the term: they stay as they are.
_FIXED_DATES = {("data_sharing", "irb", "approved_on")}

_SCHOOL_YEAR = re.compile(r"([0-9]{4})-([0-9]{4})")


@dataclass
class Renewal:
    """A renewed spec: its data (key order kept), its JSON text, and what to re-confirm."""

    data: dict[str, Any]
    text: str
    reconfirm: list[dict[str, Any]] = field(default_factory=list)


def school_year_problem(value: str, after: str | None = None) -> str | None:
    """Return what is wrong with ``value`` as a school year later than ``after``, or None."""
    match = _SCHOOL_YEAR.fullmatch(value)
    if not match:
        return f"{value!r} is not a school year; write it as YYYY-YYYY, e.g. 2027-2028"
    first, second = int(match[1]), int(match[2])
    if second != first + 1:
        return f"{value!r} should span one year, e.g. '{first}-{first + 1}'"
    if after is not None and _SCHOOL_YEAR.fullmatch(after) and first <= int(after[:4]):
        return f"{value} is not later than the spec's school year {after}"
    return None


def _walk(node: dict[str, Any], value: Any, path: Where = ()
          ) -> Iterator[tuple[Where, dict[str, Any], str | None, Any]]:
    """Yield ``(path, schema node, $defs name, value)`` for every value the schema describes."""
    node, ref = _resolve(node)
    yield path, node, ref, value
    if isinstance(value, dict):
        for name, sub in node.get("properties", {}).items():
            if name in value:
                yield from _walk(sub, value[name], path + (name,))
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for i, item in enumerate(value):
            yield from _walk(node["items"], item, path + (i,))


def _get(data: Any, path: Where) -> Any:
    for part in path:
        data = data[part]
    return data


def _put(data: Any, path: Where, value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


def _title(path: Where) -> str:
    """Return the schema's titles along ``path``, e.g. 'Evaluation and reporting › Reporting'."""
    titles = []
    node: dict[str, Any] = schema()
    for part in path:
        node, _ = _resolve(node)
        if isinstance(part, int):
            node = node.get("items", {})
            continue
        node = node.get("properties", {}).get(part, {})
        titles.append(_resolve(node)[0].get("title", part))
    return " › ".join(titles)


def _insert_after(data: dict[str, Any], after: str, key: str, value: Any) -> dict[str, Any]:
    """Return ``data`` with ``key`` set: in place if present, else right after ``after``."""
    if key in data or after not in data:
        data[key] = value
        return data
    out: dict[str, Any] = {}
    for k, v in data.items():
        out[k] = v
        if k == after:
            out[key] = value
    return out


def new_id(old_id: str, old_year: str, new_year: str) -> str:
    """Return ``old_id`` with the school year it embeds replaced, or unchanged if it has none.

    >>> new_id("lincoln-es-bright-futures-2026-27", "2026-2027", "2027-2028")
    'lincoln-es-bright-futures-2027-28'
    >>> new_id("lincoln-2026-2027", "2026-2027", "2027-2028")
    'lincoln-2027-2028'
    >>> new_id("lincoln-fy2026", "2026-2027", "2027-2028")
    'lincoln-fy2027'
    >>> new_id("lincoln", "2026-2027", "2027-2028")
    'lincoln'
    """
    forms = [(old_year, new_year),
             (f"{old_year[:4]}-{old_year[7:]}", f"{new_year[:4]}-{new_year[7:]}"),
             (old_year[:4], new_year[:4])]
    for old, new in forms:
        pattern = re.compile(rf"(?<![0-9]){re.escape(old)}(?![0-9])")
        if pattern.search(old_id):
            return pattern.sub(new, old_id)
    return old_id


def _relative_schema(ref: Any, old_file: str, new_file: str) -> Any:
    """Return the ``$schema`` reference as seen from ``new_file`` when it is a relative path."""
    if (not isinstance(ref, str) or re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I)
            or ref.startswith("/")):
        return ref
    target = Path(old_file).resolve().parent / ref
    if not target.is_file():
        return ref
    relative = os.path.relpath(target, Path(new_file).resolve().parent)
    return PurePosixPath(*Path(relative).parts).as_posix()


def renew(spec: Spec, school_year: str, *, new_file: str,
          review_date: dt.date | None = None,
          resources: Resources | None = None) -> Renewal:
    """Return ``spec`` renewed for ``school_year``; raise :class:`SpecError` if it would not be
    valid (its problems located in ``new_file``, which is not written).

    ``spec`` must be valid; ``school_year`` must pass :func:`school_year_problem`.
    """
    old = spec.data
    old_year = old["school_year"]
    years = int(school_year[:4]) - int(old_year[:4])
    old_version = old.get("version", 1)
    fmt = Formatter(DEFAULT_LOCALE, old.get("currency", "USD"))
    data = copy.deepcopy(old)

    dates: dict[Where, dt.date] = {}
    year_mentions: list[tuple[Where, str, str, str | None]] = []
    old_years = {old_year[:4], old_year[5:]}
    mention = re.compile(r"(?<![0-9])(" + "|".join(sorted(old_years)) + r")(?![0-9])")
    for path, _, ref, value in list(_walk(schema(), old)):
        if not path or path[0] in ("annual_review", "id", "school_year", "$schema"):
            continue
        if ref == "date" and isinstance(value, str) and path not in _FIXED_DATES:
            dates[path] = dt.date.fromisoformat(value)
        elif ref in ("text", "line") and isinstance(value, str):
            this_year = re.compile(rf"(?<![0-9]){re.escape(old_year)}(?![0-9])")
            replaced = value
            if this_year.search(value) and school_year not in value:
                # "for the 2026-2027 school year" → 2027-2028; a text that already names the new
                # year ("the 2026-2027 and 2027-2028 school years") is left for a person
                replaced = this_year.sub(school_year, value)
                _put(data, path, replaced)
                year_mentions.append((path, old_year, replaced, value))
            found = mention.findall(this_year.sub("", value) if replaced != value else value)
            if found and path[:2] != ("data_sharing", "irb"):  # the IRB has an item of its own
                year_mentions.append((path, "/".join(sorted(set(found))), replaced, None))

    moved = move_dates(dates, years, int(school_year[:4]))
    for path, move in moved.items():
        _put(data, path, move.new.isoformat())

    written = write_in_commitments(data, old)
    data["schema_version"] = RENEWED_SCHEMA_VERSION
    data["school_year"] = school_year
    data = _insert_after(data, "school_year", "version", old_version + 1)
    data["id"] = new_id(old["id"], old_year, school_year)
    if data["id"] == old["id"]:  # an id without a year: give it one, so the folders differ
        data["id"] = f"{old['id']}-{school_year[:4]}-{school_year[7:]}"
    if "$schema" in data:
        data["$schema"] = _relative_schema(old["$schema"], spec.file, new_file)

    reconfirm = _reconfirm(data, school_year, old_year, moved, year_mentions, fmt) + written
    review: dict[str, Any] = {}
    if review_date is not None:
        review["review_date"] = review_date.isoformat()
    review["renewed_from"] = {"school_year": old_year, "version": old_version}
    review["reconfirm"] = reconfirm
    data["annual_review"] = review

    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    renewed = Spec(new_file, json.loads(text), hashlib.sha256(text.encode("utf-8")).hexdigest(),
                   source_map(text))
    problems = check_spec(renewed, resources)
    if problems:
        raise SpecError(
            f"{new_file}: the renewed spec would have {len(problems)} problem(s); not written",
            problems + [Problem(new_file, 0, 0, None, f"not written: the spec renewed from "
                                f"{spec.file} would have {len(problems)} problem(s)")])
    return Renewal(data, text, reconfirm)


def write_in_commitments(data: dict[str, Any], old: dict[str, Any]) -> list[dict[str, Any]]:
    """Write into ``data`` each commitment the spec ``old`` left to its schema version's default
    (1.0 and 1.1 had defaults for them; from 1.2 a spec promises only what it writes), with the
    value that default gave, so that the renewed spec promises what last year's did, visibly.

    Return an item to re-confirm for each, in the order of the schema.
    """
    version = old.get("schema_version")
    items = []
    for path, value in old_defaults(old):
        node, props = data, schema()
        for depth, key in enumerate(path):
            props = _resolve(props)[0]
            assert isinstance(key, str)  # no commitment sits in a list
            names = list(props.get("properties", {}))
            if key not in node:
                new = copy.deepcopy(value) if depth == len(path) - 1 else {}
                # keep the schema's order: before the first field that comes after it there
                later = next((n for n in names[names.index(key) + 1:] if n in node), None)
                entries = list(node.items())
                at = [k for k, _ in entries].index(later) if later else len(entries)
                entries.insert(at, (key, new))
                node.clear()
                node.update(entries)
            node, props = node[key], props["properties"][key]
        shown = json.dumps(value, ensure_ascii=False)
        items.append(_item(f"Written in: {_title(path)}: {shown}",
                           f"last year's spec promised this only through schema {version}'s "
                           "default; it is written in now: keep it only if the parties still "
                           "agree", path))
    return items


def _item(item: str, reason: str, path: Where) -> dict[str, Any]:
    # an item is one line in the schema; keep it so whatever the spec's text holds
    return {"item": " ".join(item.split())[:500], "reason": reason, "field": json_path(path),
            "confirmed": False}


def _reconfirm(data: dict[str, Any], year: str, old_year: str,
               moved: dict[Where, MovedDate],
               mentions: list[tuple[Where, str, str, str | None]],
               fmt: Formatter) -> list[dict[str, Any]]:
    """Return what the coordinator must re-confirm for ``data``, in the order of the agreement."""
    return (_dates(data, year, moved, fmt) + _people(data, year, fmt)
            + _data_sharing(data, year, old_year, fmt) + _funding(data, year, fmt)
            + _mentions(year, mentions))


def _party_name(data: dict[str, Any], key: str) -> str:
    party = data.get("parties", {}).get(key) or {}
    return str(party.get("short_name") or party.get("legal_name") or key)


def _date_label(data: dict[str, Any], path: Where) -> str:
    """Return the name of the date at ``path``, e.g. 'First day of Bright Futures'."""
    if path[0] == "services" and isinstance(path[1], int):
        which = "First day" if path[-1] == "first_day" else "Last day"
        return f"{which} of {data['services'][path[1]]['name']}"
    return _DATE_LABELS.get(path) or _title(path)


_DATE_LABELS: dict[Where, str] = {
    ("term", "start"): "Term start",
    ("term", "end"): "Term end",
    ("insurance", "certificate_due"): "Insurance certificate due date",
    ("data_sharing", "study", "ends"): "Study end date",
    ("family_notices", "enroll_by"): "Enroll-by date of the family notices",
}


def _date_advice(path: Where, year: str) -> str:
    """Return what to check about the moved date at ``path``."""
    if path == ("insurance", "certificate_due"):
        return "check that the partner can deliver its certificate of insurance by then"
    if path == ("family_notices", "enroll_by"):
        return f"check the enrollment deadline against the {year} school calendar"
    if path == ("data_sharing", "study", "ends"):
        return ("the study's duration is part of the FERPA agreement, so confirm the study goes "
                "on until then")
    return f"check it against the {year} school calendar"


def _dates(data: dict[str, Any], year: str, moved: dict[Where, MovedDate],
           fmt: Formatter) -> list[dict[str, Any]]:
    """Each date moved forward, in the order of the spec: from and to, with their weekdays."""
    def long(day: dt.date) -> str:
        return f"{fmt.weekday(WEEKDAYS[day.weekday()])}, {fmt.date(day.isoformat())}"

    def in_a_sentence(path: Where) -> str:
        label = _date_label(data, path)
        return "the " + label[0].lower() + label[1:]

    return [_item(_date_label(data, path),
                  f"{long(move.old)} → {long(move.new)} "
                  f"({how(move, long, in_a_sentence, year)}); {_date_advice(path, year)}", path)
            for path, move in moved.items()]


def _people(data: dict[str, Any], year: str, fmt: Formatter) -> list[dict[str, Any]]:
    """The contacts, the insurance certificate, the background checks."""
    items: list[dict[str, Any]] = []
    for i, contact in enumerate(data.get("contacts", [])):
        role = f"the {contact['title']}" if contact.get("title") else "the contact"
        items.append(_item(f"Contact: {contact['name']} ({contact['email']})",
                           f"check that {contact['name']} is still {role} at "
                           f"{_party_name(data, contact['party'])}, and that the name, "
                           "e-mail and phone are right", ("contacts", i)))
    insurance = data.get("insurance")
    if insurance:
        due = (f"; it is due {fmt.date(insurance['certificate_due'])}"
               if "certificate_due" in insurance else "")
        items.append(_item(f"Insurance certificate for {year}",
                           f"the partner's certificate of insurance must cover the new term{due}",
                           ("insurance",)))
    safety = data.get("safety") or {}
    with_students = any(set(s.get("population", {}).get("grades", [])) - {"adult"}
                        or not s.get("population", {}).get("grades")
                        for s in data.get("services", []))
    if "background_checks" in safety or with_students:
        standard = safety.get("background_checks", {}).get("standard")
        items.append(_item("Background checks of partner staff and volunteers",
                           "everyone who works with students needs a current check"
                           + (f" ({standard})" if standard else ""),
                           ("safety", "background_checks") if "background_checks" in safety
                           else ("services",)))
    return items


def _data_sharing(data: dict[str, Any], year: str, old_year: str,
                  fmt: Formatter) -> list[dict[str, Any]]:
    """The student data shared, who sees it, its destruction and IRB (a study's end is a date)."""
    items: list[dict[str, Any]] = []
    sharing = data.get("data_sharing") or {}
    if not sharing.get("shares_student_data"):
        return []
    for i, element in enumerate(sharing.get("data_elements", [])):
        purpose = element.get("purpose") or sharing.get("purpose")
        items.append(_item(f"Data element still needed: {element['name']}",
                           "check that the partner still needs it" +
                           (f" {purpose}" if purpose else " for the stated purpose"),
                           ("data_sharing", "data_elements", i)))
    users = sharing.get("authorized_users", [])
    if users:
        items.append(_item("Authorized users of student data",
                           "check that each still needs access and has signed a "
                           "confidentiality acknowledgement: "
                           + "; ".join(u["name"] for u in users),
                           ("data_sharing", "authorized_users")))
    destruction = sharing.get("destruction")
    if destruction is not None:
        if destruction.get("certification_required") is True:  # a 1.2 spec promises it only so
            what, reason = (f"Certificates of destruction for {old_year} data",
                            "the partner certifies in writing that it destroyed the student "
                            "data it no longer needs")
        else:
            what, reason = (f"Destruction of {old_year} data",
                            "check that the partner destroyed the student data it no longer "
                            "needs")
        if "within_days" in destruction:
            reason += f", within {destruction['within_days']} days"
        items.append(_item(what, reason, ("data_sharing", "destruction")))
    irb = sharing.get("irb")
    if irb:
        approval = f" {irb['approval_id']}" if "approval_id" in irb else ""
        when = f", approved {fmt.date(irb['approved_on'])}" if "approved_on" in irb else ""
        items.append(_item(f"IRB approval{approval}{when}",
                           f"check that {irb['board']}'s approval covers {year}",
                           ("data_sharing", "irb")))
    return items


def _funding(data: dict[str, Any], year: str, fmt: Formatter) -> list[dict[str, Any]]:
    """Each party's contribution and the grant."""
    items: list[dict[str, Any]] = []
    funding = data.get("funding") or {}
    for i, contribution in enumerate(funding.get("contributions", [])):
        if "amount" in contribution:
            items.append(_item(f"Funding: {_party_name(data, contribution['party'])} contributes "
                               f"{fmt.money(contribution['amount'])}",
                               f"check the amount for {year}: {contribution['description']}",
                               ("funding", "contributions", i, "amount")))
    if "grant" in funding:
        items.append(_item(f"Grant: {funding['grant']}",
                           f"check that the grant still funds the work in {year}",
                           ("funding", "grant")))
    return items


def _mentions(year: str, mentions: list[tuple[Where, str, str, str | None]]
              ) -> list[dict[str, Any]]:
    """The free text that named the old school year: updated, or to update by hand."""
    items: list[dict[str, Any]] = []
    for path, found, text, original in mentions:
        if original is not None:
            items.append(_item(f"Text updated for {year}: {_title(path)}",
                               f"check that it still reads right: \"{original}\" now reads "
                               f"\"{text}\"", path))
        else:
            items.append(_item(f"Text that mentions {found}: {_title(path)}",
                               f"update any date in it for {year}: \"{text}\"", path))
    return items


def write_renewal(renewal: Renewal, new_file: str | Path, *, old_file: str | Path,
                  force: bool = False) -> None:
    """Write ``renewal`` to ``new_file`` through a temporary file; never over ``old_file``, and
    over another existing file only with ``force``. The catalogs of the old spec's own text
    are carried over beside the new one (:func:`docgen.i18n.spectext.carry_over`)."""
    target = Path(new_file)
    label = str(new_file)
    try:
        _check_target(target, label, Path(old_file), force)
        # the folder held (a killed run's file completed or removed), then checked again
        with holding([target]):
            _check_target(target, label, Path(old_file), force)
            write_whole(target, renewal.text.encode("utf-8"))
            # the translations of the spec's own text come along, changed strings marked fuzzy
            carry_over(old_file, json.loads(renewal.text), target)
    except OSError as e:
        raise OutputError.at(label, f"cannot be written: {describe(e)}") from None


def _check_target(target: Path, label: str, old_file: Path, force: bool) -> None:
    """Refuse to write the renewal over the spec it renews, a folder, or (without ``force``)
    any existing file."""
    if target.exists() and target.resolve() == old_file.resolve():
        raise OutputError.at(label, "is the spec being renewed; write the renewal to a new file "
                          "so that last year's spec is kept")
    if target.is_dir():
        raise OutputError.at(label, "is a folder; give the file name of the new spec")
    if target.exists() and not force:
        raise OutputError.at(label, "already exists; pass --force to replace it")
