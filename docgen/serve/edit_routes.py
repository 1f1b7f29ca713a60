"""Edit: the spec as a sectioned form generated from the schema."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .pages import render
from .store import Store


async def edit(request: Request) -> Response:
    stem = request.path_params["stem"]
    store: Store = request.app.state.store
    return render(request, "edit.html", stem=stem, current="edit", document=store.read(stem))


routes: list[BaseRoute] = [Route("/spec/{stem}/edit", edit, methods=["GET"], name="edit")]
