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

#: how validate and build begin their one line about translations nobody has reviewed
REVIEW_NOTICE = "notice: not reviewed by a person: "
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
def specs_written_by_tests_are_translated(monkeypatch: pytest.MonkeyPatch,
                                          request: pytest.FixtureRequest,
                                          tmp_path_factory: pytest.TempPathFactory) -> None:
    """A spec a test writes (a changed copy of a sample, next year's spec, a generated one)
    has no catalogs of its own text beside it. Stand in for its translator: it gets catalogs
    (in a folder of the test's own) carrying the sample's translations where the English is
    unchanged, and the rest written as "⟦tag⟧ English". Tests of the spec catalogs themselves
    opt out with ``@pytest.mark.own_spec_catalogs``, and see docgen's real behaviour."""
    if request.node.get_closest_marker("own_spec_catalogs"):
        return
    import hashlib
    import json

    from docgen.i18n import spectext
    from docgen.i18n.catalogs import open_catalog, write_catalog
    from docgen.i18n.locales import normalise

    from docgen.build import documents
    from docgen import explain

    real = spectext.spec_translation
    made: dict[str, Path] = {}

    def translation(data: dict, spec_file: str, tag: str, root: Path | None = None,
                    **kwargs: bool) -> spectext.SpecTranslation:
        if root is not None or spectext.catalog_folder(spec_file).is_dir():
            return real(data, spec_file, tag, root, **kwargs)
        key = hashlib.sha256(json.dumps([spec_file, data], sort_keys=True).encode(
            "utf-8", "surrogateescape")).hexdigest()[:16]
        if key not in made:
            made[key] = _stand_in_catalogs(data, spec_file, tmp_path_factory)
        return real(data, spec_file, tag, made[key], **kwargs)

    for module in (spectext, documents, explain):
        monkeypatch.setattr(module, "spec_translation", translation, raising=False)


def _stand_in_catalogs(data: dict, spec_file: str, factory: pytest.TempPathFactory) -> Path:
    """Write catalogs of ``data``'s own text into a new folder (see above); return it."""
    from docgen.i18n import spectext
    from docgen.i18n.catalogs import open_catalog, write_catalog
    from docgen.i18n.locales import normalise

    root = factory.mktemp("spec-catalogs")
    out = spectext.catalog_folder(spec_file, root)
    sample = _SAMPLE_IDS.get(_partnership(str(data.get("id", ""))))
    pot = spectext.extract_spec(data)
    for tag in dict.fromkeys(normalise(t) for t in (data.get("family_notices") or {}).get(
            "languages", [])):
        if not spectext.needs_catalog(tag):
            continue
        old = spectext.catalog_folder(sample) / f"{tag}.po" if sample else None
        base = (open_catalog(old, tag).catalog if old is not None and old.is_file()
                else spectext._new_catalog(tag, str(data.get("id", ""))))
        catalog = spectext._merged(base, pot)
        for message in catalog:
            if message.id and (message.fuzzy or not message.string):
                message.string = f"⟦{tag}⟧ {message.id}"
                message.flags.discard("fuzzy")
                message.previous_id = []
        write_catalog(catalog, out / f"{tag}.po")
    return root


def translate_beside(spec_file: Path, factory: pytest.TempPathFactory) -> Path:
    """Write stand-in catalogs of the spec's own text beside ``spec_file`` (see
    :func:`specs_written_by_tests_are_translated`), for a fixture the autouse one does not
    reach (a module-scoped one, a subprocess); return their folder."""
    import json

    from docgen.i18n import spectext

    data = json.loads(spec_file.read_text(encoding="utf-8"))
    made = spectext.catalog_folder(str(spec_file), _stand_in_catalogs(data, str(spec_file),
                                                                       factory))
    target = spectext.catalog_folder(spec_file)
    shutil.copytree(made, target)
    return target
