"""What this machine can do for docgen: the PDF converter and a font for every script."""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import ConverterError
from .i18n.scripts import FACES, script_of
from .pdf.pool import find_converter, soffice_version

def catalog_languages(base: Path | None = None) -> tuple[list[str], dict[str, str]]:
    """Return the languages with a catalog in ``base`` (None: the shipped ones), checked when
    doctor is given no spec, and the text of each one's translations, whose every character
    an installed font must have."""
    from babel.messages.pofile import read_po

    from .i18n.catalogs import message_strings
    from .i18n.locales import available_locales, catalog_path

    tags = available_locales(base)
    texts = {}
    for tag in tags:
        try:
            with catalog_path(tag, base).open("rb") as f:
                catalog = read_po(f)
        except Exception:  # noqa: BLE001 - i18n check names a broken catalog
            continue
        texts[tag] = "".join(s for m in catalog if m.id for s in message_strings(m.string))
    return tags, texts


#: The fonts the shipped templates name, and what a machine without them shows instead.
TEMPLATE_FONTS = ("Times New Roman", "Arial")


@dataclass
class Check:
    """One line of the report: what was checked, whether it is fine, and the detail."""

    name: str
    ok: bool
    detail: str


def _fc(args: list[str]) -> str:
    if shutil.which(args[0]) is None:
        return ""
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def checks(locales: list[str] | None = None,
           texts: dict[str, str] | None = None, of: str = "notice") -> list[Check]:
    """Return the checks, for ``locales`` (None: every language with a shipped catalog, and
    the characters of its translations); ``texts``: each locale's notice text, whose every
    character an installed font must have."""
    out = []
    try:
        converter = find_converter()
        out.append(Check("PDF converter", True,
                         f"{converter.soffice} ({soffice_version(converter.soffice)}), "
                         f"UNO bridge in {converter.python}"))
    except ConverterError as e:
        out.append(Check("PDF converter", False, e.message))
    if shutil.which("fc-list") is None:
        out.append(Check("fonts", False, "fontconfig (fc-list) is not installed, so fonts "
                                         "cannot be checked; apt-get install fontconfig"))
        return out
    if locales is None:
        locales, texts, of = *catalog_languages(), "catalog"
    for tag in dict.fromkeys(locales):
        out.append(font_check(tag, (texts or {}).get(tag), of))
    for font in TEMPLATE_FONTS:
        match = _fc(["fc-match", font]).strip()
        out.append(Check(f"'{font}' in templates", bool(match),
                         f"rendered with {match}" if match else "no match"))
    return out


# --- fonts for a language's text -----------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _installed() -> tuple[frozenset[str], tuple[tuple[int, int], ...]]:
    """Return the installed font families, and the code points some installed font has (as
    merged ranges), from fontconfig."""
    families: set[str] = set()
    ranges: list[tuple[int, int]] = []
    for line in _fc(["fc-list", "--format", "%{family}\t%{charset}\n"]).splitlines():
        names, _, charset = line.partition("\t")
        families.update(n.strip() for n in names.split(",") if n.strip())
        for piece in charset.split():
            first, _, last = piece.partition("-")
            try:
                ranges.append((int(first, 16), int(last or first, 16)))
            except ValueError:
                continue
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return frozenset(families), tuple(merged)


def _covered(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    import bisect

    i = bisect.bisect_right(ranges, (code, 0x10FFFF)) - 1
    return i >= 0 and ranges[i][0] <= code <= ranges[i][1]


def missing_characters(text: str) -> list[str]:
    """Return the characters of ``text`` that no installed font has (controls, format
    characters and spaces need none)."""
    _, ranges = _installed()
    return sorted({c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Zs", "Zl",
                                                                      "Zp")
                   and not _covered(ord(c), ranges)})


def _package_for(characters: list[str]) -> str:
    """Name the Debian package that has fonts for ``characters``."""
    cjk = any(unicodedata.name(c, "").startswith(("CJK", "HANGUL", "HIRAGANA", "KATAKANA"))
              for c in characters)
    return "fonts-noto-cjk" if cjk else "fonts-noto-core"


def font_check(tag: str, text: str | None = None, of: str = "notice") -> Check:
    """Check that the font docgen sets ``tag``'s script in is installed and, given the
    notice's ``text``, that an installed font has every character of it."""
    facts = script_of(tag)
    face = facts.face or FACES["Latn"]
    families, ranges = _installed()
    name = f"{tag} ({facts.script}) font"
    if not ranges:
        return Check(name, False, "fontconfig lists no font at all; apt-get install "
                                  f"{face.package}")
    if face.family not in families:
        return Check(name, False, f"{face.family} is not installed, and the {tag} notices "
                                  f"are set in it; apt-get install {face.package}")
    if text is not None:
        missing = missing_characters(text)
        if missing:
            shown = " ".join(f"{c} (U+{ord(c):04X})" for c in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            return Check(name, False, f"no installed font has {len(missing)} character"
                                      f"{'s' if len(missing) != 1 else ''} of the {tag} "
                                      f"{of}: {shown}{more}; the PDF would show boxes; "
                                      f"apt-get install {_package_for(missing)}")
    return Check(name, True, face.family + (f", and every character of the {of}"
                                            if text is not None else ""))


def docx_text(data: bytes) -> str:
    """Return every character a rendered DOCX's stories hold (body, headers, footers)."""
    import io
    import re
    import zipfile

    text = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml", name):
                xml = package.read(name).decode("utf-8")
                text += re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)
    return "".join(text)


def notice_font_problems(documents: list[tuple[str, str, bytes]]) -> list[tuple[str, str]]:
    """Return, for each notice (output path, locale, DOCX bytes) whose text an installed
    font cannot show, its path and what to install."""
    problems = []
    for path, tag, data in documents:
        check = font_check(tag, docx_text(data))
        if not check.ok:
            problems.append((path, check.detail))
    return problems
