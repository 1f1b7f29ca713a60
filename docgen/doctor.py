"""What this machine can do for docgen: the PDF converter and a font for every script."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from .errors import ConverterError
from .pdf.pool import find_converter, soffice_version

#: Scripts docgen writes, each with the fontconfig language that proves a font covers it and
#: the locales that need it.
SCRIPTS = (
    ("Latin", "en", ("en", "es")),
    ("Vietnamese (Latin with tone marks)", "vi", ("vi",)),
    ("Arabic", "ar", ("ar",)),
    ("Chinese, simplified", "zh-cn", ("zh-Hans",)),
)

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


def checks(locales: list[str] | None = None) -> list[Check]:
    """Return the checks, for every script or only those ``locales`` need."""
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
    for name, fc_lang, needs in SCRIPTS:
        if locales is not None and not any(
                loc.split("-")[0].lower() == n.split("-")[0] for loc in locales for n in needs):
            continue
        families = sorted({f.split(",")[0].strip() for f in
                           _fc(["fc-list", f":lang={fc_lang}", "family"]).splitlines() if f})
        if families:
            shown = ", ".join(families[:3]) + (f" and {len(families) - 3} more"
                                               if len(families) > 3 else "")
            out.append(Check(f"{name} font", True, shown))
        else:
            out.append(Check(f"{name} font", False,
                             f"no installed font covers it (needed by {', '.join(needs)}); "
                             "apt-get install fonts-noto-core fonts-noto-cjk"))
    for font in TEMPLATE_FONTS:
        match = _fc(["fc-match", font]).strip()
        out.append(Check(f"'{font}' in templates", bool(match),
                         f"rendered with {match}" if match else "no match"))
    return out
