"""Write a catalog as gettext's own tools do (``msgcat``, ``msgmerge``, Poedit): lines wrapped
at 79 columns where gettext wraps them, so that a catalog docgen writes comes back unchanged
from a translator's tool, and one a translator's tool wrote comes back unchanged from docgen.

gettext breaks a string where Unicode's line-breaking rules (UAX #14, through libunistring)
allow it: after a space, after a hyphen, around ideographs, never before closing punctuation.
:func:`break_opportunities` follows those rules for the characters catalogs hold (Latin,
Vietnamese, Cyrillic, Arabic-script, Han, Hangul, Ethiopic, Myanmar, punctuation); the tests
compare the result with ``msgcat`` itself.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from typing import Any, Iterable, Iterator

from babel.messages.catalog import Catalog, Message

#: gettext's page width: a line has at most 79 columns.
WIDTH = 79

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n",
            "\r": "\\r", "\t": "\\t", "\v": "\\v"}

# Line-breaking classes (UAX #14) of the characters that change where a line may break.
_CLOSE_PARENTHESIS = set(")]")
_CLOSE = set("}\u3001\u3002\uff0c\uff0e\uff09\uff3d\uff5d\u300d\u300f\u3011\u3009\u300b"
             "\uff60\u3015\u3017\u3019\u301b\u301e\u301f\ufe50\ufe52")
_OPEN = set("([{\uff08\uff3b\uff5b\u300c\u300e\u3010\u3008\u300a\uff5f\u3014\u3016\u3018"
            "\u301a\u301d")
_EXCLAIM = set("!?\uff01\uff1f\u061f\u06d4\u061b\u0021")
_INFIX = set(",.:;\u060c\u037e\u0589\u060d\u07f8\u2044\ufe10\ufe13\ufe14")
_SYMBOL = set("/")
_NONSTARTER = set("\uff1a\uff1b\u3005\u303b\u309d\u309e\u30fb\u30fd\u30fe\u30fc\uff65"
                  "\u203c\u2047\u2048\u2049\u17d6\u2044")
_QUOTE = set("\"'\u2018\u2019\u201c\u201d\u201b\u201f\u00ab\u00bb\u2039\u203a\u275b\u275c"
             "\u275d\u275e")
_HYPHEN = set("-")
_INSEPARABLE = set("\u2024\u2025\u2026\ufe19")
_BREAK_AFTER = set("\u2013\u2010\u2012\u00ad\t\u1361\u104a\u104b\u0964\u0965|")
_BOTH = set("\u2014")
_PREFIX = set("$+\\\u00a3\u00a5\u20ac\u20a9\u20b9\u20ab\u20a6\u20b1\u2116#")
_POSTFIX = set("%\u00a2\u00b0\u2030\u2031\u2032\u2033\u2103\uff05")


def _is_ideographic(c: str) -> bool:
    o = ord(c)
    return (0x2E80 <= o <= 0x2FFF or 0x3040 <= o <= 0x30FF or 0x3100 <= o <= 0x31FF
            or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xA000 <= o <= 0xA4CF
            or 0xAC00 <= o <= 0xD7A3 or 0xF900 <= o <= 0xFAFF or 0xFF01 <= o <= 0xFF5A
            and c not in _CLOSE | _OPEN | _EXCLAIM | _NONSTARTER or 0x20000 <= o <= 0x3FFFD)


def _klass(c: str) -> str:
    if c == " ":
        return "SP"
    for name, chars in (("CP", _CLOSE_PARENTHESIS), ("CL", _CLOSE), ("OP", _OPEN), ("EX", _EXCLAIM), ("IS", _INFIX),
                        ("SY", _SYMBOL), ("NS", _NONSTARTER), ("QU", _QUOTE),
                        ("HY", _HYPHEN), ("IN", _INSEPARABLE), ("BA", _BREAK_AFTER), ("B2", _BOTH),
                        ("PR", _PREFIX), ("PO", _POSTFIX)):
        if c in chars:
            return name
    if unicodedata.category(c) in ("Mn", "Me", "Cf") or c in "\u200d\u200c":
        return "CM"
    if c.isdigit():
        return "NU"
    if _is_ideographic(c):
        return "ID"
    return "AL"


#: Pairs a line never breaks between, with nothing between them (UAX #14, rules LB13 to LB30).
_GLUED = {
    ("CL", "PO"), ("CL", "PR"), ("NU", "PO"), ("NU", "PR"), ("PO", "OP"), ("PO", "NU"),
    ("PR", "OP"), ("PR", "NU"), ("HY", "NU"), ("IS", "NU"), ("NU", "NU"), ("SY", "NU"),
    ("AL", "NU"), ("NU", "AL"), ("PR", "ID"), ("ID", "PO"), ("PR", "AL"), ("PO", "AL"),
    ("AL", "PR"), ("AL", "PO"), ("AL", "AL"), ("AL", "OP"), ("NU", "OP"), ("CP", "AL"), ("CP", "NU"),
    ("CP", "PO"), ("CP", "PR"), ("B2", "B2"), ("CL", "NS"), ("CP", "NS"),
}


def _allowed(before: str, spaces: bool, after: str) -> bool:
    """Whether a line may break before a character of class ``after`` that follows one of
    class ``before`` (spaces between them if ``spaces``), by UAX #14's rules."""
    if after in ("SP", "CM", "CL", "CP", "EX", "IS", "SY"):
        return False
    if before == "OP" or (before == "QU" and after == "OP") or (
            before in ("CL", "CP") and after == "NS") or (before == "B2" and after == "B2"):
        return False
    if spaces:
        return True
    if after in ("QU", "BA", "HY", "NS", "IN") or before == "QU":
        return False
    return (before, after) not in _GLUED


def _width(c: str) -> int:
    if unicodedata.category(c) in ("Mn", "Me", "Cf") or c in "\u200b\u200c\u200d":
        return 0
    return 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1


def _pieces(text: str) -> list[str]:
    """Split one logical line (no newline inside) at each place gettext may break it; each
    piece is in its escaped form, with the spaces that end it.

    gettext decides on the escaped text (``\\"`` is a backslash and a quote), never breaking
    inside an escape"""
    pieces: list[str] = []
    before, spaces = None, False
    for original in text:
        for i, c in enumerate(_ESCAPES.get(original, original)):
            k = _klass(c)
            # nor just before the "\\n" that ends a line (gettext's own rule)
            if (i == 0 and original != "\n" and pieces and before is not None
                    and _allowed(before, spaces, k)):
                pieces.append("")
            if not pieces:
                pieces.append("")
            pieces[-1] += c
            if k == "SP":
                spaces = True
            elif k != "CM":
                before, spaces = k, False
    return pieces


def _columns(text: str) -> int:
    return sum(_width(c) for c in text)


def _lines(text: str, width: int, start: int, restart: int) -> list[str]:
    """Break the escaped pieces of ``text`` as gettext does: a piece that would pass ``width``
    starts a new line, at column ``restart`` (after its prefix and opening quote)."""
    lines = [""]
    column = start
    for piece in _pieces(text):
        w = _columns(piece)
        if lines[-1] and column + w > width:
            lines.append("")
            column = restart
        lines[-1] += piece
        column += w
    return lines


def quoted(keyword: str, value: str, prefix: str = "", width: int = WIDTH) -> list[str]:
    """Return the lines of ``keyword "value"`` as gettext writes them (``prefix`` before each:
    ``#~ `` for an obsolete message, ``#| `` for a previous one)."""
    logical = value.split("\n")
    portions = [part + "\n" for part in logical[:-1]] + ([logical[-1]] if logical[-1] else [])
    if not portions:
        return [f'{prefix}{keyword} ""']
    head = len(prefix) + len(keyword) + 2
    # the closing quote takes a column; continuation lines open with a quote (column 1)
    restart = len(prefix) + 1
    first = _lines(portions[0], width - 1, head, restart)
    out: list[str] = []
    if len(portions) > 1 or len(first) > 1 or head > width - 1:
        out.append(f'{prefix}{keyword} ""')
    else:
        return [f'{prefix}{keyword} "{first[0]}"']
    for portion in portions:
        for line in _lines(portion, width - 1, restart, restart):
            out.append(f'{prefix}"{line}"')
    return out


def _comment_lines(marker: str, comments: Iterable[str]) -> Iterator[str]:
    """Yield the lines of ``comments`` after ``marker`` (an extracted comment wrapped at 79
    columns; one that spans lines, a line each)."""
    for comment in (line.strip() for each in comments for line in each.splitlines() or [""]):
        if marker == "#." and len(comment) + 3 > WIDTH:
            for line in textwrap.wrap(comment, WIDTH - 3, break_long_words=False,
                                      break_on_hyphens=False):
                yield f"{marker} {line}"
        else:
            yield f"{marker} {comment}".rstrip() if comment else marker


def _locations(locations: Iterable[tuple[str, Any]]) -> Iterator[str]:
    refs = list(dict.fromkeys(f"{name}:{line}" if line else name
                              for name, line in sorted(locations, key=lambda x: (x[0], x[1] or 0))))
    line = "#:"
    for ref in refs:
        if line != "#:" and len(line) + 1 + len(ref) > WIDTH:
            yield line
            line = "#:"
        line += " " + ref
    if line != "#:":
        yield line


def _strings(message: Message, num_plurals: int, prefix: str) -> list[str]:
    out: list[str] = []
    if message.context is not None:
        out += quoted("msgctxt", message.context, prefix)
    if isinstance(message.id, (list, tuple)):
        out += quoted("msgid", message.id[0], prefix)
        out += quoted("msgid_plural", message.id[1], prefix)
        strings = list(message.string) if isinstance(message.string, (list, tuple)) else [
            message.string or ""]
        for i in range(max(num_plurals, 1)):
            out += quoted(f"msgstr[{i}]", strings[i] if i < len(strings) else "", prefix)
    else:
        out += quoted("msgid", message.id, prefix)
        out += quoted("msgstr", str(message.string or ""), prefix)
    return out


#: The format languages in the order gettext's tools write their flags (format_language in
#: gettext's format.c): "#, fuzzy, python-format, python-brace-format, range: 1..3, no-wrap".
_FORMATS = ("c", "objc", "c++", "python", "python-brace", "java", "java-printf", "csharp",
            "javascript", "scheme", "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua",
            "object-pascal", "smalltalk", "qt", "qt-plural", "kde", "kde-kuit", "boost", "tcl",
            "perl", "perl-brace", "php", "gcc-internal", "gfc-internal", "ycp")


def _flag_rank(flag: str) -> tuple[int, int, str]:
    """Where msgcat puts ``flag``: fuzzy, the format flags (``no-`` ones too) in gettext's
    order of languages, a range, then no-wrap; a flag gettext does not know last."""
    if flag == "fuzzy":
        return (0, 0, flag)
    language = flag.removeprefix("no-").removesuffix("-format")
    if flag.endswith("-format") and language in _FORMATS:
        return (1, _FORMATS.index(language), flag)
    if flag.startswith("range:"):
        return (2, 0, flag)
    if flag in ("wrap", "no-wrap"):
        return (3, 0, flag)
    return (4, 0, flag)


def _entry(message: Message, num_plurals: int, *, obsolete: bool = False,
           include_previous: bool = False) -> list[str]:
    lines = list(_comment_lines("#", message.user_comments))
    lines += _comment_lines("#.", message.auto_comments)
    lines += _locations(message.locations)
    # Babel adds "python-brace-format" to every message with braces, even one whose template
    # says "no-python-brace-format" (a translation may leave a placeholder out): gettext
    # would read the pair as a contradiction, so the "no-" flag wins
    flags = sorted((f for f in message.flags if f"no-{f}" not in message.flags), key=_flag_rank)
    if flags:
        lines.append("#, " + ", ".join(flags))
    if include_previous and message.previous_id:
        prefix = "#~| " if obsolete else "#| "
        olds = list(message.previous_id)
        lines += quoted("msgid", olds[0], prefix)
        if len(olds) > 1:
            lines += quoted("msgid_plural", olds[1], prefix)
    return lines + _strings(message, num_plurals, "#~ " if obsolete else "")


#: The header fields in the order gettext's tools write them (``msginit``, ``xgettext``,
#: Poedit) and polib rewrites them in; any other field comes after them, in polib's "natural"
#: alphabetical order (``Generated-By``, ``X-Generator``, ``X-Reviewed``). msgcat and
#: translate-toolkit (Weblate) keep a header's order as it is, so this is the order all keep.
GETTEXT_ORDER = ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date",
                 "PO-Revision-Date", "Last-Translator", "Language-Team", "Language",
                 "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Plural-Forms")
_RANK = {name.lower(): i for i, name in enumerate(GETTEXT_ORDER)}


def _natural(name: str) -> list[int | str]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split("([0-9]+)", name)]


def in_gettext_order(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return ``fields`` as gettext's tools and polib order them (:data:`GETTEXT_ORDER`, then
    the rest alphabetically)."""
    known = sorted((f for f in fields if f[0].lower() in _RANK), key=lambda f: _RANK[f[0].lower()])
    return known + sorted((f for f in fields if f[0].lower() not in _RANK),
                          key=lambda f: _natural(f[0]))


def _gettext_ordered(names: list[str]) -> bool:
    """Whether the fields gettext orders come in its order among ``names`` (as a translator's
    tool saves them), whatever the other fields between them."""
    ranks = [_RANK[n.lower()] for n in names if n.lower() in _RANK]
    return ranks == sorted(ranks)


def header_fields(catalog: Catalog, language: str | None) -> list[tuple[str, str]]:
    """Return the header fields of ``catalog``, its ``Language`` written as the BCP 47 tag
    ``language`` (``zh-Hans``; None: empty, as in a template) and ``Generated-By`` as
    docgen."""
    fields = []
    for name, value in catalog.mime_headers:
        if name == "Language":
            value = language or ""
        elif name == "Generated-By":
            value = "docgen"
        fields.append((name, value.strip()))
    if not any(n == "Language" for n, _ in fields):  # a template: the field, empty
        at = next(i for i, (n, _) in enumerate(fields) if n == "Last-Translator") + 1
        fields.insert(at, ("Language", language or ""))
    return _in_file_order(fields, getattr(catalog, "header_order", None))


def _in_file_order(fields: list[tuple[str, str]],
                   read: list[tuple[str, ...]] | None) -> list[tuple[str, str]]:
    """Return ``fields`` in the order of the header the catalog was read with (``read``), with
    the fields only that header had (a tool's ``X-Generator``) kept where they were; fields
    the file lacked come last. Without ``read`` (a new catalog), or where that order is not
    gettext's (Babel's, as docgen wrote catalogs before: ``Language`` before
    ``Language-Team``), the same fields in gettext's order (:func:`in_gettext_order`), the
    order polib rewrites a header in."""
    if not read:
        return in_gettext_order(fields)
    values = dict(fields)
    out: list[tuple[str, str]] = []
    for entry in read:
        name = entry[0]
        if any(n.lower() == name.lower() for n, _ in out):
            continue
        known = next((n for n in values if n.lower() == name.lower()), None)
        if known is not None:  # as the file spells it, if it means the same ("UTF-8")
            same = len(entry) == 2 and entry[1].lower() == values[known].lower()
            out.append((known, entry[1] if same else values[known]))
        elif len(entry) == 2 and name:
            out.append((name, entry[1]))
    # a field the file lacked is added, but for docgen's own mark (a tool that dropped it)
    out += [(n, v) for n, v in fields if n != "Generated-By"
            and not any(n.lower() == o.lower() for o, _ in out)]
    return out if _gettext_ordered([n for n, _ in out]) else in_gettext_order(out)


def po_text(catalog: Catalog, *, language: str | None = None,
            include_previous: bool = False) -> str:
    """Return ``catalog`` as the text of a .po (or .pot) file, as gettext writes it."""
    header = Message("", "".join(f"{n}: {v}\n" for n, v in header_fields(catalog, language)),
                     flags={"fuzzy"} if catalog.fuzzy else set())
    blocks = [list(catalog.header_comment.splitlines())
              + _entry(header, catalog.num_plurals)]
    for message in catalog:
        if message.id:
            blocks.append(_entry(message, catalog.num_plurals,
                                 include_previous=include_previous))
    for message in catalog.obsolete.values():
        blocks.append(_entry(message, catalog.num_plurals, obsolete=True,
                             include_previous=include_previous))
    return "\n".join("\n".join(block) + "\n" for block in blocks)
