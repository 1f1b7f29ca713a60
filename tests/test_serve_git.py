"""docgen serve over a folder that is a git repository: each save is a commit of that spec
alone, History and restore work from ``git log``, and when git cannot commit, the version
replaced goes to the history folder and the page says so. Real temporary repositories."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from docgen.serve.store import HISTORY, Store
from serve_support import serve_client

JEFF = "jefferson-elementary-public-library"


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """git sees no global or system configuration (so no user.name of the machine's)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def repo(tmp_path: Path, no_user_config: None) -> Path:
    """A repository with a spec and a notes file committed, by Ana."""
    folder = tmp_path / "specs"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    git(folder, "config", "user.name", "Ana Ruiz")
    git(folder, "config", "user.email", "ana@school.example.org")
    (folder / "a.json").write_text('{"id": "a"}\n', encoding="utf-8")
    (folder / "notes.txt").write_text("notes\n", encoding="utf-8")
    git(folder, "add", "a.json", "notes.txt")
    git(folder, "commit", "-q", "-m", "first")
    return folder


def test_a_save_in_a_git_repository_commits_that_spec_alone(repo: Path) -> None:
    (repo / "notes.txt").write_text("notes, changed and staged\n", encoding="utf-8")
    git(repo, "add", "notes.txt")
    (repo / "draft.txt").write_text("not tracked\n", encoding="utf-8")
    store = Store(repo)
    first = store.read("a")
    saved = store.save("a", '{"id": "a", "v": 2}\n', revision=first.revision)
    assert saved.changed and saved.note is None
    assert git(repo, "log", "-1", "--format=%s|%an <%ae>") == \
        "docgen serve: saved a.json|Ana Ruiz <ana@school.example.org>\n"
    assert git(repo, "show", "--name-only", "--format=", "HEAD") == "a.json\n"
    assert git(repo, "show", "HEAD:a.json") == '{"id": "a", "v": 2}\n'
    # the rest of the repository is as it was: the staged change still staged, only that
    assert git(repo, "status", "--porcelain") == "M  notes.txt\n?? draft.txt\n"
    assert not (repo / HISTORY).exists()  # the versions are in git, not in a folder


def test_the_author_is_docgen_serve_when_git_has_none(tmp_path: Path,
                                                      no_user_config: None) -> None:
    folder = tmp_path / "specs"
    folder.mkdir()
    git(folder, "init", "-q")
    store = Store(folder)
    store.create("a", '{"id": "a"}\n')
    assert git(folder, "log", "-1", "--format=%s|%an <%ae>|%cn <%ce>") == \
        ("docgen serve: saved a.json|docgen serve <noreply@localhost>|"
         "docgen serve <noreply@localhost>\n")


def test_a_file_changed_by_hand_is_committed_before_a_save_replaces_it(repo: Path) -> None:
    (repo / "a.json").write_text('{"id": "a", "by": "hand"}\n', encoding="utf-8")
    store = Store(repo)
    store.save("a", '{"id": "a", "v": 3}\n', revision=store.read("a").revision)
    subjects = git(repo, "log", "--format=%s").splitlines()
    assert subjects == ["docgen serve: saved a.json",
                        "docgen serve: saved a.json as it was found, before a save", "first"]
    assert git(repo, "show", "HEAD~1:a.json") == '{"id": "a", "by": "hand"}\n'
    versions = store.history("a")
    assert [store.version_text("a", v.name) for v in versions] == [
        '{"id": "a", "by": "hand"}\n', '{"id": "a"}\n']


def test_history_and_restore_work_from_git_log(repo: Path) -> None:
    spec = Path(__file__).resolve().parent.parent / "samples" / f"{JEFF}.json"
    (repo / f"{JEFF}.json").write_bytes(spec.read_bytes())
    git(repo, "add", f"{JEFF}.json")
    git(repo, "commit", "-q", "-m", "the sample")
    client = serve_client(repo)
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    text = spec.read_text(encoding="utf-8")
    store.save(JEFF, text.replace("weekly story time", "story time twice a week"),
               revision=store.read(JEFF).revision)
    page = client.get(f"/spec/{JEFF}/history")
    assert page.status_code == 200
    assert "This folder is a git repository: every save is a commit of" in page.text
    names = re.findall(r'href="/spec/[^/]+/history/(git-[0-9a-f]{40})"', page.text)
    assert len(names) == 1  # the file now is the newest commit: one earlier version
    assert names[0] == "git-" + git(repo, "rev-parse", "HEAD~1").strip()
    shown = client.get(f"/spec/{JEFF}/history/{names[0]}")
    assert shown.status_code == 200 and "weekly story time" in shown.text
    done = client.post(f"/spec/{JEFF}/restore", data={
        "version": names[0], "revision": store.read(JEFF).revision}, follow_redirects=False)
    assert done.status_code == 303
    assert (repo / f"{JEFF}.json").read_text(encoding="utf-8") == text
    assert git(repo, "log", "--format=%s").splitlines()[:2] == [
        f"docgen serve: saved {JEFF}.json", f"docgen serve: saved {JEFF}.json"]
    assert git(repo, "status", "--porcelain") == ""
    missing = client.get(f"/spec/{JEFF}/history/git-{'0' * 40}")
    assert missing.status_code == 404


def test_a_commit_that_fails_keeps_the_version_in_the_history_folder_and_says_so(
        repo: Path) -> None:
    (repo / ".git" / "index.lock").write_text("", encoding="utf-8")  # another git at work
    client = serve_client(repo)
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    saved = store.save("a", '{"id": "a", "v": 2}\n', revision=store.read("a").revision)
    assert saved.note == ("not committed to git (git add failed: fatal: Unable to create "
                          f"'{repo}/.git/index.lock': File exists.); the version before it "
                          "is in git")
    assert (repo / "a.json").read_text(encoding="utf-8") == '{"id": "a", "v": 2}\n'
    assert not (repo / HISTORY).exists()  # the version replaced is HEAD's
    # the next save replaces a version git does not have: it goes to the history folder
    saved = store.save("a", '{"id": "a", "v": 3}\n', revision=saved.revision)
    assert saved.note is not None and saved.note.endswith(
        f"File exists.); the version replaced is kept in {HISTORY}")
    kept = list((repo / HISTORY / "a").iterdir())
    assert [p.read_text(encoding="utf-8") for p in kept] == ['{"id": "a", "v": 2}\n']
    assert git(repo, "log", "--format=%s") == "first\n"
    assert sorted(store.version_text("a", v.name) for v in store.history("a")) == [
        '{"id": "a", "v": 2}\n', '{"id": "a"}\n']  # one in the folder, one in git
    page = client.get("/spec/a/history")
    assert "Saves are not committed to git: git add failed: fatal: Unable to create" in page.text
    (repo / ".git" / "index.lock").unlink()  # git is free again: the next save commits
    store.save("a", '{"id": "a", "v": 4}\n', revision=saved.revision)
    assert git(repo, "log", "--format=%s").splitlines() == [
        "docgen serve: saved a.json", "docgen serve: saved a.json as it was found, before a "
        "save", "first"]
    assert git(repo, "show", "HEAD~1:a.json") == '{"id": "a", "v": 3}\n'


def test_without_git_a_repository_s_saves_go_to_the_history_folder(
        repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    client = serve_client(repo)
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    assert store.git is None
    saved = store.save("a", '{"id": "a", "v": 2}\n', revision=store.read("a").revision)
    assert saved.note == ("the folder is a git repository, but git is not installed; "
                          f"every version is kept in {HISTORY}")
    assert len(list((repo / HISTORY / "a").iterdir())) == 1
    page = client.get("/spec/a/history").text
    assert ("Saves are not committed to git: the folder is a git repository, but git is "
            "not installed.") in page


def test_the_edit_page_says_when_a_save_was_not_committed(repo: Path) -> None:
    spec = Path(__file__).resolve().parent.parent / "samples" / f"{JEFF}.json"
    (repo / f"{JEFF}.json").write_bytes(spec.read_bytes())
    (repo / ".git" / "index.lock").write_text("", encoding="utf-8")
    client = serve_client(repo)
    from test_serve_edit import page_form
    form = page_form(repo, JEFF)
    form["f.purpose"] = "Changed."
    answer = client.post(f"/spec/{JEFF}/save", data=form)
    assert answer.status_code == 200
    assert "not committed to git (git add failed" in answer.text


def test_a_folder_inside_a_repository_keeps_its_own_history_folder(repo: Path) -> None:
    inner = repo / "samples"  # as docgen serve samples, in a clone of docgen
    inner.mkdir()
    (inner / "b.json").write_text('{"id": "b"}\n', encoding="utf-8")
    store = Store(inner)
    assert store.git is None and store.git_problem is None
    store.save("b", '{"id": "b", "v": 2}\n', revision=store.read("b").revision)
    assert git(repo, "log", "--format=%s") == "first\n"
    assert len(list((inner / HISTORY / "b").iterdir())) == 1
