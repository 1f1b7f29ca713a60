"""The Translations page: per notice language, the state of docgen's catalog and of the
partnership's (translated, fuzzy, missing, reviewed), the notice beside the English one, and
the PO files for a translator: download both, upload the partnership's.

Routes (``STEM`` is a spec's file name without ``.json``, ``TAG`` a notice language):

- ``GET /spec/STEM/translations``: the page (``?notice=TAG``: that notice beside the English);
- ``GET /spec/STEM/translations/TAG/spec.po``: the partnership's catalog;
  ``GET /spec/STEM/translations/TAG/docgen.po``: docgen's;
- ``POST /spec/STEM/translations/TAG/start``: start the partnership's catalog (``docgen i18n
  init TAG --spec``);
- ``POST /spec/STEM/translations/TAG/upload``: take a translator's PO file (checked, size
  limited, refused with located messages, never over a catalog changed since the page).
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import DocgenError
from ..i18n.locales import normalise
from ..i18n.catalogs import language_name
from ..i18n.scripts import own_name
from ..i18n.spectext import catalog_file, init_spec_catalog, needs_catalog
from ..i18n.translate import text_direction
from ..spec.schema import Spec
from .app import today_of
from .build_routes import built_of
from .flow_pages import load, local, resources_of, title_of
from .pages import render
from .translations import MAX_UPLOAD_BYTES, UploadRefused, languages, notice_tags, take_upload


def _spec(request: Request) -> tuple[str, Spec]:
    stem = request.path_params["stem"]
    _, spec, problems = load(request, stem)
    if spec is None:
        raise HTTPException(409, "\n".join(problems))
    return stem, spec


def _tag(request: Request, spec: Spec) -> str:
    tag = normalise(request.path_params["tag"])
    if tag not in notice_tags(spec) or not needs_catalog(tag):
        raise HTTPException(404, f"{request.path_params['tag']}: the spec has no family notice "
                            "in this language to translate")
    return tag


#: The notices' paragraphs already rendered, by what they depend on (see :func:`_notice_text`).
_TEXTS: dict[tuple[Any, ...], tuple[list[tuple[int, str]], list[str]]] = {}


def _level(style: str) -> int:
    """The heading level a paragraph of the notice's template has (0: not a heading): the
    notice's title and headings stay headings in the preview, under its h3."""
    if style in ("Title", "Heading1"):
        return 4
    if style.startswith("Heading") and style[7:].isdigit():
        return min(6, 3 + int(style[7:]))
    return 0


def _notice_text(spec: Spec, tag: str, request: Request
                 ) -> tuple[list[tuple[int, str]], list[str]]:
    """The notice's paragraphs in ``tag`` as docgen writes them, each with its heading level
    (0: a paragraph) (a draft's, from fuzzy
    translations, if incomplete), and the problems that stopped it; remembered while the
    spec, the notice's template and its catalogs are unchanged."""
    from ..explain import NOTICE_TEMPLATE, explain
    from ..i18n.locales import canonical, catalog_path
    from .translations import _stamp

    resources = resources_of(request)
    files = [resources.template(NOTICE_TEMPLATE), catalog_file(spec.file, tag),
             catalog_path(canonical(tag, resources.locales) or tag, resources.locales)]
    key = (spec.file, spec.sha256, tag, tuple((str(f), _stamp(f)) for f in files))
    found = _TEXTS.get(key)
    if found is not None:
        return found
    try:
        found = [(_level(c.style), c.text)
                 for c in explain(spec, f"notice-{tag}", resources)], []
    except DocgenError as e:
        found = [], local(e.lines(), request)
    if len(_TEXTS) > 64:
        _TEXTS.clear()
    _TEXTS[key] = found
    return found


def _context(request: Request, stem: str) -> dict[str, Any]:
    path, spec, problems = load(request, stem)
    context: dict[str, Any] = {"file": path.name, "spec": spec, "problems": problems,
                               "title": title_of(spec, path.name), "languages": [],
                               "error": [], "taken": None, "notice": None,
                               "max_kb": MAX_UPLOAD_BYTES // 1024}
    if spec is None:
        return context
    found = languages(spec, resources_of(request), today_of(request))
    context["languages"] = found
    context["own_name"] = own_name
    context["english_name"] = language_name
    context["direction"] = text_direction
    chosen = request.query_params.get("notice")
    others = [lang.tag for lang in found if lang.docgen is not None]
    if chosen is None and others:
        chosen = others[0]
    if chosen is not None and not problems:
        tag = normalise(chosen)
        if tag in others:
            built = built_of(request, spec)
            pdfs = {d.locale: d for d in (built.documents if built else []) if d.locale}
            english, english_problems = _notice_text(spec, "en", request)
            theirs, their_problems = _notice_text(spec, tag, request)
            context["notice"] = {"tag": tag, "english": english, "text": theirs,
                                 "problems": english_problems + their_problems,
                                 "english_pdf": pdfs.get("en"), "pdf": pdfs.get(tag)}
    return context


async def translations_page(request: Request) -> Response:
    stem = request.path_params["stem"]
    return render(request, "translations_page.html", stem=stem, current="translations",
                  **_context(request, stem))


async def spec_catalog(request: Request) -> Response:
    stem, spec = _spec(request)
    tag = _tag(request, spec)
    path = catalog_file(spec.file, tag)
    if path.is_symlink() or not path.is_file():
        raise HTTPException(404, f"{tag}: the partnership has no catalog in this language yet; "
                            "start it first")
    return FileResponse(path, media_type="text/x-gettext-translation; charset=utf-8",
                        filename=f"{stem}-{tag}.po", content_disposition_type="attachment")


async def docgen_catalog(request: Request) -> Response:
    from ..i18n.locales import canonical, catalog_path

    _, spec = _spec(request)
    tag = _tag(request, spec)
    base = resources_of(request).locales
    path = catalog_path(canonical(tag, base) or tag, base)
    if not path.is_file():
        raise HTTPException(404, f"{tag}: docgen has no catalog in this language")
    return FileResponse(path, media_type="text/x-gettext-translation; charset=utf-8",
                        filename=f"docgen-{tag}.po", content_disposition_type="attachment")


async def start_catalog(request: Request) -> Response:
    stem, spec = _spec(request)
    tag = _tag(request, spec)
    try:
        init_spec_catalog(spec.data, spec.file, tag)
    except DocgenError as e:
        return _refused(request, stem, local(e.lines(), request))
    return RedirectResponse(f"/spec/{stem}/translations?notice={tag}#lang-{tag}",
                            status_code=303)


def _refused(request: Request, stem: str, lines: list[str]) -> Response:
    context = _context(request, stem)
    context["error"] = lines
    return render(request, "translations_page.html", stem=stem, current="translations",
                  status_code=422, **context)


async def upload(request: Request) -> Response:
    stem, spec = _spec(request)
    tag = _tag(request, spec)
    form = await request.form(max_files=1, max_fields=10, max_part_size=MAX_UPLOAD_BYTES + 1)
    given = form.get("catalog")
    if not isinstance(given, UploadFile) or not given.filename:
        return _refused(request, stem, [f"{tag}: choose the .po file the translator sent, "
                                        "then upload it"])
    data = await given.read(MAX_UPLOAD_BYTES + 1)
    expected = form.get("expected")
    try:
        taken = take_upload(spec, tag, data, given.filename,
                            expected=str(expected) if expected is not None else None,
                            today=today_of(request))
    except UploadRefused as e:
        return _refused(request, stem, local(e.lines(), request))
    except DocgenError as e:
        return _refused(request, stem, local(e.lines(), request))
    context = _context(request, stem)
    context["taken"] = {"tag": tag, "file": local([str(taken.path)], request)[0],
                        "kept": local([str(taken.kept)], request)[0] if taken.kept else None,
                        "words": taken.state.words()}
    return render(request, "translations_page.html", stem=stem, current="translations",
                  **context)


routes: list[BaseRoute] = [
    Route("/spec/{stem}/translations", translations_page, methods=["GET"],
          name="translations_page"),
    Route("/spec/{stem}/translations/{tag}/spec.po", spec_catalog, methods=["GET"],
          name="translations_spec_po"),
    Route("/spec/{stem}/translations/{tag}/docgen.po", docgen_catalog, methods=["GET"],
          name="translations_docgen_po"),
    Route("/spec/{stem}/translations/{tag}/start", start_catalog, methods=["POST"],
          name="translations_start"),
    Route("/spec/{stem}/translations/{tag}/upload", upload, methods=["POST"],
          name="translations_upload"),
]
