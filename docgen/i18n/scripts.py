"""What a language needs on the page, derived from CLDR's likely subtags (Babel's data): its
script, its direction, the ``w:lang`` slot Word and LibreOffice read its text from, the tag
they expect, its fonts and the Debian package that has them.

``fa``, ``ur``, ``he``, ``ps``, ``ckb`` are right-to-left because CLDR gives them the Arabic or
Hebrew script, not because a list names them; ``ko`` is ``ko-KR`` (Hangul), ``zh-Hant`` is
``zh-TW``, ``bn`` is ``bn-BD`` (Bangla, a complex script).

**Languages Babel lacks.** Some languages US districts need have no CLDR locale data:
Hmong (``hmn``), Dari (``prs``), Marshallese (``mh``), Chuukese (``chk``). CLDR's root data
would write their dates as "2026 M08 28" and weekdays as "Mon". docgen writes them with a
fallback locale instead (:data:`FALLBACKS`): Dari as Afghan Persian (``fa-AF``, the same
script, calendar words and digits), and the others, written in the Latin script by
communities in the United States, as US English numbers and numeric dates ("8/28/2026",
"2:45 PM", "$1,250.50"; weekday names come from the catalog, as in every language; see
:attr:`Script.numeric_dates`). A locale whose CLDR data is only partial (its month names are root's "M01"…, as ``ht`` Haitian
Creole's are) is treated the same way; ``docgen i18n init`` warns about it, and ``validate``
and ``build`` print a notice line (:func:`partial_data`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

#: Scripts written right to left (ISO 15924).
RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand",
                         "Samr"})
#: Scripts Word and LibreOffice read from the East Asian slot (``w:eastAsia``).
EAST_ASIAN_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan", "Kore", "Hang", "Hira",
                                "Kana", "Bopo"})
#: Scripts Word and LibreOffice read from the complex-script slot (``w:bidi``, ``w:cs``):
#: right-to-left scripts, and those whose letters combine into clusters. LibreOffice counts
#: Ethiopic among them: an Amharic run tagged only ``w:val="am"`` came out of the PDF as
#: the template's default complex-script language.
COMPLEX_SCRIPTS = RTL_SCRIPTS | frozenset({
    "Beng", "Deva", "Gujr", "Guru", "Knda", "Mlym", "Orya", "Sinh", "Taml", "Telu", "Thai",
    "Laoo", "Khmr", "Mymr", "Tibt", "Ethi"})

#: Languages CLDR has no locale data for: (script, the locale docgen formats them with).
FALLBACKS: dict[str, tuple[str, str]] = {
    "prs": ("Arab", "fa_AF"),  # Dari: Afghan Persian
    "hmn": ("Latn", "en_US"),  # Hmong (RPA), as written in the United States
    "mh": ("Latn", "en_US"),   # Marshallese
    "chk": ("Latn", "en_US"),  # Chuukese
}
#: The name of each fallback language in itself (CLDR has none).
OWN_NAMES = {"prs": "دری", "hmn": "Hmoob", "mh": "Kajin M̧ajeļ", "chk": "Chuukese"}
#: Their names where CLDR's English has none.
ENGLISH_NAMES = {"prs": "Dari"}
#: The region of a fallback language, for its ``w:lang`` tag.
_FALLBACK_REGIONS = {"prs": "AF", "hmn": "US", "mh": "MH", "chk": "FM"}


@dataclass(frozen=True)
class Face:
    """The fonts a script is set in, and the Debian package that installs them."""

    family: str
    package: str
    #: fontconfig's name of the script's language, to find the fonts that cover it
    fc_lang: str


#: The font docgen sets each script in (``w:rFonts``); scripts not listed keep the template's.
FACES: dict[str, Face] = {
    "Latn": Face("Noto Sans", "fonts-noto-core", "en"),
    "Cyrl": Face("Noto Sans", "fonts-noto-core", "ru"),
    "Grek": Face("Noto Sans", "fonts-noto-core", "el"),
    "Arab": Face("Noto Naskh Arabic", "fonts-noto-core", "ar"),
    "Hebr": Face("Noto Sans Hebrew", "fonts-noto-core", "he"),
    "Beng": Face("Noto Sans Bengali", "fonts-noto-core", "bn"),
    "Deva": Face("Noto Sans Devanagari", "fonts-noto-core", "hi"),
    "Mymr": Face("Noto Sans Myanmar", "fonts-noto-core", "my"),
    "Ethi": Face("Noto Sans Ethiopic", "fonts-noto-core", "am"),
    "Khmr": Face("Noto Sans Khmer", "fonts-noto-core", "km"),
    "Laoo": Face("Noto Sans Lao", "fonts-noto-core", "lo"),
    "Thai": Face("Noto Sans Thai", "fonts-noto-core", "th"),
    "Hans": Face("Noto Sans CJK SC", "fonts-noto-cjk", "zh-cn"),
    "Hant": Face("Noto Sans CJK TC", "fonts-noto-cjk", "zh-tw"),
    "Kore": Face("Noto Sans CJK KR", "fonts-noto-cjk", "ko"),
    "Jpan": Face("Noto Sans CJK JP", "fonts-noto-cjk", "ja"),
}
#: A language set in another face than its script's usual one (none today).
#:
#: Urdu is printed in Nastaliq, but it is set in Noto Naskh Arabic, as Arabic and Persian are:
#: LibreOffice 7.4 writes Noto Nastaliq Urdu into a PDF letter by letter, each dot and body a
#: glyph of its own on a shifted baseline and in the page's left-to-right order, so the PDF's
#: text (what a screen reader reads aloud, what copy-paste and search get) is broken: پیر
#: ("Monday") came out of pdftotext as "پ ی ر", جمعرات lost its ج to the next word, words
#: moved to other lines. No run property, language tag or mark changes that (tried: w:rtl,
#: w:cs, ur-PK and ar-SA tags, with and without embeddings); the Naskh face gives the letter's
#: text exactly (tests/test_scripts_pdf.py::test_the_urdu_notices_pdf_text_holds_its_words).
LANGUAGE_FACES: dict[str, Face] = {}


@dataclass(frozen=True)
class Script:
    """What the page needs for one language tag."""

    tag: str
    language: str
    script: str
    region: str | None
    #: "rtl" or "ltr"
    direction: str
    #: the locale dates, times and numbers are written with (Babel's name)
    formats: str
    #: True when CLDR has no data, or only partial data, for the language itself
    fallback: bool

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def slot(self) -> str:
        """The ``w:lang`` attribute Word and LibreOffice read text in this script from."""
        if self.script in EAST_ASIAN_SCRIPTS:
            return "eastAsia"
        if self.script in COMPLEX_SCRIPTS:
            return "bidi"
        return "val"

    @property
    def complex(self) -> bool:
        """Whether letters join or combine (no letter spacing: it disjoins them)."""
        return self.script in COMPLEX_SCRIPTS

    @property
    def word_tag(self) -> str:
        """The tag Word and LibreOffice expect (language and region: ``ko-KR``, ``zh-TW``)."""
        return "-".join(p for p in (self.language, self.region) if p)

    @property
    def numeric_dates(self) -> bool:
        """Whether dates are written as numbers ("8/28/2026"): the language has no month
        names in CLDR, and US English ones would put English inside the letter."""
        return self.fallback and self.formats == FALLBACK_FORMATS

    @property
    def face(self) -> Face | None:
        return LANGUAGE_FACES.get(self.language) or FACES.get(self.script)


def _pieces(tag: str) -> tuple[str, str | None, str | None]:
    parts = tag.replace("_", "-").split("-")
    language = parts[0].lower()
    script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()
                   or len(p) == 3 and p.isdigit()), None)
    return language, script, region


@functools.lru_cache(maxsize=256)
def script_of(tag: str) -> Script:
    """Return what the BCP 47 ``tag`` needs on the page, from CLDR's likely subtags.

    >>> [script_of(t).word_tag for t in ("ko", "zh-Hant", "zh-Hans", "fa", "bn", "prs")]
    ['ko-KR', 'zh-TW', 'zh-CN', 'fa-IR', 'bn-BD', 'prs-AF']
    >>> [script_of(t).direction for t in ("ur", "he", "ps", "ckb", "prs", "ko")]
    ['rtl', 'rtl', 'rtl', 'rtl', 'rtl', 'ltr']
    """
    from babel.core import get_global

    language, script, region = _pieces(tag)
    likely: Any = get_global("likely_subtags")
    if language in FALLBACKS:
        fb_script, formats = FALLBACKS[language]
        script = script or fb_script
        region = region or _FALLBACK_REGIONS[language]
        return Script(tag, language, script, region,
                      "rtl" if script in RTL_SCRIPTS else "ltr", formats, True)
    full = None
    for key in ("_".join(p for p in (language, script, region) if p),
                "_".join(p for p in (language, script) if p),
                "_".join(p for p in (language, region) if p), language):
        full = likely.get(key)
        if full:
            break
    if full:
        _, l_script, l_region = _pieces(full)
        script = script or l_script
        region = region or l_region
    known = _babel_name(tag)
    partial = known is None or partial_data(known)
    written = script or "Latn"
    return Script(tag, language, written, region, "rtl" if written in RTL_SCRIPTS else "ltr",
                  FALLBACK_FORMATS if known is None or partial else known, partial)


#: The locale a language with no (or partial) CLDR data is formatted with: US English, with
#: numeric dates (:attr:`Script.numeric_dates`).
FALLBACK_FORMATS = "en_US"


def _babel_name(tag: str) -> str | None:
    """Return Babel's name of ``tag`` (``zh-Hans`` → ``zh_Hans``), or None if it lacks it."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(tag.replace("_", "-"), sep="-"))
    except (UnknownLocaleError, ValueError):
        return None


@functools.lru_cache(maxsize=64)
def partial_data(locale: str) -> bool:
    """Whether Babel's CLDR data for ``locale`` is only partial: its month or weekday names
    are root's placeholders ("M08", "Mon"), so its dates would read "2026 M08 28"."""
    from babel import Locale, UnknownLocaleError

    try:
        loc = Locale.parse(locale)
        root = Locale.parse("root")
    except (UnknownLocaleError, ValueError):
        return True
    return (dict(loc.months["format"]["wide"]) == dict(root.months["format"]["wide"])
            or dict(loc.days["format"]["wide"]) == dict(root.days["format"]["wide"]))


def formatting_locale(tag: str, *, in_us: bool = False) -> str:
    """Return the Babel locale dates, times and amounts in ``tag`` are written with.

    ``in_us``: the spec's parties are in the United States; a tag without a region then gets
    the US variant where CLDR has one (``es`` → ``es_US``: "$1,250.50", "2:45 p. m."), unless
    the tag names another region (``es-MX``).
    """
    from babel import Locale, UnknownLocaleError

    facts = script_of(tag)
    _, script, region = _pieces(tag)
    if in_us and region is None and not facts.fallback:
        candidate = f"{facts.language}_US"
        try:
            Locale.parse(candidate)
            return candidate
        except (UnknownLocaleError, ValueError):
            pass
    return facts.formats


def own_name(tag: str) -> str:
    """Return the language of ``tag`` named in itself ("Español", "العربية", "Hmoob")."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError):
        return OWN_NAMES.get(_pieces(tag)[0], tag)
    return str(locale.get_display_name(locale) or tag)


# --- digits ------------------------------------------------------------------------------------

#: The first digit (zero) of each numbering system whose digits are not Latin (CLDR's names).
_ZEROS = {"arab": 0x0660, "arabext": 0x06F0, "beng": 0x09E6, "deva": 0x0966, "mymr": 0x1040,
          "thai": 0x0E50, "laoo": 0x0ED0, "khmr": 0x17E0, "tibt": 0x0F20, "guru": 0x0A66,
          "gujr": 0x0AE6, "orya": 0x0B66, "taml": 0x0BE6, "telu": 0x0C66, "knda": 0x0CE6,
          "mlym": 0x0D66}


@functools.lru_cache(maxsize=64)
def numbering_system(tag: str) -> str:
    """Return CLDR's default numbering system of the locale ``tag``'s numbers are written
    with (Babel's data): the digits a notice in ``tag`` uses throughout.

    CLDR's choice, not ours: ``fa`` (and Dari, written as ``fa_AF``) ``arabext`` (۰۱۲),
    ``bn`` ``beng`` (০১২), ``my`` ``mymr`` (၀၁၂); ``ar`` (docgen writes ``ar``, not a
    regional variant) ``latn``, as ``ur``, ``he`` and the Latin-script languages are (CLDR
    gives ``ar_EG`` and ``ar_SA`` ``arab``, ``ur_IN`` ``arabext``).

    >>> [numbering_system(t) for t in ("fa", "prs", "bn", "my", "ar", "ur", "he", "en")]
    ['arabext', 'arabext', 'beng', 'mymr', 'latn', 'latn', 'latn', 'latn']
    """
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(script_of(tag).formats).default_numbering_system)
    except (UnknownLocaleError, ValueError):
        return "latn"


#: The states, districts and territories of the United States, as addresses abbreviate them
#: (the two letters before a ZIP code).
US_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI").split()

#: The words of an address that end a street's name ("1200 Fruitvale Avenue").
_STREET_TYPES = (
    "Avenue|Ave|Street|St|Boulevard|Blvd|Road|Rd|Way|Drive|Dr|Lane|Ln|Court|Ct|Place|Pl"
    "|Parkway|Pkwy|Highway|Hwy|Terrace|Ter|Circle|Cir|Square|Sq|Plaza|Alley|Broadway")

#: A space in an address: a space, a no-break space (a value kept on one line).
_SP = "[ \u00a0]"

#: What keeps its Latin digits whatever the language, an identifier a family copies, types or
#: dials, not a quantity: an e-mail address, a URL, a ZIP code after its state's two letters
#: ("CA 94601", "CA 94601-1234"), a street number before its street's name ("1200 Fruitvale
#: Avenue"), the number of a room, a suite, a unit or a building after the word ("rooms 14 to
#: 16", "Suite 300", "#12"; the number painted on the door), a phone number (seven digits or
#: more, an extension too) and a code word with Latin letters in it ("CSUEB-IRB-2026-117", a
#: file name, an id); else a number.
_KEPT_DIGITS = re.compile(
    r"(?P<kept>[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?:https?://|www\.)\S+"
    rf"|(?P<place>\b(?:{'|'.join(US_STATE_CODES)}),?{_SP}\d{{5}}(?:[-\u2011\u2060]+\d{{4}})?(?!\d)"
    rf"|\b\d{{1,6}}[A-Za-z]?(?:{_SP}[NSEW]\.?)?(?:{_SP}[A-Z][\w.'\-]*)*{_SP}(?:{_STREET_TYPES})\b\.?"
    r"|(?:\b(?i:rooms?|rm|suites?|ste|apt|apartment|units?|building|bldg|portables?)\.?"
    rf"(?:{_SP}(?i:no)\.?)?{_SP}#?|#)\d+[A-Za-z]?"
    rf"(?:(?:,{_SP}|{_SP}(?:and|to|or|&){_SP}|,{_SP}and{_SP}|[-\u2011\u2013]){{1,2}}\d+[A-Za-z]?\b)*)"
    r"|\+?\(?\d[\d ().\-\u2011\u2060\u00a0]{5,20}\d(?: ?(?:x|ext\.?) ?\d{1,6})?"
    r"|[A-Za-z0-9][A-Za-z0-9_.\-\u2011\u2060/]*)")


_YEARS = re.compile(r"(?:19|20)\d\d[-\u2011\u2060\u2013]+(?:(?:19|20)\d\d|\d\d)")


def place_numbers(english: str) -> frozenset[str]:
    """Return the numbers of ``english`` that name a place (a ZIP code, a street number, a
    room, a suite), as :data:`_KEPT_DIGITS` finds them: a translation of it keeps them in
    Latin digits (:func:`localise_digits`'s ``keep``) though it words the room in its own
    language ("اتاق‌های 14 تا 16" for "rooms 14 to 16").

    >>> sorted(place_numbers("Cafeteria, library and rooms 14 to 16; grades 2 to 5"))
    ['14', '16']
    """
    return frozenset(n for m in _KEPT_DIGITS.finditer(english) if m.group("place")
                     for n in re.findall("[0-9]+", m.group("place")))


def _digits_in(match: re.Match[str], zero: int, keep: frozenset[str] = frozenset()) -> str:
    text = match.group(0)
    if text in keep:
        return text  # a place's number its English source names (place_numbers)
    if "@" in text or "/" in text and "://" in text or text.startswith("www."):
        return text
    if re.search("[A-Za-z#]", text):
        return text  # a code word, a Latin word, an address, a room number
    if (sum(c.isdigit() for c in text) >= 7 and re.search(r"[ ()\-\u2011\u2060\u00a0]", text)
            and not _YEARS.fullmatch(text)):
        return text  # a phone number, not a school year
    return "".join(chr(zero + int(c)) if "0" <= c <= "9" else c for c in text)


def localise_digits(text: str, tag: str, *, every: bool = False,
                    keep: frozenset[str] = frozenset()) -> str:
    """Return ``text`` with its Latin digits written in the digits of ``tag``'s numbering
    system (:func:`numbering_system`), except inside e-mail addresses, URLs, phone numbers
    and code words, which are copied as they are written (a family dials and types them);
    with ``every``, all of them (a date, a time or an amount: "১,২৫০.৫০US$"); a number in
    ``keep`` (the numbers of places its English source names: :func:`place_numbers`) too.

    >>> localise_digits("۲۸ اوت 2026، 14:45، (510) 555-0142، CSUEB-IRB-2026-117", "fa")
    '۲۸ اوت ۲۰۲۶، ۱۴:۴۵، (510) 555-0142، CSUEB-IRB-2026-117'
    >>> localise_digits("2026-2027", "fa"), localise_digits("2026-2027", "ar")
    ('۲۰۲۶-۲۰۲۷', '2026-2027')
    """
    zero = _ZEROS.get(numbering_system(tag))
    if zero is None or not re.search("[0-9]", text):
        return text
    if every:  # a date, a time or an amount Babel wrote: every digit is the value's
        return re.sub("[0-9]", lambda m: chr(zero + int(m.group(0))), text)
    return _KEPT_DIGITS.sub(lambda m: _digits_in(m, zero, keep), text)
