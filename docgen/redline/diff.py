"""Line up two sequences: edit operations (difflib, or Myers' diff for large regions; for the
blocks of a document, anchored first on the items both sides hold once, as patience diff does),
sliding and smoothing them for a reader, and pairing the similar items of a changed region.

Everything here works on plain lists (of keys, or of anything with a similarity function);
nothing knows about XML.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import TypeVar

__all__ = ["Opcode", "align", "anchored", "myers", "opcodes", "slide", "smooth"]

#: a difflib opcode: ("equal" | "replace" | "delete" | "insert", i1, i2, j1, j2)
Opcode = tuple[str, int, int, int, int]
Item = TypeVar("Item")

SMALL_DIFF = 250_000  # above this many token pairs a region is compared with Myers' diff…
RARE = 16             # … unless no element repeats more often than this (difflib stays linear)
MAX_EDITS = 1000      # beyond this many edits two regions are taken as wholly different
BAND = 3              # align() looks this many items off the diagonal of a large region


def opcodes(a: list[str], b: list[str]) -> list[Opcode]:
    """Return the edit operations turning ``a`` into ``b``; common ends are trimmed first.

    Small regions, and regions whose elements rarely repeat (the paragraphs of a document), use
    difflib, whose longest-match alignment reads well; large regions of repeated elements (the
    words and spaces of a very long paragraph) use Myers' O(ND) diff, which stays fast when the
    changes are few where difflib would be quadratic.
    """
    n, m = len(a), len(b)
    start = 0
    while start < n and start < m and a[start] == b[start]:
        start += 1
    end = 0
    while end < n - start and end < m - start and a[n - 1 - end] == b[m - 1 - end]:
        end += 1
    ops: list[Opcode] = []
    if start:
        ops.append(("equal", 0, start, 0, start))
    mid_a, mid_b = a[start:n - end], b[start:m - end]
    middle: list[Opcode]
    if len(mid_a) * len(mid_b) <= SMALL_DIFF or \
            max(Counter(mid_b).values(), default=0) <= RARE:
        middle = list(SequenceMatcher(None, mid_a, mid_b, autojunk=False).get_opcodes())
    else:
        middle = myers(mid_a, mid_b)
    for op, i1, i2, j1, j2 in middle:
        ops.append((op, i1 + start, i2 + start, j1 + start, j2 + start))
    if end:
        ops.append(("equal", n - end, n, m - end, m))
    return [o for o in ops if o[1] != o[2] or o[3] != o[4]]


def _whole(n: int, m: int) -> list[Opcode]:
    return [("replace", 0, n, 0, m)] if n and m else \
        [("delete", 0, n, 0, 0)] if n else [("insert", 0, 0, 0, m)]


def myers(a: list[str], b: list[str]) -> list[Opcode]:
    """Return Myers' greedy shortest edit script as difflib opcodes; beyond ``MAX_EDITS``
    edits the two sides are simply different, and one replacement says so."""
    n, m = len(a), len(b)
    common = sum((Counter(a) & Counter(b)).values())
    limit = min(n + m, MAX_EDITS)
    if n + m - 2 * common > limit:  # more edits than the limit, whatever the order
        return _whole(n, m)
    trace = _frontiers(a, b, limit)
    if trace is None:
        return _whole(n, m)
    return _as_opcodes(_steps(trace, n, m, limit + 1))


def _frontiers(a: list[str], b: list[str], limit: int) -> list[list[int]] | None:
    """Return the furthest-reaching frontier before each edit, up to the one reaching the end
    of both sides, or None if that takes more than ``limit`` edits."""
    n, m = len(a), len(b)
    offset = limit + 1
    v = [0] * (2 * limit + 3)
    trace: list[list[int]] = []
    for d in range(limit + 1):
        trace.append(v[:])
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
                x = v[offset + k + 1]
            else:
                x = v[offset + k - 1] + 1
            y = x - k
            while x < n and y < m and a[x] == b[y]:
                x += 1
                y += 1
            v[offset + k] = x
            if x >= n and y >= m:
                return trace
    return None


def _steps(trace: list[list[int]], n: int, m: int, offset: int) -> list[tuple[str, int, int]]:
    """Walk back through the saved frontiers (each step is a snake, then one edit) and return
    the single-element steps ``(kind, x, y)`` front to back."""
    steps: list[tuple[str, int, int]] = []
    x, y = n, m
    for d in range(len(trace) - 1, 0, -1):
        before = trace[d]
        k = x - y
        if k == -d or (k != d and before[offset + k - 1] < before[offset + k + 1]):
            prev_k = k + 1
        else:
            prev_k = k - 1
        prev_x = before[offset + prev_k]
        prev_y = prev_x - prev_k
        while x > prev_x and y > prev_y:
            x -= 1
            y -= 1
            steps.append(("equal", x, y))
        if x == prev_x:
            y -= 1
            steps.append(("insert", x, y))
        else:
            x -= 1
            steps.append(("delete", x, y))
    while x > 0 and y > 0:
        x -= 1
        y -= 1
        steps.append(("equal", x, y))
    steps.reverse()
    return steps


def _as_opcodes(steps: list[tuple[str, int, int]]) -> list[Opcode]:
    ops: list[list[str | int]] = []
    i = j = 0
    for kind, _, _ in steps:
        tag = "equal" if kind == "equal" else "change"
        if not ops or ops[-1][0] != tag:
            ops.append([tag, i, i, j, j])
        if kind in ("equal", "delete"):
            i += 1
        if kind in ("equal", "insert"):
            j += 1
        ops[-1][2], ops[-1][4] = i, j
    out: list[Opcode] = []
    for op in ops:
        tag, i1, i2, j1, j2 = str(op[0]), int(op[1]), int(op[2]), int(op[3]), int(op[4])
        if tag == "change":
            tag = "replace" if i1 != i2 and j1 != j2 else "delete" if i1 != i2 else "insert"
        out.append((tag, i1, i2, j1, j2))
    return out


def slide(ops: list[Opcode], a: list[str], b: list[str], head_a: Callable[[int], bool],
          head_b: Callable[[int], bool]) -> list[Opcode]:
    """Slide each pure insertion or deletion to where it starts with a heading, if it can.

    When a removed section ends with the same line as the one before it ("Cost: free"), a
    diff may remove either copy; a reader expects the whole section to go, heading first.
    ``head_a(i)`` and ``head_b(j)`` tell whether item ``i`` of ``a`` (``j`` of ``b``) is one.
    """
    tags = [o[0] for o in ops]
    spans = [list(o[1:]) for o in ops]
    for k in range(1, len(ops) - 1):
        prev, cur, nxt = spans[k - 1], spans[k], spans[k + 1]
        if tags[k - 1] != "equal" or tags[k + 1] != "equal" or tags[k] not in ("delete",
                                                                               "insert"):
            continue
        if tags[k] == "delete":
            seq, heads, lo, hi = a, head_a, cur[0], cur[1]
        else:
            seq, heads, lo, hi = b, head_b, cur[2], cur[3]
        up = 0
        while up < prev[1] - prev[0] and seq[lo - 1 - up] == seq[hi - 1 - up]:
            up += 1
        down = 0
        while down < nxt[1] - nxt[0] and hi + down < len(seq) and seq[lo + down] == seq[hi + down]:
            down += 1
        if not up and not down:
            continue
        best = max(range(-up, down + 1), key=lambda s: (heads(lo + s), s == 0, s))
        if best == 0:
            continue
        prev[1] += best
        prev[3] += best
        for c in range(4):
            cur[c] += best
        nxt[0] += best
        nxt[2] += best
    return [(tag, s[0], s[1], s[2], s[3]) for tag, s in zip(tags, spans)
            if s[0] != s[1] or s[2] != s[3]]


def smooth(ops: list[Opcode], new_keys: list[str]) -> list[Opcode]:
    """Fold a lone space or punctuation mark between two changes into them, so that a reviewer
    reads "the quick" → "a slow" rather than a change per word."""
    out = list(ops)
    k = 1
    while k < len(out) - 1:
        op, i1, i2, j1, j2 = out[k]
        before, after = out[k - 1], out[k + 1]
        if op == "equal" and before[0] != "equal" and after[0] != "equal" and \
                all(not key.strip() or (len(key) == 1 and not key.isalnum())
                    for key in new_keys[j1:j2]) and j2 - j1 <= 2:
            merged = ("replace", before[1], after[2], before[3], after[4])
            out[k - 1:k + 2] = [merged]
            k = max(k - 1, 1)
        else:
            k += 1
    return out


def align(old: Sequence[Item], new: Sequence[Item], similar: Callable[[Item, Item], float],
          limit: int = 1 << 62) -> list[tuple[Item | None, Item | None]]:
    """Pair similar items of two sequences, in order; the rest are deletions and insertions.

    The result lists, in order, ``(old, None)`` deletions, ``(None, new)`` insertions and
    ``(old, new)`` pairs, choosing the pairing of greatest total similarity (a small dynamic
    programme); ``similar`` is 0 for two items that must not be paired. A ``similar`` with
    ``prepare`` and ``score`` attributes is used as ``score(prepare(old), prepare(new))``,
    each item prepared once.

    A region of more than ``limit`` pairs is aligned within a band along its diagonal, as
    wide as the two sides differ in length and a few items more (at most ``limit`` pairs in
    all), so that one removed item shifts the pairing by one instead of pairing every later
    item with its neighbour, and the cost stays linear.
    """
    rows, cols = len(old), len(new)
    if not rows or not cols:
        return [(o, None) for o in old] + [(None, n) for n in new]
    prepare = getattr(similar, "prepare", None)
    weigh = getattr(similar, "score", None)
    if prepare is not None and weigh is not None:
        # ``similar`` weighs what it reads of each item, made once per item here rather
        # than once per pair of items the programme weighs
        old_read = [prepare(o) for o in old]
        new_read = [prepare(n) for n in new]

        def like_at(i: int, j: int) -> float:
            return float(weigh(old_read[i], new_read[j]))
    else:
        def like_at(i: int, j: int) -> float:
            return similar(old[i], new[j])
    if rows * cols <= limit:
        band = cols
    else:
        band = max(BAND, abs(rows - cols) + BAND, cols // rows + 1)
        band = max(min(band, limit // (2 * max(rows, cols))), cols // rows + 1, 2)
    lo = [max(0, i * cols // rows - band) for i in range(rows + 1)]
    hi = [min(cols, -(-i * cols // rows) + band) for i in range(rows + 1)]
    lo[0], hi[rows] = 0, cols
    neg = float("-inf")
    score: list[list[float]] = [[neg] * (hi[i] - lo[i] + 1) for i in range(rows + 1)]
    likeness: list[list[float]] = [[0.0] * (hi[i] - lo[i] + 1) for i in range(rows)]

    def at(i: int, j: int) -> float:
        return score[i][j - lo[i]] if i <= rows and lo[i] <= j <= hi[i] else neg

    for i in range(rows, -1, -1):
        row, low = score[i], lo[i]
        for j in range(hi[i], low - 1, -1):
            if i == rows:
                row[j - low] = 0.0 if j == cols else neg if j + 1 > hi[i] else row[j + 1 - low]
                continue
            best = max(at(i + 1, j), row[j + 1 - low] if j < hi[i] else neg)
            if j < cols:
                like = likeness[i][j - low] = like_at(i, j)
                if like > 0:
                    best = max(best, at(i + 1, j + 1) + like)
            if j == cols:
                best = max(best, at(i + 1, j))
            row[j - low] = best
    out: list[tuple[Item | None, Item | None]] = []
    i = j = 0
    while i < rows and j < cols:
        here = at(i, j)
        like = likeness[i][j - lo[i]]
        if like > 0 and here == at(i + 1, j + 1) + like:
            out.append((old[i], new[j]))
            i += 1
            j += 1
        elif here == at(i + 1, j):
            out.append((old[i], None))
            i += 1
        else:
            out.append((None, new[j]))
            j += 1
    out += [(o, None) for o in old[i:]]
    out += [(None, n) for n in new[j:]]
    return out


def anchored(a: list[str], b: list[str]) -> list[Opcode]:
    """Return the edit operations turning ``a`` into ``b`` (the keys of a document's blocks),
    anchored first on the items each side holds once.

    This is patience diff: the items found exactly once on each side, taken in the longest
    order both agree on, are equal; each stretch between two such anchors is compared the same
    way, and a stretch without one by :func:`opcodes`. So however many paragraphs changed, a
    paragraph added or removed never shifts the ones after it: each stretch :func:`opcodes`
    sees is short, and no edit budget runs out across the document.
    """
    out: list[Opcode] = []
    # tasks, last first: (True, …) an equal stretch to emit, (False, …) a stretch to compare
    tasks: list[tuple[bool, int, int, int, int]] = [(False, 0, len(a), 0, len(b))]
    while tasks:
        equal, i1, i2, j1, j2 = tasks.pop()
        if equal:
            out.append(("equal", i1, i2, j1, j2))
            continue
        head = 0
        while i1 + head < i2 and j1 + head < j2 and a[i1 + head] == b[j1 + head]:
            head += 1
        tail = 0
        while i2 - tail > i1 + head and j2 - tail > j1 + head and \
                a[i2 - 1 - tail] == b[j2 - 1 - tail]:
            tail += 1
        if head:
            out.append(("equal", i1, i1 + head, j1, j1 + head))
        lo_a, hi_a, lo_b, hi_b = i1 + head, i2 - tail, j1 + head, j2 - tail
        later: list[tuple[bool, int, int, int, int]] = []
        anchors = _anchors(a, b, lo_a, hi_a, lo_b, hi_b) if lo_a < hi_a and lo_b < hi_b else []
        if anchors:
            i, j = lo_a, lo_b
            for x, y in anchors:
                later += [(False, i, x, j, y), (True, x, x + 1, y, y + 1)]
                i, j = x + 1, y + 1
            later.append((False, i, hi_a, j, hi_b))
        elif lo_a < hi_a or lo_b < hi_b:
            for op, x1, x2, y1, y2 in opcodes(a[lo_a:hi_a], b[lo_b:hi_b]):
                out.append((op, x1 + lo_a, x2 + lo_a, y1 + lo_b, y2 + lo_b))
        if tail:
            later.append((True, hi_a, i2, hi_b, j2))
        tasks.extend(reversed(later))
    return _joined(out)


def _anchors(a: list[str], b: list[str], lo_a: int, hi_a: int, lo_b: int, hi_b: int
             ) -> list[tuple[int, int]]:
    """Return the positions ``(i, j)`` of the items found once in ``a[lo_a:hi_a]`` and once in
    ``b[lo_b:hi_b]``, the longest series of them in the same order on both sides."""
    count_a = Counter(a[lo_a:hi_a])
    count_b = Counter(b[lo_b:hi_b])
    where_b = {b[j]: j for j in range(lo_b, hi_b) if count_b[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(lo_a, hi_a)
             if count_a[a[i]] == 1 and a[i] in where_b]
    if not pairs:
        return []
    # the longest increasing run of j (patience sorting)
    tops: list[int] = []       # the smallest j ending a run of each length
    ends: list[int] = []       # which pair that is
    before: list[int] = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        at = bisect_left(tops, j)
        if at == len(tops):
            tops.append(j)
            ends.append(k)
        else:
            tops[at], ends[at] = j, k
        before[k] = ends[at - 1] if at else -1
    chain: list[tuple[int, int]] = []
    k = ends[-1]
    while k >= 0:
        chain.append(pairs[k])
        k = before[k]
    chain.reverse()
    return chain


def _joined(ops: list[Opcode]) -> list[Opcode]:
    """Join neighbouring operations of one kind (equal, or changed), dropping empty ones."""
    out: list[Opcode] = []
    for op in ops:
        tag, i1, i2, j1, j2 = op
        if i1 == i2 and j1 == j2:
            continue
        if out and (out[-1][0] == "equal") == (tag == "equal"):
            _, k1, _, l1, _ = out[-1]
            if tag != "equal":
                tag = "replace" if k1 != i2 and l1 != j2 else "delete" if k1 != i2 else "insert"
            out[-1] = (tag, k1, i2, l1, j2)
        else:
            out.append(op)
    return out
