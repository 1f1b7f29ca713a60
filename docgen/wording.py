"""Values that make the templates' wording follow the spec: what the agreement calls itself, how
the parties are counted, how a grade range, a funding source and a free-text sentence are
written. The clauses themselves stay in the templates; these are the words they fill in.

>>> defined_term("Memorandum of Understanding"), defined_term("Partnership Agreement")
('MOU', 'Agreement')
>>> grade_phrase(["2", "3", "4", "5"]), grade_phrase(["PK", "K", "1", "adult"])
('grades 2 to 5', 'grades PK to 1 and adults')
>>> funding_source("After School Education and Safety (ASES) Program"), funding_source("Measure G")
('the After School Education and Safety (ASES) Program', 'Measure G')
>>> sentence("referred by the student support team"), sentence("It is (see Exhibit A.)")
('referred by the student support team.', 'It is (see Exhibit A.)')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

#: The grades a spec may name, in school order ('adult' apart).
GRADES = ("PK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth", "eleventh", "twelfth")
_SUFFIXES = {"1": "st", "2": "nd", "3": "rd"}


def defined_term(title: str) -> str:
    """The name the agreement titled ``title`` gives itself (this “MOU”): "MOU" for a
    memorandum of understanding, "MOA" for a memorandum of agreement, else "Agreement"."""
    if re.search(r"\bmemorandum\s+of\s+understanding\b|\bMOU\b", title, re.IGNORECASE):
        return "MOU"
    if re.search(r"\bmemorandum\s+of\s+agreement\b|\bMOA\b", title, re.IGNORECASE):
        return "MOA"
    return "Agreement"


def title_reference(title: str) -> str:
    """The agreement titled ``title`` named inside a sentence: "the Memorandum of
    Understanding", "the Research and Tutoring Partnership Agreement"."""
    return "the " + re.sub(r"^the\s+", "", title.strip(), flags=re.IGNORECASE)


def grade_runs(grades: Sequence[str]) -> list[list[str]]:
    """The spec's grades in school order, in runs of consecutive grades ('adult' apart).

    >>> grade_runs(["5", "K", "1", "3", "adult"])
    [['K', '1'], ['3'], ['5']]
    """
    ordered = sorted((g for g in grades if g in GRADES), key=GRADES.index)
    runs: list[list[str]] = []
    for grade in ordered:
        if runs and GRADES.index(grade) == GRADES.index(runs[-1][-1]) + 1:
            runs[-1].append(grade)
        else:
            runs.append([grade])
    return runs


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def grade_phrase(grades: Sequence[str]) -> str | None:
    """The grades served, each run of three or more written once as a range: "grade 9",
    "grades 4 and 5", "grades 2 to 5", "grades K, 2 and 4", "grades 6 to 8 and adults"."""
    parts: list[str] = []
    for run in grade_runs(grades):
        parts += [f"{run[0]} to {run[-1]}"] if len(run) > 2 else run
    if not parts:
        return "adults" if "adult" in grades else None
    single = len(parts) == 1 and " to " not in parts[0]
    text = ("grade " if single else "grades ") + _and(parts)
    return text + " and adults" if "adult" in grades else text


def says_grades(description: str, grades: Sequence[str]) -> bool:
    """Whether ``description`` already names the grades served (a range "grades 2 to 5",
    "2nd-5th grade", or a single grade "ninth graders", "grade 9"), so a document need not
    say them again."""
    runs = grade_runs(grades)
    if len(runs) != 1 or "adult" in grades:
        return False
    text = description.lower()
    first, last = runs[0][0].lower(), runs[0][-1].lower()

    def forms(grade: str) -> str:
        if grade.isdigit():
            n = int(grade)
            suffix = "th" if 10 <= n % 100 <= 20 else _SUFFIXES.get(grade[-1], "th")
            return rf"(?:{grade}(?:{suffix})?|{_ORDINALS[n - 1]})"
        return {"pk": r"(?:pk|pre-?k|pre-?kindergarten|tk)", "k": r"(?:k|kindergarten)"}[grade]

    to = r"\s*(?:to|-|\u2013|through|thru)\s*"
    if first == last:
        pattern = rf"\bgrades?\s+{forms(first)}\b|\b{forms(first)}[\s-]+grade(?:rs?)?\b"
    else:
        pattern = (rf"\bgrades?\s+{forms(first)}{to}{forms(last)}\b"
                   rf"|\b{forms(first)}{to}{forms(last)}[\s-]+grades?(?:rs)?\b")
    return re.search(pattern, text) is not None


def funding_source(name: str | None) -> str | None:
    """A funding source as the object of "funded by": a named program, fund or grant takes
    "the" ("the After School Education and Safety (ASES) Program"); a name that already has
    its article or determiner ("a 21st CCLC grant"), a measure, proposition or title of a law
    ("Measure G", "Title IV, Part B") stays as written."""
    if not name:
        return name
    text = name.strip()
    if not text[0].isupper() or re.match(
            r"(?i)(the|a|an|its|their|our|this|these)\b|(measure|proposition|prop\.?|title)\s",
            text) or re.match(r"^\S+['’]s\b", text):
        return text
    return "the " + text


#: The end of a sentence, in any script, perhaps inside a closing quote or bracket.
_ENDS_SENTENCE = re.compile("[.?!:\u3002\uff1f\uff01\uff1a\u061f\u06d4\u0964\u104b\u1362][\"'”’)\\]\u300d\u300f\uff09]*$")


def sentence(text: Any) -> Any:
    """Free text as a sentence of its own, or the end of one: it ends with a period unless it
    already ends with ".", "?", "!" or ":" (perhaps inside a closing quote or bracket), or
    with another script's own full stop or question mark (a translation of the spec's text:
    "。", "？", "؟", "۔", "।", "။", "።"). The text itself is kept as written, capitals and all.

    >>> sentence("Call the office"), sentence("请致电学校办公室。"), sentence("¿Preguntas?")
    ('Call the office.', '请致电学校办公室。', '¿Preguntas?')
    """
    if not isinstance(text, str):
        return text
    out = str(text).rstrip()  # str(): a traced value (docgen explain) records its reading
    if out and not re.search(_ENDS_SENTENCE, out):
        out += "."
    return out


def party_words(count: int) -> dict[str, str]:
    """The words for the parties other than one, by how many parties there are: with two,
    "either party" and "the other party"; with more, "any party" and "the other parties"."""
    two = count == 2
    return {"either_party": "either party" if two else "any party",
            "the_other_parties": "the other party" if two else "the other parties",
            "their": "its" if two else "their"}
