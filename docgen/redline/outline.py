"""Find where a change sits as a reader names it: under which heading, with the heading's
visible number ("§ 9 Insurance, paragraph 2").

A heading is a paragraph with an outline level (its own, or its style's); its number is the
one Word shows, counted from the numbering definitions (a style's numbering too), so a heading
numbered by the template reads "§ 9" although its text is only "Insurance".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ..ooxml.package import Package
from .carry import first
from .keys import plain
from .tags import PPR, P, TBL, VAL, child, w

__all__ = ["Outline", "Places", "heading_level", "style_name"]

_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
_MAX_HEADING = 60  # characters of a heading's text in a place


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _format(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


class _Styles:
    """A document's paragraph styles: their names, outline levels and numbering."""

    def __init__(self, pkg: Package, main: str) -> None:
        part = first(pkg.related(main, "styles"))
        root = pkg.xml(part) if part is not None and part in pkg.parts else None
        self.by_id: dict[str, etree._Element] = {}
        #: a style's property, by (style id, property): what its chain gives, looked up once
        self._props: dict[tuple[str | None, str], etree._Element | None] = {}
        #: a style's heading level, by style id
        self._levels: dict[tuple[str | None, str], int | None] = {}
        if root is not None:
            for s in root.findall(w("style")):
                if s.get(w("type"), "paragraph") == "paragraph" and s.get(w("styleId")):
                    self.by_id[s.get(w("styleId"), "")] = s

    def chain(self, style_id: str | None) -> list[etree._Element]:
        out: list[etree._Element] = []
        while style_id and style_id in self.by_id and len(out) < 20:
            s = self.by_id[style_id]
            out.append(s)
            based = s.find(w("basedOn"))
            style_id = based.get(VAL) if based is not None else None
        return out

    def name(self, style_id: str | None) -> str | None:
        found = self.by_id.get(style_id or "")
        name = found.find(w("name")) if found is not None else None
        return name.get(VAL) if name is not None else style_id

    def prop(self, p: etree._Element, tag: str) -> etree._Element | None:
        """Return a paragraph property, the paragraph's own or its styles'."""
        ppr = p.find(PPR)
        own = ppr.find(w(tag)) if ppr is not None else None
        if own is not None:
            return own
        return self.style_prop(_style_id(p), tag)

    def style_prop(self, style_id: str | None, tag: str) -> etree._Element | None:
        """Return a paragraph property as the style ``style_id`` (and those it is based on)
        gives it, looked up once per style and property."""
        key = (style_id, tag)
        if key not in self._props:
            self._props[key] = None
            for s in self.chain(style_id):
                sppr = s.find(PPR)
                found = sppr.find(w(tag)) if sppr is not None else None
                if found is not None:
                    self._props[key] = found
                    break
        return self._props[key]


def _style_id(p: etree._Element) -> str | None:
    ppr = p.find(PPR)
    style = ppr.find(w("pStyle")) if ppr is not None else None
    return style.get(VAL) if style is not None else None


def style_name(pkg: Package, main: str, p: etree._Element) -> str:
    """Return the name of a paragraph's style as Word lists it ("heading 2" → "Heading 2")."""
    name = _Styles(pkg, main).name(_style_id(p)) or "Normal"
    return name[:1].upper() + name[1:]


def heading_level(pkg: Package, main: str, p: etree._Element) -> int | None:
    """Return a paragraph's heading level (1 for Heading 1), or None for body text."""
    return _level(_Styles(pkg, main), p)


def _level(styles: _Styles, p: etree._Element) -> int | None:
    ppr = p.find(PPR)
    own = ppr.find(w("outlineLvl")) if ppr is not None else None
    return _outline_level(styles, own, _style_id(p))


def _outline_level(styles: _Styles, own: etree._Element | None,
                   style_id: str | None) -> int | None:
    """Return the heading level of a paragraph of style ``style_id`` whose own outline level
    is ``own`` (None: it has none); what a style gives is worked out once per style."""
    if own is not None:
        return _level_value(own)
    key = (style_id, "\x00level")
    if key not in styles._levels:
        styles._levels[key] = _style_level(styles, style_id)
    return styles._levels[key]


def _level_value(found: etree._Element) -> int | None:
    value = found.get(VAL, "9")
    return int(value) + 1 if value.isdigit() and int(value) < 9 else None


def _style_level(styles: _Styles, style_id: str | None) -> int | None:
    found = styles.style_prop(style_id, "outlineLvl")
    if found is None:
        # Word's built-in "heading 1" … "heading 9" are headings without saying so
        for s in styles.chain(style_id):
            name = s.find(w("name"))
            words = (name.get(VAL, "") if name is not None else "").lower().split()
            if len(words) == 2 and words[0] == "heading" and len(words[1]) == 1 and words[1] in "123456789":
                return int(words[1])
        return None
    return _level_value(found)


class _Counter:
    """Word's list counters: one per abstract numbering, one count per level."""

    def __init__(self, pkg: Package, main: str) -> None:
        part = first(pkg.related(main, "numbering"))
        root = pkg.xml(part) if part is not None and part in pkg.parts else None
        self.abstract: dict[str, etree._Element] = {}
        self.nums: dict[str, str] = {}
        if root is not None:
            for a in root.findall(w("abstractNum")):
                self.abstract[a.get(w("abstractNumId"), "")] = a
            for n in root.findall(w("num")):
                ref = n.find(w("abstractNumId"))
                if ref is not None:
                    self.nums[n.get(w("numId"), "")] = ref.get(VAL, "")
        self.counts: dict[str, list[int]] = {}
        self._levels: dict[str, dict[int, etree._Element]] = {}

    def number(self, num_id: str, ilvl: int) -> str:
        """Count a paragraph of list ``num_id`` at level ``ilvl``; return its visible number."""
        abstract_id = self.nums.get(num_id)
        definition = self.abstract.get(abstract_id or "")
        if definition is None or not 0 <= ilvl < 9:
            return ""
        levels = self._levels.get(abstract_id or "")
        if levels is None:
            levels = self._levels[abstract_id or ""] = {
                int(lv.get(w("ilvl"), "0")): lv for lv in definition.findall(w("lvl"))
                if lv.get(w("ilvl"), "0").isdigit()}
        counts = self.counts.setdefault(abstract_id or "", [0] * 9)

        def start(k: int) -> int:
            lv = levels.get(k)
            el = lv.find(w("start")) if lv is not None else None
            value = el.get(VAL, "1") if el is not None else "1"
            return int(value) if value.isdigit() else 1

        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else start(ilvl)
        for k in range(ilvl + 1, 9):
            counts[k] = 0
        lv = levels.get(ilvl)
        text_el = lv.find(w("lvlText")) if lv is not None else None
        text = text_el.get(VAL, "") if text_el is not None else f"%{ilvl + 1}."
        for k in range(9):
            if f"%{k + 1}" in text:
                fmt_el = levels[k].find(w("numFmt")) if k in levels else None
                fmt = fmt_el.get(VAL, "decimal") if fmt_el is not None else "decimal"
                text = text.replace(f"%{k + 1}", _format(counts[k] or start(k), fmt))
        return text


@dataclass(frozen=True)
class Outline:
    """The headings of one document body: the place label of each heading paragraph (by the
    paragraph's identity)."""

    headings: dict[int, str] = field(default_factory=dict)
    #: kept so that the ids above stay theirs
    keep: tuple[etree._Element, ...] = ()

    @classmethod
    def of(cls, pkg: Package, main: str, body: etree._Element) -> Outline:
        """Return the outline of ``body``, numbering its paragraphs as Word does."""
        styles = _Styles(pkg, main)
        counter = _Counter(pkg, main)
        headings: dict[int, str] = {}
        keep = []
        numbering, outline_level, style = w("numPr"), w("outlineLvl"), w("pStyle")
        for p in body.iter(P):
            number = ""
            ppr = child(p, PPR)
            own_num = own_level = style_el = None
            if ppr is not None:
                own_num, own_level = child(ppr, numbering), child(ppr, outline_level)
                style_el = child(ppr, style)
            style_id = style_el.get(VAL) if style_el is not None else None
            num_pr = own_num if own_num is not None else styles.style_prop(style_id, "numPr")
            if num_pr is not None:
                num = num_pr.find(w("numId"))
                lvl = num_pr.find(w("ilvl"))
                num_id = num.get(VAL, "0") if num is not None else "0"
                ilvl = lvl.get(VAL, "0") if lvl is not None else "0"
                if num_id != "0" and ilvl.isdigit():
                    number = counter.number(num_id, int(ilvl))
            if _outline_level(styles, own_level, style_id) is None:
                continue
            text = " ".join(plain(p).split())
            if len(text) > _MAX_HEADING:
                text = text[:_MAX_HEADING - 1] + "…"
            number = number.strip().rstrip(".")
            label = f"§ {number} {text}" if number and not text.startswith(number) else text
            if label:
                headings[id(p)] = label
                keep.append(p)
        return cls(headings, tuple(keep))


class Places:
    """Follow the top-level blocks of the body as they stand in the redline, to name each
    change's place by the heading above it."""

    def __init__(self, old: Outline, new: Outline) -> None:
        self.old, self.new = old, new
        self.heading = ""
        self.paragraphs = 0
        self.tables = 0
        self.top = ""  # the current block's label under its heading

    def enter(self, block: etree._Element, source: etree._Element | None = None) -> None:
        """Enter a top-level block (``source``: the old block a deleted copy came from)."""
        key = id(source if source is not None else block)
        label = (self.old if source is not None else self.new).headings.get(key)
        if label is not None and block.tag == P:
            self.heading, self.paragraphs, self.tables = label, 0, 0
            self.top = "heading"
            return
        if block.tag == P:
            self.paragraphs += 1
            self.top = f"paragraph {self.paragraphs}"
        elif block.tag == TBL:
            self.tables += 1
            self.top = f"table {self.tables}"
        else:
            self.top = "content control"

    def place(self, where: list[str]) -> str:
        """Return the place of a change at ``where`` (its first item the top-level block)."""
        if not self.heading:
            return ""
        if self.top == "heading":
            return f"{self.heading} (heading)"
        return ", ".join([self.heading, self.top] + where[1:])
