"""The Review page: renew last year's spec for next year, tick its re-confirm list, and read
last year against this year (summary, redlines inline and side by side, the list of changes,
the redline PDFs).

Routes (``STEM`` is a spec's file name without ``.json``):

- ``GET /spec/STEM/review``: the page;
- ``POST /spec/STEM/renew``: write next year's spec beside this one (never over a file), then
  go to the new spec's Review page;
- ``POST /spec/STEM/review/reconfirm``: save the ticks of the re-confirm list (a save of the
  spec through the store: the version replaced is kept, a stale page is refused);
- ``POST /spec/STEM/review/run``: review last year's spec against this one in the background;
  ``GET /spec/STEM/review/status``: its progress and, when done, what it found;
- ``GET /spec/STEM/review/redline/DOCUMENT``: one document's redline as HTML (``?view=side``
  side by side);
- ``GET /spec/STEM/review/files/NAME``: a file the review wrote (redline DOCX or PDF, summary).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import DocgenError
from ..spec.schema import Spec, read_spec
from .build_routes import jobs, settings
from .builds import Job
from .flow_pages import load, local, out_of, store_of, title_of
from .pages import fragment, render
from .reviews import (REVIEWS, change_words, last_year_of, next_school_year, read_summary,
                      reconfirm_items, redlines, renew_into, run_review, with_ticks)
from .store import Conflict


def _specs(request: Request) -> list[Spec]:
    store = store_of(request)
    out = []
    for stem in store.stems():
        try:
            out.append(read_spec(str(store.path(stem))))
        except DocgenError:
            continue
    return out


def _review_dir(request: Request, spec: Spec) -> Path:
    return out_of(request) / REVIEWS / str(spec.data.get("id"))


def _job_key(path: Path) -> str:
    return f"review:{path}"


def _context(request: Request, stem: str) -> dict[str, Any]:
    path, spec, problems = load(request, stem)
    specs = _specs(request) if spec is not None else []
    last = last_year_of(spec, specs) if spec is not None else None
    renewed_by = next((s for s in specs if _renews(s, specs, path)), None)
    job = jobs(request).get(_job_key(path))
    summary = None
    found: list[Any] = []
    redline_problems: list[str] = []
    if spec is not None and last is not None and not (job and not job.finished):
        folder = _review_dir(request, spec)
        summary = read_summary(folder)
        if summary is not None:
            found, redline_problems = redlines(folder, summary)
    current = summary is not None and last is not None and spec is not None and (
        (summary.get("old") or {}).get("sha256") == last.sha256
        and (summary.get("new") or {}).get("sha256") == spec.sha256)
    year = str(spec.data.get("school_year", "")) if spec else ""
    document = store_of(request).read(stem)
    return {"file": path.name, "spec": spec, "problems": problems, "title": title_of(spec, path.name),
            "last": last, "last_stem": Path(last.file).stem if last else None,
            "renewed_by": Path(renewed_by.file).stem if renewed_by else None,
            "next_year": next_school_year(year) if len(year) == 9 else "",
            "items": reconfirm_items(spec.data) if spec else [],
            "revision": document.revision,
            "job": job, "running": job is not None and not job.finished,
            "job_errors": local(job.errors, request) if job else [],
            "summary": summary, "up_to_date": current, "redlines": found,
            "redline_problems": local(redline_problems, request),
            "change_words": change_words, "error": [], "saved": None}


def _renews(spec: Spec, specs: list[Spec], path: Path) -> bool:
    """Whether ``spec`` renews the spec at ``path``."""
    last = last_year_of(spec, specs)
    return last is not None and Path(last.file) == path


async def review_page(request: Request) -> Response:
    stem = request.path_params["stem"]
    context = _context(request, stem)
    if request.query_params.get("renewed"):
        context["renewed"] = True
    return render(request, "review_page.html", stem=stem, current="review", **context)


async def renew(request: Request) -> Response:
    stem = request.path_params["stem"]
    form = await request.form()
    path, spec, problems = load(request, stem)
    year = str(form.get("school_year", "")).strip()
    day_text = str(form.get("review_date", "")).strip()
    errors = list(problems)
    day = None
    if day_text:
        try:
            day = dt.date.fromisoformat(day_text)
        except ValueError:
            errors.append(f"review date: {day_text!r} is not a date written YYYY-MM-DD")
    if spec is None or errors:
        return _with_error(request, stem, errors or ["the spec cannot be read"])
    try:
        renewed = renew_into(spec, year, day)
    except DocgenError as e:
        return _with_error(request, stem, local(e.lines(), request))
    return RedirectResponse(f"/spec/{renewed.file.stem}/review?renewed=1", status_code=303)


def _with_error(request: Request, stem: str, lines: list[str]) -> Response:
    context = _context(request, stem)
    context["error"] = lines
    return render(request, "review_page.html", stem=stem, current="review", status_code=409,
                  **context)


async def reconfirm(request: Request) -> Response:
    stem = request.path_params["stem"]
    form = await request.form()
    store = store_of(request)
    document = store.read(stem)
    ticked = {int(str(v)) for v in form.getlist("confirmed") if str(v).isdigit()}
    try:
        data = json.loads(document.text)
        new = with_ticks(data, ticked)
    except (ValueError, TypeError):
        raise HTTPException(409, "The spec cannot be read as JSON now; fix it on the Edit "
                            "page first") from None
    text = json.dumps(new, indent=2, ensure_ascii=False) + "\n"
    context_saved: str | None = None
    conflict = None
    try:
        saved = store.save(stem, text, revision=str(form.get("revision", "")))
        context_saved = saved.when.astimezone().strftime("%H:%M")
    except Conflict:
        conflict = ("The spec changed since this page was opened (another tab, or an editor), "
                    "so these ticks were not saved. The list below is the spec as it is now: "
                    "tick again.")
    context = _context(request, stem)
    context["saved"], context["conflict"] = context_saved, conflict
    template = "review_reconfirm_saved.html" if request.headers.get("hx-request") else \
        "review_page.html"
    status = 409 if conflict else 200
    if template == "review_reconfirm_saved.html":
        # the parts of the list that change, swapped in out of band: the form stays, so a
        # tick made while a save is on its way is sent after it, from the new revision
        # htmx swaps only a 2xx answer in: the conflict is shown in place, with the header
        # saying what happened for a program that asks
        response = fragment(request, template, stem=stem, **context)
        if conflict:
            response.headers["X-Docgen-Conflict"] = "the spec changed since the page was opened"
        return response
    return render(request, template, stem=stem, current="review", status_code=status,
                  **context)


async def run(request: Request) -> Response:
    stem = request.path_params["stem"]
    path, spec, problems = load(request, stem)
    if spec is None or problems:
        return _with_error(request, stem, problems or ["the spec cannot be read"])
    last = last_year_of(spec, _specs(request))
    if last is None:
        return _with_error(request, stem, [f"{path.name}: no spec of last year's school year "
                                           "for this partnership is in the folder, so there "
                                           "is nothing to review it against"])
    out, chosen = _review_dir(request, spec), settings(request)

    def work(job: Job) -> None:
        run_review(job, last, spec, out, chosen)

    jobs(request).start(_job_key(path), work)
    if request.headers.get("hx-request"):
        return fragment(request, "review_status.html", stem=stem, **_context(request, stem))
    return RedirectResponse(f"/spec/{stem}/review", status_code=303)


async def status(request: Request) -> Response:
    stem = request.path_params["stem"]
    return fragment(request, "review_status.html", stem=stem, **_context(request, stem))


def _summary_of(request: Request) -> tuple[Path, dict[str, Any]]:
    _, spec, _ = load(request, request.path_params["stem"])
    if spec is None:
        raise HTTPException(404, "The spec cannot be read")
    folder = _review_dir(request, spec)
    summary = read_summary(folder)
    if summary is None:
        raise HTTPException(404, "Not reviewed yet: review it first")
    return folder, summary


async def redline_page(request: Request) -> Response:
    stem, document = request.path_params["stem"], request.path_params["document"]
    folder, summary = _summary_of(request)
    found, problems = redlines(folder, summary)
    chosen = next((r for r in found if r.redline == document), None)
    if chosen is None:
        if problems:
            raise HTTPException(409, "\n".join(local(problems, request)))
        raise HTTPException(404, "This review has no such redline")
    view = "side" if request.query_params.get("view") == "side" else "inline"
    return render(request, "review_redline.html", stem=stem, current="review",
                  redline=chosen, view=view, title=title_of(load(request, stem)[1], stem),
                  change_words=change_words)


async def review_file(request: Request) -> Response:
    folder, summary = _summary_of(request)
    name = request.path_params["name"]
    named = {f.get("path") for f in summary.get("files", []) if isinstance(f, dict)}
    named |= {d.get("pdf") for d in summary.get("documents", []) if isinstance(d, dict)}
    path = folder / name
    if name not in named or "/" in name or path.is_symlink() or not path.is_file():
        raise HTTPException(404, "The review wrote no such file")
    kinds = {".pdf": "application/pdf", ".json": "application/json",
             ".md": "text/markdown; charset=utf-8", ".html": "text/html; charset=utf-8",
             ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    download = "download" in request.query_params or path.suffix in (".docx", ".md", ".json")
    return FileResponse(path, media_type=kinds.get(path.suffix, "application/octet-stream"),
                        filename=name, content_disposition_type="attachment" if download
                        else "inline", headers={"X-Content-Type-Options": "nosniff"})


routes: list[BaseRoute] = [
    Route("/spec/{stem}/review", review_page, methods=["GET"], name="review_page"),
    Route("/spec/{stem}/renew", renew, methods=["POST"], name="renew"),
    Route("/spec/{stem}/review/reconfirm", reconfirm, methods=["POST"], name="reconfirm"),
    Route("/spec/{stem}/review/run", run, methods=["POST"], name="review_run"),
    Route("/spec/{stem}/review/status", status, methods=["GET"], name="review_status"),
    Route("/spec/{stem}/review/redline/{document}", redline_page, methods=["GET"],
          name="review_redline"),
    Route("/spec/{stem}/review/files/{name}", review_file, methods=["GET"], name="review_file"),
]
