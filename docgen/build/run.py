"""Build specs into their output folders, losing nothing on the way, and resuming where it left.

A build runs in two phases. First each spec's DOCX documents are rendered in memory; only when
all of a spec's documents have rendered are they written, each to a temporary file in the output
folder that is then renamed into place, with ``manifest.json`` last. A failure therefore leaves no
partial file. Then, unless PDFs are off, every DOCX of the run goes to one pool of LibreOffice
workers, and each spec's PDFs are put together into ``packet.pdf``.

An existing output folder is only replaced with ``force``, and even then docgen replaces only the
files its manifest says it wrote and that nobody has changed since: every other file stays. A
folder whose manifest says it was built from this very spec, with these templates, by this
docgen, is skipped; so an interrupted batch, started again, carries on where it stopped.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import functools
import glob
import hashlib
import json
import os
import re
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from babel import Locale

from .. import __version__
from ..context import build_context, build_notice_context
from ..errors import DocgenError, OutputError, Problem, SpecError, TemplateError, UsageError
from ..output import temporary_beside as _temporary
from ..errors import CatalogError
from ..i18n.catalogs import catalog_path, locales_dir
from ..i18n.check import unusable_messages
from ..i18n.extract import messages_used
from ..i18n.translate import translator
from ..i18n.locales import DEFAULT_LOCALE, canonical, normalise
from ..pdf.packet import assemble_packet
from ..pdf.pool import ConverterError, PdfJob, PdfPool, PdfResult, find_converter, pin_pdf
from ..render import Language, compile_template, render
from ..resources import template_dir
from ..spec.schema import Spec, check_spec, read_spec

MANIFEST = "manifest.json"

#: Temporary files docgen writes beside its outputs (see _temporary and build_pdfs).
_LEFTOVER = re.compile(r"\..+\.[0-9a-f]{8}\.(tmp|part\.pdf)")


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document a spec can produce (a notice: one per language)."""

    kind: str
    template: str
    output: str
    wanted: Callable[[dict[str, Any]], bool]
    #: the language of a notice; None for the agreements, which are in DEFAULT_LOCALE
    locale: str | None = None
    #: for a notice: the SHA-256 of its catalog, and what the catalog lacks (if built anyway)
    catalog_sha256: str | None = None
    incomplete: tuple[str, ...] = ()


def _mou(ctx: dict[str, Any]) -> bool:
    return True


def _dsa(ctx: dict[str, Any]) -> bool:
    return bool(ctx["shares_data"])


DOCUMENTS = (
    DocumentKind("mou", "mou.docx", "mou.docx", _mou),
    DocumentKind("data-sharing-agreement", "data-sharing-agreement.docx",
                 "data-sharing-agreement.docx", _dsa),
    DocumentKind("role-chart", "role-chart.docx", "role-chart.docx", _mou),
)

#: Bookmark titles and page-label prefixes of each kind in the signing packet.
PACKET_PARTS = {
    "mou": ("Memorandum of Understanding", "MOU-"),
    "data-sharing-agreement": ("Student Data-Sharing Agreement", "DSA-"),
    "role-chart": ("Role Chart", "Roles-"),
}
PACKET = "packet.pdf"


@dataclass
class BuildOptions:
    """How to build: where to, whether to replace, which templates, the fixed clock, PDFs."""

    out_dir: Path
    force: bool = False
    templates: Path | None = None
    source_date: dt.datetime | None = None
    locale: str = DEFAULT_LOCALE
    pdf: bool = False
    jobs: int = 1
    pdf_workers: int | None = None
    pdf_timeout: float = 120.0
    allow_incomplete: bool = False


@dataclass
class BuildResult:
    """What happened to one spec."""

    spec_file: str
    spec_id: str | None = None
    folder: Path | None = None
    written: list[str] = field(default_factory=list)
    skipped: bool = False
    error: DocgenError | None = None
    #: DOCX files in the folder whose PDF is missing or stale
    pdf_needed: list[str] = field(default_factory=list)
    pdf_errors: list[str] = field(default_factory=list)
    source_date: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.pdf_errors


def source_date_for(spec: Spec, override: dt.datetime | None) -> dt.datetime:
    """Return the timestamp written into documents: ``override``, else the term's start."""
    if override is not None:
        return override.astimezone(dt.timezone.utc)
    start = dt.date.fromisoformat(spec.data["term"]["start"])
    return dt.datetime(start.year, start.month, start.day, tzinfo=dt.timezone.utc)


def template_for(kind: DocumentKind, override_dir: Path | None) -> Path:
    """Return the template for ``kind``: the user's from ``override_dir`` if it has one."""
    if override_dir is not None and (override_dir / kind.template).is_file():
        return override_dir / kind.template
    return template_dir() / kind.template


NOTICE_TEMPLATE = "notice.docx"


def notice_kinds(spec: Spec, options: BuildOptions) -> list[DocumentKind]:
    """Return a notice for each family-notice language of ``spec`` (none without the section)."""
    notices = spec.data.get("family_notices") or {}
    kinds = []
    for tag in dict.fromkeys(normalise(t) for t in notices.get("languages", [])):
        path = catalog_path(canonical(tag) or tag)
        try:
            digest = _sha256(path.read_bytes())
        except OSError:
            digest = None
        kinds.append(DocumentKind("notice", NOTICE_TEMPLATE, f"notices/notice-{tag}.docx", _mou,
                                  locale=tag, catalog_sha256=digest))
    return kinds


def _relative_to_locales(line: str) -> str:
    """Name a catalog from its language folder, so the manifest is the same on every machine."""
    base = str(locales_dir())
    return line[len(base) + 1:] if line.startswith(base + os.sep) else line


def render_documents(spec: Spec, options: BuildOptions) -> list[tuple[DocumentKind, Path, bytes]]:
    """Render every document ``spec`` calls for, in memory; raise on the first failure.

    A notice whose catalog lacks, or has a fuzzy or broken translation of, a message the notice
    uses is refused, with every such message listed, unless ``options.allow_incomplete``.
    """
    ctx = build_context(spec.data, locale=options.locale)
    when = source_date_for(spec, options.source_date)
    out = []
    for kind in DOCUMENTS:
        if kind.wanted(ctx):
            path = template_for(kind, options.templates)
            out.append((kind, path, render(compile_template(path), ctx, source_date=when)))
    notices = notice_kinds(spec, options)
    if not notices:
        return out
    template = template_for(notices[0], options.templates)
    used = messages_used(template)
    gaps: dict[str, list[str]] = {}
    translators = {}
    for kind in notices:
        assert kind.locale is not None
        catalog_tag = canonical(kind.locale) or kind.locale
        gaps[kind.locale] = unusable_messages(catalog_tag, used)
        translators[kind.locale] = translator(catalog_tag, use_fuzzy=bool(gaps[kind.locale]))
    missing = [problem for tag in gaps for problem in gaps[tag]]
    if missing:
        if not options.allow_incomplete:
            count = (f"{len(missing)} problem{'s' if len(missing) != 1 else ''} in their "
                     "catalogs (untranslated, unreviewed or broken)")
            raise CatalogError(
                f"{spec.file}: the family notices cannot be built: {count}; pass "
                "--allow-incomplete to build them anyway, marked as drafts",
                missing + [Problem(spec.file, 0, 0, None, f"the family notices were not built: "
                                   f"{count}; fix the catalogs (docgen i18n check), or pass "
                                   "--allow-incomplete to build them marked as drafts")])
    compiled = compile_template(template)
    for kind in notices:
        assert kind.locale is not None
        rtl = translators[kind.locale].rtl
        nctx = build_notice_context(spec.data, kind.locale, translators,
                                    incomplete=bool(gaps[kind.locale]))
        by_text = []
        for line in nctx["notice"]["taglines"]:
            # the same call as the template's tagline block, to find its paragraphs again
            if line["phone"]:
                text = translators[line["tag"]].gettext(
                    "If you need this letter in {language}, call {phone}.",
                    language=line["language"], phone=line["phone"])
            else:
                text = translators[line["tag"]].gettext(
                    "If you need this letter in {language}, write to {email}.",
                    language=line["language"], email=line["email"])
            by_text.append((text, (line["tag"], line["rtl"])))
        language = Language(kind.locale, rtl, tuple(by_text))
        marked = DocumentKind(kind.kind, kind.template, kind.output, kind.wanted, kind.locale,
                              kind.catalog_sha256,
                              tuple(_relative_to_locales(str(p)) for p in gaps[kind.locale]))
        out.append((marked, template,
                    render(compiled, nctx, source_date=when, language=language)))
    return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(folder: Path) -> dict[str, Any]:
    """Return the docgen manifest in ``folder``, or {} if there is none (or it is not docgen's)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if isinstance(data, dict) and "docgen_version" in data and isinstance(data.get("files"), list):
        return data
    return {}


def _owned(folder: Path, manifest: dict[str, Any]) -> dict[str, str]:
    """Return the files the manifest says docgen wrote that are still as it wrote them."""
    owned = {}
    for entry in manifest.get("files", []):
        name = entry.get("path") if isinstance(entry, dict) else None
        if (not isinstance(name, str) or name.startswith((".", "/")) or ".." in name.split("/")
                or name.count("/") > 1):
            continue
        path = folder / name
        if path.is_file() and _sha256(path.read_bytes()) == entry.get("sha256"):
            owned[name] = entry["sha256"]
    return owned


def _display_name(file: str) -> str:
    """Return a file name fit for JSON even when the file system's name is not UTF-8."""
    return os.fsencode(Path(file).name).decode("utf-8", "backslashreplace")


def write_outputs(spec: Spec, documents: list[tuple[DocumentKind, Path, bytes]],
                  options: BuildOptions) -> tuple[Path, list[str]]:
    """Write ``documents`` and the manifest into the spec's folder; return it and the names.

    Every file is first written in full under a temporary name; only then are they renamed
    into place, the manifest last. If a rename fails, the manifest records what is in place,
    so that the next ``--force`` build can replace it.
    """
    folder = options.out_dir / spec.id
    label = str(folder)
    try:
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"{label}: exists and is not a folder")
        existing = list(folder.iterdir()) if folder.is_dir() else []
        for leftover in [p for p in existing if _LEFTOVER.fullmatch(p.name)]:
            # a temporary file of a docgen run that was killed before it could clean up
            leftover.unlink(missing_ok=True)
            existing.remove(leftover)
        if existing and not options.force:
            raise OutputError(f"{label}: already exists; pass --force to replace the files "
                              "docgen wrote there (anything else in the folder is kept)")
        manifest_before = _read_manifest(folder)
        owned = _owned(folder, manifest_before)
    except PermissionError:
        raise OutputError(f"{label}: permission denied; docgen cannot read this folder") from None
    names = [kind.output for kind, _, _ in documents]
    if (folder / MANIFEST).exists() and not manifest_before:
        raise OutputError(f"{folder / MANIFEST}: is not a docgen manifest; move it out of the "
                          "folder first, docgen will not overwrite it")
    for name in names:
        if (folder / name).exists() and name not in owned:
            raise OutputError(f"{folder / name}: was not written by docgen, or was changed after "
                              "docgen wrote it; move it out of the folder first, docgen will not "
                              "overwrite it")

    entries = []
    for kind, template, data in documents:
        entry = {
            "path": kind.output,
            "kind": kind.kind,
            "format": "docx",
            "locale": kind.locale or options.locale,
            "sha256": _sha256(data),
            "bytes": len(data),
            "template": template.name,
            "template_sha256": compile_template(template).sha256,
        }
        if kind.catalog_sha256:
            entry["catalog_sha256"] = kind.catalog_sha256
        if kind.incomplete:
            entry["incomplete_translation"] = list(kind.incomplete)
        entries.append(entry)

    def manifest_text(files: list[dict[str, Any]]) -> bytes:
        manifest = {
            "docgen_version": __version__,
            "spec": {
                "file": _display_name(spec.file),
                "id": spec.id,
                "schema_version": spec.data["schema_version"],
                "sha256": spec.sha256,
            },
            "source_date": source_date_for(spec, options.source_date).strftime(
                "%Y-%m-%dT%H:%M:%SZ"),
            "files": files,
        }
        return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False)
                + "\n").encode("utf-8")

    # PDFs whose DOCX comes out the same stay (and so does the packet, if all its parts do)
    new_sha = {e["path"]: e["sha256"] for e in entries}
    kept = [e for e in manifest_before.get("files", [])
            if e.get("format") == "pdf" and e.get("source") in new_sha
            and e.get("source_sha256") == new_sha[e["source"]] and e.get("path") in owned]
    kept_paths = {e["path"] for e in kept}
    packet = next((e for e in manifest_before.get("files", []) if e.get("path") == PACKET
                   and e.get("path") in owned), None)
    if packet and set(packet.get("sources", [])) <= kept_paths and len(kept) == len(entries):
        kept.append(packet)
    entries_to_write = entries + kept

    staged: list[tuple[Path, Path]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for kind, _, data in documents:
            (folder / kind.output).parent.mkdir(parents=True, exist_ok=True)
            staged.append((_temporary(folder / kind.output, data), folder / kind.output))
        staged.append((_temporary(folder / MANIFEST, manifest_text(entries_to_write)),
                       folder / MANIFEST))
    except OSError as e:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise OutputError(f"{label}: cannot write: {e.strerror or e}; nothing was changed") from None

    placed: list[dict[str, Any]] = []
    try:
        for (tmp, final), entry in zip(staged, entries + [None]):
            os.replace(tmp, final)
            if entry is not None:
                placed.append(entry)
    except OSError as e:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        try:  # record what is in place, so that --force can replace it next time
            keep = [{"path": n, "sha256": h} for n, h in owned.items()
                    if n not in {p["path"] for p in placed}]
            (folder / MANIFEST).write_bytes(manifest_text(placed + keep))
        except OSError:
            pass
        raise OutputError(f"{label}: cannot write: {e.strerror or e}") from None
    # files docgen wrote last time that this spec no longer produces are stale: remove them
    current = set(names) | {e["path"] for e in kept}
    for name in owned:
        if name not in current:
            (folder / name).unlink(missing_ok=True)
    return folder, names


def template_sha256(path: Path) -> str:
    """Return the SHA-256 of the template at ``path`` (cached while the file is unchanged)."""
    stat = path.stat()
    return _template_sha256(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _template_sha256(path: str, mtime_ns: int, size: int) -> str:
    return _sha256(Path(path).read_bytes())


def _intact(folder: Path, entry: dict[str, Any]) -> bool:
    path = folder / str(entry.get("path", ""))
    try:
        return path.is_file() and _sha256(path.read_bytes()) == entry.get("sha256")
    except OSError:
        return False


def _up_to_date(spec: Spec, folder: Path, manifest: dict[str, Any],
                options: BuildOptions) -> bool:
    """Whether the folder's DOCX files were built from this spec, templates and docgen."""
    if (manifest.get("docgen_version") != __version__
            or manifest.get("spec", {}).get("sha256") != spec.sha256
            or manifest.get("source_date") != source_date_for(
                spec, options.source_date).strftime("%Y-%m-%dT%H:%M:%SZ")):
        return False
    ctx = build_context(spec.data, locale=options.locale)
    wanted = {k.output: k for k in DOCUMENTS if k.wanted(ctx)}
    wanted.update({k.output: k for k in notice_kinds(spec, options)})
    docx = {e.get("path"): e for e in manifest["files"] if e.get("format") == "docx"}
    if set(docx) != set(wanted):
        return False
    for name, entry in docx.items():
        kind = wanted[name]
        template = template_for(kind, options.templates)
        if (entry.get("locale") != (kind.locale or options.locale) or not template.is_file()
                or entry.get("template_sha256") != template_sha256(template)
                or entry.get("catalog_sha256") != kind.catalog_sha256
                or bool(entry.get("incomplete_translation")) != bool(
                    options.allow_incomplete and entry.get("incomplete_translation"))
                or not _intact(folder, entry)):
            return False
    return True


def _pdfs_needed(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """Return the DOCX files whose PDF (or whose packet) is missing or stale."""
    entries = manifest.get("files", [])
    pdfs = {e.get("source"): e for e in entries if e.get("format") == "pdf" and e.get("source")}
    needed = []
    for entry in entries:
        if entry.get("format") != "docx":
            continue
        pdf = pdfs.get(entry["path"])
        if not pdf or pdf.get("source_sha256") != entry.get("sha256") or not _intact(folder, pdf):
            needed.append(entry["path"])
    packet = next((e for e in entries if e.get("path") == PACKET), None)
    if not needed and (packet is None or not _intact(folder, packet)):
        # the PDFs are fine but the packet is not: convert nothing, assemble again
        return [""]
    return needed


def build_one(file: str, options: BuildOptions) -> BuildResult:
    """Build (or skip, if it is up to date) the DOCX documents of one spec."""
    result = BuildResult(file)
    try:
        spec = read_spec(file)
        if not _unchanged(spec, options):
            problems = check_spec(spec)
            if problems:
                raise SpecError(f"{spec.file}: {len(problems)} problem(s)", problems)
        result.spec_id = spec.id
        result.source_date = source_date_for(spec, options.source_date)
        folder = options.out_dir / spec.id
        if folder.is_dir():
            for leftover in [p for p in folder.rglob(".*") if _LEFTOVER.fullmatch(p.name)]:
                leftover.unlink(missing_ok=True)  # of a run that was killed
        manifest = _read_manifest(folder) if folder.is_dir() else {}
        if manifest and _up_to_date(spec, folder, manifest, options):
            result.folder, result.skipped = folder, True
        else:
            documents = render_documents(spec, options)
            result.folder, result.written = write_outputs(spec, documents, options)
            manifest = _read_manifest(folder)
        if options.pdf:
            result.pdf_needed = _pdfs_needed(folder, manifest)
    except DocgenError as e:
        result.error = e
    except PermissionError as e:
        result.error = OutputError(f"{e.filename}: permission denied")
    return result


def _unchanged(spec: Spec, options: BuildOptions) -> bool:
    """Whether this docgen built from these very bytes before, so they need no checking again.

    The checks depend only on the spec's bytes and docgen's version, so a spec whose SHA-256
    the manifest records was valid then and is valid now.
    """
    ident = spec.data.get("id")
    if not isinstance(ident, str) or "/" in ident or ident.startswith("."):
        return False
    manifest = _read_manifest(options.out_dir / ident)
    return (manifest.get("docgen_version") == __version__
            and manifest.get("spec", {}).get("sha256") == spec.sha256)


def spec_files_from(arguments: list[str]) -> list[str]:
    """Expand files, folders (every *.json below them) and glob patterns into spec files.

    A folder's ``manifest.json`` files are docgen's own and are left out. What a pattern
    matches is taken as if typed: a folder it matches is searched like a folder given by name.
    An argument that matches nothing stays as it is, so that it is reported as a missing file.
    """
    files: list[str] = []
    for argument in arguments:
        if not Path(argument).exists() and glob.has_magic(argument):
            matched = sorted(glob.glob(argument, recursive=True))
            if not matched:
                raise UsageError(f"{argument}: no file matches this pattern; check the folder "
                                 "and the spelling, e.g. samples/*.json")
            for match in matched:
                files.extend(_specs_in(match))
        else:
            files.extend(_specs_in(argument))
    seen: set[str] = set()
    return [f for f in files if not (os.path.abspath(f) in seen or seen.add(os.path.abspath(f)))]


def _specs_in(argument: str) -> list[str]:
    """A folder's spec files (every *.json below it but docgen's manifests), else ``argument``."""
    path = Path(argument)
    if not path.is_dir():
        return [argument]
    found = sorted(str(p) for p in path.rglob("*.json") if p.is_file() and p.name != MANIFEST)
    if not found:
        raise UsageError(f"{argument}: the folder has no .json spec files; give the folder "
                         "your specs are in, or the spec files themselves")
    return found


def _peek_id(file: str) -> str | None:
    try:
        data = json.loads(Path(file).read_text(encoding="utf-8-sig"))
        return data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
    except (OSError, ValueError, RecursionError):
        return None


def build(spec_files: list[str], options: BuildOptions,
          on_spec: Callable[[BuildResult], None] | None = None,
          on_pdf: Callable[[int, int, PdfResult], None] | None = None,
          pool: PdfPool | None = None) -> list[BuildResult]:
    """Build every spec in ``spec_files``; one bad spec never stops the others.

    ``on_spec`` is called as each spec's DOCX phase ends, ``on_pdf`` after each PDF with the
    count done and the total. ``pool`` replaces the default LibreOffice pool (for tests).
    """
    first: dict[str, str] = {}
    duplicates: dict[str, BuildResult] = {}
    for file in spec_files:
        ident = _peek_id(file)
        if ident is None:
            continue
        if ident in first:
            duplicates[file] = BuildResult(file, ident, error=OutputError(
                f"{file}: has the same id {ident!r} as {first[ident]}; each spec needs its own id"))
        else:
            first[ident] = file
    todo = [f for f in spec_files if f not in duplicates]
    done: dict[str, BuildResult] = dict(duplicates)
    for result in duplicates.values():
        if on_spec:
            on_spec(result)
    if options.jobs > 1 and len(todo) > 1:
        with concurrent.futures.ProcessPoolExecutor(max_workers=options.jobs) as executor:
            futures = {executor.submit(build_one, f, options): f for f in todo}
            for future in concurrent.futures.as_completed(futures):
                result = future.result()
                done[futures[future]] = result
                if on_spec:
                    on_spec(result)
    else:
        for file in todo:
            result = build_one(file, options)
            done[file] = result
            if on_spec:
                on_spec(result)
    results = [done[f] for f in spec_files]
    if options.pdf:
        build_pdfs([r for r in results if r.error is None and r.pdf_needed], options,
                   on_pdf, pool)
    return results


def _replace_manifest_entries(folder: Path, entries: list[dict[str, Any]]) -> None:
    manifest = _read_manifest(folder)
    names = {e["path"] for e in entries}
    manifest["files"] = [e for e in manifest["files"] if e.get("path") not in names] + entries
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    os.replace(_temporary(folder / MANIFEST, text.encode("utf-8")), folder / MANIFEST)


def build_pdfs(results: list[BuildResult], options: BuildOptions,
               on_pdf: Callable[[int, int, PdfResult], None] | None = None,
               pool: PdfPool | None = None) -> None:
    """Convert the DOCX files ``results`` need, then assemble each spec's packet."""
    jobs: list[PdfJob] = []
    owner: dict[int, BuildResult] = {}
    for result in results:
        assert result.folder is not None
        manifest = _read_manifest(result.folder)
        owned = _owned(result.folder, manifest)
        for docx in filter(None, result.pdf_needed):
            pdf = str(Path(docx).with_suffix(".pdf"))
            if (result.folder / pdf).exists() and pdf not in owned:
                result.pdf_errors.append(
                    f"{result.folder / pdf}: was not written by docgen, or was changed after; "
                    "move it out of the folder first, docgen will not overwrite it")
                continue
            job = PdfJob(result.folder / docx,
                         result.folder / Path(pdf).parent /
                         f".{Path(pdf).name}.{secrets.token_hex(4)}.part.pdf",
                         str(result.folder / docx))
            jobs.append(job)
            owner[id(job)] = result
    if jobs:
        try:
            pool = pool or PdfPool(find_converter(),
                                   workers=options.pdf_workers or os.cpu_count() or 1,
                                   timeout=options.pdf_timeout)
        except ConverterError as e:
            for result in results:
                result.pdf_errors.append(e.message)
            return
        total, count = len(jobs), [0]

        def report(pdf_result: PdfResult) -> None:
            count[0] += 1
            if on_pdf:
                on_pdf(count[0], total, pdf_result)

        # each spec's PDFs are placed (and its packet made) as soon as its last one is done, so
        # an interrupted run keeps what it finished
        left = {id(r): sum(1 for j in jobs if owner[id(j)] is r) for r in results}
        collected: dict[int, list[PdfResult]] = {id(r): [] for r in results}
        finished: set[int] = set()
        lock = threading.Lock()

        def place(pdf_result: PdfResult) -> None:
            report(pdf_result)
            result = owner[id(pdf_result.job)]
            with lock:
                collected[id(result)].append(pdf_result)
                left[id(result)] -= 1
                if left[id(result)]:
                    return
                finished.add(id(result))
                _finish_pdfs(result, collected[id(result)])

        pool.on_result = place
        try:
            pool.convert(jobs)
        except ConverterError as e:
            for result in results:
                if id(result) not in finished:
                    result.pdf_errors.append(e.message)
            for job in jobs:
                job.dst.unlink(missing_ok=True)
            return
        for result in results:
            if id(result) not in finished:
                _finish_pdfs(result, collected[id(result)])
    else:
        for result in results:
            _finish_pdfs(result, [])


def _finish_pdfs(result: BuildResult, converted: list[PdfResult]) -> None:
    """Pin and place a spec's new PDFs, assemble its packet and record them in the manifest."""
    assert result.folder is not None and result.source_date is not None
    folder = result.folder
    entries: list[dict[str, Any]] = []
    manifest = _read_manifest(folder)
    docx = {e["path"]: e for e in manifest.get("files", []) if e.get("format") == "docx"}
    # in the documents' order, not the order LibreOffice finished them: the same build prints
    # the same line and writes the same manifest every time
    order = {name: i for i, name in enumerate(docx)}
    converted = sorted(converted,
                       key=lambda c: order.get(str(c.job.src.relative_to(folder)), len(order)))
    for item in converted:
        pdf = str(item.job.src.relative_to(folder).with_suffix(".pdf"))
        try:
            if not item.ok:
                result.pdf_errors.append(f"{item.job.label}: PDF not written: {item.error}")
                continue
            data = pin_pdf(item.job.dst.read_bytes(), result.source_date)
            os.replace(_temporary(folder / pdf, data), folder / pdf)
            source = docx[str(item.job.src.relative_to(folder))]
            entries.append({"path": pdf, "kind": source["kind"], "format": "pdf",
                            "locale": source["locale"], "sha256": _sha256(data),
                            "bytes": len(data), "source": source["path"],
                            "source_sha256": source["sha256"]})
            result.written.append(pdf)
        except OSError as e:
            result.pdf_errors.append(f"{item.job.label}: PDF not written: {e.strerror or e}")
        finally:
            item.job.dst.unlink(missing_ok=True)
    try:
        if entries:
            _replace_manifest_entries(folder, entries)
        if not result.pdf_errors:
            packet = _packet(result, folder)
            if packet:
                _replace_manifest_entries(folder, [packet])
                result.written.append(PACKET)
    except (OSError, DocgenError) as e:
        message = e.message if isinstance(e, DocgenError) else (e.strerror or str(e))
        result.pdf_errors.append(f"{folder / PACKET}: not written: {message}")


def _packet(result: BuildResult, folder: Path) -> dict[str, Any] | None:
    manifest = _read_manifest(folder)
    files = manifest.get("files", [])
    pdfs = {e.get("kind"): e for e in files if e.get("format") == "pdf" and e.get("source")
            and e.get("kind") != "notice"}
    notices = sorted((e for e in files if e.get("format") == "pdf" and e.get("kind") == "notice"),
                     key=lambda e: e["path"])
    order = [k.kind for k in DOCUMENTS if k.kind in pdfs]
    if not order:
        return None
    spec_file = Path(result.spec_file)
    spec_bytes = spec_file.read_bytes()
    if _sha256(spec_bytes) != manifest["spec"]["sha256"]:
        raise OutputError(f"{spec_file}: changed during the build; build again")
    data = json.loads(spec_bytes.decode("utf-8-sig"))
    school = data["parties"]["school"]
    partner = data["parties"]["partner"]
    names = (school.get("short_name") or school["legal_name"],
             partner.get("short_name") or partner["legal_name"])
    parts = [(PACKET_PARTS[k][0], PACKET_PARTS[k][1], (folder / pdfs[k]["path"]).read_bytes())
             for k in order]
    for entry in notices:
        locale = Locale.parse(entry["locale"], sep="-")
        parts.append((f"Family notice: {locale.get_display_name('en')} "
                      f"({locale.get_display_name(locale)})", f"Notice-{entry['locale']}-",
                      (folder / entry["path"]).read_bytes()))
    assert result.source_date is not None
    blob = assemble_packet(
        parts, title=f"Signing packet: {names[0]} and {names[1]}, {data['school_year']}",
        subject=(f"Community-school partnership agreement between {school['legal_name']} and "
                 f"{partner['legal_name']}, school year {data['school_year']}"),
        keywords="; ".join((school["legal_name"], partner["legal_name"], data["school_year"])),
        spec_bytes=spec_bytes, when=result.source_date)
    os.replace(_temporary(folder / PACKET, blob), folder / PACKET)
    return {"path": PACKET, "kind": "packet", "format": "pdf", "locale": manifest["files"][0]
            .get("locale", DEFAULT_LOCALE), "sha256": _sha256(blob), "bytes": len(blob),
            "sources": [pdfs[k]["path"] for k in order] + [e["path"] for e in notices]}


__all__ = ["BuildOptions", "BuildResult", "DOCUMENTS", "build", "build_one", "build_pdfs",
           "render_documents", "spec_files_from", "TemplateError"]
