"""Measure documents per second: docgen's compiled templates against docxtpl, side by side.

Both sides render the same template with the same context and the same Jinja environment, and
write a complete DOCX to memory. Before timing, the script checks that both give the same text.

Usage: python benchmarks/render.py [--seconds 5] [--template NAME] [--spec samples/…json]
Without --template, each shipped template is measured on its own, then a whole packet (the three
documents rendered in turn). The last line is ``ratio: N``: docgen's rate ÷ docxtpl's rate, for
the packet (or for the one template asked for).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import platform
import sys
import time
import zipfile
from pathlib import Path

from docxtpl import DocxTemplate
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen import __version__  # noqa: E402
from docgen.context import build_context  # noqa: E402
from docgen.render import compile_template, make_environment, render  # noqa: E402
from docgen.resources import template_dir  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WHEN = dt.datetime(2026, 8, 10, tzinfo=dt.timezone.utc)


def text_of(docx: bytes) -> list[str]:
    """Return the paragraphs' text of the body of ``docx``."""
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


def with_docxtpl(path: Path, ctx: dict) -> bytes:
    env = make_environment()
    tpl = DocxTemplate(str(path))
    tpl.render(ctx, jinja_env=env, autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def with_docgen(path: Path, ctx: dict) -> bytes:
    return render(compile_template(path), ctx, source_date=WHEN)


def rate(fn, path: Path, ctx: dict, seconds: float) -> tuple[float, int]:
    fn(path, ctx)  # warm up: docgen compiles here, once per process
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn(path, ctx)
        count += 1
    return count / elapsed, count


def measure(label: str, paths: list[Path], ctx: dict, seconds: float) -> float:
    def old(_: Path, c: dict) -> None:
        for p in paths:
            with_docxtpl(p, c)

    def new(_: Path, c: dict) -> None:
        for p in paths:
            with_docgen(p, c)

    base, n_base = rate(old, paths[0], ctx, seconds)
    ours, n_ours = rate(new, paths[0], ctx, seconds)
    print(f"{label}: docxtpl {base:.1f}/s ({n_base} renders), docgen {ours:.1f}/s "
          f"({n_ours} renders): {ours / base:.1f}x")
    return ours / base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time per side and measure")
    parser.add_argument("--template", help="measure only this template (e.g. mou.docx)")
    parser.add_argument("--spec", default=str(ROOT / "samples/lincoln-elementary-bright-futures.json"))
    args = parser.parse_args()

    ctx = build_context(json.loads(Path(args.spec).read_text(encoding="utf-8")))
    names = [args.template] if args.template else ["mou.docx", "data-sharing-agreement.docx",
                                                     "role-chart.docx"]
    paths = [template_dir() / name for name in names]
    print(f"machine: {platform.machine()} {platform.processor() or ''}, python "
          f"{platform.python_version()}, docgen {__version__}; spec {Path(args.spec).name}")
    for path in paths:
        a, b = text_of(with_docxtpl(path, ctx)), text_of(with_docgen(path, ctx))
        if a != b:
            sys.exit(f"{path.name}: the two renderers disagree on the text; the comparison "
                     "would be meaningless")
        print(f"{path.name}: same text from both ({sum(len(p) for p in b)} characters, "
              f"{len(b)} paragraphs)")
    ratios = [measure(f"{p.name} docs", [p], ctx, args.seconds) for p in paths]
    if len(paths) > 1:
        ratio = measure("packets (all three)", paths, ctx, args.seconds)
    else:
        ratio = ratios[0]
    print(f"ratio: {ratio:.1f}")


if __name__ == "__main__":
    main()
