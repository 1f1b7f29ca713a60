"""Last year's documents as they are: found in the folder ``docgen build`` wrote them into
(``--old-documents``), possibly signed or edited by hand since (``--old-mou`` gives the MOU from
elsewhere), with what they were built from (the templates and catalogs the build kept).

:func:`layered_redlines` redlines each of them against this year's document and labels every
revision by its cause (see :mod:`.causes`).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import output
from ..build.documents import BuildOptions, Rendered, render_documents
from ..build.manifest import Manifest, read_manifest
from ..build.sources import kept_resources
from ..context import in_united_states
from ..errors import CatalogError, OutputError, UsageError
from ..i18n.locales import DEFAULT_LOCALE
from ..redline.compare import redline
from ..redline.model import Change
from ..spec.schema import Spec
from .causes import Attribution, Layer, label_revisions
from .compare import SpecChange, bookkeeping_changes, compare

__all__ = ["LastYear", "Layered", "find_last_year", "layered_redlines"]


@dataclass
class LastYear:
    """Last year's build folder: its manifest, the kept templates and catalogs (None when the
    build kept none), and each document as it stands now."""

    folder: Path
    manifest: Manifest
    kept: tuple[Path, Path, Path] | None
    documents: dict[str, bytes]
    #: the documents whose bytes are not those docgen wrote (edited or signed since)
    edited: list[str]
    #: where each document was read from
    sources: dict[str, str] = field(default_factory=dict)
    #: holds the kept catalogs laid out as docgen reads them, while the review runs
    scratch: tempfile.TemporaryDirectory[str] | None = None


def find_last_year(given: Path, old: Spec, overrides: dict[str, Path]) -> LastYear:
    """Return last year's build folder ``given`` (the spec's folder, or the folder above it);
    ``overrides`` gives a document from elsewhere (``{"mou.docx": signed copy}``)."""
    folder = given
    manifest = read_manifest(folder)
    if manifest is None and (given / old.id).is_dir():
        folder = given / old.id
        manifest = read_manifest(folder)
    if manifest is None:
        raise UsageError(f"--old-documents {given}: has no manifest.json from docgen build "
                         f"(nor has {given / old.id}); give the folder docgen build wrote last "
                         f"year's documents into, e.g. out/{old.id}/")
    if manifest.spec.sha256 is not None and manifest.spec.sha256 != old.sha256:
        raise UsageError(f"--old-documents {folder}: was built from another version of the "
                         f"spec than {old.file} (its manifest.json records SHA-256 "
                         f"{manifest.spec.sha256[:12]}…); give the spec last year's documents "
                         "were built from")
    documents: dict[str, bytes] = {}
    sources: dict[str, str] = {}
    edited: list[str] = []
    for entry in manifest.of_format("docx"):
        source = overrides.get(entry.path, folder / entry.path)
        try:
            data = source.read_bytes()
        except FileNotFoundError:
            raise UsageError(f"--old-documents {folder}: {entry.path} is missing; put last "
                             "year's document back, or give the folder it is in") from None
        except OSError as e:
            raise OutputError.at(source, f"cannot be read: {output.describe(e)}") from None
        documents[entry.path] = data
        sources[entry.path] = str(source)
        if output.sha256(data) != entry.sha256:
            edited.append(entry.path)
    for path, source in overrides.items():
        if path not in documents:
            raise UsageError(f"--old-{Path(path).stem} {source}: last year's build in {folder} "
                             f"has no {path} to compare it with")
    scratch = tempfile.TemporaryDirectory(prefix="docgen-review-")
    kept = kept_resources(folder, manifest, old.file, Path(scratch.name))
    return LastYear(folder, manifest, kept, documents, edited, sources, scratch)


@dataclass
class Layered:
    """One document's redline with its revisions labelled, and what the labels found."""

    docx: bytes
    changes: list[Change]
    revisions: int
    #: revisions by cause
    by_cause: dict[str, int]
    #: the causes of each change, in the order of ``changes``
    causes: list[list[str]]
    #: the spec changes whose values each change writes
    fields: list[list[SpecChange]]


def _written(spec_changes: list[SpecChange], old: Spec, new: Spec | None,
             locale: str | None) -> list[SpecChange]:
    """Return the spec changes as a document in ``locale`` writes them (its dates and amounts
    in its language, first), then as the list has them, then the bookkeeping fields its
    footer writes."""
    if new is None:
        return spec_changes
    written: list[SpecChange] = []
    if locale and locale != DEFAULT_LOCALE:
        written += compare(old.data, new.data, locale=locale,
                           in_us=in_united_states(new.data))
    return written + spec_changes + bookkeeping_changes(old.data, new.data)


def _stamp(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return None


def _by_path(documents: list[Rendered]) -> dict[str, bytes]:
    return {d.kind.output: d.data for d in documents}


def layered_redlines(last: LastYear, old: Spec, new_docs: dict[str, bytes],
                     options: BuildOptions, spec_changes: list[SpecChange], author: str,
                     date: dt.datetime, new: Spec | None = None
                     ) -> tuple[dict[str, Layered], list[str]]:
    """Redline each of last year's documents as it stands against this year's, labelling
    every revision by its cause; return them by path, and notes for the summary.

    ``new`` is this year's spec: with it, a spec change is also found where a document
    writes it in its own language (a date in a Spanish notice) or writes a bookkeeping field
    (the id and version in a footer)."""
    notes: list[str] = []
    resources = options.resources
    incomplete = options.allow_incomplete or any(
        e.incomplete_translation for e in last.manifest.of_format("docx"))
    when = _stamp(last.manifest.source_date) or options.source_date
    if last.kept is None:
        notes.append(f"{last.folder}: last year's build kept no templates or catalogs "
                     "(an older docgen built it), so changes of template wording cannot "
                     "be told from hand edits: they are labelled hand edits")
        as_built_options = replace(options, source_date=when, allow_incomplete=incomplete)
        template_options = as_built_options
    else:
        templates, locales, spec_locales = last.kept
        as_built_options = replace(
            options, source_date=when, allow_incomplete=incomplete,
            spec_locales=spec_locales,
            resources=replace(resources, templates=templates, locales=locales,
                              own_templates=None))
        template_options = replace(as_built_options, resources=replace(
            resources, locales=locales))
    catalog_options = replace(options, source_date=when, allow_incomplete=incomplete)
    as_built = _by_path(render_documents(old, as_built_options))
    try:
        with_templates = _by_path(render_documents(old, template_options))
    except CatalogError:  # this year's templates need messages last year's catalogs lack
        notes.append("this year's templates use messages last year's catalogs do not "
                     "have: template and catalog changes of the notices are labelled "
                     "catalog changes")
        with_templates = as_built
    with_catalogs = _by_path(render_documents(old, catalog_options))
    for path, data in last.documents.items():
        if path not in last.edited:
            as_built[path] = data  # as docgen wrote it, whatever this docgen renders now
    out: dict[str, Layered] = {}
    doc_locales = {e.path: e.locale for e in last.manifest.of_format("docx")}
    for path, actual in last.documents.items():
        if path not in new_docs:
            continue
        layers = []
        steps = ((as_built, actual, "hand edit", True),
                 (as_built, with_templates, "template change", False),
                 (with_templates, with_catalogs, "catalog change", False),
                 (with_catalogs, new_docs, "spec change", False))
        for before, after, cause, undone in steps:
            a = before.get(path)
            b = after if isinstance(after, bytes) else after.get(path)
            if a is None or b is None or a == b:
                continue
            result = redline(a, b, author=author, date=date)
            layers.append(Layer(cause, result.changes, undone=undone))
        final = redline(actual, new_docs[path], author=author, date=date,
                        old_name=last.sources.get(path, path), new_name=path)
        attribution = Attribution(layers, _written(spec_changes, old, new,
                                                      doc_locales.get(path)))
        docx, counts, split = label_revisions(final.docx, path, attribution, author)
        causes = [attribution.of_change(c) for c in final.changes]
        fields = []
        for c in final.changes:
            found: list[SpecChange] = []
            for e in c.excerpts() or []:
                found += [f for f in attribution.fields(e.removed, e.added, c.old, c.new)
                          if all(f.path != g.path for g in found)]
            if c.kind in ("inserted", "deleted"):
                found += [f for f in attribution.fields(c.old, c.new)
                          if all(f.path != g.path for g in found)]
            fields.append(found)
        out[path] = Layered(docx, final.changes, final.revisions + split, counts, causes,
                            fields)
    return out, notes
