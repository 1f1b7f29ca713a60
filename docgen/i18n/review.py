"""Whether a person reviewed a catalog's translation: its ``X-Reviewed`` header.

A machine-drafted or unchecked translation must not reach families as if a translator had
read it. Each catalog (docgen's ``locales/<language>/LC_MESSAGES/docgen.po`` and a
partnership's ``<spec-stem>.locales/<language>.po``) says so in its header, in one of two
forms::

    X-Reviewed: no
    X-Reviewed: yes; by=Ana Ruiz (Language Access Office); date=2026-11-30

``yes`` needs both ``by=`` (who reviewed it: a name, or a name and an office) and ``date=``
(the day, as YYYY-MM-DD, not after the day it is checked). Either may end with a ``note=``
for people, which changes nothing: the catalogs docgen ships say ``no; note=docgen draft,
not reviewed by a translator``. A catalog without the header was
not reviewed, as far as docgen knows. ``docgen i18n init`` writes ``X-Reviewed: no``;
``docgen i18n update`` keeps the header as it is, and ``docgen i18n check`` names a malformed
one with its file and line. A notice's translation counts as reviewed only when every catalog
it is built from is.

>>> parse_review("yes; by=Ana Ruiz; date=2026-11-30")
Review(reviewed=True, by='Ana Ruiz', date='2026-11-30', recorded=True)
>>> parse_review("no")
Review(reviewed=False, by=None, date=None, recorded=True)
>>> parse_review("no; note=docgen draft, not reviewed by a translator")
Review(reviewed=False, by=None, date=None, recorded=True)
>>> parse_review("yes")
Traceback (most recent call last):
...
ValueError: 'yes' needs who reviewed it and when: write it as 'yes; by=NAME; date=YYYY-MM-DD'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem

#: The header field.
HEADER = "X-Reviewed"

#: How the header is written, for messages.
FORMS = "'X-Reviewed: no' or 'X-Reviewed: yes; by=NAME; date=YYYY-MM-DD'"


@dataclass(frozen=True)
class Review:
    """What a catalog's header says of its review."""

    reviewed: bool
    by: str | None = None
    date: str | None = None
    #: whether the catalog has the header at all
    recorded: bool = False

    def __str__(self) -> str:
        """The review as the header writes it (``no``, ``yes; by=…; date=…``)."""
        if self.reviewed:
            return f"yes; by={self.by}; date={self.date}"
        return "no"

    def summary(self) -> str:
        """The review in words, for ``docgen i18n check``'s line."""
        if self.reviewed:
            return f"reviewed by {self.by} on {self.date}"
        if not self.recorded:
            return f"not reviewed by a person (no {HEADER} header)"
        return "not reviewed by a person"


NOT_RECORDED = Review(False)


def parse_review(value: str, *, today: dt.date | None = None) -> Review:
    """Return the review the header ``value`` records; raise ValueError saying what is wrong.

    ``today``: a review dated after it is refused (a typo in the year).
    """
    parts = [p.strip() for p in value.split(";")]
    head = parts[0].lower()
    if head not in ("yes", "no"):
        raise ValueError(f"{value!r} is neither 'yes' nor 'no': write it as {FORMS}")
    fields: dict[str, str] = {}
    for part in parts[1:]:
        if not part:
            continue
        key, sep, text = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in ("by", "date", "note"):
            raise ValueError(f"{part!r} is not 'by=NAME' or 'date=YYYY-MM-DD': write it as "
                             f"{FORMS}")
        if key in fields:
            raise ValueError(f"{key}= is given twice: write it as {FORMS}")
        fields[key] = text.strip()
    # a note is for people (the shipped drafts say what they are); it records nothing
    fields.pop("note", None)
    if head == "no":
        if fields:
            raise ValueError(f"'no' takes nothing after it (by= and date= belong to 'yes'): "
                             f"write it as {FORMS}")
        return Review(False, recorded=True)
    if not fields.get("by") or not fields.get("date"):
        lacking = " and ".join(k for k, what in (("by", "who"), ("date", "when"))
                               if not fields.get(k))
        what = {"by": "who reviewed it", "date": "when",
                "by and date": "who reviewed it and when"}[lacking]
        raise ValueError(f"{value!r} needs {what}: write it as 'yes; by=NAME; "
                         "date=YYYY-MM-DD'")
    date = fields["date"]
    try:
        day = dt.date.fromisoformat(date) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError(f"date={date!r} is not a day written YYYY-MM-DD (2026-11-30)")
    if today is not None and day > today:
        raise ValueError(f"date={date} is after today ({today.isoformat()}); write the day "
                         "the translator reviewed the catalog")
    return Review(True, fields["by"], date, recorded=True)


#: What the header of a catalog docgen ships as an unreviewed draft says of it.
DRAFT = "docgen draft, not reviewed by a translator"


def draft_lines(text: str) -> list[int]:
    """Return the lines of the header (its comment and fields) of the .po ``text`` that still
    say it is a docgen draft: stale once a review is recorded.

    >>> draft_lines('# docgen draft, not reviewed by a translator: ...\\n#\\nmsgid ""\\n')
    [1]
    """
    end = text.find("\n\n", max(text.find('msgid ""'), 0))
    head = text[:end if end >= 0 else len(text)]
    return [i for i, line in enumerate(head.splitlines(), 1) if DRAFT in line
            and not line.startswith('"X-Reviewed:')]


def read_review(path: Path, text: str | None = None, *,
                today: dt.date | None = None) -> tuple[Review, Problem | None]:
    """Return what the header of the catalog at ``path`` (or its ``text``) says of its
    review, and the located problem of a malformed value (then it counts as not reviewed)."""
    from .catalogs import _header_field

    if text is None:
        text = path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff")
    value, line = _header_field(text, HEADER)
    if value is None:
        return NOT_RECORDED, None
    try:
        return parse_review(value, today=today), None
    except ValueError as e:
        return Review(False, recorded=True), Problem(str(path), line, message=(
            f"{HEADER}: {e}; until then docgen counts this translation as not reviewed"))


def notice_review(catalogs: list[tuple[str, Path]]) -> tuple[bool, tuple[str, ...]]:
    """Return whether a notice's translation was reviewed by a person, and what each catalog
    it is built from says (``"ko/LC_MESSAGES/docgen.po: no"``), given each catalog's name (as
    the manifest shows it) and path. A catalog that is missing or cannot be read, or whose
    header is malformed, counts as not reviewed."""
    said = []
    reviewed = bool(catalogs)
    for name, path in catalogs:
        try:
            review, problem = read_review(path)
        except OSError:
            review, problem = NOT_RECORDED, None
        reviewed = reviewed and review.reviewed and problem is None
        said.append(f"{name}: {review if review.recorded else 'not recorded'}")
    return reviewed, tuple(said)
