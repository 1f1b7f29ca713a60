"""PDF phase of a build against the engines a user would pick instead, interleaved.

Usage: python benchmarks/pdf.py [--specs 8] [--rounds 5] [--workers 2]
       (after `make bench-setup`, which installs unoserver into .venv-uno)

Generates --specs specs (the samples, varied: benchmarks/specs.py), writes their DOCX files
(`docgen build --no-pdf`), and then, in each round, converts the same documents (agreements:
MOU, data-sharing agreement, role chart; and every family notice) four ways, in turn:

  docgen      `docgen build`'s PDF phase on those folders: pool start-up, conversion, pinning,
              the PDF/A and PDF/UA checks, the font rewrite, placing, and each spec's signing
              packet (with its signature fields, checks and page-text hashes) — everything;
  unoserver   two warm unoserver 3.x servers (started and warmed before the clock), fed by two
              client threads, the same export filter options (PDF/A-3b, tagged, PDF/UA, …),
              no index update (docgen does none either);
  soffice     two parallel `soffice --headless --convert-to pdf:writer_pdf_Export:{…}` calls,
              each with half the files and its own warm profile (start-up included: that is
              how it is used);
  floor       the bare conversion: docgen's two LibreOffice workers, already started, doing
              nothing but load and export (no pinning, checks or packets).

Each side must write a PDF for every document, or the comparison is void. Prints the median,
minimum and maximum of each side over the rounds, the ratios, and a final ``ratio: N``: the
unoserver median over docgen's (goal of issue #16: 1.5 or more; docgen within 1.2x the floor).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from docgen.build.run import BuildOptions, build  # noqa: E402
from docgen.pdf.pool import (PDF_OPTIONS, PdfJob, _Worker, find_converter,  # noqa: E402
                             soffice_version)
from specs import generate  # noqa: E402

UNO_VENV = ROOT / ".venv-uno"


def stop_fork_server() -> None:
    """Stop multiprocessing's fork server, if one runs (the next build starts another)."""
    import multiprocessing.forkserver

    stop = getattr(multiprocessing.forkserver._forkserver, "_stop", None)  # CPython 3.8+
    if stop is None:
        sys.exit("cannot stop the fork server on this Python: the rounds would not be alike")
    stop()


def filter_json() -> str:
    typed = {k: {"type": "boolean" if isinstance(v, bool) else "long", "value": str(v).lower()
                 if isinstance(v, bool) else str(v)} for k, v in PDF_OPTIONS.items()}
    return "pdf:writer_pdf_Export:" + json.dumps(typed, separators=(",", ":"))


def filter_options() -> list[str]:
    return [f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in PDF_OPTIONS.items()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def in_threads(count: int, docs: list[Path], convert: Callable[[int, Path], None]) -> None:
    """Convert ``docs`` in ``count`` threads, each thread ``i`` calling ``convert(i, doc)``."""
    todo: queue.Queue[Path] = queue.Queue()
    for doc in docs:
        todo.put(doc)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        while True:
            try:
                doc = todo.get_nowait()
            except queue.Empty:
                return
            try:
                convert(i, doc)
            except BaseException as e:  # noqa: BLE001
                errors.append(e)
                return

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


class Unoservers:
    """``count`` unoserver processes, each with its own profile, warmed by one conversion."""

    def __init__(self, count: int, tmp: Path, warm: Path) -> None:
        from unoserver.client import UnoClient

        self.procs, self.clients = [], []
        server = UNO_VENV / "bin" / "unoserver"
        if not server.exists():
            sys.exit(f"{server} is missing: run `make bench-setup` first")
        for i in range(count):
            port, uno_port = free_port(), free_port()
            profile = tmp / f"uno-profile-{i}"
            self.procs.append(subprocess.Popen(
                [str(server), "--port", str(port), "--uno-port", str(uno_port),
                 "--user-installation", str(profile)], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True))
            self.clients.append(UnoClient(port=str(port)))
        for i, client in enumerate(self.clients):
            deadline = time.monotonic() + 120
            while True:
                try:
                    client.convert(inpath=str(warm), outpath=str(tmp / f"warm-{i}.pdf"),
                                   filter_options=filter_options(), update_index=False)
                    break
                except (ConnectionError, OSError):
                    if time.monotonic() > deadline or self.procs[i].poll() is not None:
                        self.close()
                        sys.exit("unoserver did not start (run it by hand to see why)")
                    time.sleep(0.3)

    def convert(self, docs: list[Path], out: Path) -> None:
        def one(i: int, doc: Path) -> None:
            self.clients[i].convert(inpath=str(doc), outpath=str(out / (doc.stem + ".pdf")),
                                    filter_options=filter_options(), update_index=False)

        in_threads(len(self.clients), docs, one)

    def close(self) -> None:
        for proc in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def soffice_batches(soffice: str, profiles: list[Path], docs: list[Path], out: Path) -> None:
    halves = [docs[i::len(profiles)] for i in range(len(profiles))]
    procs = [subprocess.Popen([soffice, f"-env:UserInstallation={profile.as_uri()}",
                               "--headless", "--norestore", "--convert-to", filter_json(),
                               "--outdir", str(out)] + [str(d) for d in half],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for profile, half in zip(profiles, halves) if half]
    for proc in procs:
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    converter = find_converter()
    with tempfile.TemporaryDirectory(prefix="docgen-pdfbench-") as tmp_name:
        tmp = Path(tmp_name)
        specs = generate(tmp / "specs", args.specs)
        docx = tmp / "docx"
        assert all(r.ok for r in build(specs, BuildOptions(docx, pdf=False)))
        # the documents docgen converts: what its PDF phase writes (a first, uncounted run)
        trial = tmp / "trial"
        shutil.copytree(docx, trial)
        results = build(specs, BuildOptions(trial, pdf=True))
        assert all(r.ok and not r.pdf_errors for r in results), [r.pdf_errors for r in results]
        stop_fork_server()
        pdfs = sorted(p for p in trial.rglob("*.pdf") if p.name != "packet.pdf")
        docs = [docx / p.relative_to(trial).with_suffix(".docx") for p in pdfs]
        packets = len(list(trial.rglob("packet.pdf")))
        notices = sum(1 for d in docs if d.parent.name == "notices")
        # every side reads flat copies with unique names (soffice writes by name into --outdir)
        flat = tmp / "flat"
        flat.mkdir()
        inputs = []
        for doc in docs:
            target = flat / f"{doc.relative_to(docx).as_posix().replace('/', '--')}"
            shutil.copy(doc, target)
            inputs.append(target)

        times: dict[str, list[float]] = {k: [] for k in ("docgen", "unoserver", "soffice",
                                                          "floor")}
        profiles = [tmp / f"soffice-profile-{i}" for i in range(args.workers)]
        for i, profile in enumerate(profiles):  # warm each profile with one conversion
            soffice_batches(converter.soffice, [profile], inputs[:1], tmp / f"warm-{i}")
        servers = Unoservers(args.workers, tmp, inputs[0])
        workers = [_Worker(converter, 90.0) for _ in range(args.workers)]
        try:
            for worker in workers:  # started before the clock: the floor is warm
                worker.start()
            for round_ in range(args.rounds):
                out = tmp / f"round-{round_}"
                folder = out / "docgen"
                shutil.copytree(docx, folder)
                start = time.perf_counter()
                results = build(specs, BuildOptions(folder, pdf=True,
                                                    pdf_workers=args.workers))
                times["docgen"].append(time.perf_counter() - start)
                # a build's packet processes fork from a server that imports what they need;
                # it outlives the build in this process, as it does in `docgen serve`, but a
                # `docgen build` command starts its own: stop it, so each round pays its start
                stop_fork_server()
                made = [p for p in folder.rglob("*.pdf") if p.name != "packet.pdf"]
                if len(made) != len(docs) or not all(r.ok and not r.pdf_errors
                                                     for r in results):
                    sys.exit("docgen did not write every PDF; the comparison is void")

                (out / "unoserver").mkdir()
                start = time.perf_counter()
                servers.convert(inputs, out / "unoserver")
                times["unoserver"].append(time.perf_counter() - start)

                (out / "soffice").mkdir()
                start = time.perf_counter()
                soffice_batches(converter.soffice, profiles, inputs, out / "soffice")
                times["soffice"].append(time.perf_counter() - start)

                (out / "floor").mkdir()
                start = time.perf_counter()

                def bare(i: int, doc: Path) -> None:
                    job = PdfJob(doc, out / "floor" / (doc.stem + ".pdf"), doc.name)
                    answer = workers[i].convert(job, PDF_OPTIONS, 120.0)
                    if not answer or not answer.get("ok"):
                        raise RuntimeError(f"{doc}: {answer}")

                in_threads(len(workers), inputs, bare)
                times["floor"].append(time.perf_counter() - start)
                for side in ("unoserver", "soffice", "floor"):
                    if len(list((out / side).glob("*.pdf"))) != len(inputs):
                        sys.exit(f"{side} did not write every PDF; the comparison is void")
                shutil.rmtree(out)
        finally:
            servers.close()
            for worker in workers:
                worker.close()

    import unoserver.client  # noqa: F401 - for its version
    from importlib.metadata import version

    def row(name: str, what: str) -> str:
        t = times[name]
        return (f"| {what} | {statistics.median(t):.2f} | {min(t):.2f} | {max(t):.2f} | "
                f"{len(docs) / statistics.median(t):.1f} |")

    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}; {soffice_version(converter.soffice)}; "
          f"unoserver {version('unoserver')}; python {platform.python_version()}")
    print(f"documents: {len(docs)} ({len(docs) - notices} agreements and role charts, "
          f"{notices} notices) of {args.specs} specs, {packets} packets; {args.workers} "
          f"LibreOffice processes a side; {args.rounds} interleaved rounds")
    print("| side | median s | min s | max s | documents/s |")
    print("|---|---|---|---|---|")
    print(row("docgen", "docgen build, PDF phase (start-up, pinning, checks, fonts, packets)"))
    print(row("unoserver", f"unoserver, {args.workers} warm servers"))
    print(row("soffice", f"{args.workers} parallel soffice --convert-to batches"))
    print(row("floor", f"bare conversion, {args.workers} warm workers (the floor)"))
    print(f"docgen against soffice batches: {med['soffice'] / med['docgen']:.2f}x")
    print(f"docgen against the floor: {med['docgen'] / med['floor']:.2f}x the floor "
          f"(goal: 1.2 or less)")
    print(f"ratio: {med['unoserver'] / med['docgen']:.2f}")


if __name__ == "__main__":
    main()
