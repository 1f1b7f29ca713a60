"""A spec's output folder: write its documents and manifest there, losing nothing.

Every file is first written in full under a hidden name; only then are they renamed into place,
the manifest last. An existing folder is only written into with ``force``, and then only the
files its manifest says docgen wrote, still as it wrote them, are replaced (see
:mod:`docgen.output`). A folder built from this very spec, with these templates and catalogs,
by this docgen, is up to date and left alone.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import __version__, output
from ..context import build_context
from ..errors import OutputError
from ..render import compile_template
from ..spec.schema import Spec
from .documents import (DOCUMENTS, BuildOptions, DocumentKind, Rendered, notice_kinds,
                        source_date_for, template_sha256)
from .sources import kept_sources
from .manifest import MANIFEST, FileEntry, Manifest, SpecRecord, read_manifest, write_manifest

PACKET = "packet.pdf"

#: What docgen says of a file in its folder that is not its own to replace (see
#: :func:`docgen.output.clashes`, the one ownership rule of every output of a build).
NOT_OURS = ("was not written by docgen, or was changed after docgen wrote it; move it out of "
            "the folder first, docgen will not overwrite it")


def _display_name(file: str) -> str:
    """Return a file name fit for JSON even when the file system's name is not UTF-8."""
    return os.fsencode(Path(file).name).decode("utf-8", "backslashreplace")


def _stamp(spec: Spec, options: BuildOptions) -> str:
    return source_date_for(spec, options.source_date).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_manifest(spec: Spec, options: BuildOptions, files: list[FileEntry]) -> Manifest:
    """Return the manifest of ``spec``'s folder listing ``files``."""
    return Manifest(__version__, SpecRecord(_display_name(spec.file), spec.id,
                                            spec.data["schema_version"], spec.sha256),
                    _stamp(spec, options), tuple(files))


def _entry(document: Rendered, options: BuildOptions) -> FileEntry:
    kind, template, data = document
    return FileEntry(
        path=kind.output, kind=kind.kind, format="docx", locale=kind.locale or options.locale,
        sha256=output.sha256(data), bytes=len(data), template=template.name,
        template_sha256=compile_template(template).sha256,
        catalog_sha256=kind.catalog_sha256 or None,
        spec_catalog_sha256=kind.spec_catalog_sha256,
        incomplete_translation=kind.incomplete or None,
        translation_reviewed=kind.translation_reviewed,
        translation_review=kind.translation_review or None)


def _ready(folder: Path, names: list[str], options: BuildOptions
           ) -> tuple[Manifest | None, dict[str, str]]:
    """Check that ``names`` can be written into ``folder``; return its manifest and the files
    docgen may replace."""
    label = str(folder)
    try:
        if folder.exists() and not folder.is_dir():
            raise OutputError.at(label, "exists and is not a folder")
        if (folder.is_dir() and any(p.name not in output.RESERVED for p in folder.iterdir())
                and not options.force):
            raise OutputError.at(label, "already exists; pass --force to replace the files "
                              "docgen wrote there (anything else in the folder is kept)")
        before = read_manifest(folder)
        mine = before.owned(folder) if before else {}
    except PermissionError:
        raise OutputError.at(label, "permission denied; docgen cannot read this folder") from None
    except OSError as e:
        raise OutputError.at(label, f"cannot be read: {output.describe(e)}") from None
    if os.path.lexists(folder / MANIFEST) and before is None:
        raise OutputError.at(folder / MANIFEST, "is not a docgen manifest; move it out of the "
                          "folder first, docgen will not overwrite it")
    for name in output.clashes(folder, names, mine):
        raise OutputError.at(folder / name, NOT_OURS)
    return before, mine


def _kept(before: Manifest | None, entries: list[FileEntry], mine: dict[str, str]
          ) -> list[FileEntry]:
    """Return the PDFs whose DOCX comes out the same (and the packet, if all its parts do)."""
    if before is None:
        return []
    new_sha = {e.path: e.sha256 for e in entries}
    kept = [e for e in before.of_format("pdf")
            if e.source in new_sha and e.source_sha256 == new_sha[e.source] and e.path in mine]
    paths = {e.path for e in kept}
    packet = before.entry(PACKET)
    if (packet and packet.path in mine and set(packet.sources or ()) <= paths
            and len(kept) == len(entries)):
        kept.append(packet)
    return kept


def write_outputs(spec: Spec, documents: list[Rendered],
                  options: BuildOptions) -> tuple[Path, list[str]]:
    """Write ``documents`` and the manifest into the spec's folder; return it and the names.

    Every file is first written in full under a temporary name; only then are they renamed
    into place, the manifest last. If a rename fails, the manifest records what is in place,
    so that the next ``--force`` build can replace it.
    """
    folder = options.out_dir / spec.id
    names = [document.kind.output for document in documents]
    # the templates and catalogs, kept for next year's review (see .sources)
    sources = kept_sources(spec, documents, options)
    before, mine = _ready(folder, names + [k.path for k in sources], options)
    entries = [_entry(document, options) for document in documents]
    kept = _kept(before, entries, mine)
    with output.Staging(within=folder) as staging:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for document in documents:
                staging.add(folder / document.kind.output, document.data)
            for source in sources:
                staging.add(folder / source.path, source.data)
            staging.add(folder / MANIFEST, new_manifest(
                spec, options, entries + [k.entry for k in sources] + kept).to_bytes())
        except output.LinkError as e:
            raise OutputError.at(e.filename, f"{e.strerror}; nothing was changed") from None
        except OSError as e:
            raise OutputError.at(folder, "cannot be written, nothing was changed: "
                                 f"{output.describe(e)}") from None
        try:
            staging.place()
        except OSError as e:
            staging.discard()
            _record_placed(spec, options, folder, entries, staging.placed, mine)
            raise OutputError.at(folder, f"cannot be written: {output.describe(e)}") from None
    # files docgen wrote last time that this spec no longer produces are stale: remove them
    output.remove_stale(folder, mine, names + [k.path for k in sources] + [e.path for e in kept])
    return folder, names


def _record_placed(spec: Spec, options: BuildOptions, folder: Path, entries: list[FileEntry],
                   placed: list[Path], mine: dict[str, str]) -> None:
    """Record what is in place after a failed rename, so that ``--force`` can replace it."""
    done = [e for e in entries if folder / e.path in placed]
    names = {e.path for e in done}
    keep = [FileEntry(name, digest) for name, digest in mine.items() if name not in names]
    try:
        write_manifest(folder, new_manifest(spec, options, done + keep))
    except OSError:  # the journal still names the renames: the next run completes them
        pass


def up_to_date(spec: Spec, folder: Path, manifest: Manifest, options: BuildOptions) -> bool:
    """Whether the folder's DOCX files were built from this spec, templates and docgen."""
    if (manifest.docgen_version != __version__ or manifest.spec.sha256 != spec.sha256
            or manifest.source_date != _stamp(spec, options)):
        return False
    ctx = build_context(spec.data, locale=options.locale)
    wanted = {k.output: k for k in DOCUMENTS if k.wanted(ctx)}
    wanted.update({k.output: k for k in notice_kinds(spec, options)})
    docx = {e.path: e for e in manifest.of_format("docx")}
    if set(docx) != set(wanted):
        return False
    kept = [e for e in manifest.files if e.kind in ("template", "catalog", "spec-catalog")]
    if not kept or not all(output.intact(folder / e.path, e.sha256) for e in kept):
        return False  # what it was built from is missing or changed: keep it again
    return all(_same_document(folder, entry, wanted[name], options)
               for name, entry in docx.items())


def _same_document(folder: Path, entry: FileEntry, kind: DocumentKind,
                   options: BuildOptions) -> bool:
    template = options.resources.template(kind.template)
    return (entry.locale == (kind.locale or options.locale) and template.is_file()
            and entry.template_sha256 == template_sha256(template)
            and entry.catalog_sha256 == kind.catalog_sha256
            and entry.spec_catalog_sha256 == kind.spec_catalog_sha256
            and bool(entry.incomplete_translation) == bool(
                options.allow_incomplete and entry.incomplete_translation)
            and output.intact(folder / entry.path, entry.sha256))


def pdfs_needed(folder: Path, manifest: Manifest) -> list[str]:
    """Return the DOCX files whose PDF (or whose packet) is missing or stale; ``[""]`` when
    only the packet is."""
    pdfs = {e.source: e for e in manifest.of_format("pdf") if e.source}
    needed = []
    for entry in manifest.of_format("docx"):
        pdf = pdfs.get(entry.path)
        if (not pdf or pdf.source_sha256 != entry.sha256
                or not output.intact(folder / pdf.path, pdf.sha256)):
            needed.append(entry.path)
    packet = manifest.entry(PACKET)
    if not needed and (packet is None or not output.intact(folder / packet.path, packet.sha256)):
        # the PDFs are fine but the packet is not: convert nothing, assemble again
        return [""]
    return needed
