"""The edit scripts beneath the redliner: difflib for small regions, Myers' diff for large ones.

Both must turn one sequence into the other; Myers' must also be minimal, and a long paragraph,
where it takes over, must still redline exactly.
"""

from __future__ import annotations

import datetime as dt
import io
import random

import docx
from hypothesis import given, settings
from hypothesis import strategies as st

import revisions as rv
from conftest import examples
from docgen.redline import diff as rl

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
from docgen.redline.compare import redline
from redline_docs import from_xml, para

tokens = st.lists(st.sampled_from(["the", " ", "partner", ",", "shall", "school", "."]),
                  max_size=40)


def rebuild(a: list[str], b: list[str], ops: list) -> list[str]:
    out: list[str] = []
    i = j = 0
    for op, i1, i2, j1, j2 in ops:
        assert (i1, j1) == (i, j), "operations must be contiguous"
        if op == "equal":
            assert a[i1:i2] == b[j1:j2]
            out += a[i1:i2]
        else:
            assert op in ("replace", "delete", "insert")
            out += b[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))
    return out


def lcs(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        prev = 0
        for k, y in enumerate(b):
            cur = row[k + 1]
            row[k + 1] = prev + 1 if x == y else max(row[k + 1], row[k])
            prev = cur
    return row[-1]


@settings(max_examples=examples(300), deadline=None, derandomize=True, database=None)
@given(a=tokens, b=tokens)
def test_myers_is_a_minimal_edit_script(a: list[str], b: list[str]) -> None:
    ops = rl.myers(a, b)
    assert rebuild(a, b, ops) == b
    assert sum(i2 - i1 for op, i1, i2, _, _ in ops if op == "equal") == lcs(a, b)


@settings(max_examples=examples(200), deadline=None, derandomize=True, database=None)
@given(a=tokens, b=tokens)
def test_opcodes_rebuild_the_new_sequence_on_both_paths(a: list[str], b: list[str]) -> None:
    assert rebuild(a, b, rl.opcodes(a, b)) == b
    small, rare = rl.SMALL_DIFF, rl.RARE
    try:
        rl.SMALL_DIFF, rl.RARE = 0, 0  # force Myers' diff
        assert rebuild(a, b, rl.opcodes(a, b)) == b
    finally:
        rl.SMALL_DIFF, rl.RARE = small, rare


def test_too_many_edits_become_one_replacement() -> None:
    a = [str(i) for i in range(3000)]
    b = [f"x{i}" for i in range(3000)]
    assert rl.myers(a, b) == [("replace", 0, 3000, 0, 3000)]


def _one_paragraph(text: str) -> bytes:
    d = docx.Document()
    d.add_paragraph(text)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_a_very_long_paragraph_redlines_exactly_and_word_by_word() -> None:
    rng = random.Random(5)
    words = ("the partner shall provide tutoring to students and families at the school "
             "during the term of this agreement").split()
    old = [rng.choice(words) for _ in range(3000)]
    new = list(old)
    for k in rng.sample(range(3000), 8):
        new[k] = "CHANGED"
    del new[1500:1505]
    result = redline(_one_paragraph(" ".join(old)), _one_paragraph(" ".join(new)),
                     date=dt.datetime(2027, 6, 1))
    rv.check_redline(_one_paragraph(" ".join(old)), _one_paragraph(" ".join(new)), result.docx)
    # eight word edits and one removed stretch, not the whole paragraph replaced
    assert result.revisions <= 2 * 8 + 1
    assert [c.kind for c in result.changes] == ["changed"]


# --------------------------------------------------------------------------------------------
# Alignment of blocks: anchored on unique paragraphs, never shifted by position

def test_anchored_keeps_unique_items_in_place_around_a_removed_one() -> None:
    a = [f"p{i}" for i in range(50)]
    b = [f"p{i}x" if i % 2 else f"p{i}" for i in range(50)]  # every other item changed
    del b[20]
    ops = rl.anchored(a, b)
    assert rebuild(a, b, ops) == b
    equal = sum(i2 - i1 for op, i1, i2, _, _ in ops if op == "equal")
    assert equal == 24  # every unchanged item but the removed one


@settings(max_examples=examples(200), deadline=None, derandomize=True, database=None)
@given(a=tokens, b=tokens)
def test_anchored_rebuilds_the_new_sequence(a: list[str], b: list[str]) -> None:
    assert rebuild(a, b, rl.anchored(a, b)) == b


def test_a_large_region_is_aligned_in_a_band_not_by_position() -> None:
    old = [f"clause {i} words" for i in range(400)]
    new = [f"clause {i} changed" for i in range(400) if i != 150]

    def like(o: str, n: str) -> float:
        return 1.0 if o.split()[1] == n.split()[1] else 0.0

    pairs = rl.align(old, new, like, limit=5000)  # 400 × 399 pairs: the band
    assert sum(1 for o, n in pairs if o and n) == 399
    assert [o for o, n in pairs if n is None] == ["clause 150 words"]


def _book(texts: list[str]) -> bytes:
    return from_xml("".join(
        para(t, ppr='<w:pStyle w:val="Heading1"/>') if t.startswith("Chapter") else para(t)
        for t in texts))


def _dense_pair(n: int = 3000, edits: int = 1100, seed: int = 13) -> tuple[list[str], list[str]]:
    """A book of ``n`` paragraphs (chapters, empty lines and "* * *" between scenes) and a copy
    with ``edits`` one-word edits and one paragraph deleted."""
    rng = random.Random(seed)
    vocab = ("the district partner shall provide records within thirty days of each request "
             "student data notice parent consent school term agreement staff").split()
    old: list[str] = []
    while len(old) < n:
        k = len(old)
        if k % 60 == 0:
            old.append(f"Chapter {k // 60 + 1}")
        elif k % 20 == 19:
            old.append("* * *")
        elif k % 10 == 9:
            old.append("")
        else:
            old.append(f"{k}. " + " ".join(rng.choice(vocab) for _ in range(rng.randint(8, 20))))
    new = list(old)
    body = [k for k, t in enumerate(old) if t[:1].isdigit()]
    for k in rng.sample(body, edits):
        words = new[k].split()
        w = rng.randrange(1, len(words))
        words[w] = words[w].upper() + "X"
        new[k] = " ".join(words)
    gone = next(k for k in body[len(body) // 2:] if new[k] == old[k])
    del new[gone]
    return old, new


def test_many_changed_paragraphs_and_one_removed_do_not_collapse() -> None:
    old_texts, new_texts = _dense_pair()
    edited = sum(1 for t in new_texts if "X" in t)
    old, new = _book(old_texts), _book(new_texts)
    result = redline(old, new, date=dt.datetime(2027, 6, 1))
    kinds = [c.kind for c in result.changes]
    # each edited paragraph compared in place, the removed one deleted, nothing re-inserted
    assert (kinds.count("changed"), kinds.count("deleted"), kinds.count("inserted")) == \
        (edited, 1, 0)
    assert result.revisions == 2 * edited + 2  # a word out and in; a paragraph and its mark
    rv.check_redline(old, new, result.docx)


# --- block likeness, weighed once per block (issue #16) ---------------------------------------

def _likeness_by_difflib(a_text: str, b_text: str) -> float:
    """keys.similar as it was: difflib's bounds on a SequenceMatcher, then the word diff."""
    from difflib import SequenceMatcher

    from docgen.redline.diff import opcodes
    from docgen.redline.keys import TOKEN

    if not a_text.strip() and not b_text.strip():
        return 0.6
    if not a_text.strip() or not b_text.strip():
        return 0.0
    ta = [t for t in TOKEN.findall(a_text) if t[0].isalpha() or len(t) > 2]
    tb = [t for t in TOKEN.findall(b_text) if t[0].isalpha() or len(t) > 2]
    if not ta or not tb:
        return 0.6 if ta == tb else 0.0
    sm = SequenceMatcher(None, ta, tb, autojunk=False)
    if sm.real_quick_ratio() < 0.5 or sm.quick_ratio() < 0.5:
        return 0.0
    same = sum(i2 - i1 for op, i1, i2, _, _ in opcodes(ta, tb) if op == "equal")
    ratio = 2.0 * same / (len(ta) + len(tb))
    return ratio if ratio >= 0.5 else 0.0


_WORDS = st.sampled_from(["the", "partner", "shall", "will", "records", "five", "years", "of",
                          "12", "3", ",", ".", " ", "  ", "school", "district", "and", "data"])


@settings(max_examples=examples(300))
@given(st.lists(_WORDS, max_size=30), st.lists(_WORDS, max_size=30))
def test_block_likeness_from_words_counted_once_is_difflibs(a: list[str], b: list[str]) -> None:
    # the aligner weighs each block's words once and bounds each pair by their counts before
    # any word diff: the likeness must be exactly what scoring the pair with difflib gave
    from xml.sax.saxutils import escape

    from lxml import etree

    from docgen.redline.keys import block_key, similar

    def paragraph(text: str):
        runs = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
        return etree.fromstring(f'<w:p xmlns:w="{W}">{runs}</w:p>')

    first, second = paragraph(" ".join(a)), paragraph(" ".join(b))
    assert similar(first, second) == _likeness_by_difflib(block_key(first), block_key(second))
