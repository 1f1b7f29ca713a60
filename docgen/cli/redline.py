"""``docgen redline``: compare any two Word documents into tracked changes. Its own module, so
that the command loads only what it runs (click, the option checks and docgen.redline)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..errors import UsageError
from . import loading
from .options import When, author, named, source_date


def _granularity(value: str) -> str:
    if value not in ("word", "character"):
        raise UsageError(f"--granularity {value}: choose word (a changed word or number is marked "
                         "whole) or character (only the characters that changed)")
    return value


@click.command(name="redline")
@click.argument("old", metavar="OLD.docx", type=click.Path(dir_okay=True))
@click.argument("new", metavar="NEW.docx", type=click.Path(dir_okay=True))
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False), callback=named,
              help="The redline to write (.docx): NEW with tracked changes.")
@click.option("--author", default="docgen", show_default=True, callback=author,
              help="Name shown on each tracked change.")
@click.option("--date", "when", type=When(),
              help="Date of the tracked changes [default: SOURCE_DATE_EPOCH, else now].")
@click.option("--summary", type=click.Path(dir_okay=False),
              help="Also write the list of changes: FILE.json for programs, FILE.md or "
                   "FILE.html for people.")
@click.option("--ignore-formatting", is_flag=True,
              help="Track changes of words only, not of formatting or paragraph style (the "
                   "redline keeps NEW's formatting).")
@click.option("--granularity", default="word", show_default=True, metavar="word|character",
              callback=lambda ctx, param, value: _granularity(value),
              help="Mark a changed word (a number, an amount, a date) whole, or only the "
                   "characters that changed.")
@click.option("--old-comments/--no-old-comments", default=True, show_default=True,
              help="Keep OLD's comments on text that did not change, beside NEW's own (NEW's "
                   "comments are always kept).")
@click.option("--force", is_flag=True, help="Replace OUT (and the summary) if they exist.")
def redline_command(old: str, new: str, out: str, author: str, when: dt.datetime | None,
                    summary: str | None, ignore_formatting: bool, granularity: str,
                    old_comments: bool, force: bool) -> None:
    """Compare two Word documents; write NEW with tracked changes from OLD.

    Every difference becomes a revision that Word or LibreOffice can accept or reject:
    words within changed paragraphs, added and removed paragraphs and table rows, headers,
    footers, footnotes and endnotes. Tracked changes already in OLD or NEW count as accepted.
    Numbers (amounts, dates, phone numbers, versions) change whole. Formatting is compared as
    Word shows it, so a file only re-saved in another program has no changes. NEW's comments
    are kept, and OLD's on text that did not change. Works for any .docx, including agreements
    edited by hand.

    \b
    Example:
      docgen redline 2026-27/mou.docx 2027-28/mou.docx -o mou-redline.docx \\
          --author "Legal review" --summary mou-changes.md
    """
    with loading():
        from ..redline.compare import redline_files, summary_json, summary_markdown
        from ..redline.files import save_files
        from ..redline.summary import summary_html

    if Path(out).suffix.lower() != ".docx":
        raise UsageError(f"-o {out}: a redline is a Word document; give it a .docx name")
    if summary is not None and Path(summary).suffix.lower() not in (".json", ".md", ".html"):
        raise UsageError(f"--summary {summary}: name a .json, .md or .html file")
    date = when or source_date() or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    result = redline_files(old, new, author=author, date=date,
                           ignore_formatting=ignore_formatting, granularity=granularity,
                           old_comments=old_comments)
    files = [(Path(out), result.docx)]
    if summary is not None:
        if summary.lower().endswith(".json"):
            import json

            text = json.dumps(summary_json(result, old_name=old, new_name=new, author=author,
                                           date=date), indent=2, ensure_ascii=False) + "\n"
        elif summary.lower().endswith(".html"):
            text = summary_html(result, old_name=old, new_name=new, author=author, date=date)
        else:
            text = summary_markdown(result, old_name=old, new_name=new, author=author, date=date)
        files.append((Path(summary), text.encode("utf-8")))
    save_files(files, force=force, inputs=(Path(old), Path(new)))
    places = len(result.changes)
    click.echo(f"Wrote {out}: {places} changed place{'s' if places != 1 else ''}, "
               f"{result.revisions} tracked revision{'s' if result.revisions != 1 else ''}"
               + (f"; summary in {summary}" if summary else ""))
