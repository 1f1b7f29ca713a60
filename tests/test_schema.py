"""The schema is a well-formed draft 2020-12 schema that editors can show to coordinators."""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest
from jsonschema import Draft202012Validator

from conftest import ROOT, SAMPLES
from docgen.spec.schema import SUPPORTED_SCHEMA_VERSIONS, check_spec, read_spec, schema

SCHEMA_FILE = ROOT / "schemas" / "partnership.schema.json"


def _properties(node: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{path}.{name}", sub
            yield from _properties(sub, f"{path}.{name}")
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                yield f"{path}[{key}]", node[key]
                yield from _properties(node[key], f"{path}[{key}]")
        for name, sub in node.get("$defs", {}).items():
            yield from _properties(sub, f"$defs.{name}")


def test_it_is_a_valid_draft_2020_12_schema_with_an_id() -> None:
    data = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(data)
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert data["$id"].startswith("https://")


def test_every_property_has_a_title_and_a_description() -> None:
    missing = [path for path, sub in _properties(schema())
               if not (sub.get("title") and sub.get("description"))]
    assert missing == []


def test_every_object_refuses_unknown_fields() -> None:
    def objects(node: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                yield path, node
            for key, sub in node.items():
                if isinstance(sub, dict):
                    yield from objects(sub, f"{path}/{key}")
    open_objects = [p for p, node in objects(schema()) if node.get("additionalProperties") is not False]
    assert open_objects == []


def test_a_spec_names_the_schema_version_it_was_written_for() -> None:
    assert "schema_version" in schema()["required"]
    assert schema()["properties"]["schema_version"]["enum"] == list(SUPPORTED_SCHEMA_VERSIONS)


def test_the_schema_checks_dates_emails_and_web_addresses() -> None:
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    for fmt in ('"format": "date"', '"format": "email"', '"format": "uri"'):
        assert fmt in text


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_every_sample_is_valid(sample) -> None:
    assert check_spec(read_spec(sample)) == []


def test_there_are_samples_for_each_legal_basis_and_for_no_sharing() -> None:
    bases = set()
    for sample in SAMPLES:
        sharing = json.loads(sample.read_text(encoding="utf-8")).get("data_sharing") or {}
        bases.add(sharing.get("legal_basis") if sharing.get("shares_student_data") else None)
    assert {"consent", "studies", "school_official", None} <= bases
