"""The translations page's work, apart from the web: the state of each notice language's
catalogs, and a translator's PO file taken in.

Two catalogs make a family notice in a language other than English (README: Family notices and
translators): docgen's own (``locales/<tag>/LC_MESSAGES/docgen.po``, the letter's wording, kept
by docgen's translators) and the partnership's (``<spec-stem>.locales/<tag>.po`` beside the
spec: the spec's own text, which the partnership's translator translates). The page shows both
with docgen's counts (:func:`docgen.i18n.check.check_catalog`) and reviews (``X-Reviewed``);
docgen's own are offered for download only (they are docgen's, not the partnership's), the
partnership's for download and upload.

An upload is refused, with every problem located in the file as uploaded, when docgen could not
use it: not UTF-8, a byte-order mark, a wrong or missing Plural-Forms, a message twice, a
control character or direction control added, another language's catalog, or more than
:data:`MAX_UPLOAD_BYTES`. Untranslated and fuzzy strings are not a reason to refuse: a
translator sends work in progress. A taken upload is written through docgen's catalog writer
(the folder held, written whole), after the file it replaces is kept in ``.history/`` beside it;
and only if that file is still the one the page showed (``expected``), so that two uploads,
or an upload and ``docgen i18n update``, never overwrite each other silently.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import CatalogError, DocgenError, Problem
from ..i18n.catalogs import open_catalog, read_catalog, write_catalog
from ..i18n.check import check_catalog
from ..i18n.locales import canonical, catalog_path, normalise
from ..i18n.review import NOT_RECORDED, Review, read_review
from ..i18n.spectext import catalog_file, needs_catalog, spec_strings, spec_translation
from ..output import sha256
from ..resources import Resources
from ..spec.schema import Spec

#: The largest PO file an upload may be.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: Where the catalog an upload replaced is kept, inside the catalog folder.
HISTORY = ".history"


@dataclass
class CatalogState:
    """One catalog's counts, as the page shows them."""

    path: Path
    exists: bool
    translated: int = 0
    fuzzy: int = 0
    missing: int = 0
    review: Review = NOT_RECORDED
    problems: list[str] = field(default_factory=list)
    sha256: str | None = None
    #: of the translated: those whose translation is the English as it is (a copy of the
    #: msgid, as Poedit's "Copy from source" makes), to be checked by a person
    same: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.missing

    @property
    def complete(self) -> bool:
        return self.exists and not self.fuzzy and not self.missing and not self.problems

    def words(self) -> str:
        """The state in words: "40 of 52 translated, 3 fuzzy, 9 missing; not reviewed"."""
        if not self.exists:
            return f"no catalog yet ({self.missing} strings to translate)"
        said = f"{self.translated} of {self.total} translated"
        if self.same:
            said += (f" ({self.same} of them the same as the English: "
                     f"{'it is' if self.same == 1 else 'they are'} not translated, unless "
                     f"{'it is a name' if self.same == 1 else 'they are names'} that stay "
                     "as they are)")
        if self.fuzzy:
            said += f", {self.fuzzy} fuzzy (to review)"
        if self.missing:
            said += f", {self.missing} missing"
        return said + "; " + self.review.summary()


@dataclass
class Language:
    """A notice language of the spec, with its two catalogs (None for English, the source)."""

    tag: str
    docgen: CatalogState | None
    partnership: CatalogState | None


def _docgen_state(tag: str, base: Path, today: dt.date) -> CatalogState:
    path = catalog_path(canonical(tag, base) or tag, base)
    if not path.is_file():
        return CatalogState(path, False)
    try:
        report = check_catalog(canonical(tag, base) or tag, path, today=today)
    except DocgenError as e:
        return CatalogState(path, True, problems=e.lines())
    return CatalogState(path, True, report.translated, report.fuzzy, report.untranslated,
                        report.review, [str(p) for p in report.problems],
                        sha256(path.read_bytes()))


def partnership_state(spec: Spec, tag: str, today: dt.date,
                      root: Path | None = None) -> CatalogState:
    """The catalog of the spec's own text in ``tag``: translated, fuzzy (or whose English
    changed since), missing, and its review."""
    wanted = spec_strings(spec.data)
    path = catalog_file(spec.file, tag, root)
    if not path.is_file():
        return CatalogState(path, False, missing=len(wanted))
    try:
        opened = open_catalog(path, tag)
    except DocgenError as e:
        return CatalogState(path, True, missing=len(wanted), problems=e.lines())
    by_context = {m.context: m for m in opened.catalog if m.id}
    state = CatalogState(path, True, sha256=sha256(path.read_bytes()))
    for item in wanted:
        message = by_context.get(item.pointer)
        if message is None or not message.string:
            state.missing += 1
        elif message.fuzzy or message.id != item.text:
            state.fuzzy += 1
        else:
            state.translated += 1
            if not tag.startswith("en") and _plain(message.string) == _plain(item.text):
                state.same += 1
    own = spec_translation(spec.data, spec.file, tag, root)
    state.problems = [str(p) for p in own.problems if _refusing(p)]
    state.review, problem = read_review(path, today=today)
    if problem is not None:
        state.problems.append(str(problem))
    return state


def _plain(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


#: The states already counted, by what they depend on (the files' bytes as their stat says,
#: the spec's SHA-256, the day): counting a catalog parses it, which takes ~0.1 s.
_STATES: dict[tuple[Any, ...], CatalogState] = {}


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def _remembered(key: tuple[Any, ...], make: Callable[[], CatalogState]) -> CatalogState:
    state = _STATES.get(key)
    if state is None:
        if len(_STATES) > 256:
            _STATES.clear()
        state = _STATES[key] = make()
    return state


def languages(spec: Spec, resources: Resources, today: dt.date) -> list[Language]:
    """The spec's notice languages, in its order, each with its catalogs' state."""
    tags = dict.fromkeys(normalise(t) for t in (spec.data.get("family_notices") or {})
                         .get("languages", []) if isinstance(t, str))
    out = []
    for tag in tags:
        if not needs_catalog(tag):
            out.append(Language(tag, None, None))
            continue
        theirs = catalog_path(canonical(tag, resources.locales) or tag, resources.locales)
        ours = catalog_file(spec.file, tag)
        docgen = _remembered(("docgen", str(theirs), _stamp(theirs), tag, today),
                             lambda: _docgen_state(tag, resources.locales, today))
        partnership = _remembered(("spec", spec.file, spec.sha256, str(ours), _stamp(ours),
                                   tag, today), lambda: partnership_state(spec, tag, today))
        out.append(Language(tag, docgen, partnership))
    return out


def notice_tags(spec: Spec) -> list[str]:
    return [t for t in dict.fromkeys(normalise(t) for t in (spec.data.get("family_notices")
                                                            or {}).get("languages", [])
                                     if isinstance(t, str))]


# --- uploads ------------------------------------------------------------------------------

#: The problems of spec_translation that a translator's work in progress may have.
_IN_PROGRESS = (": not translated:", ": fuzzy:", ": changed:", ": not in the catalog:")


def _refusing(problem: Problem) -> bool:
    return not any(part in problem.message for part in _IN_PROGRESS)


class UploadRefused(CatalogError):
    """An uploaded catalog docgen will not take; its problems are located in the upload."""


@dataclass
class Taken:
    """An upload written into place: the file, what it replaced (kept), and its state now."""

    path: Path
    kept: Path | None
    state: CatalogState


def _relocated(problem: Problem, shown: str) -> Problem:
    return Problem(shown, problem.line, problem.col, problem.path, problem.message)


def take_upload(spec: Spec, tag: str, data: bytes, filename: str, *, expected: str | None,
                today: dt.date) -> Taken:
    """Check the PO file ``data`` (uploaded as ``filename``) as the catalog of the spec's text
    in ``tag``, and write it in place of the current one; raise :class:`UploadRefused` with
    every problem, located in ``filename``, and write nothing, when docgen could not use it
    or when the current catalog is no longer the one whose SHA-256 is ``expected`` ("" when
    the page showed none)."""
    tag = normalise(tag)
    shown = f"{Path(filename).name or tag + '.po'} (uploaded for {tag})"
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused.at(shown, f"is {len(data) // 1024} KB, more than the "
                               f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB a catalog may be; "
                               "send the .po file itself, not a zip or a .mo file")
    if not data.strip():
        raise UploadRefused.at(shown, "is empty; choose the .po file the translator sent")
    target = catalog_file(spec.file, tag)
    work = Path(tempfile.mkdtemp(prefix="docgen-upload-"))
    try:
        staged = catalog_file(spec.file, tag, work)
        staged.parent.mkdir(parents=True)
        staged.write_bytes(data)
        problems = _upload_problems(spec, tag, staged, work, shown, today)
        if problems:
            raise UploadRefused(f"{shown}: {len(problems)} problem(s); the catalog is "
                                "unchanged", problems)
        catalog = read_catalog(staged, tag)
        current = sha256(target.read_bytes()) if target.is_file() else ""
        if expected is not None and current != expected:
            raise UploadRefused.at(str(target), (
                "changed after this page was shown (another upload, or docgen i18n "
                "update); nothing was written: reload the page to see the catalog as "
                "it is now, then upload again"))
        kept = None
        if target.is_file():  # the file replaced is kept, never overwritten silently
            history = target.parent / HISTORY
            history.mkdir(exist_ok=True)
            stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            kept = history / f"{tag}-{stamp}.po"
            shutil.copyfile(target, kept)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_catalog(catalog, target, include_previous=True, within=target.parent)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Taken(target, kept, partnership_state(spec, tag, today))


def _upload_problems(spec: Spec, tag: str, staged: Path, root: Path, shown: str,
                     today: dt.date) -> list[Problem]:
    try:
        opened = open_catalog(staged, tag)
    except DocgenError as e:
        return [_relocated(p, shown) for p in e.problems]
    problems = list(opened.problems) + list(opened.duplicates)
    language = opened.catalog.locale_identifier
    if language and normalise(str(language).replace("_", "-")) != tag:
        problems.append(Problem(str(staged), 0, message=(
            f"is the catalog of {str(language).replace('_', '-')!r}, not of {tag!r}; upload it "
            "on that language's row, or check the translator sent the right file")))
    own = spec_translation(spec.data, spec.file, tag, root)
    problems += [p for p in own.problems if _refusing(p)]
    review, problem = read_review(staged, today=today)
    if problem is not None:
        problems.append(problem)
    pointers = {item.pointer for item in spec_strings(spec.data)}
    if pointers and not any(m.context in pointers for m in opened.catalog if m.id):
        problems.append(Problem(str(staged), 0, message=(
            "holds none of this spec's text; is it the catalog of another partnership, or "
            "docgen's own (docgen.po)? Upload the <spec>.locales/" + tag + ".po file")))
    unique = dict.fromkeys(_relocated(p, shown) for p in problems)
    return sorted(unique, key=lambda p: (p.line, p.message))
