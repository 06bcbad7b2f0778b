"""Audit benchmark: per-document time, batch throughput at --jobs 1 and 2, cold start, peak memory.

    .venv/bin/python bench/bench_audit.py [--corpus bench/corpus] [--cold-runs 7] [--sample 600]

Makes the corpus first when it is missing (bench/make_corpus.py). Prints the figures next to the
targets of issue 5 and writes them to bench/out/audit.json; nothing here asserts a timing.

- per format: the cross-format fixtures (the same reports as .txt, .html, .docx, .pdf) audited
  in one process, median per file and the part of it spent reading the file;
- per-document median: in one process, rules loaded and parser built beforehand, each sampled file
  audited and timed, divided by its number of documents;
- throughput: `auditor audit CORPUS --format json` as a subprocess, wall time including start-up,
  median of --runs runs;
- cold start: `auditor audit one.txt`, median wall time of several runs;
- peak memory: largest resident set of any one process of the audit (getrusage of the children,
  measured in a fresh wrapper process per run) for a quarter, a half and all of the corpus; with
  --jobs 2 the whole tree holds about that much per process."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_PER_CORE = 250.0  # documents per second per core
TARGET_COLD_START = 0.6  # seconds

# Runs a command and prints the largest maxrss (KiB on Linux) among the processes it waited for.
_MAXRSS_WRAPPER = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
                   "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
                   "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)")


def auditor_command() -> list[str]:
    script = Path(sys.executable).with_name("auditor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "auditor.cli"]


def _env() -> dict:
    env = dict(os.environ)
    # measure start-up as installed tools run: with bytecode caches (pip compiles them on install)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*.txt"))


def ensure_corpus(corpus: Path, files: int):
    if len(corpus_files(corpus)) < files:
        from bench.make_corpus import make_corpus

        make_corpus(corpus, files, seed=7)


_TABLE_PRESENT = {"TB01", "TB02", "TB03"}


def _has_tables(document) -> bool:
    return any(f.rule in _TABLE_PRESENT and f.status.value == "pass" for f in document.findings)


def per_document_times(files: list[Path], sample: int) -> tuple[list[tuple[float, bool]], int]:
    """(milliseconds, carries statistical tables) per document for an evenly spread sample of
    files, audited in this process (a file's time is shared equally by its documents)."""
    from auditor.audit import audit_file
    from auditor.engine import Context
    from auditor.ruleset import load_rules, load_vocabulary

    rules, ctx = load_rules(), Context(vocabulary=load_vocabulary())
    chosen = files[:: max(1, len(files) // sample)][:sample]
    audit_file(chosen[0], rules, ctx)  # warm-up: parser and patterns built
    times, documents = [], 0
    for path in chosen:
        start = time.perf_counter()
        result = audit_file(path, rules, ctx)
        elapsed = (time.perf_counter() - start) * 1000
        count = max(1, len(result.documents))
        documents += count
        times.extend((elapsed / count, d is not None and _has_tables(d)) for d in result.documents or [None])
    return times, documents


FORMATS = ("txt", "html", "docx", "pdf")


def per_format_times(rounds: int) -> dict[str, tuple[float, float]]:
    """(median ms to audit a file, median ms of that spent reading it) per format, in-process, over
    the cross-format fixtures: the same reports as text, web page, Word file and PDF."""
    from auditor.audit import audit_file
    from auditor.engine import Context
    from auditor.ingest import read_source
    from auditor.ruleset import load_rules, load_vocabulary

    rules, ctx = load_rules(), Context(vocabulary=load_vocabulary())
    fixtures = ROOT / "tests" / "fixtures"
    figures = {}
    for fmt in FORMATS:
        paths = sorted(fixtures.glob(f"*report.{fmt}"))
        audit_file(paths[0], rules, ctx)  # warm-up: the reader's library imported
        whole, reading = [], []
        for _ in range(rounds):
            for path in paths:
                start = time.perf_counter()
                read_source(path)
                middle = time.perf_counter()
                audit_file(path, rules, ctx)
                reading.append((middle - start) * 1000)
                whole.append((time.perf_counter() - middle) * 1000)
        figures[fmt] = (statistics.median(whole), statistics.median(reading))
    return figures


def run_measured(args: list) -> tuple[float, int]:
    """(wall seconds, peak RSS in MiB) of one audit subprocess, measured from a fresh wrapper."""
    command = [sys.executable, "-c", _MAXRSS_WRAPPER, *auditor_command(), "audit", *map(str, args),
               "--format", "json", "--fail-on", "never", "--quiet"]
    out = subprocess.run(command, capture_output=True, text=True, env=_env(), check=True).stdout.split()
    seconds, maxrss_kib, code = float(out[0]), int(out[1]), int(out[2])
    if code not in (0, 1):
        raise SystemExit(f"audit exited {code}: {' '.join(map(str, args))}")
    return seconds, maxrss_kib // 1024


def count_documents(corpus: Path) -> int:
    out = subprocess.run([*auditor_command(), "audit", str(corpus), "--format", "json", "--fail-on", "never",
                          "--quiet", "--jobs", "0"], capture_output=True, text=True, env=_env()).stdout
    return json.loads(out)["summary"]["documents"]


def cold_start(one: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*auditor_command(), "audit", str(one), "--fail-on", "never"], stdout=subprocess.DEVNULL,
                       env=_env(), check=True)
        times.append(time.perf_counter() - start)
    return times


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "corpus")
    parser.add_argument("--files", type=int, default=2000, help="corpus size to generate when missing")
    parser.add_argument("--cold-runs", type=int, default=7)
    parser.add_argument("--sample", type=int, default=600, help="files timed one by one in-process")
    parser.add_argument("--format-rounds", type=int, default=10, help="rounds over the per-format fixtures")
    parser.add_argument("--runs", type=int, default=3, help="batch runs per --jobs value (the median is reported: "
                        "this machine's speed drifts by a fifth or more between runs)")
    args = parser.parse_args()

    ensure_corpus(args.corpus, args.files)
    files = corpus_files(args.corpus)
    parts = sorted(p for p in args.corpus.iterdir() if p.is_dir())
    documents = count_documents(args.corpus)
    print(f"corpus: {args.corpus} — {len(files)} files, {documents} documents; {os.cpu_count()} cores")

    timed, sampled = per_document_times(files, args.sample)
    times = [t for t, _ in timed]
    median_ms = statistics.median(times)
    print(f"per document (in-process, {sampled} documents): median {median_ms:.2f} ms, "
          f"p90 {statistics.quantiles(times, n=10)[-1]:.2f} ms → {1000 / statistics.mean(times):.0f} documents/s "
          f"on one core ({verdict(1000 / statistics.mean(times) >= TARGET_PER_CORE)} ≥ {TARGET_PER_CORE:.0f}/s)")
    for label, flag in (("with statistical tables", True), ("without", False)):
        part = [t for t, tables in timed if tables == flag]
        if part:
            print(f"  {label}: {len(part)} documents, median {statistics.median(part):.2f} ms")

    by_format = per_format_times(args.format_rounds)
    print("per file by format (in-process, tests/fixtures/*report.*: the same two reports in each format): " +
          "; ".join(f"{fmt} {total:.1f} ms (reading {read:.1f} ms) → {1000 / total:.0f} files/s"
                    for fmt, (total, read) in by_format.items()))

    figures = {"files": len(files), "documents": documents, "per_document_median_ms": round(median_ms, 3),
               "per_format_median_ms": {fmt: round(total, 2) for fmt, (total, _) in by_format.items()},
               "per_format_reading_median_ms": {fmt: round(read, 2) for fmt, (_, read) in by_format.items()},
               "per_document_median_ms_with_tables": round(statistics.median([t for t, f in timed if f] or [0]), 3),
               "throughput": {}, "peak_rss_mib": {}}
    for jobs in (1, 2):
        runs = [run_measured([args.corpus, "--jobs", jobs]) for _ in range(args.runs)]
        seconds, rss = statistics.median(s for s, _ in runs), max(r for _, r in runs)
        rate = documents / seconds
        figures["throughput"][jobs] = round(rate, 1)
        figures["peak_rss_mib"][f"all, jobs {jobs}"] = rss
        spread = f" (runs {', '.join(f'{s:.2f}' for s, _ in runs)} s)" if len(runs) > 1 else ""
        print(f"--jobs {jobs}: median {seconds:.2f} s wall for {documents} documents{spread} → {rate:.0f} documents/s, "
              f"{rate / jobs:.0f}/s per core ({verdict(rate / jobs >= TARGET_PER_CORE)}); "
              f"peak RSS {rss} MiB (largest process)")

    for share in (4, 2):
        subset = parts[: max(1, len(parts) // share)]
        _, rss = run_measured([*subset, "--jobs", 1])
        figures["peak_rss_mib"][f"1/{share}, jobs 1"] = rss
        print(f"peak RSS auditing 1/{share} of the corpus ({len(subset)} parts), --jobs 1: {rss} MiB")
    print(f"peak RSS auditing all of it, --jobs 1: {figures['peak_rss_mib']['all, jobs 1']} MiB "
          "(flat memory: the three figures stay close)")

    cold = cold_start(ROOT / "reports_examples" / "000_2e13bb19681690b4.txt", args.cold_runs)
    figures["cold_start_median_s"] = round(statistics.median(cold), 3)
    print(f"cold start `auditor audit one.txt`: median {statistics.median(cold):.3f} s of {len(cold)} runs "
          f"({verdict(statistics.median(cold) <= TARGET_COLD_START)} ≤ {TARGET_COLD_START} s)")

    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "audit.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
