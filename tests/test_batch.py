"""Batches: one result per input file in every format, readable or not; order independent of --jobs;
results streamed; exit codes; no traceback."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from auditor.audit import AuditSettings, FileResult, audit_files, effective_jobs
from auditor.cli import OutputOptions, app
from auditor.engine import Context
from auditor.formatters import csv_out, html_out, json_out, sarif, text
from auditor.ruleset import load_rules, load_vocabulary
from tests.snapshots import AS_OF, EXAMPLES

FIXTURES = Path(__file__).parent / "fixtures"
SARIF_SCHEMA = Path(__file__).parent / "schemas" / "sarif-2.1.0.json"
# single-document examples, so that "one result per file" is also one report per file
GOOD_SOURCES = ["000_2e13bb19681690b4.txt", "001_7cc49b8b1d99bd2e.txt", "002_e4dc1900c1ebf750.txt",
                "003_42f4cbc021e24956.txt"]
GOOD, BAD = 50, 3
runner = CliRunner()


def textless_pdf() -> bytes:
    """A valid one-page PDF that draws a grey box and has no text: what a scanned report looks like
    to a text extractor."""
    content = b"0.5 g 50 50 495 742 re f"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _scanned_pdf_bytes() -> bytes:
    fixture = FIXTURES / "scanned.pdf"
    return fixture.read_bytes() if fixture.exists() else textless_pdf()


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("season")
    for i in range(GOOD):
        sub = folder / f"agency{i % 5}"  # nested: the batch recurses
        sub.mkdir(exist_ok=True)
        shutil.copy(EXAMPLES / GOOD_SOURCES[i % len(GOOD_SOURCES)], sub / f"report_{i:02d}.txt")
    (folder / "garbage.bin").write_bytes(b"\x00\x01\x02\xff" * 64)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "scanned.pdf").write_bytes(_scanned_pdf_bytes())
    return folder


@pytest.fixture(scope="module")
def settings() -> AuditSettings:
    return AuditSettings(load_rules(), Context(vocabulary=load_vocabulary(), as_of=AS_OF, lang="zh"))


@pytest.fixture(scope="module")
def options(settings) -> OutputOptions:
    return OutputOptions(lang="zh", show_pass=False, show_na=False, as_of=AS_OF, rules=settings.rules)


@pytest.fixture(scope="module")
def results(batch_dir, settings) -> list[FileResult]:
    return list(audit_files(sorted(p for p in batch_dir.rglob("*") if p.is_file()), settings))


def _audit_cli(*args):
    return runner.invoke(app, ["audit", *map(str, args), "--as-of", AS_OF.isoformat()])


# ---- one result per input file ----------------------------------------------------------------

def test_every_file_has_exactly_one_result(results):
    assert len(results) == GOOD + BAD
    unreadable = {Path(r.path).name: r.error for r in results if r.error}
    assert set(unreadable) == {"garbage.bin", "empty.txt", "scanned.pdf"}
    assert "没有文字层（扫描件？）" in unreadable["scanned.pdf"]  # Chinese by default (--lang zh)
    assert all(len(r.documents) == 1 for r in results if not r.error)


def test_json_lists_every_file(results, options):
    data = json.loads(json_out.render(results, options))
    assert len(data["reports"]) + len(data["errors"]) == GOOD + BAD
    assert data["summary"]["files"] == GOOD + BAD and data["summary"]["unreadable_files"] == BAD
    assert {Path(e["source"]).name for e in data["errors"]} == {"garbage.bin", "empty.txt", "scanned.pdf"}


def test_csv_lists_every_file(results, options):
    rows = list(csv.reader(io.StringIO(csv_out.render(results, options).removeprefix(csv_out.BOM))))
    assert len({row[0] for row in rows[1:]}) == GOOD + BAD
    summary = list(csv.reader(io.StringIO(csv_out.render_summary(results, options).removeprefix(csv_out.BOM))))
    assert len(summary) - 1 == GOOD + BAD


def test_sarif_lists_every_file(results, options):
    log = json.loads(sarif.render(results, options))
    run = log["runs"][0]
    assert len(run["artifacts"]) == GOOD + BAD
    notifications = run["invocations"][0]["toolExecutionNotifications"]
    assert len(notifications) == BAD and run["invocations"][0]["executionSuccessful"] is False
    validator = jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    assert not list(validator.iter_errors(log))


@pytest.mark.parametrize("jobs", [1, 2])
def test_sarif_indexes_point_at_their_artifact_and_rule(batch_dir, settings, options, jobs):
    from auditor.formatters.sarif import SarifFormat

    output_format, out = SarifFormat(options), io.StringIO()
    output_format.write(audit_files(sorted(p for p in batch_dir.rglob("*") if p.is_file()), settings, jobs,
                                    render=output_format.file), out)
    run = json.loads(out.getvalue())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["results"] and all(
        run["artifacts"][r["locations"][0]["physicalLocation"]["artifactLocation"]["index"]]["location"]["uri"]
        == r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] and rules[r["ruleIndex"]]["id"] == r["ruleId"]
        for r in run["results"])


def test_sarif_in_workers_refuses_rules_it_cannot_list(batch_dir, settings):
    """Workers cannot add to the parent's catalog: a rule missing from the options is an error, not a bad index."""
    from concurrent.futures.process import BrokenProcessPool

    from auditor.formatters.sarif import SarifFormat

    output_format = SarifFormat(OutputOptions(lang="zh", show_pass=False, show_na=False, as_of=AS_OF))  # no rules
    paths = sorted(p for p in batch_dir.rglob("*") if p.is_file())[:4]
    assert list(audit_files(paths, settings, 1, render=output_format.file))  # this process may append
    with pytest.raises((RuntimeError, BrokenProcessPool), match="not among the options' rules"):
        list(audit_files(paths, settings, 2, render=SarifFormat(output_format.options).file))


def test_html_lists_every_file(results, options):
    page = html_out.render(results, options)
    assert page.count('<section id="doc-') == GOOD + BAD
    assert page.count('<tr class="unreadable">') == BAD


def test_text_lists_every_file(results, options):
    out = text.render(results, options)
    for result in results:
        assert result.path in out
    assert "按机关和年度汇总" in out and "无法读取: 3" in out


# ---- the command line -------------------------------------------------------------------------

@pytest.mark.parametrize("format", ["text", "json", "sarif", "csv", "csv-summary", "html"])
def test_cli_batch_every_format_exit_code_without_traceback(batch_dir, tmp_path, format):
    out = tmp_path / f"out.{format}"
    result = _audit_cli(batch_dir, "--format", format, "--output", out)
    assert result.exit_code == 1, result.output  # the good files have error-level findings
    assert _audit_cli(batch_dir, "--format", format, "--output", out, "--fail-on", "never").exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.output.count("auditor: ") == BAD  # one stderr line per unreadable file
    assert out.stat().st_size > 0


def test_exit_code_reflects_findings_when_every_file_reads(tmp_path):
    shutil.copy(EXAMPLES / GOOD_SOURCES[0], tmp_path / "a.txt")  # fails an error-severity rule
    assert _audit_cli(tmp_path, "--format", "json").exit_code == 1
    assert _audit_cli(tmp_path, "--format", "json", "--fail-on", "never").exit_code == 0


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fail_on_warning_counts_warnings_and_above(tmp_path, jobs):
    for name in ("a.txt", "b.txt"):  # two files, so that -j 2 runs workers
        shutil.copy(EXAMPLES / "002_e4dc1900c1ebf750.txt", tmp_path / name)  # fails warnings, no error
    assert _audit_cli(tmp_path, "-f", "json", "-j", jobs).exit_code == 0
    assert _audit_cli(tmp_path, "-f", "json", "-j", jobs, "--fail-on", "warning").exit_code == 1


@pytest.mark.parametrize("extra", [["--show-pass"], ["--show-na", "--lang", "en", "--fail-on", "warning"]])
@pytest.mark.parametrize("format", ["text", "json", "sarif", "csv", "csv-summary", "html"])
def test_jobs_2_and_jobs_1_give_identical_output(batch_dir, tmp_path, format, extra):
    several = EXAMPLES / "004_641c8d857bc9cae3.txt"  # a guide and eight reports in one file
    one, two = tmp_path / "one.out", tmp_path / "two.out"
    assert _audit_cli(batch_dir, several, "-f", format, "-o", one, "--jobs", "1", *extra).exit_code == 1
    assert _audit_cli(batch_dir, several, "-f", format, "-o", two, "--jobs", "2", *extra).exit_code == 1
    assert one.read_bytes() == two.read_bytes()


def test_parallel_results_keep_input_order(batch_dir, settings):
    paths = sorted(p for p in batch_dir.rglob("*") if p.is_file())[::-1]
    assert [r.path for r in audit_files(paths, settings, jobs=2)] == [str(p) for p in paths]


@pytest.mark.parametrize("bad,zh", [(["--jobs", "-1"], "--jobs 应为 0"), (["--format", "xml"], "未知的格式 'xml'"),
                                    (["--fail-on", "fatal"], "--fail-on 只能是"), (["--as-of", "2026-02-30"], "--as-of 应为日期"),
                                    (["--lang", "fr"], "--lang 只能是 zh 或 en")])
def test_bad_batch_options_are_one_line_usage_errors(bad, zh):
    result = runner.invoke(app, ["audit", str(EXAMPLES / GOOD_SOURCES[0]), *bad])
    assert result.exit_code == 2 and result.output.startswith(f"auditor: {zh}") and result.output.count("\n") == 1


def test_linked_folders_are_followed_once_and_broken_links_get_a_result(tmp_path):
    report = (EXAMPLES / GOOD_SOURCES[0]).read_text(encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "r.txt").write_text(report, encoding="utf-8")
    (tmp_path / "audit").mkdir()
    (tmp_path / "audit" / "own.txt").write_text(report, encoding="utf-8")
    (tmp_path / "audit" / "linked").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "audit" / "loop").symlink_to(tmp_path / "audit")
    (tmp_path / "audit" / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", "audit", str(tmp_path / "audit"), "-f", "csv-summary",
                           "--fail-on", "never"], capture_output=True, text=True)
    rows = list(csv.reader(io.StringIO(proc.stdout.lstrip("\ufeff"))))[1:]
    assert sorted(Path(row[0]).relative_to(tmp_path / "audit").as_posix() for row in rows) == [
        "broken.txt", "linked/r.txt", "own.txt"]
    assert proc.returncode == 2 and "broken.txt" in proc.stderr  # the broken link is reported unreadable


def test_the_output_file_inside_the_audited_folder_is_not_audited(tmp_path):
    shutil.copy(EXAMPLES / GOOD_SOURCES[0], tmp_path / "a.txt")
    for _ in range(2):
        result = _audit_cli(tmp_path, "-f", "json", "-o", tmp_path / "out.json", "--fail-on", "never")
        assert result.exit_code == 0
        assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["summary"]["files"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "out.json"]


def test_an_interrupted_run_leaves_the_earlier_output_untouched(tmp_path):
    from auditor.cli import _output_file

    output = tmp_path / "out.json"
    output.write_text("earlier", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        with _output_file(output, "zh") as out:
            out.write("half of a new")
            raise KeyboardInterrupt
    assert output.read_text(encoding="utf-8") == "earlier" and [p.name for p in tmp_path.iterdir()] == ["out.json"]
    with _output_file(output, "zh") as out:
        out.write("new")
    assert output.read_text(encoding="utf-8") == "new" and (output.stat().st_mode & 0o777) == 0o666 & ~_umask()


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_an_output_that_is_a_folder_is_a_usage_error(tmp_path):
    result = _audit_cli(EXAMPLES / GOOD_SOURCES[0], "-o", tmp_path)
    assert result.exit_code == 2 and result.output == f"auditor: {tmp_path}: 是一个文件夹，请给出文件名\n"


def test_hidden_files_are_left_out_and_counted(tmp_path):
    for name in ("a.txt", ".DS_Store", ".git/config", "sub/b.txt", "sub/.~lock.b.txt#"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text((EXAMPLES / GOOD_SOURCES[0]).read_text(encoding="utf-8"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", "audit", str(tmp_path), "-f", "csv-summary",
                           "--fail-on", "never"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == "auditor: 跳过了 3 个隐藏文件（文件名或所在文件夹以 . 开头）\n"
    audited = {Path(line.split(",")[0]).relative_to(tmp_path).as_posix() for line in proc.stdout.splitlines()[1:]}
    assert audited == {"a.txt", "sub/b.txt"}


@pytest.mark.parametrize("jobs", ["2", "0"])
def test_jobs_without_fork_says_so_and_runs_in_one_process(batch_dir, tmp_path, monkeypatch, jobs):
    from auditor import audit

    monkeypatch.setattr(audit, "_FORK", False)  # as on Windows

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", no_pool)
    result = _audit_cli(batch_dir, "-f", "json", "-o", tmp_path / "out.json", "--jobs", jobs)
    assert result.exit_code == 1 and result.stderr.count("单进程") == 1
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["summary"]["files"] == GOOD + BAD
    assert "单进程" not in _audit_cli(batch_dir, "-f", "json", "-o", tmp_path / "out.json").stderr  # --jobs 1


def test_work_ahead_of_the_output_is_bounded():
    """A slow reader of the output must not make the parent hold the whole batch's results."""
    from auditor.audit import CHUNKS_IN_FLIGHT_PER_JOB, _in_order

    class Done:
        def __init__(self, start, paths):
            self.value = [(start + i, p) for i, p in enumerate(paths)]

        def result(self):
            return self.value

    class Pool:
        submitted = 0

        def submit(self, function, start, paths):
            self.submitted += 1
            return Done(start, paths)

    pool, paths = Pool(), [f"{n}.txt" for n in range(1000)]
    ordered = _in_order(pool, paths, jobs=2, chunk=10)
    assert next(ordered) == (0, "0.txt")
    assert pool.submitted == 2 * CHUNKS_IN_FLIGHT_PER_JOB + 1  # the window, refilled once
    assert list(ordered) == list(enumerate(paths))[1:] and pool.submitted == 100


def test_effective_jobs():
    assert effective_jobs(4, 2) == 2
    assert effective_jobs(1, 100) == 1
    assert effective_jobs(0, 100) >= 1
    assert effective_jobs(3, 0) == 1


# ---- streaming and progress -------------------------------------------------------------------

def test_batch_is_lazy(settings):
    produced = audit_files([EXAMPLES / GOOD_SOURCES[0], Path("/nonexistent/never-read.txt")], settings)
    assert isinstance(produced, Iterator)
    assert next(produced).error is None  # the second file has not been touched yet


@pytest.mark.parametrize("format", ["text", "json", "sarif", "csv", "csv-summary", "html"])
def test_formatters_write_as_results_arrive(results, options, format):
    """Each format consumes a one-shot stream and writes before the stream ends."""
    from auditor.cli import _format

    out = io.StringIO()
    seen = []

    def stream():
        for result in results[:5]:
            seen.append(out.tell())
            yield result

    _format(format, options).write_results(stream(), out)
    assert len(seen) == 5
    if format != "html":  # html keeps documents in a spooled file until the summary is known
        assert seen[-1] > seen[0]


def test_no_progress_bar_when_stderr_is_not_a_terminal(batch_dir):
    result = _audit_cli(batch_dir, "-f", "json")
    assert "━" not in result.stderr and "审计" not in result.stderr


def test_progress_bar_only_for_a_terminal_batch_without_quiet(monkeypatch):
    from auditor import progress

    monkeypatch.setattr(progress.sys.stderr, "isatty", lambda: True, raising=False)
    assert progress._wanted(total=2, enabled=True)
    assert not progress._wanted(total=2, enabled=False)  # --quiet
    assert not progress._wanted(total=1, enabled=True)  # a single file needs no bar
    monkeypatch.setattr(progress.sys.stderr, "isatty", lambda: False, raising=False)
    assert not progress._wanted(total=2, enabled=True)


def test_progress_bar_passes_every_result_through(monkeypatch):
    from auditor import progress

    monkeypatch.setattr(progress, "_wanted", lambda total, enabled: True)
    with progress.progress_bar(3, "en") as advance:
        assert list(advance(iter([1, 2, 3]))) == [1, 2, 3]


def test_quiet_is_accepted(batch_dir):
    assert _audit_cli(batch_dir, "-f", "json", "--quiet").exit_code == 1


def test_progress_bar_leaves_redirected_stdout_alone(monkeypatch, capsys):
    """`auditor audit DIR > out.json` with the bar on the terminal: the output must reach the file."""
    import sys

    from auditor import progress

    monkeypatch.setattr(progress, "_wanted", lambda total, enabled: True)
    with progress.progress_bar(2, "zh") as advance:
        for item in advance(iter(["a", "b"])):
            sys.stdout.write(item)
    assert capsys.readouterr().out == "ab"


def test_unwritable_output_is_a_usage_error(tmp_path):
    result = _audit_cli(EXAMPLES / GOOD_SOURCES[0], "-f", "json", "-o", tmp_path / "missing" / "out.json")
    assert result.exit_code == 2 and "无法写入" in result.output and result.output.count("\n") == 1


def test_cli_module_imports_no_heavy_dependency():
    """Cold start: importing the CLI must not pull in the parser, schema validation, OpenCC or rich."""
    import subprocess
    import sys

    heavy = ("lark", "jsonschema", "opencc", "rich", "docx", "pdfplumber", "auditor.engine")
    code = f"import sys, auditor.cli; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout
    assert out.strip() == "[]"


def test_a_dead_worker_names_every_file_not_audited(tmp_path):
    from concurrent.futures.process import BrokenProcessPool

    from auditor.audit import FileResult, _drain

    class Pool:
        def shutdown(self, wait, cancel_futures):
            self.closed = True

    def results():
        yield FileResult("a.txt")
        raise BrokenProcessPool("worker died")

    pool = Pool()
    out = list(_drain(pool, results(), ["a.txt", "b.txt", "c.txt"], "zh"))
    assert [r.path for r in out] == ["a.txt", "b.txt", "c.txt"] and pool.closed
    assert out[0].error is None
    assert all("工作进程意外退出" in r.error and r.path in r.error for r in out[1:])

    def render(result, index):  # as a format renders each file, knowing its place in the batch
        return index, result

    def rendered_then_dead():
        yield render(FileResult("a.txt"), 0)
        raise BrokenProcessPool("worker died")

    rendered = list(_drain(Pool(), rendered_then_dead(), ["a.txt", "b.txt"], "en", render))
    assert [(i, r.path) for i, r in rendered] == [(0, "a.txt"), (1, "b.txt")]
    assert "worker process died" in rendered[1][1].error


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("format", ["text", "json", "sarif", "csv", "csv-summary", "html"])
def test_files_rendered_in_workers_equal_files_rendered_here(batch_dir, settings, format, lang):
    """Workers render each file where it was audited: the parent receives what it would have rendered."""
    from dataclasses import replace

    from auditor.cli import _format

    settings = replace(settings, ctx=replace(settings.ctx, lang=lang))
    output_format = _format(format, OutputOptions(lang, True, True, AS_OF, settings.rules))
    paths = sorted(p for p in batch_dir.rglob("*") if p.is_file())
    here = list(audit_files(paths, settings, jobs=1, render=output_format.file))
    there = list(audit_files(paths, settings, jobs=2, render=output_format.file))
    assert len(here) == GOOD + BAD and all(r.pieces for r in here if not r.error)
    assert there == here


def test_parallel_batches_do_not_depend_on_the_default_start_method(batch_dir, settings):
    """Compiled rules hold closures that cannot be pickled: workers are forked whatever the
    platform's default start method (spawn on macOS, forkserver on Linux from Python 3.14)."""
    import multiprocessing

    paths = sorted(p for p in batch_dir.rglob("*") if p.is_file())[:6]
    before = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method("spawn", force=True)
    try:
        results = list(audit_files(paths, settings, jobs=2))
    finally:
        multiprocessing.set_start_method(before, force=True)
    assert [r.path for r in results] == [str(p) for p in paths]
    assert not any(r.error and "工作进程" in r.error for r in results)
    assert results == list(audit_files(paths, settings, jobs=1))
