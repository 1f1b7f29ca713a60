"""What Home says of each spec: its name, school year and state in words.

A spec's state is read from the folder alone: whether it reads and what ``docgen validate``
says of it (the same :func:`~docgen.spec.schema.check_spec`), whether a build of it is in the
output folder (``OUT/<id>/manifest.json``) and whether that build was made from the file as
it is now (the manifest records the spec's SHA-256), and whether its renewal is due (the term
ends within its renewal notice period, 60 days unless the spec says, or has ended) and no spec
of the folder renews it yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..build.manifest import read_manifest
from ..errors import DocgenError, Problem
from ..resources import Resources
from ..spec.read import spec_from_text
from ..spec.schema import check_spec
from .store import Document, Store

#: Days before the term's end that a renewal is due when the spec names no notice period.
RENEWAL_WINDOW_DAYS = 60


@dataclass
class SpecState:
    """One spec as Home lists it."""

    stem: str
    name: str
    school_year: str
    id: str | None
    problems: list[Problem] = field(default_factory=list)
    built: bool = False
    outdated: bool = False
    renewal_due: bool = False
    renewed_by: str | None = None
    term_end: dt.date | None = None

    @property
    def valid(self) -> bool:
        return not self.problems

    def words(self) -> list[str]:
        """The state in words, the first the most important."""
        out = []
        if self.problems:
            n = len(self.problems)
            out.append(f"has {n} problem{'s' if n != 1 else ''} to fix")
        else:
            out.append("valid")
        if self.built and self.outdated:
            out.append("changed since its last build: build again")
        elif self.built:
            out.append("built")
        else:
            out.append("not built yet")
        if self.renewed_by:
            out.append(f"renewed by {self.renewed_by}")
        elif self.renewal_due and self.term_end is not None:
            out.append(f"renewal due (the term ends {self.term_end.isoformat()})")
        return out


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def partnership_name(data: dict[str, Any], stem: str) -> str:
    """``Lincoln Elementary and Bright Futures``, from the parties' short or legal names."""
    parties = _obj(data.get("parties"))
    names = []
    for key in ("school", "partner"):
        party = _obj(parties.get(key))
        name = party.get("short_name") or party.get("legal_name")
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    if isinstance(data.get("title"), str) and data["title"].strip():
        return str(data["title"]).strip()
    return " and ".join(names) if names else stem


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def state_of(document: Document, *, out: Path, today: dt.date, resources: Resources,
             renewals: dict[tuple[str, str], str]) -> SpecState:
    """Return the state of ``document``; ``renewals`` maps (a renewed spec's school year,
    partner name) to the stem of the spec that renews it."""
    try:
        spec = spec_from_text(document.path.name, document.text)
    except DocgenError as e:
        return SpecState(document.stem, document.stem, "", None, problems=list(e.problems))
    data = spec.data
    problems = check_spec(spec, resources)
    spec_id = data.get("id") if isinstance(data.get("id"), str) else None
    year_value = data.get("school_year")
    year = year_value if isinstance(year_value, str) else ""
    state = SpecState(document.stem, partnership_name(data, document.stem), year, spec_id,
                      problems=problems)
    if spec_id and "/" not in spec_id and not spec_id.startswith("."):
        manifest = read_manifest(out / spec_id)
        if manifest is not None:
            state.built = True
            state.outdated = (manifest.spec.sha256 != document.revision
                              or _catalogs_changed(manifest, document.path, resources))
    term = _obj(data.get("term"))
    end = _date(term.get("end"))
    state.term_end = end
    if end is not None:
        days = term.get("renewal_notice_days")
        window = days if isinstance(days, int) and not isinstance(days, bool) and days >= 0 \
            else RENEWAL_WINDOW_DAYS
        state.renewal_due = today >= end - dt.timedelta(days=window)
    state.renewed_by = renewals.get((year, _partner(data)))
    return state


def _catalogs_changed(manifest: Any, spec_path: Path, resources: Resources) -> bool:
    """Whether a catalog a notice of the build was written from has changed since (a
    translation uploaded, docgen's catalogs updated): the notice is out of date."""
    from ..i18n.locales import canonical, catalog_path
    from ..i18n.spectext import catalog_file, needs_catalog
    from ..output import sha256

    def digest(path: Path) -> str | None:
        try:
            return sha256(path.read_bytes())
        except OSError:
            return None

    for entry in manifest.of_format("docx"):
        if entry.kind != "notice" or not entry.locale:
            continue
        tag = entry.locale
        own = digest(catalog_file(spec_path, tag)) if needs_catalog(tag) else None
        if own != entry.spec_catalog_sha256:
            return True
        base = resources.locales
        if entry.catalog_sha256 and digest(catalog_path(canonical(tag, base) or tag, base)) \
                != entry.catalog_sha256:
            return True
    return False


def _partner(data: dict[str, Any]) -> str:
    partner = _obj(_obj(data.get("parties")).get("partner"))
    name = partner.get("legal_name")
    return name if isinstance(name, str) else ""


def folder_states(store: Store, *, out: Path, today: dt.date,
                  resources: Resources) -> list[SpecState]:
    """Return the state of every spec of the store's folder, by school year (newest first),
    then name."""
    documents = []
    renewals: dict[tuple[str, str], str] = {}
    for stem in store.stems():
        try:
            document = store.read(stem)
        except DocgenError:
            continue
        documents.append(document)
        try:
            data = spec_from_text(document.path.name, document.text).data
        except DocgenError:
            continue
        renewed = _obj(_obj(data.get("annual_review")).get("renewed_from"))
        if isinstance(renewed.get("school_year"), str):
            renewals[(renewed["school_year"], _partner(data))] = stem
    states = [state_of(d, out=out, today=today, resources=resources, renewals=renewals)
              for d in documents]
    return sorted(states, key=lambda s: (_neg_year(s.school_year), s.name.lower(), s.stem))


def _neg_year(year: str) -> int:
    return -int(year[:4]) if year[:4].isdigit() else 0
