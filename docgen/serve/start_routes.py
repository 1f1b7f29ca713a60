"""Start: a new partnership from a starter, or as a copy of another spec of the folder.

The starter asks only what decides the spec's shape: the two organisations and the partner's
type, the school year, whether student data is shared and on which FERPA basis, and the
languages of the family notices. It writes those answers and nothing else (no date, amount or
promise is made up): the sections the answers bring are there, empty, and the edit page's
error summary then lists what is left to fill in. (Renewing last year's spec is the Review
page's: ``docgen renew`` with its re-confirm list.)
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..i18n.locales import supported_locales
from ..spec.model import SUPPORTED_SCHEMA_VERSIONS, resolve_ref, schema
from ..spec.rules import BASIS_REQUIRES
from .app import today_of
from .files import NotServed, good_stem
from .forms import spec_text
from .pages import render
from .store import Conflict, Store

#: The bases a data-sharing agreement can rest on, as the starter offers them (their words are
#: the schema's: ``x-enum-titles`` of ``data_sharing.legal_basis``).
BASIS_CODES = ("consent", "school_official", "studies", "audit_evaluation")

#: The kinds of partner, in the starter's order (their words are the schema's).
PARTNER_TYPE_CODES = ("nonprofit", "university", "health_provider", "government_agency",
                      "faith_based", "business", "county_office", "charter_school", "district",
                      "public_school")


def _titled(root: dict[str, Any], node: dict[str, Any], codes: tuple[str, ...]
            ) -> tuple[tuple[str, str], ...]:
    from .forms import choice_titles
    titles = choice_titles(resolve_ref(node, root)[0])
    return tuple((code, titles.get(code, code)) for code in codes)


def choices(request: Request) -> dict[str, Any]:
    """The starter's choices, code and words: ``bases`` and ``partner_types``."""
    root = schema(request.app.state.resources.schema)
    return {"bases": _titled(root, root["properties"]["data_sharing"]["properties"]
                             ["legal_basis"], BASIS_CODES),
            "partner_types": _titled(root, root["$defs"]["party"]["properties"]["type"],
                                     PARTNER_TYPE_CODES)}


def school_year_for(today: dt.date) -> str:
    """The school year a starter is for: from April on, next year's (agreements are written
    in the spring before); before, the current one."""
    start = today.year if today.month >= 4 else today.year - 1
    return f"{start}-{start + 1}"


def slug(text: str) -> str:
    """``Lincoln Elementary School`` → ``lincoln-elementary-school``."""
    import unicodedata
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].strip("-")


def languages(request: Request) -> list[tuple[str, str]]:
    """The notice languages docgen has catalogs for, with their names in English and in
    themselves ("Haitian Creole (Kreyòl Ayisyen)": a language whose CLDR data is partial is
    named all the same, never as the locale its dates fall back to)."""
    out = []
    for tag in supported_locales(request.app.state.resources.locales):
        english, own = language_names(tag)
        out.append((tag, english if not own or own == english else f"{english} ({own})"))
    return out


def language_names(tag: str) -> tuple[str, str]:
    """The language of ``tag`` named in English and in itself."""
    from ..i18n.catalogs import language_name
    from ..i18n.scripts import own_name
    return language_name(tag), own_name(tag)


def starter(answers: dict[str, Any]) -> dict[str, Any]:
    """The spec a starter's ``answers`` make: what they say, in the schema's order."""
    school = answers["school"]
    partner = answers["partner"]
    year = answers["school_year"]
    data: dict[str, Any] = {
        "schema_version": SUPPORTED_SCHEMA_VERSIONS[-1],
        "id": answers["id"],
        "school_year": year,
        "version": 1,
        "parties": {
            "school": {"legal_name": school, "type": "public_school"},
            "partner": {"legal_name": partner, "type": answers["partner_type"]},
        },
    }
    if answers["shares"]:
        ds: dict[str, Any] = {"shares_student_data": True, "legal_basis": answers["basis"]}
        for part in BASIS_REQUIRES.get(answers["basis"], ()):
            ds[part] = {}
        data["data_sharing"] = ds
    else:
        data["data_sharing"] = {"shares_student_data": False}
    data["family_notices"] = {"languages": answers["languages"]}
    if answers["partner_type"] == "faith_based":
        data["faith_based"] = {}
    return data


_QUOTES = "\"'\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212/"


def read_school_year(text: str) -> str | None:
    """The school year ``text`` means, as the spec writes it (``2026-2027``), for the ways a
    person writes one ("2026-27", "2026–2027" with Word's dash, "2026/27", in quotes pasted
    from Word); None if it is not one year and the next.

    >>> [read_school_year(t) for t in ("2026-27", "2026–2027", "“2026 - 2027”", "2026-28")]
    ['2026-2027', '2026-2027', '2026-2027', None]
    """
    plain = text.strip().strip(_QUOTES).strip()
    for dash in _DASHES:
        plain = plain.replace(dash, "-")
    match = re.fullmatch(r"(\d{4})\s*-\s*(\d{2}|\d{4})", plain)
    if not match:
        return None
    first = int(match[1])
    second = int(match[2]) if len(match[2]) == 4 else first // 100 * 100 + int(match[2])
    if len(match[2]) == 2 and second < first:
        second += 100  # 1999-00
    return f"{first}-{second}" if second == first + 1 else None


def _unused_stem(store: Store, stem: str) -> str:
    base, n = stem, 2
    while store.exists(stem):
        stem = f"{base}-{n}"
        n += 1
    return stem


async def start(request: Request) -> Response:
    store: Store = request.app.state.store
    copy_from = request.query_params.get("copy")
    return render(request, "start.html", current="start", stems=store.stems(),
                  errors={}, values={"school_year": school_year_for(today_of(request)),
                                     "languages": ["en"], "copy": copy_from or ""},
                  languages=languages(request), **choices(request))


async def start_post(request: Request) -> Response:
    store: Store = request.app.state.store
    form = await request.form()
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    values["languages"] = [v for v in form.getlist("languages") if isinstance(v, str)]
    errors: dict[str, str] = {}
    school = values.get("school", "").strip()
    partner = values.get("partner", "").strip()
    year = values.get("school_year", "").strip()
    if not school:
        errors["school"] = "Enter the school's full legal name"
    if not partner:
        errors["partner"] = "Enter the partner's full legal name"
    year = read_school_year(year) or year
    match = re.fullmatch(r"(\d{4})-(\d{4})", year)
    if not match or int(match[2]) != int(match[1]) + 1:
        errors["school_year"] = "Enter the school year as two years, e.g. 2027-2028"
    types = list(PARTNER_TYPE_CODES)
    if values.get("partner_type") not in types:
        errors["partner_type"] = "Choose what kind of organisation the partner is"
    shares = values.get("shares")
    if shares not in ("yes", "no"):
        errors["shares"] = "Say whether the school shares student data with the partner"
    if shares == "yes" and values.get("basis") not in BASIS_CODES:
        errors["basis"] = "Choose the FERPA basis the sharing rests on"
    known = [t for t, _ in languages(request)]
    if not values["languages"]:
        errors["languages"] = "Choose at least one language for the family notices"
    elif any(t not in known for t in values["languages"]):
        errors["languages"] = "Choose languages from the list"
    if errors:
        return render(request, "start.html", current="start", stems=store.stems(),
                      errors=errors, values=values, languages=languages(request),
                      status_code=400, **choices(request))
    short_year = f"{year[:4]}-{year[-2:]}"
    name = "-".join(p for p in (slug(school)[:30].strip("-"), slug(partner)[:30].strip("-"),
                                short_year) if p)
    stem = _unused_stem(store, name)
    spec_id = stem[:80]
    data = starter({"school": school, "partner": partner, "school_year": year,
                    "partner_type": values["partner_type"], "shares": shares == "yes",
                    "basis": values.get("basis"), "languages": values["languages"],
                    "id": spec_id})
    store.create(stem, spec_text(data))
    return RedirectResponse(f"/spec/{stem}/edit?checked=1", status_code=303)


async def copy_post(request: Request) -> Response:
    """A copy of another spec, under a new name, as version 1 of a new partnership."""
    store: Store = request.app.state.store
    form = await request.form()
    source = str(form.get("source", ""))
    name = slug(str(form.get("name", "")))
    errors: dict[str, str] = {}
    if not store.exists(source):
        errors["source"] = "Choose the spec to copy"
    if not name or not good_stem(name):
        errors["name"] = ("Enter a name for the new spec, e.g. lincoln-elementary-new-partner-"
                          "2027-28")
    elif store.exists(name):
        errors["name"] = f"The folder has a spec called {name} already: choose another name"
    if errors:
        return render(request, "start.html", current="start", stems=store.stems(),
                      errors=errors, values={"copy": source, "name": form.get("name", ""),
                                             "school_year": "", "languages": ["en"]},
                      languages=languages(request), status_code=400, **choices(request))
    text = store.read(source).text
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        data["id"] = name
        data.pop("annual_review", None)  # a copy is a new agreement, not a renewal
        if "version" in data:
            data["version"] = 1
        text = spec_text(data)
    try:
        store.create(name, text)
    except Conflict:
        raise NotServed(name, "exists already; choose another name") from None
    return RedirectResponse(f"/spec/{name}/edit?checked=1", status_code=303)


routes: list[BaseRoute] = [
    Route("/start", start, methods=["GET"], name="start"),
    Route("/start", start_post, methods=["POST"], name="start_post"),
    Route("/start/copy", copy_post, methods=["POST"], name="copy_post"),
]

__all__ = ["routes", "schema", "starter"]
