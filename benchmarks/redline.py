"""Time docgen's DOCX redliner against python-redlines (the .NET Docxodus comparer), same pairs.

Both sides take the two documents as bytes and return the redlined DOCX as bytes, as a caller
uses them: ``docgen.redline.compare.redline(old, new, author=…, date=…).docx`` in process, and
``python_redlines.DocxodusEngine().run_redline(author, old, new)``, which writes both to
temporary files and runs the self-contained .NET ``redline`` binary once per comparison (its
process start is part of its cost; the "startup floor" row shows how much).

The document pairs are generated here with python-docx from a fixed seed (nothing is read from
disk): a small agreement (~40 paragraphs and a table, 5 changes), a 2,000-paragraph agreement
(headings, numbered clauses, tables; 20 word edits, 3 inserted and 3 deleted paragraphs), a
3,000-paragraph one with 1,100 word edits and one deleted paragraph ("dense edits") and a
size series (250 to 4,000 paragraphs, the same 8 changes each) to show how time grows.

Each side runs once to warm up, then --repeat times; the table gives the median (and best) wall
time, the ratio python-redlines ÷ docgen, the revision marks each wrote (w:ins/w:del, then any
property changes such as w:numberingChange; in brackets the count the engine itself reports), and
whether the redline's text, with all changes accepted, reads as the new document and, with all
rejected, as the old one. Without python-redlines installed (``pip install -e '.[bench]'``) the
script says so and times docgen alone; with no working ``docgen.redline.compare`` it times
python-redlines alone. On a machine without ICU (libicu) the script sets
DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 so that the .NET binary starts.

Real-world pairs (``real: …``) come from public-domain legal texts in benchmarks/texts/ (34
CFR 99.30, FERPA's consent rule; Article I of the US Constitution; and a 24-title compilation of
Article I, the largest), edited as counsel edits: clauses reworded, a defined term renamed
everywhere, a paragraph moved, one inserted and one deleted, a heading level changed, a phrase
made bold.

The sides run interleaved (docgen, its I/O floor, python-redlines; again …) for --repeat rounds
a pair, python-redlines at most --their-rounds; each cell gives the median and the spread
(fastest–slowest round). The I/O floor is what any redliner of these files must do: unzip both,
parse every XML part of both, serialise the new one's and zip it.

Whole processes, as a user runs them (the ``process:`` lines): on each real pair and each
agreement pair (docgen's own MOU and data-sharing agreement, a year apart), the
``docgen redline OLD NEW -o OUT --date 2027-06-01 --force`` command (the console script beside
this Python) against a Python process that calls python-redlines on the same files (imports it,
runs ``DocxodusEngine().run_redline``, writes the redline), each a new process, interleaved
(docgen, python-redlines, docgen, …) for --process-rounds rounds after a warm-up of each, with
bytecode caches as an installed docgen has them (PYTHONDONTWRITEBYTECODE is left out of their
environment). Their start-up, imports and exit count, as they do for a user.

Usage: python benchmarks/redline.py [--repeat 5] [--their-rounds 3] [--sizes 250,…,4000]
                                    [--process-rounds 5]
Goals: docgen within 2.5× of the I/O floor on the largest real pair (the ``floor:`` line); the
2,000-paragraph pair in under 0.5 s and at least 10x faster than python-redlines; the whole
docgen redline process at least 10× faster than the python-redlines process on every real and
agreement pair (the ``process ratio: N`` line gives the least). The last line is ``ratio: N``: python-redlines ÷ docgen on
the largest real pair, in process (the redline of bytes to bytes, as in the table).
"""

from __future__ import annotations

import argparse
import cProfile
import ctypes.util
import datetime as dt
import importlib.metadata
import io
import os
import platform
import pstats
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import docx
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen import __version__  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WHEN = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc)
AUTHOR = "docgen"
SEED = 2026

# --------------------------------------------------------------------------------------------
# Document pairs

SCHOOL = "Lincoln Elementary School"
PARTNER = "Bright Futures Youth Services, Inc."
DISTRICT = "Riverside Unified School District"

TOPICS = [
    "Purpose", "Term and Renewal", "Services", "Roles and Responsibilities",
    "Student Records and Confidentiality", "Data Security", "Staffing and Background Checks",
    "Use of School Facilities", "Meetings and Communication", "Family Engagement",
    "Evaluation and Reporting", "Funding and Payment", "Insurance", "Indemnification",
    "Non-Discrimination", "Health and Safety", "Transportation", "Dispute Resolution",
    "Termination", "Notices", "General Provisions",
]
LEADS = [
    "Records", "Access", "Supervision", "Reporting", "Training", "Schedule", "Space",
    "Equipment", "Referrals", "Consent", "Retention", "Destruction", "Audit", "Incidents",
    "Coordination", "Outreach", "Volunteers", "Costs", "Invoices", "Publicity", "Compliance",
]
SERVICES = [
    "after-school tutoring", "family resource center hours", "school-based mental health "
    "counselling", "summer enrichment", "attendance mentoring", "adult English classes",
    "a weekly food pantry", "college and career advising", "restorative justice circles",
]
RECORDS = [
    "attendance records", "grades and assessment results", "enrollment information",
    "program participation logs", "referral forms", "emergency contact information",
]
ROLES = [
    "Community School Coordinator", "principal", "Program Director", "site supervisor",
    "District Privacy Officer", "family liaison", "Executive Director",
]
NUMBERS = ["five", "ten", "fifteen", "thirty", "sixty", "ninety"]
PERIODS = ["quarterly", "monthly", "annually", "each semester"]

SENTENCES = [
    "{P} shall provide {svc} at {S} on the days and at the times set out in the schedule.",
    "The {role} will confirm the schedule in writing at least {n} school days before each term.",
    "{P} shall keep {rec} confidential and shall use them only to deliver and evaluate {svc}.",
    "{S} will make a suitable classroom available for {svc} without charge during the term.",
    "The parties will meet {per} to review progress toward the shared goals of the partnership.",
    "{P} shall not disclose personally identifiable information from {rec} except as FERPA "
    "permits and this agreement allows.",
    "Each staff member of {P} who works with students shall pass a criminal background check "
    "before the first day of service.",
    "{P} will report {per} to the {role} on enrollment, attendance and outcomes of {svc}.",
    "The {role} may request additional information reasonably needed to evaluate {svc}.",
    "{P} shall return or destroy {rec} within {n} days after this agreement ends and will "
    "certify the destruction in writing.",
    "Either party may end this agreement by giving {n} days' written notice to the other.",
    "{P} shall maintain commercial general liability insurance of at least $1,000,000 per "
    "occurrence and will name {D} as an additional insured.",
    "{P} will notify the {role} of any security incident involving {rec} within {n} hours of "
    "discovering it.",
    "The parties will share the cost of family engagement events as agreed in writing each "
    "school year.",
    "{S} will distribute information about {svc} to families in the languages they read.",
    "{P} shall follow the policies of {D} on student supervision, visitors and emergencies.",
    "No party shall discriminate against any student, family member or employee on the basis "
    "of race, color, national origin, sex, disability or religion.",
    "{P} will invoice {D} {per} for services delivered, and {D} will pay each correct invoice "
    "within {n} days.",
    "Any dispute will first be referred to the {role} and the Executive Director, who will meet "
    "within {n} days to resolve it.",
    "Notices under this agreement must be in writing and are effective when delivered to the "
    "address of the receiving party.",
    "{P} will obtain signed parental consent before a student takes part in {svc}.",
    "The {role} will keep a record of every disclosure of {rec} made under this agreement.",
    "{P} will train its staff and volunteers on mandated reporting before they begin work with "
    "students.",
    "Nothing in this agreement creates a partnership, joint venture or employment relationship "
    "between the parties.",
    "This agreement may be amended only by a written instrument signed by both parties.",
    "{D} may audit the records of {P} relating to {svc} on {n} days' notice during business "
    "hours.",
]
INSERTED = [
    "{P} will give the {role} a copy of its annual program evaluation within {n} days after it "
    "is completed.",
    "The parties will review the data-sharing procedures {per} and update them in writing as "
    "needed.",
    "{S} will designate a quiet space for students who need help with homework after "
    "{svc}.",
    "{P} shall keep a sign-in log of all visitors to {svc} and make it available to the {role} "
    "on request.",
]
# Word edits a reviewer makes: the first match in the paragraph is replaced.
SUBSTITUTIONS = [
    (r"\bten\b", "twenty"), (r"\bthirty\b", "forty-five"), (r"\bfive\b", "seven"),
    (r"\bsixty\b", "ninety"), (r"\bquarterly\b", "monthly"), (r"\bmonthly\b", "quarterly"),
    (r"\bannually\b", "each semester"), (r"\bshall\b", "will"), (r"\bmay\b", "must"),
    (r"\$1,000,000", "$2,000,000"), (r"\bwritten\b", "signed written"),
    (r"\breasonably\b", "strictly"), (r"\bsuitable\b", "dedicated"),
    (r"\bcriminal\b", "fingerprint-based criminal"), (r"\bwill\b", "shall"),
]


@dataclass
class Para:
    style: str
    runs: list[tuple[str, bool]]  # (text, bold)

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs)


@dataclass
class Table:
    rows: list[list[str]]


@dataclass
class Pair:
    name: str
    old: bytes
    new: bytes
    paragraphs: int  # body paragraphs of the old document, outside tables
    tables: int
    changes: str
    words: int = 0


@dataclass
class Agreement:
    blocks: list[Para | Table] = field(default_factory=list)

    def paragraphs(self) -> int:
        return sum(isinstance(b, Para) for b in self.blocks)


def fill(template: str, rng: random.Random) -> str:
    text = template.format(
        P=PARTNER if rng.random() < 0.6 else "the Partner", S=SCHOOL, D=DISTRICT,
        svc=rng.choice(SERVICES), rec=rng.choice(RECORDS), role=rng.choice(ROLES),
        n=rng.choice(NUMBERS), per=rng.choice(PERIODS))
    return text[0].upper() + text[1:]


def clause(rng: random.Random) -> Para:
    text = " ".join(fill(s, rng) for s in rng.sample(SENTENCES, rng.randint(2, 3)))
    return Para("List Number", [(rng.choice(LEADS) + ". ", True), (text, False)])


def schedule_table(rng: random.Random, rows: int) -> Table:
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    body = [["Service", "Days", "Hours", "Cost to families"]]
    for _ in range(rows):
        start = rng.randint(13, 16)
        body.append([rng.choice(SERVICES).capitalize(), " and ".join(sorted(rng.sample(days, 2),
                     key=days.index)), f"{start}:00 to {start + 2}:00",
                     rng.choice(["Free", "$5 per session", "$20 per month", "Sliding scale"])])
    return Table(body)


def agreement(paragraphs: int, tables: int, rng: random.Random) -> Agreement:
    """Return an agreement of exactly ``paragraphs`` body paragraphs and ``tables`` tables."""
    doc = Agreement()
    head = [
        Para("Title", [("Memorandum of Understanding", False)]),
        Para("Subtitle", [(f"{SCHOOL} and {PARTNER} · School year 2026–27", False)]),
        Para("Normal", [(f"This Memorandum of Understanding is made between {DISTRICT}, for "
                         f"{SCHOOL}, and {PARTNER}, a California nonprofit public benefit "
                         "corporation (the “Partner”).", False)]),
        Para("Normal", [("WHEREAS, the parties share the goal of helping every student attend "
                         "school regularly and succeed; and", False)]),
        Para("Normal", [("WHEREAS, the Partner has experience delivering after-school and "
                         "family support services in the community;", False)]),
        Para("Normal", [("NOW, THEREFORE, the parties agree as follows.", False)]),
    ]
    tail = [
        Para("Normal", [("IN WITNESS WHEREOF, the parties have signed this agreement on the "
                         "dates below.", False)]),
        Para("Normal", [(f"{DISTRICT}: ______________________  Date: __________", False)]),
        Para("Normal", [(f"{PARTNER}: ______________________  Date: __________", False)]),
    ]
    doc.blocks.extend(head)
    budget = paragraphs - len(head) - len(tail)
    table_every = budget // (tables + 1) if tables else budget + 1
    article, count, next_table = 0, 0, table_every
    while count < budget:
        if count == 0 or rng.random() < 0.08:
            article += 1
            topic = TOPICS[(article - 1) % len(TOPICS)]
            doc.blocks.append(Para("Heading 1", [(f"Article {article}. {topic}", False)]))
        elif rng.random() < 0.05:
            doc.blocks.append(Para("Heading 2", [(rng.choice(LEADS) + " and " +
                                                  rng.choice(LEADS).lower(), False)]))
        elif rng.random() < 0.12:
            doc.blocks.append(Para("List Bullet", [(fill(rng.choice(SENTENCES), rng), False)]))
        else:
            doc.blocks.append(clause(rng))
        count += 1
        if count >= next_table and sum(isinstance(b, Table) for b in doc.blocks) < tables:
            doc.blocks.append(schedule_table(rng, rng.randint(4, 8)))
            next_table += table_every
    doc.blocks.extend(tail)
    assert doc.paragraphs() == paragraphs, (doc.paragraphs(), paragraphs)
    return doc


def edited(doc: Agreement, rng: random.Random, words: int, inserted: int, deleted: int,
           cells: int = 0) -> Agreement:
    """Return a copy of ``doc`` with scattered word edits, inserted and deleted clauses."""
    blocks = [Para(b.style, list(b.runs)) if isinstance(b, Para)
              else Table([list(r) for r in b.rows]) for b in doc.blocks]
    clauses = [i for i, b in enumerate(blocks) if isinstance(b, Para) and b.style == "List Number"]
    need = words + inserted + deleted
    # spread the edits over the document: one per stretch, at a random place in it
    stretch = len(clauses) / need
    chosen = [clauses[int(k * stretch + rng.random() * stretch)] for k in range(need)]
    rng.shuffle(chosen)
    word_at, insert_at, delete_at = (chosen[:words], chosen[words:words + inserted],
                                     chosen[words + inserted:])
    for i in word_at:
        lead, (text, bold) = blocks[i].runs[0], blocks[i].runs[1]
        for pattern, repl in rng.sample(SUBSTITUTIONS, len(SUBSTITUTIONS)):
            new_text = re.sub(pattern, repl, text, count=1)
            if new_text != text:
                break
        else:
            raise AssertionError(f"no word to change in {text!r}")
        blocks[i] = Para(blocks[i].style, [lead, (new_text, bold)])
    tables = [b for b in blocks if isinstance(b, Table)]
    for k in range(cells):
        row = tables[k % len(tables)].rows[1 + k]
        row[3] = "Free" if row[3] != "Free" else "$10 per month"
    for i in sorted(insert_at + delete_at, reverse=True):  # back to front: indexes stay valid
        if i in delete_at:
            del blocks[i]
        else:
            blocks.insert(i + 1, Para("List Number", [("Reporting. ", True),
                                                      (fill(rng.choice(INSERTED), rng), False)]))
    return Agreement(blocks)


def to_docx(doc: Agreement) -> bytes:
    out = docx.Document()
    props = out.core_properties
    props.author, props.title = "docgen benchmarks", "Memorandum of Understanding"
    props.created = props.modified = dt.datetime(2026, 11, 23)
    props.last_modified_by, props.revision = "docgen benchmarks", 1
    style_ids: dict[str, str] = {}  # python-docx looks a style name up in O(styles) each time
    for block in doc.blocks:
        if isinstance(block, Para):
            p = out.add_paragraph()
            if block.style != "Normal":
                if block.style not in style_ids:
                    style_ids[block.style] = out.styles[block.style].style_id
                p._p.style = style_ids[block.style]
            for text, bold in block.runs:
                p.add_run(text).bold = bold or None
        else:
            table = out.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            table.style = "Table Grid"
            for r, values in enumerate(block.rows):
                for c, value in enumerate(values):
                    table.cell(r, c).text = value
            for cell in table.rows[0].cells:
                cell.paragraphs[0].runs[0].bold = True
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def make_pair(name: str, paragraphs: int, tables: int, words: int, inserted: int, deleted: int,
              cells: int = 0, seed: int = SEED) -> Pair:
    rng = random.Random(f"{seed}-{name}")
    old = agreement(paragraphs, tables, rng)
    new = edited(old, rng, words, inserted, deleted, cells)
    parts = [f"{words} word edits"]
    if cells:
        parts.append(f"{cells} table cell{'s' if cells > 1 else ''}")
    parts.append(f"+{inserted}/−{deleted} paragraphs")
    n_words = sum(len(b.text.split()) for b in old.blocks if isinstance(b, Para))
    return Pair(name, to_docx(old), to_docx(new), paragraphs, tables, ", ".join(parts), n_words)


def pairs(sizes: list[int]) -> list[Pair]:
    found = [
        make_pair("small", 40, 1, words=3, inserted=1, deleted=0, cells=1),
        make_pair("2000-paragraph", 2000, 4, words=20, inserted=3, deleted=3),
        dense_pair(),
    ]
    found += [make_pair(f"size {n}", n, max(1, n // 500), words=6, inserted=1, deleted=1)
              for n in sizes]
    return found


def dense_pair(paragraphs: int = 3000, words: int = 1100) -> Pair:
    """Return a ~3,000-paragraph agreement (an empty line after each heading) with a word edit
    in 1,100 clauses and one clause removed: a heavily edited long document must not collapse
    (issue #13, finding 2)."""
    rng = random.Random(f"{SEED}-dense")
    base = agreement(paragraphs * 93 // 100, 2, rng)
    old = Agreement([])
    for b in base.blocks:  # an empty line after each heading, as long documents have
        old.blocks.append(b)
        if isinstance(b, Para) and b.style.startswith("Heading"):
            old.blocks.append(Para("Normal", [("", False)]))
    paragraphs = old.paragraphs()
    blocks = [Para(b.style, list(b.runs)) if isinstance(b, Para)
              else Table([list(r) for r in b.rows]) for b in old.blocks]
    editable = []
    for i, b in enumerate(blocks):
        if isinstance(b, Para) and b.style == "List Number":
            text = b.runs[-1][0]
            for pattern, repl in SUBSTITUTIONS:
                if re.search(pattern, text):
                    editable.append((i, pattern, repl))
                    break
    chosen = rng.sample(editable, words + 1)
    for i, pattern, repl in chosen[:words]:
        lead, (text, bold) = blocks[i].runs[0], blocks[i].runs[-1]
        blocks[i] = Para(blocks[i].style, [lead, (re.sub(pattern, repl, text, count=1), bold)])
    del blocks[chosen[words][0]]
    n_words = sum(len(b.text.split()) for b in old.blocks if isinstance(b, Para))
    return Pair("dense edits", to_docx(old), to_docx(Agreement(blocks)), paragraphs, 2,
                f"{words} word edits, +0/−1 paragraphs", n_words)


def tiny_pair() -> Pair:
    """Return two one-paragraph documents: the engine's fixed cost per comparison."""
    old = Agreement([Para("Normal", [("The parties will meet quarterly.", False)])])
    new = Agreement([Para("Normal", [("The parties will meet monthly.", False)])])
    return Pair("startup floor (1 paragraph)", to_docx(old), to_docx(new), 1, 0, "1 word edit", 5)


def long_paragraph_pair(clauses: int = 400, edits: int = 10) -> Pair:
    """Return one very long paragraph (~10,000 words, an agreement pasted as one block) with a
    few word edits: where a word diff on repeated tokens can turn quadratic."""
    rng = random.Random(7)
    texts = [clause(rng).text for _ in range(clauses)]
    changed = list(texts)
    for k in rng.sample(range(clauses), edits):
        for pattern, replacement in SUBSTITUTIONS:
            edited_text = re.sub(pattern, replacement, changed[k], count=1)
            if edited_text != changed[k]:
                changed[k] = edited_text
                break
    old = Agreement([Para("Normal", [(" ".join(texts), False)])])
    new = Agreement([Para("Normal", [(" ".join(changed), False)])])
    words = len(" ".join(texts).split())
    return Pair("one long paragraph", to_docx(old), to_docx(new), 1, 0,
                f"{edits} word edits", words)


# --------------------------------------------------------------------------------------------
# Real-world pairs: public-domain legal texts (benchmarks/texts/) with the edits counsel makes

TEXTS = ROOT / "benchmarks" / "texts"


def read_text(name: str) -> list[Para]:
    """Return the text ``name`` as paragraphs: ``## `` lines headings, others body text."""
    out = []
    for line in (TEXTS / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            out.append(Para("Heading 2" if line[3:].startswith("Section") else "Heading 1",
                            [(line[3:], False)]))
        elif line.strip() and not line.startswith("#"):
            out.append(Para("Normal", [(line, False)]))
    return out


def counsel_edits(blocks: list[Para], rng: random.Random) -> tuple[list[Para], str]:
    """Return ``blocks`` edited as counsel edits: clauses reworded, a defined term renamed
    everywhere, a paragraph moved, one inserted and one deleted, a heading's level changed, a
    phrase made bold; and what was done."""
    new = [Para(b.style, list(b.runs)) for b in blocks]
    body = [i for i, b in enumerate(new) if b.style == "Normal" and len(b.text.split()) > 12]
    reworded = 0
    for i in rng.sample(body, min(6, len(body))):
        text = new[i].text
        for pattern, replacement in SUBSTITUTIONS:
            edited_text = re.sub(pattern, replacement, text, count=1)
            if edited_text != text:
                new[i] = Para("Normal", [(edited_text, False)])
                reworded += 1
                break
    renamed = 0
    for i, b in enumerate(new):  # a defined term changed everywhere
        if "Treasury" in b.text:
            new[i] = Para(b.style, [(b.text.replace("Treasury", "Public Treasury"), False)])
            renamed += 1
    moved_from = body[len(body) // 3]
    moved = new.pop(moved_from)
    new.insert(min(len(new), moved_from + len(new) // 4), moved)
    deleted_at = body[2 * len(body) // 3]
    del new[deleted_at]
    new.insert(body[len(body) // 2], Para("Normal", [(
        "Each party shall keep the records this agreement requires for five years after it "
        "ends, and shall make them available to the other party on written request.", False)]))
    heading = next(i for i, b in enumerate(new) if b.style.startswith("Heading"))
    new[heading] = Para("Heading 3" if new[heading].style == "Heading 2" else "Heading 2",
                        list(new[heading].runs))
    bold_at = next(i for i in body[3:] if i < len(new) and new[i].style == "Normal")
    words = new[bold_at].text.split(" ")
    new[bold_at] = Para("Normal", [(" ".join(words[:4]) + " ", True),
                                   (" ".join(words[4:]), False)])
    return new, (f"{reworded} clauses reworded, a term renamed in {renamed} paragraphs, 1 "
                 "moved, +1/−1 paragraphs, a heading level, a phrase bold")


def real_pairs() -> list[Pair]:
    """The real-world pairs: 34 CFR 99.30 (FERPA's consent rule), Article I of the US
    Constitution, and a compilation of 24 titles each holding Article I under its own
    number (a long code whose titles share their wording, as compiled codes do)."""
    found = []
    for name, label, copies in (("34-cfr-99-30.txt", "real: 34 CFR 99.30", 1),
                                ("us-constitution-article-1.txt", "real: US Const. art. I", 1),
                                ("us-constitution-article-1.txt",
                                 "real: art. I × 24 titles (largest)", 24)):
        text = read_text(name)
        old: list[Para] = []
        for k in range(copies):
            for b in text:
                title = (f"Title {k + 1}, " if copies > 1 and b.style.startswith("Heading")
                         else "")
                old.append(Para(b.style, [(title + b.text, False)]))
        rng = random.Random(f"{SEED}-{label}")
        new, changes = counsel_edits(old, rng)
        n_words = sum(len(b.text.split()) for b in old)
        found.append(Pair(label, to_docx(Agreement(list(old))), to_docx(Agreement(list(new))),
                          len(old), 0, changes, n_words))
    return found


def agreement_pairs() -> list[Pair]:
    """docgen's own agreements a year apart, as legal staff redline them at each renewal: the
    Lincoln sample's MOU and data-sharing agreement for 2026-27 against those of its 2027-28
    renewal (``docgen renew``), built by the docgen command beside this Python."""
    docgen = Path(sys.executable).with_name("docgen")
    if not docgen.is_file():
        print(f"NOTE: {docgen}: no docgen script beside this Python: no agreement pairs")
        return []
    sample = ROOT / "samples" / "lincoln-elementary-bright-futures.json"
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        renewal = Path(tmp, "renewal.json")
        for command in (
                ["build", str(sample), "-o", str(Path(tmp, "old")), "--no-pdf"],
                ["renew", str(sample), "--school-year", "2027-2028", "--review-date",
                 "2027-05-14", "-o", str(renewal)],
                ["build", str(renewal), "-o", str(Path(tmp, "new")), "--no-pdf"]):
            done = subprocess.run([str(docgen), *command], capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"docgen {command[0]} failed: {done.stderr.strip()}")
        for name, label in (("mou.docx", "agreement: MOU, a year apart"),
                            ("data-sharing-agreement.docx", "agreement: DSA, a year apart")):
            old = next(Path(tmp, "old").glob(f"*/{name}")).read_bytes()
            new = next(Path(tmp, "new").glob(f"*/{name}")).read_bytes()
            with zipfile.ZipFile(io.BytesIO(old)) as zf:
                body = etree.fromstring(zf.read("word/document.xml")).find(f"{W}body")
            assert body is not None
            paragraphs = len(body.findall(f"{W}p"))
            words = sum(len("".join(t.text or "" for t in p.iter(f"{W}t")).split())
                        for p in body.iter(f"{W}p"))
            found.append(Pair(label, old, new, paragraphs, len(body.findall(f"{W}tbl")),
                              "the renewal's changes", words))
    return found


def floor(old: bytes, new: bytes) -> tuple[bytes, int | None]:
    """The I/O floor of a redline: unzip both documents, parse every XML part of both,
    serialise the new one's and zip it (zlib's default level, as a redline is saved)."""
    trees = {}
    for data in (old, new):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = [(i.filename, zf.read(i)) for i in zf.infolist()]
        trees = {n: etree.fromstring(b) for n, b in parts
                 if n.endswith((".xml", ".rels")) and b}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in parts:
            zf.writestr(n, etree.tostring(trees[n], xml_declaration=True, encoding="UTF-8",
                                          standalone=True) if n in trees else b)
    return buf.getvalue(), None


# --------------------------------------------------------------------------------------------
# Reading the results


def parts_of(docx_bytes: bytes) -> list[etree._Element]:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as zf:
        return [etree.fromstring(zf.read(n)) for n in zf.namelist()
                if n.startswith("word/") and n.endswith(".xml") and "/_rels/" not in n
                and re.search(r"(document|header\d*|footer\d*|footnotes|endnotes)\.xml$", n)]


def revision_marks(docx_bytes: bytes) -> str:
    """Count the w:ins and w:del elements in the stories, then any property-change marks.

    Property changes (w:rPrChange, w:pPrChange, w:numberingChange…) are counted apart: the
    Docxodus comparer marks the automatic number of every clause after an inserted or deleted
    numbered paragraph as a w:numberingChange, which is not a change of text.
    """
    insdel = other = 0
    for root in parts_of(docx_bytes):
        for el in root.iter(etree.Element):
            name = etree.QName(el).localname
            if name in ("ins", "del"):
                insdel += 1
            elif name.endswith("Change"):
                other += 1
    return f"{insdel} + {other} property" if other else str(insdel)


def body_text(docx_bytes: bytes, view: str) -> str:
    """Return the text of every story with all changes accepted, rejected or (``plain``) none."""
    chunks = []
    for root in parts_of(docx_bytes):
        for el in root.iter(f"{W}t", f"{W}delText"):
            inside = {a.tag for a in el.iterancestors(f"{W}ins", f"{W}del", f"{W}moveFrom",
                                                         f"{W}moveTo")}
            gone = {f"{W}del", f"{W}moveFrom"} & inside
            if view == "accept" and (el.tag == f"{W}delText" or gone):
                continue
            if view == "reject" and {f"{W}ins", f"{W}moveTo"} & inside:
                continue
            chunks.append(el.text or "")
    return "".join("".join(chunks).split())  # paragraph breaks and spacing aside


def check(pair: Pair, result: bytes) -> str:
    accept = body_text(result, "accept") == body_text(pair.new, "plain")
    reject = body_text(result, "reject") == body_text(pair.old, "plain")
    return "ok" if accept and reject else (
        "accept≠new" if not accept and reject else "reject≠old" if accept else "both differ")


# --------------------------------------------------------------------------------------------
# The two engines


@dataclass
class Engine:
    name: str
    run: Callable[[bytes, bytes], tuple[bytes, int | None]]  # the redline, revisions it reports
    version: str


def docgen_engine() -> tuple[Engine | None, str]:
    try:
        from docgen.redline.compare import redline
    except ImportError as e:
        return None, f"docgen.redline.compare cannot be imported ({e})"
    probe = tiny_pair()
    try:
        redline(probe.old, probe.new, author=AUTHOR, date=WHEN).docx
    except Exception as e:  # noqa: BLE001 - any failure means: not ready yet
        return None, f"docgen.redline.compare does not work yet ({type(e).__name__}: {e})"

    def run(old: bytes, new: bytes) -> tuple[bytes, int | None]:
        result = redline(old, new, author=AUTHOR, date=WHEN)
        return result.docx, result.revisions

    return Engine("docgen", run, __version__), ""


def python_redlines_engine() -> tuple[Engine | None, str]:
    try:
        from python_redlines import DocxodusEngine
    except ImportError:
        return None, ("python-redlines is not installed: timing docgen alone "
                      "(install it with: pip install -e '.[bench]')")
    try:
        engine = DocxodusEngine()  # extracts the .NET binary once into the user cache
    except Exception as e:  # noqa: BLE001 - e.g. EngineNotInstalledError: report and go on
        return None, f"python-redlines is installed but its engine is not: {e}"
    if ctypes.util.find_library("icuuc") is None:
        # .NET refuses to start without ICU (Debian: libicu72) unless told to run without it;
        # the comparison does not depend on culture data
        os.environ.setdefault("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
    when = WHEN.strftime("%Y-%m-%dT%H:%M:%SZ")

    def run(old: bytes, new: bytes) -> tuple[bytes, int | None]:
        result, stdout, _ = engine.run_redline(AUTHOR, old, new, date_time=when)
        # stdout ends "Redline complete: 4 revision(s) found"
        found = re.search(r"(\d+) revision", stdout or "")
        return result, int(found.group(1)) if found else None

    try:
        probe = tiny_pair()
        run(probe.old, probe.new)
    except Exception as e:  # noqa: BLE001 - e.g. the binary cannot start on this machine
        return None, f"python-redlines' Docxodus binary does not run here: {e}"
    return Engine("python-redlines", run, importlib.metadata.version("python-redlines")), ""


def timed(engine: Engine, pair: Pair, repeat: int) -> tuple[list[float], bytes, int | None]:
    result, reported = engine.run(pair.old, pair.new)  # warm-up, and the output to check
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        engine.run(pair.old, pair.new)
        times.append(time.perf_counter() - start)
    return times, result, reported


#: the python-redlines side of the whole-process comparison: a Python process that redlines
#: argv[1] against argv[2] into argv[3] with python-redlines, as a caller's script does
THEIR_PROCESS = """
import sys
from python_redlines import DocxodusEngine
old, new = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
out, _, _ = DocxodusEngine().run_redline("docgen", old, new, date_time="2027-06-01T00:00:00Z")
open(sys.argv[3], "wb").write(out)
"""


def run_process(command: list[str]) -> float:
    """Run ``command`` to the end, with bytecode caches allowed (as an installed docgen has
    them), and return its wall time; a failure ends the benchmark."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} exited with {done.returncode}: "
                 f"{done.stderr.decode(errors='replace').strip()}")
    return elapsed


def load_average() -> str:
    """Return the machine's load averages over 1, 5 and 15 minutes, or "?"."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def whole_processes(pair: Pair, rounds: int) -> dict[str, list[float]]:
    """Time the docgen redline command and a python-redlines process on ``pair``, each a new
    process, interleaved for ``rounds`` rounds after a warm-up of each (the page cache, the
    .pyc files, .NET's extraction)."""
    docgen = Path(sys.executable).with_name("docgen")
    if not docgen.is_file():
        print(f"NOTE: {docgen}: no docgen script beside this Python (pip install -e .): no "
              "whole-process comparison")
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp, "old.docx"), Path(tmp, "new.docx")
        old.write_bytes(pair.old)
        new.write_bytes(pair.new)
        commands = {
            "docgen": [str(docgen), "redline", str(old), str(new), "-o",
                       str(Path(tmp, "ours.docx")), "--date", "2027-06-01", "--force"],
            "python-redlines": [sys.executable, "-c", THEIR_PROCESS, str(old), str(new),
                                str(Path(tmp, "theirs.docx"))],
        }
        for command in commands.values():
            run_process(command)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(rounds):
            for name, command in commands.items():
                times[name].append(run_process(command))
    return times


# --------------------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        memory = f", {mem / 1024 / 1024:.0f} GB"
    except (OSError, StopIteration):
        memory = ""
    os_name = platform.system()
    try:
        os_name = next(line.split("=", 1)[1].strip('"') for line in
                       Path("/etc/os-release").read_text().splitlines()
                       if line.startswith("PRETTY_NAME="))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, {os_name}, Python {platform.python_version()}"


def docgen_revision() -> str:
    """Return the commit the redliner comes from, marked when the work tree changes it."""
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--",
                                "docgen/redline.py", "docgen/ooxml.py"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return f"commit {commit}" + (" with uncommitted changes to the redliner" if dirty else "")


def seconds(t: float | None) -> str:
    if t is None:
        return "—"
    return f"{t * 1000:.0f} ms" if t < 1 else f"{t:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds a pair (after "
                        "one warm-up a side)")
    parser.add_argument("--sizes", default="250,500,1000,2000,4000",
                        help="paragraph counts of the size series (empty: none)")
    parser.add_argument("--their-rounds", type=int, default=3,
                        help="rounds of python-redlines a pair (its runs take seconds)")
    parser.add_argument("--process-rounds", type=int, default=5,
                        help="interleaved rounds of the whole-process comparison (0: none)")
    parser.add_argument("--profile", action="store_true",
                        help="profile docgen on the largest real pair and print the hotspots")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    print(f"machine: {machine()}")
    print(f"date: {dt.date.today().isoformat()}; docgen {__version__} ({docgen_revision()}), "
          f"python-docx "
          f"{importlib.metadata.version('python-docx')}, lxml {etree.__version__}")
    ours, why_not_ours = docgen_engine()
    theirs, why_not_theirs = python_redlines_engine()
    for reason in (why_not_ours, why_not_theirs):
        if reason:
            print(f"NOTE: {reason}")
    if theirs:
        print(f"python-redlines {theirs.version} (DocxodusEngine, one .NET process per comparison)")
    engines = [e for e in (ours, theirs) if e]
    if not engines:
        sys.exit("neither engine can run: nothing to measure")

    start = time.perf_counter()
    todo = ([tiny_pair()] + pairs(sizes) + [long_paragraph_pair()] + agreement_pairs()
            + real_pairs())
    print(f"generated {len(todo)} document pairs in {time.perf_counter() - start:.1f} s")
    print(f"interleaved: docgen, its I/O floor, python-redlines, docgen, … for {args.repeat} "
          f"rounds a pair (python-redlines at most {args.their_rounds}); the machine may be "
          "shared: compare ratios, not times", flush=True)
    floor_engine = Engine("floor", floor, "")

    header = ("| pair | paragraphs (words), tables | changes | docgen, median (spread) | "
              "I/O floor | docgen ÷ floor | python-redlines, median (spread) | ratio | "
              "marks docgen / p-r | text check docgen / p-r |")
    rows = [header, "|---" * 10 + "|"]
    results: dict[str, dict[str, float]] = {}
    series: list[tuple[int, float]] = []
    for pair in todo:
        sides = [e for e in (ours, floor_engine if ours else None, theirs) if e]
        times: dict[str, list[float]] = {e.name: [] for e in sides}
        marks: dict[str, str] = {}
        checks: dict[str, str] = {}
        for engine in list(sides):
            try:
                result, reported = engine.run(pair.old, pair.new)  # warm-up, and the output
            except Exception as e:  # noqa: BLE001 - report the failure in the table, go on
                print(f"{pair.name}: {engine.name} failed: {type(e).__name__}: {e}")
                marks[engine.name], checks[engine.name] = "—", "failed"
                sides.remove(engine)
                continue
            if engine is not floor_engine:
                marks[engine.name] = (f"{revision_marks(result)} "
                                      f"({'?' if reported is None else reported})")
                checks[engine.name] = check(pair, result)
        for k in range(args.repeat):
            for engine in sides:
                if engine is theirs and k >= args.their_rounds:
                    continue
                t0 = time.perf_counter()
                engine.run(pair.old, pair.new)
                times[engine.name].append(time.perf_counter() - t0)
        medians = {n: statistics.median(t) for n, t in times.items() if t}
        results[pair.name] = medians

        def cell(name: str) -> str:
            t = times.get(name)
            if not t:
                return "—"
            return f"{seconds(statistics.median(t))} ({seconds(min(t))}–{seconds(max(t))})"

        a, b, f = medians.get("docgen"), medians.get("python-redlines"), medians.get("floor")
        ratio = f"{b / a:.1f}×" if a and b else "—"
        over = f"{a / f:.2f}×" if a and f else "—"
        print(f"{pair.name}: docgen {cell('docgen')}, floor {cell('floor')}, python-redlines "
              f"{cell('python-redlines')}; {marks.get('docgen', '—')} marks, text "
              f"{checks.get('docgen', '—')}", flush=True)
        if pair.name.startswith("size") and a:
            series.append((pair.paragraphs, a))
        rows.append(f"| {pair.name} | {pair.paragraphs:,} ({pair.words:,}), {pair.tables} | "
                    f"{pair.changes} | {cell('docgen')} | {cell('floor')} | {over} | "
                    f"{cell('python-redlines')} | {ratio} | "
                    f"{marks.get('docgen', '—')} / {marks.get('python-redlines', '—')} | "
                    f"{checks.get('docgen', '—')} / {checks.get('python-redlines', '—')} |")

    print()
    print("\n".join(rows))
    print()
    if series:
        base_n, base_t = series[0]
        print("docgen time per 1,000 paragraphs: " + ", ".join(
            f"{n:,}: {t / n * 1000 * 1000:.0f} ms" for n, t in series)
              + f" (time ×{series[-1][1] / base_t:.1f} for paragraphs "
                f"×{series[-1][0] / base_n:.0f})")
    two = results.get("2000-paragraph", {})
    if "docgen" in two:
        print(f"docgen on the 2,000-paragraph pair: {seconds(two['docgen'])} "
              f"({'meets' if two['docgen'] < 0.5 else 'MISSES'} the goal of < 0.5 s)"
              + (f", {two['python-redlines'] / two['docgen']:.1f}× python-redlines"
                 if "python-redlines" in two else ""))
    largest = results.get(todo[-1].name, {})
    if "docgen" in largest and "floor" in largest:
        print(f"floor: docgen within {largest['docgen'] / largest['floor']:.2f}× of its I/O "
              f"floor on the largest real pair ({todo[-1].name}; goal ≤ 2.5×)")
    if args.profile and ours:
        pair = todo[-1]
        profiler = cProfile.Profile()
        profiler.enable()
        ours.run(pair.old, pair.new)
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(15)
    if ours and theirs and args.process_rounds > 0:
        wholes = [p for p in todo if p.name.startswith(("real:", "agreement:"))]
        print(f"process: whole processes on {len(wholes)} real and agreement pairs, "
              f"{args.process_rounds} rounds interleaved; load average {load_average()}",
              flush=True)
        ratios = []
        for pair in wholes:
            processes = whole_processes(pair, args.process_rounds)
            if not processes:
                break

            def spread(t: list[float]) -> str:
                return f"{seconds(statistics.median(t))} ({seconds(min(t))}–{seconds(max(t))})"

            a, b = (statistics.median(processes[n]) for n in ("docgen", "python-redlines"))
            ratios.append((b / a, pair.name))
            print(f"process: {pair.name}: docgen redline {spread(processes['docgen'])}, "
                  f"python-redlines {spread(processes['python-redlines'])}: {b / a:.1f}×; "
                  f"load average after {load_average()}", flush=True)
        if ratios:
            low, name = min(ratios)
            print(f"process ratio: {low:.1f} (python-redlines' process ÷ docgen's, the least "
                  f"of the {len(ratios)} pairs: {name}; "
                  f"{'meets' if low >= 10 else 'MISSES'} the goal of ≥ 10× on every pair)")
    if "docgen" in largest and "python-redlines" in largest:
        print(f"ratio: {largest['python-redlines'] / largest['docgen']:.1f}")
    else:
        print("ratio: — (needs both engines)")


if __name__ == "__main__":
    main()
