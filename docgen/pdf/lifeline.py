"""Keep a LibreOffice worker's processes from outliving docgen: a parent-death signal and a
watchdog.

This file, like ``worker.py``, runs under the Python that ships LibreOffice's UNO bridge and
imports nothing from docgen (the worker imports it from its own folder). The worker:

- asks the kernel for SIGTERM when docgen dies (``prctl(PR_SET_PDEATHSIG)``, on Linux), and
  runs a watchdog thread that notices its parent is gone on any system (its parent process id
  changes), even while the worker waits inside LibreOffice;
- starts soffice in a process group of its own, itself with a parent-death signal, and on
  either alarm kills that whole group (soffice and the soffice.bin it starts), removes its
  profile folder and exits;
- starts a watchdog (``python lifeline.py watch PGID PROFILE``, in a session of its own, so
  that a ``kill -9`` of docgen's process group or of the worker's does not reach it) that waits
  for the end of a pipe only the worker holds: however the worker ends, even by SIGKILL, the
  watchdog then kills soffice's group (soffice.bin has no parent-death signal: soffice starts
  it) and removes the profile.

docgen kills a hung worker's group and its soffice's group (the ``soffice_pid`` the worker
reports), and removes the profile itself; a profile left by a run that was killed with every
process of it is removed by the next (:func:`docgen.pdf.pool.remove_left_profiles`).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from typing import Any, NoReturn

PR_SET_PDEATHSIG = 1


def parent_death_signal(sig: int) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent dies; False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _in_child() -> None:
    parent_death_signal(signal.SIGKILL)


def start_office(argv: list[str], profile: str | None = None) -> subprocess.Popen[bytes]:
    """Start ``argv`` (soffice) in a process group of its own, killed if this process dies;
    with ``profile``, also a watchdog (:func:`watch`) that kills the group and removes the
    profile once this process is gone, however it ends."""
    office = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True,
                              preexec_fn=_in_child)
    if profile is not None:
        read, write = os.pipe()
        try:
            subprocess.Popen([sys.executable, os.path.abspath(__file__), "watch",
                              str(office.pid), profile], stdin=read,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        finally:
            os.close(read)
        # the write end stays open in this process only (close_fds keeps it from the children)
        _watched.append(write)
    return office


#: The write ends of the watchdogs' pipes: closed only when this process ends.
_watched: list[int] = []


def _group_members(group: int) -> list[int]:
    """The processes in process group ``group`` (from /proc)."""
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group:
                members.append(int(entry))
    return members


def _mentions(pid: int, profile: str) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return profile.encode() in f.read()
    except OSError:
        return False


def watch(group: int, profile: str) -> int:
    """The watchdog: wait until standard input ends (the worker that started it is gone), then
    kill soffice's process group ``group``, if its processes are still the ones of ``profile``,
    and remove ``profile``."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a SIGTERM of all of docgen: clean up first
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while os.read(0, 4096):
        pass
    if os.path.isdir("/proc"):
        members = _group_members(group)
        if any(_mentions(pid, profile) for pid in members):
            kill_group(group)
    else:
        kill_group(group)
    deadline = time.monotonic() + 10
    while os.path.isdir("/proc") and _group_members(group) and time.monotonic() < deadline:
        time.sleep(0.05)  # soffice.bin may still be writing into the profile as it dies
    shutil.rmtree(profile, ignore_errors=True)
    return 0


def kill_group(pid: int) -> None:
    """Kill the process group ``pid`` leads; nothing if it is gone."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


class Lifeline:
    """Ends the worker, its soffice and its profile the moment docgen is gone."""

    def __init__(self, profile: str, interval: float = 0.2) -> None:
        self.profile = profile
        self.office: subprocess.Popen[Any] | None = None
        self.parent = os.getppid()
        self.lock = threading.RLock()  # the SIGTERM handler may run while it is held
        self.interval = interval

    def hold(self) -> Lifeline:
        """Arm the parent-death signal and the watchdog; return self."""
        signal.signal(signal.SIGTERM, lambda *_: self.end(143))
        parent_death_signal(signal.SIGTERM)
        if os.getppid() != self.parent:  # docgen died before the signal was armed
            self.end(1)
        threading.Thread(target=self._watch, daemon=True).start()
        return self

    def _watch(self) -> None:
        while True:
            if os.getppid() != self.parent:
                self.end(1)
            time.sleep(self.interval)

    def end(self, code: int) -> NoReturn:
        """Kill soffice's group, remove the profile, and exit at once with ``code``."""
        with self.lock:
            if self.office is not None:
                kill_group(self.office.pid)
                try:
                    self.office.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
            shutil.rmtree(self.profile, ignore_errors=True)
            os._exit(code)


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "watch":
    sys.exit(watch(int(sys.argv[2]), sys.argv[3]))
