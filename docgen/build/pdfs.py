"""A build's PDF phase: convert the DOCX files its specs need, place the PDFs, and assemble
each spec's signing packet, recording them all in its manifest.

Every DOCX of the run goes to one pool of LibreOffice workers (:mod:`docgen.pdf.convert`); a
spec's PDFs are placed, and its packet made, as soon as its last PDF is done, so an interrupted
run keeps what it finished. A PDF is never written over a file docgen did not write.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import threading
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Callable

from .. import output
from ..errors import DocgenError, OutputError, Problem
from ..context import language_names
from ..i18n.locales import DEFAULT_LOCALE, normalise
from ..i18n.scripts import own_name
from ..pdf.convert import Converted, PdfRequest, PdfSettings, convert_pdfs
from ..pdf.checks import honest_pdf
from ..pdf.fields import Signatory
from ..pdf.packet import assemble_packet_and_texts, text_hashes
from .documents import DOCUMENTS, BuildOptions
from .manifest import MANIFEST, FileEntry, Manifest, manifest_order, read_manifest
from .outputs import NOT_OURS, PACKET
from .result import BuildResult

#: Bookmark titles and page-label prefixes of each kind in the signing packet.
PACKET_PARTS = {
    "mou": ("Memorandum of Understanding", "MOU-"),
    "data-sharing-agreement": ("Student Data-Sharing Agreement", "DSA-"),
    "role-chart": ("Role Chart", "Roles-"),
}

#: the documents with signature blocks, where the packet has a field per signatory
SIGNED = ("mou", "data-sharing-agreement")

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
        if output.clashes(folder, [pdf], mine):
            result.pdf_errors.append(Problem(str(folder / pdf), message=NOT_OURS))
            continue
        requests.append(PdfRequest(folder / docx, folder / pdf, str(folder / docx), index,
                                   result.source_date))
    return requests


#: What a packet's process imports, once, in the server its processes are forked from.
PACKET_MODULES = ("docgen.build.pdfs", "pyhanko.pdf_utils.incremental_writer",
                  "pyhanko.sign.fields")


class _Packets:
    """Each spec's packet made in a process of its own (assembling it, its signature fields,
    its checks and its page-text hashes take a few times what LibreOffice takes to convert its
    documents), so that packets are made side by side, while LibreOffice converts the next
    specs' documents; each is placed, with its manifest, as soon as it is made. At most two a
    process wait in memory; the stage that hands them over waits for room."""

    def __init__(self, processes: int) -> None:
        self.processes = max(1, processes)
        self.executor: concurrent.futures.ProcessPoolExecutor | None = None
        self.room = threading.Semaphore(2 * self.processes)
        self.lock = threading.Condition()
        self.pending = 0

    def start(self) -> None:
        import multiprocessing

        from .run import die_with_docgen

        # forked from a fork server, not from docgen: docgen's threads hold locks a forked copy
        # would keep forever, while the server is a fresh process of one thread. It imports
        # what a packet needs once (about a CPU-second: pikepdf, pypdf, pyHanko), and each
        # packet process is a fork of it, so that cost is not paid once a process
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(PACKET_MODULES))
        self.executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=self.processes, mp_context=context, initializer=die_with_docgen,
            initargs=(os.getpid(),))
        for _ in range(self.processes):  # the processes start while LibreOffice converts
            self.executor.submit(int)

    def make(self, result: BuildResult, folder: Path) -> None:
        """Make ``result``'s packet in a process; place it when it is made."""
        assert self.executor is not None
        self.room.acquire()
        with self.lock:
            self.pending += 1
        try:
            future = self.executor.submit(_packet, result, folder)
        except BaseException:
            self._done(result, folder, None)
            raise
        future.add_done_callback(lambda f: self._done(result, folder, f))

    def _done(self, result: BuildResult, folder: Path,
              future: concurrent.futures.Future[tuple[FileEntry, bytes] | None] | None) -> None:
        try:
            if future is not None:
                _store_packet(result, folder, _made(result, folder, future))
        except BaseException as e:  # noqa: BLE001 - never a packet that stops the run
            _packet_failed(result, folder, e)
        finally:
            self.room.release()
            with self.lock:
                self.pending -= 1
                self.lock.notify_all()

    def close(self) -> None:
        """Wait until every packet is made and placed; end the processes."""
        with self.lock:
            while self.pending:
                self.lock.wait()
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


def _made(result: BuildResult, folder: Path,
          future: concurrent.futures.Future[tuple[FileEntry, bytes] | None]
          ) -> tuple[FileEntry, bytes] | None:
    """What the packet's process made; its process's death is the spec's error."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise OutputError.at(folder / PACKET, "not written: the process making it stopped "
                             "unexpectedly (it was killed, or ran out of memory); build "
                             "again") from None


def build_pdfs(results: list[BuildResult], options: BuildOptions,
               on_pdf: PdfProgress | None = None, settings: PdfSettings | None = None) -> None:
    """Convert the DOCX files ``results`` need, then assemble each spec's packet."""
    requests = [r for i, result in enumerate(results) for r in _requests(i, result)]
    finished: set[int] = set()
    # one spec's packet is made here: starting processes would cost more than it saves
    packets = _Packets(options.pdf_workers or os.cpu_count() or 1) if len(results) > 1 \
        else None

    def finish(index: int, converted: list[Converted[int]]) -> None:
        finished.add(index)
        finish_pdfs(results[index], converted, packets)

    settings = settings or PdfSettings(workers=options.pdf_workers, timeout=options.pdf_timeout)
    if packets is not None:
        packets.start()
    try:
        error = convert_pdfs(range(len(results)), requests, settings, finish, on_pdf)
    finally:
        if packets is not None:
            packets.close()
    if error is not None:
        for index, result in enumerate(results):
            if index not in finished:
                result.pdf_errors.append(Problem("", message=error.message))


def finish_pdfs(result: BuildResult, converted: list[Converted[int]],
                packets: _Packets | None = None) -> None:
    """Place a spec's new PDFs, assemble its packet (in ``packets``' processes, if given) and
    record them in the manifest; whatever fails is a problem of this spec's, named by its
    folder, and the run goes on."""
    assert result.folder is not None
    try:
        _place_pdfs(result, result.folder, converted)
        if not result.pdf_errors:
            _place_packet(result, result.folder, packets)
    except BaseException as e:  # noqa: BLE001 - never a dead PDF thread and a run that hangs
        _packet_failed(result, result.folder, e)


def _packet_failed(result: BuildResult, folder: Path, e: BaseException) -> None:
    """Record why ``result``'s PDFs or packet were not placed."""
    if isinstance(e, (OSError, DocgenError)):
        message = e.message if isinstance(e, DocgenError) else output.describe(e)
        result.pdf_errors.append(Problem(str(folder / PACKET), message=f"not written: {message}"))
        return
    detail = f"{type(e).__name__}: {e}"
    result.pdf_errors.append(Problem(str(folder), message=f"the PDFs could not be "
                                     f"placed ({detail}); build again"))


def _place_pdfs(result: BuildResult, folder: Path, converted: list[Converted[int]]) -> None:
    """Put the spec's new PDFs in place with the manifest that records them, together."""
    manifest = _manifest(folder)
    docx = {e.path: e for e in manifest.of_format("docx")}
    mine = manifest.owned(folder)
    entries: list[FileEntry] = []
    with output.Staging(within=folder) as staging:
        for item in converted:
            source = docx.get(str(item.request.src.relative_to(folder)))
            pdf = str(item.request.target.relative_to(folder))
            if item.data is None:
                assert item.problem is not None
                result.pdf_errors.append(item.problem)
                continue
            if source is None or output.clashes(folder, [pdf], mine):
                # the folder changed while its PDFs were made: keep what is there now
                result.pdf_errors.append(Problem(str(folder / pdf), message=NOT_OURS))
                continue
            try:
                staging.add(item.request.target, item.data)
            except OSError as e:
                result.pdf_errors.append(Problem(item.request.label,
                                                 message=f"PDF not written: {output.describe(e)}"))
                continue
            entries.append(FileEntry(path=pdf, kind=source.kind, format="pdf",
                                     locale=source.locale, sha256=output.sha256(item.data),
                                     bytes=len(item.data), source=source.path,
                                     source_sha256=source.sha256,
                                     # what families get is the PDF: it says what its DOCX
                                     # says of the translation
                                     incomplete_translation=source.incomplete_translation,
                                     translation_reviewed=source.translation_reviewed,
                                     translation_review=source.translation_review,
                                     checks=item.checks.to_json() if item.checks else None))
        after = manifest.with_entries(entries)
        if entries:
            staging.add(folder / MANIFEST, after.to_bytes())
            staging.place()
    # in the documents' order, not the order LibreOffice finished them: the same build prints
    # the same line every time
    result.written.extend(sorted((e.path for e in entries), key=manifest_order(after)))


def _place_packet(result: BuildResult, folder: Path, packets: _Packets | None = None) -> None:
    """Assemble the packet (in ``packets``' processes, if given) and put it in place with the
    manifest, unless the folder's ``packet.pdf`` is not docgen's to replace."""
    manifest = _manifest(folder)
    if output.clashes(folder, [PACKET], manifest.owned(folder)):
        result.pdf_errors.append(Problem(str(folder / PACKET), message=NOT_OURS))
        return
    if packets is not None:
        packets.make(result, folder)
    else:
        _store_packet(result, folder, _packet(result, folder))


def _store_packet(result: BuildResult, folder: Path,
                  packet: tuple[FileEntry, bytes] | None) -> None:
    """Put the made ``packet`` (None: there was none to make) in place with the manifest."""
    if packet is None:
        return
    manifest = _manifest(folder)
    if output.clashes(folder, [PACKET], manifest.owned(folder)):
        result.pdf_errors.append(Problem(str(folder / PACKET), message=NOT_OURS))
        return
    entry, blob = packet
    with output.Staging(within=folder) as staging:
        staging.add(folder / PACKET, blob)
        staging.add(folder / MANIFEST, manifest.with_entries([entry]).to_bytes())
        staging.place()
    result.written.append(PACKET)


def _packet(result: BuildResult, folder: Path) -> tuple[FileEntry, bytes] | None:
    """Assemble ``packet.pdf`` from the folder's PDFs; return its entry and bytes (None: no
    PDFs)."""
    manifest = _manifest(folder)
    pdfs = {e.kind: e for e in manifest.of_format("pdf") if e.source and e.kind != "notice"}
    order = [k.kind for k in DOCUMENTS if k.kind in pdfs]
    if not order:
        return None
    spec_file = Path(result.spec_file)
    spec_bytes = spec_file.read_bytes()
    if output.sha256(spec_bytes) != manifest.spec.sha256:
        raise OutputError.at(spec_file, "changed during the build; build again")
    data = json.loads(spec_bytes.decode("utf-8-sig"))
    notices = _in_spec_order([e for e in manifest.of_format("pdf") if e.kind == "notice"], data)
    school = data["parties"]["school"]
    partner = data["parties"]["partner"]
    names = (school.get("short_name") or school["legal_name"],
             partner.get("short_name") or partner["legal_name"])
    parts = [(PACKET_PARTS[k][0], PACKET_PARTS[k][1], (folder / pdfs[k].path).read_bytes())
             for k in order]
    for entry in notices:
        if not entry.locale:
            raise OutputError.at(folder / MANIFEST, f"is damaged: it names {entry.path} without "
                                 "a language; build the folder again with --force")
        parts.append((notice_bookmark(entry.locale), f"Notice-{entry.locale}-",
                      (folder / entry.path).read_bytes()))
    assert result.source_date is not None
    blob, texts = assemble_packet_and_texts(
        parts, title=f"Signing packet: {names[0]} and {names[1]}, {data['school_year']}",
        subject=(f"Community-school partnership agreement between {school['legal_name']} and "
                 f"{partner['legal_name']}, school year {data['school_year']}"),
        keywords="; ".join((school["legal_name"], partner["legal_name"], data["school_year"])),
        spec_bytes=spec_bytes, when=result.source_date, signatories=signatories(data),
        signed_parts=[PACKET_PARTS[k][0] for k in SIGNED])
    blob, checks = honest_pdf(blob)
    record = checks.to_json()
    record["page_text_sha256"] = text_hashes(texts)
    return FileEntry(path=PACKET, kind="packet", format="pdf",
                     locale=manifest.files[0].locale or DEFAULT_LOCALE,
                     sha256=output.sha256(blob), bytes=len(blob),
                     sources=tuple([pdfs[k].path for k in order] + [e.path for e in notices]),
                     checks=record), blob


def signatories(data: dict[str, Any]) -> list[Signatory]:
    """The spec's signatories, each with the legal name of the party they sign for."""
    parties = data.get("parties") or {}
    out = []
    for s in data.get("signatures") or []:
        party = parties.get(s["party"]) or {}
        out.append(Signatory(s["party"], party.get("legal_name") or s["party"], s["name"],
                             s["title"]))
    return out


def _in_spec_order(notices: list[FileEntry], data: dict[str, Any]) -> list[FileEntry]:
    """The notices ``notices`` in the order the spec ``data`` lists its notice languages."""
    listed = [normalise(t) for t in (data.get("family_notices") or {}).get("languages", [])]

    def rank(entry: FileEntry) -> tuple[int, str]:
        tag = normalise(entry.locale or DEFAULT_LOCALE)
        return (listed.index(tag) if tag in listed else len(listed), entry.path)

    return sorted(notices, key=rank)


def notice_bookmark(tag: str) -> str:
    """The packet's bookmark for the notice in ``tag``: its language named in English, then in
    itself after a dash when that is another name (a dash, not brackets: both names may carry
    brackets of their own, "Chinese (Simplified)"). A language CLDR lacks, such as hmn or prs,
    is named too: a failure here would stop the PDF pool.

    >>> notice_bookmark("es")
    'Family notice: Spanish – español'
    >>> notice_bookmark("zh-Hans")
    'Family notice: Chinese (Simplified) – 中文 (简体)'
    """
    english, own = language_names([tag], "en")[0], own_name(tag)
    return f"Family notice: {english}" + (f" – {own}" if own and own != english else "")