"""docgen serve in a real browser: Debian's chromium driven by Playwright for Python (never
``playwright install``: the browser is ``/usr/bin/chromium``, which .ci/run installs), over a
real uvicorn server on 127.0.0.1, as a coordinator would use it.

Every page visited is scanned by axe-core (tests/axe/, vendored) for the WCAG 2.0 and 2.1 A and
AA rules, with 0 violations. Screenshots are kept in the test's temporary folder
(``screens/``), and also copied to ``$DOCGEN_SCREENSHOTS`` when it is set (that is how
docs/serve.png is made: ``DOCGEN_SCREENSHOTS=docs pytest tests/test_serve_browser.py``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from docgen.serve.app import create_app
from docgen.serve.builds import BuildSettings
from serve_support import TOKEN, TODAY, sample_folder

from playwright import sync_api as playwright_api

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "axe" / "axe.min.js"
AXE_SHA256 = "880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LINCOLN = "lincoln-elementary-bright-futures"
JEFFERSON = "jefferson-elementary-public-library"


# --- the server and the browser -----------------------------------------------------------


@contextlib.contextmanager
def serving(folder: Path, **state: Any) -> Iterator[str]:
    """Run the app over ``folder`` on a free port of 127.0.0.1 in a thread; yield its base
    address; stop it after."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(folder, token=TOKEN, port=port, today=TODAY, **state)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium"
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def screens(tmp_path: Path) -> Path:
    folder = tmp_path / "screens"
    folder.mkdir()
    return folder


def shoot(page: Any, screens: Path, name: str) -> Path:
    """Keep a screenshot of the whole page as ``screens/NAME.png`` (and in
    ``$DOCGEN_SCREENSHOTS``)."""
    path = screens / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    extra = os.environ.get("DOCGEN_SCREENSHOTS")
    if extra:
        shutil.copy(path, Path(extra) / path.name)
    return path


def opened(browser: Any, base: str, path: str = "/") -> Any:
    """A new tab (its own context) that opened the address docgen serve prints, then ``path``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True,
                                  accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/?token={TOKEN}")
    if path != "/":
        page.goto(base + path)
    return page


def axe_violations(page: Any) -> list[str]:
    """The WCAG 2.1 AA violations axe-core finds on ``page``, one line each."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_AA)
    return [f"{v['id']} ({v['impact']}): {v['help']}: "
            + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                        for n in v["nodes"][:5])
            for v in result["violations"]]


def assert_accessible(page: Any) -> None:
    found = axe_violations(page)
    assert found == [], f"{page.url}:\n" + "\n".join(found)


def test_the_vendored_axe_core_is_the_pinned_one() -> None:
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256
    assert AXE.read_text(encoding="utf-8").startswith("/*! axe v4.10.3")


# --- scenarios ----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_build_with_thumbnails_and_a_download(browser: Any, tmp_path: Path,
                                                screens: Path) -> None:
    folder = sample_folder(tmp_path, JEFFERSON)
    with serving(folder, build_settings=BuildSettings(pdf=True, workers=2)) as base:
        page = opened(browser, base, f"/spec/{JEFFERSON}/build")
        assert_accessible(page)
        page.get_by_role("button", name="Build the documents").click()
        page.get_by_text("Building…").wait_for(timeout=30_000)
        shoot(page, screens, "build-progress")
        page.get_by_text("Built: every document is below.").wait_for(timeout=300_000)
        out = folder / "out" / "jefferson-es-library-2026-27"
        images = page.locator(".thumbnails img")
        pdfs = json.loads((out / "manifest.json").read_text())["files"]
        expected_pages = sum(1 for f in pdfs if f.get("format") == "pdf"
                             and f.get("kind") != "packet")
        assert images.count() >= expected_pages  # at least one picture per document
        page.wait_for_function(
            "() => [...document.querySelectorAll('.thumbnails img')].every("
            "i => i.complete && i.naturalWidth > 0)", timeout=60_000)
        widths = page.eval_on_selector_all(".thumbnails img", "els => els.map(e => e.naturalWidth)")
        assert set(widths) == {340}  # Letter pages at 40 dpi
        assert page.get_by_role("img", name="Memorandum of Understanding, page 1 of 3").count() == 1
        shoot(page, screens, "build-done")
        with page.expect_download() as caught:
            page.get_by_role("link", name="Download the Word document of the Memorandum of "
                                          "Understanding").click()
        download = caught.value
        assert download.suggested_filename == "jefferson-es-library-2026-27-mou.docx"
        assert Path(download.path()).read_bytes() == (out / "mou.docx").read_bytes()
        pdf = page.request.get(base + f"/spec/{JEFFERSON}/build/files/packet.pdf")
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.body() == (out / "packet.pdf").read_bytes()
        with page.expect_download() as caught:
            page.get_by_role("link", name="Download everything (zip)").click()
        assert caught.value.suggested_filename == "jefferson-es-library-2026-27.zip"
        assert_accessible(page)
        page.get_by_role("link", name="Where each sentence comes from in the Memorandum of "
                                      "Understanding").click()
        page.get_by_role("heading", name=re.compile("Where each sentence comes from")).wait_for()
        assert page.locator(".explain-pages img").count() == 3
        assert page.get_by_text("$.parties.partner.legal_name").count() >= 1
        shoot(page, screens, "explain")
        assert_accessible(page)


def test_a_renewal_and_its_review(browser: Any, tmp_path: Path, screens: Path) -> None:
    folder = sample_folder(tmp_path, LINCOLN)
    with serving(folder, build_settings=BuildSettings(pdf=False)) as base:
        page = opened(browser, base, f"/spec/{LINCOLN}/review")
        assert_accessible(page)
        assert page.get_by_label("School year of the renewed agreement").input_value() == \
            "2027-2028"
        page.get_by_label("Day of the annual review (optional)").fill("2027-05-14")
        page.get_by_role("button", name="Renew for next year").click()
        page.wait_for_url(re.compile(f"/spec/{LINCOLN}-2027-28/review"))
        assert page.get_by_text("Renewed: this is next year's spec").count() == 1
        assert (folder / f"{LINCOLN}-2027-28.json").is_file()
        first = page.get_by_label("Term start")
        first.check()  # htmx saves the list on each change
        page.get_by_text(re.compile(r"Saved at \d\d:\d\d")).wait_for()
        page.get_by_text("1 of 22 checked.").wait_for()
        page.reload()  # refresh: the tick was saved in the spec, nothing is lost
        assert page.get_by_label("Term start").is_checked()
        data = json.loads((folder / f"{LINCOLN}-2027-28.json").read_text())
        assert data["annual_review"]["reconfirm"][0]["confirmed"] is True
        shoot(page, screens, "review-checklist")
        assert_accessible(page)
        page.get_by_role("button", name="Review the changes").click()
        page.get_by_role("heading", name="For legal review (2)").wait_for(timeout=120_000)
        assert page.get_by_text("School year: 2026-2027 → 2027-2028").count() == 1
        shoot(page, screens, "review-summary")
        assert_accessible(page)
        page.get_by_role("link", name="Read the redline of mou.docx").click()
        page.get_by_role("heading", name=re.compile("Redline of mou.docx")).wait_for()
        deleted = page.locator(".redline del.del").first
        assert deleted.inner_text().endswith("2026‑2027")
        shoot(page, screens, "redline-inline")
        assert_accessible(page)
        page.get_by_role("link", name="Side by side").click()
        page.wait_for_url(re.compile(r"view=side"))
        row = page.locator("table.side-by-side tr", has_text="takes effect on August")
        assert "10, 2026" in row.locator("td").nth(0).inner_text()
        assert "9, 2027" in row.locator("td").nth(1).inner_text()
        shoot(page, screens, "redline-side")
        assert_accessible(page)


def test_a_second_tab_s_conflicting_save_is_shown(browser: Any, tmp_path: Path) -> None:
    folder = sample_folder(tmp_path, LINCOLN)
    from docgen.renew import renew, write_renewal
    from docgen.spec.schema import load_spec

    old = load_spec(str(folder / f"{LINCOLN}.json"))
    new_file = folder / "lincoln-2027-28.json"
    write_renewal(renew(old, "2027-2028", new_file=str(new_file)), new_file,
                  old_file=old.file)
    with serving(folder) as base:
        one = opened(browser, base, "/spec/lincoln-2027-28/review")
        two = opened(browser, base, "/spec/lincoln-2027-28/review")
        one.get_by_label("Term start").check()
        one.get_by_text(re.compile(r"Saved at")).wait_for()
        two.get_by_label("Term end").check()
        two.get_by_text("these ticks were not saved").wait_for()
        assert two.get_by_role("alert").count() >= 1
        # what tab two shows now is the spec as saved by tab one: nothing was lost
        assert two.get_by_label("Term start").is_checked()
        items = json.loads(new_file.read_text())["annual_review"]["reconfirm"]
        assert items[0]["confirmed"] is True and items[1]["confirmed"] is False


def test_keyboard_only_ticks_the_re_confirm_list(browser: Any, tmp_path: Path) -> None:
    folder = sample_folder(tmp_path, LINCOLN)
    from docgen.renew import renew, write_renewal
    from docgen.spec.schema import load_spec

    old = load_spec(str(folder / f"{LINCOLN}.json"))
    new_file = folder / "lincoln-2027-28.json"
    renewal = renew(old, "2027-2028", new_file=str(new_file))
    write_renewal(renewal, new_file, old_file=old.file)
    count = len(renewal.reconfirm)
    with serving(folder) as base:
        page = opened(browser, base, "/spec/lincoln-2027-28/review")
        page.locator("body").focus()
        seen = 0
        for _ in range(200):  # Tab through the page, ticking every box of the list
            page.keyboard.press("Tab")
            focused = page.evaluate("() => [document.activeElement.type, "
                                    "document.activeElement.name]")
            if focused == ["checkbox", "confirmed"]:
                page.keyboard.press("Space")
                seen += 1
                # wait for this tick's save to come back (the count is the server's answer):
                # no request in flight was a race, true before htmx had sent the tick, so a
                # loaded machine had the next ticks queued behind it
                page.locator("#reconfirm-count").get_by_text(
                    f"{seen} of {count} checked.").wait_for()
                if seen == count:
                    break
        page.get_by_text(f"{count} of {count} checked.").wait_for()
        items = json.loads(new_file.read_text())["annual_review"]["reconfirm"]
        assert all(i["confirmed"] for i in items)


def test_a_translation_upload(browser: Any, tmp_path: Path, screens: Path) -> None:
    folder = sample_folder(tmp_path, LINCOLN)
    catalog = folder / f"{LINCOLN}.locales" / "es.po"
    before = catalog.read_bytes()
    good = tmp_path / "es-from-ana.po"
    good.write_bytes(before.replace(b"X-Reviewed: no",
                                    b"X-Reviewed: yes; by=Ana Ruiz; date=2027-05-01"))
    bad = tmp_path / "es-broken.po"
    bad.write_bytes(before.replace(b'msgstr "Programa', b'msgstr "\xe2\x80\xaePrograma', 1))
    with serving(folder) as base:
        page = opened(browser, base, f"/spec/{LINCOLN}/translations")
        assert_accessible(page)
        page.get_by_label("Upload the translator's file for Spanish").set_input_files(str(bad))
        page.get_by_role("button", name="Upload the Spanish catalog").click()
        page.get_by_role("heading", name="The catalog was not taken").wait_for()
        line = before.decode("utf-8").splitlines().index(
            'msgid "Bright Futures After-School Program"') + 1
        assert page.get_by_text(re.compile(rf"es-broken\.po \(uploaded for es\):{line}: "
                                           r"/services/0/name: reordered")).count() == 1
        assert catalog.read_bytes() == before
        shoot(page, screens, "translation-refused")
        assert_accessible(page)
        page.goto(base + f"/spec/{LINCOLN}/translations")
        page.get_by_label("Upload the translator's file for Spanish").set_input_files(str(good))
        page.get_by_role("button", name="Upload the Spanish catalog").click()
        page.get_by_text(re.compile("Uploaded: ")).wait_for()
        assert page.get_by_text(re.compile("reviewed by Ana Ruiz on 2027-05-01")).count() >= 1
        assert b"by=Ana Ruiz" in catalog.read_bytes()
        shoot(page, screens, "translation-taken")
        assert_accessible(page)
        page.get_by_label("Show the notice in").select_option("ar")
        page.get_by_role("button", name="Show", exact=True).click()
        assert page.locator('div[lang="ar"][dir="rtl"] p').count() > 3
        assert_accessible(page)


def test_a_foreign_host_and_a_missing_token_are_refused(browser: Any, tmp_path: Path) -> None:
    folder = sample_folder(tmp_path, LINCOLN)
    before = (folder / f"{LINCOLN}.json").read_bytes()
    with serving(folder, build_settings=BuildSettings(pdf=False)) as base:
        port = base.rsplit(":", 1)[1]
        page = opened(browser, base)
        foreign = page.request.get(base + "/", headers={"Host": f"evil.example:{port}"})
        assert foreign.status == 400
        assert "answers only to http://127.0.0.1 and http://localhost" in foreign.text()
        # a tab that never opened the printed address (another site's page, another user)
        stranger = browser.new_context().new_page()
        response = stranger.goto(base + f"/spec/{LINCOLN}/build")
        assert response is not None and response.status == 403
        assert "carries a key" in stranger.content()
        # a post from a page of this browser without the token (CSRF): cookies go along,
        # the token does not
        posted = page.request.post(base + f"/spec/{LINCOLN}/build", form={"x": "1"})
        assert posted.status == 403
        renewed = page.request.post(base + f"/spec/{LINCOLN}/renew",
                                    form={"school_year": "2027-2028"})
        assert renewed.status == 403
        assert not (folder / "out").exists()
        assert sorted(p.name for p in folder.glob("*.json")) == [f"{LINCOLN}.json"]
        assert (folder / f"{LINCOLN}.json").read_bytes() == before


@pytest.mark.slow
def test_axe_finds_nothing_on_every_page(browser: Any, tmp_path: Path, screens: Path) -> None:
    folder = sample_folder(tmp_path)
    from docgen.renew import renew, write_renewal
    from docgen.review.write import write_review
    from docgen.spec.schema import load_spec

    old = load_spec(str(folder / f"{LINCOLN}.json"))
    new_file = folder / "lincoln-2027-28.json"
    write_renewal(renew(old, "2027-2028", new_file=str(new_file)), new_file,
                  old_file=old.file)
    new = load_spec(str(new_file))
    write_review(old, new, folder / "out" / "review" / new.data["id"], author="docgen",
                 date=dt.datetime(2027, 5, 14, tzinfo=dt.timezone.utc), pdf=False)
    with serving(folder, build_settings=BuildSettings(pdf=False)) as base:
        page = opened(browser, base)
        stems = [s for s in (p.stem for p in sorted(folder.glob("*.json")))]
        paths = ["/", "/start", "/no-such-page"]
        for stem in stems:
            paths += [f"/spec/{stem}/{sub}" for sub in ("edit", "build", "review",
                                                         "translations", "history")]
        paths += ["/spec/lincoln-2027-28/review/redline/redline-mou.docx",
                  "/spec/lincoln-2027-28/review/redline/redline-role-chart.docx?view=side",
                  f"/spec/{LINCOLN}/build/explain/role-chart",
                  f"/spec/{LINCOLN}/build/explain/notice-zh-Hans"]
        found: dict[str, list[str]] = {}
        for path in paths:
            page.goto(base + path)
            violations = axe_violations(page)
            if violations:
                found[path] = violations
        # a built page: documents listed, a notice in Arabic among them
        page.goto(base + f"/spec/{LINCOLN}/build")
        page.get_by_role("button", name="Build the documents").click()
        page.get_by_text("Built: every document is below.").wait_for(timeout=120_000)
        violations = axe_violations(page)
        if violations:
            found["built"] = violations
        shoot(page, screens, "build-docx-only")
        assert found == {}, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in found.items())


# --- on the Edit page and the starter (serve-core's pages) ---------------------------------


def _wait_for_file(path: Path, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while text not in path.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, f"{path} never held {text!r}"
        time.sleep(0.1)


def test_refresh_and_back_in_the_middle_of_editing_lose_nothing(browser: Any, tmp_path: Path,
                                                                 screens: Path) -> None:
    folder = sample_folder(tmp_path, JEFFERSON)
    spec = folder / f"{JEFFERSON}.json"
    with serving(folder) as base:
        page = opened(browser, base, f"/spec/{JEFFERSON}/edit")
        purpose = page.locator("#f-purpose")
        first = "Weekly library visits and a summer reading challenge, typed before a refresh."
        purpose.fill(first)
        page.locator("#save-status").get_by_text(re.compile(r"^Saved at")).wait_for()
        _wait_for_file(spec, first)
        page.reload()
        assert page.locator("#f-purpose").input_value() == first
        second = "Typed, then the page was left at once for the Build page."
        page.locator("#f-purpose").fill(second)
        page.get_by_role("link", name="Build", exact=True).click()  # left before the autosave
        page.wait_for_url(re.compile("/build$"))
        _wait_for_file(spec, second)  # the page's last save, as it was left
        page.go_back()
        page.wait_for_url(re.compile("/edit"))
        assert page.locator("#f-purpose").input_value() == second
        shoot(page, screens, "edit-after-back")
        assert json.loads(spec.read_text())["purpose"] == second


def test_a_second_tab_s_conflicting_edit_is_shown_with_both_versions(browser: Any,
                                                                     tmp_path: Path,
                                                                     screens: Path) -> None:
    folder = sample_folder(tmp_path, JEFFERSON)
    spec = folder / f"{JEFFERSON}.json"
    with serving(folder) as base:
        one = opened(browser, base, f"/spec/{JEFFERSON}/edit")
        two = opened(browser, base, f"/spec/{JEFFERSON}/edit")
        one.locator("#f-purpose").fill("Tab one's purpose.")
        one.locator("#save-status").get_by_text(re.compile(r"^Saved at")).wait_for()
        _wait_for_file(spec, "Tab one's purpose.")
        two.locator("#f-purpose").fill("Tab two's purpose.")
        box = two.locator("#conflict-box")
        box.wait_for()
        assert "This spec changed since you opened this page" in box.inner_text()
        table = box.locator("table").inner_text()
        assert "Tab two's purpose." in table and "Tab one's purpose." in table
        assert "Not saved" in two.locator("#save-status").inner_text()
        assert json.loads(spec.read_text())["purpose"] == "Tab one's purpose."
        shoot(two, screens, "edit-conflict")
        assert_accessible(two)


def test_keyboard_only_completes_the_starter(browser: Any, tmp_path: Path) -> None:
    folder = tmp_path / "specs"
    folder.mkdir()
    with serving(folder) as base:
        page = opened(browser, base, "/start")
        page.locator("body").focus()
        typed: set[str] = set()
        for _ in range(120):
            page.keyboard.press("Tab")
            element = page.evaluate("() => ({id: document.activeElement.id, name: "
                                    "document.activeElement.name, tag: "
                                    "document.activeElement.tagName, text: "
                                    "document.activeElement.textContent})")
            if element["id"] == "school" and "school" not in typed:
                page.keyboard.type("Hoover Elementary School")
                typed.add("school")
            elif element["id"] == "partner" and "partner" not in typed:
                page.keyboard.type("Eastside Arts Collective")
                typed.add("partner")
            elif element["name"] == "partner_type" and "type" not in typed:
                page.keyboard.press("Space")
                typed.add("type")
            elif element["name"] == "shares" and "shares" not in typed:
                page.keyboard.press("Space")  # Yes …
                page.keyboard.press("ArrowDown")  # … then No, as a keyboard user would
                typed.add("shares")
            elif element["tag"] == "BUTTON" and "Start the partnership" in element["text"]:
                assert typed == {"school", "partner", "type", "shares"}
                page.keyboard.press("Enter")
                break
        page.wait_for_url(re.compile(r"/spec/hoover-elementary-school-eastside-arts-"
                                     r"collective-2027-28/edit"))
        data = json.loads(next(folder.glob("*.json")).read_text())
        assert data["parties"]["school"]["legal_name"] == "Hoover Elementary School"
        assert data["data_sharing"] == {"shares_student_data": False}


def test_the_starter_s_mistakes_are_named_and_fixed_on_the_way(browser: Any, tmp_path: Path,
                                                               screens: Path) -> None:
    folder = tmp_path / "specs"
    folder.mkdir()
    with serving(folder) as base:
        page = opened(browser, base, "/start")
        assert_accessible(page)
        page.get_by_label("The partner's full legal name").fill("Eastside Arts Collective")
        page.get_by_label("School year").fill("2027")
        page.get_by_role("button", name="Start the partnership").click()
        summary = page.get_by_role("alert")
        summary.wait_for()
        words = summary.inner_text()
        assert "Enter the school's full legal name" in words
        assert "Enter the school year as two years, e.g. 2027-2028" in words
        shoot(page, screens, "start-mistakes")
        assert_accessible(page)
        assert list(folder.glob("*.json")) == []  # nothing written while it has mistakes
        page.get_by_label("The school's full legal name").fill("Hoover Elementary School")
        page.get_by_label("School year").fill("2027-2028")
        page.locator("#partner_type-first").check()
        page.locator("#shares-first").check()
        page.locator("#basis-first").check()
        page.get_by_role("button", name="Start the partnership").click()
        page.wait_for_url(re.compile(r"/edit"))
        stem = page.url.split("/spec/")[1].split("/")[0]
        spec = folder / f"{stem}.json"
        data = json.loads(spec.read_text())
        assert data["school_year"] == "2027-2028"
        assert data["data_sharing"]["shares_student_data"] is True
        # the Edit page names what the spec still lacks, each problem a link to its field
        summary = page.locator("#error-summary-box")
        heading = summary.get_by_role("heading").inner_text()
        count = int(re.search(r"There are (\d+) problems", heading).group(1))  # type: ignore[union-attr]
        assert summary.get_by_role("link", name="Contacts is missing").count() == 1
        shoot(page, screens, "edit-from-starter")
        assert_accessible(page)
        summary.get_by_role("link", name="Purpose is missing", exact=True).click()
        assert page.evaluate("() => document.activeElement.id") == "f-purpose"
        page.keyboard.type("Art classes after school for every grade, taught by local artists.")
        page.get_by_role("heading", name=f"There are {count - 1} problems to fix before this "
                                         "spec can be built").wait_for()
        assert page.locator("#error-summary-box").get_by_role(
            "link", name="Purpose is missing", exact=True).count() == 0
        assert json.loads(spec.read_text())["purpose"].startswith("Art classes after school")
