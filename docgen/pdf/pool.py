"""PDFs through LibreOffice: a pool of long-lived headless workers, and reproducible output.

Starting soffice costs seconds; converting a document in a running one costs a fraction of a
second. :class:`PdfPool` therefore keeps one worker per core (each a headless soffice with its own
profile, driven over UNO by ``worker.py``) and feeds it every document of a run. A worker that
hangs or dies is killed and restarted, and its document retried once; a document that still
fails is reported by name and the others go on.

The PDFs are tagged PDF/A-2b. LibreOffice stamps each with the time of export and a random file
identifier; :func:`pin_pdf` replaces both, byte for byte, so the same DOCX gives the same PDF.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import os
import queue
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from pypdf import PdfReader

from ..errors import ConverterError

#: What docgen asks LibreOffice's PDF export for (the filter's own option names).
PDF_OPTIONS: dict[str, Any] = {
    "SelectPdfVersion": 2,  # PDF/A-2b, which LibreOffice 7.4 always tags
    "UseTaggedPDF": True,
    "ExportBookmarks": True,
    "DisplayPDFDocumentTitle": True,
    "ExportNotes": False,
    "UseLosslessCompression": True,
}

INSTALL_HINT = ("install LibreOffice with: apt-get install libreoffice-writer-nogui "
                "fonts-noto-core fonts-noto-cjk (or pass --no-pdf)")

_WORKER = Path(__file__).resolve().parent / "worker.py"


@dataclass(frozen=True)
class Converter:
    """Where LibreOffice and a Python with its UNO bridge are."""

    soffice: str
    python: str


_SOFFICE_CANDIDATES = ("soffice", "libreoffice", "/usr/lib/libreoffice/program/soffice",
                       "/opt/libreoffice/program/soffice")
_PYTHON_CANDIDATES = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python",
                      "/opt/libreoffice/program/python")


@functools.lru_cache(maxsize=1)
def find_converter() -> Converter:
    """Return the LibreOffice this machine has; raise :class:`ConverterError` naming the fix."""
    soffice = next((p for p in (shutil.which(c) or (c if os.path.isfile(c) else None)
                                for c in _SOFFICE_CANDIDATES) if p), None)
    if soffice is None:
        raise ConverterError(f"PDFs need LibreOffice, which is not installed; {INSTALL_HINT}")
    for python in _PYTHON_CANDIDATES:
        if os.path.isfile(python):
            try:
                ok = subprocess.run([python, "-c", "import uno"], capture_output=True,
                                    timeout=30).returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                ok = False
            if ok:
                return Converter(soffice, python)
    raise ConverterError("PDFs need LibreOffice's Python bridge, which is not installed; "
                         "install it with: apt-get install python3-uno (or pass --no-pdf)")


@functools.lru_cache(maxsize=1)
def soffice_version(soffice: str) -> str:
    """Return what ``soffice --version`` prints, e.g. "LibreOffice 7.4.7.2 40(Build:2)"."""
    with tempfile.TemporaryDirectory(prefix="docgen-lo-") as profile:
        try:
            out = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}",
                                  "--version"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"unknown ({e})"
    return out.stdout.strip().splitlines()[0] if out.stdout.strip() else "unknown"


# --- reproducible bytes -----------------------------------------------------------------------


def _eexec(data: bytes, decrypt: bool, r: int = 55665) -> bytes:
    """Decrypt or encrypt a Type 1 font's eexec section (Adobe Type 1 Font Format, 7.2)."""
    out = bytearray()
    for byte in data:
        plain = byte ^ (r >> 8)
        cipher = byte if decrypt else plain
        out.append(plain if decrypt else cipher)
        r = ((cipher + r) * 52845 + 22719) & 0xFFFF
    return bytes(out)


def _stable_type1(font: bytes, length1: int, length2: int) -> bytes:
    """Replace the /UniqueID LibreOffice numbers per process with a constant of the same size."""

    def constant(m: re.Match[bytes]) -> bytes:
        return b"/UniqueID " + b"4" + b"0" * (len(m.group(1)) - 1)

    clear = re.sub(rb"/UniqueID (\d+)", constant, font[:length1])
    private = re.sub(rb"/UniqueID (\d+)", constant,
                     _eexec(font[length1:length1 + length2], decrypt=True))
    return clear + _eexec(private, decrypt=False) + font[length1 + length2:]


def _stable_streams(data: bytes, when: dt.datetime) -> bytes:
    """Make the streams LibreOffice fills with the moment or the process stable.

    Two are known: the PDF/A colour profile, stamped with the time of export, and each Type 1
    font (how LibreOffice embeds CFF fonts such as Noto CJK), numbered with a per-process
    /UniqueID. Their compressed length may change; only offsets after them move, and the classic
    cross-reference table LibreOffice writes is rebuilt from pypdf's reading.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        offsets = dict(reader.xref[0])
        changes: dict[int, bytes] = {}
        intents = reader.root_object.get("/OutputIntents")
        if intents:
            ref = intents[0].get_object().raw_get("/DestOutputProfile")
            profile = bytearray(ref.get_object().get_data())
            if len(profile) >= 128 and profile[36:40] == b"acsp":
                profile[24:36] = struct.pack(">6H", when.year, when.month, when.day, when.hour,
                                             when.minute, when.second)
                changes[ref.idnum] = bytes(profile)
        for idnum in offsets:
            obj = reader.get_object(idnum)
            if isinstance(obj, dict) and "/Length2" in obj and "/Length1" in obj:
                font = obj.get_data()
                stable = _stable_type1(font, int(obj["/Length1"]), int(obj["/Length2"]))
                if stable != font:
                    changes[idnum] = stable
    except Exception:  # noqa: BLE001 - not a PDF we know how to touch: leave it as it is
        return data
    return _replace_streams(data, offsets, changes) if changes else data


def _replace_streams(data: bytes, offsets: dict[int, int], changes: dict[int, bytes]) -> bytes:
    """Return ``data`` with the FlateDecode streams of ``changes`` replaced and the xref rebuilt."""
    edits: list[tuple[int, int, bytes]] = []
    length_re = re.compile(rb"/Length\s+(\d+)(?:\s+(\d+)\s+R)?")
    for idnum, decoded in changes.items():
        start = offsets[idnum]
        head = data.index(b"stream", start)
        if b"/FlateDecode" not in data[start:head]:
            return data
        body = head + len(b"stream")
        body += 2 if data[body:body + 2] == b"\r\n" else 1
        m = length_re.search(data, start, head)
        if not m:
            return data
        if m.group(2) is None:
            length_at = (m.start(1), m.end(1))
        else:
            at = offsets.get(int(m.group(1)))
            n = re.compile(rb"\d+\s+\d+\s+obj\s*(\d+)").match(data, at) if at else None
            if not n:
                return data
            length_at = (n.start(1), n.end(1))
        old_length = int(data[length_at[0]:length_at[1]])
        # measure the data by /Length: compressed data may itself end in line-end bytes
        if not data[body + old_length:body + old_length + 12].lstrip(b"\r\n").startswith(
                b"endstream"):
            return data
        new_body = zlib.compress(decoded, 9)
        edits.append((body, body + old_length, new_body))
        edits.append((length_at[0], length_at[1], str(len(new_body)).encode()))
    edits.sort()
    out, last, shifts = bytearray(), 0, []
    for a, b, text in edits:
        out += data[last:a] + text
        shifts.append((b, len(text) - (b - a)))
        last = b
    out += data[last:]

    def moved(offset: int) -> int:
        return offset + sum(delta for at, delta in shifts if offset >= at)

    xref_at = out.rfind(b"\nxref") + 1
    m = re.compile(rb"xref\s+0\s+(\d+)\s+").match(out, xref_at)
    if xref_at <= 0 or not m or int(m.group(1)) != max(offsets) + 1:
        return data
    table = [b"0000000000 65535 f \n"]
    for number in range(1, int(m.group(1))):
        table.append(b"%010d 00000 n \n" % moved(offsets[number]) if number in offsets
                     else b"0000000000 65535 f \n")
    tail = re.compile(rb"trailer").search(out, m.end())
    if not tail:
        return data
    out[m.end():tail.start()] = b"".join(table)
    return re.sub(rb"startxref\s+\d+", b"startxref\n%d" % xref_at, bytes(out))


def pin_pdf(data: bytes, when: dt.datetime) -> bytes:
    """Return ``data`` with its dates set to ``when`` and its file identifier derived from it.

    Dates in the document info and XMP keep their length, so nothing else moves; the colour
    profile and Type 1 fonts are made stable by :func:`_stable_streams`.
    """
    when = when.astimezone(dt.timezone.utc)
    data = _stable_streams(data, when)
    pdf_date = when.strftime("%Y%m%d%H%M%S")
    xmp_date = when.strftime("%Y-%m-%dT%H:%M:%S")

    def info_date(m: re.Match[bytes]) -> bytes:
        return m.group(1) + pdf_date.encode()

    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)\d{14}", info_date, data)

    def xmp(m: re.Match[bytes]) -> bytes:
        return m.group(1) + xmp_date.encode()

    data = re.sub(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d",
                  xmp, data)
    ident = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
    checksum = re.compile(rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)")
    blank = ident.sub(lambda m: b"/ID[<>]", data)
    blank = checksum.sub(lambda m: m.group(1), blank)
    digest = hashlib.md5(blank, usedforsecurity=False).hexdigest().upper().encode()

    def new_id(m: re.Match[bytes]) -> bytes:
        text = m.group(0)
        for old in (m.group(1), m.group(2)):
            text = text.replace(old, digest[: len(old)].ljust(len(old), b"0"), 1)
        return text

    data = ident.sub(new_id, data)
    return checksum.sub(lambda m: m.group(1) + digest[: len(m.group(2))], data)


# --- the worker pool --------------------------------------------------------------------------


@dataclass
class PdfJob:
    """One DOCX to convert: ``src`` to ``dst``; ``label`` names it in messages."""

    src: Path
    dst: Path
    label: str
    attempts: int = 0


@dataclass
class PdfResult:
    job: PdfJob
    ok: bool
    error: str = ""


class _Worker:
    """One worker.py process and its soffice, in a process group of their own."""

    def __init__(self, converter: Converter, startup_timeout: float) -> None:
        self.profile = tempfile.mkdtemp(prefix="docgen-lo-profile-")
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.proc = subprocess.Popen(
            [converter.python, str(_WORKER), converter.soffice, self.profile],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, encoding="utf-8", start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()
        ready = self._next(startup_timeout)
        if not ready or not json.loads(ready).get("ready"):
            self.kill()
            detail = json.loads(ready).get("error", "") if ready else "no answer"
            raise ConverterError(f"LibreOffice did not start ({detail}); {INSTALL_HINT}")
        self.version = json.loads(ready).get("version", "")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _next(self, timeout: float) -> str | None:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def convert(self, job: PdfJob, options: dict[str, Any],
                timeout: float) -> dict[str, Any] | None:
        """Return the worker's answer for ``job``, or None if it hung or died."""
        assert self.proc.stdin is not None
        request = {"id": id(job), "src": str(job.src.resolve()), "dst": str(job.dst.resolve()),
                   "options": options}
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        line = self._next(timeout)
        return json.loads(line) if line else None

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def close(self) -> None:
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


@dataclass
class PdfPool:
    """Long-lived LibreOffice workers that convert every document of a run."""

    converter: Converter
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    timeout: float = 120.0
    startup_timeout: float = 90.0
    options: dict[str, Any] = field(default_factory=lambda: dict(PDF_OPTIONS))
    #: called after each document with the result; for progress reports
    on_result: Callable[[PdfResult], None] | None = None
    #: set by tests to simulate a worker that hangs or dies: called with (worker, job)
    before_job: Callable[[Any, PdfJob], None] | None = None

    def convert(self, jobs: Iterable[PdfJob]) -> list[PdfResult]:
        """Convert ``jobs``; retry a job once if its worker hangs or dies."""
        todo: queue.Queue[PdfJob | None] = queue.Queue()
        pending = list(jobs)
        for job in pending:
            todo.put(job)
        results: list[PdfResult] = []
        lock = threading.Lock()
        remaining = [len(pending)]
        startup_errors: list[ConverterError] = []

        def finish(result: PdfResult) -> None:
            with lock:
                results.append(result)
                remaining[0] -= 1
                done = remaining[0] == 0
            if self.on_result:
                self.on_result(result)
            if done:
                for _ in range(self.workers):
                    todo.put(None)

        def run() -> None:
            worker: _Worker | None = None
            try:
                while True:
                    job = todo.get()
                    if job is None:
                        return
                    if worker is None:
                        try:
                            worker = _Worker(self.converter, self.startup_timeout)
                        except ConverterError as e:
                            startup_errors.append(e)
                            finish(PdfResult(job, False, e.message))
                            continue
                    if self.before_job:
                        self.before_job(worker, job)
                    answer = worker.convert(job, self.options, self.timeout)
                    if answer is None:  # hung or died: a fresh worker, and one more try
                        worker.kill()
                        worker = None
                        job.attempts += 1
                        if job.attempts <= 1:
                            todo.put(job)
                        else:
                            finish(PdfResult(job, False, "LibreOffice hung or crashed on it "
                                                         "twice"))
                        continue
                    finish(PdfResult(job, bool(answer.get("ok")), answer.get("error", "")))
            finally:
                if worker is not None:
                    worker.close()

        if not pending:
            return []
        threads = [threading.Thread(target=run, daemon=True)
                   for _ in range(min(self.workers, len(pending)))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if startup_errors and not any(r.ok for r in results):
            raise startup_errors[0]
        order = {id(job): i for i, job in enumerate(pending)}
        return sorted(results, key=lambda r: order[id(r.job)])
