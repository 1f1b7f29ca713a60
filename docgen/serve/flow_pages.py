"""What the Build, Review and Translations pages share: the spec a URL names, read and checked
as ``docgen validate`` checks it, and messages shown as the CLI prints them in the folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, TypeVar

from starlette.requests import Request

from ..errors import DocgenError
from ..resources import Resources
from ..spec.schema import Spec, check_spec, read_spec
from .store import Store

T = TypeVar("T")


def folder_of(request: Request) -> Path:
    return Path(request.app.state.folder)


def out_of(request: Request) -> Path:
    return Path(request.app.state.out)


def resources_of(request: Request) -> Resources:
    found: Resources = request.app.state.resources
    return found


def store_of(request: Request) -> Store:
    found: Store = request.app.state.store
    return found


def load(request: Request, stem: str) -> tuple[Path, Spec | None, list[str]]:
    """The spec ``stem`` (404 for a name that is none): its file, the spec when it can be
    read, and its problems as ``docgen validate`` prints them (empty when it is valid)."""
    path = store_of(request).path(stem)
    try:
        spec = read_spec(str(path))
    except DocgenError as e:
        return path, None, local(e.lines(), request)
    return path, spec, local([str(p) for p in check_spec(spec, resources_of(request))], request)


def local(lines: list[str], request: Request) -> list[str]:
    """Messages as docgen prints them when run in the served folder: paths relative to it."""
    prefix = str(folder_of(request)) + os.sep
    return [line.replace(prefix, "") for line in lines]


def state(request: Request, name: str, make: Callable[[], T]) -> T:
    """The app's ``name`` on its state, made by ``make`` the first time."""
    value = getattr(request.app.state, name, None)
    if value is None:
        value = make()
        setattr(request.app.state, name, value)
    return value


def title_of(spec: Spec | None, fallback: str) -> str:
    """"Lincoln Elementary and Bright Futures, 2026-2027"."""
    if spec is None:
        return fallback
    parties: Any = spec.data.get("parties") or {}
    names = [str((parties.get(k) or {}).get("short_name") or (parties.get(k) or {})
                 .get("legal_name") or k) for k in ("school", "partner")]
    return f"{names[0]} and {names[1]}, {spec.data.get('school_year', '')}"
