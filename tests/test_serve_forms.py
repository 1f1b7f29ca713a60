"""docgen serve's form: the whole schema is reachable from it, and every sample goes
form → JSON → form unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from docgen.errors import Problem
from docgen.serve.forms import (MISSING, Node, apply_action, attach, form_model, form_to_json,
                                html_id, model_to_form, parse_path, path_name, spec_text,
                                summary_line)
from docgen.spec.model import resolve_ref, schema

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "samples").glob("*.json")) + [
    p for p in sorted((ROOT / "examples").rglob("*.json")) if p.name != "pasted-from-word.json"]


def normalised(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_every_sample_goes_form_json_form_unchanged(spec: Path) -> None:
    root = schema()
    data = json.loads(spec.read_text(encoding="utf-8"))
    form = model_to_form(form_model(root, data))
    back = form_to_json(root, form, data)
    assert spec_text(back) == spec_text(data)  # byte-equal, key order kept
    assert normalised(back) == normalised(data)
    again = model_to_form(form_model(root, back))
    assert again == form


def test_a_form_made_from_nothing_keeps_the_keys_in_schema_order() -> None:
    root = schema()
    data = json.loads((ROOT / "samples" / "lincoln-elementary-bright-futures.json").read_text(
        encoding="utf-8"))
    form = model_to_form(form_model(root, data))
    fresh = form_to_json(root, form, {})
    assert normalised(fresh) == normalised(data)
    assert list(fresh) == [k for k in root["properties"] if k in data]


def _schema_paths(root: dict[str, Any]) -> set[tuple[Any, ...]]:
    """Every property of the schema as a path, an array's items at index 0."""
    out: set[tuple[Any, ...]] = set()

    def walk(node: dict[str, Any], path: tuple[Any, ...], depth: int) -> None:
        node = resolve_ref(node, root)[0]
        if depth > 12:
            return
        for key, sub in node.get("properties", {}).items():
            out.add(path + (key,))
            walk(sub, path + (key,), depth + 1)
        if node.get("type") == "array":
            walk(node.get("items", {}), path + (0,), depth + 1)

    walk(root, (), 0)
    return out


def test_every_property_of_the_schema_is_reachable_from_the_form() -> None:
    """From an empty spec, adding every optional section and a first item of every list
    (the page's Add buttons) reaches a field for every property of the schema."""
    root = schema()
    data: dict[str, Any] = {"roles": [{"id": "coordinator"}]}
    for _ in range(15):
        nodes = [n for s in form_model(root, data) for top in s.nodes for n in top.walk()]
        todo = [n for n in nodes if n.kind in ("group", "list", "grid") and
                (not n.present or (n.kind == "list" and not n.items))]
        if not todo:
            break
        for node in todo:
            data, _ = apply_action(root, data, f"add:{node.name}")
    nodes = [n for s in form_model(root, data) for top in s.nodes for n in top.walk()]
    reached = {n.path for n in nodes}
    assert all(n.kind != "raw" for n in nodes), [n.path for n in nodes if n.kind == "raw"]
    missing = sorted(map(str, _schema_paths(root) - reached))
    assert missing == []
    kinds = {n.input for n in nodes if n.kind == "field"}
    assert {"text", "textarea", "integer", "number", "boolean", "select", "date", "email",
            "url", "time"} <= kinds
    grid = [n for n in nodes if n.kind == "grid"]
    assert grid and [c.path for c in grid[0].children] == [("raci", 0, "assignments",
                                                            "coordinator")]


def test_fields_carry_the_schema_titles_help_choices_and_types() -> None:
    root = schema()
    data = json.loads((ROOT / "samples" / "lincoln-elementary-bright-futures.json").read_text(
        encoding="utf-8"))
    nodes = {n.path: n for s in form_model(root, data) for top in s.nodes for n in top.walk()}
    signature = nodes[("data_sharing", "consent", "signature")]
    assert signature.input == "select"
    assert [c[0] for c in signature.choices] == ["paper", "electronic", "either"]
    email = nodes[("contacts", 0, "email")]
    assert email.input == "email" and email.title == "E-mail"
    assert email.description == "Work e-mail address."
    assert nodes[("term", "start")].input == "date"
    assert nodes[("term", "start")].required
    assert nodes[("parties", "school", "website")].input == "url"
    assert nodes[("insurance", "general_liability_per_occurrence")].input == "number"
    assert nodes[("version",)].input == "integer"
    assert nodes[("purpose",)].input == "textarea"


def test_the_legal_basis_brings_its_part_in_place() -> None:
    root = schema()
    base = {"data_sharing": {"shares_student_data": True, "legal_basis": "consent"}}
    nodes = {n.path: n for s in form_model(root, base) for top in s.nodes for n in top.walk()}
    assert nodes[("data_sharing", "consent")].visible
    assert not nodes[("data_sharing", "study")].visible
    assert nodes[("data_sharing", "study")].shown_when == (
        html_id(("data_sharing", "legal_basis")), ("studies",))
    off = {"data_sharing": {"shares_student_data": False}}
    nodes = {n.path: n for s in form_model(root, off) for top in s.nodes for n in top.walk()}
    assert not nodes[("data_sharing", "legal_basis")].visible
    assert not nodes[("data_sharing", "consent")].visible


def test_what_the_form_cannot_show_as_a_field_is_kept_as_json() -> None:
    root = schema()
    data = {"parties": "Lincoln and Bright Futures", "term": {"start": "09/01/2026"},
            "version": "two", "extra_field": {"a": [1, 2]}, "insurance": {
                "general_liability_per_occurrence": "$1,000,000"}}
    model = form_model(root, data)
    nodes = {n.path: n for s in model for top in s.nodes for n in top.walk()}
    assert nodes[("parties",)].kind == "raw"
    assert nodes[("extra_field",)].unknown
    assert nodes[("term", "start")].input == "text"  # a date input would drop it
    assert form_to_json(root, model_to_form(model), data) == data


def test_typed_values_become_json_values() -> None:
    root = schema()
    base: dict[str, Any] = {}
    form = {"f.version": "3", "p.insurance": "1",
            "f.insurance/general_liability_per_occurrence": "1000000",
            "f.insurance/general_liability_aggregate": "2500000.50",
            "p.term": "1", "f.term/auto_renew": "false", "f.term/start": "2026-08-10",
            "p.data_sharing": "1", "f.data_sharing/shares_student_data": "true",
            "f.data_sharing/purpose": "line one\r\nline two", "f.title": ""}
    data = form_to_json(root, form, base)
    assert data == {"version": 3, "term": {"start": "2026-08-10", "auto_renew": False},
                    "insurance": {"general_liability_per_occurrence": 1000000,
                                  "general_liability_aggregate": 2500000.5},
                    "data_sharing": {"shares_student_data": True,
                                     "purpose": "line one\nline two"}}


def test_the_letters_chosen_in_a_new_activity_s_row_are_kept() -> None:
    root = schema()
    base = {"roles": [{"id": "principal"}, {"id": "artist"}], "raci": [{}]}
    sections = form_model(root, base)
    form = model_to_form(sections)
    assert "p.raci/0/assignments" not in form  # the row has no assignments yet
    form.update({"f.raci/0/activity": "Run the classes", "f.raci/0/assignments/principal": "A",
                 "f.raci/0/assignments/artist": "R"})
    data = form_to_json(root, form, base)
    assert data["raci"] == [{"activity": "Run the classes",
                             "assignments": {"principal": "A", "artist": "R"}}]
    form.update({"f.raci/0/assignments/principal": "", "f.raci/0/assignments/artist": ""})
    assert form_to_json(root, form, base)["raci"] == [{"activity": "Run the classes"}]


def test_a_new_role_or_contact_comes_with_an_id_no_one_has_to_make_up() -> None:
    root = schema()
    data: dict[str, Any] = {"roles": [{"id": "role_2"}], "contacts": []}
    data, _ = apply_action(root, data, "add:roles")
    data, _ = apply_action(root, data, "add:roles")
    assert [r["id"] for r in data["roles"]] == ["role_2", "role_3", "role_4"]
    data, _ = apply_action(root, data, "add:contacts")
    assert data["contacts"] == [{"id": "contact_1"}]
    data, _ = apply_action(root, data, "add:services")
    assert data["services"] == [{}]  # a service has no id


def test_actions_add_duplicate_move_and_remove_items() -> None:
    root = schema()
    data: dict[str, Any] = {"roles": [{"id": "coordinator", "title": "Coordinator"},
                                      {"id": "director", "title": "Director"}]}
    data, anchor = apply_action(root, data, "dup:roles/0")
    assert [r["id"] for r in data["roles"]] == ["coordinator", "coordinator_2", "director"]
    assert anchor == html_id(("roles", 1))
    data, _ = apply_action(root, data, "down:roles/0")
    assert [r["id"] for r in data["roles"]] == ["coordinator_2", "coordinator", "director"]
    data, _ = apply_action(root, data, "up:roles/2")
    assert [r["id"] for r in data["roles"]] == ["coordinator_2", "director", "coordinator"]
    data, _ = apply_action(root, data, "del:roles/0")
    assert [r["id"] for r in data["roles"]] == ["director", "coordinator"]
    data, _ = apply_action(root, data, "add:roles")
    assert data["roles"][-1] == {"id": "role_3"}  # an id made, to change at will
    data, _ = apply_action(root, data, "add:dispute_resolution")
    assert data["dispute_resolution"] == {}
    data, _ = apply_action(root, data, "del:dispute_resolution")
    assert "dispute_resolution" not in data
    unchanged, anchor = apply_action(root, data, "del:roles/9")
    assert unchanged == data and anchor is None


def test_problems_sit_beside_their_fields_and_in_the_summary() -> None:
    root = schema()
    data = {"data_sharing": {"shares_student_data": True}}
    model = form_model(root, data)
    problems = [Problem("s.json", 3, 5, ("data_sharing",), "'legal_basis' is missing: say "
                        "which FERPA basis allows the sharing"),
                Problem("s.json", 1, 1, (), "'id' (Partnership id) is missing")]
    summary = attach(model, problems)
    assert summary[0] == (html_id(("id",)), "Partnership id", "Partnership id is missing")
    legal = ("FERPA legal basis is missing: say which FERPA basis allows the sharing")
    assert summary[1] == (html_id(("data_sharing", "legal_basis")),
                          "Data sharing › FERPA legal basis", legal)
    assert summary_line(summary[1][1], legal) == "Data sharing › " + legal
    assert summary_line("Term › End date", "the term ends before it starts") == (
        "Term › End date: the term ends before it starts")
    nodes = {n.path: n for s in model for top in s.nodes for n in top.walk()}
    assert nodes[("data_sharing", "legal_basis")].errors == [legal]
    # a problem of an object naming one of its fields sits beside that field
    more = attach(model, [Problem("s.json", 3, 5, ("data_sharing",), "list at least one data "
                                  "element in 'data_elements' (what is shared)")])
    assert more[0][0] == html_id(("data_sharing", "data_elements"))


def test_paths_and_names_round_trip() -> None:
    for path in [("raci", 0, "assignments", "a/b~c"), (), ("$schema",)]:
        assert parse_path(path_name(path)) == path
    assert MISSING is not None
    assert [n.path for n in Node("group", ("a",), "A", children=[
        Node("field", ("a", "b"), "B")]).walk()] == [("a",), ("a", "b")]


def test_notice_languages_are_chosen_by_name_and_any_tag_is_kept() -> None:
    root = schema()
    data = {"family_notices": {"languages": ["es", "English"]}}
    choices = [("en", "English"), ("es", "Spanish (español)")]
    model = form_model(root, data, choices)
    nodes = {n.path: n for s in model for top in s.nodes for n in top.walk()}
    spanish = nodes[("family_notices", "languages", 0)]
    assert spanish.input == "select" and spanish.choices == choices
    wrong = nodes[("family_notices", "languages", 1)]
    assert wrong.choices[-1] == ("English", "English (not a language docgen writes notices "
                                            "in)")
    assert form_to_json(root, model_to_form(model), data) == data


def test_every_top_level_field_is_in_one_section_and_the_files_own_come_last() -> None:
    root = schema()
    data = json.loads((ROOT / "samples" / "lincoln-elementary-bright-futures.json").read_text(
        encoding="utf-8"))
    sections = form_model(root, data)
    placed = [n.path[0] for s in sections for n in s.nodes]
    assert sorted(placed) == sorted(root["properties"])
    assert sections[0].title == "The agreement" and sections[-1].title == "About this file"
    assert [n.path[0] for n in sections[-1].nodes] == ["schema_version", "$schema"]
