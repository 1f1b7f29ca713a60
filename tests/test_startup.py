"""Commands load only what they run: --help, --version and redline never import the rendering,
schema, locale or PDF libraries (benchmarks/startup.py measures what that saves)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from redline_docs import make_docx

ROOT = Path(__file__).resolve().parent.parent

#: The libraries that cost most of the start-up time of a command that does not use them.
HEAVY = ("docxtpl", "docx", "jsonschema", "babel", "pypdf", "jinja2")

#: Run the CLI with the arguments in argv[1:] and print, last, the heavy modules it imported.
PROBE = f"""
import json, sys
import docgen.cli
code = docgen.cli.run(sys.argv[1:]) if sys.argv[1:] else 0
heavy = {HEAVY!r}
print(json.dumps({{"code": code, "heavy": sorted(m for m in sys.modules
                                               if m.split(".")[0] in heavy),
                  "docgen": sorted(m for m in sys.modules if m.split(".")[0] == "docgen")}}))
"""

#: the modules of the commands other than redline, and what only they run
OTHER_COMMANDS = ("docgen.cli.annual", "docgen.cli.serve", "docgen.cli.specs",
                  "docgen.cli.translators", "docgen.serve", "docgen.spec", "docgen.build",
                  "docgen.review", "docgen.i18n", "docgen.pdf", "docgen.resources",
                  "docgen.render", "docgen.context")


def docgen_modules(*args: str, cwd: Path | None = None) -> tuple[str, int, list[str]]:
    """Return the output of ``docgen ARGS`` run in a new interpreter, its exit code, and the
    docgen modules that were imported."""
    output, code, _ = probe(*args, cwd=cwd)
    return output, code, _LAST["docgen"]


_LAST: dict[str, list[str]] = {}


def probe(*args: str, cwd: Path | None = None) -> tuple[str, int, list[str]]:
    """Return the output of ``docgen ARGS`` run in a new interpreter, its exit code, and the heavy
    modules that were imported."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                         cwd=cwd or ROOT, env=env, check=True, timeout=120)
    *lines, last = out.stdout.splitlines()
    result = json.loads(last)
    _LAST["docgen"] = result["docgen"]
    return "\n".join(lines), result["code"], result["heavy"]


def test_importing_the_cli_imports_no_heavy_library() -> None:
    assert probe() == ("", 0, [])


def test_help_imports_no_heavy_library() -> None:
    output, code, heavy = probe("--help")
    assert code == 0 and "Commands:" in output and "redline" in output
    assert heavy == []


def test_version_imports_no_heavy_library() -> None:
    from docgen import __version__

    assert probe("--version") == (f"docgen, version {__version__}", 0, [])


@pytest.mark.parametrize("command", ["validate", "build", "renew", "review", "context", "schema",
                                     "spec-from-pdf", "verify", "sign", "doctor", "i18n",
                                     "redline"])
def test_a_commands_help_imports_no_heavy_library(command: str) -> None:
    output, code, heavy = probe(command, "--help")
    assert code == 0 and output.startswith(f"Usage: docgen {command} ")
    assert heavy == []


def test_redline_imports_no_heavy_library(tmp_path: Path) -> None:
    (tmp_path / "old.docx").write_bytes(make_docx("Term.", "The Partner shall report monthly."))
    (tmp_path / "new.docx").write_bytes(make_docx("Term.", "The Partner shall report quarterly."))
    output, code, heavy = probe("redline", "old.docx", "new.docx", "-o", "out.docx",
                                "--summary", "out.md", "--date", "2027-06-01", cwd=tmp_path)
    assert code == 0
    assert output == "Wrote out.docx: 1 changed place, 2 tracked revisions; summary in out.md"
    assert (tmp_path / "out.docx").is_file() and (tmp_path / "out.md").is_file()
    assert heavy == []


def test_a_command_that_needs_a_heavy_library_still_loads_it(in_repo: Path) -> None:
    output, code, heavy = probe("validate", "samples/lincoln-elementary-bright-futures.json",
                                cwd=in_repo)
    assert (output, code) == ("samples/lincoln-elementary-bright-futures.json: valid", 0)
    assert "jsonschema" in heavy


def test_redline_loads_no_other_commands_module(tmp_path: Path) -> None:
    (tmp_path / "old.docx").write_bytes(make_docx("Term.", "The Partner shall report monthly."))
    (tmp_path / "new.docx").write_bytes(make_docx("Term.", "The Partner shall report quarterly."))
    output, code, loaded = docgen_modules("redline", "old.docx", "new.docx", "-o", "out.docx",
                                          "--date", "2027-06-01", cwd=tmp_path)
    assert (output, code) == ("Wrote out.docx: 1 changed place, 2 tracked revisions", 0)
    assert "docgen.cli.redline" in loaded and "docgen.redline.compare" in loaded
    assert [m for m in loaded if m.startswith(OTHER_COMMANDS)] == []


def test_a_commands_help_loads_only_its_own_module() -> None:
    output, code, loaded = docgen_modules("redline", "--help")
    assert code == 0 and output.startswith("Usage: docgen redline ")
    assert [m for m in loaded if m.startswith("docgen.cli.")] == [
        "docgen.cli.app", "docgen.cli.arguments", "docgen.cli.options", "docgen.cli.redline"]


def test_help_still_lists_every_command_with_its_summary() -> None:
    output, code, loaded = docgen_modules("--help")
    assert code == 0
    listed = output.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed] == [
        "build", "context", "doctor", "explain", "i18n", "redline", "renew", "review", "schema",
        "serve", "sign", "spec-from-pdf", "validate", "verify"]
    assert "  redline        Compare two Word documents; write NEW with tracked..." in listed
    assert "docgen.cli.specs" in loaded and "docgen.cli.serve" in loaded


def test_a_mistyped_command_is_still_offered_the_one_meant() -> None:
    # a new interpreter, where no command's module is loaded yet
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    out = subprocess.run([sys.executable, "-c", "from docgen.cli import main; main()", "redlin",
                          "a.docx"], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=120)
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr.endswith("Error: No such command 'redlin'. (Did you mean one of: 'explain', 'redline'?)\n")


#: the console script (docgen.cli.main) on argv[1:], saying, as the redline is computed,
#: whether the collector of reference cycles runs and how many start-up objects are frozen
WATCHED = """
import gc, sys
from docgen.redline import compare
redline_files = compare.redline_files
def watched(*args, **kwargs):
    print(f"collector on: {gc.isenabled()}, frozen: {gc.get_freeze_count() > 0}")
    return redline_files(*args, **kwargs)
compare.redline_files = watched
sys.argv[0] = "docgen"
from docgen.cli import main, run
if sys.argv[1] == "run":
    code = run(sys.argv[2:])
    print(f"after run: collector on: {gc.isenabled()}, frozen: {gc.get_freeze_count() > 0}")
else:
    main()
"""


def _watched(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    return subprocess.run([sys.executable, "-c", WATCHED, *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def test_the_console_script_compares_with_the_collector_on(tmp_path: Path) -> None:
    (tmp_path / "old.docx").write_bytes(make_docx("Term.", "The Partner shall report monthly."))
    (tmp_path / "new.docx").write_bytes(make_docx("Term.", "The Partner shall report quarterly."))
    done = _watched("redline", "old.docx", "new.docx", "-o", "out.docx", "--date", "2027-06-01",
                    cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    # what start-up loaded is frozen, and cycles are collected again while the command works
    assert done.stdout.splitlines() == [
        "collector on: True, frozen: True",
        "Wrote out.docx: 1 changed place, 2 tracked revisions"]


def test_a_program_running_a_command_keeps_its_collector_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "old.docx").write_bytes(make_docx("Term.", "The Partner shall report monthly."))
    (tmp_path / "new.docx").write_bytes(make_docx("Term.", "The Partner shall report quarterly."))
    done = _watched("run", "redline", "old.docx", "new.docx", "-o", "out.docx", "--date",
                    "2027-06-01", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        "collector on: True, frozen: False",
        "Wrote out.docx: 1 changed place, 2 tracked revisions",
        "after run: collector on: True, frozen: False"]
