"""What a build keeps of what it built from, so that next year's review can tell why each
change happened: the templates' and catalogs' bytes, in the spec's folder under
``built-from/``, each recorded in ``manifest.json`` with its SHA-256.

``built-from/templates/<name>.docx`` holds each template a document was rendered from (a
district's own one if it had one), ``built-from/locales/<language>/LC_MESSAGES/docgen.po``
each catalog a notice was translated with, ``built-from/spec-locales/<tag>.po`` the catalogs of
the spec's own text. They are copies of their bytes, so two builds of one spec write the same
bytes, and ``docgen review --old-documents`` can render last year's spec as it was built.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from .. import output
from ..i18n.locales import canonical, catalog_path
from ..i18n.spectext import catalog_file, needs_catalog
from ..spec.schema import Spec
from .documents import BuildOptions, Rendered
from .manifest import FileEntry, Manifest

__all__ = ["BUILT_FROM", "Kept", "kept_sources", "kept_resources"]

BUILT_FROM = "built-from"
TEMPLATES = f"{BUILT_FROM}/templates"
LOCALES = f"{BUILT_FROM}/locales"
SPEC_LOCALES = f"{BUILT_FROM}/spec-locales"


class Kept(NamedTuple):
    """One file kept: its path in the folder, its bytes, and its manifest entry."""

    path: str
    data: bytes
    entry: FileEntry


def kept_sources(spec: Spec, documents: list[Rendered], options: BuildOptions) -> list[Kept]:
    """Return the templates and catalogs ``documents`` were rendered from, to keep."""
    found: dict[str, tuple[Path, str, str | None]] = {}
    base = options.resources.locales
    for document in documents:
        kind, template, _ = document
        found.setdefault(f"{TEMPLATES}/{template.name}", (template, "template", None))
        if kind.locale:
            catalog = catalog_path(canonical(kind.locale, base) or kind.locale, base)
            relative = catalog.relative_to(base).as_posix()
            found.setdefault(f"{LOCALES}/{relative}", (catalog, "catalog", kind.locale))
            own = catalog_file(spec.file, kind.locale, options.spec_locales)
            if needs_catalog(kind.locale):
                found.setdefault(f"{SPEC_LOCALES}/{own.name}", (own, "spec-catalog",
                                                                  kind.locale))
    out = []
    for path, (source, kind_name, locale) in found.items():
        try:
            data = source.read_bytes()
        except OSError:
            continue  # a notice without its catalog was refused or marked a draft already
        out.append(Kept(path, data, FileEntry(path=path, sha256=output.sha256(data),
                                              kind=kind_name, locale=locale,
                                              bytes=len(data))))
    return out


def kept_resources(folder: Path, manifest: Manifest) -> tuple[Path, Path, Path] | None:
    """Return the kept templates, catalog and spec-catalog folders of a built folder, or None
    when the build kept none (an older docgen's) or they were changed since."""
    kept = [e for e in manifest.files if e.kind in ("template", "catalog", "spec-catalog")]
    if not any(e.kind == "template" for e in kept):
        return None
    if not all(output.intact(folder / e.path, e.sha256) for e in kept):
        return None
    return folder / TEMPLATES, folder / LOCALES, folder / SPEC_LOCALES
