"""Audit files: parse each, run the rules on every document, keep one result per input file.

A batch yields its results in input order, whether it runs in this process or in a pool of worker
processes, so the outputs do not depend on --jobs. Results are small on purpose (metadata and
findings, not the text or the parse tree), and a batch renders each where it was audited, so that
what reaches the formatter's writer, one file at a time, is text and a few counts."""

from __future__ import annotations

import multiprocessing
import os
import weakref
from collections import deque
from dataclasses import dataclass, replace
from datetime import date
from typing import Callable, Iterable, Iterator

from .engine import Context, audit_report
from .errors import InputError
from .findings import Finding
from .metadata import edition_for
from .model import Report
from .pipeline import ParsedFile, parse_file


@dataclass(frozen=True)
class DocumentResult:
    """What the outputs need from one audited document."""

    source: str
    format: str
    segment: int
    doc_type: str
    title: str | None
    agency: str | None
    agency_kind: str | None
    year: int | None
    edition: str | None
    publication_date: date | None
    signing_date: date | None
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class FileResult:
    path: str
    documents: tuple[DocumentResult, ...] = ()
    error: str | None = None  # one-line reason the file could not be read


@dataclass(frozen=True)
class AuditSettings:
    """Everything a worker process needs to audit a file the way the parent would."""

    rules: dict
    ctx: Context
    year: int | None = None
    agency_kind: str | None = None


def apply_overrides(report: Report, year: int | None, agency_kind: str | None) -> Report:
    if year is not None:
        report = replace(report, report_year=year, report_year_source="override", edition=edition_for(year)
                         if report.doc_type == "annual_report" else report.edition)
    if agency_kind is not None:
        report = replace(report, agency_kind=agency_kind)
    return report


def _date_of(mention) -> date | None:
    return mention.value if mention is not None else None


def document_result(parsed: ParsedFile, report: Report, findings) -> DocumentResult:
    return DocumentResult(
        source=parsed.source.path, format=parsed.source.format, segment=report.segment,
        doc_type=report.doc_type, title=report.title, agency=report.agency, agency_kind=report.agency_kind,
        year=report.report_year, edition=report.edition, publication_date=_date_of(report.publication_date),
        signing_date=_date_of(report.signing_date), findings=tuple(findings))


def audit_file(path, rules, ctx: Context, year: int | None = None, agency_kind: str | None = None) -> FileResult:
    try:
        parsed = parse_file(path)
    except InputError as err:
        return FileResult(str(path), error=err.message(ctx.lang))
    except Exception as err:  # noqa: BLE001 - one bad file must not end a batch; the message names the bug
        detail = f"{type(err).__name__}: {err}"
        return FileResult(str(path), error=InputError(path, f"internal error while reading ({detail})",
                                                      f"读取时发生内部错误（{detail}）").message(ctx.lang))
    if not parsed.reports:
        return FileResult(str(path), error=InputError(path, "no document found (only page chrome or too little text)",
                                                      "未找到文档（只有网页框架或文字太少）").message(ctx.lang))
    documents = []
    for report in parsed.reports:
        report = apply_overrides(report, year, agency_kind)
        documents.append(document_result(parsed, report, audit_report(parsed, report, rules, ctx)))
    return FileResult(str(path), tuple(documents))


# ---- batches ----------------------------------------------------------------------------------
# A batch hands each FileResult, with its index in the batch, to `render` (an output format's
# Format.file) where it was audited: in a worker, the parent then only writes the rendered text,
# instead of unpickling findings and encoding them one process for all.

_worker: tuple | None = None  # (settings, render) of this worker process


def _init_worker(settings: AuditSettings, render, parent: int):
    import signal

    global _worker
    _worker = settings, render
    # Ctrl-C is the parent's to handle (it cancels the batch); workers would only print tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # SIGTERM and SIGHUP end a worker at once (the parent's handlers, inherited, would unwind the
    # worker's task into an error result): the parent stops its workers so on its own signal.
    for name in ("SIGTERM", "SIGHUP"):
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    _die_with(parent)


def _die_with(parent: int):
    """A worker whose parent was killed outright (SIGKILL, a crash) must not be left blocked for
    ever on the result pipe: on Linux the kernel kills it when the parent goes (PR_SET_PDEATHSIG).
    Other systems have no such call; there only signals the parent can handle stop the workers."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl in this C library
        return
    if os.getppid() != parent:  # the parent went before prctl took effect
        os._exit(1)


def _audit_chunk(start: int, paths: list) -> list:
    """The rendered results of paths, which are the batch's files from index `start` on."""
    settings, render = _worker
    return [render(_audit(path, settings), index) for index, path in enumerate(paths, start)]


def _audit(path, s: AuditSettings) -> FileResult:
    return audit_file(path, s.rules, s.ctx, s.year, s.agency_kind)


def _as_is(result: FileResult, index: int) -> FileResult:
    return result


# Workers are forked: they inherit the compiled rules, whose closures cannot be pickled, so the
# spawn/forkserver start methods (the default on Windows and macOS, and on Linux from Python 3.14)
# would fail. Where there is no fork (Windows) a batch runs in this process.
_FORK = "fork" in multiprocessing.get_all_start_methods()


def parallel_available() -> bool:
    return _FORK


def effective_jobs(jobs: int, files: int) -> int:
    """--jobs 0 means one per core; never more processes than files."""
    wanted = jobs if jobs > 0 else (os.cpu_count() or 1)
    return max(1, min(wanted, files))


def _chunksize(files: int, jobs: int) -> int:
    # Small chunks keep the order-preserving buffer short; not one file per message, which costs IPC.
    return max(1, min(16, files // (jobs * 8)))


CHUNKS_IN_FLIGHT_PER_JOB = 4


def _in_order(pool, paths: list, jobs: int, chunk: int) -> Iterator:
    """Each file's rendered result in input order. Only a few chunks per worker are submitted ahead:
    when the output is consumed slowly (a pipe to a slow reader), finished work waits in bounded
    number here instead of the whole batch's output piling up in this process."""
    starts = iter(range(0, len(paths), chunk))
    pending = deque()

    def submit_next():
        start = next(starts, None)
        if start is not None:
            pending.append(pool.submit(_audit_chunk, start, paths[start:start + chunk]))

    for _ in range(jobs * CHUNKS_IN_FLIGHT_PER_JOB):
        submit_next()
    while pending:
        done = pending.popleft().result()
        submit_next()
        yield from done


def audit_files(paths: Iterable, settings: AuditSettings, jobs: int = 1, render: Callable = _as_is) -> Iterator:
    """render(FileResult, index in the batch) for each path, in the order of `paths`, produced
    lazily; by default the FileResults themselves.

    With several jobs the worker processes are started here, before the caller consumes the
    iterator (and so before a progress bar starts its thread), not on the first next()."""
    paths = list(paths)
    jobs = effective_jobs(jobs, len(paths)) if _FORK else 1
    if jobs == 1:
        return (render(_audit(path, settings), index) for index, path in enumerate(paths))
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=_init_worker,
                               initargs=(settings, render, os.getpid()))
    _live_pools.add(pool)
    ordered = _in_order(pool, paths, jobs, _chunksize(len(paths), jobs))
    return _drain(pool, ordered, paths, settings.ctx.lang, render)


def _drain(pool, ordered, paths, lang: str, render: Callable = _as_is) -> Iterator:
    from concurrent.futures.process import BrokenProcessPool

    done = 0
    try:
        for result in ordered:
            done += 1
            yield result
    except BrokenProcessPool:
        # A worker died (e.g. a crash inside a PDF library): the files not yet reported are named
        # as errors rather than lost or left hanging.
        for index in range(done, len(paths)):
            path = paths[index]
            yield render(FileResult(str(path), error=InputError(path, "not audited, a worker process died during the batch",
                                                                "未审核：批处理的工作进程意外退出").message(lang)), index)
    except BaseException:
        # Interrupted (Ctrl-C, SIGTERM) or closed before its end: the files in progress are not waited for.
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _live_pools.discard(pool)


# the worker pools of the batches running in this process (weak: a batch its caller drops unread
# never reaches the clean-up that would remove it)
_live_pools: "weakref.WeakSet" = weakref.WeakSet()


def stop_workers() -> None:
    """Stop the worker processes of every running batch at once (a signal ends the audit); the
    process's other children, when it is a program using this one, are left alone."""
    for pool in list(_live_pools):
        _stop_workers(pool)


def _stop_workers(pool):
    # ProcessPoolExecutor has no public way to stop its workers before Python 3.14 (terminate_workers)
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
