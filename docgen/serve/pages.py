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

from .forms import Node, Section, summary_line
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
    """``10:42 EST`` for a time today (local time of the computer, with its time zone: a
    coordinator and a colleague far away read the same save), else ``2 Dec 10:42 EST``."""
    local = value.astimezone()
    now = dt.datetime.now().astimezone()
    zone = local.strftime("%Z")
    when = local.strftime("%H:%M") + (f" {zone}" if zone else "")
    if local.date() == now.date():
        return when
    return f"{local.day} {local.strftime('%b')} {when}"


def article(word: str) -> str:
    """``a`` or ``an`` before ``word`` as it is said: "an activity", "a service", "a user".

    >>> [article(w) for w in ("activity", "item to re-confirm", "service", "user", "hour")]
    ['an', 'an', 'a', 'a', 'a']
    """
    w = word.strip().lower()
    if w[:1] in ("a", "e", "i", "o") or (w[:1] == "u" and not w.startswith(
            ("uni", "use", "usu", "ut", "ura", "ure", "uro"))):
        return "an"
    return "a"


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
    env.globals["article"] = article

    def language_names(tag: str) -> tuple[str, str]:
        from .start_routes import language_names as names
        return names(tag)

    env.globals["language_names"] = language_names
    env.globals["raci_columns"] = raci_columns
    env.globals["child"] = child
    env.globals["a_count_words"] = a_count_words
    env.globals["outline_counts"] = outline_counts
    env.globals["summary_line"] = summary_line
    return env


def outline_counts(sections: list[Section]) -> tuple[int, int, int]:
    """How many sections are complete, of those in use or required, and how many have
    problems."""
    states = [s.state() for s in sections]
    used = [st for st, s in zip(states, sections) if st != "optional, not used"]
    return (sum(st == "complete" for st in used), len(used),
            sum("problem" in st for st in used))


def child(node: Node | None, key: str) -> Node | None:
    """The child of ``node`` whose path ends in ``key``, or None."""
    if node is None:
        return None
    return next((c for c in node.children if c.path and c.path[-1] == key), None)


def raci_columns(raci: Node) -> list[tuple[str, str]]:
    """The RACI grid's columns: every role (and any key a row has that is no role), with the
    title the row's cells carry."""
    columns: dict[str, str] = {}
    for item in raci.items:
        grid = child(item, "assignments")
        for cell in grid.children if grid is not None else []:
            key = str(cell.path[-1])
            columns.setdefault(key, cell.title)
    return list(columns.items())


def a_count_words(grid: Node | None) -> str:
    """Whether an activity has exactly one A, in words (the page updates it live)."""
    letters = [c.value for c in (grid.children if grid is not None else [])]
    a = sum(v in ("A", "A/R") for v in letters)
    r = sum(v in ("R", "A/R") for v in letters)
    if a == 1:
        return "one A" if r else "one A; no R yet"
    return "no A yet: choose one" if a == 0 else f"{a} A's: keep one"


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
