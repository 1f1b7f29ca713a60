"""Rules on the optional MOU sections a partner type needs, and on the parties those sections
name: a faith-based partner's MOU states that participation is voluntary and the program has no
religious activity (``faith_based``); a paid internship names its employer of record and wage
(``internship``); a rate, food, a subcontractor's approval or an employer names a party of the
agreement.

What a partner type needs is a refusal from schema 1.3 on (:data:`PARTNER_TYPE_RULES_SINCE`);
a spec of an earlier version gets the same words as a ``notice:`` (:func:`section_notices`),
the way a commitment left to an old default is noticed, and stays valid. :mod:`.rules` checks
every spec by :data:`RULES`; like those, they read the spec defensively and report through
:meth:`Spec.problem`.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from ..errors import PathItem, Problem
from .model import Spec

Rule = Callable[[Spec], Iterator[Problem]]
RULES: list[Rule] = []

#: The first schema version in which a partner type's missing section is a problem, not a notice.
PARTNER_TYPE_RULES_SINCE = "1.3"

_FAITH_BASED = ('"faith_based": {"voluntary": true, "no_religious_activity": true, '
                '"open_to_all": true}')


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def version_at_least(data: dict[str, Any], version: str) -> bool:
    """Whether the spec ``data`` names a schema version of ``version`` or later ("1.10" is
    after "1.9"); a spec without a readable version counts as the newest.

    >>> version_at_least({"schema_version": "1.2"}, "1.3"), version_at_least({}, "1.3")
    (False, True)
    >>> version_at_least({"schema_version": "1.3"}, "1.3")
    True
    """
    named = data.get("schema_version")
    try:
        parts = tuple(int(p) for p in str(named).split("."))
    except ValueError:
        return True
    return named is None or parts >= tuple(int(p) for p in version.split("."))


def partner_type_findings(spec: Spec) -> list[tuple[tuple[PathItem, ...], str]]:
    """Return what the partner's type needs and the spec does not write, as (path, message):
    the ``faith_based`` section of a faith-based partner, and the employer of record and
    hourly wage of a paid internship."""
    data = spec.data
    found: list[tuple[tuple[PathItem, ...], str]] = []
    partner = _obj(_obj(data.get("parties")).get("partner"))
    faith = data.get("faith_based")
    if partner.get("type") == "faith_based" and not isinstance(faith, dict):
        found.append((("parties", "partner", "type"),
                      "the partner is faith-based, but the spec has no 'faith_based' section, so "
                      "the MOU does not say that the program is voluntary and free of religious "
                      f"activity; add {_FAITH_BASED}"))
    elif isinstance(faith, dict) and faith.get("no_religious_activity") is not True:
        found.append((("faith_based",),
                      "does not promise a program without religious instruction, worship or "
                      "proselytizing, which a program in a public school must be; add "
                      '"no_religious_activity": true'))
    internship = data.get("internship")
    if isinstance(internship, dict):
        missing = [(name, why) for name, why in (
            ("employer_of_record", "which party hires and pays the interns"),
            ("hourly_wage", "what each intern is paid an hour")) if name not in internship]
        if missing:
            found.append((("internship",),
                          "a paid internship needs " + " and ".join(
                              f"'{name}' ({why})" for name, why in missing)
                          + "; add " + ("it" if len(missing) == 1 else "them")))
    return found


def section_notices(spec: Spec) -> list[Problem]:
    """Return, for a valid spec of a schema version before 1.3, a ``notice:`` for each thing
    its partner's type needs and it does not write (:func:`partner_type_findings`); [] from
    1.3 on, where the same findings are problems."""
    if version_at_least(spec.data, PARTNER_TYPE_RULES_SINCE):
        return []
    return [spec.problem(path, "notice: " + message)
            for path, message in partner_type_findings(spec)]


def _rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


@_rule
def partner_type_sections(spec: Spec) -> Iterator[Problem]:
    """From schema 1.3 on, a partner's type has the section it needs (see
    :func:`partner_type_findings`)."""
    if version_at_least(spec.data, PARTNER_TYPE_RULES_SINCE):
        for path, message in partner_type_findings(spec):
            yield spec.problem(path, message)


#: the names a section may give a party by (the schema's enum for them)
PARTY_NAMES = ("school", "district", "partner", "lead_agency")


@_rule
def sections_name_parties(spec: Spec) -> Iterator[Problem]:
    """The party a new section names (who provides food, who approves subcontractors, who
    employs the interns) is a party of the agreement."""
    parties = _obj(spec.data.get("parties"))
    refs: list[tuple[tuple[PathItem, ...], Any, str]] = [
        (("food_and_health", "food", "provided_by"),
         _obj(_obj(spec.data.get("food_and_health")).get("food")).get("provided_by"),
         "the food is provided by"),
        (("subcontractors", "approved_by"),
         _obj(spec.data.get("subcontractors")).get("approved_by"),
         "subcontractors are approved by"),
        (("internship", "employer_of_record"),
         _obj(spec.data.get("internship")).get("employer_of_record"),
         "the interns are employed by"),
    ]
    for path, value, what in refs:
        # a value that is none of the parties' names is the schema's enum to report
        if isinstance(value, str) and value in PARTY_NAMES and value not in parties:
            yield spec.problem(path, f"{what} {value!r}, but $.parties has no {value}")


@_rule
def rates_need_money_to_change_hands(spec: Spec) -> Iterator[Problem]:
    """A rate or payment terms contradict a funding model under which no money changes hands."""
    funding = _obj(spec.data.get("funding"))
    model = funding.get("model")
    if model not in ("own_costs", "in_kind"):
        return
    what = {"rate": "a rate for the services", "payment": "terms for invoices and payment"}
    for name in ("rate", "payment"):
        if isinstance(funding.get(name), dict):
            yield spec.problem(("funding", name),
                               f"the funding model {model!r} says that no money changes hands, so "
                               f"the MOU cannot also set {what[name]}; set \"model\" to "
                               f"\"fee_for_service\", "
                               f"\"grant\" or \"shared\", or remove '{name}'", key=True)
