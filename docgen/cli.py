"""The ``docgen`` command: a thin click layer, and the only module that prints.

``run(argv, stdout, stderr)`` runs one command and returns its exit code, as jsonschema's CLI
does; ``main()`` is the console script, ``sys.exit(run())``. A command returns its exit code
(None for 0) or raises a :class:`~docgen.errors.DocgenError`, whose lines are shown on stderr
and whose ``exit_code`` is returned; click's own usage errors return 2.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Sequence

import click

# Only click and light modules here: each command imports what it runs, so that --help,
# --version and redline start without docxtpl, jsonschema, Babel or pypdf.
from . import __version__, arguments, resources
from .errors import DocgenError, OutputError, Problem, UsageError
from .i18n.locales import DEFAULT_LOCALE, locale_problem
from .resources import Resources

if TYPE_CHECKING:
    from .build.result import BuildResult


def _emit_error(error: DocgenError) -> None:
    for line in error.lines():
        click.echo(line if error.problems else f"Error: {line}", err=True)


class _Group(click.Group):
    """The top command: turns what a command returns, or the DocgenError it raises, into the
    exit code (shown, for an error, as its lines on stderr)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            code = super().invoke(ctx)
        except DocgenError as e:
            _emit_error(e)
            code = e.exit_code
        if isinstance(code, int) and code:
            ctx.exit(code)
        return None


def _source_date() -> dt.datetime | None:
    """Read SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/)."""
    return arguments.source_date(os.environ)


class _When(click.ParamType):  # type: ignore[type-arg]  # generic only since click 8.2
    """An ISO date or date-time for tracked changes; a date means midnight UTC."""

    name = "ISO-DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        return arguments.tracked_change_date(str(value), param.opts[-1] if param is not None
                                             else "--date")


def _author(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """The name on tracked changes: not empty, and no control characters (Word refuses them)."""
    return arguments.author(value, param.opts[-1])


def _named(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An output name must name something: an empty -o is a mistake, not the current folder."""
    if value is not None and not value.strip():
        raise UsageError(f"{param.opts[0]} must name a file or folder, not be empty")
    return value


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docgen")
def cli() -> None:
    """Build community-school partnership documents from a JSON spec.

    \b
    Example:
      docgen validate samples/*.json
      docgen build samples/*.json -o out
    """


@cli.command()
@click.argument("specs", nargs=-1, required=True, metavar="SPEC...")
def validate(specs: tuple[str, ...]) -> int:
    """Check specs against the schema and the partnership rules.

    SPEC can be files, folders (every .json below them) or glob patterns, as for build.
    Every problem is reported at once, as FILE:LINE:COL: $.json.path: message. Exit 0 when every
    spec is valid, 1 when any is not.

    \b
    Example:
      docgen validate samples/lincoln-elementary-bright-futures.json
      docgen validate district/2026-27/
    """
    from .build.run import spec_files_from
    from .spec.schema import check_spec, read_spec

    files = spec_files_from(list(specs))
    bad = 0
    for file in files:
        try:
            problems = check_spec(read_spec(file))
        except DocgenError as e:
            problems = e.problems
        if problems:
            bad += 1
            for problem in problems:
                click.echo(str(problem), err=True)
        else:
            click.echo(f"{file}: valid")
    if bad:
        if len(files) > 1:
            noun = "specs has" if bad == 1 else "specs have"  # "1 of 2 specs has"
            click.echo(f"{bad} of {len(files)} {noun} problems", err=True)
        return 1
    return 0


@cli.command(name="build")
@click.argument("specs", nargs=-1, required=True, metavar="SPEC...")
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False),
              callback=_named, help="Folder to write into; each spec gets OUT/<spec id>/.")
@click.option("--no-pdf", is_flag=True, help="Write DOCX only; no LibreOffice needed.")
@click.option("--force", is_flag=True,
              help="Replace docgen's own files in an existing output folder; other files stay.")
@click.option("--templates", type=click.Path(file_okay=False, exists=True),
              help="Folder of your own templates (mou.docx, …) used instead of the shipped ones.")
@click.option("--locales", "locales", type=click.Path(file_okay=False, exists=True),
              help="Folder of translation catalogs (LANGUAGE/LC_MESSAGES/docgen.po) to build the "
                   "family notices from [default: docgen's own locales/].")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Specs rendered in parallel, and LibreOffice workers [default: one per core].")
@click.option("--allow-incomplete", is_flag=True,
              help="Build family notices even when their catalog lacks, or has unreviewed, "
                   "translations; they are marked DRAFT, and so is the manifest.")
def build_command(specs: tuple[str, ...], out_dir: str, no_pdf: bool, force: bool,
                  templates: str | None, locales: str | None, jobs: int | None,
                  allow_incomplete: bool) -> int:
    """Build the MOU, data-sharing agreement, role chart, family notices, their PDFs and packet.

    SPEC can be files, folders (every .json below them) or glob patterns. For each spec,
    writes OUT/<spec id>/: mou.docx, data-sharing-agreement.docx (only when the spec shares
    student data), role-chart.docx, notices/notice-<language>.docx (a letter to families for
    each language in family_notices.languages), a PDF of each, packet.pdf and manifest.json.

    A spec with problems is reported and the others are built. A folder already built from
    the same spec, templates and docgen is skipped, so a run that was interrupted carries on
    where it stopped. SOURCE_DATE_EPOCH, when set, fixes the documents' dates.

    \b
    Example:
      docgen build samples/*.json -o out
      docgen build district/2026-27/ -o out --jobs 4
      docgen build partner.json -o out --force --no-pdf
    """
    from .build.run import BuildOptions, build, spec_files_from

    files = spec_files_from(list(specs))
    workers = jobs or os.cpu_count() or 1
    resources = _resources(templates, locales)
    options = BuildOptions(Path(out_dir), force=force, resources=resources,
                           source_date=_source_date(), pdf=not no_pdf, jobs=workers,
                           pdf_workers=workers, allow_incomplete=allow_incomplete)
    interactive = sys.stderr.isatty() and len(files) > 1
    later: list[BuildResult] = []

    def drafts(result: BuildResult) -> None:
        for path, count in result.drafts:
            click.echo(f"{result.folder}/{path}: DRAFT: {count} catalog problem"
                       f"{'s' if count != 1 else ''} (listed in manifest.json); the letter "
                       "says so at the top", err=True)

    def report(result: BuildResult) -> None:
        if interactive:
            later.append(result)
        elif result.error:
            _emit_error(result.error)
        elif result.skipped:
            click.echo(f"{result.spec_file}: up to date in {result.folder}/, skipped")
        else:
            click.echo(f"{result.spec_file}: wrote {result.folder}/ "
                       f"({', '.join(result.written)})")
            drafts(result)

    bars: dict[str, Any] = {}

    def on_spec(result: BuildResult) -> None:
        report(result)
        if "docx" in bars:
            bars["docx"].update(1)

    def on_pdf(done: int, total: int, item: Any) -> None:
        if interactive:
            if "pdf" not in bars:
                bars["pdf"] = click.progressbar(length=total, label="PDFs     ", show_pos=True,
                                                show_eta=True, file=sys.stderr)
                bars["pdf"].__enter__()
            bars["pdf"].update(1)

    if interactive:
        bars["docx"] = click.progressbar(length=len(files), label="Documents", show_pos=True,
                                         show_eta=True, file=sys.stderr)
        bars["docx"].__enter__()
    try:
        results = build(files, options, on_spec=on_spec, on_pdf=on_pdf)
    finally:
        for bar in bars.values():
            bar.__exit__(None, None, None)
    for result in later:
        if result.error:
            _emit_error(result.error)
        drafts(result)
    return _report_build(results)


def _report_build(results: list[BuildResult]) -> int:
    """Print the PDFs written, each PDF problem once, and the count of a batch."""
    pdf_lines: set[Problem] = set()
    for result in results:
        pdfs = [n for n in result.written if n.endswith(".pdf")]
        if pdfs and not result.error:
            click.echo(f"{result.folder}/: wrote {', '.join(pdfs)}")
        for problem in result.pdf_errors:
            if problem not in pdf_lines:  # a missing LibreOffice is said once, not per spec
                pdf_lines.add(problem)
                click.echo(_pdf_line(problem), err=True)
    failed = [r for r in results if r.error]
    built = sum(1 for r in results if r.error is None and not r.skipped)
    skipped = sum(1 for r in results if r.error is None and r.skipped)
    if len(results) > 1:
        line = f"{built} built, {skipped} skipped, {len(failed)} failed"
        if pdf_lines:
            line += f"; {len(pdf_lines)} PDF problem{'s' if len(pdf_lines) > 1 else ''} above"
        click.echo(line, err=bool(failed or pdf_lines))
        for result in failed:
            assert result.error is not None
            click.echo(f"  failed: {result.error.lines()[0]}", err=True)
    if failed or pdf_lines:
        return max([r.error.exit_code for r in failed if r.error] + [1])
    return 0


def _resources(templates: str | None, locales: str | None) -> Resources:
    """Return docgen's resources with the user's templates and catalog folder, if given."""
    return Resources.shipped().using(own_templates=Path(templates) if templates else None,
                                     locales=Path(locales) if locales else None)


def _pdf_line(problem: Problem) -> str:
    """A PDF problem as shown: located in its file, or the converter's own as an error."""
    return str(problem) if problem.file else f"Error: {problem.message}"


_iso_date = arguments.iso_date


@cli.command()
@click.argument("spec", metavar="SPEC")
@click.option("--school-year", required=True, metavar="YYYY-YYYY",
              help="The school year of the renewed agreement, e.g. 2027-2028.")
@click.option("-o", "--out", "new_spec", required=True, metavar="NEW_SPEC", callback=_named,
              type=click.Path(dir_okay=False), help="The file to write the renewed spec to.")
@click.option("--review-date", metavar="YYYY-MM-DD",
              help="The day of the annual review, recorded in the new spec's annual_review.")
@click.option("--force", is_flag=True, help="Replace NEW_SPEC if it exists.")
def renew(spec: str, school_year: str, new_spec: str, review_date: str | None,
          force: bool) -> None:
    """Write next year's spec from SPEC, and list what to re-confirm before signing.

    The new spec has the new school year, the term's dates moved forward (29 February becomes
    the 28th), its version up by one, and an annual_review that records the spec it renews and
    the items to re-confirm: contacts, insurance, background checks, data elements, authorized
    users, certificates of destruction, funding. They are printed too, one per line.

    \b
    Example:
      docgen renew samples/lincoln-elementary-bright-futures.json --school-year 2027-2028 \\
        -o lincoln-2027-28.json --review-date 2027-05-14
    """
    from .renew import renew as renew_spec, school_year_problem, write_renewal
    from .spec.schema import load_spec

    problem = school_year_problem(school_year)
    if problem:
        raise UsageError(f"--school-year: {problem}")
    day = _iso_date("--review-date", review_date) if review_date is not None else None
    old = load_spec(spec)
    problem = school_year_problem(school_year, after=old.data["school_year"])
    if problem:
        raise UsageError(f"--school-year: {problem}")
    renewal = renew_spec(old, school_year, new_file=new_spec, review_date=day)
    write_renewal(renewal, new_spec, old_file=spec, force=force)
    click.echo(f"{spec}: wrote {new_spec} for {school_year} (version "
               f"{renewal.data['version']}); re-confirm before signing:")
    for item in renewal.reconfirm:
        click.echo(f"- {item['item']}: {item['reason']}")


@cli.command()
@click.argument("old_spec", metavar="OLD_SPEC")
@click.argument("new_spec", metavar="NEW_SPEC")
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False),
              callback=_named, help="Folder to write the summary and the redlines into.")
@click.option("--no-pdf", is_flag=True, help="Write the redlines as DOCX only.")
@click.option("--author", default="docgen", show_default=True, callback=_author,
              help="The author of the tracked changes.")
@click.option("--date", "date", type=_When(),
              help="The date of the tracked changes [default: SOURCE_DATE_EPOCH, else the new "
                   "spec's annual_review.review_date, else now].")
@click.option("--force", is_flag=True,
              help="Replace files in the folder that docgen review did not write.")
@click.option("--templates", type=click.Path(file_okay=False, exists=True),
              help="Folder of your own templates (mou.docx, …) used instead of the shipped ones, "
                   "as given to docgen build.")
@click.option("--allow-incomplete", is_flag=True,
              help="Redline family notices even when their catalog lacks, or has unreviewed, "
                   "translations, as docgen build --allow-incomplete builds them (marked DRAFT).")
@click.option("--locales", "locales", type=click.Path(file_okay=False, exists=True),
              help="Folder of translation catalogs (LANGUAGE/LC_MESSAGES/docgen.po) to build the "
                   "family notices from [default: docgen's own locales/].")
def review(old_spec: str, new_spec: str, out_dir: str, no_pdf: bool, author: str,
           date: dt.datetime | None, force: bool, templates: str | None,
           allow_incomplete: bool, locales: str | None) -> int:
    """Compare last year's spec with this year's: a change summary and redlined documents.

    Writes OUT/summary.md, summary.html and summary.json (every change in plain words, those
    that need legal review first: the FERPA basis and data elements, insurance,
    indemnification, termination, funding) and, for each document both years produce,
    OUT/redline-<document>.docx with tracked changes, and its PDF. Both years are rendered as
    docgen build renders them: give the same --templates (and --allow-incomplete) you built
    with, and the summary records which templates each year used.

    \b
    Example:
      docgen review lincoln-2026-27.json lincoln-2027-28.json -o review/
      docgen review old.json new.json -o review/ --no-pdf --author "Minh Nguyen"
    """
    from .review.report import summary_text_lines
    from .review.write import load_pair, review_date_of, write_review

    when = date if date is not None else _source_date()
    resources = _resources(templates, locales)
    old, new = load_pair(old_spec, new_spec, resources)
    if when is None:
        when = review_date_of(new) or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    result = write_review(old, new, Path(out_dir), author=author, date=when, pdf=not no_pdf,
                          force=force, source_date=_source_date(), resources=resources,
                          allow_incomplete=allow_incomplete)
    old_v, new_v = old.data.get("version", 1), new.data.get("version", 1)
    count = len(result.changes)
    legal = len(result.legal)
    click.echo(f"{old_spec} ({old.data['school_year']}, version {old_v}) → {new_spec} "
               f"({new.data['school_year']}, version {new_v}): "
               + (f"{count} change{'s' if count != 1 else ''}, {legal} for legal review"
                  if count else "no changes"))
    if count:
        for line in summary_text_lines(result):
            click.echo(f"  {line}")
    for d in result.documents:
        if d.only_in:
            year = "last year's" if d.only_in == "old" else "this year's"
            click.echo(f"  {d.path}: only in {year} documents, so there is no redline")
    documents = [f"{d.redline} ({d.revisions} revision{'s' if d.revisions != 1 else ''})"
                 for d in result.documents if d.redline]
    pdfs = [d.pdf for d in result.documents if d.pdf]
    click.echo(f"{out_dir.rstrip('/')}/: wrote " + ", ".join(
        ["summary.md", "summary.html", "summary.json"] + documents + pdfs))
    for problem in result.pdf_errors:
        click.echo(_pdf_line(problem), err=True)
    if result.pdf_errors:
        return 1
    return 0


@cli.command()
@click.argument("spec", metavar="SPEC")
@click.option("--locale", default=DEFAULT_LOCALE, show_default=True,
              help="BCP 47 tag of the language to format dates and amounts in.")
def context(spec: str, locale: str) -> None:
    """Print, as JSON, exactly the values templates see for SPEC.

    The reference for template authors: every name here can be used in a template as
    {{ name }}, {{ parent.child }} or in {% for … %} loops.

    \b
    Example:
      docgen context samples/lincoln-elementary-bright-futures.json
      docgen context partner.json --locale es
    """
    import json

    from .context import build_context
    from .spec.schema import load_spec

    if locale != DEFAULT_LOCALE and locale_problem(locale):
        raise UsageError(f"--locale: {locale_problem(locale)}")
    loaded = load_spec(spec)
    ctx: dict[str, Any] = build_context(loaded.data, locale=locale)
    click.echo(json.dumps(ctx, indent=2, ensure_ascii=False, sort_keys=True))


@cli.command(name="schema")
def schema_command() -> None:
    """Print the partnership JSON Schema, to save beside your specs for your editor.

    Point a spec's "$schema" at the saved file and editors such as VS Code show each field's
    title and description, and complete field names, while you type.

    \b
    Example:
      docgen schema > partnership.schema.json
    """
    click.echo(Resources.shipped().schema.read_text(encoding="utf-8"), nl=False)


@cli.command(name="spec-from-pdf")
@click.argument("packet", metavar="PACKET.pdf")
def spec_from_pdf(packet: str) -> None:
    """Print the spec a signing packet was built from (its spec.json attachment).

    \b
    Example:
      docgen spec-from-pdf out/lincoln-es-bright-futures-2026-27/packet.pdf > spec.json
    """
    from .pdf.packet import spec_from_packet

    data = spec_from_packet(Path(packet))
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except OSError as e:
        raise OutputError(f"cannot write the spec to standard output: {e.strerror or e}") from None


@cli.command()
@click.argument("specs", nargs=-1, metavar="[SPEC...]")
def doctor(specs: tuple[str, ...]) -> int:
    """Report the PDF converter, its version, and which scripts have an installed font.

    With specs, check only the scripts their family-notice languages need. Exit 1 when
    something is missing.

    \b
    Example:
      docgen doctor
      docgen doctor samples/*.json
    """
    from .doctor import checks as doctor_checks

    locales: list[str] | None = None
    if specs:
        from .build.run import spec_files_from
        from .spec.schema import load_spec

        locales = []
        for file in spec_files_from(list(specs)):
            data = load_spec(file).data
            locales.extend((data.get("family_notices") or {}).get("languages", []))
    results = doctor_checks(locales)
    for check in results:
        click.echo(f"{'ok     ' if check.ok else 'MISSING'}  {check.name}: {check.detail}")
    if not all(c.ok for c in results):
        return 1
    return 0


@cli.group()
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
    from .i18n.catalogs import read_catalog
    from .i18n.extract import write_template

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
    from .i18n.update import init_catalog

    path = init_catalog(locale, _catalog_folder(directory, writes=True))
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
    from .i18n.update import update_catalogs

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
    from .i18n.catalogs import available_locales, catalog_path
    from .i18n.check import check_catalog

    base = _catalog_folder(directory, writes=False)
    tags = list(locales) or available_locales(base)
    if not tags:
        raise UsageError(f"{base}: no catalogs; start one with docgen i18n init LOCALE")
    bad = False
    for tag in tags:
        try:
            report = check_catalog(tag, catalog_path(tag, base))
        except DocgenError as e:  # a catalog that cannot be read: say so, check the others
            _emit_error(e)
            bad = True
            continue
        click.echo(f"{tag}: {report.translated} translated, {report.fuzzy} fuzzy, "
                   f"{report.untranslated} untranslated, {report.obsolete} obsolete")
        for problem in report.problems + report.gaps():
            click.echo(str(problem), err=True)
        bad = bad or bool(report.problems or report.gaps())
    return 1 if bad else 0


@cli.command(name="redline")
@click.argument("old", metavar="OLD.docx", type=click.Path(dir_okay=True))
@click.argument("new", metavar="NEW.docx", type=click.Path(dir_okay=True))
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False), callback=_named,
              help="The redline to write (.docx): NEW with tracked changes.")
@click.option("--author", default="docgen", show_default=True, callback=_author,
              help="Name shown on each tracked change.")
@click.option("--date", "when", type=_When(),
              help="Date of the tracked changes [default: SOURCE_DATE_EPOCH, else now].")
@click.option("--summary", type=click.Path(dir_okay=False),
              help="Also write the list of changes: FILE.json for programs, FILE.md for people.")
@click.option("--force", is_flag=True, help="Replace OUT (and the summary) if they exist.")
def redline_command(old: str, new: str, out: str, author: str, when: dt.datetime | None,
                    summary: str | None, force: bool) -> None:
    """Compare two Word documents; write NEW with tracked changes from OLD.

    Every difference becomes a revision that Word or LibreOffice can accept or reject:
    words within changed paragraphs, added and removed paragraphs and table rows, headers,
    footers, footnotes and endnotes. Tracked changes already in OLD or NEW count as accepted.
    Works for any .docx, including agreements edited by hand.

    \b
    Example:
      docgen redline 2026-27/mou.docx 2027-28/mou.docx -o mou-redline.docx \\
          --author "Legal review" --summary mou-changes.md
    """
    from .redline.compare import redline_files, summary_json, summary_markdown
    from .redline.files import save_files

    if Path(out).suffix.lower() != ".docx":
        raise UsageError(f"-o {out}: a redline is a Word document; give it a .docx name")
    if summary is not None and Path(summary).suffix.lower() not in (".json", ".md"):
        raise UsageError(f"--summary {summary}: name a .json or .md file")
    date = when or _source_date() or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    result = redline_files(old, new, author=author, date=date)
    files = [(Path(out), result.docx)]
    if summary is not None:
        if summary.lower().endswith(".json"):
            import json

            text = json.dumps(summary_json(result, old_name=old, new_name=new, author=author,
                                           date=date), indent=2, ensure_ascii=False) + "\n"
        else:
            text = summary_markdown(result, old_name=old, new_name=new, author=author, date=date)
        files.append((Path(summary), text.encode("utf-8")))
    save_files(files, force=force, inputs=(Path(old), Path(new)))
    places = len(result.changes)
    click.echo(f"Wrote {out}: {places} changed place{'s' if places != 1 else ''}, "
               f"{result.revisions} tracked revision{'s' if result.revisions != 1 else ''}"
               + (f"; summary in {summary}" if summary else ""))


def run(argv: Sequence[str] | None = None, stdout: IO[str] | None = None,
        stderr: IO[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: the process's arguments), writing to ``stdout`` and
    ``stderr`` (default: the process's), and return its exit code."""
    with contextlib.redirect_stdout(stdout or sys.stdout), \
            contextlib.redirect_stderr(stderr or sys.stderr):
        return _run(argv)


def _run(argv: Sequence[str] | None) -> int:
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="docgen",
                        standalone_mode=False)
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    return code if isinstance(code, int) else 0


def main() -> None:
    """Entry point of the ``docgen`` console script: ``sys.exit(run())``."""
    sys.exit(run())


if __name__ == "__main__":
    main()
