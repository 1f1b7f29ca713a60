"""What `validate` says of the mistakes a person makes editing a spec by hand (issue #14).

The exact messages of each mistake are in tests/data/invalid/*.err (test_validate.py runs them
all); these tests cover what a fixture cannot: that any text gives a result or located one-line
problems, that valid JSON is never misread, and that every enum of the schema names its choices.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, examples
from docgen.cli import cli
from docgen.errors import SpecError
from docgen.spec.schema import _value_message, iso_date, load_spec, schema
from docgen.spec.syntax import plain_number, syntax_problems

LINCOLN = (ROOT / "samples/lincoln-elementary-bright-futures.json").read_text(encoding="utf-8")

#: the mistakes of hand-editing: what a person types where JSON wants something else
MISTAKES = ["\u201c", "\u201d", "\u2018", "\u2019", "'", "// a note\n", "/* a note */", "# note\n",
            ",", ",,", "", "\n", "$1,000,000", "1,000", "07", "yes", "True", "None", "NaN",
            "\u00a0", "\\", "\t", "{", "}", "[", "]", ":", "8/28/2026", "\"", "5 years", "20%"]


@st.composite
def hand_edited(draw: Any) -> str:
    """A sample spec with a few of the usual mistakes made at places drawn from its text."""
    text = LINCOLN
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 3))
        text = text[:at] + draw(st.sampled_from(MISTAKES) | st.text(max_size=4)) + text[at + cut:]
    return text


def _problems_of(tmp_path: Path, text: str) -> list[str]:
    spec = tmp_path / "spec.json"
    spec.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_spec(spec)
    except SpecError as e:
        assert e.problems, "an error without problems tells the user nothing"
        return [str(p) for p in e.problems]
    return []


@settings(max_examples=examples(300), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=hand_edited() | st.text(max_size=200))
def test_any_text_gives_a_spec_or_located_one_line_problems(tmp_path: Path, text: str) -> None:
    text = text.encode("utf-8", "replace").decode("utf-8")
    lines = _problems_of(tmp_path, text)
    for line in lines:
        assert "\n" not in line and "Traceback" not in line
        # every problem names the file, and a line and column unless the file is empty
        file, _, rest = line.partition(": ")
        assert file.startswith(str(tmp_path / "spec.json")), line
        if text.strip():
            assert file.count(":") >= 2, line


@settings(max_examples=examples(200), deadline=None)
@given(value=st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.sampled_from('ab “”‘’\'"\\/#*,:{}[]\n\t$0'), max_size=12),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(alphabet="ab“”'#/", max_size=4), inner, max_size=3),
    max_leaves=12), indent=st.sampled_from([None, 2]))
def test_the_forgiving_reader_finds_nothing_in_valid_json(value: Any, indent: int | None) -> None:
    # the reader reads on past a mistake through the rest of the file: it must not see one in
    # what is valid, curly quotes inside text above all
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    assert syntax_problems(text) == []


def test_curly_quotes_inside_text_are_accepted(tmp_path: Path) -> None:
    text = LINCOLN.replace('"in writing, signed', '"in \u201cwriting\u201d, it\u2019s signed')
    assert _problems_of(tmp_path, text) == []


def test_curly_quotes_inside_text_stay_accepted_next_to_a_mistake(tmp_path: Path) -> None:
    text = LINCOLN.replace('"in writing, signed', '"in \u201cwriting\u201d, signed').replace(
        '"auto_renew": false', '"auto_renew": no')
    lines = _problems_of(tmp_path, text)
    assert [line.split(": ", 1)[1] for line in lines] == [
        "$.term.auto_renew: malformed JSON: no is not a JSON value: write false"]


def test_the_cli_says_every_mistake_at_once_on_stderr_with_exit_1(tmp_path: Path,
                                                                  monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("spec.json").write_text('{\n  "id": \u201clincoln\u201d, // the id\n  "n": 07,\n'
                                 '  "m": $1,000,000\n  "b": yes,\n}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "spec.json"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "spec.json:2:9: $.id: malformed JSON: \u201c and \u201d are curly quotes (as Word and "
        "e-mail write them); JSON needs straight double quotes (\") around text: type them "
        "again in a plain-text editor, or turn off \"smart quotes\"\n"
        "spec.json:2:20: $: malformed JSON: JSON has no comments: remove this // comment (a "
        "note for people can go in a \"notes\" or \"description\" field where the schema has "
        "one)\n"
        "spec.json:3:8: $.n: malformed JSON: 07 is not a JSON number: write 7 (without the "
        "leading zero)\n"
        "spec.json:4:8: $.m: malformed JSON: $1,000,000 is not a JSON number: write 1000000 "
        "(without \"$\" or commas)\n"
        "spec.json:4:18: $.m: malformed JSON: a comma (,) is missing at the end of this line\n"
        "spec.json:5:8: $.b: malformed JSON: yes is not a JSON value: write true\n"
        "spec.json:5:11: $.b: malformed JSON: there is a comma after the last item; remove it "
        "(JSON allows no comma before })\n")


def _enums(node: Any, path: str = "") -> list[tuple[str, list[Any]]]:
    found = []
    if isinstance(node, dict):
        if isinstance(node.get("enum"), list):
            found.append((path, node["enum"]))
        for key, sub in node.items():
            found.extend(_enums(sub, f"{path}/{key}"))
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            found.extend(_enums(sub, f"{path}/{i}"))
    return found


ENUMS = _enums(schema())


@pytest.mark.parametrize("where,choices", ENUMS, ids=[where for where, _ in ENUMS])
def test_every_enum_lists_its_choices_and_suggests_the_nearest(where: str,
                                                               choices: list[Any]) -> None:
    assert len(ENUMS) > 20
    for choice in (c for c in choices if isinstance(c, str)):
        message = _value_message("enum", choices, choice.upper().replace("_", " ") + " ")
        assert message is not None
        if len(choices) == 1:
            assert message.endswith(f": the only choice is {json.dumps(choice)}"), message
            continue
        listed = message.split(": ", 1)[1].split(";")[0]
        assert listed == ", ".join(json.dumps(c) for c in choices[:-1]) + " or " + json.dumps(
            choices[-1])
        assert message.endswith(f"; did you mean {choice!r}?"), message


@pytest.mark.parametrize("written,number", [
    ("$1,000,000", "1000000"), ("1,000,000", "1000000"), ("$2 million", "2000000"),
    ("20%", "20"), ("12.50", "12.5"), ("$1.5M", "1500000"), ("2,5", None), ("twenty", None),
    ("1,00", None), ("", None)])
def test_a_number_written_as_people_write_it_is_read(written: str, number: str | None) -> None:
    assert plain_number(written) == number


@pytest.mark.parametrize("written,iso", [
    ("8/28/2026", ("2026-08-28", "")), ("08-28-2026", ("2026-08-28", "")),
    ("3/4/2026", ("2026-03-04", " (read as month/day/year: March 4)")),
    ("August 28, 2026", ("2026-08-28", "")), ("Sept. 1, 2026", ("2026-09-01", "")),
    ("28 August 2026", ("2026-08-28", "")), ("2026/8/28", ("2026-08-28", "")),
    ("2026-8-28", ("2026-08-28", "")), ("2/30/2026", None), ("2026-08-28", None),
    ("soon", None)])
def test_a_date_written_as_people_write_it_is_converted(written: str, iso: Any) -> None:
    assert iso_date(written) == iso


def test_nan_is_not_the_only_mistake_named(tmp_path: Path) -> None:
    lines = _problems_of(tmp_path, '{\n  "version": NaN,\n  "id": \'x\' // old id\n}\n')
    assert [line.split(": ", 1)[1] for line in lines] == [
        "$.version: malformed JSON: NaN is not a JSON value; write a number",
        "$.id: malformed JSON: text needs double quotes (\"), not single quotes (' or ’): "
        "write \"x\"",
        "$: malformed JSON: JSON has no comments: remove this // comment (a note for people "
        "can go in a \"notes\" or \"description\" field where the schema has one)"]
