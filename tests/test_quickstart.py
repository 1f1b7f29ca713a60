"""The README's quick start works as written on a fresh copy, and the wheel works outside it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES

pytestmark = pytest.mark.slow


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block, "the quick start has a code block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def fresh_copy(dest: Path) -> Path:
    """Copy the files git would check out (tracked and new, not ignored) to ``dest``."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def test_the_quick_start_is_make_demo_then_make_test() -> None:
    assert quick_start_commands() == ["make demo", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_make_demo_builds_every_sample_on_a_fresh_copy(tmp_path: Path) -> None:
    copy = fresh_copy(tmp_path / "docgen")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep)
                                  if ".venv" not in p)
    out = subprocess.run(["make", "demo"], cwd=copy, env=env, capture_output=True, text=True,
                         timeout=900)
    assert out.returncode == 0, out.stdout + out.stderr
    folders = sorted(p.name for p in (copy / "out").iterdir()
                     if p.name not in ("renewal", "review"))
    assert len(folders) == len(SAMPLES)
    # and the annual review of one sample: its renewal, the summary and the redlines
    assert (copy / "out/renewal/lincoln-elementary-bright-futures-2027-28.json").is_file()
    review = {p.name for p in (copy / "out" / "review").iterdir()}
    assert {"summary.md", "summary.html", "summary.json", "redline-mou.docx"} <= review
    if shutil.which("soffice"):
        assert "redline-mou.pdf" in review
    for folder in folders:
        names = {p.name for p in (copy / "out" / folder).iterdir()}
        assert {"mou.docx", "role-chart.docx", "manifest.json"} <= names
        if shutil.which("soffice"):
            assert {"mou.pdf", "role-chart.pdf", "packet.pdf"} <= names


def test_the_wheel_ships_templates_and_schemas_and_works_outside_the_repo(tmp_path: Path) -> None:
    copy = fresh_copy(tmp_path / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(tmp_path / "dist"), str(copy)], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("docgen-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("docgen/templates/mou.docx", "docgen/templates/data-sharing-agreement.docx",
                     "docgen/templates/role-chart.docx",
                     "docgen/schemas/partnership.schema.json"):
        assert expected in names
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(installed)}
    out = subprocess.run(
        [sys.executable, "-c", "from docgen.cli import main; main()",
         "build", str(ROOT / "samples/jefferson-elementary-public-library.json"), "-o", "out"],
        cwd=elsewhere, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    where = subprocess.run([sys.executable, "-c", "import docgen; print(docgen.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True).stdout
    assert where.startswith(str(installed))
    assert (elsewhere / "out/jefferson-es-library-2026-27/mou.docx").exists()
