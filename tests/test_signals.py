"""A batch stopped by a signal: SIGTERM and SIGHUP end it as Ctrl-C does (exit 128 + the signal,
the earlier output kept, no temporary file left, no worker process left); a parent killed outright
takes its workers with it (Linux)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.snapshots import AS_OF, EXAMPLES

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def long_batch(tmp_path_factory) -> Path:
    """Enough files that a batch is still running seconds after it started."""
    folder = tmp_path_factory.mktemp("long")
    examples = sorted(p for p in EXAMPLES.iterdir() if p.suffix == ".txt")
    for i in range(400):
        shutil.copy(examples[i % len(examples)], folder / f"r{i:03d}.txt")
    return folder


def _session(sid: int) -> list[int]:
    """The live processes of a session (zombies left for init to reap are gone)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # state, ppid, pgrp, session, …
        if entry.name.isdigit() and int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _until(condition, seconds: float = 20):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _start(folder: Path, out: Path, jobs: int, stderr) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "auditor.cli", "audit", str(folder), "--jobs", str(jobs), "-f", "json",
                             "-o", str(out), "--as-of", AS_OF.isoformat()],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, cwd=ROOT,
                            start_new_session=True)  # a session of its own, to find every process it leaves


@pytest.mark.parametrize("signum,jobs", [(signal.SIGTERM, 2), (signal.SIGHUP, 2), (signal.SIGTERM, 1)])
def test_a_signal_stops_the_batch_like_ctrl_c(long_batch, tmp_path, signum, jobs):
    out = tmp_path / "out.json"
    out.write_text("earlier", encoding="utf-8")
    with open(tmp_path / "stderr", "wb") as stderr:
        proc = _start(long_batch, out, jobs, stderr)
    try:
        if jobs > 1:
            assert _until(lambda: len(_children(proc.pid)) == jobs), "no workers started"
        else:
            assert _until(lambda: any(p.name.endswith(".part") for p in tmp_path.iterdir())), "no output started"
        os.kill(proc.pid, signum)
        assert proc.wait(timeout=30) == 128 + signum, (tmp_path / "stderr").read_text(encoding="utf-8")
        assert _until(lambda: not _session(proc.pid), 5), "processes left behind"
    finally:
        for pid in _session(proc.pid):
            os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "stderr"]  # no .out.json.XXXX.part
    assert out.read_text(encoding="utf-8") == "earlier"
    assert "Traceback" not in (tmp_path / "stderr").read_text(encoding="utf-8")


def test_workers_do_not_outlive_a_parent_killed_outright(long_batch, tmp_path):
    proc = _start(long_batch, tmp_path / "out.json", 2, subprocess.DEVNULL)
    try:
        assert _until(lambda: len(_children(proc.pid)) == 2), "no workers started"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
        assert _until(lambda: not _session(proc.pid), 5), "workers outlived their parent"
    finally:
        for pid in _session(proc.pid):
            os.kill(pid, signal.SIGKILL)


def _running(pid: int) -> bool:
    """Is the process there and not a zombie? (multiprocessing's is_alive() stays True for a
    worker that the pool's own thread has reaped.)"""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_signals_stop_only_the_batch_s_own_workers():
    """A program that runs audits has children of its own: stop_workers, which a signal's clean-up
    calls, stops the running batch's workers and leaves the program's other children alone."""
    import multiprocessing
    import time

    from auditor.audit import AuditSettings, _live_pools, audit_files, stop_workers
    from auditor.engine import Context
    from auditor.ruleset import load_rules, load_vocabulary
    from tests.snapshots import AS_OF

    other = multiprocessing.get_context("fork").Process(target=time.sleep, args=(30,))
    other.start()
    settings = AuditSettings(load_rules(), Context(vocabulary=load_vocabulary(), as_of=AS_OF))
    earlier = set(_live_pools)  # batches of other tests that the garbage collector has not met yet
    batch = audit_files([ROOT / "tests" / "fixtures" / "report.txt"] * 40, settings, jobs=2)
    try:
        next(batch)
        (pool,) = set(_live_pools) - earlier
        pids = [process.pid for process in pool._processes.values()]
        stop_workers()
        deadline = time.monotonic() + 10
        while any(map(_running, pids)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pids and not any(map(_running, pids))
        assert _running(other.pid)
    finally:
        other.terminate()
        other.join()
        batch.close()
