"""Compare last year's spec with this year's, field by field beside the schema.

:func:`compare` walks both specs beside the schema and returns one :class:`SpecChange` per field
that differs, labelled with the schema's titles ("Term › End date: June 30, 2027 → June 30,
2028") and formatted as the documents format it (dates, amounts, days). Lists of objects are
matched by what identifies an item (a contact's id, a service's name, a signature's party), not
by position, so reordering a list is not a change. Changes a lawyer should see (the FERPA basis
and data elements, insurance, indemnification, termination, funding) are marked
``legal_review``. The bookkeeping of a renewal (``version``, ``schema_version``, ``id``,
``annual_review``) is left out of the list; the summary's header names the versions instead.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..formatting import WEEKDAYS, Formatter
from ..i18n.locales import DEFAULT_LOCALE
from ..errors import PathItem, json_path
from ..spec.model import default_of, writes_commitments
from ..spec.schema import resolve_ref as _resolve, schema

#: Where a value is in a spec: the keys and indexes to walk.
Where = tuple[PathItem, ...]

#: Top-level fields that are the bookkeeping of a renewal, not terms of the agreement.
BOOKKEEPING = ("$schema", "schema_version", "version", "id", "annual_review")

#: Where a change needs legal review, and why (schema paths, list indices left out).
LEGAL_REVIEW: dict[tuple[str, ...], str] = {
    ("data_sharing", "shares_student_data"): "FERPA: whether student data is shared",
    ("data_sharing", "legal_basis"): "FERPA legal basis",
    ("data_sharing", "data_elements"): "FERPA: the student data shared",
    ("data_sharing", "consent"): "FERPA legal basis (consent)",
    ("data_sharing", "school_official"): "FERPA legal basis (school official)",
    ("data_sharing", "study"): "FERPA legal basis (studies)",
    ("data_sharing", "evaluation"): "FERPA legal basis (audit or evaluation)",
    ("data_sharing", "authorized_users"): "FERPA: who may see the data",
    ("data_sharing",): "FERPA: the data-sharing agreement's terms",
    ("currency",): "the currency of every amount",
    ("insurance",): "insurance",
    ("indemnification",): "indemnification",
    ("termination",): "termination",
    ("funding",): "funding",
    ("general_terms",): "the general terms (assignment, public records, conflict of interest…)",
    ("subcontractors",): "subcontractors",
    ("internship",): "paid internships (employer of record, wages, child-labor law)",
    ("faith_based",): "a faith-based partner's religious neutrality",
    ("food_and_health",): "food, allergies, medication and medical emergencies",
    ("permissions",): "permissions (participation, photographs, field trips)",
}

#: The field that identifies an item of each list of objects; others are tried after it.
IDENTITY: dict[tuple[str, ...], str] = {
    ("contacts",): "id",
    ("roles",): "id",
    ("services",): "name",
    ("raci",): "activity",
    ("goals",): "goal",
    ("goals", "indicators"): "indicator",
    ("data_sharing", "data_elements"): "name",
    ("data_sharing", "authorized_users"): "name",
    ("signatures",): "party",
    ("funding", "contributions"): "party",
    ("attachments",): "title",
}
_OTHER_IDENTITIES = ("id", "email", "name", "role", "party", "title")
_DISPLAY = ("name", "title", "activity", "goal", "indicator", "item", "service")

@dataclass(frozen=True)
class SpecChange:
    """One difference between the two specs.

    ``path`` is the JSON path of the value in the new spec (in the old one for a removal);
    ``old`` and ``new`` are the JSON values (None when absent), ``old_text`` and ``new_text``
    the same as the documents write them; ``text`` says it all in one line.
    """

    path: str
    label: str
    kind: str  # "changed", "added", "removed" or "reordered"
    old: Any
    new: Any
    old_text: str | None
    new_text: str | None
    text: str
    legal_review: bool
    legal_reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SpecChange:
        return cls(**data)


def _legal(keys: tuple[str, ...]) -> str | None:
    for prefix, reason in LEGAL_REVIEW.items():
        n = min(len(prefix), len(keys))
        if keys[:n] == prefix[:n]:
            return reason
    return None


class _SchemaWalk:
    def __init__(self, old: dict[str, Any], new: dict[str, Any], locale: str,
                 in_us: bool = False) -> None:
        self.old, self.new = old, new
        self.old_explicit, self.new_explicit = writes_commitments(old), writes_commitments(new)
        self.new_fmt = Formatter(locale, new.get("currency", "USD"), in_us=in_us)
        self.old_fmt = Formatter(locale, old.get("currency", "USD"), in_us=in_us)
        self.fmt = self.new_fmt
        self.changes: list[SpecChange] = []

    def show_old(self, node: dict[str, Any], value: Any) -> str:
        """``value`` of the old spec as it wrote it (its amounts in its own currency)."""
        self.fmt = self.old_fmt
        try:
            return self.show(node, value)
        finally:
            self.fmt = self.new_fmt

    # values as the documents write them

    def show(self, node: dict[str, Any], value: Any) -> str:
        node, ref = _resolve(node)
        if value is None:
            return "none"
        if ref == "date" and isinstance(value, str):
            return self.fmt.date(value)
        if ref == "time" and isinstance(value, str):
            return self.fmt.time(value)
        if ref == "money" and isinstance(value, (int, float)):
            return str(self.fmt.money(value))
        if isinstance(value, bool):
            return "yes" if value else "no"
        if ref == "key" and isinstance(value, str) and \
                not str(node.get("title", "")).lower().endswith(" id"):
            return self.named(value)  # a reference: the contact's name, the role's title
        if ref == "party" and isinstance(value, str):
            return self.party(value)
        if isinstance(value, str) and value in WEEKDAYS and node.get("enum") == list(WEEKDAYS):
            return self.fmt.weekday(value)
        if isinstance(value, str) and value in node.get("enum", ()):
            return value.replace("_", " ")  # a code such as school_official, in words
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, dict):
            parts = []
            props = node.get("properties", {})
            for name, item in value.items():
                extra = node.get("additionalProperties")
                sub: dict[str, Any] = props.get(name) or (extra if isinstance(extra, dict)
                                                          else {})
                title = _resolve(sub)[0].get("title", name) if name in props else name
                parts.append(f"{title}: {self.show(sub, item)}")
            return "; ".join(parts)
        if isinstance(value, list):
            return ", ".join(self.show(node.get("items", {}), v) for v in value)
        return str(value)

    def _sides(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The specs to look names up in, the one being shown first."""
        return (self.old, self.new) if self.fmt is self.old_fmt else (self.new, self.old)

    def named(self, key: str) -> str:
        for data in self._sides():
            for contact in data.get("contacts") or []:
                if isinstance(contact, dict) and contact.get("id") == key and contact.get("name"):
                    return str(contact["name"])
            for role in data.get("roles") or []:
                if isinstance(role, dict) and role.get("id") == key and role.get("title"):
                    return str(role["title"])
        return key

    def party(self, key: Any) -> str:
        for data in self._sides():
            party = (data.get("parties") or {}).get(key)
            if isinstance(party, dict):
                return party.get("short_name") or party.get("legal_name") or str(key)
        return {"joint": "Joint", "families": "Families"}.get(key, str(key))

    def key_title(self, keys: tuple[str, ...], name: str) -> str:
        """Return how a key of a map is named: a RACI assignment's role by its title."""
        if keys == ("raci", "assignments"):
            for data in (self.new, self.old):
                for role in data.get("roles") or []:
                    if isinstance(role, dict) and role.get("id") == name and role.get("title"):
                        return str(role["title"])
        return name

    def display(self, keys: tuple[str, ...], item: Any, node: dict[str, Any]) -> str:
        """Return how an item of a list is named in a label: a contact's name, a party's name."""
        if not isinstance(item, dict):
            return self.show(node, item)
        ident = IDENTITY.get(keys)
        if ident == "party" and "party" in item:
            return self.party(item["party"])
        for name in _DISPLAY:
            if isinstance(item.get(name), str):
                return str(item[name])
        return self.show(node, item)

    # the walk

    def add(self, path: Where, keys: tuple[str, ...], crumbs: list[str], kind: str,
            node: dict[str, Any], old: Any, new: Any, item: str | None = None) -> None:
        """Record a change; ``item`` is the title of a list's items when one is added or
        removed (``crumbs`` then ends with the list's title and the item's name)."""
        old_text = None if old is None else self.show_old(node, old)
        new_text = None if new is None else self.show(node, new)
        label = " › ".join(crumbs)
        if kind == "changed":
            text = f"{label}: {old_text} → {new_text}"
        else:
            what, parent = (item, crumbs[:-2]) if item else (crumbs[-1], crumbs[:-1])
            summary = crumbs[-1] if item else (new_text if kind == "added" else old_text)
            direction = "to" if kind == "added" else "from"
            text = f"{what} {kind}" + (f" {direction} {' › '.join(parent)}" if parent else "")
            text += f": {summary}"
        reason = _legal(keys)
        self.changes.append(SpecChange(json_path(path), label, kind, old, new, old_text, new_text,
                                   text, reason is not None, reason))

    def walk(self, node: dict[str, Any], old: Any, new: Any, path_old: Where, path_new: Where,
             keys: tuple[str, ...], crumbs: list[str]) -> None:
        raw, (node, _) = node, _resolve(node)
        if old == new:
            return
        if isinstance(old, dict) and isinstance(new, dict):
            props = node.get("properties", {})
            extra = node.get("additionalProperties")
            names = list(props) + [n for n in list(old) + list(new) if n not in props]
            for name in dict.fromkeys(names):
                if not keys and name in BOOKKEEPING:
                    continue
                sub = props.get(name) or (extra if isinstance(extra, dict) else {})
                sub_node = _resolve(sub)[0]
                title = sub_node.get("title", name) if name in props else self.key_title(keys,
                                                                                         name)
                o, n = old.get(name), new.get(name)
                # left out means the default of the spec's own schema version: not a change
                # (a commitment written in by renew is what last year's default promised)
                found, value, _ = default_of(sub_node, explicit=self.old_explicit)
                if name not in old and found:
                    o = value
                found, value, _ = default_of(sub_node, explicit=self.new_explicit)
                if name not in new and found:
                    n = value
                if o == n:
                    continue
                child = (path_old + (name,), path_new + (name,), keys + (name,), crumbs + [title])
                if name not in old or name not in new:
                    if o is None or n is None or (isinstance(o, list) and isinstance(n, list)
                                                  and (not o or not n)):
                        self.presence(sub, o, n, *child)
                        continue
                self.walk(sub, o, n, *child)
            return
        if isinstance(old, list) and isinstance(new, list):
            items = node.get("items", {})
            if isinstance(_resolve(items)[0].get("properties"), dict) or any(
                    isinstance(v, dict) for v in old + new):
                self.objects(items, old, new, path_old, path_new, keys, crumbs)
            else:
                self.scalars(items, old, new, path_old, path_new, keys, crumbs)
            return
        self.add(path_new, keys, crumbs, "changed", raw, old, new)

    def presence(self, node: dict[str, Any], old: Any, new: Any, path_old: Where,
                 path_new: Where, keys: tuple[str, ...], crumbs: list[str]) -> None:
        """Report a field that is in one spec only; a list as its items, one by one."""
        resolved = _resolve(node)[0]
        if resolved.get("type") == "array" and isinstance(old or new, list):
            self.walk(node, old or [], new or [], path_old, path_new, keys, crumbs)
        elif old is None:
            self.add(path_new, keys, crumbs, "added", node, None, new)
        else:
            self.add(path_old, keys, crumbs, "removed", node, old, None)

    def scalars(self, items: dict[str, Any], old: list[Any], new: list[Any], path_old: Where,
                path_new: Where, keys: tuple[str, ...], crumbs: list[str]) -> None:
        what = _resolve(items)[0].get("title") or "Item"
        left = list(new)
        for value in old:
            if value in left:
                left.remove(value)
        gone = list(old)
        for value in new:
            if value in gone:
                gone.remove(value)
        kept = [v for v in old if v in new]
        if kept != [v for v in new if v in old]:
            self.reordered(path_new, keys, crumbs, what)
        for value in gone:
            i = old.index(value)
            self.add(path_old + (i,), keys, crumbs + [self.show_old(items, value)], "removed",
                     items, value, None, what)
        for value in left:
            i = new.index(value)
            self.add(path_new + (i,), keys, crumbs + [self.show(items, value)], "added", items,
                     None, value, what)

    def order(self, pairs: list[tuple[int, int]], path: Where, keys: tuple[str, ...],
              crumbs: list[str], what: str) -> None:
        olds = [i for i, _ in sorted(pairs, key=lambda p: p[1])]
        if olds != sorted(olds):
            self.reordered(path, keys, crumbs, what)

    def reordered(self, path: Where, keys: tuple[str, ...], crumbs: list[str], what: str) -> None:
        """The same items in another order: no change of substance, but the documents list
        them in the new order, so their redlines show it."""
        label = " › ".join(crumbs) or what
        self.changes.append(SpecChange(json_path(path), label, "reordered", None, None, None, None,
                                   f"{label}: the same items in another order", False, None))

    def objects(self, items: dict[str, Any], old: list[Any], new: list[Any], path_old: Where,
                path_new: Where, keys: tuple[str, ...], crumbs: list[str]) -> None:
        what = _resolve(items)[0].get("title") or "Item"
        pairs: list[tuple[int, int]] = []
        old_left = list(range(len(old)))
        new_left = list(range(len(new)))
        # equal items first, then by each identity field that is unique on both sides
        for i in list(old_left):
            for j in new_left:
                if old[i] == new[j]:
                    pairs.append((i, j))
                    old_left.remove(i)
                    new_left.remove(j)
                    break
        primary = IDENTITY.get(keys)
        for ident in dict.fromkeys(([primary] if primary else []) + list(_OTHER_IDENTITIES)):
            def ids(values: list[Any], left: list[int]) -> dict[Any, int]:
                found: dict[Any, list[int]] = {}
                for k in left:
                    v = values[k].get(ident) if isinstance(values[k], dict) else None
                    if isinstance(v, (str, int)) and not isinstance(v, bool):
                        found.setdefault(v, []).append(k)
                return {v: ks[0] for v, ks in found.items() if len(ks) == 1}

            old_ids, new_ids = ids(old, old_left), ids(new, new_left)
            for value, i in old_ids.items():
                if value in new_ids:
                    pairs.append((i, new_ids[value]))
                    old_left.remove(i)
                    new_left.remove(new_ids[value])
        self.order(pairs, path_new, keys, crumbs, what)
        for i, j in sorted(pairs, key=lambda p: p[1]):
            if old[i] != new[j]:
                self.walk(items, old[i], new[j], path_old + (i,), path_new + (j,), keys,
                          crumbs + [self.display(keys, new[j], items)])
        for i in old_left:
            self.add(path_old + (i,), keys, crumbs + [self.display(keys, old[i], items)],
                     "removed", items, old[i], None, what)
        for j in new_left:
            self.add(path_new + (j,), keys, crumbs + [self.display(keys, new[j], items)],
                     "added", items, None, new[j], what)


def compare(old: dict[str, Any], new: dict[str, Any], *,
            locale: str = DEFAULT_LOCALE, in_us: bool = False) -> list[SpecChange]:
    """Return every change from spec ``old`` to spec ``new`` (both valid), in schema order;
    values are written as a document in ``locale`` writes them (``in_us``: the parties are in
    the United States, as :class:`~docgen.formatting.Formatter` takes it)."""
    walk = _SchemaWalk(old, new, locale, in_us)
    walk.walk(schema(), old, new, (), (), (), [])
    return walk.changes


#: the bookkeeping fields a document writes (its footer: "lincoln-…-2027-28 · version 2")
_WRITTEN_BOOKKEEPING = (("id", "Document id"), ("version", "Version"))


def bookkeeping_changes(old: dict[str, Any], new: dict[str, Any]) -> list[SpecChange]:
    """Return the changes of the bookkeeping fields the documents write (the id and version
    in every footer), which :func:`compare` leaves out of the list of changes: a revision of
    a footer is then said to come from them."""
    out = []
    for name, label in _WRITTEN_BOOKKEEPING:
        o, n = old.get(name), new.get(name)
        if o != n:
            o_text, n_text = (None if v is None else str(v) for v in (o, n))
            out.append(SpecChange(json_path((name,)), label, "changed", o, n, o_text, n_text,
                                  f"{label}: {o_text or 'none'} → {n_text or 'none'}", False))
    return out
