"""District batch: N generated specs, every document (and with --pdf every PDF and packet),
several runs; CPU time per spec, wall time, peak memory, and the bare-conversion floor.

Usage: python benchmarks/batch.py [--sizes 100] [--runs 3] [--jobs 2] [--pdf]
       e.g. python benchmarks/batch.py --pdf --sizes 50,100 --runs 3

For each size and run, generates that many valid specs (variations of the samples with their
own ids, schools and dates, the dates moved differently in each run: benchmarks/specs.py),
runs `docgen build DIR -o OUT --jobs J` (with --no-pdf unless --pdf) in a subprocess, and
samples every 20 ms the resident memory and the CPU time of that process and all its
descendants (LibreOffice's included). CPU time per spec is the stable figure on a shared
machine; the wall time is the one a coordinator waits.

With --pdf, each run also converts the same DOCX files with two LibreOffice workers started
beforehand and doing nothing else (the bare-conversion floor), right after the build, and
prints the build's wall time over the floor's; goal of issue #16: 1.2 or less. Memory is
flat when the peak does not grow with the size. The last line is ``ratio: N``: the build's
median wall time over the floor's with --pdf, the CPU seconds per spec without.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from specs import generate  # noqa: E402

_TICK = os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return out


def _sample(pids: list[int], cpu: dict[int, float]) -> int:
    """The summed resident memory of ``pids``; record each one's CPU seconds in ``cpu``."""
    rss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            cpu[p] = max(cpu.get(p, 0.0), (int(fields[11]) + int(fields[12])) / _TICK)
            rss += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return rss


def run(cmd: list[str]) -> tuple[float, float, int, subprocess.CompletedProcess[str]]:
    """Run ``cmd``; return its wall time, the CPU seconds of it and all its descendants, its
    peak summed memory, and how it ended."""
    start = time.perf_counter()
    before = os.times()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, cpu = [0], {}  # type: ignore[var-annotated]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _sample(_tree(proc.pid), cpu))
            time.sleep(0.02)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    stop.set()
    thread.join()
    after = os.times()
    waited = (after.children_user - before.children_user) + (after.children_system
                                                              - before.children_system)
    # what the samples saw of the descendants that ended unseen is in the waited-for total
    total = max(waited, sum(cpu.values()))
    return elapsed, total, peak[0], subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def floor(docs: list[Path], out: Path, workers: int) -> float:
    """The bare conversion of ``docs``: ``workers`` LibreOffice workers started beforehand."""
    from pdf import in_threads  # noqa: PLC0415 - the same floor as benchmarks/pdf.py

    from docgen.pdf.pool import PDF_OPTIONS, PdfJob, _Worker, find_converter

    converter = find_converter()
    started = [_Worker(converter, 90.0) for _ in range(workers)]
    out.mkdir()
    try:
        begin = time.perf_counter()

        def bare(i: int, doc: Path) -> None:
            target = out / (doc.relative_to(doc.parents[2]).as_posix().replace("/", "--"))
            answer = started[i].convert(PdfJob(doc, target.with_suffix(".pdf"), doc.name),
                                        PDF_OPTIONS, 120.0)
            if not answer or not answer.get("ok"):
                raise RuntimeError(f"{doc}: {answer}")

        in_threads(workers, docs, bare)
        return time.perf_counter() - begin
    finally:
        for worker in started:
            worker.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100", help="spec counts, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--pdf", action="store_true", help="PDFs and packets too")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    ratios: list[float] = []
    for size in sizes:
        for r in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="docgen-batch-") as tmp:
                specs, out = Path(tmp) / "specs", Path(tmp) / "out"
                generate(specs, size, seed=2026 + r)
                cmd = [sys.executable, "-m", "docgen", "build", str(specs), "-o", str(out),
                       "--jobs", str(args.jobs)] + ([] if args.pdf else ["--no-pdf"])
                wall, cpu, peak, done = run(cmd)
                if done.returncode != 0:
                    sys.exit(f"the build failed:\n{done.stderr[-3000:]}")
                docs = sorted(p for p in out.rglob("*.docx") if p.parent.name != "built-from")
                pdfs = len([p for p in out.rglob("*.pdf") if p.name != "packet.pdf"])
                bare = floor([out / p.relative_to(out).with_suffix(".docx") for p in
                              sorted(out.rglob("*.pdf")) if p.name != "packet.pdf"],
                             Path(tmp) / "floor", 2) if args.pdf else None
                if bare is not None:
                    ratios.append(wall / bare)
                rows.append((size, r, len(docs), pdfs, wall, cpu, peak, bare))
                print(f"size {size} run {r + 1}: {wall:.1f} s, {cpu / size * 1000:.0f} ms CPU "
                      f"a spec, peak {peak / 2**20:.0f} MB"
                      + (f", floor {bare:.1f} s" if bare is not None else ""), flush=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}; python {platform.python_version()}; jobs {args.jobs}"
          + ("; PDFs with 2 LibreOffice workers" if args.pdf else "; DOCX only"))
    print("| specs | documents | PDFs | wall s (median, min-max) | CPU ms a spec (median) | "
          "peak MB (max) |" + (" floor s (median) | wall / floor |" if args.pdf else ""))
    print("|---|---|---|---|---|---|" + ("---|---|" if args.pdf else ""))
    for size in sizes:
        mine = [row for row in rows if row[0] == size]
        walls = [row[4] for row in mine]
        line = (f"| {size} | {mine[0][2]} | {mine[0][3]} | {statistics.median(walls):.1f} "
                f"({min(walls):.1f}-{max(walls):.1f}) | "
                f"{statistics.median(row[5] / size * 1000 for row in mine):.0f} | "
                f"{max(row[6] for row in mine) / 2**20:.0f} |")
        if args.pdf:
            floors = [row[7] for row in mine if row[7] is not None]
            line += (f" {statistics.median(floors):.1f} | "
                     f"{statistics.median(walls) / statistics.median(floors):.2f} |")
        print(line)
    if args.pdf:
        print(f"ratio: {statistics.median(ratios):.2f}")
    else:
        print(f"ratio: {statistics.median(row[5] / row[0] * 1000 for row in rows):.0f}")


if __name__ == "__main__":
    main()
