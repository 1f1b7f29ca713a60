"""Time docgen serve against ``docgen validate`` run as a process on the same spec.

What a coordinator waits for on the Edit page is the validation round trip: a change posted
by htmx's autosave (``POST /spec/STEM/save`` with every field of the form), the spec written
through the store (whole, the version replaced kept), validated by ``docgen validate``'s own
code, and the page's parts rendered back. The peer is what a person who edits JSON runs after
each change: ``docgen validate SPEC`` as a whole process. Both run on the largest sample (by
bytes), in turn (round-robin, so that the machine's load falls on both alike); the table gives
the median and best wall time of each and the ratio of the medians.

The page render times are the GETs of the spec's pages (Home, Edit, Build, Review,
Translations) with the same app, in process (Starlette's TestClient, no network).

Usage: python benchmarks/serve.py [--rounds 15]
Goal: the round trip at least as fast as the process (ratio ≥ 1).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from serve_support import sample_folder, serve_client  # noqa: E402

from docgen import __version__  # noqa: E402
from docgen.serve.builds import BuildSettings  # noqa: E402
from docgen.serve.forms import form_model, model_to_form  # noqa: E402
from docgen.spec.model import schema  # noqa: E402


def _median(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms"


def _best(values: list[float]) -> str:
    return f"{min(values) * 1000:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    largest = max((ROOT / "samples").glob("*.json"), key=lambda p: p.stat().st_size)
    stem = largest.stem
    docgen = str(Path(sys.executable).with_name("docgen"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = sample_folder(Path(tmp), stem)
        client = serve_client(folder, build_settings=BuildSettings(pdf=False))
        import json

        root = schema()
        data = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
        fields = model_to_form(form_model(root, data))
        purpose_keys = [k for k in fields if fields[k] == data.get("purpose")]
        key = purpose_keys[0] if purpose_keys else next(iter(fields))
        original = fields[key]
        process_copy = Path(tmp) / "validate" / largest.name
        process_copy.parent.mkdir()
        shutil.copy(largest, process_copy)

        def round_trip(i: int) -> float:
            page = client.get(f"/spec/{stem}/edit")
            assert page.status_code == 200
            revision = client.app.state.store.read(stem).revision
            form = dict(fields, revision=revision)
            form[key] = original + (" " * (i % 2)) + ("." if i % 2 else "")
            start = time.perf_counter()
            response = client.post(f"/spec/{stem}/save", data=form,
                                   headers={"hx-request": "true"})
            took = time.perf_counter() - start
            assert response.status_code == 200, response.text[:300]
            # the change was written: the file has a new revision
            assert client.app.state.store.read(stem).revision != revision
            return took

        def process() -> float:
            start = time.perf_counter()
            done = subprocess.run([docgen, "validate", str(process_copy)], capture_output=True,
                                  check=False)
            took = time.perf_counter() - start
            assert done.returncode == 0, done.stderr.decode()
            return took

        pages = {"Home /": "/", "Edit": f"/spec/{stem}/edit", "Build": f"/spec/{stem}/build",
                 "Review": f"/spec/{stem}/review",
                 "Translations": f"/spec/{stem}/translations"}

        def render(path: str) -> float:
            start = time.perf_counter()
            response = client.get(path)
            took = time.perf_counter() - start
            assert response.status_code == 200, path
            return took

        round_trip(1), process()  # warm up: imports, caches, bytecode (round 1 changes the text)
        for path in pages.values():
            render(path)
        trips: list[float] = []
        processes: list[float] = []
        renders: dict[str, list[float]] = {name: [] for name in pages}
        for i in range(args.rounds):
            trips.append(round_trip(i + 2))  # each round undoes or redoes the last change
            processes.append(process())
            for name, path in pages.items():
                renders[name].append(render(path))
    ratio = statistics.median(processes) / statistics.median(trips)
    load = os.getloadavg()
    print(f"docgen {__version__}, {dt.date.today().isoformat()}, {platform.machine()} "
          f"{os.cpu_count()} cores, Python {platform.python_version()}, load "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"spec: samples/{largest.name} ({largest.stat().st_size:,} bytes), "
          f"{len(fields)} form fields, {args.rounds} rounds, interleaved")
    print()
    print("| what | median | best |")
    print("|---|---|---|")
    print(f"| autosave round trip (`POST /spec/{stem}/save`: form → JSON → store → validate → "
          f"page parts) | {_median(trips)} | {_best(trips)} |")
    print(f"| `docgen validate {largest.name}` as a process | {_median(processes)} | "
          f"{_best(processes)} |")
    for name, values in renders.items():
        print(f"| render {name} | {_median(values)} | {_best(values)} |")
    print()
    print(f"ratio: {ratio:.2f} (the process's median ÷ the round trip's; goal ≥ 1: "
          f"{'met' if ratio >= 1 else 'not met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
