"""docgen serve end to end, in Debian's chromium (Playwright with ``executable_path``; never
``playwright install``), as a coordinator who has never seen JSON would use it: a new
partnership from the starter, every required section filled through the Edit page's form
controls and add buttons only, mistakes made and put right on the way, until Home says the
spec is valid; then the packet built, the partnership renewed for next year and its review
read. And one section completed with the keyboard only.

The saved file is checked with ``docgen validate``'s own code (:func:`check_spec`) and holds
what was typed. Screenshots are kept in the test's temporary folder (``screens/``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from docgen.serve.builds import BuildSettings
from test_serve_browser import assert_accessible, browser, opened, screens, serving, shoot

__all__ = ["browser", "screens"]  # fixtures, used by name

STEM = "hoover-elementary-school-eastside-arts-collective-2027-28"


# --- what a person does on the Edit page --------------------------------------------------


def control(page: Any, *path: Any) -> Any:
    """The form control of the spec's field at ``path`` (the page's id for it)."""
    from docgen.serve.forms import html_id
    return page.locator(f'[id="{html_id(tuple(path))}"]')


def wait_saved(page: Any, revision: str) -> str:
    """Wait until the autosave of what was typed has come back; return the new revision."""
    page.wait_for_function(
        "(r) => document.getElementById('revision').value !== r"
        " && !document.querySelector('.htmx-request')", arg=revision, timeout=30_000)
    return str(page.locator("#revision").input_value())


def type_in(page: Any, values: list[tuple[tuple[Any, ...], str]]) -> None:
    """Fill text boxes, date boxes and choices, as typed, then leave the last one (the
    autosave runs on change) and wait for the save."""
    revision = page.locator("#revision").input_value()
    for path, value in values:
        box = control(page, *path)
        if box.evaluate("e => e.tagName") == "SELECT":
            box.select_option(value)
        elif box.get_attribute("type") == "radio":
            page.locator(f'[name="f.{"/".join(str(p) for p in path)}"][value="{value}"]').check()
        else:
            box.fill(value)
    page.keyboard.press("Tab")
    wait_saved(page, revision)


def press(page: Any, name: str, *, within: Any = None) -> None:
    """Press an add (or remove) button by its words and wait for the page it brings."""
    where = within if within is not None else page
    with page.expect_navigation():
        where.get_by_role("button", name=name, exact=True).click()


def summary_lines(page: Any) -> list[str]:
    box = page.locator("#error-summary-box")
    if box.count() == 0:
        return []
    return [t.strip() for t in box.locator("li").all_inner_texts()]


def field_message(page: Any, *path: Any) -> str:
    from docgen.serve.forms import html_id
    return str(page.locator(f'[id="err-{html_id(tuple(path))}"]').inner_text()).strip()


# --- the scenario -------------------------------------------------------------------------


def fill_from_the_starter(page: Any) -> None:
    page.get_by_role("link", name="Start a new partnership").click()
    page.get_by_label("The school's full legal name").fill("Hoover Elementary School")
    page.get_by_label("The partner's full legal name").fill("Eastside Arts Collective")
    page.get_by_label("A nonprofit organisation").check()
    page.locator("#shares-first").check()  # yes, student data is shared
    page.get_by_label("Families give written consent", exact=False).check()
    page.locator("#languages-es").check()
    page.get_by_role("button", name="Start the partnership").click()
    page.wait_for_url(re.compile(f"/spec/{STEM}/edit"))


@pytest.mark.slow  # the build runs LibreOffice
def test_a_new_partnership_from_the_starter_to_a_built_renewed_and_reviewed_spec(
        browser: Any, tmp_path: Path, screens: Path) -> None:
    from docgen.resources import Resources
    from docgen.spec.schema import check_spec, load_spec

    folder = tmp_path / "specs"
    folder.mkdir()
    spec = folder / f"{STEM}.json"
    with serving(folder, build_settings=BuildSettings(pdf=True, workers=2)) as base:
        page = opened(browser, base)
        assert page.get_by_text("There is no spec in this folder yet.").count() == 1
        fill_from_the_starter(page)
        lines = summary_lines(page)
        assert "Term is missing" in lines and "Contacts is missing" in lines
        assert "Data sharing › Consent › Signature is missing" in lines
        shoot(page, screens, "e2e-1-from-starter")

        # the two addresses: a section the spec does not have yet comes with its button
        press(page, "Add address", within=page.locator('[id="f-parties.school.address"]'))
        type_in(page, [(("parties", "school", "address", "street"), "1 Hoover Way"),
                       (("parties", "school", "address", "city"), "Oakland"),
                       (("parties", "school", "address", "region"), "CA"),
                       (("parties", "school", "address", "postal_code"), "94601")])
        press(page, "Add address", within=page.locator('[id="f-parties.partner.address"]'))
        type_in(page, [(("parties", "partner", "address", "street"), "77 Arts Row"),
                       (("parties", "partner", "address", "city"), "Oakland"),
                       (("parties", "partner", "address", "region"), "CA"),
                       (("parties", "partner", "address", "postal_code"), "94612")])
        type_in(page, [(("purpose",), "Art classes after school for every grade.")])

        # mistake 1: the term ends before it starts; said in the summary and beside the field
        press(page, "Add term")
        type_in(page, [(("term", "start"), "2027-08-15"), (("term", "end"), "2027-08-01")])
        words = "the term ends (2027-08-01) on or before it starts (2027-08-15)"
        assert f"Term › End date: {words}" in summary_lines(page)
        assert field_message(page, "term", "end") == f"Error:\n{words}"
        shoot(page, screens, "e2e-2-term-mistake")
        type_in(page, [(("term", "end"), "2028-06-10")])
        assert not any(line.startswith("Term") for line in summary_lines(page))
        assert field_message(page, "term", "end") == ""

        press(page, "Add a service")
        type_in(page, [(("services", 0, "name"), "After-school art"),
                       (("services", 0, "description"), "Painting and clay, twice a week."),
                       (("services", 0, "location"), "Room 12")])
        press(page, "Add population served")
        type_in(page, [(("services", 0, "population", "description"), "Grades 1 to 5")])
        press(page, "Add schedule")
        press(page, "Add a day")
        type_in(page, [(("services", 0, "schedule", "days", 0), "tuesday")])
        press(page, "Add another day")
        type_in(page, [(("services", 0, "schedule", "days", 1), "thursday")])

        # roles come with an id to refer to them by; the RACI grid has a column per role
        press(page, "Add a role")
        type_in(page, [(("roles", 0, "title"), "Principal"), (("roles", 0, "party"), "school")])
        press(page, "Add another role")
        type_in(page, [(("roles", 1, "title"), "Lead Teaching Artist"),
                       (("roles", 1, "party"), "partner")])
        press(page, "Add an activity")
        grid = page.locator("table.raci")
        assert grid.locator("thead th").all_inner_texts() == [
            "Activity", "Principal", "Lead Teaching Artist", "One A?"]
        type_in(page, [(("raci", 0, "activity"), "Run the art classes"),
                       (("raci", 0, "assignments", "role_1"), "A"),
                       (("raci", 0, "assignments", "role_2"), "R")])
        assert grid.locator("[data-a-count]").inner_text() == "one A"

        # mistake 2: an e-mail address without @
        press(page, "Add a contact")
        type_in(page, [(("contacts", 0, "name"), "Dana Park"),
                       (("contacts", 0, "party"), "school"),
                       (("contacts", 0, "email"), "dana.park.hoover.example.org")])
        words = '"dana.park.hoover.example.org" is not an e-mail address'
        assert f"Contacts › Contact 1 › E-mail: {words}" in summary_lines(page)
        assert field_message(page, "contacts", 0, "email") == f"Error:\n{words}"
        shoot(page, screens, "e2e-3-email-mistake")
        type_in(page, [(("contacts", 0, "email"), "dana.park@hoover.example.org")])
        assert field_message(page, "contacts", 0, "email") == ""

        # mistake 3: a signatory's title left out; its summary line leads to the field
        press(page, "Add a signatory")
        type_in(page, [(("signatures", 0, "party"), "school"),
                       (("signatures", 0, "name"), "Dana Park"),
                       (("signatures", 0, "title"), "Principal")])
        press(page, "Add another signatory")
        type_in(page, [(("signatures", 1, "party"), "partner"),
                       (("signatures", 1, "name"), "Sam Ortiz")])
        assert "Signatures › Signatory 2 › Title is missing" in summary_lines(page)
        page.locator("#error-summary-box").get_by_role(
            "link", name="Signatures › Signatory 2 › Title is missing").click()
        assert page.evaluate("() => document.activeElement.id") == "f-signatures.1.title"
        revision = page.locator("#revision").input_value()
        page.keyboard.type("Executive Director")
        page.keyboard.press("Tab")
        wait_saved(page, revision)

        # data sharing: what the consent basis brought, in place
        type_in(page, [(("data_sharing", "purpose"), "to place students in art classes")])
        press(page, "Add a data element")
        type_in(page, [(("data_sharing", "data_elements", 0, "name"), "Grade level"),
                       (("data_sharing", "data_elements", 0, "purpose"),
                        "to put each student in a class of their grade")])
        type_in(page, [(("data_sharing", "consent", "collected_by"), "the school office"),
                       (("data_sharing", "consent", "signature"), "paper")])
        assert page.locator("#error-summary-box").count() == 0
        assert page.locator("#save-status").get_by_text(
            "No problems: the spec is valid").count() == 1
        shoot(page, screens, "e2e-4-valid")
        assert_accessible(page)

        # the file is what was typed, and docgen validate's own checks find nothing
        data = json.loads(spec.read_text(encoding="utf-8"))
        assert check_spec(load_spec(str(spec)), Resources.shipped()) == []
        assert data["parties"]["partner"]["address"]["street"] == "77 Arts Row"
        assert data["term"] == {"start": "2027-08-15", "end": "2028-06-10"}
        assert data["services"][0]["schedule"] == {"days": ["tuesday", "thursday"]}
        assert [(r["id"], r["title"]) for r in data["roles"]] == [
            ("role_1", "Principal"), ("role_2", "Lead Teaching Artist")]
        assert data["raci"] == [{"activity": "Run the art classes",
                                 "assignments": {"role_1": "A", "role_2": "R"}}]
        assert data["contacts"][0]["email"] == "dana.park@hoover.example.org"
        assert data["signatures"][1] == {"party": "partner", "name": "Sam Ortiz",
                                         "title": "Executive Director"}
        assert data["data_sharing"]["consent"] == {"collected_by": "the school office",
                                                   "signature": "paper"}

        page.get_by_role("link", name="Home", exact=True).click()
        row = page.locator("table.specs tr", has_text=f"{STEM}.json")
        assert row.locator("ul.state li").first.inner_text() == "valid"
        shoot(page, screens, "e2e-5-home-valid")

        # build: thumbnails of every page, a download
        row.get_by_role("link", name=re.compile("^Build")).click()
        page.get_by_role("button", name="Build the documents").click()
        page.get_by_text("Built: every document is below.").wait_for(timeout=300_000)
        page.wait_for_function(
            "() => document.querySelectorAll('.thumbnails img').length > 0 && "
            "[...document.querySelectorAll('.thumbnails img')].every("
            "i => i.complete && i.naturalWidth > 0)", timeout=60_000)
        shoot(page, screens, "e2e-6-built")
        out = folder / "out" / STEM
        with page.expect_download() as caught:
            page.get_by_role("link", name="Download the Word document of the Memorandum of "
                                          "Understanding").click()
        assert Path(caught.value.path()).read_bytes() == (out / "mou.docx").read_bytes()
        assert_accessible(page)

        # renew for next year, then read the review
        page.get_by_role("link", name="Review", exact=True).click()
        assert page.get_by_label("School year of the renewed agreement").input_value() == \
            "2028-2029"
        page.get_by_role("button", name="Renew for next year").click()
        page.wait_for_url(re.compile(r"/review"))
        assert page.get_by_text("Renewed: this is next year's spec").count() == 1
        renewed = "hoover-elementary-school-eastside-arts-collective-2028-29"
        page.wait_for_url(re.compile(f"/spec/{renewed}/review"))
        assert json.loads((folder / f"{renewed}.json").read_text())["school_year"] == \
            "2028-2029"
        assert spec.read_text(encoding="utf-8") == json.dumps(data, indent=2,
                                                              ensure_ascii=False) + "\n"
        page.get_by_role("button", name="Review the changes").click()
        page.get_by_role("heading", name="What changed").wait_for(timeout=120_000)
        for words in ("School year: 2027-2028 → 2028-2029",
                      "Term › End date: June 10, 2028 → June 9, 2029"):
            assert page.get_by_text(words, exact=True).count() == 1
        shoot(page, screens, "e2e-7-review")
        assert_accessible(page)
        page.get_by_role("link", name="Read the redline of mou.docx").click()
        page.get_by_role("heading", name=re.compile("Redline of mou.docx")).wait_for()
        assert page.locator(".redline del").count() >= 1
        assert page.locator(".redline ins").count() >= 1
        assert "2028‑2029" in " ".join(page.locator(".redline ins").all_inner_texts())
        shoot(page, screens, "e2e-8-redline")
        assert_accessible(page)


# --- keyboard only ------------------------------------------------------------------------


def focused(page: Any) -> dict[str, Any]:
    """What has the focus: its id, tag, name, words and place on the page."""
    return dict(page.evaluate(
        "() => { const e = document.activeElement; const r = e.getBoundingClientRect();"
        " return {id: e.id, tag: e.tagName, name: e.name || '', text: (e.textContent || '')"
        ".trim(), top: r.top + window.scrollY, left: r.left + window.scrollX}; }"))


def wait_focus(page: Any, element_id: str) -> None:
    """Wait until the element ``element_id`` has the focus (the page's script gives it)."""
    page.wait_for_function("(id) => document.activeElement && document.activeElement.id === id",
                           arg=element_id, timeout=10_000)


def tab_to(page: Any, wanted: Any, *, limit: int = 300) -> dict[str, Any]:
    """Press Tab until ``wanted(focused)`` holds; return what has the focus then."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = focused(page)
        if wanted(here):
            return here
    raise AssertionError("Tab never reached the element wanted")


def test_keyboard_only_completes_the_contacts_section(browser: Any, tmp_path: Path,
                                                      screens: Path) -> None:
    from test_serve_browser import JEFFERSON
    from serve_support import sample_folder

    folder = sample_folder(tmp_path, JEFFERSON)
    spec = folder / f"{JEFFERSON}.json"
    data = json.loads(spec.read_text(encoding="utf-8"))
    del data["contacts"]
    spec.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    with serving(folder) as base:
        page = opened(browser, base, f"/spec/{JEFFERSON}/edit")
        page.locator("body").focus()
        # the error summary's link leads to the section, whose add button comes next
        tab_to(page, lambda e: e["tag"] == "A" and e["text"] == "Contacts is missing")
        with page.expect_navigation():
            page.keyboard.press("Enter")
            wait_focus(page, "f-contacts")
            page.keyboard.press("Tab")
            assert focused(page)["text"] == "Add a contact"
            page.keyboard.press("Enter")
        wait_focus(page, "f-contacts.0")  # the new item has the focus
        stops = []
        page.keyboard.press("Tab")
        stops.append(focused(page))
        assert stops[-1]["id"] == "f-contacts.0.id"
        assert page.locator('[id="f-contacts.0.id"]').input_value() == "contact_1"
        page.keyboard.press("Tab")
        stops.append(focused(page))
        page.keyboard.type("Jordan Lee")
        page.keyboard.press("Tab")
        stops.append(focused(page))
        page.keyboard.type("Principal")
        page.keyboard.press("Tab")
        stops.append(focused(page))
        assert stops[-1]["id"] == "f-contacts.0.party"
        page.keyboard.press("ArrowDown")  # the first choice: school
        page.keyboard.press("Tab")
        stops.append(focused(page))
        assert stops[-1]["id"] == "f-contacts.0.email"
        page.keyboard.type("jordan.lee.jefferson.example.org")
        # Enter in a field saves and checks the page; the error summary takes the focus
        with page.expect_navigation():
            page.keyboard.press("Enter")
        wait_focus(page, "error-summary-box")
        shoot(page, screens, "keyboard-summary-focus")
        here = tab_to(page, lambda e: e["tag"] == "A", limit=3)
        assert here["text"] == ('Contacts › Contact 1 › E-mail: "jordan.lee.jefferson.example.'
                                'org" is not an e-mail address')
        page.keyboard.press("Enter")
        wait_focus(page, "f-contacts.0.email")
        page.keyboard.press("Control+A")
        page.keyboard.type("jordan.lee@jefferson.example.org")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("#error-summary-box").count() == 0
        assert page.locator("#save-status").get_by_text(
            "No problems: the spec is valid").count() == 1
        # focus went down the page in reading order: the id, name, job title, party, e-mail
        ids = [s["id"] for s in stops]
        assert ids == ["f-contacts.0.id", "f-contacts.0.name", "f-contacts.0.title",
                       "f-contacts.0.party", "f-contacts.0.email"]
        tops = [s["top"] for s in stops]
        assert tops == sorted(tops)
        saved = json.loads(spec.read_text(encoding="utf-8"))["contacts"]
        assert saved == [{"id": "contact_1", "name": "Jordan Lee", "title": "Principal",
                          "party": "school", "email": "jordan.lee@jefferson.example.org"}]
        assert_accessible(page)
