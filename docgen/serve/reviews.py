"""The review page's work, apart from the web: renewing last year's spec, its re-confirm list,
and last year's spec reviewed against this year's.

A renewal is docgen's own (:func:`docgen.renew.renew`, :func:`docgen.renew.write_renewal`): the
new spec is written beside last year's under a name with the new school year
(``lincoln-2026-27.json`` → ``lincoln-2027-28.json``, else ``-2027-28`` appended), never over
an existing file. Its re-confirm list is the new spec's ``annual_review.reconfirm``; a tick is
that item's ``confirmed``, saved in the spec.

A review is ``docgen review`` (:func:`docgen.review.write.write_review`) into
``out/review/<new spec id>/``, run in the background like a build (its redlines' PDFs need
LibreOffice); the page reads what it wrote back from its ``summary.json`` and redlines, so a
review survives a restart of the server.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DocgenError, DocxError, OutputError
from ..ooxml.limits import MAX_FILE_BYTES
from ..output import sha256
from ..spec.schema import Spec
from .builds import OUT, BuildSettings, Job
from .redline_html import RedlineView, read_redline

#: The folder, inside :data:`~docgen.serve.builds.OUT`, that reviews write into.
REVIEWS = "review"

_YEAR_IN_NAME = re.compile(r"(?<![0-9])(20[0-9]{2})-(20[0-9]{2}|[0-9]{2})(?![0-9])")


def next_school_year(year: str) -> str:
    """The school year after ``year``: "2026-2027" → "2027-2028"."""
    first = int(year[:4]) + 1
    return f"{first}-{first + 1}"


def renewal_name(spec_file: Path, old_year: str, new_year: str) -> Path:
    """The file a renewal of ``spec_file`` is written to: its name with the school year moved
    on ("…-2026-27.json" → "…-2027-28.json"), or the new year's short form added."""
    stem = spec_file.stem
    short = f"{new_year[:4]}-{new_year[7:]}"

    def moved(m: re.Match[str]) -> str:
        return f"{new_year[:4]}-{new_year[5:] if len(m.group(2)) == 4 else new_year[7:]}"

    match = _YEAR_IN_NAME.search(stem)
    if match is not None and match.group(1) == old_year[:4]:
        stem = _YEAR_IN_NAME.sub(moved, stem, count=1)
    else:
        stem = f"{stem}-{short}"
    return spec_file.with_name(stem + spec_file.suffix)


@dataclass(frozen=True)
class Renewed:
    """A renewal written: the new spec's file, its school year and version, and the list."""

    file: Path
    school_year: str
    version: int
    reconfirm: list[dict[str, Any]]


def renew_into(spec: Spec, school_year: str, review_date: dt.date | None) -> Renewed:
    """Renew ``spec`` for ``school_year`` beside it; raise :class:`~docgen.errors.DocgenError`
    with the CLI's messages when the year is wrong, the renewal would be invalid, or its file
    exists already (it is never overwritten)."""
    from ..errors import UsageError
    from ..renew import renew, school_year_problem, write_renewal

    problem = (school_year_problem(school_year)
               or school_year_problem(school_year, after=spec.data["school_year"]))
    if problem:
        raise UsageError.at("school year", problem)
    target = renewal_name(Path(spec.file), spec.data["school_year"], school_year)
    if target.exists() or target.is_symlink():
        raise OutputError.at(target.name, "already exists, so the renewal was not written (a "
                             "file is never replaced): open that spec, or move it out of the "
                             "folder to renew again")
    renewal = renew(spec, school_year, new_file=str(target), review_date=review_date)
    write_renewal(renewal, target, old_file=spec.file, force=False)
    return Renewed(target, school_year, int(renewal.data.get("version", 1)), renewal.reconfirm)


def reconfirm_items(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The spec's re-confirm list (``annual_review.reconfirm``), each item as the spec has it."""
    review = data.get("annual_review")
    items = review.get("reconfirm") if isinstance(review, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def with_ticks(data: dict[str, Any], ticked: set[int]) -> dict[str, Any]:
    """``data`` with exactly the re-confirm items whose index is in ``ticked`` confirmed (the
    spec's key order kept); raise ValueError for an index the list does not have."""
    items = reconfirm_items(data)
    if any(i < 0 or i >= len(items) for i in ticked):
        raise ValueError("no such item in the re-confirm list")
    new: dict[str, Any] = json.loads(json.dumps(data))
    for index, item in enumerate(reconfirm_items(new)):
        item["confirmed"] = index in ticked
    return new


def last_year_of(spec: Spec, specs: list[Spec]) -> Spec | None:
    """The spec among ``specs`` that ``spec`` was renewed from: the partnership's (same
    parties) spec of the year its ``annual_review.renewed_from`` names, else of the year
    before."""
    review = _dict(spec.data.get("annual_review"))
    renewed = _dict(review.get("renewed_from"))
    year = renewed.get("school_year") or _year_before(str(spec.data.get("school_year", "")))
    parties = _parties(spec)
    found = [s for s in specs if s.file != spec.file and s.data.get("school_year") == year
             and _parties(s) == parties]
    return found[0] if found else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _year_before(year: str) -> str | None:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{4}", year):
        return None
    return f"{int(year[:4]) - 1}-{int(year[:4])}"


def _parties(spec: Spec) -> tuple[str, str]:
    parties = _dict(spec.data.get("parties"))
    names = [str(_dict(parties.get(k)).get("legal_name", "")).strip()
             for k in ("school", "partner")]
    return names[0], names[1]


def review_folder(folder: Path, new_spec: Spec) -> Path:
    return folder / OUT / REVIEWS / str(new_spec.data["id"])


def run_review(job: Job, old: Spec, new: Spec, out_dir: Path, settings: BuildSettings) -> None:
    """``docgen review OLD NEW -o out_dir`` (with PDFs unless ``settings`` say not), into
    ``job``; the tracked changes dated the review day (else SOURCE_DATE_EPOCH, else now)."""
    from ..cli.options import pdf_line, source_date
    from ..review.write import load_pair, review_date_of, write_review

    job.step = "Comparing last year with this year"
    try:
        old, new = load_pair(old.file, new.file)
        when = source_date() or review_date_of(new) or dt.datetime.now(
            dt.timezone.utc).replace(microsecond=0)
        job.step = ("Writing the redlines; LibreOffice is making their PDFs" if settings.pdf
                    else "Writing the redlines")
        result = write_review(old, new, out_dir, author="docgen", date=when, pdf=settings.pdf,
                              source_date=source_date(), pool=settings.pool,
                              pdf_workers=settings.workers)
    except DocgenError as e:
        job.errors.extend(e.lines())
        return
    job.documents_total = job.documents_done = len(result.documents)
    job.errors.extend(pdf_line(p) for p in result.pdf_errors)


# --- what a review folder holds -----------------------------------------------------------


@dataclass(frozen=True)
class Redline:
    """One document's redline, read for showing."""

    path: str
    redline: str
    pdf: str | None
    revisions: int
    view: RedlineView
    changes: list[dict[str, Any]]


def read_summary(out_dir: Path) -> dict[str, Any] | None:
    """The review's ``summary.json``, if docgen review wrote one in ``out_dir``."""
    try:
        data = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("kind") == "docgen review" else None


def redlines(out_dir: Path, summary: dict[str, Any]) -> tuple[list[Redline], list[str]]:
    """Each document's redline as HTML, with its changes; and the problems of a redline that
    could not be read (located, in docgen's words)."""
    out, problems = [], []
    changes = _dict(summary.get("redline_changes"))
    recorded: dict[str, Any] = {str(f.get("path")): f.get("sha256") for f in summary.get("files", [])
                if isinstance(f, dict)}
    for doc in summary.get("documents", []):
        if not isinstance(doc, dict) or not isinstance(doc.get("redline"), str):
            continue
        name = doc["redline"]
        path = out_dir / name
        if "/" in name or path.is_symlink() or not path.is_file():
            continue
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise DocxError.at(str(path), "is larger than docgen reads")
            data = path.read_bytes()
            if recorded.get(name) not in (None, sha256(data)):
                raise OutputError.at(str(path), "was changed after docgen review wrote it; "
                                     "review again to see the redline as docgen wrote it")
            view = read_redline(data, str(path))
        except DocgenError as e:
            problems.extend(e.lines())
            continue
        pdf = doc.get("pdf") if isinstance(doc.get("pdf"), str) else None
        if pdf is not None and not (out_dir / pdf).is_file():
            pdf = None
        items = changes.get(str(doc.get("path")), [])
        out.append(Redline(str(doc.get("path", name)), name, pdf, int(doc.get("revisions") or 0),
                           view, [i for i in items if isinstance(i, dict)]))
    return out, problems


def change_words(item: dict[str, Any]) -> str:
    """One change of a redline in words: its excerpts as "… [-old-] {+new+} …", or its detail."""
    excerpts = [e.get("text") for e in item.get("excerpts", []) if isinstance(e, dict)]
    words = " / ".join(str(t) for t in excerpts if t) or str(item.get("detail") or "")
    return words or str(item.get("kind", "changed"))
