"""Where each clause of a document comes from: ``docgen explain``.

:func:`explain` renders one document of a spec with an instrumented copy of its template and
returns, for each paragraph rendered, the template paragraph it comes from (numbered as in
template error messages and in the catalogs' ``#:`` lines), the spec paths it draws on and its
text. A paragraph draws on the values its own tags use and on those of the ``{%p if … %}`` and
``{%p for … %}`` blocks around it: "Workers' compensation insurance as required by law." draws
on ``$.insurance.workers_compensation`` although it has no tag of its own.

How: the template's Jinja source (:func:`docgen.render.patched_source`) gets a call at the start
of each paragraph, which stamps the rendered paragraph with an instance number, and calls around
each block tag, which collect the values the block's test or loop reads. The context's objects
record every value read, by the spec path it comes from; derived values (``partner.name``,
``signature_blocks``, ``raci_rows`` …) are mapped back to the spec paths they are made of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from lxml import etree
from markupsafe import Markup, escape

from .context import build_context, build_notice_context, old_defaults
from .errors import UsageError, json_path
from .i18n.locales import canonical, normalise
from .i18n.spectext import needs_catalog, spec_translation
from .i18n.translate import translator
from .render import W, compile_template, make_environment, patched_source
from .resources import Resources
from .spec.model import Spec, schema

#: The documents ``explain`` knows, by the name ``--document`` takes, and their templates.
AGREEMENTS = {"mou": "mou.docx", "data-sharing-agreement": "data-sharing-agreement.docx",
              "role-chart": "role-chart.docx"}
NOTICE_TEMPLATE = "notice.docx"
_EXCERPT = 100


@dataclass(frozen=True)
class Clause:
    """One rendered paragraph: its template paragraph, the spec paths it draws on, its text."""

    template: str
    paragraph: int
    paths: tuple[str, ...]
    text: str
    #: the paths among ``paths`` whose value is an earlier schema version's default
    defaulted: frozenset[str] = frozenset()
    #: the paragraph's style in the template ("Heading1", "Title", "" for none)
    style: str = ""

    def line(self) -> str:
        """The clause as ``explain`` prints it."""
        text = self.text if len(self.text) <= _EXCERPT else self.text[:_EXCERPT - 1] + "…"
        sources = ", ".join(p + (" (old default)" if p in self.defaulted else "")
                            for p in self.paths) or "the template's own text"
        return f"{self.template} ¶{self.paragraph} ← {sources}: \"{text}\""


# --- recording what a render reads ------------------------------------------------------------


@dataclass
class _Frame:
    paths: list[str] = field(default_factory=list)
    collecting: bool = True


@dataclass
class _Tracker:
    """What the instrumented template reads, by rendered paragraph."""

    paragraphs: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    frames: list[_Frame] = field(default_factory=list)
    current: str | None = None

    def record(self, path: str | None) -> None:
        if path is None:
            return
        if self.frames and self.frames[-1].collecting:
            self.frames[-1].paths.append(path)
        elif self.current is not None:
            self.paragraphs[self.current][1].append(path)

    # the calls the instrumented template makes; each writes nothing but the instance number
    def at(self, number: int) -> str:
        key = str(len(self.paragraphs) + 1)
        self.paragraphs[key] = (number, [p for f in self.frames for p in f.paths])
        self.current = key
        return key

    def end(self) -> str:
        self.current = None
        return ""

    def open(self) -> str:
        self.frames.append(_Frame())
        return ""

    def test_read(self) -> str:
        if self.frames:
            self.frames[-1].collecting = False
        return ""

    def pop(self) -> str:
        if self.frames:
            self.frames.pop()
        return ""


def _join(path: str | None, key: str | int) -> str | None:
    if path is None:
        return None
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}"


class _Dict(dict[str, Any]):
    """A context object that records each value read from it, by spec path."""

    def __init__(self, tracker: _Tracker, path: str | None) -> None:
        super().__init__()
        self._tracker, self._path = tracker, path
        self._alias: dict[str, str | None] = {}

    def child_path(self, key: str, value: Any) -> str | None:
        if key in self._alias:
            return self._alias[key]
        if isinstance(value, (_Dict, _List)) and value._path is not None:
            return value._path
        return _join(self._path, key)

    def __getitem__(self, key: str) -> Any:
        value = dict.__getitem__(self, key)
        path = self.child_path(key, value)
        if key not in self._alias and path != _join(self._path, key):
            # a reference (a role's holder is a contact): the field that refers, and the value
            self._tracker.record(_join(self._path, key))
        self._tracker.record(path)
        return value

    def __len__(self) -> int:
        self._tracker.record(self._path)
        return dict.__len__(self)


class _List(list[Any]):
    """A context list that records that it was read (iterated, counted or indexed)."""

    def __init__(self, tracker: _Tracker, path: str | None, items: Iterable[Any]) -> None:
        super().__init__(items)
        self._tracker, self._path = tracker, path

    def __iter__(self) -> Any:
        self._tracker.record(self._path)
        return list.__iter__(self)

    def __len__(self) -> int:
        self._tracker.record(self._path)
        return list.__len__(self)

    def __getitem__(self, index: Any) -> Any:
        self._tracker.record(self._path)
        return list.__getitem__(self, index)


class _Str(str):
    """A top-level text value (``{{ purpose }}``): Jinja looks those up before rendering, so
    the reading is recorded where the text is used."""

    _tracker: _Tracker
    _path: str

    def __len__(self) -> int:
        self._tracker.record(self._path)
        return str.__len__(self)

    def __contains__(self, item: object) -> bool:
        self._tracker.record(self._path)
        return str.__contains__(self, item)  # type: ignore[operator]

    def __html__(self) -> Markup:
        self._tracker.record(self._path)
        return escape(str.__str__(self))

    def __str__(self) -> str:
        self._tracker.record(self._path)
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        self._tracker.record(self._path)
        return str.__format__(self, spec)


class _Flag:
    """A top-level true-or-false value (``{% if shares_data %}``), or an absent section
    (None), recorded where tested."""

    def __init__(self, tracker: _Tracker, path: str, value: bool | None) -> None:
        self._tracker, self._path, self._value = tracker, path, value

    def __bool__(self) -> bool:
        self._tracker.record(self._path)
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        self._tracker.record(self._path)
        return self._value == other

    def __hash__(self) -> int:
        return hash(self._value)

    def __str__(self) -> str:
        self._tracker.record(self._path)
        return str(self._value)


@dataclass
class _Wrapper:
    tracker: _Tracker
    memo: dict[int, Any] = field(default_factory=dict)

    def wrap(self, value: Any, path: str | None) -> Any:
        """Return ``value`` as recording objects; an object seen before keeps its first path."""
        if isinstance(value, (dict, list)) and id(value) in self.memo:
            return self.memo[id(value)]
        if isinstance(value, dict):
            out = _Dict(self.tracker, path)
            self.memo[id(value)] = out
            for key, item in value.items():
                dict.__setitem__(out, key, self.wrap(item, _join(path, key)))
            return out
        if isinstance(value, list):
            items = _List(self.tracker, path, ())
            self.memo[id(value)] = items
            items.extend(self.wrap(item, _join(path, i)) for i, item in enumerate(value))
            return items
        return value

    def row(self, value: dict[str, Any], path: str | None, **alias: str | None) -> _Dict:
        row = self.wrap(value, path)
        assert isinstance(row, _Dict)
        row._alias.update(alias)
        return row


def _tracked_context(data: dict[str, Any], ctx: dict[str, Any],
                     tracker: _Tracker) -> dict[str, Any]:
    """Return ``ctx`` as recording objects whose paths are the spec's."""
    w = _Wrapper(tracker)
    out: dict[str, Any] = {}
    # the spec's own fields first (contacts before the roles that hold them), then the rest
    fields = ["parties", "contacts"] + [k for k in schema()["properties"]
                                        if k not in ("parties", "contacts")]
    for key in fields:
        if key in ctx:
            out[key] = w.wrap(ctx[key], f"$.{key}")
    for key, party in (data.get("parties") or {}).items():
        tracked = dict.__getitem__(out["parties"], key)
        tracked._alias.update(name=f"$.parties.{key}." + (
            "short_name" if party.get("short_name") else "legal_name"), key=f"$.parties.{key}")
    for name in ("contacts", "roles"):
        for i, item in enumerate(list.__iter__(out[name])):
            item._alias["party_name"] = f"$.{name}[{i}].party"
            if name == "contacts":
                item._alias["language_names"] = f"$.contacts[{i}].languages"
    funding = out.get("funding")
    if isinstance(funding, _Dict):
        for i, item in enumerate(list.__iter__(dict.__getitem__(funding, "contributions"))):
            item._alias["party_name"] = f"$.funding.contributions[{i}].party"
    meetings = out.get("meetings")
    if isinstance(meetings, _Dict):
        meetings._alias["attendees"] = "$.meetings.participants"
    _derived(w, ctx, out)
    for key, value in ctx.items():
        if key not in out:
            out[key] = value if key.startswith("_") else w.wrap(value, None)
    for key, value in list(out.items()):
        if isinstance(value, str) and key in fields:
            text = _Str(value)
            text._tracker, text._path = tracker, f"$.{key}"
            out[key] = text
        elif value is None and key in fields:
            # an absent section: the clause that stands in for it draws on its absence
            out[key] = _Flag(tracker, f"$.{key}", None)
    out["shares_data"] = _Flag(tracker, "$.data_sharing.shares_student_data",
                               bool(ctx["shares_data"]))
    return out


def _derived(w: _Wrapper, ctx: dict[str, Any], out: dict[str, Any]) -> None:
    """Map the context's derived values to the spec paths they are made of."""
    for key in ("school", "district", "partner", "lead_agency", "discloser", "recipient"):
        out[key] = w.wrap(ctx[key], None)
    out["party_list"] = _List(w.tracker, "$.parties", (w.wrap(p, None) for p in ctx["party_list"]))
    out["raci_roles"] = _List(w.tracker, "$.roles", (w.wrap(r, None) for r in ctx["raci_roles"]))
    out["data_contacts"] = _List(w.tracker, "$.contacts",
                                 (w.wrap(c, None) for c in ctx["data_contacts"]))
    out["raci_rows"] = _List(w.tracker, "$.raci", (
        w.row(row, f"$.raci[{i}]", cells=f"$.raci[{i}].assignments")
        for i, row in enumerate(ctx["raci_rows"])))
    rows, index = [], 0
    for g, goal in enumerate(ctx["goals"]):
        for i, _ in enumerate(goal["indicators"]):
            rows.append(w.row(ctx["goal_rows"][index], f"$.goals[{g}].indicators[{i}]",
                              goal=f"$.goals[{g}].goal", number=f"$.goals[{g}]"))
            index += 1
    out["goal_rows"] = _List(w.tracker, "$.goals", rows)
    blocks = []
    for block in ctx["signature_blocks"]:
        j = next(i for i, s in enumerate(ctx["signatures"])
                 if s["party"] == block["party"] and s["name"] == block["name"])
        blocks.append(w.row(block, f"$.signatures[{j}]",
                            party_name=f"$.parties.{block['party']}.legal_name"))
    out["signature_blocks"] = _List(w.tracker, "$.signatures", blocks)
    _wording(w, ctx, out)
    notice = ctx.get("notice")
    if notice is not None:
        out["notice"] = _notice(w, notice)


#: The words the context adds so that the wording follows the spec, and what they follow.
_WORDS = {"mou_term": "$.title", "mou_ref": "$.title", "either_party": "$.parties",
          "the_other_parties": "$.parties", "their": "$.parties"}


def _wording(w: _Wrapper, ctx: dict[str, Any], out: dict[str, Any]) -> None:
    """Map the words of :func:`docgen.context.add_wording` to the spec paths they follow."""
    for key, path in _WORDS.items():
        text = _Str(ctx[key])
        text._tracker, text._path = w.tracker, path
        out[key] = text
    out["escalation_parties"] = _List(w.tracker, "$.signatures", ctx["escalation_parties"])
    for i, service in enumerate(list.__iter__(out["services"])):
        population = dict.__getitem__(service, "population")
        population._alias["grades_text"] = f"$.services[{i}].population.grades"
    funding = out.get("funding")
    if isinstance(funding, _Dict):
        funding._alias["source"] = "$.funding.grant"
    _recipients(w, ctx, out)


def _recipients(w: _Wrapper, ctx: dict[str, Any], out: dict[str, Any]) -> None:
    """Map the recipients of the data-sharing agreement (:func:`docgen.context.add_recipients`)
    to the spec paths they are made of: the words that bind them follow the partner's name, or
    the other recipients when there are several."""
    several = bool(ctx["several_recipients"])
    partner = ctx["partner"]
    path = ("$.data_sharing.additional_recipients" if several else "$.parties.partner."
            + ("short_name" if partner.get("short_name") else "legal_name"))
    for key in ("recipient_each", "Recipient_each", "recipient_any", "Recipient_any"):
        text = _Str(ctx[key])
        text._tracker, text._path = w.tracker, path
        out[key] = text
    for key in ("providers_and", "providers_or"):
        text = _Str(ctx[key])
        text._tracker, text._path = w.tracker, path
        out[key] = text
    out["several_providers"] = _Flag(w.tracker, "$.data_sharing.additional_recipients", several)
    out["several_recipients"] = _Flag(w.tracker, "$.data_sharing.additional_recipients", several)
    out["dsa_recipients"] = _List(w.tracker, "$.data_sharing.additional_recipients",
                                  (w.wrap(r, None) for r in ctx["dsa_recipients"]))
    out["dsa_parties"] = _List(w.tracker, "$.parties", ctx["dsa_parties"])


def _notice(w: _Wrapper, notice: dict[str, Any]) -> _Dict:
    """Map the family notice's values (gathered from the spec) to their spec paths."""
    services = []
    for i, service in enumerate(notice["services"]):
        at = f"$.services[{i}]"
        services.append(w.row(service, at, name=f"{at}.name", days=f"{at}.schedule.days",
                              start=f"{at}.schedule.start_time", end=f"{at}.schedule.end_time",
                              place=f"{at}.location", grades=f"{at}.population.grades",
                              description=f"{at}.description", notes=f"{at}.schedule.notes",
                              who=f"{at}.population.description",
                              eligibility=f"{at}.population.eligibility",
                              cost=f"{at}.cost_to_families.amount",
                              per=f"{at}.cost_to_families.per",
                              waiver=f"{at}.cost_to_families.waiver",
                              grade_items=f"{at}.population.grades",
                              grade_count=f"{at}.population.grades",
                              adults=f"{at}.population.grades",
                              price=f"{at}.cost_to_families"))
    for i, row in enumerate(services):  # lists the notice writes anew (weekday names, grades)
        for key, path in (("days", "schedule.days"), ("grade_items", "population.grades")):
            value = dict.get(row, key)
            if isinstance(value, _List):
                value._path = f"$.services[{i}].{path}"
    tracked = w.row({k: v for k, v in notice.items() if k != "services"}, None,
                    locale="$.family_notices.languages", enroll_by="$.family_notices.enroll_by",
                    how_to_enroll="$.family_notices.how_to_enroll",
                    basis="$.data_sharing.legal_basis",
                    shares_data="$.data_sharing.shares_student_data",
                    first_day="$.services[0].schedule.first_day",
                    last_day="$.services[0].schedule.last_day",
                    taglines="$.family_notices.languages",
                    records="$.data_sharing.data_elements", incomplete=None, gap=None,
                    recipient_count="$.data_sharing.additional_recipients",
                    recipient=("$.parties.partner.legal_name" if notice["recipient_count"] == 1
                               else "$.data_sharing.additional_recipients"),
                    scope="$.data_sharing.scope",
                    non_participants="$.data_sharing.includes_non_participants",
                    collected_by="$.data_sharing.consent.collected_by",
                    take_part_without_consent="$.data_sharing.consent.take_part_without_consent",
                    recipients=("$.parties.partner.legal_name" if notice["recipient_count"] == 1
                                else "$.data_sharing.additional_recipients"),
                    recipient_names=("$.parties.partner" if notice["recipient_count"] == 1
                                     else "$.data_sharing.additional_recipients"))
    study = dict.__getitem__(tracked, "study")
    if isinstance(study, _Dict):
        study._path = "$.data_sharing.study"
        study._alias["irb"] = "$.data_sharing.irb"
    contact = dict.__getitem__(tracked, "contact")
    tracked._alias["contact_speaks"] = _join(contact._path, "languages")
    taglines = dict.__getitem__(tracked, "taglines")
    taglines._path = "$.family_notices.languages"
    dict.__setitem__(tracked, "services", _List(w.tracker, "$.services", services))
    return tracked


# --- instrumenting the template ---------------------------------------------------------------

_PARAGRAPH = re.compile(r"<w:p(?=[ >])")
_BLOCK = re.compile(r"\{%-?\s*(\w+).*?%\}", re.S)


def instrument(xml: str, label: str) -> str:
    """Return the Jinja source of the body ``xml`` with the calls that record each paragraph
    rendered (as an ``x-i`` attribute) and the values each block's test reads."""
    source, line_map, _, _ = patched_source(xml, label, "word/document.xml")
    lines = source.split("\n")
    out = [lines[0]]
    open_paragraph = False
    for number, line in enumerate(lines[1:], start=2):
        if _PARAGRAPH.match(line, 2):
            line = line[:6] + f' x-i="{{{{ _at({line_map[number]}) }}}}"' + line[6:]
        elif line.startswith("#}{%") and not open_paragraph:
            m = _BLOCK.match(line, 2)
            word = m.group(1) if m else ""
            if m and word in ("if", "for"):
                line = "#}{{ _open() }}" + m.group(0) + "{{ _test_read() }}" + line[m.end():]
            elif m and word in ("elif", "else"):
                line = "#}" + m.group(0) + "{{ _test_read() }}" + line[m.end():]
            elif m and word in ("endif", "endfor"):
                line = "#}" + m.group(0) + "{{ _pop() }}" + line[m.end():]
        if "</w:p>" in line:
            starts = [p.start() for p in _PARAGRAPH.finditer(line)]
            open_paragraph = line.rfind("</w:p>") < (starts[-1] if starts else -1)
        elif _PARAGRAPH.search(line):
            open_paragraph = True
        out.append(line.replace("</w:p>", "{{ _end() }}</w:p>"))
    return "\n".join(out)


def _reduced(paths: list[str]) -> tuple[str, ...]:
    """The paths in the order first read, without one that a longer path read is part of."""
    unique = list(dict.fromkeys(paths))
    return tuple(p for p in unique
                 if not any(q != p and (q.startswith(p + ".") or q.startswith(p + "["))
                            for q in unique))


def explain(spec: Spec, document: str = "mou",
            resources: Resources | None = None) -> list[Clause]:
    """Return the clauses of ``document`` (``mou``, ``data-sharing-agreement``, ``role-chart``
    or ``notice-LANG``) as rendered for the valid ``spec``, in the order of the document."""
    resources = resources or Resources.shipped()
    data = spec.data
    if document in AGREEMENTS:
        name = AGREEMENTS[document]
        ctx = build_context(data)
        if document == "data-sharing-agreement" and not ctx["shares_data"]:
            raise UsageError(f"{spec.file}: shares no student data, so it has no data-sharing "
                             "agreement")
    elif document.startswith("notice-"):
        name = NOTICE_TEMPLATE
        ctx = notice_context(spec, document[len("notice-"):], resources)
    else:
        raise UsageError(f"--document: {document!r} is not one of: "
                         f"{', '.join(list(AGREEMENTS) + ['notice-LANG'])}")
    path = resources.template(name)
    xml = dict(compile_template(path).members)["word/document.xml"].decode("utf-8")
    tracker = _Tracker()
    context = _tracked_context(data, ctx, tracker)
    context.update(_at=tracker.at, _end=tracker.end, _open=tracker.open,
                   _test_read=tracker.test_read, _pop=tracker.pop)
    template = make_environment(for_print=False).from_string(instrument(xml, str(path)))
    rendered = template.render(context)
    root = etree.fromstring(rendered.replace("\a", "\n").encode("utf-8"))
    defaulted = frozenset(json_path(p) for p, _ in old_defaults(data))
    clauses = []
    for p in root.iter(f"{{{W}}}p"):
        key = p.get("x-i")
        text = " ".join("".join(t.text or "" for t in p.iter(f"{{{W}}}t")).split())
        if key is None or not text:
            continue
        number, paths = tracker.paragraphs[key]
        reduced = _reduced(paths)
        style = p.find(f"{{{W}}}pPr/{{{W}}}pStyle")
        clauses.append(Clause(name, number, reduced, text, defaulted & frozenset(reduced),
                              style.get(f"{{{W}}}val", "") if style is not None else ""))
    return clauses


def notice_context(spec: Spec, language: str, resources: Resources) -> dict[str, Any]:
    """Return what the family notice of the valid ``spec`` in ``language`` sees, with the
    translators of its catalogs in ``resources`` (fuzzy entries used, as in a draft)."""
    tags = [normalise(t) for t in (spec.data.get("family_notices") or {}).get("languages", [])]
    tag = normalise(language)
    if tag not in tags:
        raise UsageError(f"{spec.file}: has no family notice in {language!r}; its notices are "
                         f"in: {', '.join(tags) or 'none'}")
    base = resources.locales
    translators = {t: translator(canonical(t, base) or t, base=base, use_fuzzy=True)
                   for t in dict.fromkeys(tags)}
    # the spec's own text as the build shows it (a draft's, when its catalog is incomplete)
    own = (spec_translation(spec.data, spec.file, tag, use_fuzzy=True).strings
           if needs_catalog(tag) else None)
    return build_notice_context(spec.data, tag, translators, spec_text=own)
