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
import tempfile
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
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def write_outputs(spec: Spec, documents: list[tuple[DocumentKind, Path, bytes]],
                  options: BuildOptions) -> tuple[Path, list[str]]:
    """Write ``documents`` and the manifest into the spec's folder; return it and the names."""
    folder = options.out_dir / spec.id
    label = str(folder)
    existing = [p for p in folder.iterdir()] if folder.is_dir() else []
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{label}: exists and is not a folder")
    if existing and not options.force:
        raise OutputError(f"{label}: already exists; pass --force to replace the files docgen "
                          "wrote there (anything else in the folder is kept)")
    manifest_before = _read_manifest(folder)
    owned = _owned(folder, manifest_before)
    names = [kind.output for kind, _, _ in documents]
    for name in names + [MANIFEST]:
        path = folder / name
        if path.exists() and name != MANIFEST and name not in owned:
            raise OutputError(f"{path}: was not written by docgen, or was changed after docgen "
                              "wrote it; move it out of the folder first, docgen will not "
                              "overwrite it")
        if name == MANIFEST and path.exists() and not manifest_before:
            raise OutputError(f"{path}: is not a docgen manifest; move it out of the folder "
                              "first, docgen will not overwrite it")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"{label}: cannot create the folder: {e.strerror or e}") from None

    files = []
    for kind, template, data in documents:
        files.append({
            "path": kind.output,
            "kind": kind.kind,
            "locale": options.locale,
            "sha256": _sha256(data),
            "bytes": len(data),
            "template": template.name,
            "template_sha256": compile_template(template).sha256,
        })
    manifest = {
        "docgen_version": __version__,
        "spec": {
            "file": Path(spec.file).name,
            "id": spec.id,
            "schema_version": spec.data["schema_version"],
            "sha256": spec.sha256,
        },
        "source_date": source_date_for(spec, options.source_date).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "files": files,
    }
    try:
        for (kind, _, data) in documents:
            _atomic_write(folder / kind.output, data)
        # files docgen wrote last time that this spec no longer produces are stale: remove them
        for name in owned:
            if name not in names:
                (folder / name).unlink(missing_ok=True)
        text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        _atomic_write(folder / MANIFEST, text.encode("utf-8"))
    except OSError as e:
        raise OutputError(f"{label}: cannot write: {e.strerror or e}") from None
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
