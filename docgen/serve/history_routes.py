"""History: the kept versions of a spec, each viewable and restorable."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from .pages import render
from .store import Conflict, Store


async def history(request: Request) -> Response:
    stem = request.path_params["stem"]
    store: Store = request.app.state.store
    document = store.read(stem)
    return render(request, "history.html", stem=stem, current="history",
                  document=document, versions=store.history(stem), store=store,
                  restored=request.query_params.get("restored"))


async def version(request: Request) -> Response:
    stem = request.path_params["stem"]
    store: Store = request.app.state.store
    name = request.path_params["name"]
    text = store.version_text(stem, name)
    document = store.read(stem)
    rows = _differences(request, text, document.text)
    return render(request, "version.html", stem=stem, current="history", name=name,
                  text=text, document=document, rows=rows)


def _differences(request: Request, kept: str, now: str) -> list[dict[str, str]] | None:
    """The fields in which a kept version differs from the file now (None: one of them is
    not JSON, so only its text can be shown)."""
    from ..spec.model import schema
    from .edit_routes import _conflict_rows

    try:
        old, new = json.loads(kept), json.loads(now)
    except ValueError:
        return None
    return _conflict_rows(schema(request.app.state.resources.schema), old, new)


async def restore(request: Request) -> Response:
    stem = request.path_params["stem"]
    store: Store = request.app.state.store
    form = await request.form()
    name = str(form.get("version", ""))
    try:
        store.restore(stem, name, revision=str(form.get("revision", "")))
    except Conflict:
        return render(request, "history.html", stem=stem, current="history",
                      document=store.read(stem), versions=store.history(stem), restored=None,
                      store=store,
                      error="The spec changed since this page was opened, so nothing was "
                      "restored. Look at the versions again and choose.", status_code=409)
    return RedirectResponse(f"/spec/{stem}/history?restored={name}", status_code=303)


routes: list[BaseRoute] = [
    Route("/spec/{stem}/history", history, methods=["GET"], name="history"),
    Route("/spec/{stem}/history/{name}", version, methods=["GET"], name="version"),
    Route("/spec/{stem}/restore", restore, methods=["POST"], name="restore"),
]
