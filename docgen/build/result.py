"""What a build did to one spec: the folder, the files written, or the error."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DocgenError, Problem


@dataclass
class BuildResult:
    """What happened to one spec.

    ``pdf_errors`` are the problems of its PDF phase, each located in the file it concerns; a
    problem without a file (``file == ""``) is the converter's own (LibreOffice is missing), the
    same for every spec of the run.
    """

    spec_file: str
    spec_id: str | None = None
    folder: Path | None = None
    written: list[str] = field(default_factory=list)
    skipped: bool = False
    error: DocgenError | None = None
    #: DOCX files in the folder whose PDF is missing or stale
    pdf_needed: list[str] = field(default_factory=list)
    pdf_errors: list[Problem] = field(default_factory=list)
    source_date: dt.datetime | None = None
    #: notices built as drafts (--allow-incomplete): their paths, and their catalog problems
    drafts: list[tuple[str, int]] = field(default_factory=list)
    #: notices whose text no installed font can show in the PDF: their paths, and what to do
    font_problems: list[tuple[str, str]] = field(default_factory=list)
    #: the languages of its notices whose translation no person has reviewed (X-Reviewed),
    #: one per notice, in the spec's order
    unreviewed: list[str] = field(default_factory=list)
    #: its notices' languages whose dates and numbers are written with a fallback format (CLDR
    #: has no data, or only partial data, for them: ht, hmn, prs, mh, chk)
    fallbacks: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.pdf_errors
