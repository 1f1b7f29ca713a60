"""Property tests: any text renders literally; whatever `validate` accepts, `build` renders."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any, Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLES, examples
from docgen.build.run import BuildOptions, render_documents
from docgen.spec.positions import source_map
from docgen.spec.schema import Spec, check_spec, schema
from docxtext import LAYOUT_CHARACTERS, plain_text

SETTINGS = settings(max_examples=examples(40), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Text a coordinator can type: anything validate accepts (no control characters, unpaired
# surrogates, noncharacters or direction controls).
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"),
                           blacklist_characters="\ufffe\uffff\u202a\u202b\u202c\u202d"
                                                "\u202e\u2066\u2067\u2068\u2069"),
    min_size=1, max_size=40,
).filter(lambda s: s.strip() == s and s.strip() != "")
#: Such text with a letter or a digit in it.
WORDS = TEXT.filter(lambda s: any(c.isalnum() for c in s))


def _resolve(node: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    ref = node.get("$ref", "")
    if ref.startswith("#/$defs/"):
        name = ref.rsplit("/", 1)[1]
        return {**schema()["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}, name
    return node, None


def free_text_paths(node: dict[str, Any], value: Any, path: tuple = ()) -> Iterator[tuple]:
    """Yield the path of every free-text value (schema 'text' or 'line') in ``value``."""
    node, ref = _resolve(node)
    if ref in ("text", "line") and isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for name, sub in node.get("properties", {}).items():
            if name in value:
                yield from free_text_paths(sub, value[name], path + (name,))
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for i, item in enumerate(value):
            yield from free_text_paths(node["items"], item, path + (i,))


def put(data: dict, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def as_spec(data: dict) -> Spec:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return Spec("generated.json", data, "0" * 64, source_map(text))


def rendered_text(data: dict, tmp: Path) -> str:
    return "\n".join(plain_text(blob) for _, _, blob in render_documents(as_spec(data),
                                                                         BuildOptions(tmp)))


BASES = [json.loads(p.read_text(encoding="utf-8")) for p in SAMPLES]


def printed_paths(data: dict, tmp: Path) -> list[tuple]:
    """Return the free-text fields that the templates print, found with unique markers."""
    marked = copy.deepcopy(data)
    paths = list(free_text_paths(schema(), marked))
    for i, path in enumerate(paths):
        put(marked, path, f"MARK{i:03d}X")
    text = rendered_text(marked, tmp)
    return [path for i, path in enumerate(paths) if f"MARK{i:03d}X" in text]


PRINTED = {id(base): None for base in BASES}


@SETTINGS
@given(base=st.sampled_from(BASES), data=st.data())
def test_any_text_in_any_free_text_field_appears_literally(base, data, tmp_path_factory) -> None:
    tmp = tmp_path_factory.mktemp("p")
    if PRINTED[id(base)] is None:
        PRINTED[id(base)] = printed_paths(base, tmp)
    printed = PRINTED[id(base)]
    assert len(printed) > 20, "the markers should show up in the documents"
    spec = copy.deepcopy(base)
    chosen = data.draw(st.lists(st.sampled_from(printed), min_size=1, max_size=6, unique=True))
    values = {}
    for path in chosen:
        # a data element's purpose must say something in words (validate refuses ":" there:
        # rules._has_words); any other free text may be punctuation alone
        value = data.draw(WORDS if path[-1] == "purpose" and "data_elements" in path else TEXT)
        values[path] = value
        put(spec, path, value)
    assert check_spec(as_spec(spec)) == []
    text = rendered_text(spec, tmp)
    for path, value in values.items():
        # a no-break space or hyphen in a value reads as a space or hyphen (docxtext)
        assert value.translate(LAYOUT_CHARACTERS) in text, (path, value)


def optional_paths(node: dict[str, Any], value: Any, path: tuple = ()) -> Iterator[tuple]:
    """Yield the path of every optional field present in ``value``."""
    node, _ = _resolve(node)
    if isinstance(value, dict):
        required = set(node.get("required", []))
        for name, sub in node.get("properties", {}).items():
            if name in value:
                if name not in required:
                    yield path + (name,)
                yield from optional_paths(sub, value[name], path + (name,))
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for i, item in enumerate(value):
            yield from optional_paths(node["items"], item, path + (i,))


def drop(data: dict, path: tuple) -> None:
    for part in path[:-1]:
        data = data[part]
    data.pop(path[-1], None)


@SETTINGS
@given(base=st.sampled_from(BASES), data=st.data())
def test_whatever_validate_accepts_build_renders(base, data, tmp_path_factory) -> None:
    spec = copy.deepcopy(base)
    paths = list(optional_paths(schema(), spec))
    for path in data.draw(st.lists(st.sampled_from(paths), max_size=25, unique=True)):
        try:
            drop(spec, path)
        except (KeyError, IndexError, TypeError):
            pass  # an ancestor was dropped already
    if check_spec(as_spec(spec)):
        return  # dropping made it invalid (e.g. a rule needs the field): validate refuses it
    text = rendered_text(spec, tmp_path_factory.mktemp("d"))
    assert spec["parties"]["partner"]["legal_name"] in text
    assert not re.search(r"\b(None|Undefined)\b", text)
