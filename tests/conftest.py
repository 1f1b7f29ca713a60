"""Shared fixtures: the repository's samples, golden-file updating, CI strictness, and the
Hypothesis profiles.

Two tiers: ``pytest -m "not slow"`` runs the unit tests, without LibreOffice, in well under a
minute; ``make test`` runs everything. ``HYPOTHESIS_PROFILE=fast`` cuts every property test
to a few examples (``examples(n)`` below); the default profile runs each test's own count.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.json"))

FAST_EXAMPLES = 10
settings.register_profile("default", print_blob=True)
settings.register_profile("fast", max_examples=FAST_EXAMPLES, deadline=None, print_blob=True)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or "default"
if PROFILE not in ("default", "fast"):
    raise pytest.UsageError(f"HYPOTHESIS_PROFILE={PROFILE!r} is not a profile; use fast (a few "
                            "examples per property test) or default (leave it unset)")
settings.load_profile(PROFILE)


def examples(n: int) -> int:
    """A property test's ``max_examples``: ``n``, or a few under HYPOTHESIS_PROFILE=fast.

    A test's own ``@settings(max_examples=n)`` overrides the profile, so tests that ask for
    more (or fewer) examples than the default pass their count through this.
    """
    return min(n, FAST_EXAMPLES) if PROFILE == "fast" else n


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output instead of comparing")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(tool: str) -> str:
    """Return the path of ``tool``; skip (never in CI) when it is not installed."""
    path = shutil.which(tool)
    if path is None:
        if in_ci():
            pytest.fail(f"{tool} is not installed; .ci/run must install it")
        pytest.skip(f"{tool} is not installed on this machine")
    return path


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, so that paths in messages are as a user types them."""
    monkeypatch.chdir(ROOT)
    return ROOT


def _partnership(spec_id: str) -> str:
    """A spec's id without its school year: the same partnership in another year."""
    return __import__("re").sub(r"-\d{4}-\d{2}$", "", spec_id)


_SAMPLE_IDS = {_partnership(__import__("json").loads(p.read_text(encoding="utf-8"))["id"]): p
               for p in SAMPLES}


@pytest.fixture(autouse=True)
def copies_of_samples_keep_their_translations(monkeypatch: pytest.MonkeyPatch,
                                              request: pytest.FixtureRequest) -> None:
    """A test's copy of a sample (same id but for the year, written elsewhere: a copy, or next
    year's spec) finds the sample's catalogs of
    its own text when it has none beside it, as if the test had copied them too: a string the
    test changed is then still refused, as it would be for a user. Tests of the spec catalogs
    themselves opt out with ``@pytest.mark.own_spec_catalogs``."""
    if request.node.get_closest_marker("own_spec_catalogs"):
        return
    import json

    from docgen.i18n import spectext

    real = spectext.catalog_folder

    def folder(spec_file: str | Path, root: Path | None = None) -> Path:
        found = real(spec_file, root)
        if found.is_dir() or root is not None:
            return found
        try:
            sample = _SAMPLE_IDS.get(_partnership(
                json.loads(Path(spec_file).read_text(encoding="utf-8"))["id"]))
        except (OSError, ValueError, KeyError, TypeError):
            return found
        return real(sample) if sample else found

    monkeypatch.setattr(spectext, "catalog_folder", folder)
