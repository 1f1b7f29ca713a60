"""Time whole ``docgen`` processes against the floor of starting Python and importing click.

Every command is a new process, as a user or a script runs it: the floor
``python -c "import click"`` (the venv's interpreter, ``sys.executable``), ``docgen --help``,
``docgen --version`` and ``docgen redline OLD NEW -o OUT --force`` on a two-page agreement pair
(generated here with benchmarks/redline.py's seeded agreement generator: 16 paragraphs with
numbered clauses and a schedule table; 3 word edits, 1 table cell, 1 clause added). ``docgen`` is
the console script beside ``sys.executable``. With python-redlines installed (the ``bench``
extra), its Docxodus ``redline`` binary runs on the same pair as a whole process too, as
python-redlines runs it.

The commands run with bytecode caches, as an installed docgen does (pip compiles a wheel's modules
when it installs them): PYTHONDONTWRITEBYTECODE is left out of their environment, so the warm-up
writes docgen's ``__pycache__``. Without caches every process compiles cli.py and redline.py
again (~20 ms here). The commands run once each to warm up and check their exit codes, then
``--rounds`` times round-robin (one of each in turn, so that the machine's load falls on all
alike); the table gives the median (and best) wall time of each, and a ``ratio: N.NN`` line per
command against the floor, with its goal.

Usage: python benchmarks/startup.py [--rounds 20]
Goals: --help and --version within 3x of the floor, redline of the two-page pair within 4x.
"""

from __future__ import annotations

import argparse
import ctypes.util
import datetime as dt
import importlib.metadata
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from redline import docgen_revision, machine, make_pair  # noqa: E402  (benchmarks/redline.py)

from docgen import __version__  # noqa: E402

PARAGRAPHS = 16  # with the schedule table, two pages each in LibreOffice (US Letter)


def docxodus_binary() -> tuple[str | None, str]:
    """Return python-redlines' Docxodus binary, or None and why it cannot be used."""
    try:
        from python_redlines import DocxodusEngine
    except ImportError:
        return None, "python-redlines is not installed (pip install -e '.[bench]')"
    try:
        binary = DocxodusEngine().extracted_binaries_path
    except Exception as e:  # noqa: BLE001 - e.g. EngineNotInstalledError: report and go on
        return None, f"python-redlines is installed but its engine is not: {e}"
    if ctypes.util.find_library("icuuc") is None:
        os.environ.setdefault("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")  # as redline.py
    return binary, ""


def run(command: list[str]) -> float:
    """Run ``command`` to the end, with bytecode caches allowed, and return its wall time."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} exited with {done.returncode}: "
                 f"{done.stderr.decode(errors='replace').strip()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="timed runs of each command")
    args = parser.parse_args()

    python = sys.executable
    docgen = Path(python).with_name("docgen")
    if not docgen.is_file():
        sys.exit(f"{docgen}: no docgen script beside this Python; run it with the venv's Python "
                 "after pip install -e .")
    print(f"machine: {machine()}")
    print(f"date: {dt.date.today().isoformat()}; docgen {__version__} "
          f"({docgen_revision()}), click {importlib.metadata.version('click')}; {python}")

    with tempfile.TemporaryDirectory() as tmp:
        pair = make_pair("two-page", PARAGRAPHS, 1, words=3, inserted=1, deleted=0, cells=1)
        old, new = Path(tmp, "old.docx"), Path(tmp, "new.docx")
        old.write_bytes(pair.old)
        new.write_bytes(pair.new)
        print(f"pair: {pair.paragraphs} paragraphs ({pair.words} words) and {pair.tables} table; "
              f"{pair.changes}")
        commands: dict[str, tuple[list[str], float | None]] = {
            'python -c "import click"': ([python, "-c", "import click"], None),
            "docgen --help": ([str(docgen), "--help"], 3.0),
            "docgen --version": ([str(docgen), "--version"], 3.0),
            "docgen redline OLD NEW -o OUT --force": (
                [str(docgen), "redline", str(old), str(new), "-o", str(Path(tmp, "out.docx")),
                 "--force"], 4.0),
        }
        binary, why_not = docxodus_binary()
        if binary:
            commands["Docxodus redline OLD NEW OUT (python-redlines)"] = (
                [binary, str(old), str(new), str(Path(tmp, "docxodus.docx")), "--author=docgen"],
                None)
        else:
            print(f"NOTE: {why_not}: no whole-process comparison with python-redlines")

        times: dict[str, list[float]] = {name: [] for name in commands}
        for command, _ in commands.values():
            run(command)  # warm-up: the page cache, .pyc files, .NET's extraction
        for _ in range(args.rounds):
            for name, (command, _) in commands.items():
                times[name].append(run(command))

    medians = {name: statistics.median(t) for name, t in times.items()}
    floor = medians['python -c "import click"']
    print()
    print(f"| command ({args.rounds} rounds, interleaved) | median | best | ÷ floor | goal |")
    print("|---|---|---|---|---|")
    for name, (_, goal) in commands.items():
        print(f"| {name} | {medians[name] * 1000:.0f} ms | {min(times[name]) * 1000:.0f} ms | "
              f"{medians[name] / floor:.2f}× | {f'≤ {goal:.0f}×' if goal else '—'} |")
    print()
    for name, (_, goal) in commands.items():
        if goal is None:
            continue
        ratio = medians[name] / floor
        verdict = "meets" if ratio <= goal else "MISSES"
        print(f"{name}: {medians[name] * 1000:.0f} ms against {floor * 1000:.0f} ms "
              f"({verdict} the goal of ≤ {goal:.0f}×)")
        print(f"ratio: {ratio:.2f}")
    docxodus = "Docxodus redline OLD NEW OUT (python-redlines)"
    if docxodus in medians:
        lead = medians[docxodus] / medians["docgen redline OLD NEW -o OUT --force"]
        print(f"docgen redline against Docxodus, whole processes: {lead:.1f}× faster "
              f"({'meets' if lead >= 10 else 'MISSES'} the goal of ≥ 10×)")


if __name__ == "__main__":
    main()
