"""The translators' commands: docgen i18n extract, init, update, check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from ..errors import DocgenError, UsageError
from .. import resources
from ..resources import Resources
from .options import (emit_error)


@click.group()
def i18n() -> None:
    """Translator tools: extract the messages, start and update catalogs, check them.

    Catalogs are locales/<locale>/LC_MESSAGES/docgen.po, for Poedit, Weblate or Crowdin.
    With --spec SPEC, each command works on the catalogs of that partnership's own text
    (program names, places, descriptions…): <spec-stem>.locales/<language>.po beside it.

    \b
    Example:
      docgen i18n extract
      docgen i18n init fr
      docgen i18n update
      docgen i18n check
      docgen i18n extract --spec samples/lincoln-elementary-bright-futures.json
      docgen i18n init es --spec samples/lincoln-elementary-bright-futures.json
    """


_SPEC_OPTION = click.option(
    "--spec", "spec_file", type=click.Path(dir_okay=False, exists=True), default=None,
    help="Work on the catalogs of this spec's own text instead of docgen's.")
_SPEC_LOCALES_OPTION = click.option(
    "--spec-locales", type=click.Path(file_okay=False), default=None,
    help="With --spec: the folder holding <spec-stem>.locales/ [default: beside the spec].")


def _spec(spec_file: str, directory: str | None = None) -> Any:
    """Read and check ``spec_file``; its notice languages are those with a catalog in
    ``--dir`` when given (a language a translator has just added there), as for
    ``docgen build --locales``."""
    from ..resources import Resources
    from ..spec.schema import load_spec

    if directory is None:
        return load_spec(spec_file)
    return load_spec(spec_file, Resources.shipped().using(locales=Path(directory)))


_TEMPLATES_OPTION = click.option(
    "--templates", type=click.Path(file_okay=False, exists=True), default=None,
    help="Folder of your own templates (notice.docx), as given to docgen build: their "
         "messages instead of the shipped template's.")
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
@_TEMPLATES_OPTION
@_SPEC_OPTION
@_SPEC_LOCALES_OPTION
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="With --spec: the .pot to write [default: <spec-stem>.locales/"
                   "<spec-stem>.pot].")
def i18n_extract(directory: str | None, templates: str | None, spec_file: str | None,
                 spec_locales: str | None, output: str | None) -> None:
    """Write the message template (docgen.pot) from the DOCX templates (with --templates, a
    district's own notice.docx); with --spec, the template of the spec's own text that its
    family notices show.

    \b
    Example:
      docgen i18n extract
      docgen i18n extract --templates district-templates --dir district-locales
      docgen i18n extract --spec samples/lincoln-elementary-bright-futures.json
    """
    from ..i18n.catalogs import read_catalog
    from ..i18n.extract import write_template

    if spec_file:
        from ..i18n.spectext import template_file, write_spec_template

        target = Path(output) if output else template_file(
            spec_file, Path(spec_locales) if spec_locales else None)
        pot = write_spec_template(_spec(spec_file, directory).data, target)
        click.echo(f"wrote {pot} ({sum(1 for m in read_catalog(pot) if m.id)} strings of the "
                   "spec's own text)")
        return
    if output:
        raise UsageError("-o/--output: only with --spec; docgen's template is "
                         "<catalog folder>/docgen.pot")
    pot = write_template(_catalog_folder(directory, writes=True),
                         Path(templates) if templates else None)
    click.echo(f"wrote {pot} ({sum(1 for m in read_catalog(pot) if m.id)} messages)")


@i18n.command(name="init")
@click.argument("locale", metavar="LOCALE")
@_DIR_OPTION
@_TEMPLATES_OPTION
@_SPEC_OPTION
@_SPEC_LOCALES_OPTION
def i18n_init(locale: str, directory: str | None, templates: str | None,
              spec_file: str | None, spec_locales: str | None) -> None:
    """Start the catalog of a new language (a BCP 47 tag such as fr or pt-BR); with --spec,
    the catalog of the spec's own text in that language.

    \b
    Example:
      docgen i18n init fr
      docgen i18n init es --spec samples/lincoln-elementary-bright-futures.json
    """
    from ..i18n.update import init_catalog, init_warnings

    if spec_file:
        from ..i18n.spectext import init_spec_catalog

        path = init_spec_catalog(_spec(spec_file, directory).data, spec_file, locale,
                                 Path(spec_locales) if spec_locales else None)
        click.echo(f"wrote {path}; translate it, then run docgen i18n check --spec {spec_file}")
        return
    path = init_catalog(locale, _catalog_folder(directory, writes=True),
                        Path(templates) if templates else None)
    for warning in init_warnings(locale):
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"wrote {path}; translate it, then run docgen i18n check")


@i18n.command(name="update")
@_DIR_OPTION
@_TEMPLATES_OPTION
@_SPEC_OPTION
@_SPEC_LOCALES_OPTION
def i18n_update(directory: str | None, templates: str | None, spec_file: str | None,
                spec_locales: str | None) -> None:
    """Bring every catalog up to date with the templates, keeping previous wording for review.

    Changed messages are marked fuzzy with the old source text (#|), so translators see what
    changed; a notice will not build from a fuzzy translation until it is reviewed.

    With --spec, the catalogs of the spec's own text: a string whose English changed in the
    spec keeps its old translation, marked fuzzy, until a translator reviews it.

    \b
    Example:
      docgen i18n update
      docgen i18n update --spec samples/lincoln-elementary-bright-futures.json
    """
    from ..i18n.update import update_catalogs

    if spec_file:
        from ..i18n.spectext import update_spec_catalogs

        for path in update_spec_catalogs(_spec(spec_file, directory).data, spec_file,
                                         Path(spec_locales) if spec_locales else None):
            click.echo(f"updated {path}")
        return
    for path in update_catalogs(_catalog_folder(directory, writes=True),
                                Path(templates) if templates else None):
        click.echo(f"updated {path}")


@i18n.command(name="check")
@click.argument("locales", nargs=-1, metavar="[LOCALE...]")
@_DIR_OPTION
@_TEMPLATES_OPTION
@_SPEC_OPTION
@_SPEC_LOCALES_OPTION
def i18n_check(locales: tuple[str, ...], directory: str | None, templates: str | None,
               spec_file: str | None, spec_locales: str | None) -> int:
    """Count and check catalogs; exit 1 on any problem, each on a line with file:line.

    Checks that placeholders match the English source, that plural forms are complete, that
    no translation is the English text unchanged, and that nothing is fuzzy or untranslated;
    refuses direction controls a translation adds (U+202A-U+202E, U+2066-U+2069), braces the
    letter would print ({{program}}), and a message the file has twice (obsolete or not). A
    translation far longer than its source is a warning, which does not fail the check.

    \b
    Example:
      docgen i18n check
      docgen i18n check es ar
    """
    from ..i18n.catalogs import available_locales, catalog_path
    from ..i18n.check import check_catalog
    from ..i18n.spectext import needs_catalog

    if spec_file:
        return _check_spec(spec_file, locales, Path(spec_locales) if spec_locales else None,
                           directory)
    base = _catalog_folder(directory, writes=False)
    tags = list(locales) or available_locales(base)
    if not tags:
        raise UsageError(f"{base}: no catalogs; start one with docgen i18n init LOCALE")
    bad = False
    for tag in tags:
        try:
            report = check_catalog(tag, catalog_path(tag, base), today=dt.date.today(),
                                   templates=Path(templates) if templates else None)
        except DocgenError as e:  # a catalog that cannot be read: say so, check the others
            emit_error(e)
            bad = True
            continue
        # English is the source language: its catalog is not a translation to review
        review = "" if not needs_catalog(tag) else f"; {report.review.summary()}"
        click.echo(f"{tag}: {report.translated} translated, {report.fuzzy} fuzzy, "
                   f"{report.untranslated} untranslated, {report.obsolete} obsolete{review}")
        for problem in report.problems + report.gaps() + report.warnings:
            click.echo(str(problem), err=True)
        bad = bad or bool(report.problems or report.gaps())
    return 1 if bad else 0


def _check_spec(spec_file: str, locales: tuple[str, ...], root: Path | None,
                directory: str | None = None) -> int:
    """``i18n check --spec``: each notice language's catalog of the spec's own text."""
    from ..i18n.locales import normalise
    from ..i18n.review import NOT_RECORDED, read_review
    from ..i18n.spectext import needs_catalog, spec_strings, spec_translation

    spec = _spec(spec_file, directory)
    tags = [normalise(t) for t in locales] or [
        t for t in dict.fromkeys(normalise(t) for t in (spec.data.get("family_notices") or {})
                                 .get("languages", [])) if needs_catalog(t)]
    total = len(spec_strings(spec.data))
    bad = False
    for tag in tags:
        own = spec_translation(spec.data, spec_file, tag, root)
        review, review_problem = (read_review(own.path, today=dt.date.today())
                                  if own.path.is_file() else (NOT_RECORDED, None))
        click.echo(f"{tag}: {len(own.strings)} of {total} strings translated ({own.path}); "
                   f"{review.summary()}")
        problems = own.problems + ([review_problem] if review_problem else [])
        for problem in problems:
            click.echo(str(problem), err=True)
        bad = bad or bool(problems)
    return 1 if bad else 0
