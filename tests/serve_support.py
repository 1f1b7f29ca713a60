"""Helpers for the tests of ``docgen serve``: a TestClient of the app over a folder, as a
browser that opened the printed address would be (the token's cookie set, the Host header
127.0.0.1:PORT), and a copy of the samples to serve.

    client = serve_client(folder)                 # pages (GET) and htmx posts work
    client = serve_client(folder, header=False)   # no X-Docgen-Token: a post is refused
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from docgen.serve.app import create_app
from docgen.serve.forms import form_model, model_to_form
from docgen.serve.security import TOKEN_COOKIE, TOKEN_HEADER
from docgen.spec.model import schema

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "test-token-0123456789"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
#: the date the tests' pages reason with (renewals due, starters' school year)
TODAY = dt.date(2027, 5, 14)


def sample_folder(tmp: Path, *names: str) -> Path:
    """Copy the samples ``names`` (stems; none: all of them) with their ``.locales`` folders
    into ``tmp/specs`` and return it."""
    folder = tmp / "specs"
    folder.mkdir()
    for spec in sorted((ROOT / "samples").glob("*.json")):
        if names and spec.stem not in names:
            continue
        shutil.copy(spec, folder / spec.name)
        locales = spec.with_suffix(".locales")
        if locales.is_dir():
            shutil.copytree(locales, folder / locales.name)
    return folder


def serve_client(folder: Path, *, header: bool = True, cookie: bool = True,
                 today: dt.date | None = TODAY, **options: Any) -> TestClient:
    """Return a TestClient of the app over ``folder``."""
    app = create_app(folder, token=TOKEN, port=PORT, today=today, **options)
    client = TestClient(app, base_url=BASE)
    if cookie:
        client.cookies.set(TOKEN_COOKIE, TOKEN)
    if header:
        client.headers[TOKEN_HEADER] = TOKEN
    return client


def page_form(folder: Path, stem: str) -> dict[str, str]:
    """The fields the edit page posts as it was opened."""
    page = serve_client(folder).get(f"/spec/{stem}/edit").text
    revision = re.search(r'id="revision" name="revision" value="([0-9a-f]+)"', page)
    assert revision is not None
    data = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
    form = model_to_form(form_model(schema(), data))
    form["revision"] = revision[1]
    return form
