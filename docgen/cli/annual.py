"""The annual review's commands: renew and review (``redline``, for any two documents, is in
:mod:`docgen.cli.redline`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..errors import UsageError
from .options import (When, author, iso_date, named, pdf_line, resources_from,
                      source_date)


@click.command()
@click.argument("spec", metavar="SPEC")
@click.option("--school-year", required=True, metavar="YYYY-YYYY",
              help="The school year of the renewed agreement, e.g. 2027-2028.")
@click.option("-o", "--out", "new_spec", required=True, metavar="NEW_SPEC", callback=named,
              type=click.Path(dir_okay=False), help="The file to write the renewed spec to.")
@click.option("--review-date", metavar="YYYY-MM-DD",
              help="The day of the annual review, recorded in the new spec's annual_review.")
@click.option("--force", is_flag=True, help="Replace NEW_SPEC if it exists.")
@click.option("--locales", "locales", type=click.Path(file_okay=False, exists=True),
              help="Folder of translation catalogs the notice languages are checked against "
                   "[default: docgen's own locales/].")
def renew(spec: str, school_year: str, new_spec: str, review_date: str | None,
          force: bool, locales: str | None) -> None:
    """Write next year's spec from SPEC, and list what to re-confirm before signing.

    The new spec has the new school year, the term's dates moved to the same weekday nearest a
    year on (the first and last day of a month keep their date; 29 February becomes the 28th),
    its version up by one, and an annual_review that records the spec it renews and
    the items to re-confirm: contacts, insurance, background checks, data elements, authorized
    users, certificates of destruction, funding. They are printed too, one per line.

    \b
    Example:
      docgen renew samples/lincoln-elementary-bright-futures.json --school-year 2027-2028 \\
        -o lincoln-2027-28.json --review-date 2027-05-14
    """
    from ..renew import renew as renew_spec, school_year_problem, write_renewal
    from ..spec.schema import load_spec

    problem = school_year_problem(school_year)
    if problem:
        raise UsageError(f"--school-year: {problem}")
    day = iso_date("--review-date", review_date) if review_date is not None else None
    resources = resources_from(None, locales)
    old = load_spec(spec, resources)
    problem = school_year_problem(school_year, after=old.data["school_year"])
    if problem:
        raise UsageError(f"--school-year: {problem}")
    renewal = renew_spec(old, school_year, new_file=new_spec, review_date=day,
                         resources=resources)
    write_renewal(renewal, new_spec, old_file=spec, force=force)
    click.echo(f"{spec}: wrote {new_spec} for {school_year} (version "
               f"{renewal.data['version']}); re-confirm before signing:")
    for item in renewal.reconfirm:
        click.echo(f"- {item['item']}: {item['reason']}")


@click.command()
@click.argument("old_spec", metavar="OLD_SPEC")
@click.argument("new_spec", metavar="NEW_SPEC")
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False),
              callback=named, help="Folder to write the summary and the redlines into.")
@click.option("--no-pdf", is_flag=True, help="Write the redlines as DOCX only.")
@click.option("--author", default="docgen", show_default=True, callback=author,
              help="The author of the tracked changes.")
@click.option("--date", "date", type=When(),
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
@click.option("--old-documents", type=click.Path(file_okay=False, exists=True),
              help="Last year's build folder (docgen build's OUT/<id>/): redline last year's "
                   "documents as they stand there (signed, edited by hand) instead of "
                   "rendering them again, and label each change by its cause.")
@click.option("--old-mou", type=click.Path(dir_okay=False, exists=True),
              help="Last year's MOU as signed or edited, when it is not in --old-documents.")
def review(old_spec: str, new_spec: str, out_dir: str, no_pdf: bool, author: str,
           date: dt.datetime | None, force: bool, templates: str | None,
           allow_incomplete: bool, locales: str | None, old_documents: str | None,
           old_mou: str | None) -> int:
    """Compare last year's spec with this year's: a change summary and redlined documents.

    Writes OUT/summary.md, summary.html and summary.json (every change in plain words, those
    that need legal review first: the FERPA basis and data elements, insurance,
    indemnification, termination, funding) and, for each document both years produce,
    OUT/redline-<document>.docx with tracked changes, and its PDF. Both years are rendered as
    docgen build renders them: give the same --templates (and --allow-incomplete) you built
    with, and the summary records which templates each year used.

    With --old-documents, last year's documents are taken as they stand in last year's build
    folder (a signed or hand-edited copy too), and each tracked change is labelled by its
    cause in its author's name, which Word can filter by: "docgen (spec change)", "docgen
    (template change)", "docgen (catalog change)" or "docgen (hand edit)".

    \b
    Example:
      docgen review lincoln-2026-27.json lincoln-2027-28.json -o review/
      docgen review old.json new.json -o review/ --no-pdf --author "Minh Nguyen"
      docgen review lincoln-2026-27.json lincoln-2027-28.json -o review/ \\
        --old-documents out/lincoln-es-bright-futures-2026-27/ --old-mou signed-mou.docx
    """
    from ..review.report import summary_text_lines
    from ..review.write import load_pair, review_date_of, write_review

    when = date if date is not None else source_date()
    resources = resources_from(templates, locales)
    old, new = load_pair(old_spec, new_spec, resources)
    last_year = None
    if old_mou is not None and old_documents is None:
        raise UsageError("--old-mou needs --old-documents: give last year's build folder too, "
                         "which holds what the MOU was built from")
    if old_documents is not None:
        from ..review.actual import find_last_year

        last_year = find_last_year(Path(old_documents), old,
                                   {"mou.docx": Path(old_mou)} if old_mou else {})
    if when is None:
        when = review_date_of(new) or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    result = write_review(old, new, Path(out_dir), author=author, date=when, pdf=not no_pdf,
                          force=force, source_date=source_date(), resources=resources,
                          allow_incomplete=allow_incomplete, last_year=last_year)
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
    for consequence in result.consequences:
        click.echo(f"  in the documents: {consequence.text}")
    for d in result.documents:
        if d.edited_after_build:
            click.echo(f"  {d.old_file}: changed after docgen built it; its hand edits are "
                       f"marked \"{author} (hand edit)\" in {d.redline}")
        if d.revisions_by_cause:
            click.echo(f"  {d.redline}: " + ", ".join(
                f"{n} {cause}{'s' if n != 1 else ''}"
                for cause, n in d.revisions_by_cause.items()))
    for note in result.notes:
        click.echo(f"  note: {note}")
    documents = [f"{d.redline} ({d.revisions} revision{'s' if d.revisions != 1 else ''})"
                 for d in result.documents if d.redline]
    pdfs = [d.pdf for d in result.documents if d.pdf]
    click.echo(f"{out_dir.rstrip('/')}/: wrote " + ", ".join(
        ["summary.md", "summary.html", "summary.json"] + documents + pdfs))
    for problem in result.pdf_errors:
        click.echo(pdf_line(problem), err=True)
    if result.pdf_errors:
        return 1
    return 0
