"""Start: a new partnership from a starter, or from a copy of another spec."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .pages import render


async def start(request: Request) -> Response:
    return render(request, "start.html", current="start",
                  stems=request.app.state.store.stems())


routes: list[BaseRoute] = [Route("/start", start, methods=["GET"], name="start")]
