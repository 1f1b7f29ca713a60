"""The build page's work, apart from the web: a build run in the background with its progress,
page thumbnails of its PDFs, and what the page shows of a built folder.

A build is docgen's own (:func:`docgen.build.run.build`), into ``OUT/<spec id>/`` inside the
served folder (``OUT`` is :data:`OUT`), with ``force``: docgen then replaces only the files its
manifest says it wrote and that nobody changed since, so a document someone edited in the folder
is never overwritten (the build says so, in the CLI's words). One build runs at a time per spec;
its progress is what the build's callbacks report, kept in a :class:`Job` the page polls.

Thumbnails are PNGs that ``pdftoppm -png -r 40`` makes of each page, kept in
``OUT/.thumbnails/<PDF SHA-256>/``: made once per PDF's bytes, whatever folder the PDF is in,
written whole into a working folder and renamed into place.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..build.manifest import MANIFEST, Manifest, read_manifest
from ..build.outputs import PACKET
from ..build.result import BuildResult
from ..errors import DocgenError, Problem
from ..output import sha256
from ..resources import Resources

#: The folder, inside the served folder, that builds write into (``out/<spec id>/``).
OUT = "out"
#: Where the thumbnails are kept, inside :data:`OUT`.
THUMBNAILS = ".thumbnails"
#: The resolution of a thumbnail, in dots per inch.
THUMBNAIL_DPI = 40
#: The most pages of one PDF that get thumbnails (a longer document shows its first pages).
MAX_THUMBNAIL_PAGES = 60
#: The longest a zip of one folder may be, in bytes before compressing.
MAX_ZIP_BYTES = 256 * 1024 * 1024

#: What a document of a build is called on the page, by its manifest kind.
KIND_NAMES = {"mou": "Memorandum of Understanding", "data-sharing-agreement":
              "Student data-sharing agreement", "role-chart": "Role chart (RACI)",
              "notice": "Family notice", "packet": "Signing packet"}


@dataclass
class Job:
    """One build of one spec, as the page shows it while it runs and after."""

    spec_file: str
    started: dt.datetime
    step: str = "Checking the spec"
    documents_total: int = 0
    documents_done: int = 0
    finished: bool = False
    #: the build's result once it is done (None while it runs, or when it crashed)
    result: BuildResult | None = None
    #: the lines to show for what went wrong, in the CLI's words
    errors: list[str] = field(default_factory=list)
    #: lines the CLI prints to stderr that are not failures (DRAFT notices, fonts)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.finished and not self.errors


class Jobs:
    """The builds of one running server, at most one at a time per spec file."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._threads: dict[str, threading.Thread] = {}

    def get(self, spec_file: str) -> Job | None:
        with self._lock:
            return self._jobs.get(spec_file)

    def start(self, spec_file: str, run: Callable[[Job], None]) -> tuple[Job, bool]:
        """Start ``run`` for ``spec_file`` in a thread unless a build of it is running; return
        the job and whether it was started now."""
        with self._lock:
            job = self._jobs.get(spec_file)
            if job is not None and not job.finished:
                return job, False
            job = Job(spec_file, dt.datetime.now(dt.timezone.utc))
            self._jobs[spec_file] = job

            def work() -> None:
                try:
                    run(job)
                except Exception as e:  # noqa: BLE001 - the page must hear of it, not hang
                    job.errors.append(f"Error: the build stopped unexpectedly ({type(e).__name__}:"
                                      f" {e}); nothing half-written was kept. Build again, or "
                                      f"run docgen build {spec_file} to see more")
                finally:
                    job.step = "Done" if not job.errors else "Stopped"
                    job.finished = True

            thread = threading.Thread(target=work, daemon=True, name=f"docgen-build-{spec_file}")
            self._threads[spec_file] = thread
            thread.start()
            return job, True

    def wait(self, spec_file: str, timeout: float | None = None) -> None:
        """Wait for the build of ``spec_file`` to end (tests, and the server's shutdown)."""
        thread = self._threads.get(spec_file)
        if thread is not None:
            thread.join(timeout)


@dataclass(frozen=True)
class BuildSettings:
    """How the page builds: PDFs or not, the LibreOffice pool (tests give a fake one)."""

    pdf: bool = True
    pool: Any = None
    workers: int = 1


def run_build(job: Job, out: Path, settings: BuildSettings, resources: Resources | None = None,
              *, allow_incomplete: bool = False) -> None:
    """Build ``job.spec_file`` into ``out`` as ``docgen build --force`` would, reporting
    progress into ``job``; then make the thumbnails of its PDFs."""
    from ..build.run import BuildOptions, build
    from ..cli.options import pdf_line, source_date

    options = BuildOptions(out, force=True, source_date=source_date(), pdf=settings.pdf,
                           jobs=1, pdf_workers=settings.workers,
                           resources=resources or Resources.shipped(),
                           allow_incomplete=allow_incomplete)

    def on_spec(result: BuildResult) -> None:
        docx = [n for n in result.written if n.endswith(".docx")]
        job.documents_total = len(docx) or len(result.pdf_needed)
        if result.error is None and settings.pdf and result.pdf_needed:
            job.documents_total = len(result.pdf_needed)
            job.step = "LibreOffice is making the PDFs"
        elif result.error is None:
            job.documents_done = job.documents_total
            job.step = "Writing the documents"

    def on_pdf(done: int, total: int, item: Any) -> None:
        job.documents_done, job.documents_total = done, total
        job.step = ("LibreOffice is making the PDFs" if done < total
                    else "Putting the signing packet together")

    job.step = "Checking the spec and writing the Word documents"
    results = build([job.spec_file], options, on_spec=on_spec, on_pdf=on_pdf,
                    pool=settings.pool)
    result = job.result = results[0]
    if result.error is not None:
        job.errors.extend(result.error.lines())
        return
    seen: set[Problem] = set()
    for problem in result.pdf_errors:
        if problem not in seen:
            seen.add(problem)
            job.errors.append(pdf_line(problem))
    for path, count in result.drafts:
        job.notes.append(f"{result.folder}/{path}: DRAFT: {count} catalog problem"
                         f"{'s' if count != 1 else ''} (listed in manifest.json); the letter "
                         "says so at the top")
    for path, detail in result.font_problems:
        job.notes.append(f"{result.folder}/{path}: warning: {detail}")
    if result.folder is not None and settings.pdf:
        manifest = read_manifest(result.folder)
        pdfs = [e for e in (manifest.of_format("pdf") if manifest else []) if e.kind != "packet"]
        for i, entry in enumerate(pdfs):
            job.step = f"Making page pictures: {i + 1} of {len(pdfs)} documents"
            try:
                thumbnails(out, result.folder / entry.path)
            except DocgenError as e:  # a picture is a nicety: say so, keep the build
                job.notes.extend(e.lines())
    job.documents_done = job.documents_total


# --- thumbnails ---------------------------------------------------------------------------


class ThumbnailError(DocgenError):
    """pdftoppm is missing or could not read a PDF."""


def thumbnails(out: Path, pdf: Path) -> list[Path]:
    """Return the PNG of each page of ``pdf`` (at most :data:`MAX_THUMBNAIL_PAGES`), made once
    per PDF's bytes into ``out/.thumbnails/<SHA-256>/``."""
    data = pdf.read_bytes()
    target = out / THUMBNAILS / sha256(data)
    if target.is_dir():
        return sorted(target.glob("page-*.png"), key=_page_number)
    program = shutil.which("pdftoppm")
    if program is None:
        raise ThumbnailError.at(pdf, "no page pictures: pdftoppm is not installed (it comes "
                                "with poppler-utils: apt-get install poppler-utils)")
    (out / THUMBNAILS).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".making-", dir=out / THUMBNAILS))
    try:
        source = work / "document.pdf"
        source.write_bytes(data)  # the bytes hashed, whatever happens to the file meanwhile
        done = subprocess.run([program, "-png", "-r", str(THUMBNAIL_DPI), "-l",
                               str(MAX_THUMBNAIL_PAGES), str(source), str(work / "page")],
                              capture_output=True, timeout=120, check=False)
        source.unlink()
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ThumbnailError.at(pdf, "no page pictures: pdftoppm could not read it ("
                                    + (detail[-1] if detail else f"exit {done.returncode}") + ")")
        for png in work.glob("page-*.png"):  # page-01.png → page-1.png, whatever the padding
            png.rename(work / f"page-{_page_number(png)}.png")
        try:
            os.rename(work, target)
        except OSError:
            if not target.is_dir():  # not made by another request meanwhile
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return sorted(target.glob("page-*.png"), key=_page_number)


def _page_number(png: Path) -> int:
    try:
        return int(png.stem.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return 0


def thumbnail_file(out: Path, digest: str, page: int) -> Path | None:
    """The thumbnail of page ``page`` of the PDF whose SHA-256 is ``digest``, if it was made."""
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest) or page < 1:
        return None
    png = out / THUMBNAILS / digest / f"page-{page}.png"
    return png if png.is_file() else None


# --- what a built folder holds ------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """One document of a built folder, as the page lists it."""

    kind: str
    name: str
    docx: str | None
    pdf: str | None
    pdf_sha256: str | None
    locale: str | None
    #: what ``docgen explain --document`` calls it (None for the packet)
    explain: str | None
    pages: int = 0
    draft: bool = False
    #: a notice's language in its own words ("español")
    language: str | None = None

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.name)


@dataclass(frozen=True)
class Folder:
    """A spec's build folder: its documents, and whether it was built from the spec as it is."""

    path: Path
    manifest: Manifest
    documents: list[Built]
    current: bool

    @property
    def packet(self) -> Built | None:
        return next((d for d in self.documents if d.kind == "packet"), None)


def built_folder(out: Path, spec_id: str, spec_sha256: str | None) -> Folder | None:
    """What ``out/<spec_id>/`` holds, from its manifest; None when docgen never built it."""
    path = out / spec_id
    manifest = read_manifest(path)
    if manifest is None:
        return None
    pdf_of = {e.source: e for e in manifest.of_format("pdf") if e.source}
    documents = []
    for entry in manifest.of_format("docx"):
        pdf = pdf_of.get(entry.path)
        pdf_ok = pdf is not None and (path / pdf.path).is_file()
        locale = entry.locale if entry.kind == "notice" else None
        name = KIND_NAMES.get(entry.kind or "", entry.path)
        language = None
        if locale:
            from ..i18n.scripts import own_name

            language = own_name(locale)
            name = f"{name}: {language} ({locale})"
        pages = 0
        if pdf_ok and pdf is not None:
            folder = out / THUMBNAILS / pdf.sha256
            pages = len(list(folder.glob("page-*.png"))) if folder.is_dir() else 0
        explain = (f"notice-{locale}" if entry.kind == "notice" and locale
                   else entry.kind if entry.kind in ("mou", "data-sharing-agreement",
                                                     "role-chart") else None)
        documents.append(Built(entry.kind or "", name, entry.path,
                               pdf.path if pdf_ok and pdf else None,
                               pdf.sha256 if pdf_ok and pdf else None, locale, explain, pages,
                               bool(entry.incomplete_translation), language))
    packet = manifest.entry(PACKET)
    if packet is not None and (path / PACKET).is_file():
        documents.append(Built("packet", KIND_NAMES["packet"], None, PACKET, packet.sha256,
                               None, None))
    return Folder(path, manifest, documents, manifest.spec.sha256 == spec_sha256)


def served_file(folder: Folder, name: str) -> Path | None:
    """The file ``name`` of the build folder, if its manifest names it (or it is the manifest)
    and it is a plain file inside the folder: nothing else is served."""
    if name != MANIFEST and folder.manifest.entry(name) is None:
        return None
    path = folder.path / name
    try:
        resolved = path.resolve(strict=True)
        resolved.relative_to(folder.path.resolve(strict=True))
    except (OSError, ValueError):
        return None
    if path.is_symlink() or not resolved.is_file():
        return None
    return resolved


def folder_zip(folder: Folder) -> bytes:
    """A zip of the folder's documents, the packet and the manifest, each as docgen wrote it
    (a file changed since is left out: the zip holds what the manifest vouches for)."""
    buffer = io.BytesIO()
    total = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        names = [e.path for e in folder.manifest.files
                 if e.format in ("docx", "pdf") or e.kind == "packet"] + [MANIFEST]
        for name in dict.fromkeys(names):
            path = served_file(folder, name)
            if path is None:
                continue
            data = path.read_bytes()
            entry = folder.manifest.entry(name)
            if entry is not None and sha256(data) != entry.sha256:
                continue
            total += len(data)
            if total > MAX_ZIP_BYTES:
                break
            info = zipfile.ZipInfo(f"{folder.path.name}/{name}", (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
