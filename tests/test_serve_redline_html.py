"""The redline's HTML on the review page shows the changes of every story of the document,
not only the body: headers and footers (per section, first page), footnotes, endnotes and
comments, each under its own heading, inline and side by side."""

from __future__ import annotations

import datetime as dt
import re

from docgen.redline.compare import redline
from docgen.serve.redline_html import read_redline
from redline_docs import PAIRS, _edit, _set

FIXED = dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc)


def _view(old: bytes, new: bytes):  # type: ignore[no-untyped-def]
    return read_redline(redline(old, new, date=FIXED).docx, "case.docx")


def _section(html: str, title: str) -> str:
    """The inline HTML of the story ``title``."""
    found = re.search(f'<section class="story" aria-label="{re.escape(title)}">(.*?)</section>',
                      html, re.S)
    assert found is not None, f"no story {title!r} in the redline's HTML"
    return found[1]


def _edits(m) -> None:  # type: ignore[no-untyped-def]
    m.footer = "Confidential - do not forward"
    m.blocks[4][3] = "34 CFR 99.31(a)(6)(ii)."


def test_a_changed_footer_and_footnote_are_shown_with_their_changes() -> None:
    view = _view(*_edit(_edits)())
    inline = view.inline()
    assert [s.title for s in view.stories] == ["Header", "Footer", "Footnotes"]
    footer = _section(inline, "Footer")
    assert ('Confidential - <ins class="ins" title="inserted"><span class="visually-hidden">'
            "inserted: </span>do not forward - </ins>Page 1 of 1") in footer
    note = _section(inline, "Footnotes")
    assert note.startswith('<h2 class="story-title">Footnotes</h2>\n<p>1. ')
    assert ('<del class="del" title="deleted"><span class="visually-hidden">deleted: </span>'
            " studies exception</del>") in note
    assert '<span class="visually-hidden">inserted: </span>(ii)</ins>' in note
    assert "<ins" not in _section(inline, "Header")  # a story that did not change: no mark
    # the counts the page prints take in the footer's and the note's changes
    body_only = _view(*_edit(lambda m: _set(m, 3, m.blocks[3][2]))())
    assert body_only.counts.insertions == 0
    assert (view.counts.insertions, view.counts.deletions) == (2, 1)
    side = view.side_by_side()
    assert '<tr class="story"><th scope="colgroup" colspan="2">Footer</th></tr>' in side
    row = next(r for r in side.split("<tr") if "Page 1 of 1" in r)
    old_cell, new_cell = row.split("</td><td>")
    assert "do not forward" not in old_cell and "do not forward" in new_cell
    note_row = next(r for r in side.split("<tr") if "34 CFR" in r)
    old_cell, new_cell = note_row.split("</td><td>")
    assert "studies exception" in old_cell and "(ii)" not in old_cell
    assert "(ii)" in new_cell and "studies exception" not in new_cell


def test_each_section_s_headers_and_footers_have_their_own_heading() -> None:
    view = _view(*PAIRS["section footers changed"]())
    titles = [s.title for s in view.stories]
    assert titles == ["Section 1 header", "Section 1 footer", "Section 2 header",
                      "Section 2 footer"]
    second = _section(view.inline(), "Section 2 footer")
    assert "<ins" in second and "B2" in re.sub(r"<[^>]+>", "", second)
    assert "<ins" not in _section(view.inline(), "Section 1 footer")
    first_page = _view(*PAIRS["first-page header changed"]())
    cover = _section(first_page.inline(), "Header (first page)")
    assert cover == ('<h2 class="story-title">Header (first page)</h2>\n<p>Cover<ins class="ins" '
                     'title="inserted"><span class="visually-hidden">inserted: </span> sheet'
                     '</ins></p>\n')
    assert [s.title for s in first_page.stories] == ["Header (first page)", "Header"]


def test_endnotes_and_comments_are_shown_too() -> None:
    view = _view(*PAIRS["endnote changed"]())
    notes = _section(view.inline(), "Endnotes")
    assert "<ins" in notes and "<del" in notes
    commented = _view(*PAIRS["ids shared with comments and bookmarks"]())
    comments = _section(commented.inline(), "Comments")
    assert "<p>Counsel: Comment 0</p>" in comments


def test_the_text_of_every_story_is_escaped() -> None:
    hostile = 'Footer & <script>alert("x")</script>'  # (a leading "<" would be taken as XML)
    view = _view(*_edit(lambda m: setattr(m, "footer", hostile))())
    for shown in (view.inline(), view.side_by_side()):
        assert "<script>" not in shown
        assert "Footer &amp; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in shown
