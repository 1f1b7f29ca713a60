"""PDF throughput: docgen's pool of long-lived LibreOffice workers against one soffice per document.

Usage: python benchmarks/pdf.py [--copies 2] [--workers N]
Builds the samples' DOCX files (copied --copies times), then converts all of them twice and
checks both sides wrote a PDF for each:
  baseline: `soffice --headless --convert-to 'pdf:writer_pdf_Export:{…}'` once per document,
            one after another, with a warm profile (the JSON filter options docgen uses);
  docgen:   PdfPool with one worker per core (startup included).
Prints documents per second for each and a final line ``ratio: N``. Goal (issue #3): 5x.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen.build.run import BuildOptions, build  # noqa: E402
from docgen.pdf.pool import PDF_OPTIONS, PdfJob, PdfPool, find_converter, soffice_version  # noqa: E402


def filter_json() -> str:
    typed = {k: {"type": "boolean" if isinstance(v, bool) else "long", "value": str(v).lower()
                 if isinstance(v, bool) else str(v)} for k, v in PDF_OPTIONS.items()}
    return "pdf:writer_pdf_Export:" + json.dumps(typed, separators=(",", ":"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    converter = find_converter()
    with tempfile.TemporaryDirectory(prefix="docgen-pdfbench-") as tmp:
        tmp_path = Path(tmp)
        build([str(p) for p in sorted((ROOT / "samples").glob("*.json"))],
              BuildOptions(tmp_path / "built"))
        docs = []
        for copy in range(args.copies):
            for src in sorted((tmp_path / "built").glob("*/*.docx")):
                dst = tmp_path / "in" / f"{copy}-{src.parent.name}-{src.name}"
                dst.parent.mkdir(exist_ok=True)
                shutil.copy(src, dst)
                docs.append(dst)
        profile = tmp_path / "profile"
        subprocess.run([converter.soffice, f"-env:UserInstallation=file://{profile}",
                        "--headless", "--version"], capture_output=True)  # warm the profile
        out_a = tmp_path / "baseline"
        start = time.perf_counter()
        for doc in docs:
            subprocess.run([converter.soffice, f"-env:UserInstallation=file://{profile}",
                            "--headless", "--norestore", "--convert-to", filter_json(),
                            "--outdir", str(out_a), str(doc)], capture_output=True, check=True)
        base = time.perf_counter() - start
        made = len(list(out_a.glob("*.pdf")))
        out_b = tmp_path / "pool"
        out_b.mkdir()
        start = time.perf_counter()
        results = PdfPool(converter, workers=args.workers).convert(
            [PdfJob(d, out_b / d.with_suffix(".pdf").name, d.name) for d in docs])
        ours = time.perf_counter() - start
        if made != len(docs) or not all(r.ok for r in results):
            sys.exit("a side failed to convert every document; the comparison is void")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores; "
              f"{soffice_version(converter.soffice)}")
        print(f"documents: {len(docs)} (the samples' DOCX x {args.copies})")
        print(f"one soffice per document: {base:.1f} s, {len(docs) / base:.2f} docs/s")
        print(f"docgen pool ({args.workers} workers, startup included): {ours:.1f} s, "
              f"{len(docs) / ours:.2f} docs/s")
        print(f"ratio: {base / ours:.1f}")


if __name__ == "__main__":
    main()
