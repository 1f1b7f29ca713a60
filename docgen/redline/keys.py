"""Say what a reader sees: the keys of blocks and rows, the tokens of a paragraph, and the
signatures of their formatting, so that two versions can be lined up and compared."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Union

from lxml import etree

from ..ooxml.package import Package
from .diff import opcodes
from .tags import (ATOM_KEYS, DELTEXT, EN_REF, FLDCHAR, FLDSIMPLE, FN_REF, HYPERLINK,
                   IGNORED_IN_RUN, INSTR, MARKERS, PPR, RID, RPR, SDT, SECTPR, TBL, TC, TR,
                   WRAPPERS, P, R_, T, VAL, child, w)

# The character classes hold their characters themselves, not "\uXXXX" escapes: the
# patterns below are compiled at import, by every redline, and re parses an escape several
# times slower than a character (the patterns compile to the same code either way:
# tests/test_redline_tokens.py).
_CJK = ("\u2E80-\u2FFF\u3000-\u303F\u3040-\u30FF\u3100-\u31FF\u3400-\u4DBF\u4E00-\u9FFF"
        "\uF900-\uFAFF\uFF00-\uFFEF\U00020000-\U0003FFFF")
#: Thai, Lao, Myanmar and Khmer, also written without spaces between words
_SEA = "\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF"
_SEA_DIGITS = "\u0E50-\u0E59\u0ED0-\u0ED9\u1040-\u1049\u1090-\u1099\u17E0-\u17E9"


def _mark_class() -> str:
    """Return the combining marks (and Thai and Lao SARA AM, which attach the same way) of
    the blocks that have them, as a character class's inside: a mark never starts a token."""
    ranges: list[tuple[int, int]] = []
    for lo, hi in ((0x0300, 0x1DFF), (0x20D0, 0x20FF), (0xFE00, 0xFE2F)):
        for c in range(lo, hi + 1):
            if unicodedata.category(chr(c))[0] == "M" or c in (0x0E33, 0x0EB3):
                if ranges and ranges[-1][1] == c - 1:
                    ranges[-1] = (ranges[-1][0], c)
                else:
                    ranges.append((c, c))
    # none of these characters means something in a class (], \, ^, -, [)
    return "".join(chr(a) + ("-" + chr(b) if b > a else "") for a, b in ranges)


_MARKS = _mark_class()
#: a word is one CJK character, one Thai, Lao, Myanmar or Khmer letter with its marks (a
#: grapheme cluster), a word (letters, digits, marks), a stretch of spaces, or one other
#: character with its marks; Chinese, Japanese and the scripts of South-East Asia are written
#: without spaces, so they go per character, and a mark never leaves the letter it is on.
#: Blocks are lined up by these words (:func:`similar`, :func:`words`).
TOKEN = re.compile(rf"[{_SEA_DIGITS}]+|[{_CJK}{_SEA}][{_MARKS}]*|(?:[^\W{_CJK}{_SEA}]|[{_MARKS}])+"
                   rf"|\s+|.[{_MARKS}]*", re.S)

_DIGITS = f"0-9\uFF10-\uFF19{_SEA_DIGITS}"
#: letters, marks and digits (full-width and Thai digits too)
_PIECE = rf"(?:[^\W{_CJK}{_SEA}]|[{_DIGITS}{_MARKS}])+"
_JOIN = r"[.,/:\-\u2010\u2011\u2013'\u2019\uFF0C\uFF0E\uFF0F\uFF1A\uFF0D]"
_CURRENCY = r"[$\u00A2-\u00A5\u20A0-\u20C0\uFF04\uFFE0\uFFE1\uFFE5\uFFE6]"
#: a paragraph is compared in these tokens: the words above, except that a number reads as one
#: whole: an amount with its currency sign and separators ($1,000,000), a date (08/28/2026,
#: 2026-08-28, 2026年8月28日, ２０２２年), a time, a phone number (555-123-4567), a version
#: (1.2.3), an identifier (ABC-123), a percentage (12.5%). Pieces joined without a digit
#: ("non-exclusive", "a.m.") are words again (:func:`text_tokens`).
NUMBER_TOKEN = re.compile(
    rf"[{_DIGITS}]+[年月日](?:[{_DIGITS}]+[年月日])*"
    rf"|{_CURRENCY}?{_PIECE}(?:{_JOIN}{_PIECE})*[%\uFF05]?"
    rf"|[{_CJK}{_SEA}][{_MARKS}]*|\s+|.[{_MARKS}]*", re.S)
_HAS_DIGIT = re.compile(rf"[{_DIGITS}]")
#: at ``--granularity character``, every character is a token (a stretch of spaces is one),
#: with the marks on it
CHARACTER_TOKEN = re.compile(rf"\s+|.[{_MARKS}]*", re.S)
GRANULARITIES = ("word", "character")


def text_tokens(text: str, granularity: str = "word") -> list[str]:
    """Return the tokens of ``text``: words with whole numbers, or (``granularity`` is
    "character") single characters.

    >>> text_tokens("$1,000,000 by 08/28/2026 (v1.2.3, non-exclusive)")
    ['$1,000,000', ' ', 'by', ' ', '08/28/2026', ' ', '(', 'v1.2.3', ',', ' ', 'non', '-', \
'exclusive', ')']
    >>> text_tokens("２０２２年に2026年8月28日")
    ['２０２２年', 'に', '2026年8月28日']
    """
    if granularity == "character":
        return CHARACTER_TOKEN.findall(text)
    found: list[str] = NUMBER_TOKEN.findall(text)
    if text.isalnum():
        return found
    out: list[str] = []
    for t in found:
        if len(t) > 1 and not t.isalnum() and not t.isspace() and not _HAS_DIGIT.search(t):
            out.extend(TOKEN.findall(t))  # joined words, or a sign, without a number
        else:
            out.append(t)
    return out

_KEY_TAGS = (T, w("tab"), w("br"), w("cr"), w("noBreakHyphen"), w("softHyphen"), w("ptab"),
             w("sym"), INSTR, w("drawing"), w("pict"), w("object"), FN_REF, EN_REF, P, TC, TR,
             w("footnoteRef"), w("endnoteRef"), FLDSIMPLE, HYPERLINK, "{http://schemas.openxmlformats.org/"
             "officeDocument/2006/math}t")
_NOISE = re.compile(rb' (?:w:rsid\w*|w14:paraId|w14:textId)="[^"]*"')
_OUTLINE, _PSTYLE = w("outlineLvl"), w("pStyle")
_NB_HYPHEN = w("noBreakHyphen")
COMMENT_REF = w("commentReference")
_KEY_SET = frozenset(_KEY_TAGS)
_MATH_T = _KEY_TAGS[-1]
_SYM, _INSTR_ATTR, _CHAR_ATTR, _ANCHOR_ATTR = w("sym"), w("instr"), w("char"), w("anchor")
_HEADING_STYLE = re.compile(r"heading|title|berschrift|titre|t[ií]tulo", re.I)

#: what a token's piece holds: a run's words, or one element (a tab, a field, a drawing …)
What = Union[str, etree._Element]
#: a piece of a token: the run it comes from (None outside runs) and what it holds
Piece = tuple[Union[etree._Element, None], What]
#: how a paragraph reads, flattened: (wrappers outermost first, run or None, what)
Item = tuple[tuple[etree._Element, ...], Union[etree._Element, None], What]


def block_key(el: etree._Element) -> str:
    """Return a string that changes whenever a reader would see a different text in ``el``."""
    parts: list[str] = []
    add = parts.append
    # one walk over every descendant, told apart by a set: lxml's iter(*tags) builds its
    # matcher of twenty tags afresh on each call, which cost more than the walk itself
    for d in el.iter():
        tag = d.tag
        if tag not in _KEY_SET:
            continue
        if tag == T or tag == _MATH_T:
            add(d.text or "")
        elif tag == P:
            add("\x1e")
            ppr = child(d, PPR)
            if ppr is not None and child(ppr, SECTPR) is not None:
                add("\x06S")
        elif tag in ATOM_KEYS:
            add(ATOM_KEYS[tag])
        elif tag == TC:
            add("\x1f")
        elif tag == TR:
            add("\x1d")
        elif tag == INSTR:
            add("\x01" + (d.text or ""))
        elif tag == FLDSIMPLE:
            add("\x01" + (d.get(_INSTR_ATTR) or ""))
        elif tag == _SYM:
            add("\x02" + (d.get(_CHAR_ATTR) or ""))
        elif tag == FN_REF or tag == EN_REF:
            add("\x03n")
        elif tag == HYPERLINK:
            add("\x07" + (d.get(RID) or "") + "#" + (d.get(_ANCHOR_ATTR) or ""))
        else:
            add("\x04" + etree.QName(tag).localname)
    return "".join(parts)


def link_sign(el: etree._Element, pkg: Package, part: str) -> str:
    """Return what a wrapper means: where a hyperlink of ``part`` leads, else its kind."""
    if el.tag != HYPERLINK:
        return "\x07" + etree.QName(el.tag).localname
    target = pkg.target(part, el.get(RID, "")) if part else None
    return "\x07" + (target[1] if target else "") + "#" + (el.get(w("anchor")) or "")


def block_sign(block: etree._Element, pkg: Package, part: str, key: str | None = None) -> str:
    """Return the key a block of ``part`` is lined up by: its kind and text, and where its
    hyperlinks lead rather than their relationship ids (``key``: its :func:`block_key`, if
    known)."""
    key = block.tag[-3:] + (block_key(block) if key is None else key)
    if "\x07" in key:
        key = re.sub("\x07[^#]*#", "\x07#", key) + "".join(
            link_sign(h, pkg, part) for h in block.iter(HYPERLINK))
    return key


def plain(el: etree._Element) -> str:
    """Return the readable text of a paragraph, for the change list."""
    out: list[str] = []
    for d in el.iter(T, DELTEXT, w("tab"), w("br"), w("cr"), w("noBreakHyphen")):
        if d.tag in (T, DELTEXT):
            out.append(d.text or "")
        elif d.tag == w("tab"):
            out.append("\t")
        elif d.tag == w("noBreakHyphen"):
            out.append("\u2011")
        else:
            out.append("\n")
    return "".join(out)


def row_text(tr: etree._Element) -> str:
    """Return a row's text, cells joined by `` | ``."""
    return " | ".join(plain(tc) for tc in tr.findall(TC))


def block_text(block: etree._Element) -> str:
    """Return the readable text of a paragraph, table or content control."""
    if block.tag == TBL:
        return "\n".join(row_text(tr) for tr in block.findall(TR))
    return plain(block)


# -- tokens of a paragraph ------------------------------------------------------------------------

_NO_MARKERS: list[etree._Element] = []  # shared, never appended to


@dataclass(slots=True)
class Token:
    """One word, space, character or whole element of a paragraph, and where it comes from."""

    key: str
    pieces: list[Piece]
    wrap: tuple[etree._Element, ...] = ()  # wrapper elements (hyperlink …), outermost first
    markers: list[etree._Element] = field(default_factory=list)  # markers just before it


def paragraph_tokens(p: etree._Element, sign: Callable[[etree._Element], str] | None = None,
                     granularity: str = "word", texts: list[str] | None = None,
                     known: dict[str, list[str]] | None = None
                     ) -> tuple[list[Token], list[etree._Element]]:
    """Return the tokens of ``p`` and the markers after its last token.

    ``sign(wrapper)`` names what a wrapper means (a hyperlink's target), so that the same words
    linking somewhere else are a change. Text that runs on from one run to the next (under the
    same wrappers) is read as one: a word or number split between runs of other formatting is
    one token, made of a piece from each run. ``granularity`` is "word" (numbers whole) or
    "character" (:func:`text_tokens`). ``texts``, if given, receives what the tokens read as,
    in order (their :func:`token_text`, a run's text whole where its tokens are its words).
    ``known``, if given, holds the :func:`text_tokens` of texts read before, at this
    granularity, by text (and receives those read here): a text is split once.
    """
    split = text_tokens if known is None else _known_split(known)
    items: list[Item] = []
    _flatten(p, (), items)
    signs: dict[int, str] = {}
    if sign is not None:
        for wrap, _, _ in items:
            for el in wrap:
                if id(el) not in signs:
                    signs[id(el)] = sign(el)
    tokens: list[Token] = []
    pending: list[etree._Element] = []
    #: (first token, end, text) of the runs tokenised alone: their tokens read as the text
    whole: list[tuple[int, int, str]] = []
    i = 0
    n = len(items)
    while i < n:
        wrap, run, child = items[i]
        if isinstance(child, str) or _in_words(items[i]):
            j = i + 1
            while j < n and items[j][0] == wrap and (
                    isinstance(items[j][2], str) or _in_words(items[j])):
                j += 1
            start = len(tokens)
            k = i
            while k < j:  # runs whose text meets the next one's at a space are read alone
                stop = k + 1
                while stop < j and not _apart(items[stop - 1][2], items[stop][2]):
                    stop += 1
                text, source = items[k][2], items[k][1]
                if stop == k + 1 and isinstance(text, str):
                    first = len(tokens)
                    tokens.extend([Token(t, [(source, t)], wrap, _NO_MARKERS)
                                   for t in split(text, granularity)])
                    whole.append((first, len(tokens), text))
                else:
                    tokens.extend(_joined_tokens(items[k:stop], wrap, granularity, split))
                k = stop
            if len(tokens) > start:
                tokens[start].markers = pending
                pending = []
            i = j
            continue
        if run is None and child.tag in MARKERS:
            pending.append(child)
            i += 1
            continue
        if child.tag == COMMENT_REF and run is not None and _only_reference(run):
            pending.append(run)  # a comment's mark is no text: it stands with the markers
            i += 1
            continue
        if child.tag == FLDCHAR and child.get(w("fldCharType")) == "begin":
            end = _field_end(items, i)
            if end is not None:
                token, markers = _field_token(items[i:end + 1], wrap, pending)
                tokens.append(token)
                pending = markers
                i = end + 1
                continue
        tokens.append(Token(_atom_key(child), [(run, child)], wrap, pending))
        pending = []
        i += 1
    if sign is not None:
        for tok in tokens:
            if tok.wrap:
                tok.key = "".join(signs[id(el)] for el in tok.wrap) + "\x00" + tok.key
    if texts is not None:
        # a text's tokens cover it exactly (every pattern of text_tokens ends in ".")
        at = 0
        for first, end, text in whole:
            texts.extend([token_text(t) for t in tokens[at:first]])
            texts.append(text)
            at = end
        texts.extend([token_text(t) for t in tokens[at:]])
    return tokens, pending


def _known_split(known: dict[str, list[str]]) -> Callable[[str, str], list[str]]:
    """Return :func:`text_tokens` that looks in ``known`` first (the lists it gives are
    never changed: the tokens are made from them)."""
    def split(text: str, granularity: str) -> list[str]:
        found = known.get(text)
        if found is None:
            found = known[text] = text_tokens(text, granularity)
        return found
    return split


def _joined_tokens(items: list[Item], wrap: tuple[etree._Element, ...], granularity: str,
                   split: Callable[[str, str], list[str]] = text_tokens) -> list[Token]:
    """Tokenise the text of consecutive runs as one string; a token that spans runs has a
    piece from each."""
    texts = [(run, child if isinstance(child, str) else "\u2011") for _, run, child in items]
    hyphens = {k: child for k, (_, _, child) in enumerate(items) if not isinstance(child, str)}
    joined = "".join(t for _, t in texts)
    out: list[Token] = []
    k = 0          # the run the next token starts in …
    offset = 0     # … and where in it
    for word in split(joined, granularity):
        run, text = texts[k]
        if offset + len(word) <= len(text) and k not in hyphens:  # all in this run's text
            out.append(Token(word, [(run, word if len(word) != len(text) else text)], wrap,
                             _NO_MARKERS))
            offset += len(word)
        else:
            pieces: list[Piece] = []
            left = len(word)
            while left:
                run, text = texts[k]
                take = min(left, len(text) - offset)
                if take:
                    pieces.append((run, hyphens[k] if k in hyphens else
                                   text[offset:offset + take]))
                left -= take
                offset += take
                if offset == len(text) and left:
                    k += 1
                    offset = 0
            out.append(Token(word, pieces, wrap, _NO_MARKERS))
        if offset == len(texts[k][1]) and k + 1 < len(texts):
            k += 1
            offset = 0
    return out


def _apart(left: What, right: What) -> bool:
    """Tell whether no token can span two texts: a space on one side of where they meet and
    none on the other."""
    if not isinstance(left, str) or not isinstance(right, str):
        return False
    return left[-1].isspace() != right[0].isspace()


def _only_reference(run: etree._Element) -> bool:
    """Tell whether a run holds a comment's reference mark and nothing else."""
    return all(c.tag in (RPR, COMMENT_REF) or not isinstance(c.tag, str) for c in run)


def _in_words(item: Item) -> bool:
    """Tell whether a run's element reads as a character of the words around it (a
    non-breaking hyphen, ``w:noBreakHyphen``, as in 555‑0100)."""
    child = item[2]
    return item[1] is not None and not isinstance(child, str) and child.tag == _NB_HYPHEN


def _field_token(items: list[Item], wrap: tuple[etree._Element, ...],
                 pending: list[etree._Element]) -> tuple[Token, list[etree._Element]]:
    """A complex field (``begin`` … ``end``) as one token keyed by its code and result, and the
    markers inside it, which go before the next token."""
    pieces: list[Piece] = []
    instr: list[str] = []
    result: list[str] = []
    separated = False
    markers: list[etree._Element] = []
    for _, run, child in items:
        if run is None:
            assert not isinstance(child, str)  # text always comes from a run
            markers.append(child)
            continue
        pieces.append((run, child))
        if isinstance(child, str):
            (result if separated else instr).append(child)
        elif child.tag == INSTR:
            instr.append(child.text or "")
        elif child.tag == FLDCHAR and child.get(w("fldCharType")) == "separate":
            separated = True
        elif child.tag in ATOM_KEYS:
            (result if separated else instr).append(ATOM_KEYS[child.tag])
    code = " ".join("".join(instr).split())  # " PAGE " and "PAGE" are one field code
    key = "\x01F" + code + "\x02" + ("#" if laid_out(code) else "".join(result))
    return Token(key, pieces, wrap, pending), markers


#: fields whose result Word and LibreOffice lay out afresh on every page (a page number): the
#: result a file holds is never what a reader sees, so it is not compared
LAID_OUT = {"PAGE", "NUMPAGES", "SECTIONPAGES"}


def laid_out(code: str) -> bool:
    """Tell whether a field's code is one whose result is laid out (:data:`LAID_OUT`)."""
    words = code.split(None, 1)
    return bool(words) and words[0].upper() in LAID_OUT


def _field_end(items: list[Item], start: int) -> int | None:
    depth = 0
    for j in range(start, len(items)):
        c = items[j][2]
        if isinstance(c, etree._Element) and c.tag == FLDCHAR:
            kind = c.get(w("fldCharType"))
            if kind == "begin":
                depth += 1
            elif kind == "end":
                depth -= 1
                if depth == 0:
                    return j
    return None


def _flatten(parent: etree._Element, wrap: tuple[etree._Element, ...], items: list[Item]) -> None:
    for child in parent:
        tag = child.tag
        if tag == PPR or not isinstance(tag, str):
            continue
        if tag == R_:
            for c in child:
                ctag = c.tag
                if ctag in IGNORED_IN_RUN or not isinstance(ctag, str):
                    continue
                if ctag == T:
                    if c.text:
                        items.append((wrap, child, c.text))
                else:
                    items.append((wrap, child, c))
        elif tag in WRAPPERS:
            _flatten(child, wrap + (child,), items)
        else:
            # markers; fldSimple, inline content controls, math and anything else: one token
            items.append((wrap, None, child))


def _atom_key(el: etree._Element) -> str:
    tag = el.tag
    if tag in ATOM_KEYS:
        return ATOM_KEYS[tag]
    if tag == w("sym"):
        return "\x02" + (el.get(w("char")) or "")
    if tag in (FN_REF, EN_REF):
        return "\x03" + etree.QName(tag).localname
    if tag == FLDSIMPLE:
        code = " ".join((el.get(w("instr")) or "").split())
        return "\x01F" + code + "\x02" + ("#" if laid_out(code) else block_key(el))
    return "\x04" + etree.QName(tag).localname + "\x05" + block_key(el)


def token_text(tok: Token) -> str:
    """Return the text a token reads as."""
    if len(tok.pieces) == 1 and isinstance(tok.pieces[0][1], str):
        return tok.pieces[0][1]
    out = []
    for _, what in tok.pieces:
        if isinstance(what, str):
            out.append(what)
        elif what.tag in ATOM_KEYS:
            out.append(ATOM_KEYS[what.tag])
        elif what.tag in (FLDSIMPLE, SDT):
            out.append(plain(what))
    return "".join(out)


# -- likeness of blocks ---------------------------------------------------------------------------

def row_shape(tr: etree._Element) -> tuple[tuple[str | None, str | None], ...]:
    """Return the spans and vertical merges of a row's cells."""
    shape = []
    for tc in tr.findall(TC):
        tcpr = tc.find(w("tcPr"))
        span = tcpr.find(w("gridSpan")) if tcpr is not None else None
        vmerge = tcpr.find(w("vMerge")) if tcpr is not None else None
        shape.append((span.get(VAL) if span is not None else "1",
                      None if vmerge is None else (vmerge.get(VAL) or "continue")))
    return tuple(shape)


@dataclass(frozen=True)
class Likeness:
    """What :func:`similar` weighs of a block, worked out once per block: its kind, whether it
    holds any text, its words (spaces, punctuation and lone digits aside) and how often each
    occurs."""

    tag: str
    blank: bool
    words: tuple[str, ...]
    counts: dict[str, int]
    vocabulary: frozenset[str]


def likeness(block: etree._Element) -> Likeness:
    """Return what :func:`similar` compares of ``block``."""
    key = block_key(block)
    return _likeness(block.tag, key, TOKEN.findall(key))


def _likeness(tag: str, key: str, tokens: list[str]) -> Likeness:
    found = tuple(t for t in tokens if t[0].isalpha() or len(t) > 2)
    counts: dict[str, int] = {}
    for t in found:
        counts[t] = counts.get(t, 0) + 1
    return Likeness(tag, not key.strip(), found, counts, frozenset(counts))


def alike(a: Likeness, b: Likeness) -> float:
    """Return how alike two blocks read, from their :func:`likeness`: 0 when they should not
    be paired at all, else the share of their words in the same order (at least 0.5).

    The bounds difflib's ``real_quick_ratio`` and ``quick_ratio`` give are taken first (the
    lengths, then the words in common, counted from the sets and counts made once per
    block), so two blocks with few words in common are never aligned word by word."""
    if a.tag != b.tag:
        return 0.0
    if a.blank and b.blank:
        return 0.6
    if a.blank or b.blank:
        return 0.0
    ta, tb = a.words, b.words
    if not ta or not tb:
        return 0.6 if ta == tb else 0.0
    total = len(ta) + len(tb)
    if 2.0 * min(len(ta), len(tb)) / total < 0.5:
        return 0.0
    shared = a.vocabulary & b.vocabulary
    if 2.0 * sum(min(a.counts[t], b.counts[t]) for t in shared) / total < 0.5:
        return 0.0
    same = sum(i2 - i1 for op, i1, i2, _, _ in opcodes(list(ta), list(tb)) if op == "equal")
    ratio = 2.0 * same / total
    return ratio if ratio >= 0.5 else 0.0


def similar(old: etree._Element, new: etree._Element) -> float:
    """Return how alike two blocks read, 0 when they should not be paired at all
    (:func:`alike` of their :func:`likeness`; :func:`~.diff.align` works each block's out
    once, through ``similar.prepare``)."""
    return alike(likeness(old), likeness(new))


similar.prepare = likeness  # type: ignore[attr-defined]
similar.score = alike  # type: ignore[attr-defined]


def words(block: etree._Element) -> list[str]:
    """Return the words (and numbers) of a block."""
    return [t for t in TOKEN.findall(block_key(block)) if t[0].isalnum()]


class Reading:
    """What the lining up of two containers reads of their blocks (:func:`block_key`,
    :func:`words`, :func:`likeness`), worked out once per block, while no block has been
    rewritten yet; as :func:`similar` for :func:`~.diff.align`."""

    def __init__(self, markup: Markup | None = None) -> None:
        self._keys: dict[int, str] = {}
        self._tokens: dict[int, list[str]] = {}
        self._likeness: dict[int, Likeness] = {}
        self._keep: list[etree._Element] = []  # so that the ids above stay theirs
        #: the containers' markup (:class:`Markup`), and the keys of the paragraphs read, by
        #: their markup: a paragraph of the same markup as one read (the same paragraph in
        #: the other version, most of them) has its key
        self._markup = markup
        self._by_markup: dict[bytes, str] = {}
        #: the words and likeness of the keys read (paragraphs that read alike share them;
        #: neither is changed once made)
        self._split_keys: dict[str, list[str]] = {}
        self._likeness_keys: dict[tuple[str, str], Likeness] = {}
        #: alike() of pairs of the likenesses above, by their identities (kept in the dict)
        self._scores: dict[tuple[int, int], float] = {}

    def key(self, block: etree._Element) -> str:
        """Return :func:`block_key` of ``block``."""
        found = self._keys.get(id(block))
        if found is None:
            raw = self._markup.raw(block) if self._markup is not None else None
            if raw is None:
                found = block_key(block)
            else:
                found = self._by_markup.get(raw)
                if found is None:
                    found = self._by_markup[raw] = block_key(block)
            self._keys[id(block)] = found
            self._keep.append(block)
        return found

    def _split(self, block: etree._Element) -> list[str]:
        found = self._tokens.get(id(block))
        if found is None:
            key = self.key(block)
            found = self._split_keys.get(key)  # a paragraph read alike before
            if found is None:
                found = self._split_keys[key] = TOKEN.findall(key)
            self._tokens[id(block)] = found
        return found

    def words(self, block: etree._Element) -> list[str]:
        """Return :func:`words` of ``block``."""
        return [t for t in self._split(block) if t[0].isalnum()]

    def prepare(self, block: etree._Element) -> Likeness:
        """Return :func:`likeness` of ``block``."""
        found = self._likeness.get(id(block))
        if found is None:
            read = (block.tag, self.key(block))
            found = self._likeness_keys.get(read)  # a block of the kind read alike before
            if found is None:
                found = self._likeness_keys[read] = _likeness(block.tag, read[1],
                                                              self._split(block))
            self._likeness[id(block)] = found
        return found

    def score(self, old: Likeness, new: Likeness) -> float:
        """Return :func:`alike` of two blocks' likeness (weighed once for each pair of
        likenesses: blocks that read alike share theirs)."""
        pair = (id(old), id(new))
        found = self._scores.get(pair)
        if found is None:
            found = self._scores[pair] = alike(old, new)
        return found

    def __call__(self, old: etree._Element, new: etree._Element) -> float:
        """Return :func:`similar` of two blocks."""
        return self.score(self.prepare(old), self.prepare(new))


def starts_section(block: etree._Element) -> bool:
    """Tell whether a block begins a unit a reader would see as one: a heading or a table."""
    if block.tag == TBL:
        return True
    ppr = block.find(PPR)
    if ppr is None:
        return False
    if ppr.find(_OUTLINE) is not None:
        return True
    style = ppr.find(_PSTYLE)
    return style is not None and bool(_HEADING_STYLE.search(style.get(VAL, "")))


# -- markup -----------------------------------------------------------------------------------

_P_START = re.compile(rb"<w:p(?=[ />])")
_P_END = b"</w:p>"
_TBL_START = re.compile(rb"<w:tbl(?=[ />])")
_TBL_END = b"</w:tbl>"
_W_DECLARATION = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_W_URI = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: a container of fewer paragraphs is not serialised whole for :class:`Markup`
MARKUP_MIN_PARAGRAPHS = 16


class Markup:
    """The markup of the paragraphs of two containers (a body and its old version), each
    serialised once with its container, so that :func:`same_markup` of two paragraphs, one of
    each, is mostly a comparison of two slices (:meth:`same`).

    ``etree.tostring`` of one paragraph writes every namespace declaration in scope (a Word
    body has some thirty) and costs several times the paragraph's own markup. The slices are
    taken only where a paragraph's serialisation is its slice, the declarations aside: the
    two containers' start tags are the same (the same declarations in scope, in the same
    order, no attributes), nothing in either declares a namespace, holds a comment or a
    processing instruction, every ``w:p`` outside the container's tables is a child of it
    (none in a text box), no table is inside another, and ``w`` names WordprocessingML
    once. Two paragraphs of equal slices and equal tails then serialise alike; any other
    pair is left to :func:`same_markup`. The
    slices are read before any block is rewritten; a block is rewritten only at its own turn
    of the comparison, after it is weighed."""

    def __init__(self, old: etree._Element, new: etree._Element) -> None:
        self._old: dict[int, bytes] = {}
        self._new: dict[int, bytes] = {}
        self._keep: list[etree._Element] = []  # so that the ids above stay theirs
        if old.attrib or new.attrib:
            return
        old_ps = [c for c in old if c.tag == P]
        new_ps = [c for c in new if c.tag == P]
        if min(len(old_ps), len(new_ps)) < MARKUP_MIN_PARAGRAPHS:
            return
        old_raw, new_raw = etree.tostring(old), etree.tostring(new)
        old_head, new_head = old_raw[:old_raw.find(b">") + 1], new_raw[:new_raw.find(b">") + 1]
        if old_head != new_head or old_head.count(_W_URI) != 1 or \
                _W_DECLARATION not in old_head:
            return
        old_slices = _paragraph_slices(old_raw, len(old_head), len(old_ps),
                                       sum(c.tag == TBL for c in old))
        new_slices = _paragraph_slices(new_raw, len(new_head), len(new_ps),
                                       sum(c.tag == TBL for c in new))
        if old_slices is None or new_slices is None:
            return
        self._old = {id(el): raw for el, raw in zip(old_ps, old_slices)}
        self._new = {id(el): raw for el, raw in zip(new_ps, new_slices)}
        self._keep = old_ps + new_ps

    def raw(self, p: etree._Element) -> bytes | None:
        """Return the markup of paragraph ``p`` of either container, if sliced: two
        paragraphs of the same slice read alike (the same elements, text and attributes, in
        the same namespaces), the slice not holding the paragraph's tail."""
        found = self._old.get(id(p))
        return found if found is not None else self._new.get(id(p))

    def same(self, a: etree._Element, b: etree._Element) -> bool:
        """Tell whether paragraph ``a`` of the old container is sure to be the same markup as
        ``b`` of the new one (False: not known, ask :func:`same_markup`)."""
        raw_a = self._old.get(id(a))
        if raw_a is None:
            return False
        raw_b = self._new.get(id(b))
        return raw_b is not None and raw_a == raw_b and a.tail == b.tail


def _paragraph_slices(raw: bytes, start: int, paragraphs: int, tables: int
                      ) -> list[bytes] | None:
    """Return the serialisation of each ``w:p`` child of a container from its serialisation
    ``raw`` (its start tag ``start`` bytes long), in order, if the container's ``paragraphs``
    and ``tables`` children are all the paragraphs and tables outside its tables (none in a
    text box or a content control, no table inside another), and nothing after the start tag
    declares a namespace or is a comment or a processing instruction (so that every ``<``
    begins a tag, every ``>`` ends one, and ``w`` is WordprocessingML throughout); else
    None."""
    if raw.find(b"xmlns", start) >= 0 or raw.find(b"<!--", start) >= 0 or \
            raw.find(b"<?", start) >= 0:
        return None
    find = raw.find
    # the tables: as many as the container's own, so none is inside another, and each ends
    # at the first "</w:tbl>" after its start tag
    spans: list[tuple[int, int]] = []
    for m in _TBL_START.finditer(raw, start):
        at = m.start()
        if spans and at < spans[-1][1]:
            return None  # a table inside a table
        close = find(b">", at)
        end = close + 1 if raw[close - 1] == 0x2F else find(_TBL_END, close) + len(_TBL_END)
        if end < len(_TBL_END):
            return None
        spans.append((at, end))
    if len(spans) != tables:
        return None
    # the paragraphs outside the tables: as many as the container's own, so none is inside
    # another, and each ends at the first "</w:p>" after its start tag, or with that tag
    starts = []
    k = 0
    for m in _P_START.finditer(raw, start):
        at = m.start()
        while k < len(spans) and spans[k][1] <= at:
            k += 1
        if k < len(spans) and spans[k][0] <= at:
            continue  # a cell's paragraph
        starts.append(at)
    if len(starts) != paragraphs:
        return None
    out = []
    for at in starts:
        close = find(b">", at)
        if raw[close - 1] == 0x2F:  # "/": <w:p/>, <w:p w:rsidR="…"/>
            out.append(raw[at:close + 1])
            continue
        end = find(_P_END, close)
        if end < 0:
            return None
        out.append(raw[at:end + len(_P_END)])
    return out


def same_markup(a: etree._Element, b: etree._Element) -> bool:
    """Tell whether two elements are the same markup, revision-session and paragraph ids
    aside."""
    raw_a, raw_b = etree.tostring(a), etree.tostring(b)
    return raw_a == raw_b or _NOISE.sub(b"", raw_a) == _NOISE.sub(b"", raw_b)
