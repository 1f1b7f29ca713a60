"""Start and update catalogs from the templates' messages (``docgen i18n init`` and ``update``).

Both write where they are told (the ``base`` folder) and never rewrite a translator's
Plural-Forms header.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural

from .. import __version__, output
from ..errors import CatalogError, Problem
from .catalogs import (DOMAIN, available_locales, catalog_dir_name, catalog_path, language_name,
                       open_catalog,
                       read_catalog, set_plurals, write_catalog)
from .extract import write_template
from .locales import normalise
from .plurals import expected_rule
from .review import HEADER as REVIEW_HEADER
from .scripts import FALLBACKS, script_of


def conventional_plurals(tag: str, locale: Locale | None) -> tuple[int, str]:
    """Return the plural count and rule a new catalog of ``tag`` starts with: docgen's table
    (``plurals.expected_rule``), else, for a language it does not list, Babel's CLDR rule
    (gettext's default where CLDR has none)."""
    rule = expected_rule(tag)
    if rule is not None:
        return rule.count, rule.expr
    if locale is None:
        return 2, "(n != 1)"
    babel_rule = get_plural(locale)
    return babel_rule.num_plurals, babel_rule.plural_expr


def init_warnings(tag: str) -> list[str]:
    """Return what a translator starting ``tag`` should know about its dates and numbers: a
    language CLDR lacks, or has only partial data for, is written with a fallback."""
    facts = script_of(tag)
    if not facts.fallback:
        return []
    how = ("as numbers, US style (8/28/2026, 2:45 PM, $1,250.50)" if facts.numeric_dates
           else f"as {facts.formats.replace('_', '-')} writes them")
    known = "has only partial data for" if _babel_knows(tag) else "has no data for"
    return [f"{tag}: CLDR (Babel's language data) {known} this language, so dates and "
            f"numbers in its notices are written {how}"
            + ("; weekday names come from its catalog" if facts.numeric_dates else "")
            + ". Ask a translator to check a notice before it is sent"]


def _babel_knows(tag: str) -> bool:
    try:
        Locale.parse(tag, sep="-")
        return True
    except (UnknownLocaleError, ValueError):
        return False


#: The header comment of a catalog ``docgen i18n init`` starts.
INIT_HEADER = """\
# {language} ({tag}) translations of docgen's family notice.
# Last-Translator and Language-Team are left empty: Poedit and Weblate fill them in from the
# translator's own settings when the file is saved (or write them here by hand).
#"""


def init_catalog(tag: str, base: Path, templates: Path | None = None) -> Path:
    """Start the catalog of ``tag`` in ``base`` from the templates; raise if it exists or the
    language is unknown. A language CLDR lacks (``hmn``, ``prs``, ``mh``, ``chk``) is started
    too: its dates and numbers fall back as :mod:`docgen.i18n.scripts` documents."""
    tag = normalise(tag)
    locale: Locale | None = None
    try:
        locale = Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        if tag.split("-")[0] not in FALLBACKS:
            raise CatalogError(f"{tag!r} is not a language Babel knows; use a BCP 47 tag "
                               f"such as 'fr' or 'pt-BR' (docgen also knows "
                               f"{', '.join(sorted(FALLBACKS))})") from None
    path = catalog_path(tag, base)
    if path.exists():
        raise CatalogError.at(path, "already exists; run docgen i18n update instead")
    pot = read_catalog(write_template(base, templates))
    catalog = Catalog(locale=locale or catalog_dir_name(tag), domain=DOMAIN, project="docgen",
                      version=__version__, charset="utf-8", fuzzy=False,
                      msgid_bugs_address="", last_translator="", language_team="",
                      header_comment=INIT_HEADER.format(language=language_name(tag), tag=tag))
    set_plurals(catalog, *conventional_plurals(tag, locale))
    for message in pot:
        if message.id:
            catalog.add(message.id, "" if isinstance(message.id, str) else
                        ("",) * catalog.num_plurals, message.locations,
                        auto_comments=message.auto_comments, context=message.context,
                        flags=message.flags)
    # nobody has reviewed a catalog yet: the translator's reviewer changes this line
    write_catalog(catalog, path, within=base, headers=[(REVIEW_HEADER, "no")])
    return path


def linked(paths: list[Path], base: Path) -> list[Problem]:
    """Return a problem for each of ``paths`` that is, or is reached through, a symbolic link
    below ``base``: docgen writes no catalog through a link (it could be anyone's file)."""
    problems = []
    for path in paths:
        link = output.link_below(base, path) or (path if path.is_symlink() else None)
        if link is not None:
            problems.append(Problem(str(link), message="is a symbolic link; docgen does not "
                                    f"write {path.name} through it: replace the link with a "
                                    "real folder or file"))
    return problems


def update_catalogs(base: Path, templates: Path | None = None) -> list[Path]:
    """Update every catalog under ``base`` from the templates (a district's own from the
    folder ``templates`` where it has them); return the files written.

    Like ``pybabel update --previous``: a changed message keeps its old translation, marked
    fuzzy, with the old source text as ``#|`` lines; messages no longer used become obsolete.
    The Plural-Forms header is the translator's and is never rewritten: a catalog whose header
    docgen cannot use is refused, with every such catalog named, and none is written; so is a
    catalog reached through a symbolic link.
    """
    opened = [open_catalog(catalog_path(tag, base), tag) for tag in available_locales(base)]
    links = linked([o.path for o in opened] + [base / f"{DOMAIN}.pot"], base)
    if links:
        raise CatalogError("no catalog was updated: a catalog is reached through a link",
                           links + [Problem(str(base), 0, 0, None, "no catalog was updated: "
                                            "replace the link above, then run docgen i18n "
                                            "update again")])
    problems = [o.plural_problem for o in opened if o.plural_problem is not None]
    if problems:
        raise CatalogError("no catalog was updated: fix the Plural-Forms headers first",
                           problems + [Problem(
                               str(base), 0, 0, None, "no catalog was updated: fix the "
                               "Plural-Forms header above first, then run docgen i18n update "
                               "again")])
    pot = read_catalog(write_template(base, templates))
    written = []
    for each in opened:
        # a message still fuzzy keeps its old source text until the translator reviews it
        previous = {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)): m.previous_id
                    for m in each.catalog if m.id and m.fuzzy and m.previous_id}
        each.catalog.update(pot, no_fuzzy_matching=False, update_header_comment=False)
        for message in each.catalog:
            key = (message.context,
                   message.id if isinstance(message.id, str) else tuple(message.id))
            if message.fuzzy and not message.previous_id and key in previous:
                message.previous_id = previous[key]
        write_catalog(each.catalog, each.path, include_previous=True, within=base)
        written.append(each.path)
    return written
