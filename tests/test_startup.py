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
                                               if m.split(".")[0] in heavy)}}))
"""


def probe(*args: str, cwd: Path | None = None) -> tuple[str, int, list[str]]:
    """Return the output of ``docgen ARGS`` run in a new interpreter, its exit code, and the heavy
    modules that were imported."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                         cwd=cwd or ROOT, env=env, check=True, timeout=120)
    *lines, last = out.stdout.splitlines()
    result = json.loads(last)
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
