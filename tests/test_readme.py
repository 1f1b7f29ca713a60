"""The README's examples work as typed and print what the README shows.

An example is a command in a ``` block of README.md whose line starts with ``$ docgen`` (with
its ``\\`` continuation lines), and the lines after it up to the next command. Each runs in a
fresh folder holding a copy of ``samples/`` and of ``examples/`` (the files the README's
examples use: ``partner.json`` with its mistakes, ``pasted-from-word.json`` and
``typed-by-hand.json`` with the mistakes of writing JSON by hand, last year's MOU and a lawyer's edit of it,
and ``jefferson-2025-26.json``, a spec of schema 1.1),
after the examples it follows (FOLLOWS), through
``docgen.cli.run`` with stdout and stderr together, as a terminal shows them; the folder is the
current directory, so paths print as typed. A README line ``…`` stands for any number of lines
left out, and a line ending in ``…`` for a line that begins with the text before it.

Examples that make PDFs (``build`` and ``review`` without ``--no-pdf``) run LibreOffice and are
marked slow.
"""

from __future__ import annotations

import contextlib
import difflib
import glob
import io
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, require
from docgen.cli import run

README = ROOT / "README.md"
INPUTS = ROOT / "examples"

# an example that needs what an earlier one wrote: (its command's start, the earlier one's start)
FOLLOWS = {
    "docgen build samples -o out": "docgen build samples/lincoln-elementary-bright-futures.json",
    "docgen review samples/lincoln-elementary-bright-futures.json lincoln-2027-28.json":
        "docgen renew samples/lincoln-elementary-bright-futures.json",
}
# the exit code an example shows by its output; every other example exits 0
EXIT_CODES = {"docgen validate examples/partner.json": 1,
              "docgen validate examples/pasted-from-word.json": 1,
              "docgen validate examples/typed-by-hand.json": 1}


@dataclass(frozen=True)
class Example:
    line: int  # of the command in README.md
    command: str
    printed: tuple[str, ...]

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.command)[1:]

    def runs_libreoffice(self) -> bool:
        return self.argv[0] in ("build", "review") and "--no-pdf" not in self.argv


def readme_examples() -> list[Example]:
    text = README.read_text(encoding="utf-8")
    examples: list[Example] = []
    for block in re.finditer(r"^```\n(.*?)^```$", text, re.S | re.M):
        first = text.count("\n", 0, block.start(1)) + 1
        lines = block.group(1).splitlines()
        i = 0
        while i < len(lines):
            if not lines[i].startswith("$ docgen"):
                i += 1
                continue
            start, command = first + i, lines[i][2:]
            while command.endswith("\\"):
                i += 1
                command = command[:-1].rstrip() + " " + lines[i].strip()
            i += 1
            printed = []
            while i < len(lines) and not lines[i].startswith("$ "):
                printed.append(lines[i])
                i += 1
            while printed and not printed[-1].strip():
                printed.pop()
            examples.append(Example(start, command, tuple(printed)))
    return examples


EXAMPLES = readme_examples()


def predecessor(example: Example) -> Example | None:
    follows = [after for start, after in FOLLOWS.items() if example.command.startswith(start)]
    if not follows:
        return None
    earlier = [e for e in EXAMPLES if e.command.startswith(follows[0]) and e.line < example.line]
    assert len(earlier) == 1, f"README.md:{example.line}: the example it follows is gone"
    return earlier[0]


def chain(example: Example) -> list[Example]:
    """The example, after the ones it follows, in the order a reader runs them."""
    before = predecessor(example)
    return (chain(before) if before else []) + [example]


def shell_words(argv: list[str]) -> list[str]:
    """Expand glob patterns as the shell does (a pattern matching nothing stays as typed)."""
    words: list[str] = []
    for word in argv:
        matched = sorted(glob.glob(word)) if glob.has_magic(word) else []
        words.extend(matched or [word])
    return words


def run_as_typed(example: Example) -> tuple[int, list[str]]:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = run(shell_words(example.argv))
    return code, printed.getvalue().splitlines()


def shows(readme: list[str], printed: list[str]) -> bool:
    """Whether ``printed`` is what the README's lines show, ``…`` standing for lines left out."""
    if not readme:
        return not printed
    head, rest = readme[0], readme[1:]
    if head.strip() == "…":
        return any(shows(rest, printed[i:]) for i in range(len(printed) + 1))
    if not printed:
        return False
    same = printed[0].startswith(head[:-1]) if head.endswith("…") else printed[0] == head
    return same and shows(rest, printed[1:])


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    shutil.copytree(INPUTS, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


def _param(example: Example):
    slow = any(e.runs_libreoffice() for e in chain(example))
    return pytest.param(example, id=f"README.md:{example.line}:{example.argv[0]}",
                        marks=[pytest.mark.slow] if slow else [])


@pytest.mark.parametrize("example", [_param(e) for e in EXAMPLES])
def test_each_example_prints_what_the_readme_shows(example: Example, workspace: Path) -> None:
    steps = chain(example)
    if any(e.runs_libreoffice() for e in steps):
        require("soffice")
    for before in steps[:-1]:
        code, printed = run_as_typed(before)
        assert code == 0, f"README.md:{before.line}: {before.command}\n" + "\n".join(printed)
    code, printed = run_as_typed(example)
    expected = EXIT_CODES.get(example.command, 0)
    if not shows(list(example.printed), printed):
        diff = "\n".join(difflib.unified_diff(list(example.printed), printed, "README.md",
                                              "printed", lineterm=""))
        pytest.fail(f"README.md:{example.line}: {example.command}\n{diff}")
    assert code == expected, f"README.md:{example.line}: {example.command}: exit {code}"


def test_every_command_the_readme_shows_running_is_checked() -> None:
    shown = [e.argv[0] for e in EXAMPLES]
    assert sorted(set(shown)) == ["build", "explain", "i18n", "redline", "renew", "review",
                                  "validate"]
    assert len(EXAMPLES) == 12
    assert all(e.printed for e in EXAMPLES), "every example shows what it prints"
    for start, after in FOLLOWS.items():
        assert any(e.command.startswith(start) for e in EXAMPLES), start
        assert any(e.command.startswith(after) for e in EXAMPLES), after
    for command in EXIT_CODES:
        assert command in (e.command for e in EXAMPLES), command


def test_the_readme_inputs_are_what_the_examples_name() -> None:
    named = {word for e in EXAMPLES for word in e.argv if (ROOT / word).is_file()
             and word.startswith("examples/")}
    assert named == {"examples/partner.json", "examples/pasted-from-word.json",
                     "examples/typed-by-hand.json", "examples/2026-27/mou.docx",
                     "examples/mou-partner-edits.docx", "examples/jefferson-2025-26.json"}
    assert sorted(str(p.relative_to(ROOT)) for p in INPUTS.rglob("*") if p.is_file()) == \
        sorted(named)


@pytest.mark.parametrize(("readme", "printed", "ok"), [
    (["a", "…", "d"], ["a", "b", "c", "d"], True),
    (["a", "…", "d"], ["a", "d"], True),
    (["a", "…"], ["a"], True),
    (["…", "c", "…"], ["a", "b", "c", "d"], True),
    (["a", "b"], ["a", "b", "c"], False),
    (["a", "c"], ["a", "b", "c"], False),
    (["wrote x, …"], ["wrote x, y, z"], True),
    (["wrote x, …"], ["wrote y, x"], False),
    (["  …"], [], True),
])
def test_an_ellipsis_stands_for_lines_or_a_line_end_left_out(readme, printed, ok) -> None:
    assert shows(readme, printed) is ok


def test_the_activation_the_readme_asks_for_puts_docgen_on_path(in_repo: Path) -> None:
    using = README.read_text(encoding="utf-8").split("## Using docgen", 1)[1].split("```", 1)[0]
    assert "`. .venv/bin/activate`" in using
    assert (in_repo / ".venv/bin/activate").is_file(), "make setup creates .venv"
    bash = require("bash")
    out = subprocess.run([bash, "-c", ". .venv/bin/activate && command -v docgen"],
                         cwd=in_repo, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(in_repo / ".venv/bin/docgen")
