"""Walk the stories of two documents side by side: the body with its tables, content controls
and text boxes, each header and footer (matched by section and type), and the footnotes and
endnotes (matched through their references). Each function is told the story it works in."""

from __future__ import annotations

from lxml import etree

from ..ooxml.package import REL_TYPES, Package
from ..ooxml.sequence import insert
from .carry import first
from .diff import Opcode, align, anchored, slide
from .formats import raw_ppr
from .keys import (Markup, Reading, block_key, block_sign, plain, row_shape, row_text,
                   same_markup, starts_section)
from .marks import inserted_whole
from .model import Change, Story
from .paragraph import compare_paragraph
from .session import Numbering, Session
from .tags import (BLOCKS, DEL, INS, MOVE_FROM, MOVE_TO, PPR, RID, RPR, SDTCONTENT, SECTPR, TBL,
                   TC, TR, VAL, P, w)

__all__ = ["compare_container", "compare_headers_footers", "compare_notes",
           "explicit_headers", "number_notes", "section_refs", "sections"]

#: a section's header and footer references: (section index, "header"|"footer", type) ->
#: (part, relationship id)
SectionRefs = dict[tuple[int, str, str], tuple[str, str]]
Pair = tuple[etree._Element | None, etree._Element | None]
#: the most block pairs weighed in one changed region; a larger one is aligned in a band along
#: its diagonal (a few blocks added or removed), never by position
MAX_REPLACE_PAIRS = 4000
_TYPE_NAMES = {"default": "default", "first": "first page", "even": "even pages"}


# ---- containers (a story, a cell, a text box, a content control)

def compare_container(s: Session, story: Story, old: etree._Element, new: etree._Element,
                      where: list[str]) -> None:
    """Compare the blocks of two containers, marking the new one's blocks and putting the
    old one's removed blocks back in it, deleted; a paragraph or run of paragraphs removed in
    one place and added in another is a move (``w:moveFrom`` there, ``w:moveTo`` here)."""
    old_blocks = [c for c in old if c.tag in BLOCKS]
    new_blocks = [c for c in new if c.tag in BLOCKS]
    # the paragraphs weighed whole, serialised with their containers before any is rewritten
    # (and read once for each markup while the blocks are lined up)
    markup = Markup(old, new)
    read = Reading(markup)  # each block read once while the blocks are lined up
    old_keys = [block_sign(b, story.old, story.old_part, read.key(b)) for b in old_blocks]
    new_keys = [block_sign(b, story.new, story.new_part, read.key(b)) for b in new_blocks]
    numbering = Numbering()  # paragraphs and tables are numbered as they stand in the redline
    # the body's own blocks are followed under their headings, to name places by them
    places = None
    if story.name == "body" and not where:
        s.start_places(story, old, new)
        places = s.places
    ops = slide(anchored(old_keys, new_keys), old_keys, new_keys,
                lambda i: starts_section(old_blocks[i]),
                lambda i: starts_section(new_blocks[i]))
    plan: list[tuple[Opcode, list[Pair] | None]] = [
        (o, None if o[0] == "equal" else _align_blocks(old_blocks[o[1]:o[2]], new_blocks[o[3]:o[4]],
                                                       read))
        for o in ops]
    moves = _Moves(_find_moves(plan, old_blocks, new_blocks, old_keys, new_keys, read), read)
    del read  # the blocks are rewritten from here on
    plan = [(o, None if aligned is None else _edited_moves_first(aligned, moves))
            for o, aligned in plan]
    for (op, i1, i2, j1, j2), aligned in plan:
        if aligned is None:
            for ob, nb, key in zip(old_blocks[i1:i2], new_blocks[j1:j2], new_keys[j1:j2]):
                numbering.count(nb)
                if places:
                    places.enter(nb)
                if markup.same(ob, nb) or same_markup(ob, nb):
                    if "\x03" in key:
                        s.pair_notes(ob, nb)
                else:  # same words, other formatting
                    _compare_block(s, story, ob, nb, where, numbering)
            continue
        prev: etree._Element | None = new_blocks[j1 - 1] if j1 > 0 else None
        first_new = new_blocks[j1] if j1 < len(new_blocks) else None
        for o, n in aligned:
            if n is None:
                assert o is not None
                copy_ = s.carry.bring(o, story)
                _place(new, copy_, prev, first_new)
                prev = copy_
                numbering.count(copy_)
                if places:
                    places.enter(copy_, o)
                if moves.source(o, copy_, numbering.label(copy_),
                                places.place([]) if places else ""):
                    s.marks.block(copy_, MOVE_FROM)
                    continue
                s.record_block(story, copy_, "deleted", where, numbering)
                s.marks.block(copy_, DEL)
                continue
            prev = n
            numbering.count(n)
            if places:
                places.enter(n)
            if o is None:
                partner = moves.destination(n, numbering.label(n), len(s.changes),
                                            places.place([]) if places else "")
                if partner is not None:
                    _moved_here(s, story, partner, n, where + [numbering.label(n)])
                    continue
                s.record_block(story, n, "inserted", where, numbering)
                s.marks.block(n, INS)
            else:
                _compare_block(s, story, o, n, where, numbering)
    moves.finish(s, story, where)
    s.marks.last_paragraph(new)


#: a paragraph or run of paragraphs moved elsewhere is shown as a move from this many words on;
#: a shorter one (a moved "Yes." or a one-word line) stays a deletion and an insertion
MOVE_MIN_WORDS = 6
#: two paragraphs this alike (keys.similar) can be one paragraph, moved and edited
MOVE_LIKENESS = 0.75
#: the most (removed, added) paragraph pairs weighed for moves of edited paragraphs
MAX_MOVE_PAIRS = 2000


def _find_moves(plan: list[tuple[Opcode, list[Pair] | None]],
                old_blocks: list[etree._Element], new_blocks: list[etree._Element],
                old_keys: list[str], new_keys: list[str], read: Reading
                ) -> list[list[tuple[etree._Element, etree._Element]]]:
    """Return the moves among the removed and added paragraphs of an alignment: each a run of
    (old paragraph, new paragraph) pairs, consecutive on both sides.

    A removed paragraph and an added one are one paragraph moved when they read the same, or
    are at least :data:`MOVE_LIKENESS` alike; a run grows over neighbours on both sides that
    are alike at all (a heading renamed, an empty line), and it is a move when it holds at
    least :data:`MOVE_MIN_WORDS` words.
    """
    old_at = {id(b): i for i, b in enumerate(old_blocks)}
    new_at = {id(b): j for j, b in enumerate(new_blocks)}
    gone: dict[int, etree._Element] = {}
    came: dict[int, etree._Element] = {}
    for _, aligned in plan:
        for o, n in aligned or []:
            if n is None and o is not None and _movable(o):
                gone[old_at[id(o)]] = o
            elif o is None and n is not None and _movable(n):
                came[new_at[id(n)]] = n
    if not gone or not came:
        return []
    size = {i: len(read.words(o)) for i, o in gone.items()}
    by_key: dict[str, list[int]] = {}
    for j in sorted(came):
        by_key.setdefault(new_keys[j], []).append(j)
    match: dict[int, int] = {}
    for i in sorted(gone):
        found = by_key.get(old_keys[i])
        if found and size[i]:
            match[i] = found.pop(0)
    taken = set(match.values())
    rest_old = [i for i in sorted(gone) if i not in match and size[i]]
    rest_new = [j for j in sorted(came) if j not in taken and read.words(came[j])]
    if rest_old and rest_new and len(rest_old) * len(rest_new) <= MAX_MOVE_PAIRS:
        scored = sorted(((-like, i, j) for i in rest_old for j in rest_new
                         if (like := read(gone[i], came[j])) >= MOVE_LIKENESS))
        for _, i, j in scored:
            if i not in match and j not in taken:
                match[i] = j
                taken.add(j)

    def alike(i: int, j: int) -> bool:
        return i in gone and j in came and i not in match and j not in taken and (
            old_keys[i] == new_keys[j] or read(gone[i], came[j]) > 0)

    for i, j in sorted(match.items()):
        for step in (1, -1):
            k = step
            while alike(i + k, j + k):
                match[i + k] = j + k
                taken.add(j + k)
                k += step
    runs: list[list[tuple[int, int]]] = []
    for i, j in sorted(match.items()):
        if runs and runs[-1][-1] == (i - 1, j - 1):
            runs[-1].append((i, j))
        else:
            runs.append([(i, j)])
    return [[(gone[i], came[j]) for i, j in r] for r in runs
            if sum(size[i] for i, _ in r) >= MOVE_MIN_WORDS]


def _movable(block: etree._Element) -> bool:
    """Tell whether a block can be part of a move: a paragraph without a section break."""
    if block.tag != P:
        return False
    ppr = block.find(PPR)
    return ppr is None or ppr.find(SECTPR) is None


class _Moves:
    """The moves of one container, filled in as its comparison meets their two ends."""

    def __init__(self, runs: list[list[tuple[etree._Element, etree._Element]]],
                 read: Reading) -> None:
        self.runs = runs
        self._old: dict[int, tuple[int, int]] = {}  # id of an old paragraph -> (move, place)
        self._new: dict[int, tuple[int, int]] = {}
        for m, run in enumerate(runs):
            for k, (o, n) in enumerate(run):
                self._old[id(o)] = self._new[id(n)] = (m, k)
        self.sources: list[list[tuple[etree._Element, str]]] = [[] for _ in runs]
        self.destinations: list[list[tuple[etree._Element, str]]] = [[] for _ in runs]
        #: each move's first paragraph at either end, by the heading above it ("" if none)
        self.source_places = [""] * len(runs)
        self.destination_places = [""] * len(runs)
        self.at = [0] * len(runs)  # where in the change list each move goes
        self.edited = [any(read.key(o) != read.key(n) for o, n in run) for run in runs]

    def edited_destination(self, new: etree._Element | None) -> bool:
        """Tell whether ``new`` is a paragraph of a move whose words were edited."""
        found = self._new.get(id(new)) if new is not None else None
        return found is not None and self.edited[found[0]]

    def source(self, old: etree._Element, copy_: etree._Element, label: str,
               place: str = "") -> bool:
        """Tell whether ``old`` (put back as ``copy_``, at ``label``, by heading at ``place``)
        is moved elsewhere."""
        found = self._old.get(id(old))
        if found is not None:
            if not self.sources[found[0]]:
                self.source_places[found[0]] = place
            self.sources[found[0]].append((copy_, label))
        return found is not None

    def destination(self, new: etree._Element, label: str, at: int,
                    place: str = "") -> etree._Element | None:
        """Return the old paragraph that ``new`` (at ``label``, by heading at ``place``) is
        moved from, if it is one; ``at`` is the length of the change list at this point."""
        found = self._new.get(id(new))
        if found is None:
            return None
        m, k = found
        if not self.destinations[m]:
            self.at[m] = at
            self.destination_places[m] = place
        self.destinations[m].append((new, label))
        return self.runs[m][k][0]

    def finish(self, s: Session, story: Story, where: list[str]) -> None:
        """Put the range marks around both ends of each move, and record the moves."""
        records = []
        for m, run in enumerate(self.runs):
            sources, destinations = self.sources[m], self.destinations[m]
            if len(sources) != len(run) or len(destinations) != len(run):
                continue  # cannot happen: both ends of every pair are met once
            s.marks.move_range([p for p, _ in sources], [p for p, _ in destinations])
            edited = self.edited[m]
            if edited:
                _mark_before_move(s, [p for p, _ in destinations])
            old_text = "\n".join(plain(o) for o, _ in run)
            new_text = "\n".join(plain(n) for _, n in run)
            span = f"{_span(destinations)}, moved from {_span(sources)}"
            to, since = self.destination_places[m], self.source_places[m]
            # by heading: "1. Term, paragraph 3, moved from 2. Services, paragraph 2"
            place = f"{to}, moved from {since}" + (f", {len(run)} paragraphs" if len(run) > 1
                                                    else "") if to and since else ""
            records.append((self.at[m], Change(story.name, ", ".join(where + [span]),
                                               "moved and changed" if edited else "moved",
                                               old_text, new_text, new_text, place=place)))
        for at, change in sorted(records, key=lambda r: -r[0]):
            s.changes.insert(at, change)


def _edited_moves_first(aligned: list[Pair], moves: _Moves) -> list[Pair]:
    """Put the paragraphs of an edited move before the blocks removed just before it (among
    blocks added or removed there), so that they follow a paragraph whose mark can stand for
    their last one (see :func:`_mark_before_move`).

    Shown after a deleted paragraph, the move had no such paragraph before it: rejected in
    LibreOffice, its last mark joined the heading after the move into it and made it body
    text. After the move, the removed blocks come back on rejecting as they were, and go on
    accepting with their own marks; blocks added before the move stay before it.
    """
    out = list(aligned)
    k = 0
    while k < len(out):
        if not moves.edited_destination(out[k][1]) or \
                (k > 0 and moves.edited_destination(out[k - 1][1])):
            k += 1
            continue
        start = k
        while start > 0 and None in out[start - 1] and not moves.edited_destination(
                out[start - 1][1]):
            start -= 1
        end = k
        while end < len(out) and moves.edited_destination(out[end][1]):
            end += 1
        removed = [pair for pair in out[start:k] if pair[1] is None]
        added = [pair for pair in out[start:k] if pair[1] is not None]
        out[start:end] = added + out[k:end] + removed
        k = end
    return out


def _mark_before_move(s: Session, destinations: list[etree._Element]) -> None:
    """Mark the paragraph mark before an edited move's destination in place of its last one,
    when a paragraph of other properties follows it (see :meth:`Marker.mark_before`):
    rejected in LibreOffice, the last moved paragraph's mark joined the next paragraph into
    it, and a heading after the move became body text.

    Paragraphs inserted whole just before the move are passed over: the mark goes to the
    paragraph before them, and rejecting takes them away with the move."""
    after = _next_block(destinations[-1])
    before = _previous_block(destinations[0])
    while before is not None and before.tag == P and inserted_whole(before):
        before = _previous_block(before)
    # a next paragraph of the same properties (the clause after it) joins unharmed: the
    # marks stay as Word writes them
    if after is not None and after.tag == P and before is not None and \
            raw_ppr(after) != raw_ppr(destinations[-1]):
        s.marks.mark_before(before, destinations[-1])


def _next_block(block: etree._Element) -> etree._Element | None:
    found = block.getnext()
    while found is not None and found.tag not in BLOCKS:
        found = found.getnext()
    return found


def _previous_block(block: etree._Element) -> etree._Element | None:
    found = block.getprevious()
    while found is not None and found.tag not in BLOCKS:
        found = found.getprevious()
    return found


def _span(ends: list[tuple[etree._Element, str]]) -> str:
    """Return "paragraph 4" or "paragraphs 4–6" for the labels of a move's paragraphs."""
    first, last = ends[0][1], ends[-1][1]
    if first == last:
        return first
    return f"paragraphs {first.rsplit(' ', 1)[-1]}–{last.rsplit(' ', 1)[-1]}"


def _moved_here(s: Session, story: Story, old: etree._Element, new: etree._Element,
                where: list[str]) -> None:
    """Mark ``new`` as ``old`` moved here: the words they share as moved (``w:moveTo``), the
    words added after the move as insertions beside them.

    The words the move left behind are not repeated here: the source shows all of the old
    paragraph, moved away. (Shown here too, as a deletion inside the ``w:moveTo`` or inside a
    ``w:ins``, Word reads them right, but LibreOffice, when one author made both revisions,
    keeps them on accepting and puts them back on rejecting.)
    """
    if same_markup(old, new):
        s.marks.block(new, MOVE_TO)
        return
    before = len(s.changes)
    _explicit_numbering(s, story, old, new)
    compare_paragraph(s, story, old, new, where)
    del s.changes[before:]  # the move is recorded whole, by _Moves.finish
    for gone in list(new.iter(DEL)):
        parent = gone.getparent()
        if parent is not None and parent.tag != RPR:
            parent.remove(gone)
            s.marks.revisions -= 1  # a mark made, then left out
    s.marks.runs(new, MOVE_TO)
    s.marks.paragraph(new, MOVE_TO)


def _compare_block(s: Session, story: Story, old: etree._Element, new: etree._Element,
                   where: list[str], numbering: Numbering) -> None:
    """Compare two paired blocks of the same kind."""
    if new.tag == P:
        _explicit_numbering(s, story, old, new)
        compare_paragraph(s, story, old, new, where + [f"paragraph {numbering.paragraphs}"])
    elif new.tag == TBL:
        _compare_table(s, story, old, new, where + [f"table {numbering.tables}"])
    else:
        _compare_sdt(s, story, old, new, where)


def _explicit_numbering(s: Session, story: Story, old: etree._Element,
                        new: etree._Element) -> None:
    """Write down the number an old paragraph had from its style, when the new one has
    another (a heading moved a level): the ``w:pPrChange`` then holds the old ``w:numPr``.

    Word restores the old number from the old style alone, but LibreOffice, rejecting the
    change, restores the style and keeps the new number ("2.1." for a heading that was
    "3."). Docxodus writes the ``w:numPr`` out, and LibreOffice gets that right. Only the old
    paragraph as read (never written) is changed.
    """
    if _style_and_number(old) == _style_and_number(new):
        return  # the same style and no number of their own: numbered alike
    before, after = _numbering(s, story.old, old), _numbering(s, story.new, new)
    if before == after or before is None:
        return
    ppr = old.find(PPR)
    if ppr is None:
        ppr = etree.Element(PPR)
        old.insert(0, ppr)
    if ppr.find(_NUMPR) is not None:
        return
    numpr = etree.Element(_NUMPR)
    etree.SubElement(numpr, w("ilvl")).set(VAL, before[1])
    etree.SubElement(numpr, w("numId")).set(VAL, before[0])
    insert(ppr, numpr)


_NUMPR = w("numPr")


def _style_and_number(p: etree._Element) -> tuple[str | None, bool]:
    """Return a paragraph's style id and whether it has a number of its own."""
    ppr = p.find(PPR)
    if ppr is None:
        return None, False
    style = ppr.find(w("pStyle"))
    return (style.get(VAL) if style is not None else None), ppr.find(_NUMPR) is not None


def _numbering(s: Session, pkg: Package, p: etree._Element) -> tuple[str, str] | None:
    """Return the (numId, ilvl) a paragraph is numbered by, its own or its style's, or None."""
    ppr = p.find(PPR)
    own = ppr.find(_NUMPR) if ppr is not None else None
    if own is not None:
        return _num_pair(own, None, pkg)
    style = ppr.find(w("pStyle")) if ppr is not None else None
    styles = _styles(s, pkg)
    style_id = style.get(VAL) if style is not None else styles.get("\x00default")
    seen: set[str] = set()
    while isinstance(style_id, str) and style_id not in seen:
        seen.add(style_id)
        found = styles.get(style_id)
        if not isinstance(found, etree._Element):
            return None
        numpr = found.find(f"{PPR}/{_NUMPR}")
        if numpr is not None:
            return _num_pair(numpr, style_id, pkg)
        based = found.find(w("basedOn"))
        style_id = based.get(VAL) if based is not None else None
    return None


def _num_pair(numpr: etree._Element, style_id: str | None, pkg: Package
              ) -> tuple[str, str] | None:
    num = numpr.find(w("numId"))
    if num is None:
        return None
    lvl = numpr.find(w("ilvl"))
    if lvl is not None:
        return num.get(VAL, "0"), lvl.get(VAL, "0")
    if style_id is not None:  # the level whose w:pStyle is this style
        for part in [name for _, name in pkg.related(pkg.main, "numbering")][:1]:
            for level in pkg.xml(part).iter(w("lvl")):
                linked = level.find(w("pStyle"))
                if linked is not None and linked.get(VAL) == style_id:
                    return num.get(VAL, "0"), level.get(w("ilvl"), "0")
    return num.get(VAL, "0"), "0"


def _styles(s: Session, pkg: Package) -> dict[str, etree._Element | str]:
    """Return a package's paragraph styles by id ("\x00default": the default one's id), read
    once in a comparison (kept with it, not beyond: a cache of the packages of past
    comparisons kept their trees alive, and the memory cost more than reading the styles)."""
    found = s.paragraph_styles.get(id(pkg))
    if found is not None:
        return found
    table: dict[str, etree._Element | str] = {}
    for _, part in pkg.related(pkg.main, "styles")[:1]:
        if part in pkg.parts:
            for st in pkg.xml(part).iter(w("style")):
                if st.get(w("type")) == "paragraph" and st.get(w("styleId")):
                    table[st.get(w("styleId"), "")] = st
                    if st.get(w("default")) in ("1", "true", "on"):
                        table["\x00default"] = st.get(w("styleId"), "")
    s.paragraph_styles[id(pkg)] = table
    return table


def _align_blocks(old: list[etree._Element], new: list[etree._Element],
                  read: Reading | None = None) -> list[Pair]:
    """Pair similar blocks of a changed region, in order; the rest are deletions/insertions
    (``read``: the blocks' reading, if they are read already)."""
    if read is None:
        read = Reading()
    if len(old) == len(new) == 1 and old[0].tag == new[0].tag == P and \
            min(len(read.words(old[0])), len(read.words(new[0]))) <= 5:
        return [(old[0], new[0])]  # a short value changed in place: "~~$50~~ $75"
    return align(old, new, read, MAX_REPLACE_PAIRS)


def _compare_sdt(s: Session, story: Story, old: etree._Element, new: etree._Element,
                 where: list[str]) -> None:
    oc, nc = old.find(SDTCONTENT), new.find(SDTCONTENT)
    if oc is not None and nc is not None:
        compare_container(s, story, oc, nc, where + ["content control"])
        return
    copy_ = s.carry.bring(old, story)
    new.addprevious(copy_)
    s.marks.block(copy_, DEL)
    s.marks.block(new, INS)


def _place(container: etree._Element, block: etree._Element, prev: etree._Element | None,
           first_new: etree._Element | None) -> None:
    """Put an old block back: after ``prev``, else before ``first_new``, else at the end
    (before a body's final section properties)."""
    if prev is not None:
        prev.addnext(block)
    elif first_new is not None:
        first_new.addprevious(block)
    elif len(container) and container[-1].tag == SECTPR:
        container[-1].addprevious(block)
    else:
        container.append(block)


# ---- tables

def _compare_table(s: Session, story: Story, old: etree._Element, new: etree._Element,
                   where: list[str]) -> None:
    old_rows = old.findall(TR)
    new_rows = new.findall(TR)
    ops = anchored([block_key(r) for r in old_rows], [block_key(r) for r in new_rows])
    row_no = 0
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            for orow, nrow in zip(old_rows[i1:i2], new_rows[j1:j2]):
                row_no += 1
                if same_markup(orow, nrow) or row_shape(orow) != row_shape(nrow):
                    s.pair_notes(orow, nrow)
                else:
                    _compare_cells(s, story, orow, nrow, where + [f"row {row_no}"])
            continue
        prev: etree._Element | None = new_rows[j1 - 1] if j1 > 0 else None
        first_new = new_rows[j1] if j1 < len(new_rows) else None
        for o, n in _align_rows(old_rows[i1:i2], new_rows[j1:j2]):
            row_no += 1
            here = where + [f"row {row_no}"]
            if n is not None:
                prev = n
            if n is None:
                assert o is not None
                copy_ = s.carry.bring(o, story)
                _place(new, copy_, prev, first_new)
                prev = copy_
                s.record(story, here, "deleted", row_text(copy_), "", row_text(copy_))
                s.marks.row_and_paragraphs(copy_, DEL)
            elif o is None:
                s.record(story, here, "inserted", "", row_text(n), row_text(n))
                s.marks.row_and_paragraphs(n, INS)
            else:
                _compare_cells(s, story, o, n, here)


def _compare_cells(s: Session, story: Story, old: etree._Element, new: etree._Element,
                   where: list[str]) -> None:
    """Compare the cells of two rows of one shape, one by one."""
    for c, (oc, nc) in enumerate(zip(old.findall(TC), new.findall(TC)), 1):
        if not same_markup(oc, nc):
            compare_container(s, story, oc, nc, where + [f"cell {c}"])
        else:
            s.pair_notes(oc, nc)


def _align_rows(old: list[etree._Element], new: list[etree._Element]) -> list[Pair]:
    """Pair similar rows; rows of another shape (spans, merges) are never paired."""
    out: list[Pair] = []
    for o, n in _align_blocks(old, new):
        if o is not None and n is not None and row_shape(o) != row_shape(n):
            out += [(o, None), (None, n)]
        else:
            out.append((o, n))
    return out


def _whole_story(s: Session, story: Story, root: etree._Element, tag: str) -> None:
    """Mark every block of a story inserted (``w:ins``) or deleted (``w:del``)."""
    numbering = Numbering()
    for b in [c for c in root if c.tag in BLOCKS]:
        numbering.count(b)
        if block_key(b).strip("\x1e"):
            s.record_block(story, b, "inserted" if tag == INS else "deleted", [], numbering)
        s.marks.block(b, tag)


# ---- notes

def compare_notes(s: Session, kind: str, old: Package, new: Package, old_main: str,
                  new_main: str) -> None:
    """Compare the notes (``kind`` is "footnote" or "endnote") whose references were paired,
    mark those of inserted references inserted, and bring back those of deleted ones."""
    old_part = first(old.related(old_main, kind + "s"))
    new_part = first(new.related(new_main, kind + "s"))
    pairs = s.note_pairs[kind]
    deleted = s.carry.notes[kind]
    if not pairs and not deleted and not s.notes_inserted[kind]:
        return
    if new_part is None:
        if not deleted or old_part is None:
            return
        new_part = s.carry.add_notes_part(kind, old_part, new_main)
    new_root = new.xml(new_part)
    new_by_id = {n.get(w("id")): n for n in new_root.findall(w(kind))}
    old_by_id = ({n.get(w("id")): n for n in old.xml(old_part).findall(w(kind))}
                 if old_part else {})
    story = Story(kind + "s", old, new, old_part or "", new_part)
    for number, (oid, nid) in enumerate(pairs, 1):
        o, n = old_by_id.get(oid), new_by_id.get(nid)
        if o is not None and n is not None and not same_markup(o, n):
            compare_container(s, story.named(f"{kind} {number}"), o, n, [])
    for nid in s.notes_inserted[kind]:
        n = new_by_id.get(nid)
        if n is not None:
            for block in [c for c in n if c.tag in BLOCKS]:
                s.marks.block(block, INS)
    for new_id, old_note in deleted:  # grows while old notes bring their own references
        note = s.carry.bring(old_note, story)
        note.set(w("id"), new_id)
        new_root.append(note)
        for block in [c for c in note if c.tag in BLOCKS]:
            s.marks.block(block, DEL)


_SEPARATORS = ("separator", "continuationSeparator", "continuationNotice")


def number_notes(pkg: Package, main: str, kind: str) -> None:
    """Number the notes (``kind`` is "footnote" or "endnote") in the order their references
    come in the main story, and put them in that order in their part.

    Word numbers notes by where their references stand, but LibreOffice takes them in the order
    of the part: a note brought back from the old document (or added out of order) would show
    another note's text under its reference. Separators keep their ids; the notes follow them.
    """
    part = first(pkg.related(main, kind + "s"))
    if part is None or part not in pkg.parts:
        return
    root = pkg.xml(part)
    notes = root.findall(w(kind))
    fixed = [n for n in notes if n.get(w("type")) in _SEPARATORS]
    content = [n for n in notes if n.get(w("type")) not in _SEPARATORS]
    if not content:
        return
    by_id = {n.get(w("id")): n for n in content}
    taken = [int(v) for v in (n.get(w("id"), "") for n in fixed) if v.lstrip("-").isdigit()]
    number = max(taken, default=0) + 1
    renumbered: dict[str | None, str] = {}
    order: list[etree._Element] = []
    refs = list(pkg.xml(main).iter(w(f"{kind}Reference")))
    for ref in refs:
        old_id = ref.get(w("id"))
        if old_id not in renumbered and old_id in by_id:
            renumbered[old_id] = str(number)
            order.append(by_id[old_id])
            number += 1
    for note in content:  # notes no reference in the main story reaches keep their place after
        if note.get(w("id")) not in renumbered:
            renumbered[note.get(w("id"))] = str(number)
            order.append(note)
            number += 1
    if all(renumbered[n.get(w("id"))] == n.get(w("id")) for n in content) and order == content:
        return
    for ref in refs:
        new_id = renumbered.get(ref.get(w("id")))
        if new_id is not None:
            ref.set(w("id"), new_id)
    last = fixed[-1] if fixed else None
    for note in order:
        note.set(w("id"), renumbered[note.get(w("id"))])
        if last is not None:
            last.addnext(note)
        else:
            root.insert(0, note)
        last = note


# ---- headers and footers

def compare_headers_footers(s: Session, old: Package, new: Package, old_refs: SectionRefs,
                            new_refs: SectionRefs, new_main: str,
                            new_sections: list[etree._Element]) -> None:
    """Compare the header or footer each section shows with the old one in its place; one the
    new document no longer has comes back, all deleted."""
    done: set[str] = set()
    for (index, kind, typ), (new_part, _) in new_refs.items():
        if new_part in done or new_part not in new.parts:
            continue
        done.add(new_part)
        old_part = _effective(old_refs, index, kind, typ)
        new_root = new.xml(new_part)
        story = Story(_story_name(kind, index, typ), old, new, old_part or "", new_part)
        if old_part is None or old_part not in old.parts:
            _whole_story(s, story, new_root, INS)
            continue
        old_root = old.xml(old_part)
        if not same_markup(old_root, new_root):
            compare_container(s, story, old_root, new_root, [])
    for (index, kind, typ), (old_part, _) in old_refs.items():
        if index >= len(new_sections) or _effective(new_refs, index, kind, typ) is not None:
            continue
        name = s.carry.copy_part(old_part, fresh=True)
        if name is None:
            continue
        new_rid = new.add_relationship(new_main, REL_TYPES + kind, name)
        # the references are the first of a section's properties, in any order among
        # themselves; this one goes first
        new_sections[index].insert(0, _reference(kind, typ, new_rid))
        story = Story(_story_name(kind, index, typ), old, new, old_part, name)
        _whole_story(s, story, new.xml(name), DEL)


def _story_name(kind: str, index: int, typ: str) -> str:
    return f"{kind} {index + 1} ({_TYPE_NAMES.get(typ, typ)})"


def _reference(kind: str, typ: str, rid: str) -> etree._Element:
    ref = etree.Element(w(f"{kind}Reference"))
    ref.set(w("type"), typ)
    ref.set(RID, rid)
    return ref


def sections(body: etree._Element) -> list[etree._Element]:
    """Return the section properties of a body, in order (the last one belongs to the body)."""
    found = []
    for x in body.iter(SECTPR):
        parent = x.getparent()
        if parent is not None and parent.tag == PPR:
            found.append(x)
    last = body.find(SECTPR)
    if last is not None:
        found.append(last)
    return found


def section_refs(sections: list[etree._Element], main: str, pkg: Package) -> SectionRefs:
    """Return the header and footer references of each section that lead to a part."""
    refs: SectionRefs = {}
    for index, sect in enumerate(sections):
        for kind in ("header", "footer"):
            for ref in sect.findall(w(f"{kind}Reference")):
                rid = ref.get(RID, "")
                target = pkg.target(main, rid)
                if target is not None and not target[2] and target[1] in pkg.parts:
                    refs[(index, kind, ref.get(w("type"), "default"))] = (target[1], rid)
    return refs


def explicit_headers(sections: list[etree._Element], refs: SectionRefs) -> None:
    """Give every section its own references to the headers and footers it inherits.

    This does not change what a reader sees, but when a section break is inserted or deleted
    the sections on either side of it keep their headers whichever way the change goes.
    """
    current: dict[tuple[str, str], str] = {}
    for index, sect in enumerate(sections):
        for (k, kind, typ), (_, rid) in refs.items():
            if k == index:
                current[(kind, typ)] = rid
        own = {(etree.QName(r.tag).localname[:-9], r.get(w("type"), "default"))
               for r in sect if r.tag in (w("headerReference"), w("footerReference"))}
        for (kind, typ), rid in sorted(current.items()):
            if (kind, typ) not in own:
                sect.insert(0, _reference(kind, typ, rid))  # first, as above


def _effective(refs: SectionRefs, index: int, kind: str, typ: str) -> str | None:
    """Return the part a section shows: its own, else the previous section's (Word's
    inheritance)."""
    for k in range(index, -1, -1):
        found = refs.get((k, kind, typ))
        if found is not None:
            return found[0]
    return None
