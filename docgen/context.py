"""Turn a valid spec into the values a template sees.

The context is the spec itself with two changes, both driven by the schema:

* every optional field that the spec leaves out is present, with its schema default, or ``None``
  (objects and single values) or ``[]`` (lists), so that ``{% if insurance %}`` works and a missing
  field never breaks a template. A commitment (``"x-commitment"`` in the schema: a term a
  party promises, such as ``termination.notice_days``) has no default: left out, it is ``None``
  and the template leaves its clause out. Only a spec of schema 1.0 or 1.1 gets the default its
  version had, so that an agreement signed then re-renders the same (:func:`old_defaults`
  lists them);
* dates, times and amounts are formatted for the document's locale (``"August 10, 2026"``,
  ``"2:45 PM"``, ``"$1,000,000"``); weekdays become their names. An amount of zero is false in
  a template test.

It then adds a few derived values that templates need and cannot compute cleanly, listed in
:func:`build_context`. ``docgen context SPEC`` prints the result.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .formatting import WEEKDAYS, Formatter
from .i18n.locales import DEFAULT_LOCALE, babel_locale, normalise
from .i18n.scripts import ENGLISH_NAMES, US_STATE_CODES, own_name, script_of
from .errors import Problem
from .spec.model import Spec, default_of, resolve_ref, schema, writes_commitments
from .wording import (defined_term, funding_source, grade_phrase, party_words, says_grades,
                      title_reference)

_PARTY_ORDER = ("district", "school", "partner", "lead_agency")


#: A place in a spec: its keys and indexes.
Where = tuple[str | int, ...]


@dataclass
class _Shaper:
    """Shapes spec values for templates, filling what the spec leaves out from the schema.

    ``explicit``: the spec is of a schema version whose commitments have no defaults (1.2 on);
    ``filled`` records each commitment filled from an earlier version's default, by path.
    """

    fmt: Formatter
    explicit: bool
    filled: list[tuple[Where, Any]] = field(default_factory=list)

    def absent(self, node: dict[str, Any], path: Where) -> Any:
        resolved, _ = resolve_ref(node)
        found, value, old = default_of(resolved, explicit=self.explicit)
        if found:
            if old:
                self.filled.append((path, value))
            return self.shape(node, copy.deepcopy(value), path)
        if resolved.get("type") == "array":
            return []
        if resolved.get("type") == "object" and not resolved.get("required"):
            # an object whose fields are all optional means the same absent as empty: give
            # templates its defaults (None for a commitment the spec does not make)
            return self.shape(node, {}, path)
        return None

    def shape(self, node: dict[str, Any], value: Any, path: Where = ()) -> Any:
        node, ref = resolve_ref(node)
        fmt = self.fmt
        if value is None:
            return None
        if ref == "date":
            return fmt.date(value)
        if ref == "time":
            return fmt.time(value)
        if ref == "money":
            return fmt.money(value)
        kind = node.get("type")
        if kind == "integer" and isinstance(value, float):
            return int(value)  # JSON Schema counts 30.0 as an integer; write it as 30
        if kind == "object" and isinstance(value, dict):
            props = node.get("properties", {})
            out: dict[str, Any] = {}
            for name, sub in props.items():
                out[name] = (self.shape(sub, value[name], path + (name,)) if name in value
                             else self.absent(sub, path + (name,)))
            extra = node.get("additionalProperties")
            if isinstance(extra, dict):
                for name, item in value.items():
                    if name not in props:
                        out[name] = self.shape(extra, item, path + (name,))
            return out
        if kind == "array" and isinstance(value, list):
            items = node.get("items", {})
            if node.get("items", {}).get("enum") == list(WEEKDAYS):
                return [fmt.weekday(v) for v in value]
            return [self.shape(items, v, path + (i,)) for i, v in enumerate(value)]
        return value


def old_defaults(data: dict[str, Any]) -> list[tuple[Where, Any]]:
    """Return each commitment the spec ``data`` (already valid) leaves to the default of an
    earlier schema version, as (path, value), in the order of the schema; [] for a spec of 1.2
    or later, whose commitments are all written in."""
    shaper = _Shaper(Formatter(DEFAULT_LOCALE, data.get("currency", "USD")),
                     writes_commitments(data))
    shaper.shape(schema(), data)
    return shaper.filled


def old_default_notices(spec: Spec) -> list[Problem]:
    """Return a notice for each commitment the valid ``spec`` leaves to the default of its
    earlier schema version: its documents promise it, but the spec does not say so.

    Each names the path and the line to write in, e.g. ``$.data_sharing.security.
    encryption_at_rest: notice: this spec promises encryption at rest only through schema
    1.0's default (true); write it in: "encryption_at_rest": true``. A notice is advice, not a
    problem: the spec stays valid and builds as before.
    """
    version = spec.data.get("schema_version")
    notices = []
    for path, value in old_defaults(spec.data):
        node: dict[str, Any] = schema()
        for key in path:
            node = resolve_ref(node)[0]["properties"][key]
        promise = resolve_ref(node)[0].get("x-commitment")
        shown = json.dumps(value, ensure_ascii=False)
        notices.append(spec.problem(
            path, f"notice: this spec promises {promise} only through schema {version}'s "
                  f"default ({shown}); write it in: \"{path[-1]}\": {shown}"))
    return notices


class _Unformatted:
    """A date, time, amount or weekday of a spec, shaped once and written per language."""

    __slots__ = ("kind", "value")

    def __init__(self, kind: str, value: Any) -> None:
        self.kind, self.value = kind, value


class _Deferred:
    """A :class:`Formatter` stand-in that leaves each value to be written in a language later."""

    @staticmethod
    def date(value: str) -> _Unformatted:
        return _Unformatted("date", value)

    @staticmethod
    def time(value: str) -> _Unformatted:
        return _Unformatted("time", value)

    @staticmethod
    def money(value: float) -> _Unformatted:
        return _Unformatted("money", value)

    @staticmethod
    def weekday(value: str) -> _Unformatted:
        return _Unformatted("weekday", value)


@dataclass(frozen=True)
class Shaped:
    """A spec walked against the schema once (defaults filled, each date, time, amount and
    weekday left to write): what every document of a build specialises to its language
    (:func:`shape_spec`, then :func:`build_context` with ``shaped``), instead of walking the
    schema again for each notice."""

    data: dict[str, Any]
    tree: dict[str, Any]


def shape_spec(data: dict[str, Any]) -> Shaped:
    """Return the spec ``data`` (already valid) shaped once for :func:`build_context`."""
    shaper = _Shaper(_Deferred(), writes_commitments(data))  # type: ignore[arg-type]
    return Shaped(data, shaper.shape(schema(), data))


def _written(node: Any, fmt: Formatter) -> Any:
    """Return a fresh copy of the shaped ``node`` with its values written by ``fmt``."""
    if isinstance(node, dict):
        return {k: _written(v, fmt) for k, v in node.items()}
    if isinstance(node, list):
        return [_written(v, fmt) for v in node]
    if isinstance(node, _Unformatted):
        return getattr(fmt, node.kind)(node.value)
    return node


def _specialised(shaped: Shaped, fmt: Formatter,
                 strings: dict[str, str] | None) -> dict[str, Any] | None:
    """Return the context tree of ``shaped`` in ``fmt``'s language, with the spec's own text
    replaced by ``strings`` (by JSON Pointer, as :func:`~docgen.i18n.spectext.translated`
    replaces them); None if a string is not where a plain string of the spec was shaped."""
    tree: dict[str, Any] = _written(shaped.tree, fmt)
    for pointer, text in (strings or {}).items():
        keys: list[str | int] = [int(k) if k.isdigit() and k.isascii() else
                                 k.replace("~1", "/").replace("~0", "~")
                                 for k in pointer.strip("/").split("/")]
        node: Any = tree
        try:
            for key in keys[:-1]:
                node = node[key]
            if not isinstance(node[keys[-1]], str):
                return None
        except (KeyError, IndexError, TypeError):
            return None
        node[keys[-1]] = text
    return tree


def build_context(data: dict[str, Any], *, locale: str = DEFAULT_LOCALE,
                  shaped: Shaped | None = None,
                  strings: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the template context for the spec ``data`` (already valid) in ``locale``.

    ``shaped``: the spec as :func:`shape_spec` shaped it once, for a build that writes it in
    several languages; ``strings``: the spec's own text in ``locale`` that ``data`` holds
    (by JSON Pointer), written over ``shaped``'s. The context is the same either way.

    Besides the spec's own fields, the context has:

    - ``school``, ``district``, ``partner``, ``lead_agency``: the parties (``None`` when absent),
      each with ``name`` (the short name, or the legal name) and ``key``;
    - ``discloser`` (the district if it is a party, else the school) and ``recipient`` (the
      partner): the two sides of the data-sharing agreement;
    - ``party_list``: the parties in signing order;
    - ``roles``: each role with ``holder`` replaced by the contact (or ``None``) and
      ``party_name``;
    - ``raci_roles``: the roles that appear in the RACI chart, in the order of ``roles``;
      ``raci_rows``: one row per activity with ``cells``, the letter for each of ``raci_roles``;
    - ``goal_rows``: one row per indicator, with ``goal`` and ``number`` set on its goal's first
      row only;
    - ``meetings.attendees``: the titles of the participating roles;
    - ``party_name`` on each contact and funding contribution;
    - ``language_names`` on each contact: the languages it speaks, named in the document's
      language ("English", "Chinese (Simplified)"; :func:`language_names`);
    - ``data_contacts``: the contacts for data, data security or the partnership (all contacts
      when none is marked so);
    - ``signature_blocks``: the signatures with ``party_name``;
    - ``shares_data``: whether a data-sharing agreement is part of the packet;
    - the words that follow the spec (:func:`add_wording`): ``mou_term``, ``mou_ref``,
      ``either_party``, ``the_other_parties``, ``their``, ``escalation_parties``, each
      service's ``population.grades_text`` and ``funding.source``;
    - ``document``: ``locale`` (BCP 47) and ``docgen_version``.
    """
    in_us = in_united_states(data)
    fmt = Formatter(locale, data.get("currency", "USD"), in_us=in_us)
    tree = _specialised(shaped, fmt, strings) if shaped is not None else None
    ctx: dict[str, Any] = (tree if tree is not None else
                           _Shaper(fmt, writes_commitments(data)).shape(schema(), data))

    parties = ctx["parties"]
    for key in _PARTY_ORDER:
        party = parties.get(key)
        if party is not None:
            party["key"] = key
            party["name"] = party["short_name"] or party["legal_name"]
        ctx[key] = party
    ctx["party_list"] = [parties[k] for k in _PARTY_ORDER if parties.get(k)]
    ctx["discloser"] = parties.get("district") or parties["school"]
    ctx["recipient"] = parties["partner"]

    def party_name(key: str) -> str:
        party = parties.get(key)
        if party:
            return str(party["name"])
        return {"joint": "Joint", "families": "Families"}.get(key, key)

    for item in ctx["funding"]["contributions"] if ctx["funding"] else []:
        item["party_name"] = party_name(item["party"])
    if ctx["meetings"]:
        titles = {r["id"]: r["title"] for r in ctx["roles"]}
        ctx["meetings"]["attendees"] = [titles[r] for r in ctx["meetings"]["participants"]]
    contacts = {c["id"]: c for c in ctx["contacts"]}
    for contact in ctx["contacts"]:
        contact["party_name"] = party_name(contact["party"])
        contact["language_names"] = language_names(contact["languages"], locale)
    for role in ctx["roles"]:
        role["holder"] = contacts.get(role["holder"]) if role["holder"] else None
        role["party_name"] = party_name(role["party"])

    used = {r for a in ctx["raci"] for r in a["assignments"]}
    ctx["raci_roles"] = [r for r in ctx["roles"] if r["id"] in used]
    ctx["raci_rows"] = [
        {"activity": a["activity"],
         "cells": [a["assignments"].get(r["id"], "") for r in ctx["raci_roles"]]}
        for a in ctx["raci"]
    ]
    ctx["goal_rows"] = [
        {"number": g_index + 1 if i_index == 0 else None,
         "goal": goal["goal"] if i_index == 0 else "", **indicator}
        for g_index, goal in enumerate(ctx["goals"])
        for i_index, indicator in enumerate(goal["indicators"])
    ]
    ctx["data_contacts"] = [c for c in ctx["contacts"] if {"data", "data_security", "partnership"}
                            & set(c["responsibilities"])] or list(ctx["contacts"])
    signing = {sig["party"] for sig in ctx["signatures"]}
    school = parties.get("school")
    ctx["signature_blocks"] = [
        {**sig, "party_name": parties[sig["party"]]["legal_name"],
         # a district signs for its school when the school does not sign itself
         "signs_for": (school["legal_name"] if sig["party"] == "district" and school
                       and "school" not in signing else None)}
        for sig in sorted(ctx["signatures"], key=lambda s: _PARTY_ORDER.index(s["party"]))
        if parties.get(sig["party"])
    ]
    sharing = ctx["data_sharing"]
    ctx["shares_data"] = bool(sharing and sharing["shares_student_data"])
    ctx["document"] = {"locale": locale, "docgen_version": __version__,
                       # the Babel locale its lists, dates and amounts are written with
                       "formats": str(fmt.locale)}
    add_wording(ctx)
    add_recipients(ctx)
    if isinstance(ctx.get("school_year"), str):
        # in the letter's digits where it is printed as it is (the page header): Persian
        # "۲۰۲۶-۲۰۲۷", as the translations that name it write it (Formatter.numbers)
        ctx["school_year"] = fmt.number(ctx["school_year"])
    return ctx


#: The states, districts and territories of the United States, as addresses abbreviate them.
US_STATES = frozenset(US_STATE_CODES)
_US_STATE_NAMES = ("alabama alaska arizona arkansas california colorado connecticut delaware "
                   "florida georgia hawaii idaho illinois indiana iowa kansas kentucky louisiana "
                   "maine maryland massachusetts michigan minnesota mississippi missouri montana "
                   "nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas utah "
                   "vermont virginia washington wisconsin wyoming guam").split() + [
    "new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota",
    "rhode island", "south carolina", "south dakota", "west virginia", "district of columbia",
    "puerto rico", "united states"]


def in_united_states(data: dict[str, Any]) -> bool:
    """Whether the spec's partnership is in the United States: every party's address is in a
    US state, or the governing law is a state's. A family notice in a language without a
    region (``es``) is then written as the language is in the US (``es-US``: "$1,250.50",
    "2:45 p. m."); a spec that wants another asks for it (``es-MX``)."""
    regions = [str((party or {}).get("address", {}).get("region", "")).strip().upper()
               for party in (data.get("parties") or {}).values() if isinstance(party, dict)]
    if regions and all(r in US_STATES for r in regions):
        return True
    law = str(data.get("governing_law") or "").lower()
    return any(re.search(rf"\b{name}\b", law) for name in _US_STATE_NAMES)


def add_wording(ctx: dict[str, Any]) -> None:
    """Add to the context ``ctx`` the words its templates fill in so that the wording follows
    the spec:

    - ``mou_term``: what the agreement calls itself, from its title ("MOU", "MOA" or
      "Agreement"); ``mou_ref``: how the data-sharing agreement names it ("the MOU", or "the
      Research and Tutoring Partnership Agreement" when it calls itself "Agreement", the
      data-sharing agreement's own name);
    - ``either_party``, ``the_other_parties``, ``their``: "either party", "the other party",
      "its" with two parties; "any party", "the other parties", "their" with more;
    - ``escalation_parties``: the names of the parties whose signatories a disagreement goes
      to (the school's, or the district's when it signs for the school; the partner's; the
      lead agency's);
    - each service's ``population.grades_text``: its grades written once ("grades 2 to 5"), or
      ``None`` when there are none or the description already names them;
    - ``funding.source``: the grant as the object of "funded by" ("the ASES Program").
    """
    term = defined_term(ctx["title"])
    ctx["mou_term"] = term
    ctx["mou_ref"] = title_reference(ctx["title"]) if term == "Agreement" else f"the {term}"
    ctx.update(party_words(len(ctx["party_list"])))
    signing = [b["party"] for b in ctx["signature_blocks"]]
    sides = [k for k in _PARTY_ORDER if k in signing
             and not (k == "district" and "school" in signing)]
    if len(sides) < 2:
        sides = [p["key"] for p in ctx["party_list"] if p["key"] != "district"
                 or not ctx["school"]]
    ctx["escalation_parties"] = [ctx[k]["name"] for k in sides]
    for service in ctx["services"]:
        population = service["population"]
        grades = population["grades"] or []
        population["grades_text"] = (None if says_grades(population["description"], grades)
                                     else grade_phrase(grades))
    if ctx["funding"]:
        ctx["funding"]["source"] = funding_source(ctx["funding"]["grant"])


def language_names(tags: list[str], locale: str) -> list[str]:
    """Return the BCP 47 ``tags`` as language names in ``locale``, as Babel (CLDR) names them;
    a tag Babel does not know stays as it is.

    >>> language_names(["en", "es", "zh-Hans", "hmn"], "en-US")
    ['English', 'Spanish', 'Chinese (Simplified)', 'Hmong']
    """
    from babel import Locale, UnknownLocaleError

    reader = babel_locale(locale)
    names = []
    for tag in tags:
        try:
            name = Locale.parse(tag, sep="-").get_display_name(reader)
        except (ValueError, UnknownLocaleError):
            name = reader.languages.get(tag.split("-")[0].lower()) or ENGLISH_NAMES.get(
                tag.split("-")[0].lower())
        names.append(str(name or tag))
    return names


def build_notice_context(data: dict[str, Any], tag: str, translators: dict[str, Any],
                         *, incomplete: bool = False,
                         spec_text: dict[str, str] | None = None,
                         shaped: Shaped | None = None) -> dict[str, Any]:
    """Return the context of the family notice in ``tag``: the spec formatted for ``tag``, and
    ``notice``, the facts a family needs, gathered from the spec.

    ``translators`` maps every notice language to its translator; the notice's own is
    ``_translator``, and the tagline block uses the others (``lgettext``). ``spec_text`` is
    the spec's own text in ``tag``, by JSON Pointer (:mod:`docgen.i18n.spectext`): the notice
    shows those strings translated. The schema's words (weekdays, grades, fees) come from the
    notice's catalog (:func:`notice_words`). ``shaped``: the spec shaped once
    (:func:`shape_spec`), specialised here to ``tag``.
    """
    from .i18n.spectext import translated

    original = data
    data = translated(data, spec_text) if spec_text else data
    ctx = build_context(data, locale=tag, shaped=shaped, strings=spec_text)
    language = tag.split("-")[0].lower()
    services = [notice_service(service) for service in ctx["services"]]
    firsts = [s["schedule"]["first_day"] for s in ctx["services"] if s["schedule"]["first_day"]]
    lasts = [s["schedule"]["last_day"] for s in ctx["services"] if s["schedule"]["last_day"]]
    family = [c for c in ctx["contacts"] if "families" in c["responsibilities"]]
    contact = (next((c for c in family if speaks(c, tag)), None)
               or next((c for c in ctx["contacts"] if speaks(c, tag)), None)
               or (family or ctx["contacts"])[0])
    notices = ctx["family_notices"] or {"languages": [tag], "enroll_by": None}
    taglines = language_lines(ctx, notices["languages"])
    sharing = ctx["data_sharing"]
    ctx["notice"] = {
        "locale": tag,
        "services": services,
        "first_day": firsts[0] if len(firsts) == len(services) and len(set(firsts)) == 1 else None,
        "last_day": lasts[0] if len(lasts) == len(services) and len(set(lasts)) == 1 else None,
        "enroll_by": notices["enroll_by"],
        # the coordinator's own words (what a family does to sign up), from the spec's catalog
        # in a translated notice
        "how_to_enroll": notices.get("how_to_enroll"),
        "basis": sharing["legal_basis"] if ctx["shares_data"] else None,
        "shares_data": ctx["shares_data"],
        "contact": contact,
        # "speaks your language" says something only in a notice not in English
        "contact_speaks": speaks(contact, tag) and language != "en",
        # what goes between two sentences: nothing after a Chinese or Japanese full stop
        "gap": "" if language in ("zh", "ja") else " ",
        "taglines": taglines,
        "incomplete": incomplete,
        # a student of the program may be 18 or older: FERPA's rights are then the student's
        "eligible_students": may_have_eligible_students(original),
        # for the consent form (34 CFR 99.30(b)): the records, the purposes and the recipient,
        # the very strings the data-sharing agreement prints
        **consent_terms(ctx),
        **sharing_facts(ctx, contact),
    }
    ctx["_translator"] = translators[tag]
    ctx["_translators"] = translators
    notice_words(ctx["notice"]["services"], original["services"], translators[tag])
    return ctx


def notice_service(service: dict[str, Any]) -> dict[str, Any]:
    """Return what the family notice says of one (shaped) service: its name, what it is,
    when and where, who may join, and what it costs, each from the spec.

    ``cost`` is the fee when it is more than zero; ``waiver`` the spec's own words on who need
    not pay (or on insurance billing), shown whatever the fee, so that a service that bills
    insurance never reads "free"; ``grades`` the grades served (not 'adult'), only when the
    population's description does not already say them.
    """
    cost = service["cost_to_families"]
    schedule, population = service["schedule"], service["population"]
    grades = population["grades"] or []
    return {
        "name": service["name"],
        "description": service["description"],
        "days": schedule["days"],
        "start": schedule["start_time"],
        "end": schedule["end_time"],
        "notes": schedule["notes"],
        "place": service["location"],
        "who": population["description"],
        "grades": ([g for g in grades if g != "adult"]
                   if population.get("grades_text") else []),
        "eligibility": population["eligibility"],
        "cost": cost["amount"] if cost and cost["amount"] else None,
        "per": cost["per"] if cost else None,
        "waiver": cost["waiver"] if cost else None,
    }


def speaks(contact: dict[str, Any], tag: str) -> bool:
    """Whether ``contact`` speaks with families in the language of ``tag`` (its primary
    subtag); a contact who lists no languages is taken to speak English, the spec's own."""
    language = tag.split("-")[0].lower()
    listed = contact.get("languages") or []
    if not listed:
        return language == "en"
    return any(t.split("-")[0].lower() == language for t in listed)


def language_lines(ctx: dict[str, Any], languages: list[str]) -> list[dict[str, Any]]:
    """Return the "Other languages" lines of a notice, one per notice language: its ``tag``,
    its name in itself (``language``), ``rtl``, and whom to call: someone who speaks it
    (a family contact first), or else the first family contact, with ``interpreter`` true
    (the line then says an interpreter will be arranged)."""
    family = [c for c in ctx["contacts"] if "families" in c["responsibilities"]]
    lines = []
    for tag in dict.fromkeys(normalise(t) for t in languages):
        helper = next((c for c in family + ctx["contacts"] if speaks(c, tag)), None)
        chosen = helper or (family or ctx["contacts"])[0]
        # named in itself and set in its own direction, from CLDR (a language CLDR lacks too)
        lines.append({"tag": tag, "language": own_name(tag),
                      "name": chosen["name"], "phone": chosen["phone"],
                      "email": chosen["email"], "interpreter": helper is None,
                      "rtl": script_of(tag).rtl})
    return lines


def language_contact_notices(spec: Spec) -> list[Problem]:
    """Return a notice for each family-notice language of the valid ``spec`` that no contact
    speaks: its notice's "Other languages" line then sends families to someone who does not
    speak their language (and says an interpreter will be arranged)."""
    from babel import Locale, UnknownLocaleError

    contacts = spec.data.get("contacts") or []
    notices = []
    for i, tag in enumerate((spec.data.get("family_notices") or {}).get("languages", [])):
        if any(speaks(c, tag) for c in contacts):
            continue
        try:
            name = str(Locale.parse(normalise(tag), sep="-").get_display_name("en"))
        except (ValueError, UnknownLocaleError):
            name = tag
        notices.append(spec.problem(
            ("family_notices", "languages", i),
            f"notice: no contact speaks {name} ({tag}), so the {name} notice sends families to "
            f"someone who does not speak it and says an interpreter will be arranged; add "
            f"\"{tag}\" to the languages of a contact who speaks it with families"))
    return notices


def sharing_facts(ctx: dict[str, Any], contact: dict[str, Any]) -> dict[str, Any]:
    """Return what the notice tells families of the sharing besides the consent form's terms:

    - ``scope`` (whose records) and ``non_participants`` (the records of students who do not
      take part are shared too: ``data_sharing.includes_non_participants``);
    - the basis's own facts: ``study`` (with ``irb``), ``evaluation``, ``school_official``;
    - for consent: ``collected_by``, ``take_part_without_consent`` (None: the spec does not
      say, and the form says nothing of it) and ``revoke_to``, whom to write to to take
      permission back (the school's or district's data contact, else the notice's contact).
    """
    sharing = ctx["data_sharing"] if ctx["shares_data"] else None
    if sharing is None:
        return {"scope": None, "non_participants": None, "study": None, "evaluation": None,
                "school_official": None, "collected_by": None,
                "take_part_without_consent": None, "revoke_to": contact}
    consent = sharing["consent"] or {}
    study = dict(sharing["study"], irb=sharing["irb"]) if sharing["study"] else None
    school_side = [c for c in ctx["contacts"] if c["party"] in ("school", "district")]
    revoke_to = next((c for c in school_side if "data" in c["responsibilities"]), contact)
    return {
        "scope": sharing["scope"],
        "non_participants": sharing.get("includes_non_participants"),
        "study": study,
        "evaluation": sharing["evaluation"],
        "school_official": sharing["school_official"],
        "collected_by": consent.get("collected_by"),
        "take_part_without_consent": consent.get("take_part_without_consent"),
        "revoke_to": revoke_to,
    }


def notice_words(services: list[dict[str, Any]], spec_services: list[dict[str, Any]],
                 translator: Any) -> None:
    """Write the schema's words of each notice service in the letter's language, from its
    catalog (:mod:`docgen.i18n.words`): ``days`` (weekday names), ``grade_items`` (the grades
    but adults, a run of three or more as one range: ["2 to 5"]), ``grade_count`` (how many
    grades, for the plural), ``adults`` (whether adults take part) and ``price`` (the fee as
    a whole phrase: "$25 per week")."""
    from .i18n.words import grade_items, price, weekday

    for service, spec in zip(services, spec_services):
        service["days"] = [weekday(translator, d) for d in spec["schedule"]["days"]]
        # the grades the notice names: none when the population's description says them,
        # as read in the spec's own English (a translated description reads differently)
        population = spec.get("population") or {}
        every = population.get("grades") or []
        grades = ([] if says_grades(population.get("description") or "", every)
                  else [g for g in every if g != "adult"])
        service["grades"] = grades
        service["grade_items"] = grade_items(translator, grades)
        service["grade_count"] = len(grades)
        service["adults"] = bool(grades) and "adult" in (
            (spec.get("population") or {}).get("grades") or [])
        service["price"] = (price(translator, service["cost"], service["per"] or "session")
                            if service["cost"] else None)


def consent_terms(ctx: dict[str, Any]) -> dict[str, Any]:
    """Return what the consent form names, as the data-sharing agreement names it: ``discloser``
    and ``recipient`` (legal names; several recipients joined in the notice's language, "A and
    B", with ``recipient_count``), ``purpose`` (``data_sharing.purpose``, without a final
    period) and ``records``, each data element's ``name`` and ``purpose``."""
    sharing = ctx["data_sharing"] if ctx["shares_data"] else None

    def bare(text: Any) -> Any:
        return text.rstrip().rstrip(".") if isinstance(text, str) else text

    return {
        "discloser": ctx["discloser"]["legal_name"],
        # every party the data-sharing agreement names as a recipient, joined ("A and B"),
        # and as a list (the consent form names them all)
        "recipient": joined([r["party"]["legal_name"] for r in ctx["dsa_recipients"]],
                            ctx["document"]["locale"]),
        "recipients": [r["party"]["legal_name"] for r in ctx["dsa_recipients"]],
        # and by the names the letter uses after the first mention (short names)
        "recipient_names": [r["party"]["name"] for r in ctx["dsa_recipients"]],
        # how many they are, for a message whose verb agrees with them (ngettext)
        "recipient_count": len(ctx["dsa_recipients"]),
        "purpose": bare(sharing["purpose"]) if sharing else None,
        "records": [{"name": e["name"], "purpose": bare(e["purpose"])}
                    for e in (sharing["data_elements"] if sharing else [])],
    }


def add_recipients(ctx: dict[str, Any]) -> None:
    """Add to the context ``ctx`` the recipients of the data-sharing agreement:

    - ``dsa_recipients``: the partner, then each of ``data_sharing.additional_recipients``,
      each as ``party`` (the party, as ``partner`` is) and ``authorized_users`` (its own);
    - ``several_recipients``: whether there is more than one;
    - ``dsa_parties``: the keys of the parties that sign the data-sharing agreement (the
      discloser and each recipient);
    - the words a clause binds the recipients with: ``recipient_each`` and ``Recipient_each``
      ("La Clínica" with one recipient; "each Recipient", "Each Recipient" with several) and
      ``recipient_any`` and ``Recipient_any`` ("La Clínica"; "a Recipient", "A Recipient");
    - ``several_providers``, ``providers_and`` and ``providers_or``: the parties the MOU's
      staffing, insurance and indemnity terms bind, which are the recipients ("La Clínica and
      CIS East Bay", "La Clínica or CIS East Bay"; the partner's name alone with one).
    """
    sharing = ctx["data_sharing"] if ctx["shares_data"] else None
    recipients = [{"party": ctx["partner"],
                   "authorized_users": sharing["authorized_users"] if sharing else []}]
    for extra in sharing["additional_recipients"] if sharing else []:
        if ctx["parties"].get(extra["party"]):
            recipients.append({"party": ctx["parties"][extra["party"]],
                               "authorized_users": extra["authorized_users"]})
    several = len(recipients) > 1
    name = ctx["partner"]["name"]
    ctx["dsa_recipients"] = recipients
    ctx["several_recipients"] = several
    ctx["dsa_parties"] = [ctx["discloser"]["key"]] + [r["party"]["key"] for r in recipients]
    # the parties whose staff work with students and records: bound by the MOU's safety,
    # insurance and indemnity terms as by the data-sharing agreement
    providers = [r["party"]["name"] for r in recipients]
    ctx["several_providers"] = several
    ctx["providers_and"] = " and ".join(providers) if len(providers) < 3 else (
        ", ".join(providers[:-1]) + " and " + providers[-1])
    ctx["providers_or"] = ctx["providers_and"].replace(" and ", " or ")
    ctx.update({"recipient_each": "each Recipient" if several else name,
                "Recipient_each": "Each Recipient" if several else name,
                "recipient_any": "a Recipient" if several else name,
                "Recipient_any": "A Recipient" if several else name})


def joined(names: list[str], tag: str) -> str:
    """Return ``names`` as one list in the language ``tag`` ("A and B", "A y B"), the way the
    templates' ``and_list`` writes it; in right-to-left text each name is isolated."""
    from babel.lists import format_list

    from .i18n.locales import list_locale
    from .i18n.translate import ListText, isolate

    if len(names) == 1:
        return names[0]
    locale = list_locale(tag)
    if script_of(tag).rtl:
        return ListText(format_list([isolate(n) for n in names], style="standard",
                                    locale=locale))
    return format_list(names, style="standard", locale=locale)


# Below grade 9, an 'adult' beside the children's grades is a family member who comes with them
# (a family literacy night), not a student whose records the school keeps.
_CHILD_GRADES = frozenset({"PK", "K", "1", "2", "3", "4", "5", "6", "7", "8"})
# Free text that says the students may be 18 or older: "18 or older", "18+", "over 18",
# "ages 16 to 21", "adult students", "eligible students", "grades 9-12", "12th grade"
_ADULT_WORDS = (
    r"\b(1[89]|[2-9]\d)\s*(\+|(years?\s+(of\s+age\s+|old\s+)?)?(or|and)\s+(older|over|above|up)\b)"
    r"|\b(over|older\s+than|above)\s+(the\s+age\s+of\s+)?(1[7-9]|[2-9]\d)\b"
    r"|\bage[sd]?\s+\d{1,2}\s*(to|-|\u2013|through)\s*(1[89]|[2-9]\d)\b"
    r"|\b(adult|eligible)\s+(students?|learners?)\b"
    r"|\bgrades?\s+((\d{1,2}|k)(\s*(,|to|-|\u2013|through|and|or)\s*)+)*12\b"
    r"|\b(12th|twelfth)[\s-]+grade|\bk\s*(-|\u2013)\s*12\b"
)


def may_have_eligible_students(data: dict[str, Any]) -> bool:
    """Whether a student of the program may be 18 or older, an "eligible student" to whom the
    parents' FERPA rights pass (34 CFR 99.3, 99.5), judged from the spec ``data``:

    - a service for grade 12, or for adults ('adult') other than beside grades PK to 8 only;
    - or ``data_sharing.scope``, or a service's population description or eligibility, that
      says so in words ("18 or older", "adult students", "grades 9 to 12", ...).
    """
    import re

    texts = [(data.get("data_sharing") or {}).get("scope")]
    for service in data.get("services", []):
        population = service.get("population") or {}
        grades = set(population.get("grades") or [])
        children = grades - {"adult"}
        # a senior turns 18 during grade 12; adult learners are adults
        if "12" in grades or ("adult" in grades and not (children and children <= _CHILD_GRADES)):
            return True
        texts += [population.get("description"), population.get("eligibility")]
    return any(isinstance(t, str) and re.search(_ADULT_WORDS, t, re.IGNORECASE)
               for t in texts)
