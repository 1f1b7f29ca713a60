"""``docgen serve`` on the command line: 127.0.0.1 only, the address with its key printed
once, a missing extra named in one line, and Ctrl-C stopping it cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.cli import cli

from serve_support import ROOT


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "example.org"])
def test_any_address_but_this_computers_is_refused(tmp_path: Path, host: str) -> None:
    result = CliRunner().invoke(cli, ["serve", str(tmp_path), "--host", host])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --host {host}: docgen serve listens on this computer only (127.0.0.1); it "
        "shows specs with family and student details, so it is never served to other "
        "computers\n")


def test_a_missing_extra_is_one_line_saying_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = CliRunner().invoke(cli, ["serve", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == ("Error: docgen serve needs the 'serve' extra: run  pip install "
                             "'docgen[serve]'  (or, in a checkout, make setup)\n")


def test_a_folder_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_a_bad_today_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", str(tmp_path), "--today", "14/05/2027"])
    assert result.exit_code == 2
    assert result.stderr == ("Error: --today: '14/05/2027' is not a date; write it as "
                             "YYYY-MM-DD, e.g. 2027-05-14\n")


def _start(folder: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "docgen", "serve", str(folder), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert process.stdout is not None
    lines = [process.stdout.readline() for _ in range(3)]
    match = re.fullmatch(r"  (http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]{20,}))\n",
                         lines[1])
    assert match, lines
    assert lines[0] == f"docgen serve: the page for {folder.resolve()} is at\n"
    assert lines[2] == ("Open it in your web browser (only on this computer). Press Ctrl-C "
                        "here to stop.\n")
    return process, match[1]


@pytest.mark.parametrize("sig,code,last", [
    (signal.SIGINT, 0, "docgen serve: stopped.\n"),
    # as every command: SIGTERM is "asked to stop", 143, once the server has closed
    (signal.SIGTERM, 143, ""),
])
def test_port_0_picks_a_free_port_prints_the_address_once_and_stops_cleanly(
        tmp_path: Path, sig: int, code: int, last: str) -> None:
    (tmp_path / "a.json").write_text('{"id": "a"}', encoding="utf-8")
    process, url = _start(tmp_path)
    try:
        base = url.split("?")[0]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base, timeout=10)  # no key: refused
        assert refused.value.code == 403
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with browser.open(url, timeout=10) as page:  # the printed address sets the key
            assert page.status == 200
            assert "a.json" in page.read().decode("utf-8")
    finally:
        process.send_signal(sig)
        out, err = process.communicate(timeout=30)
    assert process.returncode == code, err
    assert out == last
    assert "Traceback" not in err
    if sig == signal.SIGTERM:
        assert err.endswith("Stopped: docgen was asked to stop (SIGTERM); what it finished is "
                            "kept, run the command again to complete it\n")
