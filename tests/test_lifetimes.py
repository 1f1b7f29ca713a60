"""No process outlives a run, no failure hangs it: LibreOffice workers die with docgen, and an
exception while a PDF is placed is that document's error.

The fast tests drive the pool with a fake LibreOffice (tests/fake_worker.py, through the pool's
``worker_command`` hook) that holds the real worker's lifeline; the slow ones run LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import ROOT, require, translate_beside
from docgen.build.run import BuildOptions, build
from docgen.pdf.convert import PdfSettings
from docgen.pdf.pool import Converter, PdfJob, PdfPool

FAKE = [sys.executable, str(ROOT / "tests" / "fake_worker.py")]
JEFFERSON = ROOT / "samples/jefferson-elementary-public-library.json"


def fake_pool(**kwargs) -> PdfPool:
    return PdfPool(Converter("fake-soffice", sys.executable), worker_command=FAKE,
                   startup_timeout=30, **kwargs)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_until(condition, seconds: float = 20.0) -> bool:
    """Wait for ``condition`` (a process to die, a file to appear) up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_an_exception_while_placing_a_pdf_is_that_documents_error(tmp_path: Path) -> None:
    def placing_fails(result):
        if result.job.label == "first":
            raise OSError(30, "Read-only file system", str(result.job.dst))

    (tmp_path / "first.docx").write_bytes(b"x")
    (tmp_path / "second.docx").write_bytes(b"x")
    pool = fake_pool(workers=1, on_result=placing_fails)
    results = pool.convert([PdfJob(tmp_path / "first.docx", tmp_path / "first.pdf", "first"),
                            PdfJob(tmp_path / "second.docx", tmp_path / "second.pdf", "second")])
    assert [(r.job.label, r.ok, r.error) for r in results] == [
        ("first", False, f"docgen could not place its PDF (Read-only file system: "
                         f"{tmp_path / 'first.pdf'})"),
        ("second", True, "")]
    assert not pool._live


def test_an_exception_in_a_pool_thread_ends_the_job_not_the_run(tmp_path: Path) -> None:
    def broken(worker, job):
        if job.label == "first":
            raise KeyError("first")

    pool = fake_pool(workers=1, before_job=broken)
    results = pool.convert([PdfJob(tmp_path / "a.docx", tmp_path / "a.pdf", "first"),
                            PdfJob(tmp_path / "b.docx", tmp_path / "b.pdf", "second")])
    assert [(r.job.label, r.ok) for r in results] == [("first", False), ("second", True)]
    assert results[0].error == "docgen failed while converting it ('first')"


@pytest.mark.parametrize("kind", ["die", "hang"])
def test_a_worker_that_dies_or_hangs_ends_with_a_named_error(tmp_path: Path, kind: str) -> None:
    pool = fake_pool(workers=1, timeout=2)
    results = pool.convert([PdfJob(tmp_path / f"{kind}.docx", tmp_path / "x.pdf", kind),
                            PdfJob(tmp_path / "ok.docx", tmp_path / "ok.pdf", "ok")])
    assert [(r.job.label, r.ok, r.error) for r in results] == [
        (kind, False, "LibreOffice hung or crashed on it twice"), ("ok", True, "")]


def test_a_build_whose_pdf_cannot_be_placed_reports_it_and_ends(tmp_path: Path,
                                                                 monkeypatch) -> None:
    def concurrent_run(*args, **kwargs):
        raise KeyError("mou.docx")  # another run replaced the manifest meanwhile

    monkeypatch.setattr("docgen.build.pdfs._place_pdfs", concurrent_run)
    results = build([str(JEFFERSON)], BuildOptions(tmp_path, pdf=True),
                    pool=fake_pool(workers=2))
    folder = tmp_path / "jefferson-es-library-2026-27"
    assert [str(p) for p in results[0].pdf_errors] == [
        f"{folder}: the PDFs could not be placed (KeyError: 'mou.docx'); build again"]


_DOCGEN_WITH_A_FAKE_POOL = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from test_lifetimes import fake_pool
    from docgen.cli.app import run
    from docgen.pdf.convert import PdfSettings
    PdfSettings.make_pool = lambda self: fake_pool(workers=2)
    sys.exit(run(sys.argv[1:]))
""")


def _docgen_stuck_in_pdfs(tmp_path: Path, session: bool = False):
    """Start ``docgen build`` with PDFs that hang (in a session of its own with ``session``);
    return it once both workers hang."""
    out = tmp_path / "out"
    (tmp_path / "tmp").mkdir()
    pids = tmp_path / "pids"
    env = dict(os.environ, TMPDIR=str(tmp_path / "tmp"), FAKE_WORKER_PIDS=str(pids),
               FAKE_WORKER_HANG="1")
    script = _DOCGEN_WITH_A_FAKE_POOL.format(tests=str(ROOT / "tests"))
    proc = subprocess.Popen([sys.executable, "-c", script, "build", str(JEFFERSON), "-o",
                             str(out)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=session)
    assert wait_until(lambda: pids.exists() and len(pids.read_text().splitlines()) >= 2, 60), (
        proc.poll(), proc.stderr.read() if proc.poll() is not None else "")
    return proc, [line.split() for line in pids.read_text().splitlines()]


def test_sigterm_during_pdfs_leaves_no_worker_and_no_profile(tmp_path: Path) -> None:
    proc, workers = _docgen_stuck_in_pdfs(tmp_path)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err  # (seen once as 1 in a full run: the message says why)
    assert err.endswith("Stopped: docgen was asked to stop (SIGTERM); what it finished is "
                        "kept, run the command again to complete it\n")
    for worker, office, profile in workers:
        assert wait_until(lambda: not alive(int(worker)) and not alive(int(office)), 10)
    assert os.listdir(tmp_path / "tmp") == []


def test_kill_9_of_docgen_leaves_no_worker(tmp_path: Path) -> None:
    proc, workers = _docgen_stuck_in_pdfs(tmp_path)
    proc.kill()
    proc.wait(timeout=30)
    for worker, office, profile in workers:
        assert wait_until(lambda: not alive(int(worker)) and not alive(int(office)), 10), (
            worker, office)
        assert not Path(profile).exists()


def _mentioning(text: str) -> list[int]:
    """The live processes whose command line names ``text`` (a profile folder)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                if text.encode() in Path(f"/proc/{entry}/cmdline").read_bytes() and alive(
                        int(entry)):
                    found.append(int(entry))
            except OSError:
                pass
    return found


def test_kill_9_of_every_process_of_docgen_at_once_leaves_no_process_and_no_profile(
        tmp_path: Path) -> None:
    # docgen's process group and each worker's, killed together (as by the OOM killer, or a
    # kill -9 of all of them): no lifeline can run, the watchdogs clean up
    proc, workers = _docgen_stuck_in_pdfs(tmp_path, session=True)

    def soffice_bins() -> list[int]:
        return [p for _, _, profile in workers for p in _mentioning(profile)
                if b"fake-soffice.bin-for" in Path(f"/proc/{p}/cmdline").read_bytes().split(b"\0")]

    try:
        assert wait_until(lambda: len(soffice_bins()) == len(workers), 20), soffice_bins()
        groups = [os.getpgid(int(worker)) for worker, _, _ in workers]
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # at once with the workers' groups
    for group in groups:
        os.killpg(group, signal.SIGKILL)
    proc.wait(timeout=30)
    for worker, office, profile in workers:
        assert wait_until(lambda: not _mentioning(profile), 20), _mentioning(profile)
        assert not alive(int(office)) and not alive(int(worker))
        assert not Path(profile).exists()
    # a profile made for a worker whose watchdog had not started when every process was
    # killed (seen under load) is no process's: the next run removes it, and nothing else
    # is left (lifeline.py, remove_left_profiles)
    from docgen.pdf.pool import remove_left_profiles
    tmp = str(tmp_path / "tmp")
    left = sorted(os.path.join(tmp, p) for p in os.listdir(tmp) if p.startswith("docgen-lo-"))
    assert sorted(remove_left_profiles(tmp)) == left
    assert os.listdir(tmp) == []
    assert soffice_bins() == []


def test_profiles_left_by_a_killed_run_are_removed_at_the_next_start(tmp_path: Path) -> None:
    import fcntl

    from docgen.pdf.pool import PROFILE_OWNER, PROFILE_PREFIX, remove_left_profiles

    left = tmp_path / f"{PROFILE_PREFIX}left"  # its run is gone: nobody holds its lock
    (left / "user").mkdir(parents=True)
    (left / PROFILE_OWNER).write_bytes(b"")
    busy = tmp_path / f"{PROFILE_PREFIX}busy"  # a run is using it
    busy.mkdir()
    (busy / PROFILE_OWNER).write_bytes(b"")
    young = tmp_path / f"{PROFILE_PREFIX}young"  # being made this instant: no lock yet
    young.mkdir()
    old = time.time() - 3600  # or another docgen's, without locks: never removed
    os.utime(young, (old, old))
    other = tmp_path / "someone-elses-folder"
    other.mkdir()
    with open(busy / PROFILE_OWNER, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert remove_left_profiles(str(tmp_path)) == [str(left)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [busy.name, young.name, other.name])
    assert remove_left_profiles(str(tmp_path)) == [str(busy)]  # its run has ended now
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([young.name, other.name])


def test_a_pools_workers_hold_their_profiles_until_they_end(tmp_path: Path) -> None:
    from docgen.pdf.pool import PROFILE_PREFIX, remove_left_profiles

    pool = fake_pool(workers=1)
    worker = pool.start_worker()
    try:
        assert Path(worker.profile).name.startswith(PROFILE_PREFIX)
        assert remove_left_profiles(str(Path(worker.profile).parent)) == []
        assert Path(worker.profile).is_dir()
    finally:
        pool.stop_worker(worker, hung=False)
    assert not Path(worker.profile).exists()


def test_a_worker_killed_by_two_threads_at_once_is_killed_once(tmp_path: Path,
                                                                 monkeypatch) -> None:
    # a SIGTERM during PDFs: the run's ``finally`` kills every worker while the pool thread
    # that saw its worker go silent kills it too; the profile's lock file was closed twice
    # (EBADF, or another thread's file closed), and docgen ended with exit 1, not 143
    import threading
    import types

    import docgen.pdf.pool as pool_module

    def slow_close(fd: int) -> None:
        time.sleep(0.2)  # both killers are closing the profile's lock file at once
        os.close(fd)

    pool = fake_pool(workers=1)
    worker = pool.start_worker()
    slow_os = types.SimpleNamespace(**{name: getattr(os, name) for name in dir(os)
                                       if not name.startswith("__")})
    slow_os.close = slow_close
    monkeypatch.setattr(pool_module, "os", slow_os)
    start, failures = threading.Barrier(2), []

    def kill() -> None:
        start.wait()
        try:
            worker.kill()
        except BaseException as e:  # noqa: BLE001 - what the test looks for
            failures.append(e)

    threads = [threading.Thread(target=kill) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert not Path(worker.profile).exists() and not alive(worker.proc.pid)


def test_workers_started_ahead_live_until_a_conversion_takes_them(tmp_path: Path) -> None:
    # the kernel sends a worker its parent-death signal when the *thread* that started it
    # ends: workers started ahead (while the DOCX files are written) died at once, and every
    # PDF of a rebuild failed as "LibreOffice hung or crashed on it twice"
    pool = fake_pool(workers=1)
    pool.start()
    worker = pool._ready.get()
    pool._ready.put(worker)
    time.sleep(1.0)  # the starting thread has long returned
    assert alive(worker.proc.pid)
    (tmp_path / "a.docx").write_bytes(b"x")
    job = PdfJob(tmp_path / "a.docx", tmp_path / "a.pdf", "a")
    results = pool.convert([job])
    pool.close()
    assert [(r.ok, r.error) for r in results] == [(True, "")] and job.attempts == 0


def test_no_worker_starts_once_its_run_is_stopping(tmp_path: Path, monkeypatch) -> None:
    # the pool thread that retries a silent worker's job after the run's ``finally`` killed
    # the workers it knew: the new worker would outlive the run, its profile left behind
    from docgen.errors import ConverterError
    from docgen.pdf.pool import PROFILE_PREFIX

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    pool = fake_pool(workers=1)
    with pytest.raises(ConverterError) as raised:
        pool.start_worker(lambda: True)
    assert raised.value.message == "docgen was stopped before LibreOffice started"
    assert not pool._live
    assert [p for p in tmp_path.iterdir() if p.name.startswith(PROFILE_PREFIX)] == []


_DOCGEN_STUCK_IN_DOCX = textwrap.dedent("""
    import os, sys, threading
    import docgen.build.run as run_module
    def stuck(file, options, held=False):
        # a spec being rendered: say who renders it, and wait for docgen to be killed
        with open({pids!r}, "a") as out:
            out.write(f"{{os.getpid()}}\\n")
        threading.Event().wait()
    run_module.build_one = stuck
    from docgen.cli.app import run
    sys.exit(run(sys.argv[1:]))
""")


def test_kill_9_of_docgen_during_the_docx_phase_leaves_no_process(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    pids = tmp_path / "pids"
    specs = []
    for name in ("a", "b"):
        data = json.loads(JEFFERSON.read_text(encoding="utf-8"))
        data["id"] = f"jefferson-{name}"
        (tmp_path / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
        translate_beside(tmp_path / f"{name}.json", tmp_path_factory)
        specs.append(str(tmp_path / f"{name}.json"))
    script = _DOCGEN_STUCK_IN_DOCX.format(pids=str(pids))
    proc = subprocess.Popen([sys.executable, "-c", script, "build", *specs, "-o",
                             str(tmp_path / "out"), "--no-pdf", "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert wait_until(lambda: pids.exists() and len(pids.read_text().split()) == 2, 60)
    proc.kill()
    proc.wait(timeout=30)
    for pid in pids.read_text().split():
        assert wait_until(lambda: not alive(int(pid)), 10), pid


def packet_stuck(result, folder):
    """A packet being made (in a packet process, forked from the fork server): say which
    process makes it and which forked it, and wait for docgen to be killed."""
    import threading
    with open(os.environ["DOCGEN_TEST_PIDS"], "a") as out:
        out.write(f"{os.getpid()} {os.getppid()}\n")
    threading.Event().wait()


_DOCGEN_STUCK_IN_A_PACKET = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from test_lifetimes import fake_pool, packet_stuck
    import docgen.build.pdfs as pdfs
    from docgen.cli.app import run
    from docgen.pdf.convert import PdfSettings
    PdfSettings.make_pool = lambda self: fake_pool(workers=2)
    pdfs._packet = packet_stuck
    sys.exit(run(sys.argv[1:]))
""")


def test_kill_9_of_docgen_while_packets_are_made_leaves_no_process(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    # the packets' processes are forked from a fork server that imported what they need once;
    # a docgen killed with SIGKILL takes the server and every packet process with it
    pids = tmp_path / "pids"
    specs = []
    for name in ("a", "b"):
        data = json.loads(JEFFERSON.read_text(encoding="utf-8"))
        data["id"] = f"jefferson-{name}"
        (tmp_path / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
        translate_beside(tmp_path / f"{name}.json", tmp_path_factory)
        specs.append(str(tmp_path / f"{name}.json"))
    script = _DOCGEN_STUCK_IN_A_PACKET.format(tests=str(ROOT / "tests"))
    proc = subprocess.Popen([sys.executable, "-c", script, "build", *specs, "-o",
                             str(tmp_path / "out")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE,
                            env=dict(os.environ, DOCGEN_TEST_PIDS=str(pids),
                                     TMPDIR=str(tmp_path)))
    assert wait_until(lambda: pids.exists() and len(pids.read_text().split("\n")) == 3, 120)
    made = [tuple(int(n) for n in line.split()) for line in pids.read_text().splitlines()]
    servers = {parent for _, parent in made}
    assert len(servers) == 1 and proc.pid not in servers  # one fork server, not docgen
    assert len({pid for pid, _ in made}) == 2  # two packet processes, side by side
    proc.kill()
    proc.wait(timeout=30)
    for pid in [pid for pid, _ in made] + list(servers):
        assert wait_until(lambda: not alive(pid), 10), pid


_POOL_WITHOUT_THE_SIGNAL = textwrap.dedent("""
    import concurrent.futures, os, sys, threading
    import docgen.build.run as run_module
    run_module.parent_death_signal = lambda sig: False  # as on a system without prctl
    def stuck(report):
        with open(report, "a") as out:
            out.write(f"{os.getpid()}\\n")
        threading.Event().wait()
    with concurrent.futures.ProcessPoolExecutor(
            2, initializer=run_module.die_with_parent) as pool:
        for _ in range(2):
            pool.submit(stuck, sys.argv[1])
        threading.Event().wait()
""")


def test_a_jobs_worker_ends_when_docgen_is_killed_even_without_the_parent_death_signal(
        tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    proc = subprocess.Popen([sys.executable, "-c", _POOL_WITHOUT_THE_SIGNAL, str(pids)],
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        assert wait_until(lambda: pids.exists() and len(pids.read_text().split()) == 2, 60)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    for pid in pids.read_text().split():
        assert wait_until(lambda: not alive(int(pid)), 10), pid


# --- the finishing stage: what LibreOffice converted is read, pinned, checked and placed in a
# thread of its own (docgen.pdf.convert._Finishing); its failures are located and never hang

_FINISHING_FAILS = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from test_lifetimes import fake_pool
    import docgen.build.pdfs as pdfs
    import docgen.pdf.convert as convert
    from docgen.cli.app import run
    from docgen.pdf.convert import PdfSettings
    PdfSettings.make_pool = lambda self: fake_pool(workers=2)
    convert.FINISHING_QUEUE = 1  # the workers wait for the stage: it must still end

    def honest_pdf(data):
        raise RuntimeError("the checker broke")

    def place_packet(result, folder, packets=None):
        raise SystemExit("a thread-ending exit while the packet is made")

    if {fail!r} == "pdf":
        convert.honest_pdf = honest_pdf
    else:
        pdfs._place_packet = place_packet
    sys.exit(run(sys.argv[1:]))
""")


@pytest.mark.parametrize("fail", ["pdf", "packet"])
def test_a_failure_while_finishing_the_pdfs_is_located_and_the_run_ends(tmp_path: Path,
                                                                        fail: str) -> None:
    out = tmp_path / "out"
    script = _FINISHING_FAILS.format(tests=str(ROOT / "tests"), fail=fail)
    done = subprocess.run([sys.executable, "-c", script, "build", str(JEFFERSON), "-o",
                           str(out)], capture_output=True, text=True, timeout=240,
                          env=dict(os.environ, TMPDIR=str(tmp_path)))
    folder = out / "jefferson-es-library-2026-27"
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if not line.startswith("notice:")]
    documents = ["mou", "role-chart"] + [f"notices/notice-{t}"
                                         for t in ("en", "es", "vi", "ar", "zh-Hans")]
    if fail == "pdf":
        # each PDF its own error, named by its DOCX, in the documents' order; no packet
        assert errors == [f"{folder / d}.docx: PDF not written: docgen could not read its PDF "
                          f"(RuntimeError: the checker broke)" for d in documents], done.stderr
        assert not list(folder.rglob("*.pdf"))
    else:
        # even an exception that ends a thread is the spec's one error; its PDFs are placed
        assert errors == [f"{folder}: the PDFs could not be placed (SystemExit: a thread-ending "
                          f"exit while the packet is made); build again"], done.stderr
        assert sorted(str(p.relative_to(folder).with_suffix(""))
                      for p in folder.rglob("*.pdf")) == sorted(documents)
    assert not list(tmp_path.glob("docgen-lo-profile-*"))
