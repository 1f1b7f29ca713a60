"""How ``docgen renew`` moves a spec's dates to a later school year, keeping the weekday.

A school's calendar is made of weekdays: the first program day is a Monday, enroll-by a
Friday. Moving a date by whole years (10 August 2026 → 10 August 2027) changes its weekday, so
the renewal would start the program on a Tuesday and end it on a Sunday. The rules, in order:

1. **Same weekday.** A date moves to the nearest same weekday of its date in the new year:
   Monday 10 August 2026 → Monday 9 August 2027. The nearest is at most three days from that
   date (one year on it is one day earlier, or two when a 29 February comes between), so there
   is never a tie.
2. **Calendar dates.** The first and the last day of a month are dates of the calendar, not of
   the week (a fiscal year's 1 July and 30 June, a certificate due "August 1" by contract): they
   keep the day of the month whatever weekday it falls on; 29 February becomes the 28th.
3. **The same place among the dates.** A moved date stays in the school year it was in, moved
   on (a school year here runs from 1 July to 30 June: a program day stays in the new school
   year; a deadline of June before a July term stays in June), the term's start stays on or
   after 1 January of the new school year's first year (what ``validate`` asks), and no two
   dates change order: the term still ends after it starts, every program day stays inside the
   term, a study still ends after the term starts, and so does every other pair (enroll-by
   before the first program day stays before it). When the nearest same weekday would break one
   of these, the date takes the same weekday a week the other way; when that breaks one too, it
   keeps the day of the month (rule 2's way), and the renewed spec is checked as any other.

Calendar dates are placed first, then the others in the order of the spec, each checked against
the dates already placed. :class:`MovedDate` records why a date went where it did, for the
re-confirm list (:func:`how`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from .errors import PathItem

#: Where a date is in a spec: the keys and indexes to walk.
Where = tuple[PathItem, ...]

_TERM_START: Where = ("term", "start")
_DAY = dt.timedelta(days=1)
_WEEK = dt.timedelta(days=7)


def roll_date(day: dt.date, years: int) -> dt.date:
    """Return ``day`` moved ``years`` years on; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def nearest_same_weekday(day: dt.date, years: int) -> dt.date:
    """Return the same weekday as ``day`` nearest to its date ``years`` years on.

    >>> nearest_same_weekday(dt.date(2026, 8, 10), 1)  # a Monday
    datetime.date(2027, 8, 9)
    >>> nearest_same_weekday(dt.date(2027, 6, 4), 1)  # a Friday; 29 February 2028 between
    datetime.date(2028, 6, 2)
    """
    same_date = roll_date(day, years)
    return same_date + _DAY * ((day.weekday() - same_date.weekday() + 3) % 7 - 3)


def is_calendar_date(day: dt.date) -> bool:
    """Return whether ``day`` is the first or the last day of its month (rule 2)."""
    return day.day == 1 or (day + _DAY).month != day.month


def school_year_of(day: dt.date) -> int:
    """Return the first year of the school year (1 July to 30 June) that ``day`` is in."""
    return day.year if day.month >= 7 else day.year - 1


@dataclass(frozen=True)
class Conflict:
    """Why a candidate date was not taken: ``kind`` is 'school_year' (it is in the school year
    starting in ``year``, not ``target``), 'too_early' (a term start before 1 January of
    ``year``) or 'order' (it is before, on the day of, or after the date at ``other``, which the
    old one was not)."""

    kind: str
    day: dt.date
    year: int = 0
    target: int = 0
    other: Where = ()
    other_day: dt.date | None = None


@dataclass(frozen=True)
class MovedDate:
    """One date moved: from ``old`` to ``new``, and how.

    ``rule`` is 'weekday' (the nearest same weekday), 'week_away' (the same weekday a week the
    other way, because of ``conflicts[0]``), 'calendar' (rule 2), or 'same_date' (the day of the
    month, because of both ``conflicts``).
    """

    path: Where
    old: dt.date
    new: dt.date
    rule: str
    conflicts: tuple[Conflict, ...] = ()


def move_dates(dates: dict[Where, dt.date], years: int, first_year: int
               ) -> dict[Where, MovedDate]:
    """Return each of ``dates`` moved ``years`` years on, for the school year starting in
    ``first_year``, in the order of ``dates``."""
    placed: dict[Where, MovedDate] = {}
    for path, day in dates.items():
        if is_calendar_date(day):
            placed[path] = MovedDate(path, day, roll_date(day, years), "calendar")
    for path, day in dates.items():
        if path in placed:
            continue
        nearest = nearest_same_weekday(day, years)
        later = nearest <= roll_date(day, years)
        others = [nearest + _WEEK] if later else [nearest - _WEEK]
        if nearest == roll_date(day, years):
            others.append(nearest - _WEEK)
        conflict = _conflict(path, day, nearest, years, first_year, dates, placed)
        if conflict is None:
            placed[path] = MovedDate(path, day, nearest, "weekday")
            continue
        conflicts = [conflict]
        for other in others:
            second = _conflict(path, day, other, years, first_year, dates, placed)
            if second is None:
                placed[path] = MovedDate(path, day, other, "week_away", (conflict,))
                break
            conflicts.append(second)
        else:
            placed[path] = MovedDate(path, day, roll_date(day, years), "same_date",
                                     tuple(conflicts[:2]))
    return {path: placed[path] for path in dates}


def _conflict(path: Where, old: dt.date, new: dt.date, years: int, first_year: int,
              dates: dict[Where, dt.date], placed: dict[Where, MovedDate]) -> Conflict | None:
    """Return what rule 3 finds wrong with moving ``old`` to ``new``, or None."""
    if school_year_of(new) != school_year_of(old) + years:
        return Conflict("school_year", new, year=school_year_of(new),
                        target=school_year_of(old) + years)
    if path == _TERM_START and new < dt.date(first_year, 1, 1):
        return Conflict("too_early", new, year=first_year)
    for other, moved in placed.items():
        before = (dates[other] > old) - (dates[other] < old)
        if (moved.new > new) - (moved.new < new) != before:
            return Conflict("order", new, other=other, other_day=moved.new)
    return None


def how(moved: MovedDate, long: Callable[[dt.date], str], label: Callable[[Where], str],
        school_year: str) -> str:
    """Return how ``moved`` moved, in words: 'same weekday', or what made it move otherwise.

    ``long`` writes a date with its weekday ('Monday, August 9, 2027'); ``label`` names a date
    of the spec in a sentence ('the term start').
    """
    if moved.rule == "weekday":
        return "same weekday"
    if moved.rule == "calendar":
        if moved.old.day != moved.new.day:
            return (f"February 28: {moved.new.year} has no February 29, and the last day of a "
                    "month is kept as a calendar date")
        which = "first" if moved.old.day == 1 else "last"
        return f"same date: the {which} day of a month is kept as a calendar date"
    first = moved.conflicts[0]
    reason = f"the nearest, {long(first.day)}, {_why(first, long, label, school_year)}"
    if moved.rule == "week_away":
        direction = "later" if moved.new > first.day else "earlier"
        return f"same weekday, a week {direction}: {reason}"
    second = moved.conflicts[1]
    return (f"same date, not the same weekday: {reason}, and {long(second.day)} "
            f"{_why(second, long, label, school_year)}")


def _why(conflict: Conflict, long: Callable[[dt.date], str], label: Callable[[Where], str],
         school_year: str) -> str:
    if conflict.kind == "school_year":
        return (f"is in the {conflict.year}-{conflict.year + 1} school year, not in "
                f"{conflict.target}-{conflict.target + 1}")
    if conflict.kind == "too_early":
        return (f"is before January 1, {conflict.year}, the earliest a {school_year} term can "
                "start")
    assert conflict.other_day is not None
    relation = ("before" if conflict.day < conflict.other_day else
                "after" if conflict.day > conflict.other_day else "on the same day as")
    return f"is {relation} {label(conflict.other)}, {long(conflict.other_day)}"
