"""Build a spec's documents into its output folder, losing nothing on the way.

Every document is rendered in memory first; only when all of a spec's documents have rendered are
they written, each to a temporary file in the output folder that is then renamed into place, with
``manifest.json`` last. A failure therefore leaves no partial file. An existing output folder is
only replaced with ``force``, and even then docgen replaces only the files its manifest says it
wrote and that nobody has changed since: every other file in the folder stays.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .context import build_context
from .errors import DocgenError, OutputError, TemplateError
from .locales import DEFAULT_LOCALE
from .render import compile_template, render
from .resources import template_dir
from .spec import Spec, load_spec

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document a spec can produce."""

    kind: str
    template: str
    output: str
    wanted: Callable[[dict[str, Any]], bool]


DOCUMENTS = (
    DocumentKind("mou", "mou.docx", "mou.docx", lambda ctx: True),
    DocumentKind("data-sharing-agreement", "data-sharing-agreement.docx",
                 "data-sharing-agreement.docx", lambda ctx: ctx["shares_data"]),
    DocumentKind("role-chart", "role-chart.docx", "role-chart.docx", lambda ctx: True),
)


@dataclass
class BuildOptions:
    """How to build: where to, whether to replace, which templates, and the fixed clock."""

    out_dir: Path
    force: bool = False
    templates: Path | None = None
    source_date: dt.datetime | None = None
    locale: str = DEFAULT_LOCALE


@dataclass
class BuildResult:
    """What happened to one spec."""

    spec_file: str
    spec_id: str | None = None
    folder: Path | None = None
    written: list[str] = field(default_factory=list)
    error: DocgenError | None = None


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


def render_documents(spec: Spec, options: BuildOptions) -> list[tuple[DocumentKind, Path, bytes]]:
    """Render every document ``spec`` calls for, in memory; raise on the first failure."""
    ctx = build_context(spec.data, locale=options.locale)
    when = source_date_for(spec, options.source_date)
    out = []
    for kind in DOCUMENTS:
        if kind.wanted(ctx):
            path = template_for(kind, options.templates)
            out.append((kind, path, render(compile_template(path), ctx, source_date=when)))
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


def _temporary(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new hidden file beside ``path`` and return its name.

    The file gets the same permissions as any new file of the user (0666 less the umask),
    unlike :func:`tempfile.mkstemp`'s 0600, which would survive the rename.
    """
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp
    raise OSError(f"cannot create a temporary file beside {path}")


def _owned(folder: Path, manifest: dict[str, Any]) -> dict[str, str]:
    """Return the files the manifest says docgen wrote that are still as it wrote them."""
    owned = {}
    for entry in manifest.get("files", []):
        name = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(name, str) or "/" in name or name.startswith("."):
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
        entries.append({
            "path": kind.output,
            "kind": kind.kind,
            "locale": options.locale,
            "sha256": _sha256(data),
            "bytes": len(data),
            "template": template.name,
            "template_sha256": compile_template(template).sha256,
        })

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

    staged: list[tuple[Path, Path]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for kind, _, data in documents:
            staged.append((_temporary(folder / kind.output, data), folder / kind.output))
        staged.append((_temporary(folder / MANIFEST, manifest_text(entries)), folder / MANIFEST))
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
    for name in owned:
        if name not in names:
            (folder / name).unlink(missing_ok=True)
    return folder, names


def build(spec_files: list[str], options: BuildOptions,
          progress: Callable[[BuildResult], None] | None = None) -> list[BuildResult]:
    """Build every spec in ``spec_files``; one bad spec never stops the others."""
    results = []
    seen: dict[str, str] = {}
    for file in spec_files:
        result = BuildResult(file)
        try:
            spec = load_spec(file)
            result.spec_id = spec.id
            if spec.id in seen:
                raise OutputError(f"{file}: has the same id {spec.id!r} as {seen[spec.id]}; "
                                  "each spec needs its own id")
            seen[spec.id] = file
            documents = render_documents(spec, options)
            result.folder, result.written = write_outputs(spec, documents, options)
        except DocgenError as e:
            result.error = e
        results.append(result)
        if progress:
            progress(result)
    return results


__all__ = ["BuildOptions", "BuildResult", "DOCUMENTS", "build", "render_documents",
           "TemplateError"]
