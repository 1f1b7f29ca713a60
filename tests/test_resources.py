"""One Resources value travels from the command line to every step: a district's own catalog
folder is the one validate, build, renew and review check notice languages against."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from docgen.cli import cli
from docgen.errors import CatalogError, OutputError, Problem, SpecError, UsageError

JEFFERSON = ROOT / "samples/jefferson-elementary-public-library.json"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A district's catalog folder with a French catalog docgen does not ship, and a spec
    asking for French notices."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "locales", "loc")
    assert invoke("i18n", "init", "fr", "--dir", "loc").exit_code == 0
    data = json.loads(JEFFERSON.read_text(encoding="utf-8"))
    data.pop("$schema", None)
    data["family_notices"]["languages"] = ["en", "fr"]
    Path("spec.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    return tmp_path


def test_validate_checks_languages_against_the_catalog_folder_it_is_given(french) -> None:
    shipped = invoke("validate", "spec.json")
    assert shipped.exit_code == 1
    assert shipped.stderr.startswith(
        "spec.json:78:7: $.family_notices.languages[1]: 'fr' is not a supported language yet")
    own = invoke("validate", "--locales", "loc", "spec.json")
    assert (own.exit_code, own.stdout) == (0, "spec.json: valid\n")


def test_renew_checks_the_renewed_spec_against_the_same_folder(french) -> None:
    refused = invoke("renew", "spec.json", "--school-year", "2027-2028", "-o", "a.json")
    assert refused.exit_code == 1 and not Path("a.json").exists()
    renewed = invoke("renew", "spec.json", "--school-year", "2027-2028", "-o", "b.json",
                     "--locales", "loc")
    assert renewed.exit_code == 0, renewed.output
    assert json.loads(Path("b.json").read_text())["family_notices"]["languages"] == ["en", "fr"]


def test_every_error_carries_its_problems_as_data() -> None:
    alone = UsageError("--jobs must be a number")
    assert alone.problems == [Problem("", message="--jobs must be a number")]
    assert alone.lines() == ["Error: --jobs must be a number"]
    located = CatalogError.at(Path("locales/es/LC_MESSAGES/docgen.po"), "is not UTF-8", line=7)
    assert located.problems == [Problem("locales/es/LC_MESSAGES/docgen.po", 7,
                                        message="is not UTF-8")]
    assert located.lines() == ["Error: locales/es/LC_MESSAGES/docgen.po:7: is not UTF-8"]
    report = SpecError("spec.json: 2 problem(s)", [Problem("spec.json", 3, 4, ("term", "end"),
                                                           "the term ends before it starts"),
                                                   Problem("spec.json", 9, 1, (), "empty")])
    assert report.lines() == ["spec.json:3:4: $.term.end: the term ends before it starts",
                              "spec.json:9:1: $: empty"]
    # an error crosses a process boundary (build --jobs) with its problems and its form
    for error in (alone, located, report, OutputError.at("out", "is a file")):
        again = pickle.loads(pickle.dumps(error))
        assert (type(again), again.problems, again.lines()) == (
            type(error), error.problems, error.lines())
