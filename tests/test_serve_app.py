"""docgen serve's app core: the guard (foreign Host, token, body size), files only from the
folder, the navigation and the pages of the core (Home, History)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest

from serve_support import BASE, PORT, TOKEN, sample_folder, serve_client

LINCOLN = "lincoln-elementary-bright-futures"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return sample_folder(tmp_path)


@pytest.mark.parametrize("host", ["evil.example", f"evil.example:{PORT}", "127.0.0.1:1",
                                  f"127.0.0.2:{PORT}", f"localhost.evil.example:{PORT}",
                                  "", f"[::1]:{PORT}"])
def test_a_foreign_host_is_refused_with_400(folder: Path, host: str) -> None:
    client = serve_client(folder)
    for method in ("GET", "POST", "OPTIONS"):
        response = client.request(method, "/", headers={"host": host})
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("text/plain")
        assert "answers only to http://127.0.0.1 and http://localhost" in response.text


@pytest.mark.parametrize("host", [f"127.0.0.1:{PORT}", f"localhost:{PORT}",
                                  f"LOCALHOST:{PORT}"])
def test_its_own_host_is_served(folder: Path, host: str) -> None:
    response = serve_client(folder).get("/", headers={"host": host})
    assert response.status_code == 200
    assert "Partnerships" in response.text


def test_a_post_without_the_token_is_refused_and_changes_nothing(folder: Path) -> None:
    client = serve_client(folder, header=False)
    before = (folder / f"{LINCOLN}.json").read_bytes()
    history = client.get(f"/spec/{LINCOLN}/history")
    assert history.status_code == 200  # a page needs only the cookie
    for data in ({}, {"_token": "wrong"}, {"_token": TOKEN[:-1]}):
        response = client.post(f"/spec/{LINCOLN}/restore", data={"version": "x", **data})
        assert response.status_code == 403
        assert "did not carry the key of this docgen serve run" in response.text
        assert "nothing was changed" in response.text
    response = client.post(f"/spec/{LINCOLN}/restore", data={"version": "x"},
                           headers={"X-Docgen-Token": "wrong"})
    assert response.status_code == 403
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
        assert client.request(method, f"/spec/{LINCOLN}/edit").status_code == 403
    assert (folder / f"{LINCOLN}.json").read_bytes() == before


def test_the_token_as_a_form_field_or_header_passes(folder: Path) -> None:
    client = serve_client(folder, header=False)
    # a version that does not exist: the route answers 404, so the guard let it through
    by_field = client.post(f"/spec/{LINCOLN}/restore", data={"version": "x", "_token": TOKEN})
    by_header = client.post(f"/spec/{LINCOLN}/restore", data={"version": "x"},
                            headers={"X-Docgen-Token": TOKEN})
    by_multipart = client.post(f"/spec/{LINCOLN}/restore",
                               data={"version": "x", "_token": TOKEN},
                               files={"file": ("a.po", b"msgid \"\"\n")})
    assert by_field.status_code == by_header.status_code == by_multipart.status_code == 404
    assert "is not a kept version" in by_field.text


def test_a_page_without_the_key_is_refused_and_the_printed_address_sets_it(folder: Path
                                                                           ) -> None:
    client = serve_client(folder, header=False, cookie=False)
    refused = client.get("/")
    assert refused.status_code == 403
    assert "Open this page from the address docgen serve printed" in refused.text
    wrong = client.get("/?token=nope")
    assert wrong.status_code == 403
    opened = client.get(f"/spec/{LINCOLN}/history?token={TOKEN}&x=1", follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/spec/{LINCOLN}/history?x=1"  # the key leaves the URL
    cookie = opened.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.get("/").status_code == 200
    assert client.get("/static/style.css").status_code == 200  # static files need no key


def test_a_body_over_the_limit_is_refused_with_413(folder: Path) -> None:
    client = serve_client(folder, max_body=1000)
    response = client.post(f"/spec/{LINCOLN}/restore", content=b"x" * 2000,
                           headers={"content-type": "application/octet-stream"})
    assert response.status_code == 413
    assert "larger than docgen serve takes" in response.text

    def chunks():  # no Content-Length: counted as it comes
        for _ in range(5):
            yield b"y" * 400

    response = client.post(f"/spec/{LINCOLN}/restore", content=chunks(),
                           headers={"content-type": "application/octet-stream"})
    assert response.status_code == 413


@pytest.mark.parametrize("path", [
    "/spec/..%2F..%2Fetc%2Fpasswd/edit", "/spec/.hidden/edit", "/spec/%2Fetc%2Fpasswd/history",
    "/spec/a%00b/edit", "/spec/missing/edit", "/static/../app.py", "/static/%2e%2e/app.py",
    f"/spec/{LINCOLN}/history/..%2F{LINCOLN}.json",
])
def test_no_path_leaves_the_folder(folder: Path, path: str) -> None:
    response = serve_client(folder).get(path)
    assert response.status_code == 404
    assert "root:" not in response.text and "create_app" not in response.text


def test_a_spec_that_is_a_link_out_of_the_folder_is_not_served(folder: Path,
                                                               tmp_path: Path) -> None:
    outside = tmp_path / "secret.json"
    outside.write_text(json.dumps({"id": "secret-partnership"}), encoding="utf-8")
    os.symlink(outside, folder / "linked.json")
    client = serve_client(folder)
    assert "linked" not in client.get("/").text
    response = client.get("/spec/linked/edit")
    assert response.status_code == 404
    assert "symbolic link" in response.text
    assert "secret-partnership" not in response.text


def test_pages_carry_the_token_for_htmx_and_forms(folder: Path) -> None:
    page = serve_client(folder).get(f"/spec/{LINCOLN}/history")
    assert f"hx-headers='{{&#34;X-Docgen-Token&#34;: &#34;{TOKEN}&#34;}}'" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_spec_text_is_shown_as_text_never_as_markup(folder: Path) -> None:
    spec = json.loads((folder / f"{LINCOLN}.json").read_text(encoding="utf-8"))
    spec["parties"]["partner"]["short_name"] = "<script>alert(1)</script>{{ 7*7 }}"
    (folder / f"{LINCOLN}.json").write_text(json.dumps(spec), encoding="utf-8")
    page = serve_client(folder).get("/").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in page


def test_home_lists_every_spec_with_its_year_and_state(folder: Path) -> None:
    page = serve_client(folder).get("/").text
    for stem in ("lincoln-elementary-bright-futures", "jefferson-elementary-public-library",
                 "chavez-middle-la-clinica-health", "roosevelt-high-state-university-study"):
        assert f"{stem}.json" in page
    assert "2026-2027" in page
    assert "valid" in page and "not built yet" in page


def test_home_says_how_many_problems_a_spec_has(folder: Path) -> None:
    (folder / "broken.json").write_text('{"id": "x", "school_year": "2026-2027"}',
                                        encoding="utf-8")
    page = serve_client(folder).get("/").text
    assert "broken.json" in page
    assert "problems to fix" in page


def test_base_url_is_the_one_the_tests_use() -> None:
    assert BASE == f"http://127.0.0.1:{PORT}"


def _manifest(folder: Path, spec_id: str, sha: str) -> None:
    out = folder / "out" / spec_id
    out.mkdir(parents=True)
    (out / "manifest.json").write_text(json.dumps({
        "docgen_version": "0", "spec": {"file": "x.json", "id": spec_id, "sha256": sha},
        "source_date": None, "files": []}), encoding="utf-8")


def test_home_says_built_or_changed_since_the_build(folder: Path) -> None:
    import hashlib
    raw = (folder / f"{LINCOLN}.json").read_bytes()
    _manifest(folder, "lincoln-es-bright-futures-2026-27", hashlib.sha256(raw).hexdigest())
    row = _row(serve_client(folder).get("/").text, LINCOLN)
    assert "<li class=\"\">built</li>" in row and "changed since" not in row
    (folder / f"{LINCOLN}.json").write_bytes(raw.replace(b'"version": 1', b'"version": 2'))
    row = _row(serve_client(folder).get("/").text, LINCOLN)
    assert "changed since its last build: build again" in row


def _row(page: str, stem: str) -> str:
    start = page.index(f"{stem}.json")
    return page[start:page.index("</tr>", start)]


def test_home_says_a_renewal_is_due_until_a_spec_renews_it(folder: Path) -> None:
    row = _row(serve_client(folder).get("/").text, LINCOLN)  # today: 2027-05-14
    assert "renewal due (the term ends 2027-06-30)" in row
    early = _row(serve_client(folder, today=dt.date(2027, 1, 5)).get("/").text, LINCOLN)
    assert "renewal due" not in early
    spec = json.loads((folder / f"{LINCOLN}.json").read_text(encoding="utf-8"))
    spec["school_year"] = "2027-2028"
    spec["annual_review"] = {"renewed_from": {"school_year": "2026-2027", "version": 1}}
    (folder / "lincoln-2027-28.json").write_text(json.dumps(spec), encoding="utf-8")
    row = _row(serve_client(folder).get("/").text, LINCOLN)
    assert "renewed by lincoln-2027-28" in row and "renewal due" not in row


def test_history_shows_what_a_version_changes_and_restores_it(folder: Path) -> None:
    client = serve_client(folder)
    store = client.app.state.store
    before = store.read(LINCOLN)
    spec = json.loads(before.text)
    spec["term"]["end"] = "2027-06-11"
    store.save(LINCOLN, json.dumps(spec, indent=2), revision=before.revision)
    page = client.get(f"/spec/{LINCOLN}/history").text
    name = re.search(r'href="/spec/[^/]+/history/([^"]+\.json)"', page)
    assert name is not None
    version = client.get(f"/spec/{LINCOLN}/history/{name[1]}").text
    assert "What differs from the file now" in version
    assert re.search(r"Term › End date</th><td>2027-06-30</td><td>2027-06-11</td>", version)
    done = client.post(f"/spec/{LINCOLN}/restore", data={
        "version": name[1], "revision": store.read(LINCOLN).revision}, follow_redirects=False)
    assert done.status_code == 303
    assert store.read(LINCOLN).text == before.text
