"""Dates, times, weekdays and amounts written for a locale, as every document writes them.

Public because the context, the annual review and the renewal all write values the way the
documents do (``"August 10, 2026"``, ``"2:45 PM"``, ``"$1,000,000"``). The locale is passed in;
nothing is read from the environment.

>>> f = Formatter("en-US", "USD")
>>> f.date("2026-08-10"), f.money(1000000), f.weekday("monday")
('August 10, 2026', '$1,000,000', 'Monday')
"""

from __future__ import annotations

import copy
import datetime as dt

from babel.dates import format_date, format_time, get_day_names
from babel.numbers import format_currency

from .i18n.locales import babel_locale
from .i18n.scripts import formatting_locale, localise_digits, numbering_system, script_of

#: The weekday names a spec uses, Monday first (the order of Babel's day names).
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Amount(str):
    """A formatted amount (``"$1,000"``) that is false when it is zero, so ``{% if fee %}`` reads
    naturally in a template."""

    value: float

    def __new__(cls, text: str, value: float) -> "Amount":
        self = super().__new__(cls, text)
        self.value = value
        return self

    def __bool__(self) -> bool:
        return self.value != 0


class Formatter:
    """Write a spec's dates, times, weekdays and amounts for one locale and currency."""

    def __init__(self, locale: str, currency: str, *, in_us: bool = False) -> None:
        """``in_us``: the spec's parties are in the United States, so a language without a
        region is written as it is there (``es``: "$1,250.50", "2:45 p. m.")."""
        self.locale = babel_locale(formatting_locale(locale, in_us=in_us))
        self.currency = currency
        self.day_names = get_day_names("wide", locale=self.locale)
        # a language CLDR has no month names for: numbers, not English month names
        self.numeric_dates = script_of(locale).numeric_dates
        # CLDR's default numbering system of the locale (numbering_system: Persian's and
        # Dari's ۰۱۲, Bengali's ০১২, Myanmar's ၀၁၂; Latin digits for ar, ur, he), the one the
        # translations' own numbers are written in too (docgen.i18n.translate): Babel writes
        # dates, times and amounts in Latin digits whatever the locale's system
        self.tag = locale
        self.numbers = "latn" if self.numeric_dates else numbering_system(locale)

    def _digits(self, text: str) -> str:
        return text if self.numbers == "latn" else localise_digits(text, self.tag, every=True)

    def date(self, value: str) -> str:
        day = dt.date.fromisoformat(value)
        if self.numeric_dates:
            return f"{day.month}/{day.day}/{day.year}"
        return self._digits(format_date(day, format="long", locale=self.locale))

    def time(self, value: str) -> str:
        return self._digits(format_time(dt.time.fromisoformat(value), format="short",
                                        locale=self.locale))

    def number(self, value: int | float | str) -> str:
        """Write a count, a grade number or a school year in the locale's digits ("۳",
        "۲۰۲۶-۲۰۲۷" in Persian)."""
        return self._digits(str(value))

    def money(self, value: float) -> Amount:
        if float(value).is_integer():
            # the locale's own pattern (where the symbol goes), without the cents
            pattern = copy.copy(self.locale.currency_formats["standard"])
            pattern.frac_prec = (0, 0)
            text = pattern.apply(value, self.locale, currency=self.currency,
                                 currency_digits=False, numbering_system="default")
        else:
            text = format_currency(value, self.currency, locale=self.locale,
                                   numbering_system="default")
        return Amount(self._digits(text), value)

    def weekday(self, value: str) -> str:
        return str(self.day_names[WEEKDAYS.index(value)])
