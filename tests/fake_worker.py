"""A fake LibreOffice worker for the pool's tests: docgen's worker protocol without soffice.

Run by :class:`docgen.pdf.pool.PdfPool` through its ``worker_command`` test hook, as
``python fake_worker.py SOFFICE PROFILE``. It holds the same lifeline as the real worker
(:mod:`docgen.pdf.lifeline`) and starts a stand-in soffice (a Python process that waits for
ever, in a group of its own, and starts a stand-in soffice.bin as the real one does) so that
tests can see them all die with docgen. What it does with a
job is said by the source file's name: ``…hang…`` (or any, with ``$FAKE_WORKER_HANG`` set) never answers (and appends its process ids
and profile to the file ``$FAKE_WORKER_PIDS`` names), ``…die…`` exits, ``…bad…``
answers with an error; any other is "converted" into a tiny PDF.
"""

import json
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docgen",
                                "pdf"))
from lifeline import Lifeline, start_office  # noqa: E402

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


#: soffice starts soffice.bin, which has no parent-death signal of its own: so does the fake
FAKE_SOFFICE = (
    "import subprocess, sys, threading; "
    "subprocess.Popen([sys.executable, '-c', 'import threading; threading.Event().wait()', "
    "'fake-soffice.bin-for', sys.argv[2]]); threading.Event().wait()")


def say(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main():
    profile = sys.argv[2]
    lifeline = Lifeline(profile).hold()
    with lifeline.lock:
        office = lifeline.office = start_office(
            [sys.executable, "-c", FAKE_SOFFICE, "fake-soffice-for", profile], profile)
    say({"ready": True, "version": "fake", "soffice_pid": office.pid, "pid": os.getpid()})
    for line in sys.stdin:
        job = json.loads(line)
        name = os.path.basename(job["src"])
        if "hang" in name or os.environ.get("FAKE_WORKER_HANG"):
            report = os.environ.get("FAKE_WORKER_PIDS")
            if report:  # for the test that kills docgen meanwhile: who should die with it
                with open(report, "a") as out:
                    out.write(f"{os.getpid()} {office.pid} {profile}\n")
            threading.Event().wait()
        if "die" in name:
            os._exit(3)
        if "bad" in name:
            say({"id": job["id"], "ok": False, "error": "fake: cannot convert"})
            continue
        with open(job["dst"], "wb") as out:
            out.write(PDF)
        say({"id": job["id"], "ok": True})
    office.kill()
    office.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
