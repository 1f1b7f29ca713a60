"""Time docgen's renderer against docxtpl and docxtemplater, same template content, same data.

Rows (each side renders a complete DOCX in memory, as a caller uses it):

- **synthetic agreement**: one agreement written twice, in docxtpl/Jinja syntax (which docgen
  reads too) and in docxtemplater's: 20 headed sections of clauses filling 50 fields, a
  paragraph loop over 8 services, a table row loop over 12 activities, two conditional
  sections shown and one left out. Sides: docgen (``render(compile_template(path))``),
  docxtpl (``DocxTemplate(path).render(); save()``, docgen's Jinja environment) and
  docxtemplater 3 with PizZip in one warm Node process (``benchmarks/node/render.js``:
  ``new PizZip``, ``new Docxtemplater(zip, {paragraphLoop, linebreaks})``, ``render``,
  ``generate`` a DEFLATE zip; timed inside Node, so the pipe costs it nothing);
- **packet**: the shipped MOU, data-sharing agreement and role chart of the Lincoln sample in
  turn: docgen against docxtpl;
- **floor**: what no renderer of these templates can skip, measured alone: the Jinja render
  of docgen's compiled parts, lxml parsing and serialising what they wrote, and the zip write
  of the rendered parts (the unchanged members copied from an archive made once, as docgen
  does); no reading of the template.

Before timing, the script checks that every side writes the same paragraphs (the text of each
``w:p`` of the body, in order) and stops if not. Then it runs the sides interleaved (A B C, A B
C, …) for ``--rounds`` rounds, each a batch of renders sized to take ``--batch`` seconds, and
prints per document the median and the spread (fastest to slowest round) of each side, and
the ratios of medians. The last line is ``ratio: N``: docgen against docxtemplater on the
synthetic agreement (goal ≥ 8×); the lines before it give the packet against docxtpl (goal
≥ 20×) and docgen against the floor (goal within 1.3×).

Usage: python benchmarks/render.py [--rounds 7] [--batch 0.4]
Needs Node (``node`` on PATH) and ``npm ci`` in benchmarks/node (``make bench`` does it);
without them the docxtemplater row says so and the rest is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable

import docx
from docxtpl import DocxTemplate
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen import __version__  # noqa: E402
from docgen.context import build_context  # noqa: E402
from docgen.ooxml import archive  # noqa: E402
from docgen.render import (CompiledTemplate, compile_template, make_environment, render,  # noqa: E402
                           resolve_listing)
from docgen.resources import template_dir  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WHEN = dt.datetime(2026, 8, 10, tzinfo=dt.timezone.utc)
NODE_DIR = ROOT / "benchmarks" / "node"
PACKET = ["mou.docx", "data-sharing-agreement.docx", "role-chart.docx"]

# --- the synthetic agreement -------------------------------------------------------------------

FIELDS = {f"field_{k:02d}": value for k, value in enumerate([
    "Riverside Unified School District", "Lincoln Elementary School", "Bright Futures, Inc.",
    "the Partner", "the School", "the District", "August 10, 2026", "June 30, 2027",
    "after-school tutoring", "family literacy nights", "the Community Schools Coordinator",
    "the Site Director", "the Principal", "Room 114 and the library", "weekdays after school",
    "thirty days", "ten school days", "one million dollars", "two million dollars",
    "the State of California", "Riverside County", "the Superior Court", "written notice",
    "the Family Educational Rights and Privacy Act", "student attendance and grades",
    "aggregate reports", "the end of each semester", "encrypted storage", "five years",
    "the school year", "the Advisory Council", "monthly", "quarterly", "the Board",
    "a background check", "tuberculosis clearance", "mandated reporter training",
    "the Partner's insurer", "general liability", "workers' compensation", "the Program",
    "the Services", "the Agreement", "the Parties", "each Party", "the other Party",
    "English and Spanish", "free of charge", "the school calendar", "the signatories",
], start=1)}

SECTIONS = [
    "Purpose", "Term", "Services", "Roles", "Records", "Security", "Staffing", "Facilities",
    "Meetings", "Families", "Evaluation", "Funding", "Insurance", "Indemnity", "Equity",
    "Safety", "Transport", "Disputes", "Termination", "Notices",
]
CLAUSES = [
    "{a} and {b} agree that {c} will be offered at {d} during {e}.",
    "{a} will name {b} as its contact for {c}, who will meet with {d} {e}.",
    "Nothing in {a} obliges {b} to provide {c} beyond {d}, unless {e} agrees in writing.",
    "{a} will keep {b} for {c} and then destroy them, as {d} requires of {e}.",
    "Either {a} may end {b} with {c} to {d}, and {e} continues until then.",
    "{a} will give {b} {c} before any change to {d} or to {e}.",
]


def _plan() -> list[tuple[str, Any]]:
    """The agreement's blocks, independent of syntax: ("title"|"heading"|"clause"|…, data)."""
    names = list(FIELDS)
    plan: list[tuple[str, Any]] = [("title", "Memorandum of Understanding")]
    k = 0
    for s, section in enumerate(SECTIONS):
        plan.append(("heading", f"{s + 1}. {section}"))
        for c in range(7):
            fields = [names[(k + i * 11) % len(names)] for i in range(5)]
            k += 1
            plan.append(("clause", CLAUSES[(s + c) % len(CLAUSES)], fields))
        if section == "Services":
            plan.append(("services", None))
        if section == "Evaluation":
            plan.append(("table", None))
        if section == "Insurance":
            plan.append(("if", "insured"))
        if section == "Families":
            plan.append(("if", "translated"))
        if section == "Funding":
            plan.append(("if", "fee_waived"))
    return plan


def synthetic_docx(syntax: str) -> bytes:
    """Return the synthetic agreement in ``syntax``: "jinja" (docxtpl, docgen) or
    "docxtemplater"."""
    jinja = syntax == "jinja"

    def field(name: str) -> str:
        return "{{ " + name + " }}" if jinja else "{" + name + "}"

    d = docx.Document()
    for block in _plan():
        kind = block[0]
        if kind == "title":
            d.add_heading(block[1], 0)
        elif kind == "heading":
            d.add_heading(block[1], 1)
        elif kind == "clause":
            template, fields = block[1], block[2]
            d.add_paragraph(template.format(**{k: field(f) for k, f in zip("abcde", fields)}))
        elif kind == "services":
            d.add_paragraph("{%p for s in services %}" if jinja else "{#services}")
            for line in ("{name}: {description}", "Offered {days}, led by {lead}.",
                         "Open to {grades}."):
                d.add_paragraph(line.format(**{k: (field("s." + k) if jinja else field(k))
                                               for k in ("name", "description", "days",
                                                         "lead", "grades")}))
            d.add_paragraph("{%p endfor %}" if jinja else "{/services}")
        elif kind == "table":
            table = d.add_table(rows=1, cols=3)
            for cell, text in zip(table.rows[0].cells, ("Activity", "Lead", "When")):
                cell.text = text
            if jinja:
                table.add_row().cells[0].text = "{%tr for r in rows %}"
                row = table.add_row().cells
                for cell, key in zip(row, ("activity", "lead", "when")):
                    cell.text = field("r." + key)
                table.add_row().cells[0].text = "{%tr endfor %}"
            else:
                row = table.add_row().cells
                row[0].text, row[1].text, row[2].text = "{#rows}{activity}", "{lead}", "{when}{/rows}"
        elif kind == "if":
            name = block[1]
            d.add_paragraph(f"{{%p if {name} %}}" if jinja else f"{{#{name}}}")
            d.add_paragraph(f"Where {field('field_44')} so agrees, {field('field_42')} "
                            f"also covers {field('field_09')} ({name.replace('_', ' ')}).")
            d.add_paragraph(f"This applies to {field('field_45')} from {field('field_07')}.")
            d.add_paragraph("{%p endif %}" if jinja else f"{{/{name}}}")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def synthetic_data() -> dict[str, Any]:
    data: dict[str, Any] = dict(FIELDS)
    data["services"] = [
        {"name": name, "description": f"small-group {name.lower()} for students who need it",
         "days": "Monday to Thursday", "lead": "the Site Director", "grades": "grades two to five"}
        for name in ("Tutoring", "Reading", "Mathematics", "Science", "Art", "Music",
                     "Counseling", "Family nights")]
    data["rows"] = [{"activity": f"Activity {chr(65 + i)}", "lead": "the Coordinator",
                     "when": when} for i, when in enumerate(["each month", "each term"] * 6)]
    data.update(insured=True, translated=True, fee_waived=False)
    return data


# --- the sides ---------------------------------------------------------------------------------


def paragraphs(docx_bytes: bytes) -> list[str]:
    """Return the text of each paragraph of the body of ``docx_bytes``."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


def with_docxtpl(path: Path, ctx: dict[str, Any]) -> bytes:
    tpl = DocxTemplate(str(path))
    tpl.render(ctx, jinja_env=make_environment(), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def with_docgen(path: Path, ctx: dict[str, Any]) -> bytes:
    return render(compile_template(path), ctx, source_date=WHEN)


def floor_of(template: CompiledTemplate, ctx: dict[str, Any]) -> bytes:
    """The floor: Jinja alone on the compiled parts (and the listing pass where a value
    needs it), lxml parse and serialise, the zip write."""
    rendered = {}
    for name, part in template.parts.items():
        # a value's blank line or tab must become paragraphs and tabs to be XML at all: the
        # listing pass on the paragraphs that hold one is part of the floor
        root = etree.fromstring(resolve_listing(part.template.render(ctx)).encode("utf-8"))
        rendered[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                        standalone=True)
    return archive.write_package(template.members, rendered, archive.rendered_style(WHEN))


class Node:
    """docxtemplater in one warm Node process."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(["node", str(NODE_DIR / "render.js")], cwd=NODE_DIR,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, **request: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        reply: dict[str, Any] = json.loads(self.proc.stdout.readline())
        if not reply.get("ok"):
            raise RuntimeError(reply.get("error"))
        return reply

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)


def node_ready() -> str | None:
    """Why docxtemplater cannot run here (None if it can)."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not (NODE_DIR / "node_modules" / "docxtemplater").is_dir():
        return "run `npm ci` in benchmarks/node (make bench does)"
    return None


@dataclass
class Side:
    name: str
    #: render n documents; return the seconds they took
    run: Callable[[int], float]
    batch: int = 1
    times: list[float] | None = None


def timed_python(fn: Callable[[], object]) -> Callable[[int], float]:
    def run(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        return time.perf_counter() - start
    return run


def interleaved(sides: list[Side], rounds: int, batch_seconds: float) -> None:
    """Run ``sides`` A B C, A B C, … for ``rounds`` rounds; keep each side's time a document."""
    for side in sides:
        side.run(3)  # warm up (docgen compiles here, Node's JIT warms)
        once = max(min(side.run(1) for _ in range(3)), 1e-6)
        side.batch = max(1, round(batch_seconds / once))
        side.times = []
    for _ in range(rounds):
        for side in sides:
            assert side.times is not None
            side.times.append(side.run(side.batch) / side.batch)


def ms(t: float) -> str:
    return f"{t * 1000:.2f} ms"


def row(side: Side) -> str:
    times = side.times or []
    med = statistics.median(times)
    return (f"| {side.name} | {ms(med)} | {ms(min(times))} – {ms(max(times))} | "
            f"{side.batch} × {len(times)} |")


def median(side: Side) -> float:
    return statistics.median(side.times or [float("nan")])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--batch", type=float, default=0.4,
                        help="seconds of renders per side per round (default 0.4)")
    parser.add_argument("--spec", default=str(ROOT / "samples/lincoln-elementary-bright-futures.json"))
    args = parser.parse_args()

    why_not = node_ready()
    node = None if why_not else Node()
    print(f"machine: {machine()}")
    print(f"date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; docgen {__version__}, "
          f"docxtpl {version('docxtpl')}, Jinja2 {version('jinja2')}, lxml {version('lxml')}"
          + (", node {node} docxtemplater {docxtemplater} pizzip {pizzip}".format(
              **node.ask(versions=True)) if node else f"; docxtemplater: not run ({why_not})"))

    work = Path(tempfile.mkdtemp(prefix="docgen-bench-render-"))
    try:
        jinja_path = work / "agreement-jinja.docx"
        jinja_path.write_bytes(synthetic_docx("jinja"))
        dt_path = work / "agreement-docxtemplater.docx"
        dt_path.write_bytes(synthetic_docx("docxtemplater"))
        data = synthetic_data()

        # the same paragraphs from every side, or no comparison
        ours = paragraphs(with_docgen(jinja_path, data))
        checks = {"docxtpl": paragraphs(with_docxtpl(jinja_path, data)),
                  "floor": paragraphs(floor_of(compile_template(jinja_path), data))}
        if node:
            node.ask(template=str(dt_path), data=data)
            node.ask(render=1, out=str(work / "dt-out.docx"))
            checks["docxtemplater"] = paragraphs((work / "dt-out.docx").read_bytes())
        for name, theirs in checks.items():
            if theirs != ours:
                first = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b),
                             min(len(ours), len(theirs)))
                sys.exit(f"synthetic agreement: {name} writes other paragraphs than docgen "
                         f"(paragraph {first + 1}: {theirs[first:first + 1]!r} against "
                         f"{ours[first:first + 1]!r}; {len(theirs)} against {len(ours)}); the "
                         "comparison would be meaningless")
        print(f"synthetic agreement: {len(ours)} paragraphs, {sum(map(len, ours)):,} characters, "
              f"{len(FIELDS)} fields, the same text from "
              + ", ".join(["docgen"] + list(checks)))

        agreement = [Side("docgen", timed_python(lambda: with_docgen(jinja_path, data))),
                     Side("docxtpl", timed_python(lambda: with_docxtpl(jinja_path, data)))]
        compiled = compile_template(jinja_path)
        agreement.append(Side("floor (Jinja + lxml + zip)",
                              timed_python(lambda: floor_of(compiled, data))))
        if node:
            agreement.append(Side("docxtemplater (warm Node)",
                                  lambda n: float(node.ask(render=n, out=None)["seconds"])))

        ctx = build_context(json.loads(Path(args.spec).read_text(encoding="utf-8")))
        paths = [template_dir() / name for name in PACKET]
        for path in paths:
            a, b = paragraphs(with_docxtpl(path, ctx)), paragraphs(with_docgen(path, ctx))
            if a != b:
                sys.exit(f"{path.name}: docxtpl and docgen disagree on the text")
        print(f"packet: {', '.join(PACKET)} of {Path(args.spec).name}, the same text from both")
        templates = [compile_template(p) for p in paths]
        packet = [
            Side("docgen", timed_python(lambda: [with_docgen(p, ctx) for p in paths])),
            Side("docxtpl", timed_python(lambda: [with_docxtpl(p, ctx) for p in paths])),
            Side("floor (Jinja + lxml + zip)",
                 timed_python(lambda: [floor_of(t, ctx) for t in templates])),
        ]
        print(f"interleaved: {args.rounds} rounds, each side a batch of ~{args.batch:g} s a "
              "round; time per document (per packet); the machine may be shared", flush=True)
        interleaved(agreement + packet, args.rounds, args.batch)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if node:
            node.close()

    for title, sides in (("synthetic agreement", agreement), ("packet (MOU + DSA + role chart)",
                                                              packet)):
        print()
        print(f"{title}:")
        print("| side | median | spread (fastest – slowest round) | renders |")
        print("|---|---|---|---|")
        for side in sides:
            print(row(side))
    ours_a, ours_p = median(agreement[0]), median(packet[0])
    print()
    print(f"synthetic agreement: docgen {median(agreement[1]) / ours_a:.1f}× docxtpl", end="")
    print(f", within {ours_a / median(agreement[2]):.2f}× of the floor", end="")
    ratio_dt = median(agreement[3]) / ours_a if node else None
    print(f", {ratio_dt:.1f}× docxtemplater (goal ≥ 8×)" if ratio_dt else
          f"; docxtemplater not run ({why_not})")
    print(f"packet: docgen {median(packet[1]) / ours_p:.1f}× docxtpl (goal ≥ 20×), within "
          f"{ours_p / median(packet[2]):.2f}× of the floor (goal ≤ 1.3×)")
    print(f"ratio: {ratio_dt:.1f}" if ratio_dt else "ratio: — (docxtemplater not run)")


if __name__ == "__main__":
    main()
