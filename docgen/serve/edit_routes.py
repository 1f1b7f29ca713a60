"""Edit: the spec as a sectioned form generated from the schema, saved on every change.

* ``GET /spec/<stem>/edit``: the form (:mod:`.forms`), an outline of the sections with their
  state in words, the error summary at the top (the GOV.UK pattern: each problem links to its
  field) and the same words beside each field. A file that is not JSON is shown as its text,
  with what is wrong, to be put right in place.
* ``POST /spec/<stem>/save``: htmx's autosave on every change (and the page's last save when
  it is left). The fields become JSON (:func:`~.forms.form_to_json`), the file is written
  (:class:`~.store.Store`: whole, the version replaced kept), and the answer updates the page
  in place: "Saved at 10:42", the revision, the error summary, the outline, the words beside
  each field, and the parts a change of the legal basis brings. Validation is
  ``docgen validate``'s own (:func:`~docgen.spec.schema.check_spec`).
* ``POST /spec/<stem>/edit``: the same save from a plain form (no JavaScript, or a button:
  add, duplicate, move, remove an item or an optional section; keep my version after a
  conflict), then back to the page at the place changed.

A save made from a page whose revision the file no longer has (a second tab, an editor) is
refused: the page shows both versions, field by field, and what was typed is kept in the
history, so nothing is lost and nothing is overwritten silently.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import DocgenError, Problem
from ..spec.model import schema
from ..spec.read import spec_from_text
from ..spec.rules import BASIS_REQUIRES
from ..spec.schema import check_spec
from .forms import (Section, apply_action, attach, condition_of, form_model, form_to_json,
                    parse_path, path_name, plain_words, spec_text)
from .pages import fragment, render
from .store import Conflict, Document, Saved, Store


def _root(request: Request) -> dict[str, Any]:
    return schema(request.app.state.resources.schema)


def _fields(form: FormData) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _problems(request: Request, name: str, text: str) -> list[Problem]:
    try:
        spec = spec_from_text(name, text)
    except DocgenError as e:
        return list(e.problems)
    return check_spec(spec, request.app.state.resources)


def bring_required_parts(data: dict[str, Any]) -> dict[str, Any]:
    """The legal basis brings its part: with student data shared on a basis that requires a
    subsection (consent, school_official, study, evaluation), the subsection is there, empty
    until filled in, so its fields show in place."""
    ds = data.get("data_sharing")
    if isinstance(ds, dict) and ds.get("shares_student_data") is True:
        basis = ds.get("legal_basis")
        for part in BASIS_REQUIRES.get(basis if isinstance(basis, str) else "", ()):
            if part not in ds:
                ds[part] = {}
    return data


class _View:
    """What the edit page shows of a spec's data: sections, problems, summary.

    ``dates``: what the save made of the date fields' text (:func:`~.forms.form_to_json`): a
    note beside a date read from another writing ("Saved as 2027-09-01"), and a refused date
    as the problem of its field (the only one: its "is missing" is not said too), with what
    was typed left in the field."""

    def __init__(self, request: Request, stem: str, data: dict[str, Any], text: str,
                 dates: dict[tuple[Any, ...], tuple[str, str]] | None = None,
                 form: dict[str, str] | None = None, fresh: str = "") -> None:
        from .start_routes import languages
        self.sections: list[Section] = form_model(_root(request), data, languages(request))
        problems = _problems(request, f"{stem}.json", text)
        dates = dates or {}
        refused = {path: refusal for path, (_, refusal) in dates.items() if refusal}
        if refused:
            problems = [p for p in problems if not _about(p, refused)]
            problems += [Problem(f"{stem}.json", path=path, message=refusal)
                         for path, refusal in refused.items()]
        root = _root(request)
        self.problems = problems
        self.summary = attach(self.sections, self.problems,
                              lambda path, message: plain_words(root, path, message))
        by_path = {n.path: n for s in self.sections for top in s.nodes for n in top.walk()}
        # an item just added, not touched yet, is not shown in red (the summary lists it)
        self.fresh = " ".join(name for name in fresh.split() if parse_path(name) in by_path)
        untouched = [parse_path(name) for name in self.fresh.split()]
        for path, node in by_path.items():
            if any(path[:len(u)] == u for u in untouched):
                node.errors = []
        for path, (note, refusal) in dates.items():
            dated = by_path.get(path)
            if dated is None:
                continue
            if note:
                dated.notes.append(note)
            if refusal and form is not None:
                dated.value = form.get("f." + dated.name, dated.value)


def _about(problem: Problem, paths: dict[tuple[Any, ...], str]) -> bool:
    """Whether ``problem`` is about one of ``paths`` (its own, or its "is missing")."""
    from .forms import _MISSING_FIELD
    path = tuple(problem.path or ())
    if path in paths:
        return True
    missing = _MISSING_FIELD.match(problem.message)
    return missing is not None and path + (missing[1],) in paths


def _conflict_rows(root: dict[str, Any], mine: Any, theirs: Any) -> list[dict[str, str]]:
    """The fields that differ between ``mine`` and ``theirs``, with their titles."""
    from .forms import _schema_at  # the schema node of a path

    rows: list[dict[str, str]] = []

    def title(path: tuple[Any, ...]) -> str:
        words = []
        for i in range(1, len(path) + 1):
            part = path[i - 1]
            if isinstance(part, int):
                words.append(f"item {part + 1}")
                continue
            node = _schema_at(root, path[:i])
            words.append(str(node.get("title")) if node and node.get("title") else str(part))
        return " › ".join(words) or "The spec"

    def show(value: Any) -> str:
        if value is _ABSENT:
            return "(not there)"
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    def walk(a: Any, b: Any, path: tuple[Any, ...]) -> None:
        if len(rows) >= 40 or a == b:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in list(a) + [k for k in b if k not in a]:
                walk(a.get(key, _ABSENT), b.get(key, _ABSENT), path + (key,))
            return
        if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, path + (i,))
            return
        rows.append({"where": title(path), "mine": show(a), "theirs": show(b)})

    walk(mine, theirs, ())
    return rows


_ABSENT = object()


def _parse(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _edit_page(request: Request, stem: str, document: Document, data: dict[str, Any], *,
               text: str, revision: str, conflict: dict[str, Any] | None = None,
               checked: bool = False, status_code: int = 200,
               dates: dict[tuple[Any, ...], tuple[str, str]] | None = None,
               form: dict[str, str] | None = None, fresh: str = "") -> Response:
    from .states import partnership_name
    view = _View(request, stem, data, text, dates, form, fresh)
    return render(request, "edit.html", stem=stem, current="edit", document=document,
                  fresh=view.fresh,
                  name=partnership_name(data, stem),
                  sections=view.sections, summary=view.summary, revision=revision,
                  problems=view.problems, conflict=conflict, checked=checked,
                  saved=None, status_code=status_code)


async def edit(request: Request) -> Response:
    stem = request.path_params["stem"]
    store: Store = request.app.state.store
    document = store.read(stem)
    data = _parse(document.text)
    if data is None:
        return render(request, "edit_text.html", stem=stem, current="edit",
                      document=document, text=document.text,
                      problems=_problems(request, f"{stem}.json", document.text),
                      conflict=None)
    return await run_in_threadpool(
        _edit_page, request, stem, document, data, text=document.text,
        revision=document.revision, checked=request.query_params.get("checked") == "1",
        fresh=request.query_params.get("fresh", ""))


def _save(store: Store, stem: str, base_text: str, data: dict[str, Any],
          revision: str, keep: bool = False) -> tuple[Saved, str]:
    """Save ``data`` unless it is the data of ``base_text`` already (then the file keeps its
    own formatting): return what the save did and the file's text. ``keep``: keep the
    version replaced even in a burst of typing (a removal, keeping mine over another's)."""
    if _parse(base_text) == data:
        return store.save(stem, base_text, revision=revision), base_text
    text = spec_text(data)
    return store.save(stem, text, revision=revision, keep=keep), text


def _base(store: Store, stem: str, revision: str) -> tuple[Document, dict[str, Any]]:
    """The file the page was made from, when its revision is still the file's (else the file
    now: the save will be refused as a conflict anyway)."""
    document = store.read(stem)
    return document, _parse(document.text) or {}


async def save(request: Request) -> Response:
    """The autosave (htmx): answer with the parts of the page to update in place."""
    stem = request.path_params["stem"]
    store: Store = request.app.state.store
    form = _fields(await request.form())
    revision = form.get("revision", "")
    document, base = _base(store, stem, revision)
    root = _root(request)
    dates: dict[tuple[Any, ...], tuple[str, str]] = {}
    posted = form_to_json(root, form, base, dates)
    before = _conditional_states(root, posted)
    data = bring_required_parts(json.loads(json.dumps(posted)))
    try:
        saved, text = await run_in_threadpool(_save, store, stem, document.text, data,
                                              revision)
    except Conflict as c:
        theirs = _parse(c.theirs)
        view = await run_in_threadpool(_View, request, stem, data, spec_text(data), dates,
                                       form, form.get("fresh", ""))
        return fragment(request, "_saved.html", stem=stem, sections=view.sections,
                        summary=view.summary, problems=view.problems, saved=None,
                        revision=revision, conflict=_conflict(root, stem, data, c, theirs),
                        reshape=[])
    view = await run_in_threadpool(_View, request, stem, data, text, dates, form,
                                   form.get("fresh", ""))
    # the parts whose showing changed (the legal basis brought one): replaced in place
    reshape = [n for s in view.sections for top in s.nodes for n in top.walk()
               if condition_of(n.path) is not None
               and before.get(n.path) != (n.visible, n.present)]
    return fragment(request, "_saved.html", stem=stem, sections=view.sections,
                    summary=view.summary, problems=view.problems, saved=saved,
                    revision=saved.revision, conflict=None, reshape=reshape)


def _conditional_states(root: dict[str, Any], data: dict[str, Any]
                        ) -> dict[tuple[Any, ...], tuple[bool, bool]]:
    """Whether each conditional part shows and is there, for ``data``."""
    return {n.path: (n.visible, n.present) for s in form_model(root, data)
            for top in s.nodes for n in top.walk() if condition_of(n.path) is not None}


def _conflict(root: dict[str, Any], stem: str, mine: dict[str, Any], c: Conflict,
              theirs: dict[str, Any] | None) -> dict[str, Any]:
    return {"rows": _conflict_rows(root, mine, theirs) if theirs is not None else [],
            "mine": spec_text(mine), "theirs": c.theirs, "revision": c.theirs_revision,
            "gone": c.theirs == "" and c.theirs_revision == ""}


async def edit_post(request: Request) -> Response:
    """A plain form's save, or a button's action; then back to the page."""
    stem = request.path_params["stem"]
    store: Store = request.app.state.store
    form = _fields(await request.form())
    action = form.get("action", "save")
    revision = form.get("revision", "")
    if action == "keep-mine":
        revision = form.get("theirs_revision", "")
    document, base = _base(store, stem, revision)
    root = _root(request)
    dates: dict[tuple[Any, ...], tuple[str, str]] = {}
    data = bring_required_parts(form_to_json(root, form, base, dates))
    anchor: str | None = None
    fresh = ""
    if action not in ("save", "keep-mine"):
        data, anchor = apply_action(root, data, action)
        data = bring_required_parts(data)
        if action.startswith("add:") and anchor:
            # the item added is not shown in red until it is touched (nor those added
            # before it and not touched yet); a move or removal renumbers them: all shown
            fresh = " ".join(form.get("fresh", "").split() + [_added(data, action)])
    try:
        saved, _ = await run_in_threadpool(
            _save, store, stem, document.text, data, revision,
            action == "keep-mine" or action.startswith("del:"))
    except Conflict as c:
        theirs = _parse(c.theirs)
        return await run_in_threadpool(
            _edit_page, request, stem, store.read(stem), data, text=spec_text(data),
            revision=revision, conflict=_conflict(root, stem, data, c, theirs),
            status_code=409)
    if any(refusal for _, refusal in dates.values()):
        # a date refused: the page says so beside the field, with what was typed in it
        return await run_in_threadpool(
            _edit_page, request, stem, store.read(stem), data, text=spec_text(data),
            revision=saved.revision, checked=True, dates=dates, form=form)
    where = f"/spec/{stem}/edit?checked=1&r={saved.revision[:8]}"
    if fresh.strip():
        where += "&fresh=" + quote(fresh.strip())
    if anchor:
        where += f"&at={anchor}#{anchor}"
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": where})
    return RedirectResponse(where, status_code=303)


def _added(data: dict[str, Any], action: str) -> str:
    """The path name of what the action ``add:PATH`` added: the list's last item, or the
    optional section."""
    path = parse_path(action.partition(":")[2])
    here: Any = data
    for part in path:
        here = here.get(part) if isinstance(here, dict) and isinstance(part, str) else (
            here[part] if isinstance(here, list) and isinstance(part, int)
            and 0 <= part < len(here) else None)
    if isinstance(here, list) and here:
        return path_name(path + (len(here) - 1,))
    return path_name(path)


async def edit_text(request: Request) -> Response:
    """The whole file as text, for a spec that is not JSON yet (a comma missing...)."""
    stem = request.path_params["stem"]
    store: Store = request.app.state.store
    form = _fields(await request.form())
    text = form.get("text", "").replace("\r\n", "\n")
    try:
        await run_in_threadpool(store.save, stem, text, revision=form.get("revision", ""))
    except Conflict as c:
        return render(request, "edit_text.html", stem=stem, current="edit",
                      document=store.read(stem), text=text,
                      problems=_problems(request, f"{stem}.json", text),
                      conflict={"theirs": c.theirs, "revision": c.theirs_revision},
                      status_code=409)
    if _parse(text) is None:
        return RedirectResponse(f"/spec/{stem}/edit", status_code=303)
    return RedirectResponse(f"/spec/{stem}/edit?checked=1", status_code=303)


routes: list[BaseRoute] = [
    Route("/spec/{stem}/edit", edit, methods=["GET"], name="edit"),
    Route("/spec/{stem}/edit", edit_post, methods=["POST"], name="edit_post"),
    Route("/spec/{stem}/save", save, methods=["POST"], name="save"),
    Route("/spec/{stem}/edit-text", edit_text, methods=["POST"], name="edit_text"),
]
