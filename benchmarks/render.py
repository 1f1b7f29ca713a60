"""Measure documents per second: docgen's compiled templates against docxtpl, side by side.

Both sides render the same template with the same context and the same Jinja environment, and
write a complete DOCX to memory. Before timing, the script checks that both give the same text.

Usage: python benchmarks/render.py [--seconds 5] [--template mou.docx] [--spec samples/…json]
Prints one line per side and a final line ``ratio: N`` (docgen docs/s ÷ docxtpl docs/s).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time per side")
    parser.add_argument("--template", default="mou.docx")
    parser.add_argument("--spec", default=str(ROOT / "samples/lincoln-elementary-bright-futures.json"))
    args = parser.parse_args()

    path = template_dir() / args.template
    ctx = build_context(json.loads(Path(args.spec).read_text(encoding="utf-8")))
    a, b = text_of(with_docxtpl(path, ctx)), text_of(with_docgen(path, ctx))
    if a != b:
        sys.exit("the two renderers disagree on the text; the comparison would be meaningless")
    print(f"machine: {platform.machine()} {platform.processor() or ''} python "
          f"{platform.python_version()}, docgen {__version__}")
    print(f"template: {args.template} ({sum(len(p) for p in b)} characters, {len(b)} paragraphs)")
    base, n_base = rate(with_docxtpl, path, ctx, args.seconds)
    print(f"docxtpl: {base:.1f} docs/s ({n_base} renders)")
    ours, n_ours = rate(with_docgen, path, ctx, args.seconds)
    print(f"docgen:  {ours:.1f} docs/s ({n_ours} renders)")
    print(f"ratio: {ours / base:.1f}")


if __name__ == "__main__":
    main()
