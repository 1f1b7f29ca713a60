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
from docgen.redline.compare import redline

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
