"""Plural rules of gettext catalogs: read, checked and chosen without evaluating catalog text.

A catalog's ``Plural-Forms`` header (``nplurals=2; plural=(n != 1);``) says how many forms a
plural message has and which form a number takes. docgen reads the formula with its own small
parser for gettext's C subset (``n``, whole numbers, ``! * / % + - < <= > >= == != && || ?: ( )``)
and evaluates the parsed tree itself: a catalog is data, like a spec, and its text never reaches
``eval``. What counts as the right number of forms for a language is docgen's own table
(``plural-forms.txt`` beside this module, gettext's conventional rules), never the installed Babel's CLDR data.

>>> rule = parse_plural_forms("nplurals=2; plural=(n != 1);")
>>> rule.count, [rule.form(n) for n in (0, 1, 2)]
(2, [1, 0, 1])
>>> expected_rule("es-MX").header
'nplurals=2; plural=(n != 1);'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Union

#: The most plural forms any language has (Arabic: zero, one, two, few, many, other).
MAX_FORMS = 6
#: The longest formula docgen reads; the longest conventional one (Arabic) has 83 characters.
MAX_LENGTH = 400
#: How deeply parentheses and conditions may nest.
MAX_DEPTH = 40
#: The numbers a rule is tried on: every form must be chosen by one of them, none out of range.
SAMPLES = tuple(sorted(set(range(0, 1001)) | {k * 10 ** e + d for e in range(3, 8)
                                              for k in range(1, 21) for d in (0, 1, 2, 5, 11)}))

_TABLE = Path(__file__).resolve().parent / "plural-forms.txt"


class PluralFormsError(ValueError):
    """A Plural-Forms header docgen cannot use; ``str()`` says why in plain words."""


# --- the formula: tokens, a tree, its value ------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\d+)|(n)|(&&|\|\||==|!=|<=|>=|[-+*/%<>!?:()]))")

Node = Union[int, str, tuple[Any, ...]]  # a number, "n", or (operator, operand, ...)

_BINARY = (("||",), ("&&",), ("==", "!="), ("<", "<=", ">", ">="), ("+", "-"), ("*", "/", "%"))


def _tokens(text: str) -> list[tuple[str, int]]:
    """Return the tokens of ``text`` with the column (from 1) each starts at."""
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None:
            bad = text[pos:].lstrip()[0]
            col = len(text) - len(text[pos:].lstrip()) + 1
            shown = repr(bad) if bad.isprintable() else f"U+{ord(bad):04X}"
            raise PluralFormsError(f"the formula has {shown} at character {col}, which a "
                                   "plural formula cannot contain (it may use n, whole numbers "
                                   "and the operators ! * / % + - < > <= >= == != && || ? :)")
        number, name, op = m.groups()
        if number is not None and len(number) > 9:
            raise PluralFormsError(f"the number {number} in the formula is too large")
        out.append((number or name or op, m.end() - len((number or name or op)) + 1))
        pos = m.end()
    return out


class _Parser:
    """Precedence climbing over gettext's C subset; ``?:`` binds loosest and nests rightwards."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self, wanted: str | None = None) -> str:
        token = self.peek()
        if token is None:
            raise PluralFormsError("the formula ends too early" + (
                f": a {wanted!r} is missing" if wanted else ""))
        if wanted is not None and token != wanted:
            col = self.tokens[self.i][1]
            raise PluralFormsError(f"the formula has {token!r} at character {col} where "
                                   f"{wanted!r} belongs")
        self.i += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            raise PluralFormsError("the formula is empty")
        tree = self.condition()
        if self.peek() is not None:
            token, col = self.tokens[self.i]
            raise PluralFormsError(f"the formula has an unexpected {token!r} at character {col}")
        return tree

    def condition(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise PluralFormsError(f"the formula nests more than {MAX_DEPTH} levels deep")
        test = self.binary(0)
        if self.peek() == "?":
            self.take("?")
            then = self.condition()
            self.take(":")
            test = ("?", test, then, self.condition())
        self.depth -= 1
        return test

    def binary(self, level: int) -> Node:
        if level == len(_BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in _BINARY[level]:
            op = self.take()
            right = self.binary(level + 1)
            if op in ("/", "%") and right == 0:
                raise PluralFormsError(f"the formula divides by zero ('{op}0')")
            left = (op, left, right)
        return left

    def unary(self) -> Node:
        token = self.peek()
        if token == "!":
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise PluralFormsError(f"the formula nests more than {MAX_DEPTH} levels deep")
            operand = self.unary()
            self.depth -= 1
            return ("!", operand)
        if token == "(":
            self.take("(")
            inner = self.condition()
            self.take(")")
            return inner
        if token == "n":
            self.take()
            return "n"
        if token is not None and token.isdigit():
            self.take()
            return int(token)
        if token is None:
            raise PluralFormsError("the formula ends too early: a number or n is missing")
        col = self.tokens[self.i][1]
        raise PluralFormsError(f"the formula has {token!r} at character {col} where a number "
                               "or n belongs")


def _value(node: Node, n: int) -> int:
    """Return the value of ``node`` for ``n``, with C's integer arithmetic."""
    if isinstance(node, int):
        return node
    if node == "n":
        return n
    op = node[0]
    if op == "?":
        return _value(node[2] if _value(node[1], n) else node[3], n)
    if op == "!":
        return int(not _value(node[1], n))
    if op == "&&":
        return int(bool(_value(node[1], n)) and bool(_value(node[2], n)))
    if op == "||":
        return int(bool(_value(node[1], n)) or bool(_value(node[2], n)))
    a, b = _value(node[1], n), _value(node[2], n)
    if op in ("/", "%"):
        if b == 0:
            raise PluralFormsError(f"the formula divides by zero for n = {n}")
        q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)  # C truncates toward zero
        return q if op == "/" else a - b * q
    return _ARITHMETIC[op](a, b)


_ARITHMETIC: dict[str, Callable[[int, int], int]] = {
    "==": lambda a, b: int(a == b), "!=": lambda a, b: int(a != b),
    "<": lambda a, b: int(a < b), "<=": lambda a, b: int(a <= b),
    ">": lambda a, b: int(a > b), ">=": lambda a, b: int(a >= b),
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
}


# --- a rule --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PluralRule:
    """A checked plural rule: ``count`` forms, chosen by ``expr`` (as the catalog wrote it)."""

    count: int
    expr: str
    tree: Node = field(compare=False, repr=False)

    @property
    def header(self) -> str:
        """Return the rule as a Plural-Forms header value."""
        return f"nplurals={self.count}; plural={self.expr};"

    def form(self, n: int) -> int:
        """Return the index of the plural form that the number ``n`` takes."""
        return _value(self.tree, n)


_HEADER = re.compile(r"^\s*nplurals\s*=\s*([^;]*?)\s*;\s*plural\s*=\s*(.*?)\s*;?\s*$", re.S)


def parse_plural_forms(value: str) -> PluralRule:
    """Return the rule of the Plural-Forms header ``value``; raise PluralFormsError if unusable.

    The rule must give every number a form between 0 and nplurals - 1, and use every form.
    """
    if len(value) > MAX_LENGTH + 40:
        raise PluralFormsError(f"the header is {len(value)} characters long; docgen reads "
                               f"headers of at most {MAX_LENGTH + 40} (real rules are under "
                               "100)")
    m = _HEADER.match(value)
    if m is None:
        raise PluralFormsError("the header is not of the form 'nplurals=N; plural=FORMULA;'")
    count_text, expr = m.groups()
    if not count_text.isdigit() or not count_text.isascii():
        raise PluralFormsError(f"nplurals={count_text} is not a whole number")
    count = int(count_text) if len(count_text) < 10 else MAX_FORMS + 1
    if not 1 <= count <= MAX_FORMS:
        raise PluralFormsError(f"nplurals={count_text} is not a number of plural forms (a "
                               f"language has 1 to {MAX_FORMS})")
    if len(expr) > MAX_LENGTH:
        raise PluralFormsError(f"the formula is {len(expr)} characters long; docgen reads "
                               f"formulas of at most {MAX_LENGTH}")
    rule = PluralRule(count, expr, _Parser(expr).parse())
    used = set()
    for n in SAMPLES:
        form = rule.form(n)
        if not 0 <= form < count:
            raise PluralFormsError(f"the formula chooses form {form} for n = {n}, but "
                                   f"nplurals={count} allows only forms 0 to {count - 1}")
        used.add(form)
    unused = sorted(set(range(count)) - used)
    if unused:
        listed = ", ".join(str(u) for u in unused)
        raise PluralFormsError(f"the formula never chooses form{'s' if len(unused) > 1 else ''} "
                               f"{listed} of its {count}, so those translations would never "
                               "be used")
    return rule


# --- what each language expects ------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def conventional_headers() -> dict[str, str]:
    """Return docgen's table of each language's conventional Plural-Forms, by BCP 47 tag."""
    table = {}
    for line in _TABLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            tag, value = line.split("\t", 1)
            table[tag] = value.strip()
    return table


@functools.lru_cache(maxsize=64)
def _conventional(tag: str) -> PluralRule:
    return parse_plural_forms(conventional_headers()[tag])


def expected_rule(tag: str) -> PluralRule | None:
    """Return the rule docgen expects of ``tag``'s catalog (``pt-BR``, else ``pt``), or None
    for a language the table does not list."""
    pieces = tag.replace("_", "-").split("-")
    language = pieces[0].lower()
    regions = [p.upper() for p in pieces[1:] if len(p) == 2 and p.isalpha()]
    table = conventional_headers()
    for key in [f"{language}-{r}" for r in regions] + [language]:
        if key in table:
            return _conventional(key)
    return None


def rule_problem(value: str | None, tag: str, language_name: str | None = None) -> str | None:
    """Return what is wrong with the Plural-Forms header ``value`` of ``tag``'s catalog, with
    what to write instead, or None if docgen can use it."""
    expected = expected_rule(tag)
    name = language_name or tag
    fix = (f"; set it to '{expected.header}' (the rule for {name}; in Poedit: Translation › "
           "Properties › Plural forms)" if expected else "; set it to the rule for the "
           "language, such as 'nplurals=2; plural=(n != 1);' (in Poedit: Translation › "
           "Properties › Plural forms)")
    if value is None:
        return "the header has no Plural-Forms line" + fix
    try:
        rule = parse_plural_forms(value)
    except PluralFormsError as e:
        return f"the Plural-Forms header cannot be used: {e}" + fix
    if expected is not None and rule.count != expected.count:
        return (f"the Plural-Forms header says nplurals={rule.count}, but {name} has "
                f"{expected.count} plural form{'s' if expected.count != 1 else ''}" + fix)
    return None
