"""`docgen validate`: every bad input gets its exact, located, plain-words message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from docgen.cli import cli, run
from docgen.errors import SpecError
from docgen.spec.schema import load_spec

INVALID = sorted((ROOT / "tests" / "data" / "invalid").glob("*.json"))

#: what validate and build say of the samples' translations, which nobody has reviewed
UNREVIEWED_SAMPLES = ("notice: not reviewed by a person: the es, vi, ar, zh-Hans translations; "
                      "have a translator check them before they go to families, and record "
                      "the review in the catalog's X-Reviewed header (README: Recording a "
                      "translator's review)")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("bad", INVALID, ids=[p.stem for p in INVALID])
def test_each_bad_spec_gets_its_exact_message_on_stderr_and_exit_1(bad: Path, in_repo) -> None:
    relative = str(bad.relative_to(ROOT))
    result = invoke("validate", relative)
    expected = bad.with_suffix(".err").read_text(encoding="utf-8")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == expected


def test_a_valid_spec_is_reported_on_stdout_with_exit_0(in_repo) -> None:
    result = invoke("validate", "samples/lincoln-elementary-bright-futures.json")
    assert result.exit_code == 0
    assert result.stdout == "samples/lincoln-elementary-bright-futures.json: valid\n"
    # nobody has reviewed the shipped translations: one line says so, the spec stays valid
    assert result.stderr == UNREVIEWED_SAMPLES + "\n"


def test_it_validates_several_specs_and_counts_the_bad_ones(in_repo) -> None:
    result = invoke("validate", "samples/jefferson-elementary-public-library.json",
                    "tests/data/invalid/empty.json", "tests/data/invalid/a-list.json")
    assert result.exit_code == 1
    assert result.stdout == "samples/jefferson-elementary-public-library.json: valid\n"
    assert result.stderr.splitlines()[-2:] == [UNREVIEWED_SAMPLES, "2 of 3 specs have problems"]


def test_a_missing_file_is_one_line_and_exit_1(in_repo) -> None:
    result = invoke("validate", "no/such/spec.json")
    assert result.exit_code == 1
    assert result.stderr == "no/such/spec.json: no such file\n"


SAMPLES_VALID = "".join(f"samples/{s.name}: valid\n" for s in SAMPLES)


@pytest.mark.parametrize("argument", ["samples", "samples/", "samples/*.json", "sam*"])
def test_a_folder_or_a_pattern_validates_every_spec_in_it(argument: str, in_repo) -> None:
    # a pattern is expanded by docgen when the shell did not (quoted, or on Windows), and a
    # folder it matches is searched as if named
    result = invoke("validate", argument)
    assert result.exit_code == 0, result.output
    assert result.stdout == SAMPLES_VALID
    # the only lines on stderr: the notice languages no contact speaks (advice, exit 0), and
    # once for all the specs, the translations nobody has reviewed
    *languages, last = result.stderr.splitlines()
    assert all(": notice: no contact speaks " in line for line in languages)
    assert last == UNREVIEWED_SAMPLES


def test_a_folder_is_searched_below_and_docgens_manifests_are_left_out(
        tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "district/2026-27/out").mkdir(parents=True)
    jefferson = (ROOT / "samples/jefferson-elementary-public-library.json").read_bytes()
    (tmp_path / "district/2026-27/jefferson.json").write_bytes(jefferson)
    (tmp_path / "district/2026-27/out/manifest.json").write_text("{}")
    (tmp_path / "district/2026-27/lincoln.json").write_text("[]")
    result = invoke("validate", "district")
    assert result.exit_code == 1
    assert result.stdout == "district/2026-27/jefferson.json: valid\n"
    problems = [line for line in result.stderr.splitlines()
                if ": notice: no contact speaks " not in line]
    assert problems == ["district/2026-27/lincoln.json:1:1: a spec must be a JSON object "
                        "({ … }), not a list", UNREVIEWED_SAMPLES, "1 of 2 specs has problems"]


@pytest.mark.parametrize("command", [["validate"], ["build", "-o", "out", "--no-pdf"]])
def test_an_empty_folder_or_a_pattern_matching_nothing_is_a_usage_error(
        command: list[str], tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "district/notes").mkdir(parents=True)
    (tmp_path / "district/notes/minutes.txt").write_text("not a spec")
    empty = invoke(*command, "district")
    assert empty.exit_code == 2
    assert empty.stderr == ("Error: district: the folder has no .json spec files; give the "
                            "folder your specs are in, or the spec files themselves\n")
    nothing = invoke(*command, "district/*.json")
    assert nothing.exit_code == 2
    assert nothing.stderr == ("Error: district/*.json: no file matches this pattern; check the "
                              "folder and the spelling, e.g. samples/*.json\n")
    assert empty.stdout == nothing.stdout == ""
    assert not (tmp_path / "out").exists()


def test_no_argument_is_a_usage_error_with_exit_2() -> None:
    result = invoke("validate")
    assert result.exit_code == 2
    assert "Missing argument 'SPEC...'" in result.stderr


def test_an_unknown_option_is_a_usage_error_with_exit_2() -> None:
    assert run(["validate", "--frobnicate", "x.json"]) == 2
    assert run(["build", "samples/x.json"]) == 2  # -o is required


def test_problems_are_sorted_by_position(in_repo) -> None:
    lines = (ROOT / "tests/data/invalid/wrong-types.err").read_text().splitlines()[:-1]
    positions = [tuple(int(n) for n in line.split(":")[1:3]) for line in lines]
    assert positions == sorted(positions)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    text = (ROOT / "samples/jefferson-elementary-public-library.json").read_bytes()
    spec = tmp_path / "bom.json"
    spec.write_bytes(b"\xef\xbb\xbf" + text)
    assert load_spec(spec).id == "jefferson-es-library-2026-27"


def test_the_library_raises_one_error_carrying_every_problem() -> None:
    with pytest.raises(SpecError) as info:
        load_spec(ROOT / "tests/data/invalid/unsupported-locale.json")
    assert len(info.value.problems) == 3
    assert info.value.exit_code == 1


def test_a_missing_optional_section_is_fine_but_a_contradiction_is_not(tmp_path: Path) -> None:
    data = json.loads((ROOT / "samples/jefferson-elementary-public-library.json").read_text())
    data["data_sharing"] = {"shares_student_data": False, "legal_basis": "consent"}
    spec = tmp_path / "s.json"
    spec.write_text(json.dumps(data, indent=2))
    with pytest.raises(SpecError) as info:
        load_spec(spec)
    assert [p.json_path for p in info.value.problems] == ["$.data_sharing.legal_basis"]
    assert "shares_student_data is false" in info.value.problems[0].message


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_no_traceback_ever_reaches_the_user(sample: Path, tmp_path: Path) -> None:
    # Truncating a valid spec at every 97th byte must give a clean error, never a crash.
    raw = sample.read_bytes()
    for cut in range(0, len(raw), 97):
        spec = tmp_path / "cut.json"
        spec.write_bytes(raw[:cut])
        result = CliRunner().invoke(cli, ["validate", str(spec)])
        assert result.exit_code == 1, (cut, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
