"""A build's PDF phase: convert the DOCX files its specs need, place the PDFs, and assemble
each spec's signing packet, recording them all in its manifest.

Every DOCX of the run goes to one pool of LibreOffice workers (:mod:`docgen.pdf.convert`); a
spec's PDFs are placed, and its packet made, as soon as its last PDF is done, so an interrupted
run keeps what it finished. A PDF is never written over a file docgen did not write.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from babel import Locale

from .. import output
from ..errors import DocgenError, OutputError, Problem
from ..i18n.locales import DEFAULT_LOCALE
from ..pdf.convert import Converted, PdfRequest, PdfSettings, convert_pdfs
from ..pdf.packet import assemble_packet
from .documents import DOCUMENTS, BuildOptions
from .manifest import FileEntry, Manifest, add_entries, read_manifest
from .outputs import PACKET
from .result import BuildResult

#: Bookmark titles and page-label prefixes of each kind in the signing packet.
PACKET_PARTS = {
    "mou": ("Memorandum of Understanding", "MOU-"),
    "data-sharing-agreement": ("Student Data-Sharing Agreement", "DSA-"),
    "role-chart": ("Role Chart", "Roles-"),
}

#: called after each PDF with the count done, the total and the PDF's outcome
PdfProgress = Callable[[int, int, Converted[int]], None]


def _manifest(folder: Path) -> Manifest:
    manifest = read_manifest(folder)
    assert manifest is not None, f"{folder} has no manifest"
    return manifest


def _requests(index: int, result: BuildResult) -> list[PdfRequest[int]]:
    """Return the PDFs ``result`` needs; name those docgen must not write over."""
    assert result.folder is not None and result.source_date is not None
    folder = result.folder
    mine = _manifest(folder).owned(folder)
    requests = []
    for docx in filter(None, result.pdf_needed):
        pdf = str(Path(docx).with_suffix(".pdf"))
        if (folder / pdf).exists() and pdf not in mine:
            result.pdf_errors.append(Problem(
                str(folder / pdf), message="was not written by docgen, or was changed after; "
                "move it out of the folder first, docgen will not overwrite it"))
            continue
        requests.append(PdfRequest(folder / docx, folder / pdf, str(folder / docx), index,
                                   result.source_date))
    return requests


def build_pdfs(results: list[BuildResult], options: BuildOptions,
               on_pdf: PdfProgress | None = None, settings: PdfSettings | None = None) -> None:
    """Convert the DOCX files ``results`` need, then assemble each spec's packet."""
    requests = [r for i, result in enumerate(results) for r in _requests(i, result)]
    finished: set[int] = set()

    def finish(index: int, converted: list[Converted[int]]) -> None:
        finished.add(index)
        finish_pdfs(results[index], converted)

    settings = settings or PdfSettings(workers=options.pdf_workers, timeout=options.pdf_timeout)
    error = convert_pdfs(range(len(results)), requests, settings, finish, on_pdf)
    if error is not None:
        for index, result in enumerate(results):
            if index not in finished:
                result.pdf_errors.append(Problem("", message=error.message))


def finish_pdfs(result: BuildResult, converted: list[Converted[int]]) -> None:
    """Place a spec's new PDFs, assemble its packet and record them in the manifest; whatever
    fails is a problem of this spec's, named by its folder, and the run goes on."""
    try:
        _finish_pdfs(result, converted)
    except Exception as e:  # noqa: BLE001 - never a dead PDF thread and a run that hangs
        detail = (e.strerror or str(e)) if isinstance(e, OSError) else f"{type(e).__name__}: {e}"
        result.pdf_errors.append(Problem(str(result.folder), message=f"the PDFs could not be "
                                         f"placed ({detail}); build again"))


def _finish_pdfs(result: BuildResult, converted: list[Converted[int]]) -> None:
    assert result.folder is not None
    folder = result.folder
    docx = {e.path: e for e in _manifest(folder).of_format("docx")}
    # in the documents' order, not the order LibreOffice finished them: the same build prints
    # the same line and writes the same manifest every time
    order = {name: i for i, name in enumerate(docx)}
    entries: list[FileEntry] = []
    for item in sorted(converted, key=lambda c: order.get(
            str(c.request.src.relative_to(folder)), len(order))):
        if item.data is None:
            assert item.problem is not None
            result.pdf_errors.append(item.problem)
            continue
        source = docx[str(item.request.src.relative_to(folder))]
        pdf = str(item.request.target.relative_to(folder))
        try:
            output.write_whole(item.request.target, item.data)
        except OSError as e:
            result.pdf_errors.append(Problem(item.request.label,
                                             message=f"PDF not written: {e.strerror or e}"))
            continue
        entries.append(FileEntry(path=pdf, kind=source.kind, format="pdf", locale=source.locale,
                                 sha256=output.sha256(item.data), bytes=len(item.data),
                                 source=source.path, source_sha256=source.sha256))
        result.written.append(pdf)
    try:
        if entries:
            add_entries(folder, entries)
        if not result.pdf_errors:
            packet = _packet(result, folder)
            if packet:
                add_entries(folder, [packet])
                result.written.append(PACKET)
    except (OSError, DocgenError) as e:
        message = e.message if isinstance(e, DocgenError) else (e.strerror or str(e))
        result.pdf_errors.append(Problem(str(folder / PACKET), message=f"not written: {message}"))


def _packet(result: BuildResult, folder: Path) -> FileEntry | None:
    """Assemble ``packet.pdf`` from the folder's PDFs; return its entry (None: no PDFs)."""
    manifest = _manifest(folder)
    pdfs = {e.kind: e for e in manifest.of_format("pdf") if e.source and e.kind != "notice"}
    notices = sorted((e for e in manifest.of_format("pdf") if e.kind == "notice"),
                     key=lambda e: e.path)
    order = [k.kind for k in DOCUMENTS if k.kind in pdfs]
    if not order:
        return None
    spec_file = Path(result.spec_file)
    spec_bytes = spec_file.read_bytes()
    if output.sha256(spec_bytes) != manifest.spec.sha256:
        raise OutputError.at(spec_file, "changed during the build; build again")
    data = json.loads(spec_bytes.decode("utf-8-sig"))
    school = data["parties"]["school"]
    partner = data["parties"]["partner"]
    names = (school.get("short_name") or school["legal_name"],
             partner.get("short_name") or partner["legal_name"])
    parts = [(PACKET_PARTS[k][0], PACKET_PARTS[k][1], (folder / pdfs[k].path).read_bytes())
             for k in order]
    for entry in notices:
        locale = Locale.parse(entry.locale, sep="-")
        parts.append((f"Family notice: {locale.get_display_name('en')} "
                      f"({locale.get_display_name(locale)})", f"Notice-{entry.locale}-",
                      (folder / entry.path).read_bytes()))
    assert result.source_date is not None
    blob = assemble_packet(
        parts, title=f"Signing packet: {names[0]} and {names[1]}, {data['school_year']}",
        subject=(f"Community-school partnership agreement between {school['legal_name']} and "
                 f"{partner['legal_name']}, school year {data['school_year']}"),
        keywords="; ".join((school["legal_name"], partner["legal_name"], data["school_year"])),
        spec_bytes=spec_bytes, when=result.source_date)
    output.write_whole(folder / PACKET, blob)
    return FileEntry(path=PACKET, kind="packet", format="pdf",
                     locale=manifest.files[0].locale or DEFAULT_LOCALE,
                     sha256=output.sha256(blob), bytes=len(blob),
                     sources=tuple([pdfs[k].path for k in order] + [e.path for e in notices]))
