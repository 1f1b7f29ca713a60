"""The languages docgen writes: where each one's catalog lives, which have one, and the mapping
from BCP 47 tags to Babel locales.

Every function that depends on which catalogs exist takes the catalog folder (``base``); None
means the shipped one, ``Resources.shipped().locales``. Babel is imported only when a tag is
parsed, so that commands which never write a notice do not load it.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..resources import Resources

if TYPE_CHECKING:
    from babel import Locale

#: The gettext domain: every catalog is <folder>/<locale>/LC_MESSAGES/docgen.po.
DOMAIN = "docgen"

#: BCP 47 tags of the languages docgen ships catalogs for.
SHIPPED_LOCALES = ("en", "es", "vi", "ar", "zh-Hans", "zh-Hant", "ht", "ko", "ru", "so", "bn",
                   "ur", "fa")


def shipped_catalogs() -> Path:
    """Return the folder of the catalogs docgen ships."""
    return Resources.shipped().locales


def catalog_dir_name(tag: str) -> str:
    """Return the catalog folder name of the BCP 47 ``tag`` (``zh-Hans`` → ``zh_Hans``)."""
    return tag.replace("-", "_")


def catalog_path(tag: str, base: Path | None = None) -> Path:
    """Return the .po file of ``tag`` in the catalog folder ``base``."""
    return (base or shipped_catalogs()) / catalog_dir_name(tag) / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_locales(base: Path | None = None) -> list[str]:
    """Return the BCP 47 tags that have a catalog in the folder ``base``."""
    root = base or shipped_catalogs()
    if not root.is_dir():
        return []
    # the folders */LC_MESSAGES/docgen.po, listed directly (a build asks for every notice)
    with os.scandir(root) as entries:
        return sorted(entry.name.replace("_", "-") for entry in entries
                      if entry.is_dir() and os.path.isfile(
                          os.path.join(entry.path, "LC_MESSAGES", f"{DOMAIN}.po")))


def supported_locales(base: Path | None = None) -> tuple[str, ...]:
    """Return the languages with a catalog in ``base``: the shipped ones and any a translator
    added."""
    return tuple(available_locales(base)) or SHIPPED_LOCALES


#: The tag documents default to: the agreements are written in American English.
DEFAULT_LOCALE = "en-US"


def _parts(tag: str) -> tuple[str, str | None, str | None]:
    """Return the language, script and region of a BCP 47 tag (any case, - or _)."""
    pieces = tag.replace("_", "-").split("-")
    language = pieces[0].lower()
    script = next((p.title() for p in pieces[1:] if len(p) == 4 and p.isalpha()), None)
    region = next((p.upper() for p in pieces[1:] if len(p) in (2, 3) and p.isalnum()), None)
    if language == "zh" and script is None:
        script = {"TW": "Hant", "HK": "Hant", "MO": "Hant"}.get(region or "", "Hans" if region
                                                                  else None)
    return language, script, region


def canonical(tag: str, base: Path | None = None) -> str | None:
    """Return the catalog that serves ``tag``: the same language, script and region if there is
    one (``pt-BR``), else the same language and script (``es-MX`` → ``es``, ``zh-CN`` →
    ``zh-Hans``); None if none does. ``base`` is the catalog folder."""
    language, script, region = _parts(tag)
    best = None
    for supported in supported_locales(base):
        s_language, s_script, s_region = _parts(supported)
        if s_language != language or (s_script or script) and s_script != script:
            continue
        if s_region == region:
            return supported
        if s_region is None:
            best = supported
    return best


def normalise(tag: str) -> str:
    """Return ``tag`` in its usual spelling (``ZH-hans`` → ``zh-Hans``, ``pt-br`` → ``pt-BR``)."""
    pieces = tag.replace("_", "-").split("-")
    out = [pieces[0].lower()]
    for piece in pieces[1:]:
        out.append(piece.title() if len(piece) == 4 and piece.isalpha() else
                   piece.upper() if len(piece) == 2 else piece)
    return "-".join(out)


def locale_problem(tag: str, base: Path | None = None) -> str | None:
    """Return why ``tag`` cannot be used for family notices with the catalogs in ``base``, or
    None if it can."""
    from babel import Locale, UnknownLocaleError

    from .scripts import FALLBACKS

    supported = supported_locales(base)
    try:
        if tag.replace("_", "-").split("-")[0].lower() not in FALLBACKS:
            Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        close = difflib.get_close_matches(tag, supported, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return (f"{tag!r} is not a language tag docgen knows{hint} "
                f"(supported: {', '.join(supported)})")
    if canonical(tag, base) is None:
        if tag.lower() == "zh" and not any(t.startswith("zh-") and _parts(t)[1] is None
                                           for t in supported):
            names = {"Hans": "simplified", "Hant": "traditional"}
            scripts = [f"{t!r} ({names.get(_parts(t)[1] or '', t)})" for t in supported
                       if t.startswith("zh-") and _parts(t)[1]]
            return (f"{tag!r} does not say which Chinese script; docgen supports "
                    f"{' and '.join(scripts) or repr('zh-Hans') + ' (simplified)'}")
        return (f"{tag!r} is not a supported language yet (supported: "
                f"{', '.join(supported)}); a translator can add it, see the README")
    return None


def list_locale(tag: str, formats: str | None = None) -> Locale:
    """Return the Babel locale whose patterns join a list in the language ``tag`` (written
    with the Babel locale ``formats``, if given).

    A language written with the US English fallback (no CLDR data, or only partial data:
    Haitian Creole, Hmong, Marshallese, Chuukese) gets CLDR root's pattern, the items
    separated by commas, never US English's "and" inside a letter in another language.

    >>> from babel.lists import format_list
    >>> [format_list(["Lendi", "Madi", "Jedi"], locale=list_locale(t)) for t in ("ht", "es")]
    ['Lendi, Madi, Jedi', 'Lendi, Madi y Jedi']
    """
    from babel import Locale

    from .scripts import script_of

    if script_of(tag).numeric_dates:
        return Locale.parse("root")
    return babel_locale(formats or tag)


def babel_locale(tag: str) -> Locale:
    """Return the Babel locale for the BCP 47 ``tag`` (or Babel's ``es_US``); for a language
    CLDR lacks, or has only partial data for, the fallback of :mod:`docgen.i18n.scripts`."""
    from babel import Locale, UnknownLocaleError

    from .scripts import script_of

    try:
        locale = Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(script_of(tag).formats)
    if script_of(str(locale)).fallback:
        return Locale.parse(script_of(str(locale)).formats)
    return locale


def tags_named(word: str, base: Path | None = None) -> list[str]:
    """Return the tags a language name means: the languages with a catalog in ``base`` whose
    English or own name is ``word`` ("Spanish", "español", "Chinese" → both Chinese scripts),
    else any language with that English name in CLDR ("French" → ``fr``); [] if none.

    >>> tags_named("español"), tags_named("Chinese")
    (['es'], ['zh-Hans', 'zh-Hant'])
    """
    from babel import Locale, UnknownLocaleError

    key = " ".join(word.split()).casefold()
    english = Locale("en")
    found = []
    for tag in supported_locales(base):
        names = {english.languages.get(_parts(tag)[0], "")}
        try:
            own = Locale.parse(tag, sep="-")
            names |= {own.get_display_name("en") or "", own.get_language_name("en") or "",
                      own.get_display_name() or "", own.get_language_name() or ""}
        except (UnknownLocaleError, ValueError):
            pass
        if key in {n.casefold() for n in names if n}:
            found.append(tag)
    if not found:
        found = sorted(code.replace("_", "-") for code, name in english.languages.items()
                       if name.casefold() == key and "_" not in code)
    return found


def language_tag_problem(word: str, notices: bool, base: Path | None = None) -> str:
    """Return what to say of ``word``, which is not written as a language tag, in a list of
    languages: the tag its name means if it names one, and for the notice languages
    (``notices``) the tags there are catalogs for in ``base``."""
    tags = tags_named(word, base)
    supported = supported_locales(base)
    listed = f" (the notice languages: {', '.join(supported)})" if notices else ""
    if not tags:
        return (f"{word!r} is not a language tag: write a BCP 47 tag such as 'en', 'es' or "
                f"'zh-Hans'{listed}")
    named = " or ".join(repr(t) for t in tags)
    if notices and not any(t in supported for t in tags):
        return (f"{word!r} is a language's name, not its tag; its tag is {named}, which has no "
                f"catalog yet: a translator can add it, see the README{listed}")
    return f"{word!r} is a language's name, not its tag; did you mean {named}?{listed}"
