"""A LibreOffice worker: one long-lived headless soffice, fed DOCX files to export as PDF.

This file runs as a script under the Python that ships LibreOffice's UNO bridge (Debian's
``python3-uno``), not under docgen's own interpreter, so it imports nothing from docgen.

Protocol, one JSON object per line:
  stdout first: {"ready": true, "version": "7.4.7.2"} once soffice accepts connections;
  stdin: {"id": 1, "src": "/abs/in.docx", "dst": "/abs/out.pdf", "options": {"SelectPdfVersion": 2}}
  stdout: {"id": 1, "ok": true} or {"id": 1, "ok": false, "error": "…"}
End of stdin ends the worker and its soffice.

usage: python3 worker.py SOFFICE PROFILE_DIR
"""

import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lifeline import Lifeline, kill_group, start_office  # noqa: E402

import uno  # type: ignore[import-not-found]  # noqa: E402
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]  # noqa: E402
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]  # noqa


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def say(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main():
    soffice, profile = sys.argv[1], sys.argv[2]
    lifeline = Lifeline(profile).hold()
    pipe = "docgen_%d_%d" % (os.getpid(), int(time.time() * 1000))
    with lifeline.lock:
        office = lifeline.office = start_office(
            [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
             "--nolockcheck", "--nofirststartwizard",
             "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.abspath(profile)),
             "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe], profile)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    ctx = None
    deadline = time.time() + 60
    while time.time() < deadline:
        if office.poll() is not None:
            say({"ready": False, "error": "soffice exited with code %s" % office.returncode})
            return 1
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except NoConnectException:
            time.sleep(0.1)
    if ctx is None:
        kill_group(office.pid)
        say({"ready": False, "error": "soffice did not start within 60 s"})
        return 1
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    provider = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", ctx)
    try:
        about = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationAccess",
            (prop("nodepath", "/org.openoffice.Setup/Product"),))
        version = about.getByName("ooSetupVersionAboutBox")
    except Exception:  # noqa: BLE001 - the version is only informative
        version = "unknown"
    say({"ready": True, "version": version, "soffice_pid": office.pid})
    for line in sys.stdin:
        job = json.loads(line)
        doc = None
        try:
            doc = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(job["src"]), "_blank", 0,
                (prop("Hidden", True), prop("ReadOnly", True),
                 # com.sun.star.document.UpdateDocMode.NO_UPDATE: no link is updated on load
                 prop("UpdateDocMode", 0), prop("MacroExecutionMode", 0)))
            if doc is None:
                raise RuntimeError("LibreOffice could not open the document")
            data = uno.Any("[]com.sun.star.beans.PropertyValue",
                           tuple(prop(k, v) for k, v in sorted(job.get("options", {}).items())))
            doc.storeToURL(uno.systemPathToFileUrl(job["dst"]),
                           (prop("FilterName", "writer_pdf_Export"), prop("FilterData", data)))
            say({"id": job["id"], "ok": True})
        except Exception as e:  # noqa: BLE001 - reported to docgen, which names the document
            message = str(e) or type(e).__name__
            if "disposed" in message.lower() or office.poll() is not None:
                # soffice died under this document (its bridge is gone): no answer, so that
                # docgen starts a fresh worker and tries the document once more, then says
                # LibreOffice crashed on it, instead of failing every later one
                doc = None
                kill_group(office.pid)
                return 1
            say({"id": job["id"], "ok": False, "error": message})
        finally:
            if doc is not None:
                try:
                    doc.close(True)
                except Exception:  # noqa: BLE001
                    pass
    try:
        desktop.terminate()
    except Exception:  # noqa: BLE001 - soffice may already be gone
        pass
    try:
        office.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pass
    kill_group(office.pid)  # soffice.bin, if soffice left it behind
    return 0


if __name__ == "__main__":
    sys.exit(main())
