"""The build page: one click builds a spec's documents, with progress while LibreOffice works,
then each document's page thumbnails, its PDF in the browser, its downloads, the packet, a zip,
and ``docgen explain`` beside it.

Routes (``STEM`` is the spec's file name in the served folder, without ``.json``):

- ``GET /spec/STEM/build``: the page; ``POST /spec/STEM/build``: start a build (the app
  refuses a POST without the run's token), then back to the page (303);
- ``GET /spec/STEM/build/status``: the progress fragment the page polls (htmx) while it builds;
- ``GET /spec/STEM/build/files/PATH``: a file of the build folder its manifest names
  (``?download`` for an attachment), ``GET /spec/STEM/build/zip``: all of them;
- ``GET /spec/STEM/build/pages/SHA/N.png``: a page thumbnail;
- ``GET /spec/STEM/build/explain/DOCUMENT``: where each clause of a document comes from.
"""

from __future__ import annotations

import json
import re

from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import DocgenError
from .builds import (KIND_NAMES, BuildSettings, Folder, Jobs, built_folder, folder_zip,
                     run_build, served_file, thumbnail_file, thumbnails)
from .flow_pages import load, local, out_of, resources_of, state, store_of, title_of
from .pages import fragment, render


def jobs(request: Request) -> Jobs:
    """The builds of this server (one Jobs per app)."""
    found: Jobs = state(request, "build_jobs", Jobs)
    return found


def settings(request: Request) -> BuildSettings:
    """How this server builds (tests set ``app.state.build_settings``)."""
    found: BuildSettings = state(request, "build_settings", BuildSettings)
    return found


def built_of(request: Request, spec: Any) -> Folder | None:
    if spec is None or not isinstance(spec.data.get("id"), str):
        return None
    return built_folder(out_of(request), spec.data["id"], spec.sha256)


def _context(request: Request, stem: str) -> dict[str, Any]:
    path, spec, problems = load(request, stem)
    job = jobs(request).get(str(path))
    built = built_of(request, spec)
    return {"file": path.name, "spec": spec, "problems": problems,
            "job": job, "running": job is not None and not job.finished,
            "job_errors": local(job.errors, request) if job else [],
            "job_notes": local(job.notes, request) if job else [],
            "built": built, "title": title_of(spec, path.name),
            "out_name": _shown_out(request)}


def _shown_out(request: Request) -> str:
    try:
        return str(out_of(request).relative_to(request.app.state.folder))
    except ValueError:
        return str(out_of(request))


async def build_page(request: Request) -> Response:
    stem = request.path_params["stem"]
    return render(request, "build_page.html", stem=stem, current="build",
                  **_context(request, stem))


async def start_build(request: Request) -> Response:
    stem = request.path_params["stem"]
    path = store_of(request).path(stem)
    form = await request.form()
    allow = form.get("allow_incomplete") == "yes"
    out, chosen, resources = out_of(request), settings(request), resources_of(request)
    jobs(request).start(str(path), lambda job: run_build(job, out, chosen, resources,
                                                          allow_incomplete=allow))
    if request.headers.get("HX-Request"):
        return fragment(request, "build_status.html", stem=stem, **_context(request, stem))
    return RedirectResponse(f"/spec/{stem}/build", status_code=303)


async def build_status(request: Request) -> Response:
    stem = request.path_params["stem"]
    return fragment(request, "build_status.html", stem=stem, **_context(request, stem))


def _built(request: Request) -> Folder:
    _, spec, _ = load(request, request.path_params["stem"])
    built = built_of(request, spec)
    if built is None:
        raise HTTPException(404, "not built yet: build it first")
    return built


_TYPES = {".pdf": "application/pdf", ".json": "application/json",
          ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


async def build_file(request: Request) -> Response:
    built = _built(request)
    name = request.path_params["path"]
    path = served_file(built, name)
    if path is None:
        raise HTTPException(404, "no such file in the build folder")
    kind = _TYPES.get(path.suffix.lower(), "application/octet-stream")
    download = "download" in request.query_params or path.suffix.lower() == ".docx"
    filename = f"{built.path.name}-{Path(name).name}" if download else None
    disposition = "attachment" if download else "inline"
    return FileResponse(path, media_type=kind, filename=filename or Path(name).name,
                        content_disposition_type=disposition,
                        headers={"X-Content-Type-Options": "nosniff"})


async def build_zip(request: Request) -> Response:
    built = _built(request)
    data = folder_zip(built)
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{built.path.name}.zip"'})


async def build_thumbnail(request: Request) -> Response:
    built = _built(request)
    digest, number = request.path_params["sha"], request.path_params["page"]
    out = out_of(request)
    png = thumbnail_file(out, digest, number)
    if png is None:  # built by the CLI: make the pictures of a PDF of this folder now
        for document in built.documents:
            if document.pdf_sha256 == digest and document.pdf:
                try:
                    thumbnails(out, built.path / document.pdf)
                except DocgenError:
                    break
                png = thumbnail_file(out, digest, number)
    if png is None:
        raise HTTPException(404, "no such page")
    return FileResponse(png, media_type="image/png", headers={"Cache-Control": "max-age=3600"})


_STEP = re.compile(r'\.([A-Za-z_$][A-Za-z0-9_$]*)|\[([0-9]+)\]|\[("(?:[^"\\]|\\.)*")\]')


def field_id(json_path: str) -> str | None:
    """The id of the Edit page's field of ``$.raci[0].activity`` (``f-raci.0.activity``), or
    None for a path that is not one."""
    from .forms import html_id

    if not json_path.startswith("$"):
        return None
    steps: list[str | int] = []
    at = 1
    while at < len(json_path):
        match = _STEP.match(json_path, at)
        if match is None:
            return None
        name, index, quoted = match.groups()
        steps.append(name if name is not None else int(index) if index is not None
                     else json.loads(quoted))
        at = match.end()
    return html_id(tuple(steps))


def _document_name(document: str) -> str:
    if document.startswith("notice-"):
        tag = document[len("notice-"):]
        return f"Family notice ({tag})"
    return KIND_NAMES.get(document, document)


async def explain_page(request: Request) -> Response:
    from ..explain import explain

    stem, document = request.path_params["stem"], request.path_params["document"]
    context = _context(request, stem)
    spec, built = context["spec"], context["built"]
    shown = next((d for d in (built.documents if built else []) if d.explain == document), None)
    if spec is None or context["problems"]:
        return render(request, "build_explain.html", stem=stem, current="build", **context,
                      document=document, built_document=shown, clauses=[],
                      error=context["problems"], document_name=_document_name(document),
                      field_id=field_id, status_code=409)
    try:
        clauses = explain(spec, document, resources_of(request))
    except DocgenError as e:
        raise HTTPException(404, "; ".join(local(e.lines(), request))) from None
    return render(request, "build_explain.html", stem=stem, current="build", **context,
                  document=document, built_document=shown, clauses=clauses, error=[],
                  document_name=shown.name if shown else _document_name(document),
                  field_id=field_id)


routes: list[BaseRoute] = [
    Route("/spec/{stem}/build", build_page, methods=["GET"], name="build_page"),
    Route("/spec/{stem}/build", start_build, methods=["POST"], name="start_build"),
    Route("/spec/{stem}/build/status", build_status, methods=["GET"], name="build_status"),
    Route("/spec/{stem}/build/zip", build_zip, methods=["GET"], name="build_zip"),
    Route("/spec/{stem}/build/files/{path:path}", build_file, methods=["GET"],
          name="build_file"),
    Route("/spec/{stem}/build/pages/{sha}/{page:int}.png", build_thumbnail, methods=["GET"],
          name="build_thumbnail"),
    Route("/spec/{stem}/build/explain/{document}", explain_page, methods=["GET"],
          name="build_explain"),
]

