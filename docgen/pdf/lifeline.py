"""Keep a LibreOffice worker's processes from outliving docgen: a parent-death signal and a
watchdog.

This file, like ``worker.py``, runs under the Python that ships LibreOffice's UNO bridge and
imports nothing from docgen (the worker imports it from its own folder). The worker:

- asks the kernel for SIGTERM when docgen dies (``prctl(PR_SET_PDEATHSIG)``, on Linux), and
  runs a watchdog thread that notices its parent is gone on any system (its parent process id
  changes), even while the worker waits inside LibreOffice;
- starts soffice in a process group of its own, itself with a parent-death signal, and on
  either alarm kills that whole group (soffice and the soffice.bin it starts), removes its
  profile folder and exits.

docgen kills a hung worker's group and its soffice's group (the ``soffice_pid`` the worker
reports), and removes the profile itself.
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


def start_office(argv: list[str]) -> subprocess.Popen[bytes]:
    """Start ``argv`` (soffice) in a process group of its own, killed if this process dies."""
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True,
                            preexec_fn=_in_child)


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
