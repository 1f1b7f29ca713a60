"""Write a review: for every document both years produce, ``redline-<name>.docx`` (and its
PDF), and ``summary.md``, ``summary.html`` and ``summary.json``, into one folder.

Both years are rendered as ``docgen build`` renders them, with the same templates and catalogs
(a :class:`~docgen.resources.Resources` value), so a partnership built from a district's own
templates is redlined against them. The folder loses nothing: each file is written in full
beside its target and renamed into place, ``summary.json`` (the record of what docgen wrote
there) last; a file of the folder an earlier ``docgen review`` did not write, or that was
changed since, is replaced only with ``force`` (see :mod:`docgen.output`).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .. import output
from ..build.documents import BuildOptions, Rendered, render_documents
from ..build.documents import template_sha256
from ..errors import OutputError, Problem, SpecError, UsageError
from ..pdf.convert import Converted, PdfRequest, PdfSettings, Pool, convert_pdfs
from ..redline.compare import redline
from ..resources import Resources
from ..spec.schema import Spec, check_spec, read_spec
from .actual import LastYear, layered_redlines
from .causes import CAUSES
from .compare import compare
from .consequences import consequences
from .report import (SUMMARY_HTML, SUMMARY_JSON, SUMMARY_MD, BuiltWith, Document, RedlineItem,
                     Review, summary_html, summary_json, summary_markdown)


def load_pair(old_file: str, new_file: str,
              resources: Resources | None = None) -> tuple[Spec, Spec]:
    """Read and check both specs (against ``resources``: the schema, the catalog folder); raise
    one :class:`SpecError` with every problem of both."""
    specs: list[Spec] = []
    problems: list[Problem] = []
    for file in (old_file, new_file):
        try:
            spec = read_spec(file)
        except SpecError as e:
            problems.extend(e.problems)
            continue
        found = check_spec(spec, resources)
        problems.extend(found)
        specs.append(spec)
    if problems:
        files = sorted({p.file for p in problems})
        raise SpecError(f"{' and '.join(files)}: {len(problems)} problem(s)", problems)
    old, new = specs
    if new.data["school_year"] < old.data["school_year"]:
        raise UsageError(f"{new_file} is for {new.data['school_year']}, before {old_file}'s "
                         f"{old.data['school_year']}: give last year's spec first, then this "
                         "year's")
    before, after = _partnership(old), _partnership(new)
    if before[0] != after[0] and before[1] != after[1]:
        raise UsageError(f"{old_file} ({before[0]} and {before[1]}) and {new_file} ({after[0]} "
                         f"and {after[1]}) are different partnerships; docgen review compares "
                         "two years of one partnership")
    return old, new


def _partnership(spec: Spec) -> tuple[str, str]:
    parties = spec.data.get("parties", {})
    return tuple(str((parties.get(role) or {}).get("legal_name", "")).strip()
                 for role in ("school", "partner"))  # type: ignore[return-value]


def review_date_of(spec: Spec) -> dt.datetime | None:
    """Return the new spec's ``annual_review.review_date`` as midnight UTC, if it has one."""
    day = (spec.data.get("annual_review") or {}).get("review_date")
    if not day:
        return None
    d = dt.date.fromisoformat(day)
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc)


def redline_name(document: str) -> str:
    """Return the redline's file name for a document: ``notices/notice-es.docx`` →
    ``redline-notice-es.docx``."""
    return f"redline-{Path(document).name}"


def previous_files(folder: Path) -> dict[str, str]:
    """Return the files an earlier ``docgen review`` wrote in ``folder`` and nobody changed
    (its ``summary.json`` among them)."""
    try:
        data = json.loads((folder / SUMMARY_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("kind") != "docgen review":
        return {}
    files = data.get("files")
    # a damaged summary names no file of docgen's but itself
    entries = [e for e in files if isinstance(e, dict)] if isinstance(files, list) else []
    recorded = [(e.get("path"), e.get("sha256")) for e in entries]
    return {SUMMARY_JSON: "", **output.owned(folder, [
        (name, digest) for name, digest in recorded
        if isinstance(name, str) and isinstance(digest, str)])}


def _built_with(documents: list[Rendered]) -> list[BuiltWith]:
    return [BuiltWith(d.kind.output, d.template.name, template_sha256(d.template), d.kind.locale,
                      d.kind.catalog_sha256) for d in documents]


def _redlines(review: Review, options: BuildOptions, pdf: bool,
              last_year: LastYear | None = None) -> dict[str, bytes]:
    """Render both years, redline each document both produce; return the redlines by name.

    With ``last_year``, last year's documents are those of its folder as they stand, and each
    revision is labelled by its cause (see :mod:`.actual`)."""
    if last_year is not None:
        return _actual_redlines(review, options, pdf, last_year)
    old, new = (render_documents(spec, options) for spec in (review.old, review.new))
    review.built_with = {"old": _built_with(old), "new": _built_with(new)}
    review.resources = options.resources
    old_docs = {d.kind.output: d.data for d in old}
    new_docs = {d.kind.output: d.data for d in new}
    review.consequences = consequences(review.old, review.new, review.changes, new_docs,
                                       options)
    outputs: dict[str, bytes] = {}
    for path in list(new_docs) + [p for p in old_docs if p not in new_docs]:
        if path not in old_docs or path not in new_docs:
            review.documents.append(Document(path, only_in="old" if path in old_docs else "new"))
            continue
        result = redline(old_docs[path], new_docs[path], author=review.author, date=review.date,
                         old_name=f"{review.old.file}: {path}",
                         new_name=f"{review.new.file}: {path}")
        name = redline_name(path)
        outputs[name] = result.docx
        review.redline_changes[path] = [RedlineItem(c) for c in result.changes]
        review.documents.append(Document(path, name, result.revisions, len(result.changes),
                                         Path(name).with_suffix(".pdf").name if pdf else None))
    return outputs


def _actual_redlines(review: Review, options: BuildOptions, pdf: bool,
                     last_year: LastYear) -> dict[str, bytes]:
    """Redline last year's documents as they stand against this year's, by cause."""
    new = render_documents(review.new, options)
    review.built_with = {"new": _built_with(new)}
    review.resources = options.resources
    review.old_documents = str(last_year.folder)
    new_docs = {d.kind.output: d.data for d in new}
    layered, notes = layered_redlines(last_year, review.old, new_docs, options, review.changes,
                                      review.author, review.date, review.new)
    review.notes += notes
    review.consequences = consequences(review.old, review.new, review.changes, new_docs,
                                       options)
    outputs: dict[str, bytes] = {}
    for path in list(new_docs) + [p for p in last_year.documents if p not in new_docs]:
        if path not in layered:
            only = "old" if path in last_year.documents else "new"
            review.documents.append(Document(path, only_in=only))
            continue
        result = layered[path]
        name = redline_name(path)
        outputs[name] = result.docx
        review.redline_changes[path] = [
            RedlineItem(c, tuple(causes), tuple(fields))
            for c, causes, fields in zip(result.changes, result.causes, result.fields)]
        review.documents.append(Document(
            path, name, result.revisions, len(result.changes),
            Path(name).with_suffix(".pdf").name if pdf else None,
            old_file=last_year.sources.get(path),
            edited_after_build=path in last_year.edited,
            revisions_by_cause={c: result.by_cause[c] for c in CAUSES if c in result.by_cause}))
    return outputs


def _prepare(out_dir: Path, names: list[str], force: bool) -> dict[str, str]:
    """Check that ``names`` can be written into the held folder; return the files docgen may
    replace there."""
    label = str(out_dir)
    try:
        mine = previous_files(out_dir)
    except OSError as e:
        raise OutputError.at(label, f"cannot be read: {output.describe(e)}") from None
    clashes = [] if force else output.clashes(out_dir, names, mine)
    if clashes:
        message = ("was not written by docgen review, or was changed after; move it out of "
                   "the folder, or pass --force to replace it")
        raise OutputError(f"{label}: {len(clashes)} file(s) would be overwritten",
                          [Problem(str(out_dir / n), 0, 0, None, message) for n in clashes])
    return mine


def write_review(old: Spec, new: Spec, out_dir: Path, *, author: str, date: dt.datetime,
                 pdf: bool, force: bool = False, source_date: dt.datetime | None = None,
                 pool: Pool | None = None, pdf_workers: int | None = None,
                 resources: Resources | None = None, allow_incomplete: bool = False,
                 last_year: LastYear | None = None) -> Review:
    """Compare ``old`` with ``new`` and write the summaries and redlines into ``out_dir``.

    Both years are rendered with ``resources`` (default: docgen's own templates and catalogs)
    and ``allow_incomplete`` as ``docgen build`` renders them. ``date`` stamps the tracked
    changes; ``source_date`` (SOURCE_DATE_EPOCH) fixes the documents' own dates as in
    ``docgen build``. ``last_year`` (:func:`.actual.find_last_year`) gives last year's
    documents as they stand, to redline instead of rendering them again; each revision's author
    then names its cause. ``pool`` replaces the LibreOffice pool (tests). PDF problems are collected
    in ``Review.pdf_errors``; everything else that goes wrong raises.
    """
    review = Review(old, new, compare(old.data, new.data), author,
                    date.astimezone(dt.timezone.utc))
    options = BuildOptions(out_dir, source_date=source_date,
                           resources=resources or Resources.shipped(),
                           allow_incomplete=allow_incomplete)
    outputs = _redlines(review, options, pdf, last_year)
    names = [SUMMARY_MD, SUMMARY_HTML] + list(outputs) + [
        d.pdf for d in review.documents if d.pdf] + [SUMMARY_JSON]
    with output.Hold(out_dir):
        mine = _prepare(out_dir, names, force)
        _write(review, out_dir, outputs, PdfSettings(pool=pool, workers=pdf_workers)
               if pdf else None)
        output.remove_stale(out_dir, [n for n in mine if n != SUMMARY_JSON], review.written)
    return review


def _write(review: Review, out_dir: Path, outputs: dict[str, bytes],
           settings: PdfSettings | None) -> None:
    """Stage the redlines, their PDFs and the summaries, then put them in place together."""
    with output.Staging(within=out_dir) as staging:
        try:
            for name, data in outputs.items():
                staging.add(out_dir / name, data)
            if settings is not None:
                _convert(review, out_dir, outputs, staging, settings)
            _stage_summaries(review, out_dir, staging)
            # everything is written in full: now into place, the summary (our record) last
            staging.place()
        except OSError as e:
            raise OutputError.at(out_dir, f"cannot be written: {output.describe(e)}") from None
        finally:
            review.written.extend(target.name for target in staging.placed)


def _stage_summaries(review: Review, out_dir: Path, staging: output.Staging) -> None:
    """Stage the Markdown and HTML summaries, then ``summary.json`` naming every file."""
    staging.add(out_dir / SUMMARY_MD, summary_markdown(review).encode("utf-8"))
    staging.add(out_dir / SUMMARY_HTML, summary_html(review).encode("utf-8"))
    named = [SUMMARY_MD, SUMMARY_HTML] + sorted(t.name for t in staging.targets
                                                if t.name.startswith("redline-"))
    files = []
    for name in named:
        data = staging.staged(out_dir / name).read_bytes()
        files.append({"path": name, "sha256": output.sha256(data), "bytes": len(data)})
    staging.add(out_dir / SUMMARY_JSON, summary_json(review, files).encode("utf-8"))


def _convert(review: Review, out_dir: Path, outputs: dict[str, bytes],
             staging: output.Staging, settings: PdfSettings) -> None:
    """Convert the redlines to PDF as ``docgen build`` does; stage each PDF, or say why not."""
    wanted = [(i, doc) for i, doc in enumerate(review.documents) if doc.redline and doc.pdf]
    requests: list[tuple[PdfRequest[int], bytes]] = []
    for index, doc in wanted:
        assert doc.redline is not None and doc.pdf is not None
        src = output.part_beside(out_dir / doc.redline, ".docx")
        requests.append((PdfRequest(src, out_dir / doc.pdf, str(out_dir / doc.redline), index,
                                    review.date), outputs[doc.redline]))
    done: dict[int, Converted[int]] = {}

    def keep(index: int, converted: list[Converted[int]]) -> None:
        done.update((index, c) for c in converted)

    try:
        for request, data in requests:
            output.write_new(request.src, data)
        error = convert_pdfs([i for i, _ in wanted], [r for r, _ in requests], settings, keep)
    finally:
        for request, _ in requests:
            request.src.unlink(missing_ok=True)
    if error is not None:
        for _, doc in wanted:
            doc.pdf, doc.pdf_error = None, error.message
        review.pdf_errors.append(Problem("", message=error.message))
        return
    for index, doc in wanted:
        item = done[index]
        if item.data is None:
            assert item.problem is not None
            review.pdf_errors.append(item.problem)
            doc.pdf, doc.pdf_error = None, item.reason
        else:
            staging.add(out_dir / item.request.target.name, item.data)
