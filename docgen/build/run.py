"""Build specs into their output folders, losing nothing on the way, and resuming where it left.

A build runs in two phases. First each spec's DOCX documents are rendered in memory
(:mod:`.documents`); only when all of a spec's documents have rendered are they written into its
folder (:mod:`.outputs`), with ``manifest.json`` last (:mod:`.manifest`). A failure therefore
leaves no partial file. Then, unless PDFs are off, every DOCX of the run goes to one pool of
LibreOffice workers, and each spec's PDFs are put together into ``packet.pdf`` (:mod:`.pdfs`).

An existing output folder is only replaced with ``force``, and even then docgen replaces only the
files its manifest says it wrote and that nobody has changed since: every other file stays. A
folder whose manifest says it was built from this very spec, with these templates, by this
docgen, is skipped; so an interrupted batch, started again, carries on where it stopped.

The batch reports through callbacks and prints nothing.
"""

from __future__ import annotations

import shutil

import concurrent.futures
import glob
import json
import os
import re
import resource
import select
from concurrent.futures.process import BrokenProcessPool
import signal
import threading
import time
from pathlib import Path
from typing import Callable

from .. import __version__, output
from ..errors import (ConverterError, DocgenError, OutputError, SpecError, TemplateError,
                      UsageError)
from ..i18n.scripts import script_of
from ..inputs import read_input
from ..pdf.convert import PdfSettings, Pool
from ..pdf.pool import PdfPool
from ..spec.schema import MAX_SPEC_BYTES, Spec, check_spec, read_spec
from ..doctor import notice_font_problems
from ..pdf.lifeline import parent_death_signal
from .documents import BuildOptions, render_documents, source_date_for
from .manifest import MANIFEST, read_manifest
from .outputs import pdfs_needed, up_to_date, write_outputs
from .pdfs import PdfProgress, build_pdfs
from .result import BuildResult


def build_one(file: str, options: BuildOptions, held: bool = False) -> BuildResult:
    """Build (or skip, if it is up to date) the DOCX documents of one spec.

    ``held``: the run's main process holds the spec's folder (:func:`build`); otherwise this
    call takes the hold itself for as long as it writes.
    """
    result = BuildResult(file)
    hold: output.Hold | None = None
    try:
        spec = read_spec(file)
        if not _unchanged(spec, options):
            problems = check_spec(spec, options.resources)
            if problems:
                raise SpecError(f"{spec.file}: {len(problems)} problem(s)", problems)
        result.spec_id = spec.id
        result.source_date = source_date_for(spec, options.source_date)
        folder = options.out_dir / spec.id
        if not held:
            hold = output.Hold(folder)
            hold.acquire()
        output.checkpoint("render", spec.id)
        with output.joined(folder):
            _write_one(spec, folder, options, result)
    except DocgenError as e:
        result.error = e
    except OSError as e:
        result.error = OutputError.at(e.filename or options.out_dir,
                                      f"cannot be written: {output.describe(e)}")
    finally:
        if hold is not None:
            hold.release()
    return result


def _write_one(spec: Spec, folder: Path, options: BuildOptions, result: BuildResult) -> None:
    """Write the spec's DOCX documents into ``folder`` unless they are up to date there."""
    manifest = read_manifest(folder) if folder.is_dir() else None
    if manifest and up_to_date(spec, folder, manifest, options):
        result.folder, result.skipped = folder, True
    else:
        documents = render_documents(spec, options)
        result.folder, result.written = write_outputs(spec, documents, options)
        result.drafts = [(kind.output, len(kind.incomplete)) for kind, _, _ in documents
                         if kind.incomplete]
        if options.pdf and shutil.which("fc-list"):
            result.font_problems = notice_font_problems(
                [(k.output, k.locale, data) for k, _, data in documents if k.locale])
        manifest = read_manifest(folder)
    if manifest is not None:
        result.unreviewed = [str(e.locale) for e in manifest.of_format("docx")
                             if e.kind == "notice" and e.translation_reviewed is False]
        result.fallbacks = [str(e.locale) for e in manifest.of_format("docx")
                            if e.kind == "notice" and script_of(str(e.locale)).fallback]
    if options.pdf and manifest is not None:
        result.pdf_needed = pdfs_needed(folder, manifest)


def _unchanged(spec: Spec, options: BuildOptions) -> bool:
    """Whether this docgen built from these very bytes before, so they need no checking again.

    The checks depend only on the spec's bytes and docgen's version, so a spec whose SHA-256
    the manifest records was valid then and is valid now.
    """
    ident = spec.data.get("id")
    if not isinstance(ident, str) or "/" in ident or ident.startswith("."):
        return False
    manifest = read_manifest(options.out_dir / ident)
    return (manifest is not None and manifest.docgen_version == __version__
            and manifest.spec.sha256 == spec.sha256)


def spec_files_from(arguments: list[str]) -> list[str]:
    """Expand files, folders (every *.json below them) and glob patterns into spec files.

    A folder's ``manifest.json`` files are docgen's own and are left out. What a pattern
    matches is taken as if typed: a folder it matches is searched like a folder given by name.
    An argument that matches nothing stays as it is, so that it is reported as a missing file.
    """
    files: list[str] = []
    for argument in arguments:
        if not Path(argument).exists() and glob.has_magic(argument):
            matched = _glob(argument)
            if not matched:
                raise UsageError.at(argument, "no file matches this pattern; check the folder "
                                 "and the spelling, e.g. samples/*.json")
            for match in matched:
                files.extend(_specs_in(match))
        else:
            files.extend(_specs_in(argument))
    unique: dict[str, str] = {}
    for file in files:
        unique.setdefault(os.path.abspath(file), file)
    return list(unique.values())


def _glob(pattern: str) -> list[str]:
    """What ``pattern`` matches, sorted, as :func:`glob.glob` would (``**`` for any folders,
    no hidden files unless asked for), except that ``**`` does not follow a symbolic link to
    a folder, so a link that loops back finishes (pathlib's rule)."""
    parts = Path(pattern).parts
    first = next(i for i, p in enumerate(parts) if glob.has_magic(p))
    anchor = Path(*parts[:first]) if first else Path(".")
    rest = parts[first:]
    hidden = any(p.startswith(".") for p in rest)
    found = []
    try:
        for match in anchor.glob(str(Path(*rest))):
            relative = match.relative_to(anchor)
            if hidden or not any(p.startswith(".") for p in relative.parts):
                found.append(str(match))
    except (OSError, ValueError):
        return []
    return sorted(found)


def _specs_in(argument: str) -> list[str]:
    """A folder's spec files (every *.json below it but docgen's manifests), else ``argument``."""
    path = Path(argument)
    if not path.is_dir():
        return [argument]
    found = sorted(str(p) for p in path.rglob("*.json") if p.is_file() and p.name != MANIFEST)
    if not found:
        raise UsageError.at(argument, "the folder has no .json spec files; give the folder "
                         "your specs are in, or the spec files themselves")
    return found


def _peek_id(file: str) -> str | None:
    """The id of the spec ``file``, if it has one; None for a file build_one will refuse."""
    try:
        data = json.loads(read_input(file, MAX_SPEC_BYTES, "spec file").decode("utf-8-sig"))
        ident = data.get("id") if isinstance(data, dict) else None
        return ident if isinstance(ident, str) else None
    except (OSError, ValueError, RecursionError):
        return None


#: An id that can name an output folder (the schema's pattern): only such a folder is held.
_FOLDER_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")


def _hold_folders(files: list[str], options: BuildOptions,
                  report: Callable[[str, BuildResult], None],
                  holds: dict[str, output.Hold]) -> None:
    """Hold the output folder of each spec in ``files`` (see :class:`docgen.output.Hold`); a
    spec whose folder is held by another run, or cannot be made, fails with that error."""
    _enough_open_files(len(files))
    for file in files:
        ident = _peek_id(file)
        if ident is None or not _FOLDER_ID.fullmatch(ident):
            continue  # not a spec docgen can build: read_spec and check_spec say why
        hold = output.Hold(options.out_dir / ident)
        try:
            hold.acquire()
        except DocgenError as e:
            report(file, BuildResult(file, ident, error=e))
            continue
        holds[file] = hold


def _enough_open_files(folders: int) -> None:
    """Let the process keep a lock open for each folder of a large batch."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = folders + 256
    if soft != resource.RLIM_INFINITY and soft < wanted:
        top = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (top, hard))
        except (ValueError, OSError):
            pass


def _stopped(file: str) -> BuildResult:
    return BuildResult(file, _peek_id(file), error=OutputError.at(
        file, "the process building this spec stopped unexpectedly (it was killed, or ran out "
        "of memory); the other specs were built. Run docgen build on this spec alone to see "
        "why"))


def _in_processes(todo: list[str], options: BuildOptions, holds: dict[str, output.Hold],
                  report: Callable[[str, BuildResult], None]) -> None:
    """Build ``todo`` in ``options.jobs`` processes. When a process dies, the specs it took
    down with it are built again, each in a process of its own, so that only the spec that
    kills its process fails."""
    broken: list[str] = []
    with concurrent.futures.ProcessPoolExecutor(max_workers=options.jobs,
                                                initializer=die_with_parent) as executor:
        futures = {executor.submit(build_one, f, options, f in holds): f for f in todo}
        for future in concurrent.futures.as_completed(futures):
            try:
                report(futures[future], future.result())
            except BrokenProcessPool:
                broken.append(futures[future])
    for file in [f for f in todo if f in broken]:
        for hold in holds.values():
            hold.journal.recover()  # complete what the dead process journaled
        with concurrent.futures.ProcessPoolExecutor(max_workers=1,
                                                    initializer=die_with_parent) as alone:
            try:
                result = alone.submit(build_one, file, options, file in holds).result()
            except BrokenProcessPool:
                result = _stopped(file)
        report(file, result)


def die_with_parent() -> None:
    """In a process of the ``--jobs`` pool: be killed when docgen is (Linux's parent-death
    signal), and end when docgen is gone on any system (a watchdog thread that sees the parent
    change), so a docgen killed with SIGKILL leaves no process of its own behind."""
    parent = os.getppid()
    parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent:  # docgen died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="docgen-watchdog").start()


def die_with_docgen(docgen: int) -> None:
    """In a process forked from a fork server (the packets', :mod:`.pdfs`): end when the
    docgen process ``docgen`` is gone. Its parent is the server, which outlives docgen for as
    long as its processes do, so each watches docgen itself: by a descriptor of the process
    (Linux's ``pidfd``, readable once it has ended, reaped or not), or elsewhere by asking
    every half second whether it is there; and is killed with the server."""
    parent_death_signal(signal.SIGKILL)
    try:
        handle: int | None = os.pidfd_open(docgen)
    except ProcessLookupError:
        os._exit(1)  # docgen died before the watch began
    except (AttributeError, OSError):  # no pidfd on this system
        handle = None

    def watch() -> None:
        if handle is not None:
            select.select([handle], [], [])
        else:
            while True:
                try:
                    os.kill(docgen, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="docgen-watchdog").start()


def build(spec_files: list[str], options: BuildOptions,
          on_spec: Callable[[BuildResult], None] | None = None,
          on_pdf: PdfProgress | None = None, pool: Pool | None = None) -> list[BuildResult]:
    """Build every spec in ``spec_files``; one bad spec never stops the others.

    Each spec's output folder is held (locked, and journaled) for the whole run, so a second
    run into one of them is refused. ``on_spec`` is called as each spec's DOCX phase ends,
    ``on_pdf`` after each PDF with the count done and the total. ``pool`` replaces the default
    LibreOffice pool (for tests).
    """
    first: dict[str, str] = {}
    done: dict[str, BuildResult] = {}
    for file in spec_files:
        ident = _peek_id(file)
        if ident is None:
            continue
        if ident in first:
            done[file] = BuildResult(file, ident, error=OutputError(
                f"{file}: has the same id {ident!r} as {first[ident]}; each spec needs its own id"))
        else:
            first[ident] = file

    settings = PdfSettings(pool, options.pdf_workers, options.pdf_timeout)
    ahead: list[Pool | None] = []  # the pool started while the DOCX files are written

    def report(file: str, result: BuildResult) -> None:
        done[file] = result
        if options.pdf and not ahead and result.error is None and result.pdf_needed:
            ahead.append(_start_pool(settings))
        if on_spec:
            on_spec(result)

    for result in list(done.values()):
        if on_spec:
            on_spec(result)
    holds: dict[str, output.Hold] = {}
    try:
        _hold_folders([f for f in spec_files if f not in done], options, report, holds)
        todo = [f for f in spec_files if f not in done]
        if options.jobs > 1 and len(todo) > 1:
            _in_processes(todo, options, holds, report)
        else:
            for file in todo:
                report(file, build_one(file, options, held=file in holds))
        results = [done[f] for f in spec_files]
        if options.pdf:
            started = ahead[0] if ahead else None
            build_pdfs([r for r in results if r.error is None and r.pdf_needed], options,
                       on_pdf, PdfSettings(started, options.pdf_workers, options.pdf_timeout)
                       if started is not None else settings)
    finally:
        for started in ahead:
            if isinstance(started, PdfPool):
                started.close()
        for hold in holds.values():
            hold.release()
    return results


def _start_pool(settings: PdfSettings) -> Pool | None:
    """The pool ``settings`` give, its LibreOffice workers starting in the background (so
    that they are ready when the DOCX phase ends); None without LibreOffice (the PDF phase
    says so)."""
    try:
        pool = settings.make_pool()
    except ConverterError:
        return None
    if isinstance(pool, PdfPool):
        pool.start()
    return pool


__all__ = ["BuildOptions", "BuildResult", "build", "build_one", "render_documents",
           "spec_files_from", "TemplateError"]
