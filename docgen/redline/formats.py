"""Say what formatting a reader sees: the signatures of a run's and a paragraph's own
properties, by meaning rather than by markup.

Two signatures are equal when Word would show no formatting change between the two: the same
properties by name (namespace prefixes and declarations aside), the same attribute values once
normalised (``w:val="true"``, ``"1"``, ``"on"`` and no value are one for an on/off property; off
is the same as absent where the styles do not turn it on), revision-session ids and other marks
that change nothing on the page left out, and a direct property equal to what the paragraph's or
the run's style already gives left out too (LibreOffice writes many such). Only direct
formatting counts: the redline keeps the new document's styles, so a ``w:rPrChange`` or
``w:pPrChange`` can only ever restore direct properties; a style whose definition changed is the
same style.
"""

from __future__ import annotations

from lxml import etree

import re

from ..ooxml import archive
from ..ooxml.package import DocxRefusals, Package
from .carry import first
from .tags import PPR, RPR, SECTPR, VAL, P, attributes, w

__all__ = ["Formats", "Props", "TOGGLES", "implied", "raw_ppr", "raw_rpr",
           "same_paragraph_look"]

#: a property by meaning: (element, attribute) -> normalised value
Props = dict[tuple[str, str], str]
Sig = tuple[str, frozenset[tuple[tuple[str, str], str]]]

_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
#: attributes that change nothing a reader sees
_IGNORED_ATTRS = {f"{{{_W14}}}paraId", f"{{{_W14}}}textId"}
_RSID_PREFIX = w("rsid")
#: the on/off properties (CT_OnOff) of runs and paragraphs (ECMA-376 §17.3.1, §17.3.2)
TOGGLES = {w(t) for t in (
    "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
    "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "specVanish", "rtl",
    "cs", "oMath", "keepNext", "keepLines", "pageBreakBefore", "widowControl",
    "suppressLineNumbers", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
    "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "contextualSpacing", "mirrorIndents", "suppressOverlap", "suppressAutoHyphens")}
_TRUE, _FALSE = {"true", "1", "on"}, {"false", "0", "off"}
#: what a property is when nothing sets it (a toggle is off)
_IMPLIED: Props = {
    (w("u"), VAL): "none", (w("vertAlign"), VAL): "baseline", (w("highlight"), VAL): "none",
    (w("color"), VAL): "auto", (w("position"), VAL): "0", (w("spacing"), w("before")): "0",
    (w("spacing"), w("after")): "0", (w("ind"), w("left")): "0", (w("ind"), w("right")): "0",
    (w("ind"), w("start")): "0", (w("ind"), w("end")): "0", (w("ind"), w("firstLine")): "0",
    (w("ind"), w("hanging")): "0", (w("jc"), VAL): "left", (w("kern"), VAL): "0",
    (w("effect"), VAL): "none", (w("em"), VAL): "none", (w("textAlignment"), VAL): "auto",
    (w("outlineLvl"), VAL): "9",
}
_JC = {"start": "left", "end": "right"}
#: children of w:pPr and w:rPr that are not the element's own look
_PPR_SKIP = {RPR, SECTPR, w("pPrChange"), w("pStyle")}
_RPR_SKIP = {w("rPrChange"), w("rStyle"), w("ins"), w("del"), w("moveFrom"), w("moveTo")}
_MAX_DEPTH = 32  # basedOn chains longer than this are a loop
_NOISE = re.compile(rb' (?:w:rsid\w*|w14:paraId|w14:textId)="[^"]*"')


def raw_rpr(run: etree._Element) -> bytes:
    """Return a run's properties as markup, without revision-session ids: equal markup is the
    same formatting (telling it costs less than reading the styles)."""
    rpr = run.find(RPR) if len(run) else None
    if rpr is None:
        return b""
    return b"".join(_NOISE.sub(b"", etree.tostring(c)) for c in rpr
                    if c.tag != w("rPrChange"))


def raw_ppr(p: etree._Element) -> bytes:
    """Return a paragraph's own properties as markup (not its mark's run properties nor its
    section), without revision-session ids."""
    ppr = p.find(PPR)
    if ppr is None:
        return b""
    return b"".join(_NOISE.sub(b"", etree.tostring(c)) for c in ppr
                    if c.tag not in (RPR, SECTPR, w("pPrChange")))


def _value(attr: str, value: str) -> str:
    if value in _TRUE:
        return "1"
    if value in _FALSE:
        return "0"
    if attr == VAL and value in _JC:
        return _JC[value]
    return value


def _canon(el: etree._Element) -> str:
    """A property with children (tabs, borders, numbering), written without prefixes, in a
    fixed order."""
    attrs = sorted((k, _value(k, v)) for k, v in attributes(el).items()
                   if k not in _IGNORED_ATTRS and not k.startswith(_RSID_PREFIX))
    inner = sorted(_canon(c) for c in el if isinstance(c.tag, str))
    return f"{el.tag}{attrs}{inner}"


def props(container: etree._Element | None, skip: set[str]) -> Props:
    """Return the properties an ``w:rPr`` or ``w:pPr`` (or a style's) sets, by meaning."""
    out: Props = {}
    if container is None:
        return out
    for c in container:
        tag = c.tag
        if not isinstance(tag, str) or tag in skip:
            continue
        if tag in TOGGLES:
            out[(tag, VAL)] = "0" if (c.get(VAL) or "1") in _FALSE else "1"
        elif len(c):
            out[(tag, "")] = _canon(c)
        else:
            attrs = [(k, v) for k, v in attributes(c).items()
                     if k not in _IGNORED_ATTRS and not k.startswith(_RSID_PREFIX)]
            if not attrs:
                out[(tag, "")] = ""
            for k, v in attrs:
                out[(tag, k)] = _value(k, v)
    return out


class Formats:
    """The styles of one document, to read its runs' and paragraphs' direct formatting by
    meaning (:meth:`run_sig`, :meth:`paragraph_sig`)."""

    def __init__(self, pkg: Package) -> None:
        self._styles: dict[str, etree._Element] = {}
        self._defaults: dict[str, str] = {}
        self._resolved: dict[tuple[str, str], Props] = {}
        self._base_r: dict[tuple[str, str], Props] = {}
        self._base_p: dict[str, Props] = {}
        self._doc_ppr: Props = {}
        self._doc_rpr: Props = {}
        part = first(pkg.related(pkg.main, "styles"))
        if part is None or part not in pkg.parts:
            return
        # read from the part's bytes: a tree asked of the package would be written out again;
        # a tree already asked (the outline reads the styles first) is read, not parsed twice
        # (only carry_styles changes it, appending copies after every comparison)
        root = pkg.parsed(part)
        if root is None:
            root = archive.parse_part(pkg.parts[part], part, DocxRefusals(pkg.name)) \
                if pkg.parts[part] else pkg.xml(part)
        defaults = root.find(w("docDefaults"))
        if defaults is not None:
            self._doc_rpr = props(defaults.find(f"{w('rPrDefault')}/{RPR}"), _RPR_SKIP)
            self._doc_ppr = props(defaults.find(f"{w('pPrDefault')}/{PPR}"), _PPR_SKIP)
        for st in root.iter(w("style")):
            sid = st.get(w("styleId"))
            if sid is None:
                continue
            self._styles.setdefault(sid, st)
            kind = st.get(w("type"), "paragraph")
            if st.get(w("default")) in _TRUE and kind not in self._defaults:
                self._defaults[kind] = sid

    def _style(self, sid: str, kind: str) -> Props:
        """Return what style ``sid`` sets in its ``kind`` ("pPr" or "rPr"), its bases first."""
        found = self._resolved.get((sid, kind))
        if found is not None:
            return found
        chain: list[etree._Element] = []
        at: str | None = sid
        while at is not None and at in self._styles and len(chain) < _MAX_DEPTH:
            st = self._styles[at]
            if st in chain:
                break
            chain.append(st)
            based = st.find(w("basedOn"))
            at = based.get(VAL) if based is not None else None
        out: Props = {}
        skip = _PPR_SKIP if kind == "pPr" else _RPR_SKIP
        for st in reversed(chain):
            out.update(props(st.find(w(kind)), skip))
        self._resolved[(sid, kind)] = out
        return out

    def _paragraph_style(self, p: etree._Element | None) -> str:
        ppr = p.find(PPR) if p is not None else None
        style = ppr.find(w("pStyle")) if ppr is not None else None
        if style is not None and style.get(VAL):
            return style.get(VAL, "")
        return self._defaults.get("paragraph", "")

    def _paragraph_base(self, sid: str) -> Props:
        base = self._base_p.get(sid)
        if base is None:
            base = dict(self._doc_ppr)
            base.update(self._style(sid, "pPr"))
            self._base_p[sid] = base
        return base

    def paragraph_sig(self, p: etree._Element) -> Sig:
        """Return a paragraph's style and the direct properties that change its look (not its
        mark's run properties nor its section)."""
        sid = self._paragraph_style(p)
        return sid, _beyond(props(p.find(PPR), _PPR_SKIP), self._paragraph_base(sid))

    def paragraph_look(self, p: etree._Element) -> tuple[str, Props, Props]:
        """Return a paragraph's style, the direct properties that change its look (as
        :meth:`paragraph_sig`) and every property it shows with: the document's defaults, its
        style's and its own."""
        sid = self._paragraph_style(p)
        base = self._paragraph_base(sid)
        own = props(p.find(PPR), _PPR_SKIP)
        look = dict(base)
        look.update(own)
        return sid, {k: v for k, v in own.items() if k in dict(_beyond(own, base))}, look

    def run_look(self, run: etree._Element) -> Props:
        """Return every property a run shows with: the document's defaults, its paragraph's
        and character style's, and its own."""
        rpr = run.find(RPR) if len(run) else None
        style = rpr.find(w("rStyle")) if rpr is not None else None
        rsid = (style.get(VAL, "") if style is not None else "") or \
            self._defaults.get("character", "")
        look = dict(self._doc_rpr)
        look.update(self._style(self._paragraph_style(next(run.iterancestors(P), None)),
                                "rPr"))
        look.update(self._style(rsid, "rPr"))
        look.update(props(rpr, _RPR_SKIP))
        return look

    def run_sig(self, run: etree._Element) -> Sig:
        """Return a run's character style and the direct properties that change its look
        beyond what its paragraph's and character style give."""
        rpr = run.find(RPR) if len(run) else None
        style = rpr.find(w("rStyle")) if rpr is not None else None
        rsid = (style.get(VAL, "") if style is not None else "") or \
            self._defaults.get("character", "")
        if rpr is None or not len(rpr):
            return rsid, frozenset()
        p = next(run.iterancestors(P), None)
        psid = self._paragraph_style(p)
        base = self._base_r.get((psid, rsid))
        if base is None:
            base = dict(self._doc_rpr)
            base.update(self._style(psid, "rPr"))
            base.update(self._style(rsid, "rPr"))
            self._base_r[(psid, rsid)] = base
        return rsid, _beyond(props(rpr, _RPR_SKIP), base)


def same_paragraph_look(old: tuple[str, Props, Props], new: tuple[str, Props, Props]) -> bool:
    """Tell whether two paragraphs (as :meth:`Formats.paragraph_look` gives them, one from each
    document) show the same: the same style, and where their direct properties differ, the same
    value once their styles are read. LibreOffice moves a document's defaults into the Normal
    style and writes the old default again on some paragraphs as a direct property (a table
    cell's ``w:widowControl w:val="false"``): no change a reader sees. A property that only a
    style changed is not looked at (a style whose definition changed is the same style)."""
    if old[0] != new[0]:
        return False
    differ = {k for k in old[1].keys() | new[1].keys() if old[1].get(k) != new[1].get(k)}
    return all(old[2].get(k, _default(k)) == new[2].get(k, _default(k)) for k in differ)


def _default(k: tuple[str, str]) -> str | None:
    return "0" if k[0] in TOGGLES else _IMPLIED.get(k)


def implied(k: tuple[str, str]) -> str | None:
    """Return what property ``k`` is when nothing sets it (a toggle is off), or None."""
    return _default(k)


def _beyond(own: Props, base: Props) -> frozenset[tuple[tuple[str, str], str]]:
    """Return the properties of ``own`` that ``base`` (or, where it is silent, the default)
    does not already give."""
    return frozenset((k, v) for k, v in own.items()
                     if base.get(k, "0" if k[0] in TOGGLES else _IMPLIED.get(k)) != v)
