"""What a spec yields: its documents, each rendered in memory from its template (and a notice
from its language's catalog), with what the manifest records of them.

The agreements (MOU, data-sharing agreement when the spec shares student data, role chart) come
in the spec's locale; a family notice comes once per language of ``family_notices``. A notice
whose catalog lacks, or has a fuzzy or broken translation of, a message it uses is refused
unless the build allows incomplete catalogs, and is then marked as a draft.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, NamedTuple

from ..context import Shaped, build_context, build_notice_context, in_united_states, shape_spec
from ..errors import CatalogError, Problem
from ..i18n.check import unusable_messages
from ..i18n.extract import messages_used
from ..i18n.locales import catalog_path
from ..i18n.scripts import formatting_locale
from ..i18n.review import notice_review
from ..i18n.spectext import SpecTranslation, catalog_file, needs_catalog, spec_translation
from ..i18n.translate import Translator, translator
from ..i18n.locales import DEFAULT_LOCALE, canonical, normalise
from ..output import sha256
from ..render import Language, compile_template, render
from ..resources import Resources
from ..spec.schema import Spec


@dataclass
class BuildOptions:
    """How to build: where to, whether to replace, which resources, the fixed clock, PDFs."""

    out_dir: Path
    force: bool = False
    #: the templates, schema and catalogs to build with (a user's templates among them)
    resources: Resources = field(default_factory=Resources.shipped)
    source_date: dt.datetime | None = None
    locale: str = DEFAULT_LOCALE
    pdf: bool = False
    jobs: int = 1
    pdf_workers: int | None = None
    pdf_timeout: float = 120.0
    allow_incomplete: bool = False
    #: where the catalogs of each spec's own text are (``DIR/<spec-stem>.locales/``); None:
    #: beside the spec
    spec_locales: Path | None = None


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
    #: for a notice not in English: the SHA-256 of the catalog of the spec's own text
    spec_catalog_sha256: str | None = None
    incomplete: tuple[str, ...] = ()
    #: for a notice not in English: whether a person reviewed its translation (every catalog
    #: it is built from says ``X-Reviewed: yes``), and what each catalog says
    translation_reviewed: bool | None = None
    translation_review: tuple[str, ...] = ()


class Rendered(NamedTuple):
    """One document rendered: its kind, the template it came from, and its bytes."""

    kind: DocumentKind
    template: Path
    data: bytes


def _always(ctx: dict[str, Any]) -> bool:
    return True


def _shares_data(ctx: dict[str, Any]) -> bool:
    return bool(ctx["shares_data"])


DOCUMENTS = (
    DocumentKind("mou", "mou.docx", "mou.docx", _always),
    DocumentKind("data-sharing-agreement", "data-sharing-agreement.docx",
                 "data-sharing-agreement.docx", _shares_data),
    DocumentKind("role-chart", "role-chart.docx", "role-chart.docx", _always),
)

NOTICE_TEMPLATE = "notice.docx"


def source_date_for(spec: Spec, override: dt.datetime | None) -> dt.datetime:
    """Return the timestamp written into documents: ``override``, else the term's start."""
    if override is not None:
        return override.astimezone(dt.timezone.utc)
    start = dt.date.fromisoformat(spec.data["term"]["start"])
    return dt.datetime(start.year, start.month, start.day, tzinfo=dt.timezone.utc)


def template_sha256(path: Path) -> str:
    """Return the SHA-256 of the template at ``path`` (cached while the file is unchanged)."""
    stat = path.stat()
    return _template_sha256(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _template_sha256(path: str, mtime_ns: int, size: int) -> str:
    return sha256(Path(path).read_bytes())


def _catalog_tag(tag: str, base: Path) -> str:
    """Return the catalog that serves ``tag`` in the catalog folder ``base`` (else ``tag``)."""
    return canonical(tag, base) or tag


def notice_kinds(spec: Spec, options: BuildOptions) -> list[DocumentKind]:
    """Return a notice for each family-notice language of ``spec`` (none without the section)."""
    notices = spec.data.get("family_notices") or {}
    kinds = []
    for tag in dict.fromkeys(normalise(t) for t in notices.get("languages", [])):
        base = options.resources.locales
        path = catalog_path(_catalog_tag(tag, base), base)
        try:
            digest: str | None = sha256(path.read_bytes())
        except OSError:
            digest = None
        own = catalog_file(spec.file, tag, options.spec_locales)
        own_digest = sha256(own.read_bytes()) if needs_catalog(tag) and own.is_file() else None
        # the catalog's name as JSON can hold it, whatever the file system's encoding
        own_name = os.fsencode(f"{own.parent.name}/{own.name}").decode("utf-8",
                                                                       "backslashreplace")
        reviewed, review = (notice_review([(_relative_to(base, str(path)), path),
                                           (own_name, own)])
                            if needs_catalog(tag) else (None, ()))
        kinds.append(DocumentKind("notice", NOTICE_TEMPLATE, f"notices/notice-{tag}.docx",
                                  _always, locale=tag, catalog_sha256=digest,
                                  spec_catalog_sha256=own_digest,
                                  translation_reviewed=reviewed, translation_review=review))
    return kinds


def _relative_to(base: Path, line: str) -> str:
    """Name a catalog from its language folder, so the manifest is the same on every machine."""
    text = str(base)
    return line[len(text) + 1:] if line.startswith(text + os.sep) else line


def render_documents(spec: Spec, options: BuildOptions) -> list[Rendered]:
    """Render every document ``spec`` calls for, in memory; raise on the first failure.

    A notice whose catalog lacks, or has a fuzzy or broken translation of, a message the notice
    uses is refused, with every such message listed, unless ``options.allow_incomplete``.
    """
    # the spec is walked against the schema once, and written in each document's language
    shaped = shape_spec(spec.data)
    ctx = build_context(spec.data, locale=options.locale, shaped=shaped)
    when = source_date_for(spec, options.source_date)
    out = []
    for kind in DOCUMENTS:
        if kind.wanted(ctx):
            path = options.resources.template(kind.template)
            out.append(Rendered(kind, path, render(compile_template(path), ctx,
                                                   source_date=when)))
    notices = notice_kinds(spec, options)
    if notices:
        out += _render_notices(spec, notices, options, when, shaped)
    return out


def _catalog_gaps(spec: Spec, notices: list[DocumentKind], template: Path, options: BuildOptions,
                  own: dict[str, SpecTranslation]) -> dict[str, list[Problem]]:
    """Return what each notice's catalogs (docgen's, and that of the spec's own text, put in
    ``own``) cannot serve; raise unless incomplete is allowed."""
    used = messages_used(template)
    base = options.resources.locales
    gaps = {}
    for kind in notices:
        tag = _catalog_tag(kind.locale or "", base)
        gaps[kind.locale or ""] = unusable_messages(tag, used, path=catalog_path(tag, base))
        if needs_catalog(kind.locale or ""):
            own[kind.locale or ""] = spec_translation(
                spec.data, spec.file, kind.locale or "", options.spec_locales,
                use_fuzzy=options.allow_incomplete)
            gaps[kind.locale or ""] += own[kind.locale or ""].problems
    missing = [problem for tag in gaps for problem in gaps[tag]]
    if missing and not options.allow_incomplete:
        count = (f"{len(missing)} problem{'s' if len(missing) != 1 else ''} in their "
                 "catalogs (untranslated, fuzzy or broken)")
        raise CatalogError(
            f"{spec.file}: the family notices cannot be built: {count}; pass "
            "--allow-incomplete to build them anyway, marked as drafts",
            missing + [Problem(spec.file, 0, 0, None, f"the family notices were not built: "
                               f"{count}; fix the catalogs (docgen i18n check), or pass "
                               "--allow-incomplete to build them marked as drafts")])
    return gaps


def _tagged(tag: str, in_us: bool) -> str:
    """Return the language tag a notice's text in ``tag`` is marked with: a US partnership's
    "es" is US Spanish (es-US), as it is formatted; so is its Spanish line in every notice."""
    return f"{tag}-US" if "-" not in tag and formatting_locale(
        tag, in_us=in_us).endswith("_US") else tag


def _taglines(notice: dict[str, Any], translators: dict[str, Translator], in_us: bool = False
              ) -> tuple[tuple[str, tuple[str, bool]], ...]:
    """Return each tagline's text as the template writes it, with its language (as
    :func:`_tagged` marks it) and direction, to find its paragraphs again."""
    by_text = []
    for line in notice["taglines"]:
        # the same calls as the template's tagline block
        extra = " We will find an interpreter for you, at no cost." if line.get(
            "interpreter") else ""
        if line["phone"]:
            text = translators[line["tag"]].gettext(
                "If you need this letter in {language}, call {phone}." + extra,
                language=line["language"], phone=line["phone"])
        else:
            text = translators[line["tag"]].gettext(
                "If you need this letter in {language}, write to {email}." + extra,
                language=line["language"], email=line["email"])
        by_text.append((text, (_tagged(line["tag"], in_us), line["rtl"])))
    return tuple(by_text)


def _render_notices(spec: Spec, notices: list[DocumentKind], options: BuildOptions,
                    when: dt.datetime, shaped: Shaped | None = None) -> list[Rendered]:
    template = options.resources.template(notices[0].template)
    own: dict[str, SpecTranslation] = {}
    gaps = _catalog_gaps(spec, notices, template, options, own)
    base = options.resources.locales
    translators = {tag: translator(_catalog_tag(tag, base), base=base, use_fuzzy=bool(gaps[tag]))
                   for tag in gaps}
    compiled = compile_template(template)
    out = []
    for kind in notices:
        tag = kind.locale or ""
        nctx = build_notice_context(spec.data, tag, translators, incomplete=bool(gaps[tag]),
                                    spec_text=own[tag].strings if tag in own else None,
                                    shaped=shaped)
        in_us = in_united_states(spec.data)
        language = Language(_tagged(tag, in_us), translators[tag].rtl,
                            _taglines(nctx["notice"], translators, in_us))
        marked = replace(kind, incomplete=tuple(_relative_to(base, str(p)) for p in gaps[tag]))
        out.append(Rendered(marked, template,
                            render(compiled, nctx, source_date=when, language=language)))
    return out
