"""The build page: one click builds a spec's documents, with progress while LibreOffice works,
then each document's page thumbnails, its PDF in the browser, its downloads, the packet, a zip,
and ``docgen explain`` beside it.

Routes (``NAME`` is the spec's file name in the served folder, without ``.json``):

- ``GET /build/NAME``: the page; ``POST /build/NAME``: start a build (the app refuses a POST
  without the run's token), then back to the page (303);
- ``GET /build/NAME/status``: the progress fragment the page polls (htmx) while it builds;
- ``GET /build/NAME/files/PATH``: a file of the build folder its manifest names (``?download``
  for an attachment), ``GET /build/NAME/zip``: all of them;
- ``GET /build/NAME/pages/SHA/N.png``: a page thumbnail;
- ``GET /build/NAME/explain/DOCUMENT``: where each clause of a document comes from.
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import DocgenError
from .builds import (OUT, BuildSettings, Folder, Job, Jobs, built_folder, folder_zip,
                     run_build, served_file, thumbnail_file, thumbnails)
from .flow_pages import folder_of, load, page, spec_path, state


def jobs(request: Request) -> Jobs:
    """The builds of this server (one Jobs per app)."""
    found: Jobs = state(request, "build_jobs", Jobs)
    return found


def settings(request: Request) -> BuildSettings:
    """How this server builds (tests set ``app.state.build_settings``)."""
    found: BuildSettings = state(request, "build_settings", BuildSettings)
    return found


def _local(lines: list[str], folder: Path) -> list[str]:
    """Messages as ``docgen build`` prints them run in the served folder: paths relative."""
    prefix = str(folder) + os.sep
    return [line.replace(prefix, "") for line in lines]


def _folder(request: Request, spec: Any) -> Folder | None:
    if spec is None or not isinstance(spec.data.get("id"), str):
        return None
    return built_folder(folder_of(request) / OUT, spec.data["id"], spec.sha256)


def _context(request: Request, name: str) -> dict[str, Any]:
    path, spec, problems = load(request, name)
    folder = folder_of(request)
    job = jobs(request).get(str(path))
    built = _folder(request, spec)
    return {"name": name, "file": path.name, "spec": spec, "problems": _local(problems, folder),
            "job": job, "running": job is not None and not job.finished,
            "job_errors": _local(job.errors, folder) if job else [],
            "job_notes": _local(job.notes, folder) if job else [],
            "built": built, "quoted": urllib.parse.quote,
            "title": _title(spec) if spec else path.name}


def _title(spec: Any) -> str:
    parties = spec.data.get("parties") or {}
    names = [str((parties.get(k) or {}).get("short_name") or (parties.get(k) or {})
                 .get("legal_name") or k) for k in ("school", "partner")]
    return f"{names[0]} and {names[1]}, {spec.data.get('school_year', '')}"


async def build_page(request: Request) -> Response:
    return page(request, "build_page.html", _context(request, request.path_params["name"]))


async def start_build(request: Request) -> Response:
    name = request.path_params["name"]
    path = spec_path(request, name)
    form = await request.form()
    allow = form.get("allow_incomplete") == "yes"
    folder = folder_of(request)
    chosen = settings(request)
    jobs(request).start(str(path), lambda job: run_build(job, folder, chosen,
                                                          allow_incomplete=allow))
    if request.headers.get("HX-Request"):
        return page(request, "build_status.html", _context(request, name))
    return RedirectResponse(request.url_for("build_page", name=name), status_code=303)


async def build_status(request: Request) -> Response:
    return page(request, "build_status.html", _context(request, request.path_params["name"]))


def _built(request: Request) -> Folder:
    _, spec, _ = load(request, request.path_params["name"])
    built = _folder(request, spec)
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
    out = folder_of(request) / OUT
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


async def explain_page(request: Request) -> Response:
    from ..explain import explain

    name, document = request.path_params["name"], request.path_params["document"]
    context = _context(request, name)
    spec, built = context["spec"], context["built"]
    if spec is None or context["problems"]:
        return page(request, "build_explain.html", {**context, "document": None,
                                                    "clauses": [], "error": context["problems"]},
                    status_code=409)
    shown = next((d for d in (built.documents if built else []) if d.explain == document), None)
    try:
        clauses = explain(spec, document)
    except DocgenError as e:
        raise HTTPException(404, "; ".join(e.lines())) from None
    return page(request, "build_explain.html", {**context, "document": document,
                                                "built_document": shown, "clauses": clauses,
                                                "error": []})


routes: list[BaseRoute] = [
    Route("/build/{name}", build_page, methods=["GET"], name="build_page"),
    Route("/build/{name}", start_build, methods=["POST"], name="start_build"),
    Route("/build/{name}/status", build_status, methods=["GET"], name="build_status"),
    Route("/build/{name}/zip", build_zip, methods=["GET"], name="build_zip"),
    Route("/build/{name}/files/{path:path}", build_file, methods=["GET"], name="build_file"),
    Route("/build/{name}/pages/{sha}/{page:int}.png", build_thumbnail, methods=["GET"],
          name="build_thumbnail"),
    Route("/build/{name}/explain/{document}", explain_page, methods=["GET"],
          name="build_explain"),
]

__all__ = ["routes", "Job"]
