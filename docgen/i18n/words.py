"""The schema's own words in the letter's language: weekdays, grades and fee phrases.

They come from docgen's catalog (``locales/<locale>/LC_MESSAGES/docgen.po``), each with its
``msgctxt``, never from English: a spec's ``"monday"``, ``"K"`` or ``"per": "week"`` is written
by the translator's words. The calls below are ordinary ``pgettext`` calls, so that ``docgen
i18n extract`` (and ``pybabel extract`` over ``docgen/**.py``) find them.

A fee is a whole phrase per period ("{amount} per week"), never a noun put into "{amount} per
{period}", so that a language with cases writes each one right. Three or more grades in a row
are written as a range ("grades 2 to 5", "grados 2 a 5").

>>> from docgen.render import _SourceLanguage
>>> en = _SourceLanguage()
>>> weekday(en, "monday"), price(en, "$25", "week")
('Monday', '$25 per week')
>>> grade_items(en, ["2", "3", "4", "5"]), grade_items(en, ["K", "2", "4", "adult"])
(['2 to 5'], ['K', '2', '4'])
>>> grade_items(en, ["6", "7", "8", "10"])
['6 to 8', '10']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Protocol

from ..wording import GRADES, grade_runs


class Words(Protocol):
    """What the words need of a translator: ``pgettext`` with named values."""

    def pgettext(self, context: str, message: str, **values: Any) -> str: ...


#: This file, whose ``pgettext`` calls ``docgen i18n extract`` reads.
SOURCE = Path(__file__)

_WEEKDAYS: dict[str, Callable[[Words], str]] = {
    # TRANSLATORS: a day a program meets, in the list of days under “What is it?”
    "monday": lambda t: t.pgettext("weekday", "Monday"),
    # TRANSLATORS: a day a program meets, in the list of days under “What is it?”
    "tuesday": lambda t: t.pgettext("weekday", "Tuesday"),
    # TRANSLATORS: a day a program meets, in the list of days under “What is it?”
    "wednesday": lambda t: t.pgettext("weekday", "Wednesday"),
    # TRANSLATORS: a day a program meets, in the list of days under “What is it?”
    "thursday": lambda t: t.pgettext("weekday", "Thursday"),
    # TRANSLATORS: a day a program meets, in the list of days under “What is it?”
    "friday": lambda t: t.pgettext("weekday", "Friday"),
    # TRANSLATORS: a day a program meets, in the list of days under “What is it?”
    "saturday": lambda t: t.pgettext("weekday", "Saturday"),
    # TRANSLATORS: a day a program meets, in the list of days under “What is it?”
    "sunday": lambda t: t.pgettext("weekday", "Sunday"),
}


def _grade(t: Words, grade: str) -> str:
    """A grade inside a range or a list ("K to 2", "K, 2 and 4"): numbers stay numbers."""
    if grade == "PK":
        # TRANSLATORS: pre-kindergarten inside a range or list of grades ("PK to 2"), under
        # “Who can join?”
        return t.pgettext("grade", "PK")
    if grade == "K":
        # TRANSLATORS: kindergarten inside a range or list of grades ("K to 2", "K, 2 and 4"),
        # under “Who can join?”
        return t.pgettext("grade", "K")
    return grade


def grade_items(t: Words, grades: list[str]) -> list[str]:
    """The grades served, without 'adult', in the language of ``t``: each run of three or
    more as one range ("2 to 5"), the others one by one ("K", "2"), for a list."""
    items: list[str] = []
    for run in grade_runs(grades):
        if len(run) > 2:
            # TRANSLATORS: a range of grades ("grades 2 to 5"), under “Who can join?”; {first}
            # and {last} are grades
            items.append(t.pgettext("grades", "{first} to {last}", first=_grade(t, run[0]),
                                    last=_grade(t, run[-1])))
        else:
            items += [_grade(t, g) for g in run]
    return items


def weekday(t: Words, day: str) -> str:
    """The name of the spec's ``day`` ("monday") in the language of ``t``."""
    return _WEEKDAYS[day](t)


def price(t: Words, amount: str, per: str) -> str:
    """``amount`` (already formatted) for each ``per`` ("week") in the language of ``t``."""
    if per == "session":
        # TRANSLATORS: a fee, under “How much does it cost?”; {amount} is an amount of money,
        # already written out ("$25")
        return t.pgettext("fee", "{amount} per session", amount=amount)
    if per == "week":
        # TRANSLATORS: a fee, under “How much does it cost?”; {amount} is an amount of money,
        # already written out ("$25")
        return t.pgettext("fee", "{amount} per week", amount=amount)
    if per == "month":
        # TRANSLATORS: a fee, under “How much does it cost?”; {amount} is an amount of money,
        # already written out ("$25")
        return t.pgettext("fee", "{amount} per month", amount=amount)
    if per == "term":
        # TRANSLATORS: a fee for a school term, under “How much does it cost?”; {amount} is an
        # amount of money, already written out ("$25")
        return t.pgettext("fee", "{amount} per term", amount=amount)
    # TRANSLATORS: a fee, under “How much does it cost?”; {amount} is an amount of money,
    # already written out ("$25")
    return t.pgettext("fee", "{amount} per year", amount=amount)
