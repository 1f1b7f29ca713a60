"""Domain rules: what a spec must satisfy beyond its schema.

Each rule reads the spec defensively (a value of the wrong type is the schema's problem, reported
there) and reports through :meth:`Spec.problem`, so every message carries its file, line, column
and JSON path. The legal rules follow 34 CFR Part 99 as summarised in DOMAIN.md §1.
"""

from __future__ import annotations

import datetime as dt
import decimal
import difflib
import math
import re
import functools
import unicodedata
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import PathItem, Problem
from ..i18n.locales import locale_problem, normalise
from .law import RULES as LAW_RULES
from .model import Spec, schema
from .sections import RULES as SECTION_RULES

PARTIES = ("school", "district", "partner", "lead_agency")

_BASIS_NAMES = {
    "consent": "parental consent (34 CFR § 99.30)",
    "school_official": "the school-official exception (34 CFR § 99.31(a)(1))",
    "studies": "the studies exception (34 CFR § 99.31(a)(6))",
    "audit_evaluation": "the audit or evaluation exception (34 CFR § 99.35)",
}


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _date(value: Any) -> dt.date | None:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            return None
    return None


def _ids(items: list[Any]) -> list[str]:
    return [i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)]


def _unknown(word: str, known: list[str], what: str, where: str) -> str:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else (
        f"; defined: {', '.join(known)}" if known else f"; {where} defines none")
    return f"{word!r} is not a {what} defined in {where}{hint}"


def rule_problems(spec: Spec, catalogs: Path | None = None) -> list[Problem]:
    """Return every domain-rule problem of ``spec``; its family-notice languages are checked
    against the catalogs in the folder ``catalogs`` (None: the shipped ones)."""
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(spec))
    problems.extend(locales_are_supported(spec, catalogs))
    return problems


Rule = Callable[[Spec], Iterator[Problem]]
RULES: list[Rule] = list(LAW_RULES)  # the law cited is right for the parties (law.py)
RULES += SECTION_RULES  # what a partner type's sections need (sections.py)


def rule(fn: Rule) -> Rule:
    """Register ``fn`` as a rule every spec is checked by."""
    RULES.append(fn)
    return fn


def _leaves(value: Any, path: tuple[PathItem, ...] = ()
            ) -> Iterator[tuple[tuple[PathItem, ...], Any]]:
    """Yield the path and value of every scalar in ``value``, depth first."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, path + (i,))
    else:
        yield path, value


#: Unicode's embedding, override and isolate controls (LRE … RLO, LRI … PDI)
_DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@rule
def text_is_printable(spec: Spec) -> Iterator[Problem]:
    """Every text can be written into a document: no control characters, no lone surrogates."""
    for path, value in _leaves(spec.data):
        if not isinstance(value, str):
            continue
        for ch in value:
            cat = unicodedata.category(ch)
            if (cat == "Cc" and ch not in "\n\t") or cat == "Cs" or ch in "\ufffe\uffff":
                yield spec.problem(
                    path,
                    f"contains the invisible character U+{ord(ch):04X}, which a document "
                    "cannot hold; delete it (it often comes from copying and pasting)",
                )
                break
            if ch in _DIRECTION_CONTROLS:
                yield spec.problem(
                    path,
                    f"contains the invisible direction control U+{ord(ch):04X}, which can "
                    "reorder how the words around it read in a signed document; delete it "
                    "(docgen sets the direction of text itself)",
                )
                break


@rule
def school_year_and_term(spec: Spec) -> Iterator[Problem]:
    """The school year spans one year; the term ends after it starts."""
    year = spec.data.get("school_year")
    first = None
    if (isinstance(year, str) and re.fullmatch(r"[0-9]{4}-[0-9]{4}", year)):
        first = int(year[:4])
        if int(year[5:]) != first + 1:
            yield spec.problem(("school_year",), f"{year!r} should span one year, e.g. "
                               f"'{first}-{first + 1}'")
            first = None
    term = _obj(spec.data.get("term"))
    start, end = _date(term.get("start")), _date(term.get("end"))
    if start and end and end <= start:
        yield spec.problem(("term", "end"), f"the term ends ({end}) on or before it starts "
                           f"({start})")
    if start and first and not dt.date(first, 1, 1) <= start <= dt.date(first + 1, 6, 30):
        yield spec.problem(("term", "start"), f"the term starts on {start}, outside the "
                           f"{year} school year; check the school year or the date")
    for i, service in enumerate(_list(spec.data.get("services"))):
        schedule = _obj(_obj(service).get("schedule"))
        first_day, last_day = _date(schedule.get("first_day")), _date(schedule.get("last_day"))
        base = ("services", i, "schedule")
        if first_day and last_day and last_day < first_day:
            yield spec.problem(base + ("last_day",), f"the last day ({last_day}) is before the "
                               f"first day ({first_day})")
        for name, day in (("first_day", first_day), ("last_day", last_day)):
            if day and start and end and not start <= day <= end:
                yield spec.problem(base + (name,),
                                   f"{day} is outside the term ({start} to {end})")
        st, et = schedule.get("start_time"), schedule.get("end_time")
        if isinstance(st, str) and isinstance(et, str) and len(st) == len(et) == 5 and et <= st:
            yield spec.problem(base + ("end_time",),
                               f"the session ends ({et}) on or before it starts ({st})")
        if (st is None) != (et is None) and isinstance(schedule, dict):
            missing = "end_time" if et is None else "start_time"
            yield spec.problem(base, f"give both 'start_time' and 'end_time', or neither; "
                               f"{missing!r} is missing")


@rule
def ids_are_unique(spec: Spec) -> Iterator[Problem]:
    """Role and contact ids are unique, so references are unambiguous."""
    for section in ("roles", "contacts"):
        seen: set[str] = set()
        for i, item in enumerate(_list(spec.data.get(section))):
            ident = _obj(item).get("id")
            if isinstance(ident, str):
                if ident in seen:
                    yield spec.problem((section, i, "id"),
                                       f"the id {ident!r} is used twice in ${section}")
                seen.add(ident)


@rule
def references_are_defined(spec: Spec) -> Iterator[Problem]:
    """Every role, contact and party that is referred to is defined."""
    data = spec.data
    roles = _ids(_list(data.get("roles")))
    contacts = _ids(_list(data.get("contacts")))
    parties = [p for p in PARTIES if p in _obj(data.get("parties"))]

    for i, activity in enumerate(_list(data.get("raci"))):
        for role in _obj(_obj(activity).get("assignments")):
            if role not in roles and re.fullmatch(r"[a-z][a-z0-9_]{0,39}", role):
                yield spec.problem(("raci", i, "assignments", role),
                                   _unknown(role, roles, "role", "$.roles"), key=True)
    for i, role in enumerate(_list(_obj(data.get("meetings")).get("participants"))):
        if isinstance(role, str) and role not in roles:
            yield spec.problem(("meetings", "participants", i),
                               _unknown(role, roles, "role", "$.roles"))
    for i, role in enumerate(_list(data.get("roles"))):
        holder = _obj(role).get("holder")
        if isinstance(holder, str) and holder not in contacts:
            yield spec.problem(("roles", i, "holder"),
                               _unknown(holder, contacts, "contact", "$.contacts"))
    notify = _obj(_obj(data.get("data_sharing")).get("breach")).get("notify")
    if isinstance(notify, str) and notify not in contacts:
        yield spec.problem(("data_sharing", "breach", "notify"),
                           _unknown(notify, contacts, "contact", "$.contacts"))

    def party_ref(path: tuple[PathItem, ...], value: Any, what: str) -> Iterator[Problem]:
        if isinstance(value, str) and value in PARTIES and value not in parties:
            yield spec.problem(path, f"{what} {value!r}, but $.parties has no {value}")

    for i, role in enumerate(_list(data.get("roles"))):
        yield from party_ref(("roles", i, "party"), _obj(role).get("party"), "the role belongs to")
    for i, contact in enumerate(_list(data.get("contacts"))):
        yield from party_ref(("contacts", i, "party"), _obj(contact).get("party"),
                             "the contact works for")
    for i, item in enumerate(_list(_obj(data.get("funding")).get("contributions"))):
        yield from party_ref(("funding", "contributions", i, "party"), _obj(item).get("party"),
                             "the contribution comes from")
    checks = _obj(_obj(data.get("safety")).get("background_checks"))
    yield from party_ref(("safety", "background_checks", "paid_by"), checks.get("paid_by"),
                         "the checks are paid by")
    for side in ("district", "lead_agency"):
        if _obj(data.get("responsibilities")).get(side) and side not in parties:
            yield spec.problem(("responsibilities", side),
                               f"lists responsibilities for {side!r}, but $.parties has no {side}")


@rule
def signatories_belong_to_parties(spec: Spec) -> Iterator[Problem]:
    """Each signature is for a party of the agreement, and each party signs."""
    parties = [p for p in PARTIES if p in _obj(spec.data.get("parties"))]
    signatures = _list(spec.data.get("signatures"))
    signing = set()
    for i, sig in enumerate(signatures):
        party = _obj(sig).get("party")
        if isinstance(party, str):
            signing.add(party)
            if party in PARTIES and party not in parties:
                yield spec.problem(("signatures", i, "party"),
                                   f"signs for {party!r}, but $.parties has no {party}")
    if not isinstance(spec.data.get("signatures"), list):
        return
    for party in parties:
        if party not in signing:
            if party == "school" and "district" in signing:
                continue  # the district signs for its school
            yield spec.problem(("signatures",), f"no one signs for the {party.replace('_', ' ')}"
                               f" ({_obj(_obj(spec.data['parties']).get(party)).get('legal_name', party)})")


@rule
def raci_has_one_accountable(spec: Spec) -> Iterator[Problem]:
    """Every RACI activity has exactly one A and at least one R (A/R counts as both)."""
    for i, activity in enumerate(_list(spec.data.get("raci"))):
        assignments = _obj(_obj(activity).get("assignments"))
        if not assignments:
            continue
        name = _obj(activity).get("activity", f"activity {i + 1}")
        accountable = [r for r, v in assignments.items() if v in ("A", "A/R")]
        responsible = [r for r, v in assignments.items() if v in ("R", "A/R")]
        path = ("raci", i, "assignments")
        if not accountable:
            yield spec.problem(path, f"{name!r} has no A (accountable); give exactly one role "
                               "an A or A/R")
        elif len(accountable) > 1:
            yield spec.problem(path, f"{name!r} has {len(accountable)} A's "
                               f"({', '.join(accountable)}); exactly one role is accountable")
        if not responsible:
            yield spec.problem(path, f"{name!r} has no R (responsible); give at least one role "
                               "an R or A/R")


@rule
def amounts_are_money(spec: Spec) -> Iterator[Problem]:
    """Every amount is a finite number of whole cents."""
    for path, value in _leaves(spec.data):
        if not isinstance(value, float):
            continue
        if not math.isfinite(value):
            yield spec.problem(path, "is too large to be a number docgen can write")
        elif path and path[-1] in money_fields():
            exponent = decimal.Decimal(repr(value)).as_tuple().exponent
            if isinstance(exponent, int) and exponent < -2:
                yield spec.problem(path, f"{value!r} has more than two decimal places; "
                                   "write the amount in whole cents")


@functools.lru_cache(maxsize=1)
def money_fields() -> frozenset[str]:
    """Return the names of the shipped schema's properties that are amounts of money."""
    return _fields_of("#/$defs/money")


@functools.lru_cache(maxsize=1)
def date_fields() -> frozenset[str]:
    """Return the names of the shipped schema's properties that are dates."""
    return _fields_of("#/$defs/date")


#: The years a partnership's date can fall in; a date outside them is a year mistyped (a
#: date box that read "9/1/2027" as 0027-09-12, "2207" for 2027) and would be signed as such.
FIRST_YEAR, LAST_YEAR = 1900, 2200


@rule
def dates_fall_in_years_a_partnership_can_have(spec: Spec) -> Iterator[Problem]:
    """Every date is in a year from 1900 to 2200: what is outside is a year mistyped."""
    for path, value in _leaves(spec.data):
        day = _date(value) if path and path[-1] in date_fields() else None
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            yield spec.problem(
                path, f"{value} is a date in the year {day.year}, which no partnership has; "
                f"write the year with its four digits (YYYY-MM-DD, e.g. 2027-09-01)")


def _fields_of(ref: str) -> frozenset[str]:
    """Return the names of the shipped schema's properties of the definition ``ref``."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if isinstance(sub, dict) and sub.get("$ref") == ref:
                    names.add(name)
            for sub in node.values():
                walk(sub)
        elif isinstance(node, list):
            for sub in node:
                walk(sub)

    walk(schema())
    return frozenset(names)


@rule
def insurance_amounts(spec: Spec) -> Iterator[Problem]:
    """The aggregate limit is not below the per-occurrence limit."""
    ins = _obj(spec.data.get("insurance"))
    per, agg = ins.get("general_liability_per_occurrence"), ins.get("general_liability_aggregate")
    if isinstance(per, (int, float)) and isinstance(agg, (int, float)) and agg < per:
        yield spec.problem(("insurance", "general_liability_aggregate"),
                           f"the aggregate ({agg:,}) is below the per-occurrence limit ({per:,})")


#: The subsection of ``data_sharing`` each FERPA legal basis requires (docgen serve shows it
#: in place when the basis is chosen).
BASIS_REQUIRES: dict[str, tuple[str, ...]] = {
    "consent": ("consent",),
    "school_official": ("school_official",),
    "studies": ("study",),
    "audit_evaluation": ("evaluation",),
}


@rule
def data_sharing_elements(spec: Spec) -> Iterator[Problem]:
    """What the FERPA legal basis requires is present (DOMAIN.md §1.1–§1.4)."""
    ds = spec.data.get("data_sharing")
    if not isinstance(ds, dict) or not isinstance(ds.get("shares_student_data"), bool):
        return
    base = ("data_sharing",)
    if not ds["shares_student_data"]:
        for name in ("legal_basis", "data_elements", "consent", "study", "evaluation",
                     "school_official"):
            if ds.get(name):
                yield spec.problem(base + (name,), "is given, but shares_student_data is false; "
                                   "set it to true or remove this field")
        return
    basis = ds.get("legal_basis")
    if basis is not None and not isinstance(basis, str):
        return  # the schema reports the wrong type
    if basis is None:
        yield spec.problem(base, "'legal_basis' is missing: say which FERPA basis allows the "
                           "sharing (consent, school_official, studies or audit_evaluation)")
    elif basis in ("directory_information", "health_safety_emergency"):
        yield spec.problem(base + ("legal_basis",), f"{basis!r} does not support a data-sharing "
                           "agreement; use consent, school_official, studies or audit_evaluation")
    for name in ("purpose", "scope"):
        if ds.get(name) is None and (name == "purpose" or basis == "studies"):
            why = "FERPA requires the agreement to state it" if basis in (
                "studies", "audit_evaluation") else "the agreement must say it"
            yield spec.problem(base, f"{name!r} is missing; {why}")
    elements = ds.get("data_elements")
    if isinstance(elements, list) or elements is None:
        if not elements:
            yield spec.problem(base + (("data_elements",) if elements is not None else ()),
                               "list at least one data element in 'data_elements' (what is "
                               "shared)")
        for i, element in enumerate(_list(elements)):
            if isinstance(element, dict) and not element.get("purpose"):
                yield spec.problem(base + ("data_elements", i),
                                   f"the data element {element.get('name', i + 1)!r} has no "
                                   "'purpose'; say why the partner needs it")
            elif isinstance(element, dict) and not _has_words(element.get("purpose")):
                yield spec.problem(base + ("data_elements", i, "purpose"),
                                   f"the purpose of {element.get('name', i + 1)!r} says nothing "
                                   f"({element.get('purpose')!r}); say in words why the partner "
                                   "needs it: the DSA and the consent form print it")
    name = _BASIS_NAMES.get(basis or "", "")
    for field in BASIS_REQUIRES.get(basis or "", ()):
        if ds.get(field) is None:
            yield spec.problem(base, f"{field!r} is missing; {name} requires it")
    if basis in ("studies", "audit_evaluation"):
        destruction = ds.get("destruction")
        if not isinstance(destruction, dict) or destruction.get("within_days") is None:
            yield spec.problem(base + (("destruction",) if isinstance(destruction, dict) else ()),
                               f"a destruction deadline ('destruction.within_days') is missing; "
                               f"{name} requires the agreement to set the time period for "
                               "destroying the data")
        if not ds.get("authorized_users"):
            yield spec.problem(base, f"'authorized_users' is missing; {name} limits access to "
                               "people with a legitimate interest, so name them")
    study = _obj(ds.get("study"))
    ends, term_start = _date(study.get("ends")), _date(_obj(spec.data.get("term")).get("start"))
    if ends and term_start and ends < term_start:
        yield spec.problem(base + ("study", "ends"),
                           f"the study ends ({ends}) before the term starts ({term_start})")


def locales_are_supported(spec: Spec, catalogs: Path | None = None) -> Iterator[Problem]:
    """Every family-notice language is one docgen can write: it has a catalog in the folder
    ``catalogs`` (None: the shipped ones)."""
    langs = _list(_obj(spec.data.get("family_notices")).get("languages"))
    seen: dict[str, str] = {}
    for i, tag in enumerate(langs):
        if isinstance(tag, str) and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", tag):
            # a tag not written as one is the schema's to report (schema.py names the tag)
            message = locale_problem(tag, catalogs)
            if message:
                yield spec.problem(("family_notices", "languages", i), message)
            elif normalise(tag) in seen:
                yield spec.problem(("family_notices", "languages", i),
                                   f"{tag!r} is the same language as {seen[normalise(tag)]!r}")
            seen.setdefault(normalise(tag), tag)


def _year_before(day: dt.date) -> dt.date:
    """Return ``day`` one year earlier (February 29 becomes February 28)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@rule
def annual_review_fits_the_agreement(spec: Spec) -> Iterator[Problem]:
    """The annual review needs schema 1.1, took place near the term and renews an earlier year."""
    review = spec.data.get("annual_review")
    if not isinstance(review, dict):
        return
    if spec.data.get("schema_version") == "1.0":
        yield spec.problem(("annual_review",), "'annual_review' is part of schema version 1.1; "
                           "set \"schema_version\" to \"1.1\"", key=True)
    term = _obj(spec.data.get("term"))
    start, end = _date(term.get("start")), _date(term.get("end"))
    held = _date(review.get("review_date"))
    if held and end and held > end:
        yield spec.problem(("annual_review", "review_date"),
                           f"the review date ({held}) is after the term ends ({end}); the review "
                           "comes before the agreement it leads to")
    elif held and start and held < _year_before(start):
        yield spec.problem(("annual_review", "review_date"),
                           f"the review date ({held}) is more than a year before the term starts "
                           f"({start}); check the date")
    renewed = _obj(review.get("renewed_from"))
    year, old_year = spec.data.get("school_year"), renewed.get("school_year")
    pattern = r"[0-9]{4}-[0-9]{4}"
    if isinstance(old_year, str) and re.fullmatch(pattern, old_year):
        if int(old_year[5:]) != int(old_year[:4]) + 1:
            yield spec.problem(("annual_review", "renewed_from", "school_year"),
                               f"{old_year!r} should span one year, e.g. "
                               f"'{old_year[:4]}-{int(old_year[:4]) + 1}'")
        elif isinstance(year, str) and re.fullmatch(pattern, year) and old_year >= year:
            yield spec.problem(("annual_review", "renewed_from", "school_year"),
                               f"this agreement renews {old_year}, which is not before its own "
                               f"school year {year}")
    version, old_version = spec.data.get("version", 1), renewed.get("version")
    if (isinstance(version, int) and isinstance(old_version, int)
            and not isinstance(version, bool) and not isinstance(old_version, bool)
            and old_version >= version):
        yield spec.problem(("version",) if "version" in spec.data else ("annual_review",
                                                                         "renewed_from", "version"),
                           f"the version ({version}) should be higher than the version it renews "
                           f"({old_version}); it goes up by one at each renewal")


def _has_words(text: object) -> bool:
    """Whether ``text`` has a letter or a digit: a purpose of "." or "-" says nothing."""
    return isinstance(text, str) and any(c.isalnum() for c in text)
