"""Test catalogs for languages docgen ships none for: ``docgen i18n init`` in a folder of the
test's own, each message translated as its English source after a word in the language's
script (so that every paragraph holds the script, and nothing is left "unchanged")."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from docgen.i18n.catalogs import read_catalog, write_catalog
from docgen.i18n.locales import catalog_path
from docgen.i18n.update import init_catalog

ROOT = Path(__file__).resolve().parent.parent

#: A word in each test language's script ("Persian", "Urdu", … in the language itself).
MARKERS = {
    "fa": "فارسی", "ur": "اردو", "he": "עברית", "ps": "پښتو", "prs": "دری", "ckb": "کوردی",
    "ko": "한국어", "zh-Hant": "繁體中文", "am": "አማርኛ", "my": "မြန်မာ", "bn": "বাংলা",
    "ru": "Русский", "hmn": "Hmoob", "ht": "Kreyòl",
}


def _weekday_names(tag: str) -> dict[str, str]:
    """The English weekday names → the names in ``tag``'s language, from CLDR ({} if none)."""
    from babel import Locale

    from docgen.i18n.locales import babel_locale

    locale = babel_locale(tag)  # Dari as Afghan Persian, as docgen formats it
    english = Locale("en").days["format"]["wide"]
    own = locale.days["format"]["wide"]
    return {english[i]: own[i] for i in range(7)}


def make_catalog(tag: str, base: Path) -> Path:
    """Write a complete catalog of ``tag`` in the folder ``base`` and return its path."""
    path = init_catalog(tag, base)
    catalog = read_catalog(path)
    marker = MARKERS[tag]
    days = _weekday_names(tag)
    for message in catalog:
        if not message.id:
            continue
        if message.context == "weekday" and isinstance(message.id, str) and days:
            # as a translator would: the language's own weekday names (CLDR's, where it has them)
            message.string = days.get(message.id, f"{marker} {message.id}")
        elif isinstance(message.id, str):
            message.string = f"{marker} {message.id}"
        else:
            forms = catalog.num_plurals
            message.string = tuple(f"{marker} {message.id[min(i, 1)]}" for i in range(forms))
    write_catalog(catalog, path)
    assert catalog_path(tag, base) == path
    return path


def spec_in(tags: list[str], folder: Path, sample: str = "lincoln-elementary-bright-futures"
            ) -> Path:
    """Write a copy of a sample whose notices are in ``tags``, and return its path."""
    data: dict[str, Any] = json.loads((ROOT / "samples" / f"{sample}.json").read_text())
    data = copy.deepcopy(data)
    data.pop("$schema", None)
    data["family_notices"]["languages"] = tags
    path = folder / f"{sample}-{'-'.join(tags)}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
