"""Generated specs for the benchmarks: variations of the samples, each with its own id, school,
address, version and dates (every date of a spec moved by the same number of days, so a spec stays
valid), so that no two documents are the same."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def _shifted(value: Any, days: int) -> Any:
    if isinstance(value, dict):
        return {k: _shifted(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [_shifted(v, days) for v in value]
    if isinstance(value, str) and _DATE.fullmatch(value):
        return (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()
    return value


def generate(folder: Path, count: int, seed: int = 2026, shift: bool = True) -> list[str]:
    """Write ``count`` specs below ``folder`` (50 a sub-folder); return their files."""
    rng = random.Random(seed)
    paths = sorted((ROOT / "samples").glob("*.json"))
    samples = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    streets = ["Maple Street", "Oak Avenue", "Fruitvale Avenue", "International Boulevard",
               "High Street"]
    files = []
    for i in range(count):
        spec = copy.deepcopy(samples[i % len(samples)])
        if shift:  # whole weeks, within the school year: weekdays and deadlines keep their order
            spec = _shifted(spec, 7 * rng.randint(0, 2))
        spec["id"] = f"school-{i:04d}-{spec['id'][:40]}".rstrip("-")[:80]
        school = spec["parties"]["school"]
        school["legal_name"] = f"School Number {i} ({school['legal_name']})"
        school["short_name"] = f"School {i}"
        school["address"]["street"] = f"{rng.randint(10, 9999)} {rng.choice(streets)}"
        spec["version"] = rng.randint(1, 5)
        sub = folder / f"school-{i // 50:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        file = sub / f"spec-{i:04d}.json"
        file.write_text(json.dumps(spec, indent=2, ensure_ascii=False), encoding="utf-8")
        # the spec's own text in the notices' languages (its catalogs, beside it)
        catalogs = paths[i % len(paths)].with_suffix(".locales")
        if catalogs.is_dir():
            shutil.copytree(catalogs, file.with_suffix(".locales"))
        files.append(str(file))
    return files
