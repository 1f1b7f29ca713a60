"""LibreOffice as a judge of redlines: open DOCX files in a headless soffice, accept or reject
every tracked change, and say what the documents then hold.

This script runs under the system Python that has LibreOffice's UNO bridge (Debian's
``python3-uno``), not under the test suite's interpreter, and imports nothing from docgen or the
tests: it is a second judge, independent of both the redliner and tests/revisions.py.

usage: /usr/bin/python3 lo_judge.py SOFFICE PROFILE_DIR < jobs.json

``jobs.json`` is a list of ``{"src": "/abs/file.docx", "action": "accept"|"reject"|"none"}``,
or ``"action": "delete N"``: LibreOffice itself deletes block N (a paragraph, with its mark)
with changes recorded, saves the document as DOCX beside ``src`` (``src`` + ``.lo.docx``),
opens that again and accepts every change, as a reviewer of LibreOffice's own redline would.
The answer, on stdout, is one JSON list: for each job, ``{"blocks": [...]}`` or
``{"error": "..."}``. A block is a paragraph, ``{"text", "style", "label"}`` (its text, its
paragraph style's name and the number LibreOffice shows before it, "" when none), or a table,
``{"table": [[cell text, ...] per row]}``.
"""

import json
import os
import subprocess
import sys
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

COMMANDS = {"accept": ".uno:AcceptAllTrackedChanges", "reject": ".uno:RejectAllTrackedChanges"}


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(soffice, profile):
    pipe = "lojudge_%d_%d" % (os.getpid(), int(time.time() * 1000))
    office = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         "--nolockcheck", "--nofirststartwizard",
         "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.abspath(profile)),
         "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + 90
    while time.time() < deadline:
        if office.poll() is not None:
            raise RuntimeError("soffice exited with code %s" % office.returncode)
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            return office, ctx
        except NoConnectException:
            time.sleep(0.2)
    office.kill()
    raise RuntimeError("soffice did not start within 90 s")


def blocks(doc):
    out = []
    enum = doc.getText().createEnumeration()
    while enum.hasMoreElements():
        el = enum.nextElement()
        if el.supportsService("com.sun.star.text.TextTable"):
            out.append({"table": [list(row) for row in el.getDataArray()]})
        elif el.supportsService("com.sun.star.text.Paragraph"):
            try:
                label = el.getPropertyValue("ListLabelString") or ""
            except Exception:  # noqa: BLE001 - not every paragraph has the property
                label = ""
            out.append({"text": el.getString(), "style": el.getPropertyValue("ParaStyleName"),
                        "label": label})
    return out


def stop(office, desktop):
    try:
        desktop.terminate()
    except Exception:  # noqa: BLE001 - soffice may already be gone
        pass
    try:
        office.wait(timeout=30)
    except subprocess.TimeoutExpired:
        office.kill()
        office.wait()


def own_deletion(desktop, doc, src, index):
    """Delete block ``index`` of ``doc`` (its text and its mark) with changes recorded, save
    it as DOCX, close it and return that file opened again."""
    doc.RecordChanges = True
    found = []
    enum = doc.getText().createEnumeration()
    while enum.hasMoreElements():
        found.append(enum.nextElement())
    cursor = doc.getText().createTextCursorByRange(found[index].getStart())
    cursor.gotoRange(found[index + 1].getStart(), True)
    cursor.setString("")
    saved = src + ".lo.docx"
    doc.storeToURL(uno.systemPathToFileUrl(saved), (prop("FilterName", "MS Word 2007 XML"),))
    doc.close(True)
    return desktop.loadComponentFromURL(uno.systemPathToFileUrl(saved), "_blank", 0,
                                        (prop("Hidden", True),))


def main():
    soffice, profile = sys.argv[1], sys.argv[2]
    jobs = json.load(sys.stdin)
    office = desktop = dispatcher = None
    answers = []
    try:
        for job in jobs:
            if office is None or office.poll() is not None:
                # a document that crashes LibreOffice takes the bridge with it: the next job
                # gets a fresh soffice, so one crash is reported for its file alone
                office, ctx = connect(soffice, profile)
                smgr = ctx.ServiceManager
                desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
                dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper",
                                                            ctx)
            doc = None
            try:
                doc = desktop.loadComponentFromURL(
                    uno.systemPathToFileUrl(job["src"]), "_blank", 0,
                    (prop("Hidden", True), prop("UpdateDocMode", 0),
                     prop("MacroExecutionMode", 0)))
                if doc is None:
                    raise RuntimeError("LibreOffice could not open the document")
                command = COMMANDS.get(job["action"])
                if job["action"].startswith("delete "):
                    doc = own_deletion(desktop, doc, job["src"], int(job["action"].split()[1]))
                    command = COMMANDS["accept"]
                if command:
                    frame = doc.getCurrentController().getFrame()
                    dispatcher.executeDispatch(frame, command, "", 0, ())
                answers.append({"blocks": blocks(doc)})
            except Exception as e:  # noqa: BLE001 - reported to the test, which names the file
                message = str(e) or type(e).__name__
                if "disposed" in message.lower():
                    try:
                        office.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        office.kill()
                        office.wait()
                    message = "LibreOffice crashed on this document (" + message + ")"
                    doc = None
                answers.append({"error": message})
            finally:
                if doc is not None:
                    try:
                        doc.close(True)
                    except Exception:  # noqa: BLE001
                        pass
    finally:
        if office is not None and office.poll() is None:
            stop(office, desktop)
    json.dump(answers, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
