"""docgen serve's Build, Review and Translations pages, through Starlette's TestClient, and the
redline as HTML. Builds here write DOCX only (``BuildSettings(pdf=False)``); the PDFs, their
thumbnails and the packet are built by LibreOffice in tests/test_serve_browser.py."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest

from docgen.errors import DocxError
from docgen.redline.compare import redline
from docgen.serve.builds import (BuildSettings, Jobs, THUMBNAILS, built_folder, thumbnail_file,
                                 thumbnails)
from docgen.serve.redline_html import read_redline
from docgen.serve.reviews import renewal_name
from docgen.spec.schema import check_spec, read_spec
from redline_docs import PAIRS, from_xml, para, run
from serve_support import TOKEN, sample_folder, serve_client

LINCOLN = "lincoln-elementary-bright-futures"
JEFFERSON = "jefferson-elementary-public-library"
FIXED = dt.datetime(2027, 5, 14, tzinfo=dt.timezone.utc)


@pytest.fixture
def lincoln(tmp_path: Path) -> Path:
    return sample_folder(tmp_path, LINCOLN)


def _client(folder: Path, **options: object):  # type: ignore[no-untyped-def]
    return serve_client(folder, build_settings=BuildSettings(pdf=False), **options)


def _build(client, folder: Path, stem: str):  # type: ignore[no-untyped-def]
    response = client.post(f"/spec/{stem}/build", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/spec/{stem}/build"
    client.app.state.build_jobs.wait(str(folder / f"{stem}.json"), 120)
    return client.get(f"/spec/{stem}/build/status")


# --- Build --------------------------------------------------------------------------------


def test_a_build_lists_every_document_with_its_downloads_and_the_zip(lincoln: Path) -> None:
    client = _client(lincoln)
    page = client.get(f"/spec/{LINCOLN}/build")
    assert page.status_code == 200
    assert "Build the documents" in page.text
    assert f'name="_token" value="{TOKEN}"' in page.text
    status = _build(client, lincoln, LINCOLN)
    assert "Built: every document is below." in status.text
    assert "hx-trigger" not in status.text  # finished: the page stops polling
    folder = lincoln / "out" / "lincoln-es-bright-futures-2026-27"
    for name in ("Memorandum of Understanding", "Student data-sharing agreement",
                 "Role chart (RACI)", '<span lang="vi">Tiếng Việt</span> (vi)'):
        assert name in status.text
    mou = client.get(f"/spec/{LINCOLN}/build/files/mou.docx?download")
    assert mou.status_code == 200
    assert mou.content == (folder / "mou.docx").read_bytes()
    assert mou.headers["content-disposition"].startswith("attachment")
    assert "lincoln-es-bright-futures-2026-27-mou.docx" in mou.headers["content-disposition"]
    notice = client.get(f"/spec/{LINCOLN}/build/files/notices/notice-ar.docx")
    assert notice.content == (folder / "notices" / "notice-ar.docx").read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/spec/{LINCOLN}/build/zip").content))
    names = set(archive.namelist())
    prefix = "lincoln-es-bright-futures-2026-27/"
    assert {prefix + "manifest.json", prefix + "mou.docx",
            prefix + "notices/notice-zh-Hans.docx"} <= names
    assert archive.read(prefix + "role-chart.docx") == (folder / "role-chart.docx").read_bytes()


def test_only_the_files_the_manifest_names_are_served(lincoln: Path) -> None:
    client = _client(lincoln)
    _build(client, lincoln, LINCOLN)
    folder = lincoln / "out" / "lincoln-es-bright-futures-2026-27"
    (folder / "notes.txt").write_text("my own notes")
    (lincoln / "secret.txt").write_text("not for the web")
    for path in ("notes.txt", "../../secret.txt", "..%2F..%2Fsecret.txt", ".docgen.lock",
                 "built-from/../../../secret.txt"):
        response = client.get(f"/spec/{LINCOLN}/build/files/{path}")
        assert response.status_code == 404, path
        assert "my own notes" not in response.text and "not for the web" not in response.text
    (folder / "mou.docx").unlink()
    (folder / "mou.docx").symlink_to(lincoln / "secret.txt")
    assert client.get(f"/spec/{LINCOLN}/build/files/mou.docx").status_code == 404


def test_a_build_never_overwrites_a_document_someone_edited(lincoln: Path) -> None:
    client = _client(lincoln)
    _build(client, lincoln, LINCOLN)
    mou = lincoln / "out" / "lincoln-es-bright-futures-2026-27" / "mou.docx"
    mou.write_bytes(b"counsel's edited copy")
    spec = lincoln / f"{LINCOLN}.json"
    spec.write_text(spec.read_text().replace('"Lincoln Elementary"', '"Lincoln Elem."', 1))
    status = _build(client, lincoln, LINCOLN)
    assert "The build did not finish" in status.text
    assert ("out/lincoln-es-bright-futures-2026-27/mou.docx: was not written by docgen, or was "
            "changed after docgen wrote it; move it out of the folder first, docgen will not "
            "overwrite it") in status.text.replace("&#39;", "'")
    assert mou.read_bytes() == b"counsel's edited copy"


def test_a_spec_with_problems_shows_validate_s_messages_and_no_button(tmp_path: Path) -> None:
    folder = sample_folder(tmp_path, LINCOLN)
    shutil.copy(Path(__file__).parent.parent / "examples" / "partner.json", folder)
    client = _client(folder)
    page = client.get("/spec/partner/build").text.replace("&#39;", "'")
    spec = read_spec(str(folder / "partner.json"))
    lines = [str(p).replace(str(folder) + "/", "") for p in check_spec(spec)]
    assert len(lines) == 3
    for line in lines:
        assert f"<li>{line}</li>" in page
    assert "partner.json:31:12: $.term.end: the term ends (2026-09-01) on or before it starts" \
        in page
    assert 'action="/spec/partner/build"' not in page


def test_the_status_shows_progress_while_the_build_runs_then_stops_polling(lincoln: Path) -> None:
    client = _client(lincoln)
    go = threading.Event()
    jobs = client.app.state.build_jobs = Jobs()

    def slow(job):  # type: ignore[no-untyped-def]
        job.step, job.documents_done, job.documents_total = \
            "LibreOffice is making the PDFs", 3, 8
        go.wait(30)

    jobs.start(str(lincoln / f"{LINCOLN}.json"), slow)
    running = client.get(f"/spec/{LINCOLN}/build/status").text
    assert "LibreOffice is making the PDFs: 3 of 8 documents done" in running
    assert f'hx-get="/spec/{LINCOLN}/build/status" hx-trigger="every 1s"' in running
    assert '<progress max="8" value="3"' in running
    page = client.get(f"/spec/{LINCOLN}/build").text
    assert "disabled" in page  # one build at a time
    again = jobs.start(str(lincoln / f"{LINCOLN}.json"), slow)
    assert again[1] is False
    go.set()
    jobs.wait(str(lincoln / f"{LINCOLN}.json"), 30)
    done = client.get(f"/spec/{LINCOLN}/build/status").text
    assert "hx-trigger" not in done and "Building" not in done


def test_a_crashed_build_says_so_on_the_page(lincoln: Path) -> None:
    client = _client(lincoln)
    jobs = client.app.state.build_jobs = Jobs()

    def broken(job):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk on fire")

    jobs.start(str(lincoln / f"{LINCOLN}.json"), broken)
    jobs.wait(str(lincoln / f"{LINCOLN}.json"), 30)
    status = client.get(f"/spec/{LINCOLN}/build/status").text
    assert "the build stopped unexpectedly (RuntimeError: disk on fire)" in status


def test_explain_lists_each_sentence_with_its_template_paragraph_and_fields(lincoln: Path) -> None:
    client = _client(lincoln)
    page = client.get(f"/spec/{LINCOLN}/build/explain/mou")
    assert page.status_code == 200
    text = page.text.replace("&#39;", "'")
    assert "Where each sentence comes from" in text
    assert re.search(r"mou\.docx ¶\d+</td>", text)
    assert "<code>$.insurance.workers_compensation</code>" in text
    # each field links to its place on the Edit page
    link = f'href="/spec/{LINCOLN}/edit#f-insurance.workers_compensation"'
    assert link in text
    assert 'id="f-insurance.workers_compensation"' in client.get(f"/spec/{LINCOLN}/edit").text
    assert "the template's own text" in text
    notice = client.get(f"/spec/{LINCOLN}/build/explain/notice-es")
    assert notice.status_code == 200 and "notice.docx ¶" in notice.text
    assert client.get(f"/spec/{LINCOLN}/build/explain/notice-fr").status_code == 404


def _tiny_pdf(path: Path, pages: int) -> Path:
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(612, 792))
    pdf.save(path)
    return path


def test_thumbnails_are_made_once_per_pdf_hash(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    pdf = _tiny_pdf(tmp_path / "a.pdf", 3)
    pngs = thumbnails(out, pdf)
    assert [p.name for p in pngs] == ["page-1.png", "page-2.png", "page-3.png"]
    assert pngs[0].read_bytes().startswith(b"\x89PNG")
    width = int.from_bytes(pngs[0].read_bytes()[16:20], "big")
    assert width == 340  # 8.5 in at 40 dpi
    stamp = pngs[0].stat().st_mtime_ns
    copy = tmp_path / "b.pdf"
    shutil.copy(pdf, copy)
    assert thumbnails(out, copy) == pngs  # the same bytes elsewhere: not made again
    assert pngs[0].stat().st_mtime_ns == stamp
    assert [p.name for p in (out / THUMBNAILS).iterdir()] == [pngs[0].parent.name]
    digest = pngs[0].parent.name
    assert thumbnail_file(out, digest, 2) == pngs[1]
    assert thumbnail_file(out, digest, 4) is None
    assert thumbnail_file(out, "../" + digest[3:], 1) is None


def test_a_pdf_pdftoppm_cannot_read_is_a_located_problem(tmp_path: Path) -> None:
    from docgen.errors import DocgenError

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(DocgenError) as caught:
        thumbnails(tmp_path, bad)
    assert caught.value.lines()[0].startswith(f"Error: {bad}: no page pictures: pdftoppm")
    assert list((tmp_path / THUMBNAILS).iterdir()) == []  # no half-made folder


def test_the_thumbnail_route_serves_the_pages_of_a_built_pdf(lincoln: Path) -> None:
    client = _client(lincoln)
    _build(client, lincoln, LINCOLN)
    folder = lincoln / "out" / "lincoln-es-bright-futures-2026-27"
    manifest = json.loads((folder / "manifest.json").read_text())
    # a PDF the manifest records, as a build with LibreOffice would have left it
    pdf = _tiny_pdf(folder / "mou.pdf", 2)
    data = pdf.read_bytes()
    from docgen.output import sha256

    manifest["files"].append({"path": "mou.pdf", "sha256": sha256(data), "format": "pdf",
                              "kind": "mou", "source": "mou.docx"})
    (folder / "manifest.json").write_text(json.dumps(manifest))
    built = built_folder(lincoln / "out", "lincoln-es-bright-futures-2026-27", None)
    assert built is not None and built.documents[0].pdf == "mou.pdf"
    png = client.get(f"/spec/{LINCOLN}/build/pages/{sha256(data)}/2.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert client.get(f"/spec/{LINCOLN}/build/pages/{sha256(data)}/3.png").status_code == 404
    pdf_response = client.get(f"/spec/{LINCOLN}/build/files/mou.pdf")
    assert pdf_response.headers["content-type"] == "application/pdf"
    assert pdf_response.headers["content-disposition"].startswith("inline")


def test_a_build_post_without_the_token_is_refused(lincoln: Path) -> None:
    client = serve_client(lincoln, header=False, build_settings=BuildSettings(pdf=False))
    response = client.post(f"/spec/{LINCOLN}/build")
    assert response.status_code == 403
    assert not (lincoln / "out").exists()


# --- Review -------------------------------------------------------------------------------


def test_renewal_names_move_the_school_year_on() -> None:
    assert renewal_name(Path("f/lincoln-2026-27.json"), "2026-2027", "2027-2028") == \
        Path("f/lincoln-2027-28.json")
    assert renewal_name(Path("lincoln-2026-2027.json"), "2026-2027", "2027-2028") == \
        Path("lincoln-2027-2028.json")
    assert renewal_name(Path("lincoln.json"), "2026-2027", "2027-2028") == \
        Path("lincoln-2027-28.json")
    assert renewal_name(Path("x-2019-20.json"), "2026-2027", "2027-2028") == \
        Path("x-2019-20-2027-28.json")


def _renew(client, stem: str, year: str = "2027-2028") -> str:  # type: ignore[no-untyped-def]
    response = client.post(f"/spec/{stem}/renew", data={"school_year": year,
                                                        "review_date": "2027-05-14"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(response.headers["location"]).split("/")[2]


def test_renewing_writes_next_year_s_spec_beside_last_year_s(lincoln: Path) -> None:
    client = _client(lincoln)
    before = (lincoln / f"{LINCOLN}.json").read_bytes()
    new = _renew(client, LINCOLN)
    assert new == f"{LINCOLN}-2027-28"
    data = json.loads((lincoln / f"{new}.json").read_text())
    assert data["school_year"] == "2027-2028" and data["version"] == 2
    assert data["annual_review"]["review_date"] == "2027-05-14"
    assert (lincoln / f"{LINCOLN}.json").read_bytes() == before
    page = client.get(f"/spec/{new}/review?renewed=1").text
    assert "Renewed: this is next year's spec" in page.replace("&#39;", "'")
    assert f"0 of {len(data['annual_review']['reconfirm'])} checked" in page
    assert "Insurance certificate for 2027-2028" in page
    # the renewal's carried catalogs came along
    assert (lincoln / f"{new}.locales" / "es.po").is_file()
    again = client.post(f"/spec/{LINCOLN}/renew", data={"school_year": "2027-2028"})
    assert again.status_code == 409
    assert (f"Error: {new}.json: already exists, so the renewal was not written (a file is "
            "never replaced)") in again.text
    assert f'was renewed as <a href="/spec/{new}/review">' in again.text


def test_a_wrong_school_year_is_refused_in_renew_s_words(lincoln: Path) -> None:
    client = _client(lincoln)
    for year, words in (("2027", "YYYY-YYYY"), ("2025-2026", "after")):
        response = client.post(f"/spec/{LINCOLN}/renew", data={"school_year": year})
        assert response.status_code == 409
        assert "school year:" in response.text and words in response.text
    assert sorted(p.name for p in lincoln.glob("*.json")) == [f"{LINCOLN}.json"]


def test_ticks_are_saved_in_the_spec_and_a_stale_page_is_refused(lincoln: Path) -> None:
    client = _client(lincoln)
    new = _renew(client, LINCOLN)
    page = client.get(f"/spec/{new}/review").text
    revision = re.search(r'name="revision"[^>]*value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    saved = client.post(f"/spec/{new}/review/reconfirm",
                        data={"confirmed": ["0", "3"], "revision": revision},
                        headers={"hx-request": "true"})
    assert saved.status_code == 200
    assert re.search(r"Saved at \d\d:\d\d", saved.text)
    assert "2 of " in saved.text
    items = json.loads((lincoln / f"{new}.json").read_text())["annual_review"]["reconfirm"]
    assert [i["confirmed"] for i in items[:5]] == [True, False, False, True, False]
    assert client.app.state.store.history(new)  # the version replaced is kept
    text = (lincoln / f"{new}.json").read_text()
    stale = client.post(f"/spec/{new}/review/reconfirm",
                        data={"confirmed": ["1"], "revision": revision},
                        headers={"hx-request": "true"})
    assert stale.status_code == 200  # htmx swaps only a 2xx answer in: shown in place
    assert "X-Docgen-Conflict" in stale.headers
    assert "these ticks were not saved" in stale.text
    plain = client.post(f"/spec/{new}/review/reconfirm",
                        data={"confirmed": ["1"], "revision": revision})
    assert plain.status_code == 409 and "these ticks were not saved" in plain.text
    assert (lincoln / f"{new}.json").read_text() == text
    spec = read_spec(str(lincoln / f"{new}.json"))
    assert check_spec(spec) == []


def test_a_review_shows_the_summary_the_redlines_and_the_changes(lincoln: Path) -> None:
    client = _client(lincoln)
    new = _renew(client, LINCOLN)
    page = client.get(f"/spec/{new}/review").text
    assert f"Compares <a href=\"/spec/{LINCOLN}/edit\">{LINCOLN}.json</a> (2026-2027)" in page
    response = client.post(f"/spec/{new}/review/run", follow_redirects=False)
    assert response.status_code == 303
    client.app.state.build_jobs.wait(f"review:{lincoln / (new + '.json')}", 120)
    status = client.get(f"/spec/{new}/review/status").text.replace("&#39;", "'")
    assert "For legal review (2)" in status
    assert "<strong>insurance:</strong> Insurance › Certificate due: August 1, 2026 → " \
           "August 1, 2027" in status
    assert "School year: 2026-2027 → 2027-2028" in status
    assert "§ 3 Term, paragraph 1</span>: This MOU takes effect on August [-10, 2026-] " \
           "{+9, 2027+}" in status
    out = lincoln / "out" / "review" / "lincoln-es-bright-futures-2027-28"
    assert (out / "redline-mou.docx").is_file()
    inline = client.get(f"/spec/{new}/review/redline/redline-mou.docx").text
    assert ('School year <del class="del" title="deleted"><span class="visually-hidden">'
            'deleted: </span>2026‑2027</del><ins class="ins" title="inserted">'
            '<span class="visually-hidden">inserted: </span>2027‑2028</ins>') in inline
    side = client.get(f"/spec/{new}/review/redline/redline-mou.docx?view=side").text
    assert '<th scope="col">Last year</th><th scope="col">This year</th>' in side
    row = next(r for r in side.split("<tr") if "takes effect on August" in r)
    old_cell, new_cell = row.split("</td><td>")
    assert "10, 2026" in old_cell and "9, 2027" not in old_cell
    assert "9, 2027" in new_cell and "10, 2026" not in new_cell
    docx = client.get(f"/spec/{new}/review/files/redline-mou.docx")
    assert docx.content == (out / "redline-mou.docx").read_bytes()
    assert client.get(f"/spec/{new}/review/files/manifest.json").status_code == 404
    assert client.get(f"/spec/{new}/review/redline/redline-nothing.docx").status_code == 404


def test_a_spec_with_no_last_year_says_there_is_nothing_to_compare(lincoln: Path) -> None:
    page = _client(lincoln).get(f"/spec/{LINCOLN}/review").text
    assert "there is nothing to compare with" in page.replace("&#39;", "'")


# --- the redline as HTML ------------------------------------------------------------------


def _view(case: str):  # type: ignore[no-untyped-def]
    old, new = PAIRS[case]()
    return read_redline(redline(old, new, date=FIXED).docx, case)


def test_insertions_deletions_and_rows_are_marked() -> None:
    view = _view("table row inserted")
    assert view.counts.rows == 1
    assert 'class="row-ins" title="row inserted"' in view.inline()
    side = view.side_by_side()
    assert side.count("Schedules") == 1  # only this year's table has the new row
    deleted = _view("table row deleted")
    assert 'class="row-del"' in deleted.inline()
    word = _view("agreement word changed")
    assert word.counts.insertions >= 1 and word.counts.deletions >= 1
    assert "<ins" in word.inline() and "<del" in word.inline()


def test_a_moved_clause_is_shown_as_moved_at_both_ends() -> None:
    view = _view("agreement clause moved")
    html = view.inline()
    assert view.counts.moves >= 1
    assert 'class="moved-from" title="moved from here"' in html
    assert 'class="moved-to" title="moved here"' in html


def test_formatting_changes_are_marked() -> None:
    old = from_xml(para(run("Payment is due in thirty days.")))
    new = from_xml(para(run("Payment is due in thirty days.", "<w:b/>")))
    view = read_redline(redline(old, new, date=FIXED).docx, "bold")
    assert view.counts.formatting >= 1
    assert '<span class="fmt" title="formatting changed">' in view.inline()
    restyled = _view("agreement heading restyled and renamed")
    assert restyled.counts.formatting >= 1 and "fmt-para" in restyled.inline()


def test_every_text_of_the_document_is_escaped() -> None:
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    old = from_xml(para("Plain text."))
    new = from_xml(para("Plain text.") + para(run(hostile)))
    html = read_redline(redline(old, new, date=FIXED).docx, "hostile")
    for shown in (html.inline(), html.side_by_side()):
        assert "<script>" not in shown and "<img" not in shown
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in shown


def test_a_redline_declaring_entities_is_refused() -> None:
    data = from_xml(para("x"))
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "word/document.xml":
                body = body.replace(b"?>", b'?><!DOCTYPE d [<!ENTITY e "boom">]>', 1)
            target.writestr(info, body)
    with pytest.raises(DocxError) as caught:
        read_redline(out.getvalue(), "evil.docx")
    assert "declares XML entities" in caught.value.lines()[0]
    with pytest.raises(DocxError):
        read_redline(b"not a zip", "junk.docx")


# --- Translations -------------------------------------------------------------------------


def _expected(page: str, tag: str) -> str:
    match = re.search(rf'translations/{tag}/upload".*?name="expected" value="([0-9a-f]*)"', page,
                      re.S)
    assert match is not None
    return match.group(1)


def test_the_page_shows_both_catalogs_of_each_language(lincoln: Path) -> None:
    page = _client(lincoln).get(f"/spec/{LINCOLN}/translations").text
    assert "English is the source language: nothing to translate." in page
    assert re.search(r'Arabic \(<span lang="ar" dir="rtl">العربية</span>\) '
                     r'<span class="file">\(ar\)</span></th>\s*<td>\s*<p>\d+ of \d+ '
                     r"translated; not reviewed by a person</p>", page)
    assert "21 of 21 translated; not reviewed by a person" in page
    # the notice beside the English one, the other one in its own language and direction
    assert '<div lang="es" dir="ltr">' in page and '<div lang="en">' in page
    arabic = _client(lincoln).get(f"/spec/{LINCOLN}/translations?notice=ar").text
    assert '<div lang="ar" dir="rtl">' in arabic


def test_a_good_upload_is_written_and_the_old_catalog_kept(lincoln: Path) -> None:
    client = _client(lincoln)
    target = lincoln / f"{LINCOLN}.locales" / "es.po"
    before = target.read_bytes()
    expected = _expected(client.get(f"/spec/{LINCOLN}/translations").text, "es")
    sent = before.replace(b"X-Reviewed: no", b"X-Reviewed: yes; by=Ana Ruiz; date=2027-05-01")
    response = client.post(f"/spec/{LINCOLN}/translations/es/upload",
                           data={"expected": expected}, files={"catalog": ("es.po", sent)})
    assert response.status_code == 200
    assert "21 of 21 translated; reviewed by Ana Ruiz on 2027-05-01" in response.text
    kept = list((target.parent / ".history").glob("es-*.po"))
    assert len(kept) == 1 and kept[0].read_bytes() == before
    assert b"X-Reviewed: yes; by=Ana Ruiz; date=2027-05-01" in target.read_bytes()
    download = client.get(f"/spec/{LINCOLN}/translations/es/spec.po")
    assert download.content == target.read_bytes()
    # the same page's second upload would overwrite the first: refused
    again = client.post(f"/spec/{LINCOLN}/translations/es/upload",
                        data={"expected": expected}, files={"catalog": ("es.po", before)})
    assert again.status_code == 422
    assert "changed after this page was shown" in again.text
    assert b"by=Ana Ruiz" in target.read_bytes()


def test_a_bad_upload_is_refused_with_every_problem_located(lincoln: Path) -> None:
    client = _client(lincoln)
    target = lincoln / f"{LINCOLN}.locales" / "es.po"
    before = target.read_bytes()
    expected = _expected(client.get(f"/spec/{LINCOLN}/translations").text, "es")
    bad = (before.replace(b'msgstr "Programa', b'msgstr "\xe2\x80\xaePrograma', 1)
           .replace(b"nplurals=2; plural=(n != 1);", b"nplurals=3; plural=(n != 1);"))
    response = client.post(f"/spec/{LINCOLN}/translations/es/upload",
                           data={"expected": expected}, files={"catalog": ("from-ana.po", bad)})
    assert response.status_code == 422
    text = response.text.replace("&#39;", "'")
    lines = bad.decode("utf-8").splitlines()
    plural = 1 + next(i for i, line in enumerate(lines) if "Plural-Forms" in line)
    reordered = 1 + next(i for i, line in enumerate(lines) if "\u202ePrograma" in line)
    assert (f"from-ana.po (uploaded for es):{plural}: the Plural-Forms header cannot be "
            "used") in text
    assert (f"from-ana.po (uploaded for es):{reordered - 1}: /services/0/name: reordered: "
            "'Bright Futures After-School Program'; the translation contains an invisible "
            "character") in text
    assert target.read_bytes() == before
    for data, words in ((b"\xff\xfe not utf-8", "is not UTF-8 text"),
                        (b"", "is empty"),
                        (b"x" * (2 * 1024 * 1024 + 1), "more than the 2 MB a catalog may be"),
                        (before.replace(b"Language: es", b"Language: vi")
                         .replace(b"nplurals=2; plural=(n != 1);", b"nplurals=1; plural=0;"),
                         "is the catalog of 'vi', not of 'es'")):
        response = client.post(f"/spec/{LINCOLN}/translations/es/upload",
                               data={"expected": expected}, files={"catalog": ("es.po", data)})
        assert response.status_code == 422
        assert words in response.text.replace("&#39;", "'")
        assert target.read_bytes() == before
    assert not (target.parent / ".history").exists()


def test_a_catalog_can_be_started_for_a_language_without_one(tmp_path: Path) -> None:
    folder = sample_folder(tmp_path, LINCOLN)
    shutil.rmtree(folder / f"{LINCOLN}.locales")
    client = _client(folder)
    page = client.get(f"/spec/{LINCOLN}/translations").text
    assert "no catalog yet (21 strings to translate)" in page
    response = client.post(f"/spec/{LINCOLN}/translations/vi/start", follow_redirects=False)
    assert response.status_code == 303
    assert (folder / f"{LINCOLN}.locales" / "vi.po").is_file()
    page = client.get(f"/spec/{LINCOLN}/translations").text
    assert "0 of 21 translated, 21 missing" in page
    again = client.post(f"/spec/{LINCOLN}/translations/vi/start")
    assert again.status_code == 422 and "already exists" in again.text
    assert client.post(f"/spec/{LINCOLN}/translations/fr/start").status_code == 404


def test_docgen_s_catalog_is_offered_for_download(lincoln: Path) -> None:
    from docgen.i18n.locales import catalog_path

    response = _client(lincoln).get(f"/spec/{LINCOLN}/translations/zh-Hans/docgen.po")
    assert response.status_code == 200
    assert response.content == catalog_path("zh-Hans").read_bytes()
    assert 'filename="docgen-zh-Hans.po"' in response.headers["content-disposition"]


def test_pdftoppm_is_installed_for_these_tests() -> None:
    assert subprocess.run(["pdftoppm", "-v"], capture_output=True).returncode == 0
