"""Rendering a page of ``docgen serve``: the Jinja2 environment and :func:`render`.

The templates are docgen's own (``docgen/serve/templates/``), rendered in a sandboxed
environment with autoescape on and StrictUndefined: a value from a spec is always text on the
page, never markup or code. Every page extends ``base.html``, which has the blocks ``title``
and ``main``, the navigation, and the run's token for htmx (``hx-headers`` on ``<body>``) and
for plain forms (``{{ csrf_field() }}``, a hidden input).

A page module renders with ``render(request, "page.html", stem=..., **context)``; ``stem``
(a spec's, or None) decides the per-spec links of the navigation, and ``current`` names the
page the navigation marks as the current one ("home", "edit", "build", "review",
"translations", "start", "history").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from .security import TOKEN_FIELD, TOKEN_HEADER

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"

#: The per-spec pages of the navigation: (key, label, path under /spec/<stem>/, module that
#: provides it, or None for the core's own).
SPEC_PAGES = (
    ("edit", "Edit", "edit", None),
    ("build", "Build", "build", "docgen.serve.build_routes"),
    ("review", "Review", "review", "docgen.serve.review_routes"),
    ("translations", "Translations", "translations", "docgen.serve.translation_routes"),
    ("history", "History", "history", None),
)


def _time_words(value: dt.datetime) -> str:
    """``10:42`` for a time today (local time of the computer), else ``2 Dec 10:42``."""
    local = value.astimezone()
    now = dt.datetime.now().astimezone()
    if local.date() == now.date():
        return local.strftime("%H:%M")
    return f"{local.day} {local.strftime('%b %H:%M')}"


def make_environment(token: str) -> SandboxedEnvironment:
    """Return the pages' Jinja2 environment for a run whose token is ``token``."""
    env = SandboxedEnvironment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True,
                               lstrip_blocks=True)

    def csrf_field() -> Markup:
        return Markup('<input type="hidden" name="{}" value="{}">').format(TOKEN_FIELD, token)

    env.globals["csrf_field"] = csrf_field
    env.globals["token"] = token
    env.globals["token_header"] = TOKEN_HEADER
    env.globals["hx_headers"] = Markup(escape('{"%s": "%s"}' % (TOKEN_HEADER, token)))
    env.filters["time_words"] = _time_words
    return env


def nav_links(request: Request, stem: str | None, current: str) -> list[dict[str, Any]]:
    """Return the navigation's links: Home and Start, then the spec's pages that exist."""
    pages: set[str] = request.app.state.pages
    links = [{"key": "home", "label": "Home", "href": "/", "current": current == "home"},
             {"key": "start", "label": "Start a partnership", "href": "/start",
              "current": current == "start"}]
    if stem is not None:
        for key, label, sub, _ in SPEC_PAGES:
            if key in pages:
                links.append({"key": key, "label": label, "href": f"/spec/{stem}/{sub}",
                              "current": current == key})
    return links


def render(request: Request, template: str, *, stem: str | None = None, current: str = "",
           status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with ``context``, the navigation and the request, as a page."""
    env: SandboxedEnvironment = request.app.state.templates
    html = env.get_template(template).render(
        request=request, stem=stem, current=current, nav=nav_links(request, stem, current),
        **context)
    return HTMLResponse(html, status_code=status_code,
                        headers={"cache-control": "no-store"})


def fragment(request: Request, template: str, **context: Any) -> HTMLResponse:
    """Render ``template`` (a part of a page, for htmx) with ``context`` only."""
    env: SandboxedEnvironment = request.app.state.templates
    return HTMLResponse(env.get_template(template).render(request=request, **context),
                        headers={"cache-control": "no-store"})
