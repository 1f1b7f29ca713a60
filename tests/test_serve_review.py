"""docgen serve's Edit page and starter as a coordinator (not a programmer) reviewed them:
route tests with Starlette's TestClient. Each test is one defect they found: a date typed as
9/1/2027 saved as the year 27, internal codes shown as choices, ids typed by hand, a new item
all red before anything was typed, messages naming internal fields."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from docgen.spec.model import schema

from serve_support import page_form, sample_folder, serve_client

JEFF = "jefferson-elementary-public-library"
LINCOLN = "lincoln-elementary-bright-futures"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return sample_folder(tmp_path, JEFF, LINCOLN)



def spec(folder: Path, stem: str = JEFF) -> dict:
    return json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))


def slot(page: str, html_id: str) -> str:
    """The words in the error slot of the field ``html_id`` (messages and notes)."""
    found = re.search(r'<div class="error-slot" id="err-' + re.escape(html_id)
                      + r'"[^>]*>(.*?)</div>', page, re.S)
    assert found is not None, html_id
    return unescape(re.sub(r"<[^>]+>", " ", found[1])).strip()


def summary(page: str) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    return unescape(re.sub(r"<[^>]+>", " ", found[0])) if found else ""


# -- 1. dates -----------------------------------------------------------------------------

def test_a_date_typed_month_day_year_is_saved_as_the_date_meant(folder: Path) -> None:
    form = page_form(folder, JEFF)
    form["f.term/end"] = "6/11/2027"
    page = serve_client(folder).post(f"/spec/{JEFF}/save", data=form).text
    assert spec(folder)["term"]["end"] == "2027-06-11"
    assert "Saved as 2027-06-11 (read as month/day/year: June 11)." in slot(page, "f-term.end")


def test_the_edit_page_types_dates_as_text_not_a_browser_date_box(folder: Path) -> None:
    # Chromium's date box takes "9/1/2027" typed into it as 0027-09-12: the page sends the text
    page = serve_client(folder).get(f"/spec/{JEFF}/edit").text
    field = re.search(r'<input id="f-term.end"[^>]*>', page)
    assert field is not None and 'type="text"' in field[0] and 'type="date"' not in page
    assert "For example 9/1/2027" in page


@pytest.mark.parametrize("typed, words", [
    ("0027-09-12", "0027-09-12 is in the year 27: a date here is between 1900 and 2200. "
                   "Check the year."),
    ("9/1/0027", "9/1/0027 is in the year 27: a date here is between 1900 and 2200. "
                 "Check the year."),
    ("20270-09-01", None),
    ("9/1/27", "9/1/27 has a two-digit year: write the year with four digits, e.g. 9/1/2027"),
])
def test_a_date_of_an_impossible_year_is_refused_in_words(folder: Path, typed: str,
                                                         words: str | None) -> None:
    before = spec(folder)["term"]["end"]
    form = page_form(folder, JEFF)
    form["f.term/end"] = typed
    page = serve_client(folder).post(f"/spec/{JEFF}/save", data=form).text
    said = slot(page, "f-term.end")
    if words is None:  # not a date at all: kept as typed, validate's words say what to write
        assert spec(folder)["term"]["end"] == typed
        assert "is not a valid date; write it as YYYY-MM-DD" in said
    else:
        assert spec(folder)["term"]["end"] == before  # never the year 27
        assert said == "Error:  " + words
        assert words in summary(page)
        assert "is missing" not in said


def test_a_refused_date_from_a_plain_form_keeps_what_was_typed_in_the_field(folder: Path
                                                                           ) -> None:
    form = page_form(folder, JEFF)
    form["f.term/end"] = "0027-09-12"
    form["action"] = "save"
    page = serve_client(folder).post(f"/spec/{JEFF}/edit", data=form).text
    assert 'value="0027-09-12"' in page and "is in the year 27" in summary(page)
    assert spec(folder)["term"]["end"] != "0027-09-12"


# -- 2. choices in words ------------------------------------------------------------------

SAMPLES = sorted(p.stem for p in (Path(__file__).parent.parent / "samples").glob("*.json"))


def options(page: str) -> list[tuple[str, str, str]]:
    """(the select's id, an option's value, its words) for every choice of the page, but
    the RACI grid's letters (explained by the key above it)."""
    out = []
    for select in re.finditer(r'<select id="([^"]+)"([^>]*)>(.*?)</select>', page, re.S):
        if "data-letter" in select[2]:
            continue
        for option in re.finditer(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select[3],
                                  re.S):
            if option[1]:
                out.append((select[1], unescape(option[1]), unescape(option[2]).strip()))
    return out


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_choice_of_the_edit_page_is_in_words_and_saves_its_code(tmp_path: Path,
                                                                      sample: str) -> None:
    folder = sample_folder(tmp_path, sample)
    page = serve_client(folder).get(f"/spec/{sample}/edit").text
    found = options(page)
    assert len(found) > 30
    # (an id beside the name of the role or contact it is, is the id the documents use)
    codes = [(i, v, w) for i, v, w in found
             if w == v or "_" in w.removesuffix(f" ({v})")]
    assert codes == []
    # the words are the schema's, the party's name beside it; the value posted is the code
    assert ("public_school", "A public school") in [(v, w) for _, v, w in found]
    assert any(v == "partner" and w.startswith("The community partner (") for _, v, w in found)


def test_every_choice_of_the_schema_has_words() -> None:
    lacking = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            if "enum" in node:
                titles = node.get("x-enum-titles", {})
                lacking.extend(f"{where}: {v}" for v in node["enum"] if str(v) not in titles)
            for key, sub in node.items():
                walk(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}/{i}")

    walk(schema(), "")
    assert lacking == []


def test_the_raci_grid_says_what_its_letters_mean(folder: Path) -> None:
    page = unescape(serve_client(folder).get(f"/spec/{LINCOLN}/edit").text)
    assert ("The letters: R: does the work; A: answers for it; A/R: both; C: consulted before; "
            "I: informed after.") in page


def test_the_starter_shows_words_not_codes(folder: Path) -> None:
    page = serve_client(folder).get("/start").text
    radios = re.findall(r'<input type="radio" name="(partner_type|basis)" value="([^"]+)"[^>]*>'
                        r'\s*([^<]+)</label>', page)
    assert len(radios) == 14
    assert [(v, w.strip()) for _, v, w in radios if w.strip() == v or "_" in w] == []
    assert ("county_office", "A county office of education") in [(v, w.strip())
                                                                 for _, v, w in radios]


# -- 3. cross-references ------------------------------------------------------------------

def select_of(page: str, html_id: str) -> list[tuple[str, str, bool]]:
    """(value, words, selected) of each option of the select ``html_id``."""
    found = re.search(r'<select id="' + re.escape(html_id) + r'"[^>]*>(.*?)</select>', page,
                      re.S)
    assert found is not None, f"{html_id} is not a choice"
    return [(unescape(v), unescape(w).strip(), "selected" in attrs)
            for v, attrs, w in re.findall(r'<option value="([^"]*)"([^>]*)>(.*?)</option>',
                                          found[1], re.S)]


def test_a_field_naming_a_role_or_a_contact_is_a_choice_of_those_the_spec_has(
        folder: Path) -> None:
    page = serve_client(folder).get(f"/spec/{LINCOLN}/edit").text
    participant = select_of(page, "f-meetings.participants.0")
    assert ("coordinator", "Community School Coordinator (coordinator)", True) in participant
    assert len([v for v, _, _ in participant if v]) == 6  # every role of the spec
    holder = select_of(page, "f-roles.0.holder")
    assert ("ruiz", "Dr. Elena Ruiz, Principal (ruiz)", True) in holder
    notify = select_of(page, "f-data_sharing.breach.notify")
    assert [w for v, w, chosen in notify if chosen] == ["Minh Nguyen, Community School "
                                                        "Coordinator (nguyen)"]


def test_a_reference_to_an_id_the_spec_lacks_is_kept_and_said(folder: Path) -> None:
    data = spec(folder, LINCOLN)
    data["roles"][0]["holder"] = "nobody"
    (folder / f"{LINCOLN}.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    page = serve_client(folder).get(f"/spec/{LINCOLN}/edit").text
    assert ("nobody", "nobody (not the id of a contact of this spec)", True) in select_of(
        page, "f-roles.0.holder")


def test_choosing_a_role_saves_its_id(folder: Path) -> None:
    form = page_form(folder, LINCOLN)
    form["f.meetings/participants/0"] = "program_director"
    serve_client(folder).post(f"/spec/{LINCOLN}/save", data=form)
    assert spec(folder, LINCOLN)["meetings"]["participants"][0] == "program_director"


# -- 4. a new item is not red before anything is typed ------------------------------------

def red_slots(page: str, prefix: str) -> list[str]:
    """The error slots under ``prefix`` (an html id) that hold a message."""
    return [m[1] for m in re.finditer(r'<div class="error-slot" id="err-(' + re.escape(prefix)
                                      + r'[^"]*)"[^>]*>(.*?)</div>', page, re.S)
            if "error-message" in m[2]]


def test_a_new_item_is_not_red_until_it_is_touched_but_the_summary_lists_it(folder: Path
                                                                           ) -> None:
    client = serve_client(folder)
    n = len(spec(folder)["contacts"])
    form = page_form(folder, JEFF)
    form["action"] = "add:contacts"
    response = client.post(f"/spec/{JEFF}/edit", data=form, follow_redirects=False)
    assert response.status_code == 303 and f"fresh=contacts/{n}" in response.headers[
        "location"]
    page = client.get(response.headers["location"]).text
    new = f"f-contacts.{n}"
    assert red_slots(page, new) == []
    assert f'id="fresh" name="fresh" value="contacts/{n}"' in page
    assert f'href="#{new}' in page  # the summary still lists what the new contact lacks
    # an autosave of another field while it is untouched: still not red
    form = page_form(folder, JEFF)
    form["fresh"] = f"contacts/{n}"
    assert red_slots(client.post(f"/spec/{JEFF}/save", data=form).text, new) == []
    # once a field of it is typed in (the page takes it out of "fresh"): its problems show
    form[f"f.contacts/{n}/name"] = "Ana Ruiz"
    del form["fresh"]
    assert red_slots(client.post(f"/spec/{JEFF}/save", data=form).text, new) != []


def test_save_and_check_shows_the_new_items_problems(folder: Path) -> None:
    client = serve_client(folder)
    n = len(spec(folder)["contacts"])
    form = page_form(folder, JEFF)
    form["action"] = "add:contacts"
    client.post(f"/spec/{JEFF}/edit", data=form)
    form = page_form(folder, JEFF)
    form["action"] = "save"
    form["fresh"] = f"contacts/{n}"
    page = client.post(f"/spec/{JEFF}/edit", data=form).text
    assert red_slots(page, f"f-contacts.{n}") != []


# -- 5. curly quotes pasted from Word -----------------------------------------------------

def test_curly_quotes_pasted_from_word_are_kept_and_never_called_a_json_mistake(
        folder: Path) -> None:
    name = "Jefferson “Eagles” Elementary School"
    purpose = "To open the library’s “Reading Nook” after school — every week."
    form = page_form(folder, JEFF)
    form["f.parties/school/legal_name"] = name
    form["f.purpose"] = purpose
    page = serve_client(folder).post(f"/spec/{JEFF}/save", data=form).text
    data = spec(folder)
    assert data["parties"]["school"]["legal_name"] == name and data["purpose"] == purpose
    assert "No problems: the spec is valid" in page
    again = serve_client(folder).get(f"/spec/{JEFF}/edit").text
    assert "curly quote" not in again and "curly quote" not in page
    assert "Jefferson “Eagles” Elementary School" in unescape(again)


# -- 6. messages name fields by their titles ----------------------------------------------

INTERNAL = re.compile(r"\$\.|'[a-z]+_[a-z0-9_.]*'|\"[a-z]+_[a-z_]*\": ")


@pytest.mark.parametrize("basis", ["consent", "school_official", "studies", "audit_evaluation"])
def test_the_messages_of_a_new_spec_name_fields_by_their_titles(folder: Path,
                                                               basis: str) -> None:
    page = serve_client(folder).post("/start", data={
        "school": "A School", "partner": "B Org", "school_year": "2027-2028",
        "partner_type": "faith_based", "shares": "yes", "basis": basis,
        "languages": ["en"]}).text
    said = summary(page) + " ".join(
        unescape(m) for m in re.findall(r'<p class="error-message">(.*?)</p>', page, re.S))
    assert "is missing" in said
    assert INTERNAL.findall(said) == []
    if basis == "consent":
        assert "list at least one data element in “Data elements” (what is shared)" in said
        assert "set “No religious activity” to Yes" in said
    if basis == "audit_evaluation":
        assert "add its district as “Parties › District”, or use the studies exception or " \
               "parental consent" in said
        assert "a destruction deadline (“Destruction › Deadline (days)”) is missing" in said


def test_a_message_naming_a_list_by_its_path_names_its_title(folder: Path) -> None:
    data = spec(folder, LINCOLN)
    data["raci"][0]["assignments"]["ghost"] = "R"
    (folder / f"{LINCOLN}.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    page = serve_client(folder).get(f"/spec/{LINCOLN}/edit").text
    assert "'ghost' is not a role defined in “Roles”; defined: principal" in summary(page)
    assert "$.roles" not in page.split("<main")[1]


# -- 9. minor -------------------------------------------------------------------------------

def test_saved_at_says_the_time_zone(folder: Path) -> None:
    import datetime as dt
    page = serve_client(folder).post(f"/spec/{JEFF}/save", data=page_form(folder, JEFF)).text
    zone = dt.datetime.now().astimezone().strftime("%Z")
    assert re.search(r'<span class="saved">Saved at \d\d:\d\d ' + re.escape(zone) + "</span>",
                     page)


# -- 8. the earlier fixes -------------------------------------------------------------------

def test_the_starter_names_haitian_creole(folder: Path) -> None:
    page = unescape(serve_client(folder).get("/start").text)
    assert re.search(r'value="ht"[^>]*> Haitian Creole '
                     r'\(<span lang="ht">Kreyòl Ayisyen</span>\)<', page)
    assert "English (United States)" not in page


@pytest.mark.parametrize("typed", ["2026-27", "2026–2027", "2026 - 2027", "2026/27",
                                   "“2026-2027”", "2026—27"])
def test_the_starter_takes_a_school_year_as_people_write_it(folder: Path, typed: str) -> None:
    response = serve_client(folder).post("/start", data={
        "school": "“Lincoln” Elementary School", "partner": "Bright Future’s Alliance",
        "school_year": typed, "partner_type": "nonprofit", "shares": "no",
        "languages": ["en"]}, follow_redirects=False)
    assert response.status_code == 303, summary(response.text)
    stem = response.headers["location"].split("/")[2]
    data = spec(folder, stem)
    assert data["school_year"] == "2026-2027"
    assert data["parties"]["school"]["legal_name"] == "“Lincoln” Elementary School"


def test_the_starter_refuses_a_school_year_that_is_not_one_year(folder: Path) -> None:
    response = serve_client(folder).post("/start", data={
        "school": "A", "partner": "B", "school_year": "2026-28", "partner_type": "nonprofit",
        "shares": "no", "languages": ["en"]})
    assert response.status_code == 400
    assert "Enter the school year as two years, e.g. 2027-2028" in summary(response.text)


def test_the_translations_page_names_languages_in_english_with_their_own_name(
        folder: Path) -> None:
    page = unescape(serve_client(folder).get(f"/spec/{LINCOLN}/translations").text)
    assert re.search(r'<th scope="row">Spanish \(<span lang="es" dir="ltr">español</span>\)',
                     page)
    assert "Upload the translator's file for Spanish (.po" in page


# -- 7 and 8: catalogs uploaded on the Translations page ----------------------------------

def upload(folder: Path, name: str, data: bytes, tag: str = "es") -> tuple[int, str]:
    client = serve_client(folder)
    page = client.get(f"/spec/{LINCOLN}/translations").text
    expected = re.search(r'action="/spec/[^/]+/translations/' + tag + r'/upload".*?'
                         r'name="expected" value="([^"]*)"', page, re.S)
    response = client.post(f"/spec/{LINCOLN}/translations/{tag}/upload",
                           files={"catalog": (name, data)},
                           data={"expected": expected[1] if expected else ""})
    main = response.text.split("<main", 1)[1]
    return response.status_code, " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def english_copy(folder: Path) -> bytes:
    """The partnership's Spanish catalog as a translator's tool leaves it after "Copy from
    source": every msgstr the msgid."""
    import io

    from babel.messages.pofile import read_po, write_po
    po = serve_client(folder).get(f"/spec/{LINCOLN}/translations/es/spec.po").content
    catalog = read_po(io.BytesIO(po))
    for message in catalog:
        if message.id:
            message.string = message.id
    out = io.BytesIO()
    write_po(out, catalog)
    return out.getvalue()


def test_a_catalog_whose_translations_are_the_english_says_so_in_words(folder: Path) -> None:
    status, said = upload(folder, "es.po", english_copy(folder))
    assert status == 200
    assert ("21 of 21 translated (21 of them the same as the English: they are not "
            "translated, unless they are names that stay as they are)") in said
    assert "fuzzy" not in said.split("Uploaded:")[1].split(".")[0]


@pytest.mark.parametrize("name, data, words", [
    ("notice.docx", b"PK\x03\x04" + bytes(range(256)) * 4,
     "notice.docx (uploaded for es): is a zip file (a Word document, or a .zip), not a "
     "translation catalog (a .po file): upload the .po file the translator saved in Poedit "
     "or Weblate"),
    ("es.mo", b"\xde\x12\x04\x95" + bytes(64),
     "es.mo (uploaded for es): is a compiled catalog (a .mo file), not a translation catalog"),
    ("notes.po", "Hola: the Spanish for hello\n".encode(),
     "notes.po (uploaded for es): is not a translation catalog (a .po file): it has no "
     "'msgid' line"),
])
def test_a_file_that_is_not_a_catalog_gets_a_plain_message(folder: Path, name: str,
                                                           data: bytes, words: str) -> None:
    before = (folder / f"{LINCOLN}.locales" / "es.po").read_bytes()
    status, said = upload(folder, name, data)
    assert status == 422 and words in said
    assert "misformatted" not in said and "Unknown" not in said
    assert (folder / f"{LINCOLN}.locales" / "es.po").read_bytes() == before


def test_an_unclosed_string_is_refused_at_its_line(folder: Path) -> None:
    po = serve_client(folder).get(f"/spec/{LINCOLN}/translations/es/spec.po").text
    lines = po.splitlines()
    where = next(i for i, line in enumerate(lines) if line.startswith('msgstr "Programa'))
    lines[where] = 'msgstr "Programa Extracurricular Bright Futures'  # the quote lost
    status, said = upload(folder, "es.po", ("\n".join(lines) + "\n").encode())
    assert status == 422
    assert (f"es.po (uploaded for es):{where + 1}:8: the text in quotes is not closed: the "
            'line must end with a straight double quote (")') in said


def test_home_says_changed_since_the_build_after_a_catalog_upload(folder: Path) -> None:
    import hashlib

    from docgen.i18n.locales import catalog_path
    from docgen.resources import Resources

    def sha(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    spec_id = spec(folder, LINCOLN)["id"]
    out = folder / "out" / spec_id
    out.mkdir(parents=True)
    notice = {"path": "notices/notice-es.docx", "sha256": "0" * 64, "kind": "notice",
              "format": "docx", "locale": "es",
              "catalog_sha256": sha(catalog_path("es", Resources.shipped().locales)),
              "spec_catalog_sha256": sha(folder / f"{LINCOLN}.locales" / "es.po")}
    (out / "manifest.json").write_text(json.dumps({
        "docgen_version": "0", "source_date": None, "files": [notice],
        "spec": {"file": f"{LINCOLN}.json", "id": spec_id,
                 "sha256": sha(folder / f"{LINCOLN}.json")}}), encoding="utf-8")

    def row() -> str:
        page = serve_client(folder).get("/").text
        start = page.index(f"{LINCOLN}.json")
        return page[start:page.index("</tr>", start)]

    assert "built" in row() and "changed since" not in row()
    po = serve_client(folder).get(f"/spec/{LINCOLN}/translations/es/spec.po").content
    status, _ = upload(folder, "es.po", po.replace(b"Programa Extracurricular",
                                                   b"Programa Despues de Clases"))
    assert status == 200
    assert "changed since its last build: build again" in row()


def test_the_add_buttons_say_an_activity(folder: Path) -> None:
    response = serve_client(folder).post("/start", data={
        "school": "A School", "partner": "B Org", "school_year": "2027-2028",
        "partner_type": "nonprofit", "shares": "no", "languages": ["en"]})
    page = unescape(response.text)
    assert "Add an activity" in page and "Add a role" in page
    assert not re.search(r"Add a [aeio]", page)


def test_the_notice_preview_keeps_its_headings(folder: Path) -> None:
    page = serve_client(folder).get(f"/spec/{LINCOLN}/translations?notice=es").text
    sides = page.split('<div class="side-by-side-notice">', 1)[1].split("</section>", 1)[0]
    english, spanish = sides.split('<div lang="es"', 1)
    assert len(re.findall(r"<h4>", english)) >= 8
    assert len(re.findall(r"<h4>", english)) == len(re.findall(r"<h4>", spanish))
    assert len(re.findall(r"<h5>", spanish)) == 1


def test_a_line_of_two_closed_strings_is_not_called_unclosed() -> None:
    from docgen.i18n.catalogs import unclosed_strings
    text = ('msgid "a"\nmsgstr "b\nmsgstr "Sus derechos. " "Son muchos."\n'
            '"a \\" quote"\n#~ msgstr "old\n')
    assert [p.line for p in unclosed_strings(Path("es.po"), text)] == [2, 5]
