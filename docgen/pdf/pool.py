"""PDFs through LibreOffice: a pool of long-lived headless workers, and reproducible output.

Starting soffice costs seconds; converting a document in a running one costs a fraction of a
second. :class:`PdfPool` therefore keeps one worker per core (each a headless soffice with its own
profile, driven over UNO by ``worker.py``) and feeds it every document of a run. A worker that
hangs or dies is killed and restarted, and its document retried once; a document that still
fails is reported by name and the others go on.

The PDFs are tagged PDF/A-3b claiming PDF/UA-1 (checked afterwards, see :mod:`docgen.pdf.checks`); :mod:`docgen.pdf.pin` makes their bytes reproducible.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable


from ..errors import ConverterError

#: What docgen asks LibreOffice's PDF export for (the filter's own option names).
PDF_OPTIONS: dict[str, Any] = {
    # PDF/A-3b (LibreOffice 7.4: 1, 2 and 3 are PDF/A-1b, -2b and -3b), as the packet is: PDF/A-2
    # forbids the packet's attached spec.json, and the packet and its parts agree
    "SelectPdfVersion": 3,
    "UseTaggedPDF": True,
    # LibreOffice claims PDF/UA-1 whether or not the content conforms: docgen checks each PDF
    # and takes the claim away from one that fails (docgen.pdf.checks)
    "PDFUACompliance": True,
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


# --- the workers' profile --------------------------------------------------------------------

#: What each worker's LibreOffice profile is set to, whatever the machine's own settings say:
#: links are never updated (Writer: 2 is "never"; Calc: 1), fields are not updated on load,
#: links from a document outside a trusted location (there is none) are blocked, and no macro
#: runs. docgen refuses a DOCX that points outside itself before it gets here
#: (:mod:`docgen.ooxml.links`); these settings hold even if something slips through.
PROFILE_SETTINGS: tuple[tuple[str, str, str, str], ...] = (
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks",
     "xs:boolean", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "xs:int", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution",
     "xs:boolean", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "SecureURL", "oor:string-list", ""),
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "xs:int", "2"),
    ("/org.openoffice.Office.Writer/Content/Update", "Field", "xs:boolean", "false"),
    ("/org.openoffice.Office.Writer/Content/Update", "Chart", "xs:boolean", "false"),
    ("/org.openoffice.Office.Calc/Content/Update", "Link", "xs:int", "1"),
)


def write_profile(profile: Path) -> Path:
    """Write the settings of :data:`PROFILE_SETTINGS` into the new LibreOffice profile
    ``profile``; return the file written (``user/registrymodifications.xcu``)."""
    items = "".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
        + (f'<value xsi:nil="false"/>' if kind == "oor:string-list" else f"<value>{value}</value>")
        + "</prop></item>\n"
        for path, name, kind, value in PROFILE_SETTINGS)
    text = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' + items + "</oor:items>\n")
    target = profile / "user" / "registrymodifications.xcu"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


# --- the workers' profile folders -------------------------------------------------------------

#: The name each worker's profile folder starts with, in the temporary folder.
PROFILE_PREFIX = "docgen-lo-profile-"
#: The lock docgen holds in a profile folder for as long as its worker runs.
PROFILE_OWNER = ".docgen-owner"


def _own_profile(profile: str) -> int:
    """Lock the new profile folder ``profile`` for this process; return the lock's descriptor
    (released by the kernel however this process ends)."""
    fd = os.open(os.path.join(profile, PROFILE_OWNER),
                 os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def remove_left_profiles(folder: str | None = None) -> list[str]:
    """Remove the workers' profile folders that a run killed with all its processes left in
    the temporary folder (``folder``): those whose lock no process holds. A folder without the
    lock is left alone: it may be in the making, or another docgen's. Return them."""
    base = folder or tempfile.gettempdir()
    removed = []
    try:
        entries = os.listdir(base)
    except OSError:
        return []
    for name in entries:
        if not name.startswith(PROFILE_PREFIX):
            continue
        path = os.path.join(base, name)
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if not (os.path.isdir(path) and not os.path.islink(path)
                and info.st_uid == os.getuid()):
            continue
        try:
            fd = os.open(os.path.join(path, PROFILE_OWNER), os.O_RDWR | os.O_NOFOLLOW)
        except OSError:
            continue  # no lock: another docgen's (an older version's), or in the making
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # a run is using it
        try:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        finally:
            os.close(fd)
    return removed


_swept = False


def _sweep_once() -> None:
    global _swept
    if not _swept:
        _swept = True
        remove_left_profiles()


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
    """One worker.py process and its soffice, each in a process group of its own; both die
    with docgen (see :mod:`docgen.pdf.lifeline`)."""

    def __init__(self, converter: Converter, startup_timeout: float,
                 command: list[str] | None = None) -> None:
        #: held while the worker is killed: the run's ``finally`` and a pool thread that saw
        #: the worker go silent may kill it at the same moment (a SIGTERM during PDFs)
        self._ending = threading.Lock()
        #: set once the worker is killed
        self.ended = threading.Event()
        self.profile = tempfile.mkdtemp(prefix=PROFILE_PREFIX)
        self._owner = _own_profile(self.profile)
        write_profile(Path(self.profile))
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.soffice_pid: int | None = None
        self.proc: subprocess.Popen[str] | None = None
        self._killed = False
        self._args = (command or [converter.python, str(_WORKER)]) + [converter.soffice,
                                                                      self.profile]
        self._startup_timeout = startup_timeout

    def start(self) -> None:
        """Start the process and wait until it is ready; a worker killed before it started
        never starts."""
        with self._ending:
            if self._killed:
                raise ConverterError("docgen was stopped before LibreOffice started")
            try:
                self.proc = subprocess.Popen(
                    self._args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
                    start_new_session=True)
            except OSError as e:
                self._killed = True
                self._remove_profile()
                raise ConverterError(f"LibreOffice's worker could not start "
                                     f"({e.strerror or e}); {INSTALL_HINT}") from None
        threading.Thread(target=self._read, daemon=True).start()
        ready = self._next(self._startup_timeout)
        answer = _answer(ready) or {}
        if not answer.get("ready"):
            self.kill()
            detail = answer.get("error", "") or "no answer"
            raise ConverterError(f"LibreOffice did not start ({detail}); {INSTALL_HINT}")
        self.version = answer.get("version", "")
        pid = answer.get("soffice_pid")
        self.soffice_pid = pid if isinstance(pid, int) else None

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
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
        assert self.proc is not None and self.proc.stdin is not None
        request = {"id": id(job), "src": str(job.src.resolve()), "dst": str(job.dst.resolve()),
                   "options": options}
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        return _answer(self._next(timeout))

    def kill(self) -> None:
        """Kill the worker's group and its soffice's, and remove the profile; a second call,
        from another thread too, waits for the first and does nothing more."""
        with self._ending:
            self._killed = True
            for group in (self.proc.pid if self.proc else None, self.soffice_pid):
                if group is not None:
                    try:
                        os.killpg(group, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
            if self.proc is not None:
                self.proc.wait()
            self._remove_profile()
            self.ended.set()

    def _remove_profile(self) -> None:
        shutil.rmtree(self.profile, ignore_errors=True)
        if self._owner >= 0:
            # once only: a second close could close a file another thread has just opened
            owner, self._owner = self._owner, -1
            os.close(owner)

    def close(self) -> None:
        try:
            assert self.proc is not None and self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


def _answer(line: str | None) -> dict[str, Any] | None:
    """The worker's JSON answer on ``line``; None for no line, or one that is not an answer."""
    if not line:
        return None
    try:
        answer = json.loads(line)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


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
    #: set by tests: the command that runs a worker instead of worker.py (a fake LibreOffice);
    #: soffice and the profile folder are added to it
    worker_command: list[str] | None = None
    #: the workers running now, killed when :meth:`convert` ends however it ends
    _live: set[_Worker] = field(default_factory=set, repr=False)
    #: workers started ahead by :meth:`start` (or the error that stopped one), and how many
    #: of them no conversion has taken yet
    _ready: queue.Queue[_Worker | ConverterError] = field(default_factory=queue.Queue,
                                                           repr=False)
    _ahead: int = field(default=0, repr=False)
    _ahead_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def start(self) -> None:
        """Start the workers now, in the background, so that :meth:`convert` finds them
        running (a build starts them while it writes its DOCX files). A worker that cannot
        start is the error of the first job given to it, as without this call. Workers that
        no :meth:`convert` takes are ended by :meth:`close`."""
        with self._ahead_lock:
            if self._ahead:
                return
            self._ahead = self.workers

        def one() -> None:
            try:
                worker = self.start_worker()
                self._ready.put(worker)
                # the kernel's parent-death signal (the worker's lifeline) follows the thread
                # that started the process, not docgen: this thread lives as long as its worker
                worker.ended.wait()
            except ConverterError as e:
                self._ready.put(e)
            except Exception as e:  # noqa: BLE001 - never a thread that leaves convert waiting
                self._ready.put(ConverterError(f"LibreOffice did not start ({_plain(e)}); "
                                               f"{INSTALL_HINT}"))

        _sweep_once()
        for _ in range(self.workers):
            threading.Thread(target=one, daemon=True, name="docgen-pdf-start").start()

    def _started(self) -> _Worker | None:
        """A worker :meth:`start` started (waiting for it if it is still starting), or None
        when there is none left; raise the error that stopped it."""
        with self._ahead_lock:
            if not self._ahead:
                return None
            self._ahead -= 1
        got = self._ready.get()
        if isinstance(got, ConverterError):
            raise got
        return got

    def close(self) -> None:
        """End every worker, those :meth:`start` started that no conversion took included."""
        while True:
            try:
                worker = self._started()
            except ConverterError:
                continue
            if worker is None:
                break
            self.stop_worker(worker, hung=False)
        for worker in list(self._live):
            worker.kill()

    def convert(self, jobs: Iterable[PdfJob]) -> list[PdfResult]:
        """Convert ``jobs``; retry a job once if its worker hangs or dies.

        Whatever goes wrong with one job (its worker, reading its answer, or ``on_result``
        placing its PDF) ends that job with an error and the others go on: a pool thread never
        dies with work left, so the run always ends. However this returns (an exception, or a
        SIGTERM docgen turned into one), every worker and its profile are gone after it.
        """
        run = _Run(self, list(jobs))
        if not run.pending:
            return []
        _sweep_once()  # the profiles of a run killed with all its processes
        threads = [threading.Thread(target=run.work, daemon=True)
                   for _ in range(min(self.workers, len(run.pending)))]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            run.stopping = True
            for worker in list(self._live):
                worker.kill()
        if run.startup_errors and not any(r.ok for r in run.results):
            raise run.startup_errors[0]
        order = {id(job): i for i, job in enumerate(run.pending)}
        return sorted(run.results, key=lambda r: order[id(r.job)])

    def start_worker(self, stopping: Callable[[], bool] | None = None) -> _Worker:
        """Start a worker (one :attr:`worker_command` runs, if set) and keep it in the pool;
        none starts once ``stopping()`` is true (the run's ``finally`` has killed the workers
        it knew)."""
        worker = _Worker(self.converter, self.startup_timeout, self.worker_command)
        self._live.add(worker)  # before it starts: a run that ends meanwhile kills it
        if stopping is not None and stopping():
            worker.kill()  # the run ended before it could see this worker
        try:
            worker.start()
        except ConverterError:
            self._live.discard(worker)
            raise
        return worker

    def stop_worker(self, worker: _Worker, hung: bool) -> None:
        """Kill a hung ``worker``, or close one whose work is done; drop it from the pool."""
        self._live.discard(worker)
        if hung:
            worker.kill()
        else:
            worker.close()


class _Run:
    """One :meth:`PdfPool.convert`: the queue of jobs, the results, and the threads' loop."""

    def __init__(self, pool: PdfPool, pending: list[PdfJob]) -> None:
        self.pool, self.pending = pool, pending
        self.todo: queue.Queue[PdfJob | None] = queue.Queue()
        for job in pending:
            self.todo.put(job)
        self.results: list[PdfResult] = []
        self.lock = threading.Lock()
        self.remaining = len(pending)
        self.startup_errors: list[ConverterError] = []
        self.stopping = False

    def finish(self, result: PdfResult) -> None:
        """Record ``result`` and hand it on; when it is the last, tell the threads to stop."""
        with self.lock:
            self.results.append(result)
            self.remaining -= 1
            done = self.remaining == 0
        try:
            if self.pool.on_result:
                self.pool.on_result(result)
        except Exception as e:  # noqa: BLE001 - placing one PDF failed: it is that PDF's error
            result.ok, result.error = False, f"docgen could not place its PDF ({_plain(e)})"
        finally:
            if done:
                for _ in range(self.pool.workers):
                    self.todo.put(None)

    def work(self) -> None:
        """A pool thread: take jobs until told to stop; never die with a job unfinished."""
        worker: _Worker | None = None
        try:
            while not self.stopping:
                job = self.todo.get()
                if job is None:
                    return
                try:
                    worker = self.one(worker, job)
                except Exception as e:  # noqa: BLE001 - any failure is this job's, not the run's
                    if worker is not None:
                        self.pool.stop_worker(worker, hung=True)
                        worker = None
                    self.finish(PdfResult(job, False, f"docgen failed while converting it "
                                                      f"({_plain(e)})"))
        finally:
            if worker is not None:
                self.pool.stop_worker(worker, hung=False)

    def one(self, worker: _Worker | None, job: PdfJob) -> _Worker | None:
        """Convert ``job`` in ``worker`` (started if None); return the worker to go on with."""
        if worker is None:
            try:
                worker = self.pool._started() or self.pool.start_worker(lambda: self.stopping)
            except ConverterError as e:
                self.startup_errors.append(e)
                self.finish(PdfResult(job, False, e.message))
                return None
        if self.pool.before_job:
            self.pool.before_job(worker, job)
        answer = worker.convert(job, self.pool.options, self.pool.timeout)
        if answer is None:  # hung or died: a fresh worker, and one more try
            self.pool.stop_worker(worker, hung=True)
            job.attempts += 1
            if job.attempts <= 1:
                self.todo.put(job)
            else:
                self.finish(PdfResult(job, False, "LibreOffice hung or crashed on it twice"))
            return None
        self.finish(PdfResult(job, bool(answer.get("ok")), str(answer.get("error", ""))))
        return worker


def _plain(error: BaseException) -> str:
    """An unexpected error in words: its own, or its class's name."""
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    return str(error) or type(error).__name__
