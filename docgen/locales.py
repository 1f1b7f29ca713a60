"""The languages docgen writes, and the mapping from BCP 47 tags to Babel locales."""

from __future__ import annotations

import difflib

from babel import Locale, UnknownLocaleError

#: BCP 47 tags of the languages docgen ships catalogs for.
SHIPPED_LOCALES = ("en", "es", "vi", "ar", "zh-Hans")


def supported_locales() -> tuple[str, ...]:
    """Return the languages with a catalog: the shipped ones and any a translator added."""
    from .i18n import available_locales

    return tuple(available_locales()) or SHIPPED_LOCALES


SUPPORTED_LOCALES = SHIPPED_LOCALES

#: The tag documents default to: the agreements are written in American English.
DEFAULT_LOCALE = "en-US"


def canonical(tag: str) -> str | None:
    """Return the supported locale that serves ``tag`` (``es-MX`` → ``es``), or None."""
    parts = tag.replace("_", "-").split("-")
    lang = parts[0].lower()
    script = next((p.title() for p in parts[1:] if len(p) == 4), None)
    for supported in supported_locales():
        s_lang, _, s_script = supported.partition("-")
        if s_lang == lang and (not s_script or s_script == script):
            return supported
    return None


def locale_problem(tag: str) -> str | None:
    """Return why ``tag`` cannot be used for family notices, or None if it can."""
    try:
        Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        close = difflib.get_close_matches(tag, supported_locales(), n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return (f"{tag!r} is not a language tag docgen knows{hint} "
                f"(supported: {', '.join(supported_locales())})")
    if canonical(tag) is None:
        if tag.lower() == "zh":
            return (f"{tag!r} does not say which Chinese script; docgen supports 'zh-Hans' "
                    "(simplified)")
        return (f"{tag!r} is not a supported language yet (supported: "
                f"{', '.join(supported_locales())}); a translator can add it, see the README")
    return None


def babel_locale(tag: str) -> Locale:
    """Return the Babel locale for the BCP 47 ``tag``."""
    return Locale.parse(tag, sep="-")
