"""Installs are locked: the quick start installs exactly the versions in locks/, with hashes."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT

LOCKS = ROOT / "locks"


def pins(path: Path) -> dict[str, tuple[str, str, list[str]]]:
    """Return name -> (version, marker, hashes) of a lock file."""
    text = path.read_text(encoding="utf-8")
    out = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        first = block.split("\\", 1)[0].strip()
        if not first or first.startswith("#"):
            continue
        requirement = Requirement(first)
        (spec,) = requirement.specifier
        assert spec.operator == "==", first
        out[canonicalize_name(requirement.name)] = (
            spec.version, str(requirement.marker or ""),
            re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return out


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_every_locked_package_is_pinned_with_hashes() -> None:
    for name in ("docgen.txt", "test.txt", "bench.txt"):
        locked = pins(LOCKS / name)
        assert locked, name
        for package, (version, _, hashes) in locked.items():
            assert hashes, f"{name}: {package}=={version} has no hash"


def test_the_locks_satisfy_pyprojects_ranges_and_agree_with_each_other() -> None:
    runtime, test = pins(LOCKS / "docgen.txt"), pins(LOCKS / "test.txt")
    wanted = {"docgen.txt": project()["dependencies"],
              "test.txt": project()["dependencies"] + project()["optional-dependencies"]["test"]}
    for name, requirements in wanted.items():
        locked = pins(LOCKS / name)
        for line in requirements:
            requirement = Requirement(line)
            version = locked[canonicalize_name(requirement.name)][0]
            assert requirement.specifier.contains(version, prereleases=True), (name, line)
    # the test lock only adds to the runtime lock: the same versions of what both name
    assert {k: v[0] for k, v in runtime.items()} == {k: test[k][0] for k in runtime}
    for tool in ("pip", "hatchling", "editables"):
        assert tool in runtime, f"locks/docgen.txt must pin {tool} (locks/tools.in)"


def test_this_environment_has_exactly_the_locked_versions() -> None:
    from packaging.markers import Marker

    mismatched = []
    for package, (version, marker, _) in pins(LOCKS / "test.txt").items():
        if marker and not Marker(marker).evaluate():
            continue
        try:
            installed = metadata.version(package)
        except metadata.PackageNotFoundError:
            mismatched.append(f"{package}: not installed (locked {version})")
            continue
        if installed != version:
            mismatched.append(f"{package}: {installed} installed, {version} locked")
    assert not mismatched, ("the suite runs against the lock (make setup-test installs it): "
                            + "; ".join(mismatched))


def test_make_installs_from_the_locks_and_make_lock_refreshes_them() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--require-hashes --no-deps" in makefile
    assert "-r locks/docgen.txt" in makefile and "-r locks/test.txt" in makefile
    assert "--no-build-isolation --no-index -e ." in makefile
    assert re.search(r"^lock:", makefile, re.M) and re.search(r"^test-latest:", makefile, re.M)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`make lock`" in readme and "`make test-latest`" in readme
