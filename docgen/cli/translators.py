"""The translators' commands: docgen i18n extract, init, update, check."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import DocgenError, UsageError
from .. import resources
from ..resources import Resources
from .options import (emit_error)


@click.group()
def i18n() -> None:
    """Translator tools: extract the messages, start and update catalogs, check them.

    Catalogs are locales/<locale>/LC_MESSAGES/docgen.po, for Poedit, Weblate or Crowdin.

    \b
    Example:
      docgen i18n extract
      docgen i18n init fr
      docgen i18n update
      docgen i18n check
    """


_DIR_OPTION = click.option("--dir", "directory", type=click.Path(file_okay=False),
                           default=None, help="Catalog folder [default: docgen's locales/].")


def _catalog_folder(directory: str | None, *, writes: bool) -> Path:
    """Return the catalog folder a translator command works in: ``--dir``, else the project's
    locales/ folder. An installed docgen's catalogs live in site-packages, which a command that
    writes must not change: there ``--dir`` is required."""
    if directory:
        return Path(directory)
    if writes and resources.installed():
        raise UsageError("--dir: this docgen is installed, so its own catalogs are not the "
                         "project's; pass --dir with your project's catalog folder, e.g. "
                         "--dir locales")
    return Resources.shipped().locales


@i18n.command(name="extract")
@_DIR_OPTION
def i18n_extract(directory: str | None) -> None:
    """Write the message template (docgen.pot) from the DOCX templates.

    \b
    Example:
      docgen i18n extract
    """
    from ..i18n.catalogs import read_catalog
    from ..i18n.extract import write_template

    pot = write_template(_catalog_folder(directory, writes=True))
    click.echo(f"wrote {pot} ({sum(1 for m in read_catalog(pot) if m.id)} messages)")


@i18n.command(name="init")
@click.argument("locale", metavar="LOCALE")
@_DIR_OPTION
def i18n_init(locale: str, directory: str | None) -> None:
    """Start the catalog of a new language (a BCP 47 tag such as fr or pt-BR).

    \b
    Example:
      docgen i18n init fr
    """
    from ..i18n.update import init_catalog, init_warnings

    path = init_catalog(locale, _catalog_folder(directory, writes=True))
    for warning in init_warnings(locale):
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"wrote {path}; translate it, then run docgen i18n check")


@i18n.command(name="update")
@_DIR_OPTION
def i18n_update(directory: str | None) -> None:
    """Bring every catalog up to date with the templates, keeping previous wording for review.

    Changed messages are marked fuzzy with the old source text (#|), so translators see what
    changed; a notice will not build from a fuzzy translation until it is reviewed.

    \b
    Example:
      docgen i18n update
    """
    from ..i18n.update import update_catalogs

    for path in update_catalogs(_catalog_folder(directory, writes=True)):
        click.echo(f"updated {path}")


@i18n.command(name="check")
@click.argument("locales", nargs=-1, metavar="[LOCALE...]")
@_DIR_OPTION
def i18n_check(locales: tuple[str, ...], directory: str | None) -> int:
    """Count and check catalogs; exit 1 on any problem, each on a line with file:line.

    Checks that placeholders match the English source, that plural forms are complete, that
    no translation is the English text unchanged, and that nothing is fuzzy or untranslated.

    \b
    Example:
      docgen i18n check
      docgen i18n check es ar
    """
    from ..i18n.catalogs import available_locales, catalog_path
    from ..i18n.check import check_catalog

    base = _catalog_folder(directory, writes=False)
    tags = list(locales) or available_locales(base)
    if not tags:
        raise UsageError(f"{base}: no catalogs; start one with docgen i18n init LOCALE")
    bad = False
    for tag in tags:
        try:
            report = check_catalog(tag, catalog_path(tag, base))
        except DocgenError as e:  # a catalog that cannot be read: say so, check the others
            emit_error(e)
            bad = True
            continue
        click.echo(f"{tag}: {report.translated} translated, {report.fuzzy} fuzzy, "
                   f"{report.untranslated} untranslated, {report.obsolete} obsolete")
        for problem in report.problems + report.gaps():
            click.echo(str(problem), err=True)
        bad = bad or bool(report.problems or report.gaps())
    return 1 if bad else 0
