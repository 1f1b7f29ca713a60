"""docgen serve's store: specs saved whole, every replaced version kept and restorable, and a
save from a stale page refused with both versions."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from docgen.errors import OutputError
from docgen.serve.files import NotServed
from docgen.serve.store import HISTORY, Conflict, Store, revision_of


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 2, 10, 42, 0, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Store:
    (tmp_path / "a.json").write_text('{"id": "a"}\n', encoding="utf-8")
    return Store(tmp_path, clock=Clock())


def test_stems_are_the_plain_json_files(tmp_path: Path, store: Store) -> None:
    (tmp_path / ".hidden.json").write_text("{}", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "folder.json").mkdir()
    os.symlink(tmp_path / "a.json", tmp_path / "link.json")
    (tmp_path / "b.json").write_text("{}", encoding="utf-8")
    assert store.stems() == ["a", "b"]


def test_a_save_keeps_the_version_it_replaces(tmp_path: Path, store: Store) -> None:
    first = store.read("a")
    saved = store.save("a", '{"id": "a", "v": 2}\n', revision=first.revision)
    assert saved.changed and saved.revision == revision_of(b'{"id": "a", "v": 2}\n')
    assert (tmp_path / "a.json").read_text(encoding="utf-8") == '{"id": "a", "v": 2}\n'
    versions = store.history("a")
    assert len(versions) == 1
    assert versions[0].name.startswith("20261202T104201.000000Z-")
    assert store.version_text("a", versions[0].name) == '{"id": "a"}\n'
    assert (tmp_path / HISTORY / "a" / versions[0].name).is_file()
    # no hidden file is left beside the spec
    assert sorted(p.name for p in tmp_path.iterdir()) == [HISTORY, "a.json"]


def test_saving_the_same_text_changes_nothing(store: Store) -> None:
    doc = store.read("a")
    saved = store.save("a", doc.text, revision=doc.revision)
    assert not saved.changed
    assert store.history("a") == []


def test_a_save_from_a_stale_page_is_a_conflict_with_both_versions(store: Store) -> None:
    page = store.read("a")
    store.save("a", '{"id": "a", "tab": 1}', revision=page.revision)  # the other tab
    with pytest.raises(Conflict) as caught:
        store.save("a", '{"id": "a", "tab": 2}', revision=page.revision)
    assert caught.value.mine == '{"id": "a", "tab": 2}'
    assert caught.value.theirs == '{"id": "a", "tab": 1}'
    assert caught.value.theirs_revision == store.read("a").revision
    assert store.read("a").text == '{"id": "a", "tab": 1}'  # not overwritten
    # what was refused is kept too, so closing the tab loses nothing
    kept = [store.version_text("a", v.name) for v in store.history("a") if v.unsaved]
    assert kept == ['{"id": "a", "tab": 2}']
    # choosing mine: a save from the file's revision
    store.save("a", caught.value.mine, revision=caught.value.theirs_revision)
    assert store.read("a").text == '{"id": "a", "tab": 2}'


def test_a_file_changed_by_an_editor_is_a_conflict_too(tmp_path: Path, store: Store) -> None:
    page = store.read("a")
    (tmp_path / "a.json").write_text('{"id": "edited"}', encoding="utf-8")
    with pytest.raises(Conflict):
        store.save("a", '{"id": "mine"}', revision=page.revision)


def test_restore_puts_a_version_back_and_keeps_the_one_it_replaces(store: Store) -> None:
    texts = ['{"v": 1}', '{"v": 2}', '{"v": 3}']
    for text in texts:
        store.clock.now += dt.timedelta(minutes=5)  # type: ignore[attr-defined]
        store.save("a", text, revision=store.read("a").revision)
    assert len(store.history("a")) == 3
    oldest = store.history("a")[-1]
    assert store.version_text("a", oldest.name) == '{"id": "a"}\n'
    store.restore("a", oldest.name, revision=store.read("a").revision)
    assert store.read("a").text == '{"id": "a"}\n'
    assert store.version_text("a", store.history("a")[0].name) == '{"v": 3}'
    with pytest.raises(Conflict):
        store.restore("a", store.history("a")[0].name, revision="stale")


def test_create_refuses_a_name_that_exists(store: Store) -> None:
    with pytest.raises(Conflict):
        store.create("a", "{}")
    store.create("new", '{"id": "new"}')
    assert store.read("new").text == '{"id": "new"}'


@pytest.mark.parametrize("stem", ["../a", ".hidden", "a/b", "", "a.json", "x" * 300])
def test_names_that_are_no_spec_are_refused(store: Store, stem: str) -> None:
    with pytest.raises(NotServed):
        store.save(stem, "{}", revision=None)
    with pytest.raises(NotServed):
        store.history(stem)


def test_a_kept_version_is_read_only_by_its_listed_name(store: Store) -> None:
    store.save("a", "{}", revision=store.read("a").revision)
    with pytest.raises(NotServed):
        store.version_text("a", "../../a.json")


def test_a_history_folder_that_is_a_link_is_refused(tmp_path: Path, store: Store) -> None:
    elsewhere = tmp_path.parent / (tmp_path.name + "-elsewhere")
    elsewhere.mkdir()
    os.symlink(elsewhere, tmp_path / HISTORY)
    with pytest.raises(OutputError, match="symbolic link"):
        store.save("a", "{}", revision=store.read("a").revision)
    assert store.read("a").text == '{"id": "a"}\n'  # nothing written
    assert list(elsewhere.iterdir()) == []


def test_a_save_is_atomic_when_the_write_fails(tmp_path: Path, store: Store,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import docgen.output as output

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    doc = store.read("a")
    monkeypatch.setattr(output.os, "replace", broken)
    with pytest.raises(OutputError, match="cannot be saved"):
        store.save("a", json.dumps({"id": "b"}), revision=doc.revision)
    assert (tmp_path / "a.json").read_text(encoding="utf-8") == '{"id": "a"}\n'
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_stale_save_of_what_the_file_says_already_is_no_conflict(store: Store) -> None:
    page = store.read("a")
    store.save("a", '{"id": "a", "v": 2}', revision=page.revision)
    again = store.save("a", '{"id": "a", "v": 2}', revision=page.revision)
    assert not again.changed and again.revision == store.read("a").revision
    assert not [v for v in store.history("a") if v.unsaved]


def test_a_burst_of_autosaves_keeps_the_version_before_it_not_every_step(store: Store) -> None:
    clock = store.clock
    for text in ['{"v": 1}', '{"v": 12}', '{"v": 123}']:  # seconds apart
        store.save("a", text, revision=store.read("a").revision)
    assert [store.version_text("a", v.name) for v in store.history("a")] == ['{"id": "a"}\n']
    clock.now += dt.timedelta(minutes=3)  # type: ignore[attr-defined]
    store.save("a", '{"v": 4}', revision=store.read("a").revision)
    assert [store.version_text("a", v.name) for v in store.history("a")] == [
        '{"v": 123}', '{"id": "a"}\n']


def test_a_file_changed_by_another_program_mid_burst_is_kept(tmp_path: Path,
                                                             store: Store) -> None:
    store.save("a", '{"v": 1}', revision=store.read("a").revision)
    (tmp_path / "a.json").write_text('{"edited": true}', encoding="utf-8")
    store.save("a", '{"v": 2}', revision=store.read("a").revision)
    assert '{"edited": true}' in [store.version_text("a", v.name) for v in store.history("a")]
