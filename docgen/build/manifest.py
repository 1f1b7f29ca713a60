"""``manifest.json``: what a build wrote into a spec's folder, read and written in one place.

The manifest names the spec (its file, id, schema version and SHA-256), the fixed clock, and
every file docgen wrote with its SHA-256: a DOCX with its template's (and a notice's catalog's,
and whether a person reviewed the notice's translation: ``translation_reviewed``),
a PDF with the DOCX it came from, the packet with its parts. Its bytes are reproducible: keys
sorted, indent 2, UTF-8, a final newline. A file is docgen's to replace only while its SHA-256
is the one recorded here (see :mod:`docgen.output`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from .. import output

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class FileEntry:
    """One file docgen wrote into the folder; a field that is None is not written."""

    path: str
    sha256: str
    kind: str | None = None
    format: str | None = None
    locale: str | None = None
    bytes: int | None = None
    #: of a DOCX: its template's name and SHA-256, a notice's catalog, what the catalog lacks
    template: str | None = None
    template_sha256: str | None = None
    catalog_sha256: str | None = None
    #: of a notice not in English: the SHA-256 of the catalog of the spec's own text
    spec_catalog_sha256: str | None = None
    incomplete_translation: tuple[str, ...] | None = None
    #: of a notice not in English: whether a person reviewed its translation (every catalog it
    #: is built from says X-Reviewed: yes), and what each of those catalogs says
    translation_reviewed: bool | None = None
    translation_review: tuple[str, ...] | None = None
    #: of a PDF: the DOCX it was converted from, and that DOCX's SHA-256
    source: str | None = None
    source_sha256: str | None = None
    #: of the packet: its parts, in order
    sources: tuple[str, ...] | None = None
    #: of a PDF: what the PDF/A and PDF/UA checker found and what the file claims
    #: (docgen.pdf.checks), and the SHA-256 of each page's text (docgen verify compares them)
    checks: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the entry as the manifest writes it."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if value is not None:
                out[name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_json(cls, data: Any) -> FileEntry | None:
        """Return the entry ``data`` records, or None if it is not one docgen wrote."""
        if (not isinstance(data, dict) or not isinstance(data.get("path"), str)
                or not isinstance(data.get("sha256"), str)):
            return None
        values: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            value = data.get(name)
            # a field of the wrong type (a damaged manifest) is as good as none: only the
            # path and SHA-256 make the file docgen's
            if name in ("incomplete_translation", "sources", "translation_review"):
                value = (tuple(value) if isinstance(value, list)
                         and all(isinstance(v, str) for v in value) else None)
            elif name == "checks":
                value = value if isinstance(value, dict) else None
            elif name == "translation_reviewed":
                value = value if isinstance(value, bool) else None
            elif name == "bytes":
                value = value if isinstance(value, int) and not isinstance(value, bool) else None
            elif not isinstance(value, str):
                value = None
            values[name] = value
        return cls(**values)


@dataclass(frozen=True)
class SpecRecord:
    """The spec a folder was built from."""

    file: str | None = None
    id: str | None = None
    schema_version: str | None = None
    sha256: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "id": self.id, "schema_version": self.schema_version,
                "sha256": self.sha256}


@dataclass(frozen=True)
class Manifest:
    """A folder's ``manifest.json``."""

    docgen_version: str
    spec: SpecRecord
    source_date: str | None
    files: tuple[FileEntry, ...] = field(default=())

    def entry(self, path: str) -> FileEntry | None:
        """Return the entry of the file ``path``, if the manifest names it."""
        return next((e for e in self.files if e.path == path), None)

    def of_format(self, fmt: str) -> list[FileEntry]:
        """Return the entries of one format (``docx`` or ``pdf``), in the manifest's order."""
        return [e for e in self.files if e.format == fmt]

    def owned(self, folder: Path) -> dict[str, str]:
        """Return the files this manifest names that are still as docgen wrote them."""
        return output.owned(folder, ((e.path, e.sha256) for e in self.files))

    def with_entries(self, entries: list[FileEntry]) -> Manifest:
        """Return this manifest with ``entries`` in place of those of the same paths."""
        names = {e.path for e in entries}
        return replace(self, files=tuple([e for e in self.files if e.path not in names]
                                         + entries))

    def to_bytes(self) -> bytes:
        """Return the manifest's bytes: keys sorted, indent 2, UTF-8, a final newline; the
        files in one order whatever order they were made in (:func:`manifest_order`)."""
        order = manifest_order(self)
        files = sorted(self.files, key=lambda e: order(e.path))
        data = {"docgen_version": self.docgen_version, "spec": self.spec.to_json(),
                "source_date": self.source_date, "files": [e.to_json() for e in files]}
        return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
                + "\n").encode("utf-8")


def manifest_order(manifest: Manifest) -> Callable[[str], tuple[int, int, str]]:
    """Return the sort key of a manifest's files by path: the DOCX files in the documents'
    order, then each one's PDF in the same order (not the order LibreOffice finished them),
    then the packet, then anything else by name."""
    docx = {e.path: i for i, e in enumerate(manifest.of_format("docx"))}
    entries = {e.path: e for e in manifest.files}

    def key(path: str) -> tuple[int, int, str]:
        entry = entries.get(path)
        if path in docx:
            return (0, docx[path], path)
        if entry is not None and entry.kind == "packet":
            return (2, 0, path)
        if entry is not None and entry.source in docx:
            return (1, docx[str(entry.source)], path)
        return (3, 0, path)

    return key


def read_manifest(folder: Path) -> Manifest | None:
    """Return the docgen manifest in ``folder``, or None if there is none (or not docgen's).

    An entry of the wrong shape (a damaged manifest) is left out: docgen then does not count
    that file as its own, and will not overwrite or remove it.
    """
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(data, dict) and "docgen_version" in data
            and isinstance(data.get("files"), list)):
        return None
    spec = data.get("spec")
    spec = spec if isinstance(spec, dict) else {}

    def text(value: Any) -> str | None:  # a damaged field is as good as none
        return value if isinstance(value, str) else None

    entries = (FileEntry.from_json(e) for e in data["files"])
    return Manifest(str(data["docgen_version"]),
                    SpecRecord(text(spec.get("file")), text(spec.get("id")),
                               text(spec.get("schema_version")), text(spec.get("sha256"))),
                    text(data.get("source_date")), tuple(e for e in entries if e is not None))


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Write ``manifest`` into ``folder`` whole (beside it, then renamed into place)."""
    output.write_whole(folder / MANIFEST, manifest.to_bytes())
