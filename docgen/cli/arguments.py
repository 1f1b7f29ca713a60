"""The values a command line gives docgen, checked: dates, SOURCE_DATE_EPOCH, author names.

Each function returns the value or raises :class:`~docgen.errors.UsageError` naming the option,
so that the CLI stays a thin layer and the checks can be used and tested without it.
"""

from __future__ import annotations

import datetime as dt
from typing import Mapping

from ..errors import UsageError


def source_date(environ: Mapping[str, str]) -> dt.datetime | None:
    """Return the time SOURCE_DATE_EPOCH in ``environ`` fixes, if it is set
    (https://reproducible-builds.org/specs/source-date-epoch/)."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    try:
        when = dt.datetime.fromtimestamp(int(value), tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds since "
                         "1970-01-01") from None
    if when.year < 1000:
        # a PDF's dates have four-digit years, patched in place (docgen.pdf.pin)
        raise UsageError(f"SOURCE_DATE_EPOCH={value!r} is in the year {when.year}, before "
                         "1000; documents cannot be dated then: give a time from the year "
                         "1000 on (-30610224000 or more)")
    return when


def tracked_change_date(text: str, option: str) -> dt.datetime:
    """Return the ISO date or date-time ``text`` given to ``option``; a date means midnight
    UTC, and a time without a zone is UTC."""
    text = text.strip()
    try:
        if len(text) == 10:
            when = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), dt.timezone.utc)
        else:
            when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a date; write it as YYYY-MM-DD or "
                         "YYYY-MM-DDTHH:MM:SSZ, e.g. 2027-05-14") from None
    when = when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
    try:
        utc: dt.datetime | None = when.astimezone(dt.timezone.utc)
    except OverflowError:
        utc = None
    if utc is None or not 1900 <= utc.year <= 9999:
        raise UsageError(f"{option}: {text!r} is out of range; give a date between 1900 "
                         "and 9999")
    return when


def author(value: str, option: str) -> str:
    """Return the name on tracked changes: not empty, and no control characters (Word refuses
    them)."""
    if not value.strip():
        raise UsageError(f"{option} must not be empty")
    bad = sorted({f"U+{ord(c):04X}" for c in value if ord(c) < 32 or 0x7F <= ord(c) < 0xA0})
    if bad:
        raise UsageError(f"{option} {value!r} contains a control character "
                         f"({', '.join(bad)}); type the name on one line")
    return value.strip()


def iso_date(option: str, value: str) -> dt.date:
    """Return the date ``value`` (YYYY-MM-DD) given to ``option``."""
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a date; write it as YYYY-MM-DD, "
                         "e.g. 2027-05-14") from None
