"""Say what kind of change a changed paragraph holds when its words do not show it: a note or
a comment added or removed, a heading's level, a paragraph's numbering, its style."""

from __future__ import annotations

from lxml import etree

from ..ooxml.package import Package
from .carry import first
from .formats import TOGGLES, Formats, implied
from .keys import Token, plain, token_text
from .model import Story
from .outline import heading_level, style_name
from .tags import EN_REF, FN_REF, ID, PPR, VAL, w

__all__ = ["describe_comments", "describe_formatting", "describe_properties",
           "describe_runs", "describe_tokens", "run_formatting"]

COMMENT_REF = w("commentReference")
_REFS = {FN_REF: ("footnote", "footnotes"), EN_REF: ("endnote", "endnotes"),
         COMMENT_REF: ("comment", "comments")}
_LIMIT = 300


def _refs(tokens: list[Token]) -> list[etree._Element]:
    found = []
    for tok in tokens:
        for _, what in tok.pieces:
            if isinstance(what, etree._Element):
                found += [e for e in what.iter(FN_REF, EN_REF, COMMENT_REF)]
    return found


def _note_text(pkg: Package, part: str, ref: etree._Element) -> str:
    """Return the text of the note or comment ``ref`` refers to ("" if it cannot be found)."""
    kind, rel = _REFS[ref.tag]
    found = first(pkg.related(part, rel))
    if found is None or found not in pkg.parts:
        return ""
    for note in pkg.xml(found).findall(w(kind)):
        if note.get(ID) == ref.get(ID):
            text = " ".join(" ".join(plain(p) for p in note.iter(w("p"))).split())
            author = note.get(w("author")) if kind == "comment" else None
            text = text if len(text) <= _LIMIT else text[:_LIMIT - 1] + "…"
            return f"{author}: {text}" if author else text
    return ""


def describe_tokens(story: Story, gone: list[Token], added: list[Token]) -> tuple[str, str]:
    """Return what a changed paragraph's edits are ("text", "footnote", "comment" …) and the
    notes or comments they add or remove, in words."""
    details = []
    kinds = []
    for tokens, pkg, part, verb in ((added, story.new, story.new_part, "added"),
                                    (gone, story.old, story.old_part, "removed")):
        for ref in _refs(tokens):
            kind = _REFS[ref.tag][0]
            kinds.append(kind)
            text = _note_text(pkg, part, ref)
            details.append(f"{kind} {verb}" + (f": “{text}”" if text else ""))
    words = any(token_text(t).strip() and not _refs([t]) for t in gone + added)
    what = kinds[0] if kinds and not words else "text"
    return what, "; ".join(details)


def describe_comments(story: Story, old: etree._Element, new: etree._Element,
                      old_kept: bool) -> str:
    """Return the comments added to a paragraph whose words did not change ("comment added:
    “Counsel: …”"), and, unless the old document's comments are kept (``old_kept``), those
    left out ("comment removed: …"), or "" when there are none. (A comment's mark is no text,
    so the word comparison does not see it.)"""
    before = [_note_text(story.old, story.old_part, r) for r in old.iter(COMMENT_REF)]
    after = [_note_text(story.new, story.new_part, r) for r in new.iter(COMMENT_REF)]
    details = []
    sides = [(after, before, "added")] + ([] if old_kept else [(before, after, "removed")])
    for texts, others, verb in sides:
        rest = list(others)
        for text in texts:
            if text in rest:
                rest.remove(text)
            else:
                details.append(f"comment {verb}" + (f": “{text}”" if text else ""))
    return "; ".join(details)


def _num(p: etree._Element) -> tuple[str, str] | None:
    ppr = p.find(PPR)
    num = ppr.find(w("numPr")) if ppr is not None else None
    if num is None:
        return None
    ilvl, num_id = num.find(w("ilvl")), num.find(w("numId"))
    return (ilvl.get(VAL, "0") if ilvl is not None else "0",
            num_id.get(VAL, "0") if num_id is not None else "0")


def describe_properties(story: Story, old: etree._Element, new: etree._Element,
                        old_formats: Formats | None = None, new_formats: Formats | None = None
                        ) -> tuple[str, str]:
    """Return what a change of paragraph properties is: "heading level" (with the levels),
    "numbering", or "formatting" (with the styles when the style changed)."""
    before = style_name(story.old, story.old_part, old)
    after = style_name(story.new, story.new_part, new)
    old_level = heading_level(story.old, story.old_part, old)
    new_level = heading_level(story.new, story.new_part, new)
    if old_level != new_level:
        return "heading level", f"{before} → {after}"
    if _num(old) != _num(new):
        gone, now = _num(old), _num(new)
        if gone is None or now is None:
            return "numbering", "numbered → not numbered" if now is None else \
                "not numbered → numbered"
        if gone[1] == now[1] and gone[0].isdigit() and now[0].isdigit():
            return "numbering", f"list level {int(gone[0]) + 1} → {int(now[0]) + 1}"
        return "numbering", "another list's numbering"
    return "formatting", "; ".join(paragraph_formatting(story, old, new, before, after,
                                                        old_formats, new_formats))


def paragraph_formatting(story: Story, old: etree._Element, new: etree._Element,
                         before: str, after: str, old_formats: Formats | None = None,
                         new_formats: Formats | None = None) -> list[str]:
    """Return how a paragraph's style and direct formatting changed, in words ("style
    Heading 2 → Heading 3", "alignment left → centered")."""
    out = [f"style {before} → {after}"] if before != after else []
    old_formats = old_formats or Formats(story.old)
    new_formats = new_formats or Formats(story.new)
    _, old_own, old_look = old_formats.paragraph_look(old)
    _, new_own, new_look = new_formats.paragraph_look(new)
    keys = {k for k in old_own.keys() | new_own.keys() if old_own.get(k) != new_own.get(k)}
    out += describe_formatting({k: v for k, v in old_look.items() if k in keys},
                               {k: v for k, v in new_look.items() if k in keys})
    return out


# ---- formatting in words

#: on/off properties by the name Word's Font and Paragraph dialogs give them
_TOGGLE_NAMES = {
    "b": "bold", "i": "italic", "strike": "strikethrough", "dstrike": "double strikethrough",
    "caps": "all caps", "smallCaps": "small caps", "vanish": "hidden", "outline": "outline",
    "shadow": "shadow", "emboss": "emboss", "imprint": "engrave", "keepNext": "keep with next",
    "keepLines": "keep lines together", "pageBreakBefore": "page break before",
    "widowControl": "widow control", "bidi": "right-to-left", "rtl": "right-to-left",
    "contextualSpacing": "no space between paragraphs of the same style",
    "suppressAutoHyphens": "no hyphenation"}
#: (element, attribute) of valued properties: their name, and how a value reads
_VALUED: dict[tuple[str, str], tuple[str, str]] = {
    ("sz", "val"): ("font size", "half-points"), ("szCs", "val"): ("", ""),
    ("rFonts", "ascii"): ("font", "name"), ("rFonts", "hAnsi"): ("", ""),
    ("rFonts", "eastAsia"): ("East Asian font", "name"), ("rFonts", "cs"): ("", ""),
    ("rFonts", "asciiTheme"): ("font", "theme"), ("rFonts", "hAnsiTheme"): ("", ""),
    ("rFonts", "eastAsiaTheme"): ("", ""), ("rFonts", "cstheme"): ("", ""),
    ("color", "val"): ("font color", "color"), ("highlight", "val"): ("highlight", "name"),
    ("u", "val"): ("underline", "name"), ("vertAlign", "val"): ("position", "name"),
    ("spacing", "val"): ("character spacing", "twips-pt"), ("kern", "val"): ("", ""),
    ("position", "val"): ("raised/lowered", "half-points"),
    ("jc", "val"): ("alignment", "name"), ("ind", "left"): ("left indent", "twips-in"),
    ("ind", "start"): ("left indent", "twips-in"), ("ind", "right"): ("right indent", "twips-in"),
    ("ind", "end"): ("right indent", "twips-in"),
    ("ind", "firstLine"): ("first-line indent", "twips-in"),
    ("ind", "hanging"): ("hanging indent", "twips-in"),
    ("spacing", "before"): ("space before", "twips-pt"),
    ("spacing", "after"): ("space after", "twips-pt"), ("spacing", "line"): ("line spacing", "line"),
    ("spacing", "lineRule"): ("", ""), ("outlineLvl", "val"): ("outline level", "level"),
    ("lang", "val"): ("language", "name"), ("lang", "eastAsia"): ("", ""),
    ("lang", "bidi"): ("", ""),
}
_WORDS = {"center": "centered", "both": "justified", "left": "left", "right": "right",
          "distribute": "distributed", "single": "single", "double": "double", "none": "none",
          "superscript": "superscript", "subscript": "subscript", "baseline": "normal",
          "auto": "automatic"}


def _amount(value: str | None, how: str, props: dict[tuple[str, str], str]) -> str:
    if value is None:
        return "the default"
    try:
        n = int(value)
    except ValueError:
        return _WORDS.get(value, value)
    if how == "half-points":
        return f"{n / 2:g} pt"
    if how == "twips-pt":
        return f"{n / 20:g} pt"
    if how == "twips-in":
        return f"{n / 1440:g} in"
    if how == "level":
        return "body text" if n >= 9 else str(n + 1)
    if how == "line":
        rule = props.get((w("spacing"), w("lineRule")), "auto")
        return f"{n / 240:g} lines" if rule == "auto" else f"{n / 20:g} pt"
    if how == "color":
        return value
    return value


def describe_formatting(old: dict[tuple[str, str], str], new: dict[tuple[str, str], str]
                        ) -> list[str]:
    """Return how formatting differs between two sets of properties (a run's or a paragraph's,
    each as it shows, :mod:`.formats`), in words: "bold added", "italic removed", "font size
    11 → 12 pt", "alignment left → centered"; a property with no common name is named by its
    element ("w:kern 0 → 16")."""
    out: list[str] = []
    for key in sorted(old.keys() | new.keys()):
        before = old.get(key, implied(key))
        after = new.get(key, implied(key))
        if before == after:
            continue
        tag, attr = key
        name = etree.QName(tag).localname
        attr_name = etree.QName(attr).localname if attr else ""
        if tag in TOGGLES:
            label = _TOGGLE_NAMES.get(name)
            if label is None:
                if name.endswith("Cs"):
                    continue  # the complex-script twin of a property named once
                label = f"w:{name}"
            phrase = f"{label} {'added' if after == '1' else 'removed'}"
        elif (name, attr_name) in _VALUED:
            label, how = _VALUED[(name, attr_name)]
            if not label:
                continue  # said with its twin (the size of complex script, a font's other slots)
            was, now = _amount(before, how, old), _amount(after, how, new)
            for unit in (" pt", " in", " lines"):  # "font size 11 → 12 pt"
                if was.endswith(unit) and now.endswith(unit):
                    was = was[:-len(unit)]
            phrase = f"{label} {was} → {now}"
            if name == "u":
                phrase = ("underline added" if before in (None, "none") else
                          "underline removed" if after in (None, "none") else phrase)
        else:
            label = f"w:{name}" + (f" {attr_name}" if attr_name else "")
            phrase = f"{label} changed"
        if phrase not in out:
            out.append(phrase)
    return out


def run_formatting(old_formats: Formats, new_formats: Formats, before: etree._Element,
                   after: etree._Element) -> list[str]:
    """Return how a run's formatting changed from ``before`` (the old run) to ``after``, in
    words: only what its direct formatting changes (what a ``w:rPrChange`` restores)."""
    old_sig, new_sig = old_formats.run_sig(before), new_formats.run_sig(after)
    keys = {k for k, _ in old_sig[1] ^ new_sig[1]}
    old_look, new_look = old_formats.run_look(before), new_formats.run_look(after)
    out = describe_formatting({k: v for k, v in old_look.items() if k in keys},
                              {k: v for k, v in new_look.items() if k in keys})
    if old_sig[0] != new_sig[0]:
        out.insert(0, f"character style {old_sig[0] or 'none'} → {new_sig[0] or 'none'}")
    return out


#: the most characters of the words a formatting change is on, shown in the summary
_ON_LIMIT = 80


def describe_runs(changed: list[tuple[list[str], str]]) -> str:
    """Return formatting changes of runs in words, each with the words it is on:
    ``bold added on “30 days”; font size 11 → 12 pt on “Notice period:”`` (``changed`` holds
    each run's changes and its text, in order; runs with the same changes are said once)."""
    by_change: dict[tuple[str, ...], list[str]] = {}
    for phrases, text in changed:
        if phrases:
            by_change.setdefault(tuple(phrases), []).append(text)
    parts = []
    for said, texts in by_change.items():
        words = " ".join(" … ".join(t.strip() for t in texts if t.strip()).split())
        if len(words) > _ON_LIMIT:
            words = words[:_ON_LIMIT - 1].rstrip() + "…"
        parts.append(", ".join(said) + (f" on “{words}”" if words else ""))
    return "; ".join(parts)
