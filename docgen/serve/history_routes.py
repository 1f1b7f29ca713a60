"""History: the kept versions of a spec, each viewable and restorable."""

from __future__ import annotations

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
                  document=document, versions=store.history(stem),
                  restored=request.query_params.get("restored"))


async def version(request: Request) -> Response:
    stem = request.path_params["stem"]
    store: Store = request.app.state.store
    name = request.path_params["name"]
    text = store.version_text(stem, name)
    return render(request, "version.html", stem=stem, current="history", name=name,
                  text=text, document=store.read(stem))


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
                      error="The spec changed since this page was opened, so nothing was "
                      "restored. Look at the versions again and choose.", status_code=409)
    return RedirectResponse(f"/spec/{stem}/history?restored={name}", status_code=303)


routes: list[BaseRoute] = [
    Route("/spec/{stem}/history", history, methods=["GET"], name="history"),
    Route("/spec/{stem}/history/{name}", version, methods=["GET"], name="version"),
    Route("/spec/{stem}/restore", restore, methods=["POST"], name="restore"),
]
