"""What is wrong with a spec that is not JSON, every mistake at once, in plain words.

:func:`json.loads` stops at the first mistake and names it in a parser's terms ("Expecting
value"). A spec is written by hand, often by someone who has never seen JSON, so
:func:`syntax_problems` reads the text again with a forgiving reader that knows the usual
mistakes (curly quotes pasted from Word, comments, a comma too many or too few, single quotes,
a number with a leading zero or with "$" and thousands separators, ``yes`` for ``true``), says
what to write instead, and reads on, so that one run of ``validate`` lists them all. It is run
only on text :mod:`json` refused; where it meets something it cannot read past it says so and
stops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import PathItem
from .positions import line_col

#: A path into the JSON, as far as the reader got.
Path = tuple[PathItem, ...]

_CURLY_DOUBLE = "\u201c\u201d\u201e\u201f\u2033"  # “ ” „ ‟ ″
_CURLY_SINGLE = "\u2018\u2019\u201a\u201b\u2032"  # ‘ ’ ‚ ‛ ′
_QUOTES = '"' + _CURLY_DOUBLE + "'" + _CURLY_SINGLE
_SPACE = " \t\n\r\u00a0\ufeff"
_END_OF_VALUE = ",]}:" + _SPACE
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
#: what a person may type for a number: a sign, "$", digits with thousands separators
_LOOSE_NUMBER = re.compile(r"[-+]?\$?\d+(?:,\d+)*(?:\.\d+)?(?:[eE][-+]?\d+)?%?")
_WORD = re.compile(r"[^\s,\]}:\[{" + re.escape(_QUOTES) + r"]+")
_WORDS = {
    "True": "true", "False": "false", "None": "null", "TRUE": "true", "FALSE": "false",
    "NULL": "null", "Null": "null", "nil": "null", "undefined": "null",
    "yes": "true", "no": "false", "Yes": "true", "No": "false", "YES": "true", "NO": "false",
}
#: how deep the reader follows objects and lists (a spec is a few levels deep)
_MAX_DEPTH = 200


@dataclass(frozen=True)
class SyntaxProblem:
    """One mistake: where it is (an offset into the text), the path it is in, and what to do."""

    offset: int
    path: Path
    message: str


class _Stop(Exception):
    """The reader cannot go on past this point."""


def plain_number(text: str) -> str | None:
    """Return ``text`` written as a JSON number if it reads as one the way a person writes it
    ("$1,000,000", "20%", "2 million", "1.5k"), else None.

    >>> plain_number("$1,000,000"), plain_number("$2 million"), plain_number("twenty")
    ('1000000', '2000000', None)
    """
    words = text.strip().lower().replace("usd", "").replace("dollars", "").strip()
    scale = 1
    for word, factor in (("million", 10**6), ("thousand", 10**3), ("billion", 10**9),
                         ("m", 10**6), ("k", 10**3)):
        if words.endswith(word) and words[:-len(word)].strip()[-1:].isdigit():
            words, scale = words[:-len(word)].strip(), factor
            break
    words = words.replace("$", "", 1).replace(" ", "").rstrip("%") if words else words
    if not re.fullmatch(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", words or "x"):
        return None
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(words.replace(",", "").lstrip("+")) * scale
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None
    written = format(value.normalize(), "f")
    return written


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.problems: list[SyntaxProblem] = []

    def say(self, offset: int, path: Path, message: str) -> None:
        self.problems.append(SyntaxProblem(offset, path, message))

    def stop(self, offset: int, path: Path, message: str) -> _Stop:
        self.say(offset, path, message)
        return _Stop()

    # --- space and comments --------------------------------------------------------------

    def space(self, path: Path) -> None:
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in _SPACE:
                if ch in "\u00a0\ufeff":
                    self.say(self.pos, path, f"an invisible character (U+{ord(ch):04X}) is "
                             "outside the text; delete it (it often comes from copying)")
                self.pos += 1
            elif text.startswith("//", self.pos) or ch == "#":
                self.comment(path, text.find("\n", self.pos))
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                self.comment(path, end + 2 if end >= 0 else -1)
            else:
                return

    def comment(self, path: Path, end: int) -> None:
        mark = "#" if self.text[self.pos] == "#" else self.text[self.pos:self.pos + 2]
        self.say(self.pos, path, f"JSON has no comments: remove this {mark} comment (a note "
                 "for people can go in a \"notes\" or \"description\" field where the "
                 "schema has one)")
        self.pos = end if end >= 0 else len(self.text)

    # --- values ------------------------------------------------------------------------------

    def value(self, path: Path, depth: int) -> None:
        self.space(path)
        text, start = self.text, self.pos
        if start >= len(text):
            raise self.stop(start, path, "the file ends where a value should be; is the end of "
                            "the file missing?")
        ch = text[start]
        if depth > _MAX_DEPTH:
            raise self.stop(start, path, "nested too deeply for a spec")
        if ch == "{":
            self.object(path, depth + 1)
        elif ch == "[":
            self.array(path, depth + 1)
        elif ch in _QUOTES:
            self.string(path)
        else:
            self.bare(path)

    def string(self, path: Path) -> None:
        """Read a piece of text in quotes, whichever quotes they are."""
        text, start = self.text, self.pos
        opening = text[start]
        if opening == '"':
            closers = '"'
        elif opening in _CURLY_DOUBLE:
            closers = '"' + _CURLY_DOUBLE
        else:
            closers = "'" + _CURLY_SINGLE
        end = start + 1
        while end < len(text) and text[end] not in closers and text[end] != "\n":
            end += 2 if text[end] == "\\" else 1
        end = min(end, len(text))
        if opening == '"' and (end == len(text) or text[end] == "\n"):
            # an unclosed straight quote: a curly one on the line is where it was meant to end
            line = text[start + 1:end]
            last = max(line.rfind(q) for q in _CURLY_DOUBLE)
            if last < 0:
                self.say(start, path, "a piece of text is not closed: a double quote (\") is "
                         "missing at its end (a line break inside text is written as \\n)")
                self.pos = end
                return
            end = start + 1 + last
        elif end == len(text) or text[end] == "\n":
            self.say(start, path, "a piece of text is not closed with a double quote (\")")
            self.pos = end
            return
        closing = text[end]
        self.pos = end + 1
        if {opening, closing} & set(_CURLY_DOUBLE + _CURLY_SINGLE):
            curly = list(dict.fromkeys(q for q in (opening, closing) if q not in "\"'"))
            self.say(start if opening != '"' else end, path,
                     f"{' and '.join(curly)} "
                     f"{'is a curly quote' if len(curly) == 1 else 'are curly quotes'} "
                     "(as Word and e-mail write them); JSON needs straight double quotes (\") "
                     "around text: type them again in a plain-text editor, or turn off "
                     "\"smart quotes\"")
        elif opening != '"':
            self.say(start, path, "text needs double quotes (\"), not single quotes (' or ’): "
                     f"write \"{text[start + 1:end]}\"")
        else:
            self.check_escapes(start, end, path)

    def check_escapes(self, start: int, end: int, path: Path) -> None:
        segment = self.text[start:end + 1]
        for match in re.finditer(r"\\(u[0-9a-fA-F]{4}|[\"\\/bfnrt]|.?)", segment, re.S):
            if len(match[1]) == 5 or (match[1] and match[1] in "\"\\/bfnrt"):
                continue
            self.say(start + match.start(), path,
                     "a backslash (\\) in text must be written twice (\\\\)")
            return
        for match in re.finditer(r"[\x00-\x1f]", segment):
            self.say(start + match.start(), path, "a tab or an invisible character inside text "
                     "must be written as \\t, or deleted")
            return

    def bare(self, path: Path) -> None:
        """Read a value that does not start with a quote or a bracket."""
        text, start = self.text, self.pos
        number = _NUMBER.match(text, start)
        loose = _LOOSE_NUMBER.match(text, start)
        if loose and loose.end() > (number.end() if number else start) and (
                loose.end() >= len(text) or text[loose.end()] in _END_OF_VALUE) and (
                "," not in loose.group() or re.fullmatch(
                    r"[-+]?\$?\d{1,3}(,\d{3})+(\.\d+)?%?", loose.group())):
            written = plain_number(loose.group())
            self.pos = loose.end()
            if written is not None:
                token = loose.group()
                drop = [what for what, there in (('"$"', "$" in token), ("commas", "," in token),
                                                 ("the % sign", "%" in token)) if there]
                hint = (f"without {' or '.join(drop)}" if drop
                        else "without the leading zero")
                self.say(start, path, f"{loose.group()} is not a JSON number: write {written} "
                         f"({hint})")
                return
        if number and (number.end() >= len(text) or text[number.end()] in _END_OF_VALUE):
            self.pos = number.end()
            unit = re.compile(r"[ \t]+([^\W\d]+)(?=[ \t]*[,}\]\n])").match(text, self.pos)
            if unit and unit[1] not in ("true", "false", "null"):  # "5 years"
                self.pos = unit.end()
                self.say(start, path, f"{text[start:unit.end()]} is not a JSON value: write "
                         f"{number.group()} (the field's name says what it counts)")
            return
        word = _WORD.match(text, start)
        if word is None:
            raise self.stop(start, path, f"{text[start]!r} cannot start a value: write text in "
                            "double quotes, a number, true, false or null")
        self.pos = word.end()
        token = word.group()
        if token in ("true", "false", "null"):
            return
        if token in _WORDS:
            self.say(start, path, f"{token} is not a JSON value: write {_WORDS[token]}")
        elif token in ("NaN", "Infinity", "-Infinity"):
            self.say(start, path, f"{token} is not a JSON value; write a number")
        else:
            self.say(start, path, f"{token} is not a JSON value: text needs double quotes, "
                     f"e.g. \"{token}\"")

    # --- objects and lists -------------------------------------------------------------------

    def key(self, path: Path) -> str:
        text, start = self.text, self.pos
        if text[start] in _QUOTES:
            before = len(self.problems)
            self.string(path)
            name = text[start + 1:self.pos - 1].replace('\\"', '"')
            # a mistake in a field name is the field's: say its path
            self.problems[before:] = [SyntaxProblem(p.offset, path + (name,), p.message)
                                      for p in self.problems[before:]]
            return name
        word = _WORD.match(text, start)
        if word is None:
            raise self.stop(start, path, f"expected a field name in double quotes, not "
                            f"{text[start]!r}")
        self.pos = word.end()
        self.say(start, path + (word.group(),), "a field name needs double quotes: write "
                 f"\"{word.group()}\"")
        return word.group()

    def object(self, path: Path, depth: int) -> None:
        self.pos += 1
        self.space(path)
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            self.space(path)
            if self.pos >= len(self.text):
                raise self.stop(self.pos, path, "the file ends before the object is closed: "
                                "a } is missing")
            name = self.key(path)
            child = path + (name,)
            self.space(child)
            if self.peek() == ":":
                self.pos += 1
            elif self.peek() == "=":
                self.say(self.pos, child, "write a colon (:) after a field name, not =")
                self.pos += 1
            else:
                raise self.stop(self.pos, child, "a colon (:) is missing after the field name")
            self.value(child, depth)
            if self.after_item(path, child, "}"):
                return

    def array(self, path: Path, depth: int) -> None:
        self.pos += 1
        self.space(path)
        if self.peek() == "]":
            self.pos += 1
            return
        index = 0
        while True:
            self.value(path + (index,), depth)
            if self.after_item(path, path + (index,), "]"):
                return
            index += 1

    def after_item(self, path: Path, child: Path, closer: str) -> bool:
        """Read what follows an item: a comma, the closing bracket, or a mistake; return
        whether the object or list is closed."""
        end_of_item = self.pos
        self.space(path)
        ch = self.peek()
        if ch == closer:
            self.pos += 1
            return True
        if ch == ",":
            comma = self.pos
            self.pos += 1
            self.space(path)
            if self.peek() == closer:
                self.say(comma, child, f"there is a comma after the last item; remove it (JSON "
                         f"allows no comma before {closer})")
                self.pos += 1
                return True
            if self.peek() == ",":
                self.say(self.pos, child, "there are two commas in a row; remove one")
                self.pos += 1
            return False
        if ch == "":
            raise self.stop(self.pos, path, f"the file ends before it is closed: a {closer} is "
                            "missing")
        if ch in "]}":
            raise self.stop(self.pos, path, f"{ch} closes what was not opened here: is a "
                            f"{closer} missing, or one {ch} too many?")
        if ch in _QUOTES + "{[" or ch.isalnum() or ch in "-$":
            if "\n" in self.text[end_of_item:self.pos]:
                self.say(end_of_item, child, "a comma (,) is missing at the end of this line")
            else:
                self.say(self.pos, child, "a comma (,) is missing between these two items")
            return False
        raise self.stop(self.pos, child, f"{ch!r} is not JSON here: items are separated by "
                        "commas")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def document(self) -> None:
        self.value((), 0)
        self.space(())
        if self.pos < len(self.text):
            self.say(self.pos, (), "there is more after the end of the JSON object; remove it, "
                     "or is a { missing at the start?")


def syntax_problems(text: str) -> list[tuple[int, int, Path, str]]:
    """Return each mistake that keeps ``text`` from being JSON, as line, column, JSON path and
    message, in the order they come; [] if the reader finds none it can name."""
    reader = _Reader(text)
    try:
        reader.document()
    except _Stop:
        pass
    except RecursionError:  # pragma: no cover - _MAX_DEPTH stops well before
        reader.say(reader.pos, (), "nested too deeply for a spec")
    out = []
    seen = set()
    for problem in reader.problems:
        line, col = line_col(text, problem.offset)
        if (line, col) not in seen:
            seen.add((line, col))
            out.append((line, col, problem.path, problem.message))
    return out
