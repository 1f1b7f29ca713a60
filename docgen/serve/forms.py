"""The partnership schema as a form, and a form's fields back to the spec's JSON.

:func:`form_model` walks the schema (titles, descriptions as help, enums as choices, formats
as input types, ``required``) beside a spec's data and returns the sections of :class:`Node`
the edit page renders; :func:`form_to_json` reads the posted fields back, against the same
schema and the spec as it was (``base``), so that:

* the form is the whole truth about what it shows: a field left empty is left out, an item
  removed is gone; and whatever the form cannot show as a field (a value of the wrong shape,
  a field the schema does not know) is shown as its JSON text, so nothing in the file is lost
  or changed by a save that did not touch it;
* the keys keep the order they have in the file (new ones come in the schema's order), so a
  spec that is also edited by hand does not get a noisy diff: every sample goes form → JSON
  → form and comes back byte-equal (``tests/test_serve_forms.py``).

Names of the posted fields: ``f.<path>`` for a value, ``n.<path>`` for the number of items of
a list, ``p.<path>`` for an optional object that is present, ``j.<path>`` for a value shown as
JSON; ``<path>`` is the JSON path's keys and indexes joined with ``/`` (``~0`` for ``~`` and
``~1`` for ``/`` in a key, as in a JSON Pointer). :func:`apply_action` adds, duplicates, moves
and removes items and optional sections.

The conditional parts of the data-sharing section come from the same table the rules check
(:data:`docgen.spec.rules.BASIS_REQUIRES`): the legal basis brings its own subsection.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..errors import PathItem, Problem
from ..spec.model import resolve_ref
from ..spec.rules import BASIS_REQUIRES, PARTIES
from ..spec.schema import iso_date

Path_ = tuple[PathItem, ...]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: A value the spec does not have (the key is left out).
MISSING: Any = _Missing()

#: The top-level fields shown together as one section, under a title of their own; every other
#: top-level field is a section by itself.
SECTION_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("agreement", "The agreement",
     ("id", "title", "school_year", "version", "currency", "governing_law")),
    ("purpose", "Purpose and goals", ("purpose", "recitals", "shared_vision", "goals")),
    ("file", "About this file", ("schema_version", "$schema")),
)
#: The sections shown last, whatever their place in the schema: what a coordinator rarely
#: needs to touch.
LAST_SECTIONS = ("file",)

#: The subsections of ``data_sharing`` that a legal basis brings: path → the bases.
BASIS_PARTS: dict[Path_, tuple[str, ...]] = {}
for _basis, _fields in BASIS_REQUIRES.items():
    for _name in _fields:
        BASIS_PARTS[("data_sharing", _name)] = BASIS_PARTS.get(("data_sharing", _name),
                                                               ()) + (_basis,)


def condition_of(path: Path_) -> tuple[Path_, tuple[Any, ...]] | None:
    """The field ``path`` is shown only while another has one of some values: that field's
    path and the values, or None. The legal basis brings its subsection; every other field
    of data sharing shows once student data is shared."""
    if path in BASIS_PARTS:
        return ("data_sharing", "legal_basis"), BASIS_PARTS[path]
    if len(path) == 2 and path[0] == "data_sharing" and path[1] != "shares_student_data":
        return ("data_sharing", "shares_student_data"), (True,)
    return None


def escape_key(part: PathItem) -> str:
    """One step of a path as a field name writes it."""
    return str(part).replace("~", "~0").replace("/", "~1")


def unescape_key(text: str) -> str:
    return text.replace("~1", "/").replace("~0", "~")


def path_name(path: Path_) -> str:
    """``("raci", 0, "activity")`` → ``raci/0/activity``."""
    return "/".join(escape_key(p) for p in path)


def html_id(path: Path_) -> str:
    """The id of the element of ``path`` on the page (``f-raci.0.activity``)."""
    raw = ".".join(str(p) for p in path) or "spec"
    return "f-" + re.sub(r"[^A-Za-z0-9_.-]", lambda m: f"_{ord(m.group()):x}_", raw)


@dataclass
class Node:
    """One thing of the form: a ``field`` (an input), a ``group`` (an object's fields), a
    ``list`` (repeating items), a ``grid`` (the RACI assignments of one activity) or ``raw``
    (a value shown as its JSON text, because the form has no field of its shape)."""

    kind: str
    path: Path_
    title: str
    description: str = ""
    required: bool = False
    #: field: text, textarea, integer, number, boolean, select, date, email, url, time
    input: str = "text"
    value: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None
    #: group / grid: whether the spec has it
    present: bool = True
    children: list[Node] = field(default_factory=list)
    #: list: its items, what one is called, and whether they are objects
    items: list[Node] = field(default_factory=list)
    item_title: str = ""
    item_object: bool = False
    min_items: int = 0
    #: a field the schema does not know (shown as raw, with a button to remove it)
    unknown: bool = False
    #: the condition that shows it: (html id of the field it depends on, values), or None
    shown_when: tuple[str, tuple[str, ...]] | None = None
    visible: bool = True
    errors: list[str] = field(default_factory=list)
    #: list: the words of the letters its cells hold (the RACI chart's key)
    key: list[tuple[str, str]] = field(default_factory=list)
    #: what the last save made of what was typed ("Saved as 2027-09-01"), beside the field
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return path_name(self.path)

    @property
    def id(self) -> str:
        return html_id(self.path)

    def walk(self) -> list[Node]:
        """This node and every node below it."""
        out = [self]
        for child in self.children + self.items:
            out.extend(child.walk())
        return out


@dataclass
class Section:
    """A section of the edit page: its key, title and nodes, and its state in words."""

    key: str
    title: str
    nodes: list[Node]
    description: str = ""
    required: bool = False

    @property
    def id(self) -> str:
        return "s-" + self.key

    def problems(self) -> int:
        return sum(len(n.errors) for node in self.nodes for n in node.walk())

    def started(self) -> bool:
        for node in self.nodes:
            if node.kind in ("group", "grid") and node.present:
                return True
            if node.kind == "list" and node.present:
                return True
            if node.kind in ("field", "raw") and node.value:
                return True
        return False

    def state(self) -> str:
        """``complete``, ``2 problems``, ``not started`` or ``optional, not used``."""
        n = self.problems()
        if n:
            return f"{n} problem{'s' if n != 1 else ''}"
        if self.started():
            return "complete"
        return "not started" if self.required else "optional, not used"


def _show(value: Any) -> str:
    if value is MISSING or value is None and False:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    return json.dumps(value, ensure_ascii=False, indent=2)


def choice_titles(node: dict[str, Any]) -> dict[str, str]:
    """The words a coordinator reads for each of the (resolved) schema ``node``'s choices: the
    schema's ``x-enum-titles``, code → title (a choice without one is shown as its code)."""
    titles = node.get("x-enum-titles")
    return {str(k): str(v) for k, v in titles.items()} if isinstance(titles, dict) else {}


def _kind(node: dict[str, Any], defname: str | None) -> str:
    """What the form makes of the (resolved) schema ``node``: group, list, grid or field."""
    kind = node.get("type")
    if kind == "object":
        if "properties" in node:
            return "group"
        return "grid"
    if kind == "array":
        return "list"
    return "field"


def _input(node: dict[str, Any], defname: str | None) -> str:
    kind = node.get("type")
    if "enum" in node:
        return "select"
    if kind == "boolean":
        return "boolean"
    if kind == "integer":
        return "integer"
    if kind == "number":
        return "number"
    fmt = node.get("format")
    if fmt == "date":
        return "date"
    if fmt == "email":
        return "email"
    if fmt == "uri":
        return "url"
    if defname == "time":
        return "time"
    if defname == "text" or (node.get("maxLength") or 0) > 500:
        return "textarea"
    return "text"


_SHAPE = {"group": dict, "grid": dict, "list": list}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INTEGER = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?\d+\.\d+")


def _fits(kind: str, input_: str, value: Any) -> bool:
    """Whether ``value`` can be shown in a node of ``kind`` (else it is shown as JSON)."""
    if value is MISSING:
        return True
    if kind in _SHAPE:
        return isinstance(value, _SHAPE[kind])
    if input_ == "boolean":
        return isinstance(value, bool)
    if isinstance(value, (dict, list)) or value is None:
        return False
    if input_ in ("integer", "number"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, str)


class _Builder:
    def __init__(self, root: dict[str, Any], data: Any,
                 languages: list[tuple[str, str]] | None = None) -> None:
        self.root = root
        self.data = data
        self.languages = languages

    def value_at(self, path: Path_) -> Any:
        here: Any = self.data
        for part in path:
            if isinstance(part, int) and isinstance(here, list) and 0 <= part < len(here):
                here = here[part]
            elif isinstance(part, str) and isinstance(here, dict) and part in here:
                here = here[part]
            else:
                return MISSING
        return here

    def node(self, schema: dict[str, Any], path: Path_, value: Any, *, required: bool,
             title: str | None = None) -> Node:
        resolved, defname = resolve_ref(schema, self.root)
        kind = _kind(resolved, defname)
        input_ = _input(resolved, defname) if kind == "field" else ""
        name = title or resolved.get("title") or str(path[-1] if path else "Spec")
        description = resolved.get("description", "")
        if not _fits(kind, input_, value):
            return Node("raw", path, name, description, required, input="textarea",
                        value=_show(value))
        out = Node(kind, path, name, description, required)
        condition = condition_of(path)
        if condition is not None:
            on, values = condition
            out.shown_when = (html_id(on), tuple(_show(v) for v in values))
            out.visible = self.value_at(on) in values or value is not MISSING
        if kind == "field":
            self._field(out, resolved, value, input_)
        elif kind == "group":
            self._group(out, resolved, value)
        elif kind == "list":
            self._list(out, resolved, value)
        else:
            self._grid(out, resolved, value)
        return out

    def _field(self, out: Node, node: dict[str, Any], value: Any, input_: str) -> None:
        out.value = "" if value is MISSING else _show(value)
        out.input = input_
        if (self.languages and out.path[:2] == ("family_notices", "languages")
                and len(out.path) == 3):
            # a notice language is one docgen has a catalog for: chosen by its name
            out.input = "select"
            out.choices = list(self.languages)
            if out.value and out.value not in [c[0] for c in out.choices]:
                out.choices.append((out.value, f"{out.value} (not a language docgen writes "
                                               "notices in)"))
            return
        if isinstance(node.get("x-refers-to"), str) and input_ == "text":
            self._reference(out, node["x-refers-to"])
            return
        if input_ == "select":
            titles = choice_titles(node)
            out.choices = [(_show(v), self._party_named(_show(v), titles.get(_show(v))))
                           for v in node["enum"]]
            if out.value and out.value not in [c[0] for c in out.choices]:
                out.choices.append((out.value, f"{out.value} (not one of the choices)"))
        if input_ in ("integer", "number"):
            out.minimum = node.get("minimum")
            out.maximum = node.get("maximum")
            if input_ == "integer" and out.value and not _INTEGER.fullmatch(out.value):
                out.input = "number"  # shown as text: a number input would drop it
        if input_ == "date" and out.value and not _ISO_DATE.fullmatch(out.value):
            out.input = "text"  # a date input would show nothing and send nothing
        if input_ == "time" and out.value and not re.fullmatch(r"\d{2}:\d{2}", out.value):
            out.input = "text"

    #: what an item of a list a field refers to is called, and the fields that name it
    REFERRED = {"roles": ("role", ("title",)), "contacts": ("contact", ("name", "title"))}

    def _reference(self, out: Node, where: str) -> None:
        """A field that names an item of another list by its id (the schema's
        ``x-refers-to``): a choice of the ids the spec has, each with its name."""
        what, names = self.REFERRED.get(where, (where, ("title", "name")))
        items = self.value_at((where,))
        out.input = "select"
        for item in items if isinstance(items, list) else []:
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, str) or not ident:
                continue
            words = ", ".join(str(item[n]).strip() for n in names
                              if isinstance(item.get(n), str) and item[n].strip())
            out.choices.append((ident, f"{words} ({ident})" if words else ident))
        if out.value and out.value not in [c[0] for c in out.choices]:
            out.choices.append((out.value, f"{out.value} (not the id of a {what} of this spec)"))
        if not out.choices:
            out.notes.append(f"The choices are the {where} of this spec: there is none yet. "
                             f"Add one in its section first.")

    def _party_named(self, code: str, title: str | None) -> str:
        """A choice's words; a party's with the name the spec gives it: "The community
        partner (Bright Futures Youth Alliance)"."""
        words = title or code
        if code in PARTIES:
            party = self.value_at(("parties", code))
            name = party.get("legal_name") if isinstance(party, dict) else None
            if isinstance(name, str) and name.strip():
                words += f" ({name.strip()})"
        return words

    def _group(self, out: Node, node: dict[str, Any], value: Any) -> None:
        out.present = value is not MISSING
        if not out.present:
            return  # its fields come when it is added
        props: dict[str, Any] = node.get("properties", {})
        required = set(node.get("required", []))
        data = value if isinstance(value, dict) else {}
        for key, sub in props.items():
            out.children.append(self.node(sub, out.path + (key,), data.get(key, MISSING),
                                          required=key in required))
        for key in data:
            if key not in props:
                out.children.append(Node("raw", out.path + (key,), key,
                                         "docgen does not know this field; remove it, or "
                                         "move what it says into a field it knows.",
                                         input="textarea", value=_show(data[key]),
                                         unknown=True))

    def _list(self, out: Node, node: dict[str, Any], value: Any) -> None:
        out.present = value is not MISSING
        items_schema = node.get("items", {})
        resolved, _ = resolve_ref(items_schema, self.root)
        out.item_title = resolved.get("title") or "Item"
        out.item_object = resolved.get("type") == "object"
        out.min_items = node.get("minItems", 0)
        cells = resolved.get("properties", {}).get("assignments")
        if out.path == ("raci",) and isinstance(cells, dict):
            letters = resolve_ref(resolve_ref(cells, self.root)[0].get(
                "additionalProperties", {}), self.root)[0]
            titles = choice_titles(letters)
            out.key = [(str(v), titles.get(str(v), str(v))) for v in letters.get("enum", [])]
        for i, item in enumerate(value if isinstance(value, list) else []):
            out.items.append(self.node(items_schema, out.path + (i,), item, required=True,
                                       title=f"{out.item_title} {i + 1}"))

    def _grid(self, out: Node, node: dict[str, Any], value: Any) -> None:
        """The RACI assignments of one activity: a cell per role."""
        out.present = value is not MISSING
        letters, _ = resolve_ref(node.get("additionalProperties", {}), self.root)
        choices = [(_show(v), _show(v)) for v in letters.get("enum", [])]
        data = value if isinstance(value, dict) else {}
        roles = self.value_at(("roles",))
        ids: list[str] = [r["id"] for r in roles if isinstance(r, dict)
                          and isinstance(r.get("id"), str)] if isinstance(roles, list) else []
        titles = {r.get("id"): r.get("title") for r in roles if isinstance(r, dict)} \
            if isinstance(roles, list) else {}
        for key in ids + [k for k in data if k not in ids]:
            cell_value = data.get(key, MISSING)
            cell = Node("field", out.path + (key,), str(titles.get(key) or key),
                        "" if key in ids else f"'{key}' is not the id of a role",
                        input="select", value=_show(cell_value) if cell_value is not MISSING
                        else "", choices=list(choices))
            if not isinstance(cell_value, str) and cell_value is not MISSING:
                cell = Node("raw", cell.path, cell.title, input="textarea",
                            value=_show(cell_value))
            elif cell.value and cell.value not in [c[0] for c in choices]:
                cell.choices.append((cell.value, f"{cell.value} (not a choice)"))
            out.children.append(cell)


def form_model(root: dict[str, Any], data: Any,
               languages: list[tuple[str, str]] | None = None) -> list[Section]:
    """Return the sections of the edit page for the spec ``data`` under the schema ``root``;
    ``languages`` (tag, name) are the notice languages to choose from (None: typed as
    tags)."""
    builder = _Builder(root, data, languages)
    props: dict[str, Any] = root.get("properties", {})
    required = set(root.get("required", []))
    values = data if isinstance(data, dict) else {}
    nodes = {key: builder.node(sub, (key,), values.get(key, MISSING), required=key in required)
             for key, sub in props.items()}
    grouped = {key for _, _, keys in SECTION_GROUPS for key in keys}
    sections: list[Section] = []
    first: dict[str, str] = {}
    for group_key, _, keys in SECTION_GROUPS:  # a group stands where its first field does
        first[min((k for k in keys if k in props), key=list(props).index)] = group_key
    for key in props:
        for group_key, title, keys in SECTION_GROUPS:
            if first.get(key) == group_key:
                sections.append(Section(group_key, title, [nodes[k] for k in keys if k in nodes],
                                        required=any(k in required for k in keys)))
        if key not in grouped:
            node = nodes[key]
            sections.append(Section(key, node.title, [node], node.description,
                                    required=key in required))
    sections = ([s for s in sections if s.key not in LAST_SECTIONS]
                + [s for s in sections if s.key in LAST_SECTIONS])
    unknown = [Node("raw", (key,), key, "docgen does not know this field; remove it, or move "
                    "what it says into a field it knows.", input="textarea",
                    value=_show(values[key]), unknown=True)
               for key in values if key not in props]
    if unknown:
        sections.append(Section("unknown", "Fields docgen does not know", unknown))
    return sections


# -- form → JSON ------------------------------------------------------------------------------

#: The years a date of a partnership can have: anything else is a slip of the keyboard (a
#: year typed with two digits, a digit too many), refused rather than saved.
FIRST_YEAR, LAST_YEAR = 1900, 2200
_TWO_DIGIT_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2})")


def read_date(raw: str) -> tuple[Any, str, str]:
    """What a date field's text ``raw`` is saved as: (the value, a note saying how it was read,
    a refusal); with a refusal the value is not saved (the field keeps what the file has).

    The text is read as ``docgen validate`` reads dates (:func:`~docgen.spec.schema.iso_date`:
    "9/1/2027", "September 1, 2027", "2027-09-01"); text that is not a date is kept as typed,
    and validation says what to write.

    >>> read_date("9/1/2027")
    ('2027-09-01', 'Saved as 2027-09-01 (read as month/day/year: September 1).', '')
    >>> read_date("0027-09-12")[2]
    '0027-09-12 is in the year 27: a date here is between 1900 and 2200. Check the year.'
    """
    text = raw.strip()
    if not text:
        return MISSING, "", ""
    if m := _TWO_DIGIT_YEAR.fullmatch(text):
        return MISSING, "", (f"{text} has a two-digit year: write the year with four digits, "
                             f"e.g. {m[1]}/{m[2]}/20{m[3]}")
    if _ISO_DATE.fullmatch(text):
        iso, note = text, ""
    else:
        got = iso_date(text)
        if got is None:
            return raw, "", ""  # kept as typed: validation says what to write
        iso, note = got
    year = int(iso[:4])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return MISSING, "", (f"{text} is in the year {year}: a date here is between "
                             f"{FIRST_YEAR} and {LAST_YEAR}. Check the year.")
    return iso, (f"Saved as {iso}{note}." if iso != text else ""), ""


def _leaf(input_: str, raw: str) -> Any:
    if raw == "":
        return MISSING
    if input_ == "boolean":
        return {"true": True, "false": False}.get(raw, MISSING)
    if input_ in ("integer", "number"):
        text = raw.strip()
        if _INTEGER.fullmatch(text):
            return int(text)
        if input_ == "number" and _DECIMAL.fullmatch(text):
            return float(text)
        return raw  # kept as typed: validation says what to write
    if input_ == "textarea":
        return raw.replace("\r\n", "\n")
    return raw


def _raw(text: str) -> Any:
    text = text.replace("\r\n", "\n")
    if not text.strip():
        return MISSING
    try:
        return json.loads(text)
    except ValueError:
        return text  # kept as text: validation says what it should be


class _Reader:
    def __init__(self, root: dict[str, Any], form: Mapping[str, str], base: Any) -> None:
        self.root = root
        self.form = form
        self.builder = _Builder(root, base)
        #: path → (note, refusal) of the date fields whose text was read or refused
        self.dates: dict[Path_, tuple[str, str]] = {}

    def value(self, schema: dict[str, Any], path: Path_, base: Any) -> Any:
        name = path_name(path)
        if "j." + name in self.form:
            return _raw(self.form["j." + name])
        resolved, defname = resolve_ref(schema, self.root)
        kind = _kind(resolved, defname)
        if kind == "field":
            raw = self.form.get("f." + name)
            if (raw is not None and _input(resolved, defname) == "date"
                    and not (isinstance(base, str) and raw == base)):
                # a date typed (one the file has already is left as it is written)
                value, note, refusal = read_date(raw)
                if note or refusal:
                    self.dates[path] = (note, refusal)
                return base if refusal else value
            return MISSING if raw is None else _leaf(_input(resolved, defname), raw)
        if kind == "list":
            count = self.form.get("n." + name)
            if count is None or not count.isdigit():
                return MISSING
            items = resolved.get("items", {})
            out = []
            old_items = base if isinstance(base, list) else []
            for i in range(min(int(count), 10000)):
                old = old_items[i] if i < len(old_items) else MISSING
                item = self.value(items, path + (i,), old)
                if item is MISSING:
                    item_kind = resolve_ref(items, self.root)[0].get("type")
                    item = {} if item_kind == "object" else ""
                out.append(item)
            return out
        olds = base if isinstance(base, dict) else {}
        if kind == "grid":
            # a new activity's row has no assignments yet: the letters chosen in it bring them
            cells = self._grid(path, olds)
            if self.form.get("p." + name) != "1" and not cells:
                return MISSING
            return cells
        if self.form.get("p." + name) != "1" and path:
            return MISSING
        props: dict[str, Any] = resolved.get("properties", {})
        result: dict[str, Any] = {}
        for key in list(olds) + [k for k in props if k not in olds]:
            if key in props:
                got = self.value(props[key], path + (key,), olds.get(key, MISSING))
            else:
                got = _raw(self.form.get("j." + path_name(path + (key,)), ""))
            if got is not MISSING:
                result[key] = got
        return result

    def _grid(self, path: Path_, olds: dict[str, Any]) -> dict[str, Any]:
        prefix = "f." + path_name(path) + "/"
        jprefix = "j." + path_name(path) + "/"
        cells: dict[str, Any] = {}
        for name, raw in self.form.items():
            if name.startswith(prefix) and "/" not in name[len(prefix):]:
                value = _leaf("select", raw)
            elif name.startswith(jprefix) and "/" not in name[len(jprefix):]:
                value = _raw(raw)
            else:
                continue
            if value is not MISSING:
                cells[unescape_key(name.split("/")[-1])] = value
        ordered = {k: cells[k] for k in olds if k in cells}
        ordered.update({k: v for k, v in cells.items() if k not in ordered})
        return ordered


def form_to_json(root: dict[str, Any], form: Mapping[str, str], base: Any,
                 dates: dict[Path_, tuple[str, str]] | None = None) -> dict[str, Any]:
    """Return the spec the posted ``form`` says, for the spec ``base`` it was made from;
    ``dates`` (when given) gets, for each date field whose text was read as another writing
    or refused, its path → (the note saying how it was read, the refusal)."""
    reader = _Reader(root, form, base)
    result = reader.value(root, (), base if isinstance(base, dict) else {})
    if dates is not None:
        dates.update(reader.dates)
    return result if isinstance(result, dict) else {}


def model_to_form(sections: list[Section]) -> dict[str, str]:
    """Return the fields a browser posts for the form of ``sections`` as rendered (what the
    edit page's inputs hold), for tests and for the page's hidden inputs."""
    out: dict[str, str] = {}

    def visit(node: Node) -> None:
        if node.kind == "raw":
            out["j." + node.name] = node.value
        elif node.kind == "field":
            out["f." + node.name] = node.value
        elif node.kind == "list":
            if node.present:
                out["n." + node.name] = str(len(node.items))
            for item in node.items:
                visit(item)
        else:
            if node.present:
                out["p." + node.name] = "1"
                for child in node.children:
                    visit(child)

    for section in sections:
        for node in section.nodes:
            visit(node)
    return out


def spec_text(data: dict[str, Any]) -> str:
    """The file's text for ``data``: indent 2, UTF-8 as is, a final newline (as the samples
    and ``docgen renew`` write)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# -- structural actions ----------------------------------------------------------------------

def parse_path(text: str) -> Path_:
    """``raci/0/activity`` → ``("raci", 0, "activity")``."""
    if not text:
        return ()
    return tuple(int(p) if p.isdigit() else unescape_key(p) for p in text.split("/"))


def _container(data: Any, path: Path_) -> Any:
    here = data
    for part in path:
        if isinstance(here, dict) and isinstance(part, str):
            here = here.get(part, MISSING)
        elif isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here):
            here = here[part]
        else:
            return MISSING
    return here


def _schema_at(root: dict[str, Any], path: Path_) -> dict[str, Any] | None:
    node: dict[str, Any] = root
    for part in path:
        node = resolve_ref(node, root)[0]
        if isinstance(part, int):
            node = node.get("items", {})
        elif part in node.get("properties", {}):
            node = node["properties"][part]
        else:
            return None
    return resolve_ref(node, root)[0]


def _copy_ids(item: Any, taken: set[str]) -> Any:
    """A duplicate of ``item`` whose ``id`` (if it has one) is a new one: ``coordinator_2``."""
    item = copy.deepcopy(item)
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        base = re.sub(r"_\d+$", "", item["id"])
        n = 2
        while f"{base}_{n}" in taken:
            n += 1
        item["id"] = f"{base}_{n}"[:40]
    return item


def _new_id(items: dict[str, Any], current: list[Any]) -> str:
    """The id a new item of a list whose items need one starts with: ``role_3`` for the third
    role, so that a coordinator never has to make one up before the RACI chart, a meeting or
    a role can refer to it (the field shows it, to change it at will)."""
    base = re.sub(r"[^a-z0-9]+", "_", str(items.get("title") or "item").lower()).strip("_")
    base = base if re.match(r"[a-z]", base) else "item"
    taken = {i.get("id") for i in current if isinstance(i, dict)}
    n = len(current) + 1
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base[:30]}_{n}"


def apply_action(root: dict[str, Any], data: dict[str, Any], action: str) -> tuple[
        dict[str, Any], str | None]:
    """Apply ``action`` (``add:PATH``, ``dup:PATH``, ``up:PATH``, ``down:PATH``,
    ``del:PATH``) to ``data``; return the new data and the html id to show after it (None
    when the action names nothing the spec has)."""
    verb, _, where = action.partition(":")
    path = parse_path(where)
    data = copy.deepcopy(data)
    if verb == "add":
        schema = _schema_at(root, path)
        if schema is None or not path:
            return data, None
        parent = _container(data, path[:-1])
        if not isinstance(parent, dict):
            return data, None
        key = path[-1]
        if schema.get("type") == "array":
            items = resolve_ref(schema.get("items", {}), root)[0]
            new: Any = {} if items.get("type") == "object" else ""
            current = parent.get(key)
            if not isinstance(current, list):
                current = []
                parent[key] = current
            if isinstance(new, dict) and "id" in items.get("required", ()):
                new["id"] = _new_id(items, current)
            current.append(new)
            return data, html_id(path + (len(current) - 1,))
        if schema.get("type") == "object" and key not in parent:
            parent[key] = {}
            return data, html_id(path)
        return data, html_id(path)
    if not path:
        return data, None
    parent = _container(data, path[:-1])
    last = path[-1]
    if verb == "del":
        if isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
            del parent[last]
            return data, html_id(path[:-1])
        if isinstance(parent, dict) and isinstance(last, str) and last in parent:
            del parent[last]
            return data, html_id(path)
        return data, None
    if not (isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent)):
        return data, None
    if verb == "dup":
        taken = {i.get("id") for i in parent if isinstance(i, dict)}
        parent.insert(last + 1, _copy_ids(parent[last], {t for t in taken if t}))
        return data, html_id(path[:-1] + (last + 1,))
    if verb in ("up", "down"):
        other = last - 1 if verb == "up" else last + 1
        if 0 <= other < len(parent):
            parent[last], parent[other] = parent[other], parent[last]
            return data, html_id(path[:-1] + (other,))
        return data, html_id(path)
    return data, None


# -- problems beside their fields ------------------------------------------------------------

_JSON_PATH = re.compile(r"\$((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+)")
_QUOTED_KEY = re.compile(r"'([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)'")
_SET_TO = re.compile(r'(?:add |set )?"([a-z_][a-z0-9_]*)": (true|false)')
_CODE_ASIDE = re.compile(r" \('([a-z_]+)'\)")


def _titles(root: dict[str, Any], path: Path_) -> str | None:
    """The titles of the fields down ``path`` (``Parties › District``), or None when the
    schema has no such field."""
    if _schema_at(root, path) is None:
        return None
    words = []
    for i, part in enumerate(path):
        if isinstance(part, int):
            words.append(f"item {part + 1}")
            continue
        node = _schema_at(root, path[:i + 1]) or {}
        words.append(str(node.get("title") or part))
    return " › ".join(words)


def plain_words(root: dict[str, Any], path: Path_, message: str) -> str:
    """``docgen validate``'s ``message`` about ``path`` (written for a person who edits the
    JSON) in the edit page's words: a field named by its key or JSON path is named by its
    title (``'data_elements'`` → “Data elements”, ``$.parties.district`` → “Parties ›
    District”), ``"no_religious_activity": true`` is “No religious activity” set to Yes, and
    a choice's code is its words; the path stays in the link to the field."""
    def field_words(key: str) -> str | None:
        keys = tuple(key.split("."))
        for n in range(len(path), -1, -1):  # from the problem's field up to the spec
            base = path[:n]
            if base and isinstance(base[-1], int):
                continue
            if _schema_at(root, base + keys) is not None:
                node = _schema_at(root, base + keys) or {}
                if len(keys) == 1:
                    return str(node.get("title") or key)
                return " › ".join(str((_schema_at(root, base + keys[:i + 1]) or {}).get(
                    "title") or keys[i]) for i in range(len(keys)))
        return None

    here = _schema_at(root, path) or {}
    codes = choice_titles(here) if "enum" in here else {}

    def json_path(m: re.Match[str]) -> str:
        parts = tuple(int(p[1:-1]) if p.startswith("[") else p
                      for p in re.findall(r"\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]", m[1]))
        parts = tuple(p[1:] if isinstance(p, str) else p for p in parts)
        words = _titles(root, parts)
        return f"“{words}”" if words else m[0]

    def set_to(m: re.Match[str]) -> str:
        words = field_words(m[1])
        if words is None:
            return m[0]
        return f"set “{words}” to {'Yes' if m[2] == 'true' else 'No'}"

    def quoted(m: re.Match[str]) -> str:
        if m[1] in codes:
            return f"“{codes[m[1]]}”"
        if "_" not in m[1] and "." not in m[1]:
            return m[0]  # a plain word: an id or a value, not a field's key
        words = field_words(m[1])
        return f"“{words}”" if words else m[0]

    message = _CODE_ASIDE.sub(lambda m: "" if m[1] in codes else m[0], message)
    message = _SET_TO.sub(set_to, message)
    message = _JSON_PATH.sub(json_path, message)
    return _QUOTED_KEY.sub(quoted, message)


_MISSING_FIELD = re.compile(r"'([A-Za-z_$][A-Za-z0-9_$]*)'(?: \([^)]*\))? is missing")


def attach(sections: list[Section], problems: list[Problem],
           words: Any = None) -> list[tuple[str, str, str]]:
    """Put each problem beside its field (``node.errors``) and return the error summary:
    (html id to link to, the field's title, the message), in the order of the page;
    ``words(path, message)`` (when given) says a message in the page's words
    (:func:`plain_words`)."""
    by_path: dict[Path_, Node] = {}
    order: dict[Path_, int] = {}
    for section in sections:
        for node in section.nodes:
            for n in node.walk():
                order[n.path] = len(order)
                by_path[n.path] = n
    summary: list[tuple[int, str, str, str]] = []
    for problem in problems:
        path = tuple(problem.path or ())
        message = problem.message
        missing = _MISSING_FIELD.match(message)
        if missing and path + (missing[1],) in by_path:
            path = path + (missing[1],)
            child = by_path[path]
            message = f"{child.title} is missing" + message[missing.end():]
        elif path in by_path:
            # a problem of an object that names one of its fields: put it beside that field
            for key in re.findall(r"'([A-Za-z_][A-Za-z0-9_]*)'", message):
                if path + (key,) in by_path:
                    path = path + (key,)
                    break
        if words is not None:
            lead = re.match(r".*? is missing", message) if missing else None
            cut = lead.end() if lead else 0
            message = message[:cut] + words(tuple(problem.path or ()), message[cut:])
        target = path
        while target and target not in by_path:
            target = target[:-1]
        found = by_path.get(target)
        if found is None:
            summary.append((-1, "spec", "The spec", message))
            continue
        found.errors.append(message)
        summary.append((order[target], found.id, _where(by_path, target), message))
    summary.sort(key=lambda s: s[0])
    return [(i, t, m) for _, i, t, m in summary]


def _where(by_path: dict[Path_, Node], path: Path_) -> str:
    """The titles from the section down to ``path``: ``Parties › School › Address``."""
    titles = [by_path[path[:i]].title for i in range(1, len(path) + 1) if path[:i] in by_path]
    return " › ".join(titles)


def summary_line(where: str, message: str) -> str:
    """A line of the error summary: ``Parties › School › Address is missing``, or
    ``Term › End date: the term ends before it starts``."""
    *above, title = where.split(" › ")
    if message.startswith(title):
        return " › ".join(above + [message])
    return f"{where}: {message}"
