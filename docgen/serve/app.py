"""The ``docgen serve`` application: :func:`create_app` puts the pieces together.

``app.state`` holds what every route needs: ``folder`` (the served folder, resolved),
``token`` (the run's), ``store`` (:class:`~docgen.serve.store.Store`), ``templates`` (the
Jinja2 environment of :mod:`.pages`), ``today`` (the date the pages reason with: renewal due,
starters' school year), ``resources`` (docgen's templates, schema and catalogs), ``out``
(the build output folder, ``FOLDER/out`` unless given) and ``pages`` (the keys of the pages
mounted, for the navigation).

The page modules each export ``routes``; the core's (:mod:`.home_routes`,
:mod:`.edit_routes`, :mod:`.start_routes`, :mod:`.history_routes`) always, and
``docgen.serve.build_routes``, ``review_routes`` and ``translation_routes`` when they exist.
Their per-spec pages live under ``/spec/<stem>/<page>`` (``/spec/lincoln/build``).
"""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from ..errors import DocgenError
from ..resources import Resources
from .files import NotServed
from .pages import SPEC_PAGES, STATIC, make_environment, render
from .security import MAX_BODY, Guard
from .store import Store

#: The page modules of the core, always mounted.
CORE_MODULES = ("docgen.serve.home_routes", "docgen.serve.edit_routes",
                "docgen.serve.start_routes", "docgen.serve.history_routes")
#: The page modules mounted when present (the Build, Review and Translations pages).
OPTIONAL_MODULES = ("docgen.serve.build_routes", "docgen.serve.review_routes",
                    "docgen.serve.translation_routes")


def _routes_of(name: str, *, optional: bool) -> list[BaseRoute] | None:
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as e:
        if optional and e.name == name:
            return None
        raise
    routes: list[BaseRoute] = module.routes
    return routes


async def _not_served(request: Request, exc: Exception) -> Response:
    message = (f"{exc.name}: {exc.why}." if isinstance(exc, NotServed)
               else "This page does not exist.")
    return _error_page(request, 404, "Not found", message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return _error_page(request, 404, "Not found", exc.detail if exc.detail != "Not Found"
                           else "This page does not exist. Go back to the list of "
                           "partnerships.")
    if exc.status_code == 405:
        return _error_page(request, 405, "Not allowed", "This address cannot be used that "
                           "way. Go back to the list of partnerships.")
    return _error_page(request, exc.status_code, "Refused", str(exc.detail))


async def _docgen_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DocgenError)
    return _error_page(request, 409, "docgen could not do that", "\n".join(exc.lines()))


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    if request.headers.get("hx-request"):
        return PlainTextResponse(message, status_code=status)
    try:
        return render(request, "error.html", title=title, message=message,
                      status_code=status)
    except Exception:  # the error page itself must not fail
        return HTMLResponse(f"<h1>{title}</h1>", status_code=status)


def create_app(folder: Path, *, token: str, today: dt.date | None = None,
               port: int | None = None, resources: Resources | None = None,
               out: Path | None = None, max_body: int = MAX_BODY,
               **extra_state: Any) -> Starlette:
    """Return the application serving the specs of ``folder``.

    ``token`` is the run's secret, which every state-changing request must carry; ``port``
    the port it listens on (the Host header must name it; None: any port of 127.0.0.1 or
    localhost, for tests); ``today`` the date its pages reason with (None: the computer's);
    ``out`` the folder builds go to (None: ``FOLDER/out``); ``max_body`` the largest request
    body taken. ``extra_state`` is set on ``app.state`` as given.
    """
    folder = Path(folder).resolve()
    routes: list[BaseRoute] = []
    pages = {"home", "start"}
    for name in CORE_MODULES:
        found = _routes_of(name, optional=False)
        assert found is not None
        routes.extend(found)
    for key, _, _, module in SPEC_PAGES:
        if module is None:
            pages.add(key)
    for name in OPTIONAL_MODULES:
        found = _routes_of(name, optional=True)
        if found is not None:
            routes.extend(found)
            pages.update(key for key, _, _, module in SPEC_PAGES if module == name)
    routes.append(Mount("/static", app=StaticFiles(directory=str(STATIC), follow_symlink=False),
                        name="static"))
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, token=token, port=port, max_body=max_body)],
        exception_handlers={NotServed: _not_served, HTTPException: _http_error,
                            DocgenError: _docgen_error},
    )
    app.state.folder = folder
    app.state.token = token
    app.state.port = port
    app.state.store = Store(folder)
    app.state.templates = make_environment(token)
    app.state.today = today
    app.state.resources = resources or Resources.shipped()
    app.state.out = Path(out).resolve() if out is not None else folder / "out"
    app.state.pages = pages
    for key, value in extra_state.items():
        setattr(app.state, key, value)
    return app


def today_of(request: Request) -> dt.date:
    """The date the pages reason with: the app's ``today``, else the computer's."""
    given: dt.date | None = request.app.state.today
    return given or dt.date.today()
