"""docgen serve's Edit and Start pages through Starlette's TestClient: autosave, the same
validation as docgen validate, conflicts, structural actions, a file that is not JSON, the
starter and the copy."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from docgen.cli import cli
from docgen.serve.forms import html_id

from serve_support import ROOT, page_form, sample_folder, serve_client

JEFF = "jefferson-elementary-public-library"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return sample_folder(tmp_path, JEFF, "lincoln-elementary-bright-futures")



def validate_lines(path: Path) -> list[str]:
    result = CliRunner().invoke(cli, ["validate", str(path)])
    return [line.split(": ", 2)[-1] for line in result.stderr.splitlines()
            if not line.startswith("notice")]


def _unlabelled(page: str) -> list[str]:
    """The form controls of ``page`` that have no label: neither a <label for> nor a
    <label> around them."""
    bare = re.sub(r"<label[^>]*>.*?</label>", "", page, flags=re.S)  # wrapped ones
    controls = re.findall(r'<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*'
                          r'\bid="([^"]+)"', bare)
    labelled = set(re.findall(r'<label[^>]* for="([^"]+)"', page))
    return [c for c in controls if c not in labelled]


@pytest.mark.parametrize("sample", sorted(p.stem for p in (ROOT / "samples").glob("*.json")))
def test_every_control_of_every_page_has_a_label(tmp_path: Path, sample: str) -> None:
    client = serve_client(sample_folder(tmp_path, sample))
    page = client.get(f"/spec/{sample}/edit").text
    assert page.count("<select") > 10 and _unlabelled(page) == []
    assert _unlabelled(client.get("/start").text) == []
    assert _unlabelled(client.post("/start", data={}).text) == []


def test_the_edit_page_says_when_it_was_saved_and_whether_it_is_valid(folder: Path) -> None:
    page = serve_client(folder).get(f"/spec/{JEFF}/edit").text
    assert 'id="f-term.end"' in page and 'class="date"' in page
    assert "Last saved at" in page and "No problems: the spec is valid" in page


def test_an_autosave_writes_the_file_keeps_the_old_one_and_says_saved_at(folder: Path
                                                                         ) -> None:
    form = page_form(folder, JEFF)
    before = (folder / f"{JEFF}.json").read_text(encoding="utf-8")
    form["f.term/end"] = "2027-06-12"
    response = serve_client(folder).post(f"/spec/{JEFF}/save", data=form)
    assert response.status_code == 200
    assert json.loads((folder / f"{JEFF}.json").read_text(encoding="utf-8"))["term"] == {
        "start": "2026-09-01", "end": "2027-06-12"}
    assert re.search(r'<span class="saved">Saved at \d\d:\d\d [A-Z]{2,5}</span>', response.text)
    assert 'hx-swap-oob="true"' in response.text
    history = list((folder / ".docgen-history" / JEFF).iterdir())
    assert [h.read_text(encoding="utf-8") for h in history] == [before]


def test_a_save_that_changes_nothing_keeps_the_file_as_it_was(folder: Path) -> None:
    form = page_form(folder, JEFF)
    before = (folder / f"{JEFF}.json").read_bytes()
    response = serve_client(folder).post(f"/spec/{JEFF}/save", data=form)
    assert response.status_code == 200
    assert (folder / f"{JEFF}.json").read_bytes() == before  # its own formatting kept
    assert not (folder / ".docgen-history").exists()


def test_validation_is_docgen_validates_own(folder: Path) -> None:
    form = page_form(folder, JEFF)
    form["f.school_year"] = "2026/27"
    form["f.term/end"] = "2026-01-01"
    response = serve_client(folder).post(f"/spec/{JEFF}/save", data=form)
    expected = validate_lines(folder / f"{JEFF}.json")
    assert len(expected) >= 2
    text = html.unescape(response.text)
    for message in expected:
        assert message in text
    assert f'href="#{html_id(("school_year",))}"' in response.text
    slot = re.search(r'<div class="error-slot" id="err-f-school_year"[^>]*>(.*?)</div>',
                     text, re.S)
    assert slot is not None and "write the school year as YYYY-YYYY" in slot[1]


def test_a_save_from_a_stale_page_is_refused_and_shows_both_versions(folder: Path) -> None:
    first = page_form(folder, JEFF)
    second = dict(first)
    client = serve_client(folder)
    first["f.purpose"] = "What the first tab says."
    assert client.post(f"/spec/{JEFF}/save", data=first).status_code == 200
    second["f.purpose"] = "What the second tab says."
    refused = client.post(f"/spec/{JEFF}/save", data=second)
    assert "This spec changed since you opened this page" in refused.text
    assert "What the first tab says." in refused.text
    assert "What the second tab says." in refused.text
    assert json.loads((folder / f"{JEFF}.json").read_text(encoding="utf-8"))["purpose"] == (
        "What the first tab says.")
    kept = [p for p in (folder / ".docgen-history" / JEFF).iterdir()
            if p.name.endswith("-unsaved.json")]
    assert len(kept) == 1
    assert json.loads(kept[0].read_text(encoding="utf-8"))["purpose"] == (
        "What the second tab says.")
    theirs = re.search(r'name="theirs_revision" value="([0-9a-f]+)"', refused.text)
    assert theirs is not None
    mine = client.post(f"/spec/{JEFF}/edit", data={**second, "action": "keep-mine",
                                                   "theirs_revision": theirs[1]},
                       follow_redirects=False)
    assert mine.status_code == 303
    assert json.loads((folder / f"{JEFF}.json").read_text(encoding="utf-8"))["purpose"] == (
        "What the second tab says.")
    # the first tab's version, replaced by choice seconds after it was saved, is kept
    kept = [json.loads(p.read_text(encoding="utf-8")).get("purpose")
            for p in (folder / ".docgen-history" / JEFF).iterdir()]
    assert "What the first tab says." in kept


def test_a_plain_form_save_without_javascript_works_and_a_stale_one_is_409(folder: Path
                                                                           ) -> None:
    form = page_form(folder, JEFF)
    client = serve_client(folder, header=False)
    form["_token"] = "test-token-0123456789"
    form["f.purpose"] = "Saved from a plain form."
    done = client.post(f"/spec/{JEFF}/edit", data={**form, "action": "save"},
                       follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"/spec/{JEFF}/edit?checked=1")
    stale = client.post(f"/spec/{JEFF}/edit", data={**form, "f.purpose": "Later.",
                                                    "action": "save"})
    assert stale.status_code == 409
    assert "Later." in stale.text  # what was typed is still in the form


@pytest.mark.parametrize("action,check", [
    ("add:roles", lambda d: len(d["roles"]) == 3 and d["roles"][-1] == {"id": "role_3"}),
    ("dup:roles/0", lambda d: [r["id"] for r in d["roles"]] == ["principal", "principal_2",
                                                                "librarian"]),
    ("down:roles/0", lambda d: [r["id"] for r in d["roles"]] == ["librarian", "principal"]),
    ("del:roles/1", lambda d: len(d["roles"]) == 1),
    ("add:dispute_resolution", lambda d: d["dispute_resolution"] == {}),
])
def test_buttons_add_duplicate_move_and_remove(folder: Path, action: str, check: Any) -> None:
    form = page_form(folder, JEFF)
    form["f.purpose"] = "Typed before the button."
    response = serve_client(folder).post(f"/spec/{JEFF}/edit", data={**form,
                                                                     "action": action},
                                         headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith(f"/spec/{JEFF}/edit?checked=1")
    data = json.loads((folder / f"{JEFF}.json").read_text(encoding="utf-8"))
    assert check(data)
    assert data["purpose"] == "Typed before the button."  # nothing typed is lost


def test_choosing_a_legal_basis_brings_its_part_in_place(folder: Path) -> None:
    form = page_form(folder, JEFF)
    form["p.data_sharing"] = "1"
    form["f.data_sharing/shares_student_data"] = "true"
    form["f.data_sharing/legal_basis"] = "consent"
    response = serve_client(folder).post(f"/spec/{JEFF}/save", data=form)
    data = json.loads((folder / f"{JEFF}.json").read_text(encoding="utf-8"))
    assert data["data_sharing"]["consent"] == {}
    # the consent part comes in place, with its fields
    assert re.search(r'<fieldset class="group[^"]*" id="f-data_sharing.consent"[^>]*'
                     r'hx-swap-oob="true"', response.text)
    assert 'id="f-data_sharing.consent.signature"' in response.text
    assert "Data sharing › Consent › Signature is missing" in response.text


def test_a_file_that_is_not_json_opens_as_text_and_is_put_right(folder: Path) -> None:
    (folder / "broken.json").write_text('{"id": "x",\n "school_year": "2026-2027"\n "a": 1}',
                                        encoding="utf-8")
    client = serve_client(folder)
    page = html.unescape(client.get("/spec/broken/edit").text)
    assert "not a spec docgen can read yet" in page
    assert ("Line 2, column 28: malformed JSON: a comma (,) is missing at the end of this "
            "line") in page
    revision = re.search(r'name="revision" value="([0-9a-f]+)"', page)
    assert revision is not None
    fixed = client.post("/spec/broken/edit-text", data={
        "text": '{"id": "x", "school_year": "2026-2027"}', "revision": revision[1]})
    assert fixed.status_code == 200 and 'id="edit-form"' in fixed.text


def test_the_starter_asks_what_decides_the_shape_and_writes_only_the_answers(folder: Path
                                                                             ) -> None:
    client = serve_client(folder)
    page = client.get("/start").text
    assert 'value="2027-2028"' in page  # the coming school year, from today
    assert "Vietnamese" in page and "Spanish" in page
    refused = client.post("/start", data={"school": "", "languages": []})
    assert refused.status_code == 400
    assert "Enter the school's full legal name" in html.unescape(refused.text)
    assert "Choose at least one language" in refused.text
    made = client.post("/start", data={
        "school": "Lincoln Elementary School", "partner": "Grace Community Church",
        "partner_type": "faith_based", "school_year": "2027-2028", "shares": "yes",
        "basis": "studies", "languages": ["en", "es"]}, follow_redirects=False)
    assert made.status_code == 303
    stem = "lincoln-elementary-school-grace-community-church-2027-28"
    assert made.headers["location"] == f"/spec/{stem}/edit?checked=1"
    data = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
    assert data["data_sharing"] == {"shares_student_data": True, "legal_basis": "studies",
                                    "study": {}}
    assert data["family_notices"] == {"languages": ["en", "es"]}
    assert data["faith_based"] == {}
    assert "term" not in data  # no date is made up
    edit = client.get(made.headers["location"]).text
    assert "There are" in edit and 'role="alert"' in edit
    assert "Term is missing" in edit


def test_a_copy_is_a_new_partnership_at_version_one(folder: Path) -> None:
    client = serve_client(folder)
    made = client.post("/start/copy", data={"source": "lincoln-elementary-bright-futures",
                                            "name": "lincoln-new-partner-2027-28"},
                       follow_redirects=False)
    assert made.status_code == 303
    data = json.loads((folder / "lincoln-new-partner-2027-28.json").read_text(encoding="utf-8"))
    assert data["id"] == "lincoln-new-partner-2027-28" and "annual_review" not in data
    again = client.post("/start/copy", data={"source": "lincoln-elementary-bright-futures",
                                             "name": "lincoln-new-partner-2027-28"})
    assert again.status_code == 400 and "already" in again.text
