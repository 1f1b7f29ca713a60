"""Home: every partnership of the folder, its school year, its state in words, and actions."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .app import today_of
from .pages import render
from .states import folder_states


async def home(request: Request) -> Response:
    state = request.app.state
    states = await run_in_threadpool(folder_states, state.store, out=state.out,
                                     today=today_of(request), resources=state.resources)
    return render(request, "home.html", current="home", states=states,
                  folder=str(state.folder), pages=state.pages)


routes: list[BaseRoute] = [Route("/", home, methods=["GET"], name="home")]
