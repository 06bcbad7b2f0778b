"""Inputs that are not plain files in a plain folder: symlink loops, pipes, devices, sockets, names
with control characters, OS errors in the message language, standard input. Each gets its result
(or a one-line usage error); none hangs the batch or ends it with a traceback."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.errors import InputError
from auditor.ingest import read_source
from tests.snapshots import AS_OF

FIXTURES = Path(__file__).parent / "fixtures"
REPORT = FIXTURES / "report.txt"
FORMATS = ["text", "json", "sarif", "csv", "csv-summary", "html"]
runner = CliRunner()


def _audit(*args, **kwargs):
    return runner.invoke(app, ["audit", *map(str, args), "--as-of", AS_OF.isoformat()], **kwargs)


def _audit_process(*args, timeout=60, **kwargs):
    """In a process of its own, so that a hang fails the test instead of stopping the suite."""
    return subprocess.run([sys.executable, "-m", "auditor.cli", "audit", *map(str, args), "--as-of", AS_OF.isoformat()],
                          capture_output=True, timeout=timeout, cwd=Path(__file__).resolve().parent.parent, **kwargs)


def _summary_rows(text: str) -> dict:
    return {row[0]: row for row in list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:]}


# ---- symlink loops ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang,problem", [("zh", "无法读取文件（符号链接层数过多，可能是循环链接）"),
                                          ("en", "cannot read file (Too many levels of symbolic links)")])
def test_a_symlink_loop_with_an_output_file_is_an_unreadable_result(tmp_path, lang, problem):
    folder = tmp_path / "sl"
    folder.mkdir()
    shutil.copy(REPORT, folder / "report.txt")
    (folder / "a").symlink_to("b")
    (folder / "b").symlink_to("a")
    out = tmp_path / "x.json"
    result = _audit(folder, "-o", out, "-f", "json", "--fail-on", "never", "--lang", lang)
    assert result.exit_code == 2 and (result.exception is None or isinstance(result.exception, SystemExit))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["files"] == 3 and len(data["reports"]) == 1
    assert [e["message"] for e in data["errors"]] == [f"{folder / 'a'}: {problem}", f"{folder / 'b'}: {problem}"]


# ---- pipes, devices, sockets ------------------------------------------------------------------

def test_a_named_pipe_in_a_folder_is_an_unreadable_result_and_the_batch_goes_on(tmp_path):
    shutil.copy(REPORT, tmp_path / "report.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    proc = _audit_process(tmp_path, "-f", "csv-summary", "--fail-on", "never", timeout=30)
    rows = _summary_rows(proc.stdout.decode("utf-8"))
    assert sorted(rows) == [str(tmp_path / "pipe.txt"), str(tmp_path / "report.txt")]
    assert rows[str(tmp_path / "pipe.txt")][-1] == f"{tmp_path / 'pipe.txt'}: 不是普通文件（管道、设备等）"
    assert proc.returncode == 2 and proc.stderr.decode() == f"auditor: {tmp_path / 'pipe.txt'}: 不是普通文件（管道、设备等）\n"


def test_devices_and_sockets_given_directly_are_not_read(tmp_path):
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "s.sock"))
        proc = _audit_process("/dev/zero", tmp_path / "s.sock", REPORT, "-f", "csv-summary", "--fail-on", "never",
                              "--lang", "en", timeout=30)
    finally:
        server.close()
    rows = _summary_rows(proc.stdout.decode("utf-8"))
    assert len(rows) == 3 and proc.returncode == 2
    for path in ("/dev/zero", str(tmp_path / "s.sock")):
        assert rows[path][-1] == f"{path}: not a regular file (a pipe, a device…)"


# ---- names with control characters ------------------------------------------------------------

def test_display_name_escapes_control_characters_only():
    from auditor.errors import display_name

    assert display_name("年报 2021　全角空格.txt") == "年报 2021　全角空格.txt"
    assert display_name("a\nb\tc\x1b[31m\u202e.txt") == "a\\nb\\tc\\x1b[31m\\u202e.txt"
    assert display_name(os.fsdecode(b"r\xff.txt")) == "r\\xff.txt"  # a byte that is no UTF-8


def test_a_name_with_a_newline_keeps_the_layout_of_text_output_and_messages(tmp_path):
    shutil.copy(REPORT, tmp_path / "a\nb.txt")
    (tmp_path / "e\nmpty.txt").write_bytes(b"")
    shutil.copy(REPORT, tmp_path / "c.txt")
    result = _audit(tmp_path, "--fail-on", "never")
    assert result.exit_code == 2
    assert result.stderr == f"auditor: {tmp_path}/e\\nmpty.txt: 空文件\n"  # one line
    rows = result.stdout[result.stdout.index("汇总"):].splitlines()
    assert [line.split()[0] for line in rows[2:5]] == [f"{tmp_path}/a\\nb.txt", f"{tmp_path}/c.txt",
                                                       f"{tmp_path}/e\\nmpty.txt"]
    assert f"{tmp_path}/a\\nb.txt #1" in result.stdout
    page = _audit(tmp_path, "-f", "html", "--fail-on", "never").stdout
    assert "a\\nb.txt" in page and "a\nb.txt" not in page
    # JSON and CSV keep the real name: they quote it
    data = json.loads(_audit(tmp_path, "-f", "json", "--fail-on", "never").stdout)
    assert {Path(d["source"]).name for d in data["reports"]} == {"a\nb.txt", "c.txt"}
    assert [Path(e["source"]).name for e in data["errors"]] == ["e\nmpty.txt"]
    assert set(map(lambda p: Path(p).name, _summary_rows(_audit(tmp_path, "-f", "csv-summary", "--fail-on",
                                                                "never").stdout))) == {"a\nb.txt", "c.txt", "e\nmpty.txt"}


# ---- OS errors in the message language --------------------------------------------------------

@pytest.mark.parametrize("code,zh", [(errno.ENOENT, "文件或文件夹不存在"), (errno.EACCES, "没有权限"), (errno.EPERM, "操作不被允许"),
                                     (errno.EISDIR, "是一个文件夹"), (errno.ENOTDIR, "路径中有一部分不是文件夹"),
                                     (errno.ENAMETOOLONG, "文件名太长"), (errno.EMFILE, "打开的文件太多")])
def test_os_errors_in_chinese_and_in_the_os_words(code, zh):
    from auditor.errors import os_error

    assert os_error(OSError(code, os.strerror(code))) == (os.strerror(code), zh)


def test_an_os_error_without_a_translation_keeps_the_os_text():
    from auditor.errors import os_error

    assert os_error(OSError(errno.EXDEV, os.strerror(errno.EXDEV))) == (os.strerror(errno.EXDEV),) * 2


def test_a_broken_link_says_why_in_chinese(tmp_path):
    (tmp_path / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    with pytest.raises(InputError) as err:
        read_source(tmp_path / "broken.txt")
    assert err.value.message("zh") == f"{tmp_path / 'broken.txt'}: 无法读取文件（文件或文件夹不存在）"
    assert err.value.message("en") == f"{tmp_path / 'broken.txt'}: cannot read file (No such file or directory)"


def test_a_folder_that_cannot_be_listed_is_named_a_folder(tmp_path, monkeypatch):
    """What the batch reads for a folder that os.walk could not list (chmod 000 does not stop root)."""
    real_listdir = os.listdir

    def listdir(path="."):
        if Path(path) == tmp_path / "locked":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_listdir(path)

    (tmp_path / "locked").mkdir()
    monkeypatch.setattr(os, "listdir", listdir)
    with pytest.raises(InputError) as err:
        read_source(tmp_path / "locked")
    assert err.value.message("zh") == f"{tmp_path / 'locked'}: 无法读取文件夹（没有权限）"
    assert err.value.message("en") == f"{tmp_path / 'locked'}: cannot read folder (Permission denied)"


# ---- standard input ---------------------------------------------------------------------------

def test_read_bytes_sniffs_the_format_like_a_file():
    from auditor.ingest import Given, read_bytes

    for fixture in ("report.txt", "report.html", "report.docx", "report.pdf"):
        from_bytes = read_bytes((FIXTURES / fixture).read_bytes(), "<stdin>")
        from_file = read_source(FIXTURES / fixture)
        assert (from_bytes.path, from_bytes.format, from_bytes.text) == ("<stdin>", from_file.format, from_file.text)
    assert read_source(Given("<stdin>", REPORT.read_bytes())).path == "<stdin>"


@pytest.mark.parametrize("format", FORMATS)
def test_a_dash_audits_standard_input_named_stdin(format):
    result = _audit("-", "-f", format, "--fail-on", "never", input=(FIXTURES / "report.docx").read_bytes())
    assert result.exit_code == 0, result.output
    assert ("%3Cstdin%3E" if format == "sarif" else "&lt;stdin&gt;" if format == "html" else "<stdin>") in result.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_standard_input_is_one_more_input_among_folders(tmp_path, jobs):
    shutil.copy(REPORT, tmp_path / "a.txt")
    (tmp_path / "e.txt").write_bytes(b"")
    result = _audit(tmp_path / "a.txt", "-", tmp_path, "-f", "csv-summary", "--fail-on", "never", "-j", jobs,
                    input=REPORT.read_bytes())
    rows = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))[1:]
    assert [row[0] for row in rows] == [str(tmp_path / "a.txt"), "<stdin>", str(tmp_path / "a.txt"), str(tmp_path / "e.txt")]
    assert result.exit_code == 2 and result.stderr == f"auditor: {tmp_path / 'e.txt'}: 空文件\n"


def test_empty_standard_input_is_an_unreadable_result():
    result = _audit("-", "-f", "json", input=b"")
    assert result.exit_code == 2 and result.stderr == "auditor: <stdin>: 空文件\n"
    assert json.loads(result.stdout)["errors"] == [{"source": "<stdin>", "message": "<stdin>: 空文件"}]


def test_standard_input_twice_is_a_usage_error():
    result = _audit("-", "-", input=REPORT.read_bytes())
    assert result.exit_code == 2 and result.output == "auditor: 标准输入（-）只能给出一次\n"
    assert _audit("-", "-", "--lang", "en").output == "auditor: standard input (-) can be given only once\n"


def test_parse_reads_standard_input():
    result = runner.invoke(app, ["parse", "-", "-f", "summary"], input=REPORT.read_bytes())
    assert result.exit_code == 0 and result.stdout.startswith("<stdin> #1 annual_report year=2021")


def test_a_file_named_dash_is_read_as_dot_slash_dash(tmp_path, monkeypatch):
    shutil.copy(REPORT, tmp_path / "-")
    monkeypatch.chdir(tmp_path)
    result = _audit("./-", "-f", "csv-summary", "--fail-on", "never", input=b"not this")
    rows = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))[1:]
    assert [row[0] for row in rows] == ["-"] and result.exit_code == 0

