"""docgen serve's Edit page in a real browser (Debian's chromium via Playwright, as in
tests/test_serve_browser.py), for the defects a coordinator found: a date typed as 9/1/2027,
a new item all red before anything was typed, choices in words. Every page is scanned by
axe-core with 0 violations, and screenshots are kept (``screens/``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from serve_support import sample_folder
from test_serve_browser import (  # noqa: F401 (browser and screens are fixtures)
    JEFFERSON, LINCOLN, assert_accessible, browser, opened, screens, serving, shoot)


def _saved(page: Any) -> None:
    page.locator("#save-status").get_by_text(re.compile(r"^Saved at")).wait_for()


def test_a_date_typed_as_a_person_writes_it_is_saved_as_meant(browser: Any, tmp_path: Path,
                                                               screens: Path) -> None:
    folder = sample_folder(tmp_path, JEFFERSON)
    spec = folder / f"{JEFFERSON}.json"
    with serving(folder) as base:
        page = opened(browser, base, f"/spec/{JEFFERSON}/edit")
        end = page.locator("#f-term\\.end")
        end.click()
        end.press("Control+A")
        end.press_sequentially("9/1/2027")  # key by key, as a person types it
        end.press("Tab")
        slot = page.locator("#err-f-term\\.end")
        slot.get_by_text("Saved as 2027-09-01 (read as month/day/year: September 1).").wait_for()
        assert json.loads(spec.read_text())["term"]["end"] == "2027-09-01"
        end.click()
        end.press("Control+A")
        end.press_sequentially("0027-09-12")
        end.press("Tab")
        refusal = "0027-09-12 is in the year 27: a date here is between 1900 and 2200."
        slot.get_by_text(refusal, exact=False).wait_for()
        page.locator("#error-summary").get_by_text(refusal, exact=False).wait_for()
        assert json.loads(spec.read_text())["term"]["end"] == "2027-09-01"
        assert end.input_value() == "0027-09-12"  # what was typed stays to be put right
        end.scroll_into_view_if_needed()
        shoot(page, screens, "edit-date-refused")
        assert_accessible(page)


def test_a_new_contact_is_not_red_until_it_is_typed_in(browser: Any, tmp_path: Path,
                                                       screens: Path) -> None:
    folder = sample_folder(tmp_path, JEFFERSON)
    n = len(json.loads((folder / f"{JEFFERSON}.json").read_text())["contacts"])
    with serving(folder) as base:
        page = opened(browser, base, f"/spec/{JEFFERSON}/edit")
        page.get_by_role("button", name="Add another contact").click()
        page.wait_for_url(re.compile(f"#f-contacts.{n}$"))
        item = page.locator(f"#i-f-contacts\\.{n}")
        item.wait_for()
        assert item.locator(".error-message").count() == 0
        assert page.locator("#error-summary").locator(f'a[href^="#f-contacts.{n}"]').count() > 0
        shoot(page, screens, "edit-new-contact")
        assert_accessible(page)
        page.locator(f"#f-contacts\\.{n}\\.name").fill("Ana Ruiz")
        _saved(page)
        item.locator(".error-message").first.wait_for()  # touched: what it lacks is said


def test_choices_and_references_read_as_words(browser: Any, tmp_path: Path,
                                              screens: Path) -> None:
    folder = sample_folder(tmp_path, LINCOLN)
    with serving(folder) as base:
        page = opened(browser, base, f"/spec/{LINCOLN}/edit")
        holder = page.locator("#f-roles\\.0\\.holder")
        assert holder.locator("option:checked").inner_text() == "Dr. Elena Ruiz, Principal (ruiz)"
        holder.select_option("chen")
        _saved(page)
        data = json.loads((folder / f"{LINCOLN}.json").read_text())
        assert data["roles"][0]["holder"] == "chen"
        page.locator("#s-raci").scroll_into_view_if_needed()
        shoot(page, screens, "edit-choices")
        assert_accessible(page)


def test_no_page_scrolls_sideways_in_a_window_320_pixels_wide(browser: Any, tmp_path: Path,
                                                              screens: Path) -> None:
    folder = sample_folder(tmp_path, LINCOLN)
    with serving(folder) as base:
        page = opened(browser, base)
        page.set_viewport_size({"width": 320, "height": 800})
        wide = {}
        for path in ("/", "/start", f"/spec/{LINCOLN}/edit", f"/spec/{LINCOLN}/build",
                     f"/spec/{LINCOLN}/review", f"/spec/{LINCOLN}/translations",
                     f"/spec/{LINCOLN}/history"):
            page.goto(base + path)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > 320:
                wide[path] = width
        assert wide == {}
        page.goto(f"{base}/spec/{LINCOLN}/edit#s-raci")
        shoot(page, screens, "edit-320")


def test_on_a_phone_a_keyboard_user_can_skip_the_outline(browser: Any, tmp_path: Path,
                                                         screens: Path) -> None:
    folder = sample_folder(tmp_path, JEFFERSON)
    with serving(folder) as base:
        page = opened(browser, base, f"/spec/{JEFFERSON}/edit")
        page.set_viewport_size({"width": 320, "height": 800})
        page.locator("body").focus()
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.className") == "skip-outline":
                break
        skip = page.get_by_role("link", name="Skip the list of sections, to the form")
        assert skip.evaluate("el => el === document.activeElement")
        assert skip.bounding_box()["width"] > 100  # shown once it has the focus
        shoot(page, screens, "edit-skip-outline")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.getElementById('edit-form')"
                             ".contains(document.activeElement)")
