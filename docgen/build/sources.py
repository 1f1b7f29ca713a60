"""What a build keeps of what it built from, so that next year's review can tell why each
change happened: the templates' and catalogs' bytes, in the spec's folder under
``built-from/``, each recorded in ``manifest.json`` with its SHA-256.

``built-from/<name>.docx`` holds each template a document was rendered from (a district's own
one if it had one), ``built-from/docgen-<language>.po`` each catalog a notice was translated
with, ``built-from/spec-<tag>.po`` the catalogs of the spec's own text (one folder, as docgen
owns no deeper file of an output folder). They are copies of their bytes, so two builds of one
spec write the same bytes, and ``docgen review --old-documents`` can render last year's spec as
it was built.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from .. import output
from ..i18n.locales import canonical, catalog_path
from ..i18n.spectext import catalog_file, catalog_folder, needs_catalog
from ..spec.schema import Spec
from .documents import BuildOptions, Rendered
from .manifest import FileEntry, Manifest

__all__ = ["BUILT_FROM", "Kept", "kept_sources", "kept_resources"]

BUILT_FROM = "built-from"


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
        found.setdefault(f"{BUILT_FROM}/{template.name}", (template, "template", None))
        if kind.locale:
            tag = canonical(kind.locale, base) or kind.locale
            catalog = catalog_path(tag, base)
            found.setdefault(f"{BUILT_FROM}/docgen-{tag}.po", (catalog, "catalog", tag))
            own = catalog_file(spec.file, kind.locale, options.spec_locales)
            if needs_catalog(kind.locale):
                found.setdefault(f"{BUILT_FROM}/spec-{own.name}", (own, "spec-catalog",
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


def kept_resources(folder: Path, manifest: Manifest, spec_file: str, into: Path
                   ) -> tuple[Path, Path, Path] | None:
    """Return the kept templates folder of a built folder, and its catalogs laid out in
    ``into`` as docgen reads them (a catalog folder, and a folder of the spec's catalogs for
    ``spec_file``); None when the build kept none (an older docgen's) or they were changed
    since."""
    kept = [e for e in manifest.files if e.kind in ("template", "catalog", "spec-catalog")]
    if not any(e.kind == "template" for e in kept):
        return None
    if not all(output.intact(folder / e.path, e.sha256) for e in kept):
        return None
    prefixes = {"template": "", "catalog": "docgen-", "spec-catalog": "spec-"}
    if not all(e.path.startswith(f"{BUILT_FROM}/{prefixes[e.kind or '']}")
               and e.path.count("/") == 1 for e in kept):
        return None  # not a layout this docgen keeps
    locales, spec_locales = into / "locales", into / "spec-locales"
    locales.mkdir(parents=True, exist_ok=True)
    own = catalog_folder(spec_file, spec_locales)
    own.mkdir(parents=True, exist_ok=True)
    for e in kept:
        source = folder / e.path
        if e.kind == "catalog" and e.locale:
            target = catalog_path(e.locale, locales)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
        elif e.kind == "spec-catalog":
            (own / source.name[len("spec-"):]).write_bytes(source.read_bytes())
    return folder / BUILT_FROM, locales, spec_locales
