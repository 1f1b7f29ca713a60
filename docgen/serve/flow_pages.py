"""What the build, review and translation pages share: finding the spec a URL names, the
token a form carries, and rendering a page or a located error."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..errors import DocgenError
from ..spec.schema import Spec, check_spec, read_spec

#: A spec's name in a URL: its file name in the served folder, without ".json".
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._ -]{0,150}")


def folder_of(request: Request) -> Path:
    return Path(request.app.state.folder)


def spec_path(request: Request, name: str) -> Path:
    """The spec file ``name`` names in the served folder; 404 for anything else (a path out of
    the folder, a hidden file, a file that is not there)."""
    if not _NAME.fullmatch(name) or name.endswith(".") or ".." in name:
        raise HTTPException(404, "no such spec in this folder")
    folder = folder_of(request)
    path = folder / f"{name}.json"
    try:
        path.resolve(strict=True).relative_to(folder.resolve(strict=True))
    except (OSError, ValueError):
        raise HTTPException(404, "no such spec in this folder") from None
    if path.is_symlink() or not path.is_file():
        raise HTTPException(404, "no such spec in this folder")
    return path


def load(request: Request, name: str) -> tuple[Path, Spec | None, list[str]]:
    """The spec ``name``: its file, the spec when it can be read, and its problems in the
    words of ``docgen validate`` (empty when it is valid)."""
    path = spec_path(request, name)
    try:
        spec = read_spec(str(path))
    except DocgenError as e:
        return path, None, e.lines()
    return path, spec, [str(p) for p in check_spec(spec)]


def shown(path: Path, request: Request) -> str:
    """A file as the page names it: relative to the served folder."""
    try:
        return str(path.relative_to(folder_of(request)))
    except ValueError:
        return path.name


def token(request: Request) -> str:
    return str(getattr(request.app.state, "token", ""))


def state(request: Request, name: str, default: Any) -> Any:
    """The app's ``name`` on its state, made from ``default`` (a callable) the first time."""
    value = getattr(request.app.state, name, None)
    if value is None:
        value = default()
        setattr(request.app.state, name, value)
    return value


def page(request: Request, template: str, context: dict[str, Any],
         status_code: int = 200) -> Response:
    """Render ``template`` with the app's templates; every page has the request and token."""
    templates = request.app.state.templates
    values = {"request": request, "token": token(request), **context}
    response: Response = templates.TemplateResponse(request, template, values,
                                                    status_code=status_code)
    return response


def relative(folder: Path, path: str) -> str:
    """``path`` (as docgen names it, maybe absolute) relative to the served folder."""
    try:
        return str(Path(path).relative_to(folder))
    except ValueError:
        return path
