"""The command line: documented commands, `docgen context`, and the library staying silent."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from docgen.cli import cli

COMMANDS = cli.list_commands(click.Context(cli))


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"docgen {command}" in result.output


def test_context_prints_exactly_what_templates_see(in_repo) -> None:
    result = CliRunner().invoke(cli, ["context", "samples/lincoln-elementary-bright-futures.json"])
    assert result.exit_code == 0, result.output
    ctx = json.loads(result.stdout)
    assert ctx["term"]["start"] == "August 10, 2026"
    assert ctx["insurance"]["general_liability_per_occurrence"] == "$1,000,000"
    assert ctx["partner"]["name"] == "Bright Futures"
    assert ctx["discloser"]["name"] == "FUSD"
    assert ctx["raci_rows"][0] == {"activity": "Recruit and enroll students",
                                   "cells": ["C", "A", "R", "", "", "I"]}
    assert ctx["termination"]["notice_days"] == 30
    assert ctx["dispute_resolution"] is None
    assert ctx["document"]["locale"] == "en-US"


def test_context_formats_for_the_locale_asked(in_repo) -> None:
    result = CliRunner().invoke(cli, ["context", "samples/lincoln-elementary-bright-futures.json",
                                      "--locale", "es"])
    ctx = json.loads(result.stdout)
    assert ctx["term"]["start"] == "10 de agosto de 2026"
    assert ctx["services"][0]["schedule"]["days"][0] == "lunes"


def test_context_refuses_an_unsupported_locale(in_repo) -> None:
    result = CliRunner().invoke(cli, ["context", "samples/lincoln-elementary-bright-futures.json",
                                      "--locale", "tlh"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --locale: 'tlh' is not a language tag docgen knows")


def test_context_of_an_invalid_spec_reports_its_problems(in_repo) -> None:
    result = CliRunner().invoke(cli, ["context", "tests/data/invalid/invalid-date.json"])
    assert result.exit_code == 1
    assert result.stderr == (
        "tests/data/invalid/invalid-date.json:31:12: $.term.end: \"2027-02-30\" is not a valid "
        "date; write it as YYYY-MM-DD, e.g. 2026-08-17\n")


def test_version() -> None:
    from docgen import __version__

    result = CliRunner().invoke(cli, ["--version"])
    assert result.output == f"docgen, version {__version__}\n"


def test_python_dash_m_runs_the_cli_without_a_traceback_for_bad_input(in_repo) -> None:
    out = subprocess.run([sys.executable, "-m", "docgen", "validate", "tests/data/invalid/a-list.json"],
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert out.stderr.startswith("tests/data/invalid/a-list.json:1:1: a spec must be a JSON object")


def test_the_library_never_prints_or_exits() -> None:
    import pathlib

    package = pathlib.Path(__file__).resolve().parent.parent.joinpath("docgen")
    modules = sorted(package.rglob("*.py"))
    assert len(modules) > 20
    for module in modules:
        name = module.relative_to(package).as_posix()
        if name.startswith("cli/") or name in ("__main__.py", "pdf/worker.py"):
            continue  # the CLI, and the script LibreOffice's own Python runs
        if name == "pdf/lifeline.py":  # the worker's module, and the script of its watchdog
            source = module.read_text(encoding="utf-8")
            assert "print(" not in source
            assert source.count("sys.exit") == 1 and source.rstrip().endswith(
                "sys.exit(watch(int(sys.argv[2]), sys.argv[3]))")
            continue
        source = module.read_text(encoding="utf-8")
        assert "print(" not in source, name
        assert "sys.exit" not in source, name
        assert not re.search(r"^\s*(import|from) click\b", source, re.M), name


def test_schema_prints_the_shipped_schema(in_repo) -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["$id"].endswith("/partnership.schema.json")
    assert result.stdout == (in_repo / "schemas/partnership.schema.json").read_text()


# --- run(argv, stdout, stderr): the CLI as a function ----------------------------------------


def run_captured(*args: str) -> tuple[int, str, str]:
    """Run ``docgen ARGS`` in this process; return its exit code, stdout and stderr."""
    import io

    from docgen.cli import run

    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(list(args), stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_run_returns_the_exit_code_and_writes_to_the_streams_it_is_given(in_repo) -> None:
    code, out, err = run_captured("validate", "samples/lincoln-elementary-bright-futures.json")
    assert (code, out) == (0, "samples/lincoln-elementary-bright-futures.json: valid\n")
    assert err.startswith("notice: not reviewed by a person: the es, vi, ar, zh-Hans ")
    code, out, err = run_captured("validate", "tests/data/invalid/a-list.json")
    assert code == 1 and out == ""
    assert err.startswith("tests/data/invalid/a-list.json:1:1: a spec must be a JSON object")


def test_run_returns_2_for_a_usage_error_and_0_for_version() -> None:
    from docgen import __version__

    assert run_captured("--version") == (0, f"docgen, version {__version__}\n", "")
    code, out, err = run_captured("build")
    assert code == 2 and out == "" and "Missing argument 'SPEC...'" in err


def test_no_command_raises_system_exit() -> None:
    package = Path(__file__).resolve().parent.parent / "docgen" / "cli"
    modules = sorted(package.glob("*.py"))
    assert [m.name for m in modules] == ["__init__.py", "annual.py", "app.py", "arguments.py",
                                         "options.py", "redline.py", "serve.py",
                                         "specs.py", "translators.py"]
    for module in modules:
        assert "SystemExit" not in module.read_text(encoding="utf-8"), module.name


def test_an_installed_docgen_will_not_write_catalogs_into_its_own_package(
        tmp_path, monkeypatch) -> None:
    from docgen import resources
    from docgen.resources import Resources

    monkeypatch.setattr(resources, "installed", lambda: True)
    shipped = Resources.shipped().locales
    before = sorted(p.relative_to(shipped) for p in shipped.rglob("*"))
    for command in (["init", "fr"], ["update"], ["extract"]):
        code, out, err = run_captured("i18n", *command)
        assert code == 2 and out == "", command
        assert err == ("Error: --dir: this docgen is installed, so its own catalogs are not the "
                       "project's; pass --dir with your project's catalog folder, e.g. "
                       "--dir locales\n"), command
    assert sorted(p.relative_to(shipped) for p in shipped.rglob("*")) == before
    # with --dir it writes there, and check reads the shipped catalogs without one
    code, out, _ = run_captured("i18n", "init", "fr", "--dir", str(tmp_path))
    assert code == 0 and (tmp_path / "fr/LC_MESSAGES/docgen.po").is_file()
    code, out, _ = run_captured("i18n", "check", "es")
    assert code == 0 and out == ("es: 81 translated, 0 fuzzy, 0 untranslated, 0 obsolete; "
                                 "not reviewed by a person\n")
