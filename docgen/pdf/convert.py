"""Turn DOCX files into reproducible PDFs through one pool of LibreOffice workers.

``docgen build`` and ``docgen review`` both convert here. A caller asks for PDFs in groups (a
build: one group per spec; a review: one per redline) and gets each group's pinned PDF bytes as
soon as the group's last document is done, so an interrupted run keeps what it finished. What
went wrong is data: a :class:`~docgen.errors.Problem` per document, or the one
:class:`~docgen.errors.ConverterError` that stopped everything.
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Generic, Hashable, Protocol, Sequence, TypeVar

from ..errors import ConverterError, DocgenError, Problem
from ..inputs import InputRefused, read_input
from ..ooxml import archive
from ..ooxml.limits import MAX_FILE_BYTES
from ..ooxml.package import DocxRefusals
from ..output import part_beside
from .checks import Checks, honest_pdf
from .pin import pin_pdf
from .pool import PdfJob, PdfPool, PdfResult, find_converter
from .uncomment import without_comments

Group = TypeVar("Group", bound=Hashable)


class Pool(Protocol):
    """What is asked of a pool: :class:`~docgen.pdf.pool.PdfPool`, or a stand-in in tests."""

    def convert(self, jobs: list[PdfJob]) -> list[PdfResult]: ...


@dataclass(frozen=True)
class PdfSettings:
    """How to convert: the pool to use (None: LibreOffice's), its workers and time-out."""

    pool: Pool | None = None
    workers: int | None = None
    timeout: float = 120.0

    def make_pool(self) -> Pool:
        """Return the pool to convert with; raise :class:`ConverterError` without LibreOffice."""
        if self.pool is not None:
            return self.pool
        return PdfPool(find_converter(), workers=self.workers or os.cpu_count() or 1,
                       timeout=self.timeout)


@dataclass(frozen=True)
class PdfRequest(Generic[Group]):
    """One DOCX to convert: ``src`` (a file) into ``target`` (where its caller will put the
    PDF), its ``label`` in messages, the ``group`` it belongs to, and the time the PDF is
    pinned to (see :func:`~docgen.pdf.pin.pin_pdf`)."""

    src: Path
    target: Path
    label: str
    group: Group
    when: dt.datetime


@dataclass(frozen=True)
class Converted(Generic[Group]):
    """A request's outcome: the pinned PDF, or the problem that stopped it (and its text)."""

    request: PdfRequest[Group]
    data: bytes | None = None
    problem: Problem | None = None
    reason: str = ""
    #: what the PDF/A and PDF/UA checker found (see :mod:`docgen.pdf.checks`)
    checks: Checks | None = None

    @property
    def ok(self) -> bool:
        return self.data is not None


def _outcome(request: PdfRequest[Group], result: PdfResult) -> Converted[Group]:
    """Read and pin what the pool wrote, then remove its file."""
    try:
        if not result.ok:
            reason = result.error
        else:
            data, checks = honest_pdf(pin_pdf(result.job.dst.read_bytes(), request.when))
            return Converted(request, data, checks=checks)
    except OSError as e:
        reason = e.strerror or str(e)
    finally:
        result.job.dst.unlink(missing_ok=True)
    return Converted(request, problem=Problem(request.label, message=f"PDF not written: {reason}"),
                     reason=reason)


def _refusal(job: PdfJob, target: Path, copies: list[Path]) -> str | None:
    """Why ``job``'s DOCX must not reach LibreOffice, if it must not: it cannot be read as a
    Word document under docgen's rules, or it points outside itself (a linked picture, a field
    that includes a file…), which the converter would fetch into the PDF. A document with
    comments is converted from a copy without them (:mod:`~docgen.pdf.uncomment`), written
    beside ``target`` as a part in the making (so a killed run's is cleared like its other
    parts) and listed in ``copies``."""
    try:
        members = archive.read_members(read_input(job.src, MAX_FILE_BYTES, "Word document"),
                                       DocxRefusals(str(job.src)))
        uncommented = without_comments(members)
        if uncommented is not None:
            copy = part_beside(target, ".docx")
            copies.append(copy)
            copy.write_bytes(uncommented)
            job.src = copy
    except DocgenError as e:
        return e.message.removeprefix(f"{job.src}: ")
    except (InputRefused, OSError) as e:
        return str(e)
    return None


#: called after each PDF with the count done, the total, and the PDF's outcome
Progress = Callable[[int, int, Converted[Group]], None]


class _Collector(Generic[Group]):
    """Gathers the pool's results by group and hands each group over when it is complete."""

    def __init__(self, groups: Sequence[Group], requests: dict[int, PdfRequest[Group]],
                 on_group: Callable[[Group, list[Converted[Group]]], None],
                 on_progress: Progress[Group] | None) -> None:
        self.requests, self.on_group, self.on_progress = requests, on_group, on_progress
        self.order = {id(r): i for i, r in enumerate(requests.values())}
        self.left = {g: sum(1 for r in requests.values() if r.group == g) for g in groups}
        self.done: dict[Group, list[Converted[Group]]] = {g: [] for g in groups}
        self.seen: set[int] = set()
        self.finished: list[Group] = []
        self.failures: list[str] = []
        self.lock = threading.Lock()

    def take(self, result: PdfResult) -> None:
        with self.lock:
            if id(result.job) in self.seen:
                return
            self.seen.add(id(result.job))
            request = self.requests[id(result.job)]
            try:
                outcome = _outcome(request, result)
            except BaseException as e:  # noqa: BLE001 - one PDF that cannot be read is its
                # error (even a SystemExit: a thread that ended here would leave it unfinished)
                reason = f"docgen could not read its PDF ({type(e).__name__}: {e})"
                outcome = Converted(request, problem=Problem(
                    request.label, message=f"PDF not written: {reason}"), reason=reason)
            self.done[request.group].append(outcome)
            self.left[request.group] -= 1
            try:
                if self.on_progress:
                    self.on_progress(len(self.seen), len(self.requests), outcome)
            except Exception as e:  # noqa: BLE001 - reported when the run ends, which it must
                self.failures.append(f"{request.label}: {type(e).__name__}: {e}")
            if not self.left[request.group]:
                self.finish(request.group)

    def finish(self, group: Group) -> None:
        self.finished.append(group)
        # in the order asked for, not the order LibreOffice finished them: the same run
        # reports the same problems in the same order
        done = sorted(self.done[group], key=lambda c: self.order[id(c.request)])
        try:
            self.on_group(group, done)
        except BaseException as e:  # noqa: BLE001 - reported when the run ends, which it must
            self.failures.append(f"{type(e).__name__}: {e}")

    def unfinished(self) -> list[Group]:
        return [g for g in self.done if g not in self.finished]


#: how many converted PDFs may wait for the finishing stage before a LibreOffice worker waits
#: in turn (each is a file name: the PDFs wait on disk, so memory stays flat)
FINISHING_QUEUE = 64


class _Finishing:
    """The stage that finishes what LibreOffice converted (reading, pinning and checking each
    PDF, and handing complete groups on, where a build places them and makes its packet), in a
    thread of its own, so that the threads that feed LibreOffice only queue a file name and
    go on with the next document.

    Whatever fails in it is the error of the PDF or group it was finishing (see
    :class:`_Collector`); the stage itself never dies with work queued, and a worker never
    waits for a stage that has stopped.
    """

    def __init__(self, take: Callable[[PdfResult], None]) -> None:
        self.take = take
        self.queue: queue.Queue[PdfResult | None] = queue.Queue(maxsize=FINISHING_QUEUE)
        self.thread = threading.Thread(target=self._run, daemon=True, name="docgen-pdf-finish")
        self.thread.start()

    def put(self, result: PdfResult | None) -> None:
        """Queue ``result`` (None: no more); wait while the queue is full and the stage runs."""
        while True:
            try:
                self.queue.put(result, timeout=0.2)
                return
            except queue.Full:
                if not self.thread.is_alive():
                    if result is not None:
                        self.take(result)  # finish it here: the run must end
                    return

    def _run(self) -> None:
        while True:
            result = self.queue.get()
            if result is None:
                return
            self.take(result)

    def close(self) -> None:
        """Wait until everything queued is finished."""
        self.put(None)
        self.thread.join()


def convert_pdfs(groups: Sequence[Group], requests: Sequence[PdfRequest[Group]],
                 settings: PdfSettings, on_group: Callable[[Group, list[Converted[Group]]], None],
                 on_progress: Progress[Group] | None = None) -> ConverterError | None:
    """Convert ``requests``; call ``on_group`` once for each of ``groups`` with its results.

    A group is handed over as soon as its last request is done (from the pool's thread, one
    group at a time), a group without requests at the end. ``on_progress`` is called after each
    PDF with the count done, the total and its outcome. When the converter is missing or fails
    as a whole, the error is returned and the groups not yet handed over never are.
    """
    jobs: dict[int, PdfRequest[Group]] = {}
    ordered: list[PdfJob] = []
    for request in requests:
        job = PdfJob(request.src, part_beside(request.target, ".pdf"), request.label)
        jobs[id(job)] = request
        ordered.append(job)
    collector = _Collector(groups, jobs, on_group, on_progress)
    copies: list[Path] = []
    try:
        return _convert(ordered, jobs, collector, settings, copies)
    finally:
        for copy in copies:
            copy.unlink(missing_ok=True)


def _convert(ordered: list[PdfJob], jobs: dict[int, PdfRequest[Group]],
             collector: _Collector[Group], settings: PdfSettings,
             copies: list[Path]) -> ConverterError | None:
    refusals = {id(job): _refusal(job, jobs[id(job)].target, copies) for job in ordered}
    for job in ordered:
        reason = refusals[id(job)]
        if reason is not None:
            collector.take(PdfResult(job, False, reason))
    ordered = [job for job in ordered if refusals[id(job)] is None]
    if ordered:
        finishing = _Finishing(collector.take)
        try:
            pool = settings.make_pool()
            if isinstance(pool, PdfPool):
                pool.on_result = finishing.put
            results = pool.convert(ordered)
        except ConverterError as e:
            finishing.close()
            for job in ordered:
                job.dst.unlink(missing_ok=True)
            return e
        finishing.close()
        for result in results:  # what a pool did not report as it went
            collector.take(result)
    for group in collector.unfinished():
        collector.finish(group)
    if collector.failures:
        return ConverterError(f"docgen could not place the PDFs ({collector.failures[0]})")
    return None
