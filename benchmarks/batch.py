"""District batch: N generated specs, every document to DOCX, wall time and peak memory.

Usage: python benchmarks/batch.py [--specs 500] [--jobs 2]
Generates N valid specs (variations of the samples with their own ids, schools and dates),
runs `docgen build DIR -o OUT --no-pdf --jobs J` in a subprocess, samples the resident memory of
that process and all its children every 20 ms, and prints the wall time, the peak summed
memory, and the time of an unchanged rebuild (which must skip everything).
Goal (issue #3): 500 specs in under 60 s on 2 cores, peak memory under 400 MB.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(folder: Path, count: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    samples = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "samples").glob("*.json"))]
    streets = ["Maple Street", "Oak Avenue", "Fruitvale Avenue", "International Boulevard", "High Street"]
    for i in range(count):
        spec = copy.deepcopy(samples[i % len(samples)])
        spec["id"] = f"school-{i:04d}-{spec['id'][:40]}".rstrip("-")[:80]
        school = spec["parties"]["school"]
        school["legal_name"] = f"School Number {i} ({school['legal_name']})"
        school["short_name"] = f"School {i}"
        school["address"]["street"] = f"{rng.randint(10, 9999)} {rng.choice(streets)}"
        spec["purpose"] = spec["purpose"] + f" This is partnership {i} of the district."
        spec["version"] = rng.randint(1, 5)
        sub = folder / f"school-{i // 50:02d}"
        sub.mkdir(exist_ok=True)
        (sub / f"spec-{i:04d}.json").write_text(json.dumps(spec, indent=2, ensure_ascii=False))


def tree_rss(pid: int) -> int:
    """Return the summed resident memory (bytes) of ``pid`` and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def run(cmd: list[str]) -> tuple[float, int, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.02)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    stop.set()
    thread.join()
    return elapsed, peak[0], subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docgen-batch-") as tmp:
        specs, out = Path(tmp) / "specs", Path(tmp) / "out"
        specs.mkdir()
        generate(specs, args.specs)
        cmd = [sys.executable, "-m", "docgen", "build", str(specs), "-o", str(out), "--no-pdf",
               "--jobs", str(args.jobs)]
        elapsed, peak, done = run(cmd)
        if done.returncode != 0:
            sys.exit(f"the build failed:\n{done.stderr[-2000:]}")
        docs = len(list(out.rglob("*.docx")))
        again, peak_again, second = run(cmd)
        skipped = second.stdout.splitlines()[-1]
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python "
              f"{platform.python_version()}")
        print(f"specs: {args.specs}, documents: {docs}, jobs: {args.jobs}")
        print(f"first build: {elapsed:.1f} s ({docs / elapsed:.0f} documents/s), "
              f"peak memory {peak / 2**20:.0f} MB")
        print(f"unchanged rebuild: {again:.1f} s ({skipped}), peak memory "
              f"{peak_again / 2**20:.0f} MB")
        print(f"goal: under 60 s and 400 MB: {'met' if elapsed < 60 and peak < 400 * 2**20 else 'NOT met'}")


if __name__ == "__main__":
    main()
