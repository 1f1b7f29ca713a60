"""Rules on the law the documents cite: it must be right for the parties (34 CFR Part 99, as
summarised in DOMAIN.md §1.1).

Only a state or local educational authority designates an authorized representative for an audit
or evaluation; a study ends within the agreement that covers it; the MOU and the data-sharing
agreement give one period for returning or destroying data; and every party that does or answers
for work with student records is bound by a data-sharing agreement. :mod:`.rules` checks every
spec by these rules too (:data:`RULES`); like those, they read the spec defensively and report
through :meth:`Spec.problem`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Iterator

from ..errors import Problem
from .model import Spec

Rule = Callable[[Spec], Iterator[Problem]]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    """Register ``fn`` as a rule every spec is checked by."""
    RULES.append(fn)
    return fn


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


#: Party types that are themselves a local educational authority; a school is not one.
_AUTHORITY_TYPES = ("district", "county_office")


def _party_name(spec: Spec, key: str) -> str:
    party = _obj(_obj(spec.data.get("parties")).get(key))
    name = party.get("short_name") or party.get("legal_name")
    return name if isinstance(name, str) else key.replace("_", " ")


def _shares(spec: Spec) -> dict[str, Any] | None:
    """Return ``data_sharing`` when the spec shares student data, else None."""
    ds = spec.data.get("data_sharing")
    return ds if isinstance(ds, dict) and ds.get("shares_student_data") is True else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


#: A legal status that says the party is a local educational agency (a charter school may be).
_LEA = re.compile(r"\b(?:local educational agency|local education agency|LEA)\b", re.IGNORECASE)


@rule
def audit_needs_an_educational_authority(spec: Spec) -> Iterator[Problem]:
    """Only a state or local educational authority designates an authorized representative for
    an audit or evaluation (34 CFR § 99.35(a)); a school on its own is not one, unless it is a
    charter school whose legal status says it is its own local educational agency."""
    ds = _shares(spec)
    if ds is None or ds.get("legal_basis") != "audit_evaluation":
        return
    parties = _obj(spec.data.get("parties"))
    school = _obj(parties.get("school"))
    status = school.get("legal_status")
    charter = school.get("type") == "charter_school"
    if ("district" in parties or school.get("type") in _AUTHORITY_TYPES or not school
            or (charter and isinstance(status, str) and _LEA.search(status))):
        return
    own = (" (if the charter school is its own local educational agency under state law, say "
           "so in $.parties.school.legal_status, e.g. 'a California public charter school and "
           "local educational agency')") if charter else ""
    yield spec.problem(
        ("data_sharing", "legal_basis"),
        "the audit or evaluation exception can only be used by a state or local educational "
        "authority, which designates the partner as its authorized representative (34 CFR "
        f"§ 99.35(a)); {_party_name(spec, 'school')} is a school, not such an authority: add "
        f"its district as $.parties.district{own}, or use the studies exception ('studies') or "
        "parental consent ('consent')")


@rule
def study_fits_the_agreement(spec: Spec) -> Iterator[Problem]:
    """The study ends by the time the agreement does: the DSA must cover its whole duration."""
    ds = _shares(spec)
    study_ends = _date(_obj(_obj(ds).get("study")).get("ends"))
    term_ends = _date(_obj(spec.data.get("term")).get("end"))
    if study_ends and term_ends and study_ends > term_ends:
        yield spec.problem(("data_sharing", "study", "ends"),
                           f"the study ends ({study_ends}) after the agreement does (the term "
                           f"ends {term_ends}); the data-sharing agreement must cover the whole "
                           f"study: end the study by {term_ends}, or extend $.term.end")


@rule
def return_period_agrees(spec: Spec) -> Iterator[Problem]:
    """The MOU's period for returning data and the DSA's destruction deadline are one period."""
    ds = _shares(spec)
    days = _count(_obj(spec.data.get("termination")).get("data_return_days"))
    if ds is None or days is None:
        return
    deadline = _count(_obj(ds.get("destruction")).get("within_days"))
    if deadline == days:
        return
    said = (f"gives {deadline} ($.data_sharing.destruction.within_days)" if deadline is not None
            else "sets no destruction deadline, so the data is destroyed when it ends")
    fix = ("make them the same" if deadline is not None
           else f"set $.data_sharing.destruction.within_days to {days}")
    yield spec.problem(("termination", "data_return_days"),
                       f"gives {days} days to return or destroy student data after the agreement "
                       f"ends, but the data-sharing agreement {said}; {fix}, or remove "
                       "'data_return_days' (the data-sharing agreement's period then applies)")


#: Words that say a text handles student records (besides the names of the shared elements).
_RECORDS = re.compile(
    r"\b(?:(?:education|school) records?|students?(?:['’]s?)? (?:records?|data|information|"
    r"files?)|student (?:support|information) systems?|transcripts?|report cards?)(?!\w)",
    re.IGNORECASE)


def _handles_records(text: str, ds: dict[str, Any] | None) -> bool:
    """Whether ``text`` (an activity or a duty) handles student records: it uses one of the
    words of :data:`_RECORDS`, or names a shared data element or the system it comes from."""
    if _RECORDS.search(text):
        return True
    lowered = text.casefold()
    for element in _list(_obj(ds).get("data_elements")):
        for name in (_obj(element).get("name"), _obj(element).get("source_system")):
            if isinstance(name, str) and len(name) > 3 and re.search(
                    rf"\b{re.escape(name.casefold())}\b", lowered):
                return True
    return False


def _what(party: str) -> str:
    return f"the {party.replace('_', ' ')}"


def _not_covered(spec: Spec, party: str, to: str) -> str:
    """Return why ``party`` is not covered by a data-sharing agreement, and what to do (``to``:
    whom the work could go to instead, before the names of the covered parties)."""
    ds = _shares(spec)
    name = _party_name(spec, party)
    if ds is None:
        return (f"but this spec shares no student data ($.data_sharing), so no agreement "
                f"covers it; share the data under a FERPA basis, or leave student records out "
                f"of {name}'s work")
    others = [_party_name(spec, p) for p in ("district", "school", "partner")
              if p in _obj(spec.data.get("parties"))]
    return (f"but the data-sharing agreement covers only {_party_name(spec, 'partner')}; give "
            f"this work to {to}{', '.join(others[:-1])} or {others[-1]}, or name {name} as a "
            f"recipient of the data: add {{\"party\": \"{party}\"}} to "
            "$.data_sharing.additional_recipients, with its authorized users")


def recipients(spec: Spec) -> list[str]:
    """Return the keys of the parties the data-sharing agreement names as recipients: the
    partner and each of ``data_sharing.additional_recipients`` ([] when no data is shared)."""
    ds = _shares(spec)
    if ds is None:
        return []
    extra = [_obj(r).get("party") for r in _list(ds.get("additional_recipients"))]
    return ["partner"] + [p for p in extra if isinstance(p, str)]


@rule
def each_recipient_is_a_party(spec: Spec) -> Iterator[Problem]:
    """Each other recipient of the data is a party of the agreement (so that it signs the
    data-sharing agreement), named once."""
    ds = _shares(spec)
    parties = _obj(spec.data.get("parties"))
    seen: set[str] = set()
    for i, item in enumerate(map(_obj, _list(_obj(ds).get("additional_recipients")))):
        party = item.get("party")
        if not isinstance(party, str):
            continue
        if party not in parties:
            yield spec.problem(("data_sharing", "additional_recipients", i, "party"),
                               f"names the {party.replace('_', ' ')} as a recipient of the data, "
                               f"but $.parties has no {party}; add it to $.parties (it then "
                               "signs the data-sharing agreement), or remove this recipient")
        elif party in seen:
            yield spec.problem(("data_sharing", "additional_recipients", i, "party"),
                               f"names {_party_name(spec, party)} as a recipient a second time; "
                               "remove one, and put all its authorized users in the other")
        seen.add(party)


@rule
def no_profiling_cites_only_the_laws_named(spec: Spec) -> Iterator[Problem]:
    """The no-profiling clause cites only laws the spec names in ``data_sharing.other_laws``."""
    ds = _shares(spec)
    named = _list(_obj(ds).get("other_laws"))
    for i, law in enumerate(_list(_obj(_obj(ds).get("no_profiling")).get("laws"))):
        if isinstance(law, str) and law not in named:
            yield spec.problem(("data_sharing", "no_profiling", "laws", i),
                               f"cites {law!r}, which $.data_sharing.other_laws does not name; "
                               "the agreement cites only the laws the spec names: add it to "
                               "$.data_sharing.other_laws exactly as written here, or remove it")


@rule
def records_are_covered(spec: Spec) -> Iterator[Problem]:
    """A party that does or answers for work with student records is bound by the data-sharing
    agreement: the partner and each other recipient the agreement names, and only when data
    is shared."""
    ds = _shares(spec)
    uncovered = ["lead_agency"] if ds is not None else ["lead_agency", "partner"]
    uncovered = [p for p in uncovered if p not in recipients(spec)]
    parties = _obj(spec.data.get("parties"))
    role_party = {r["id"]: r.get("party") for r in map(_obj, _list(spec.data.get("roles")))
                  if isinstance(r.get("id"), str)}
    for i, activity in enumerate(map(_obj, _list(spec.data.get("raci")))):
        name = activity.get("activity")
        if not isinstance(name, str) or not _handles_records(name, ds):
            continue
        for role, letter in _obj(activity.get("assignments")).items():
            party = role_party.get(role)
            if letter in ("R", "A", "A/R") and party in uncovered and party in parties:
                yield spec.problem(("raci", i, "assignments", role),
                                   f"{_party_name(spec, party)} ({_what(party)}) is {letter} for "
                                   f"{name!r}, which handles student records, "
                                   + _not_covered(spec, party, "a role of "))
    for party in uncovered:
        duties = _list(_obj(spec.data.get("responsibilities")).get(party))
        for i, duty in enumerate(duties):
            if party in parties and isinstance(duty, str) and _handles_records(duty, ds):
                yield spec.problem(("responsibilities", party, i),
                                   f"{_party_name(spec, party)} ({_what(party)}) would handle "
                                   "student records in this duty, " + _not_covered(spec, party, ""))


#: What a spec may say of subcontractors only when it allows them.
_SUBCONTRACTOR_TERMS = ("prior_written_approval", "written_agreement", "recipient_responsible",
                        "approved")
_PROMISES = ("no_student_profiles", "no_targeted_advertising", "no_sale")


@rule
def optional_sections_say_what_they_set(spec: Spec) -> Iterator[Problem]:
    """A value of the data-sharing agreement's optional sections reaches the agreement: terms for
    subcontractors only when they are allowed, laws for the no-profiling clause only when it
    makes a promise."""
    ds = _obj(_shares(spec))
    subs = _obj(ds.get("subcontractors"))
    if subs.get("allowed") is False:
        for name in _SUBCONTRACTOR_TERMS:
            if name in subs:
                yield spec.problem(("data_sharing", "subcontractors", name),
                                   "sets terms for subcontractors, but 'allowed' is false, so the "
                                   "agreement says no subcontractor may see the data; set "
                                   "'allowed' to true, or remove this field")
    promises = _obj(ds.get("no_profiling"))
    if promises.get("laws") and not any(promises.get(p) is True for p in _PROMISES):
        yield spec.problem(("data_sharing", "no_profiling", "laws"),
                           "names the laws of a clause that makes no promise; set "
                           "'no_student_profiles', 'no_targeted_advertising' or 'no_sale' to "
                           "true, or remove 'laws'")
