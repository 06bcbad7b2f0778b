import codecs
import subprocess
import sys

import pytest

from auditor.errors import InputError
from auditor.ingest import read_source
from auditor.pipeline import parse_file

REPORT = "某市某局2019年政府信息公开工作年度报告\n一、总体情况\n全年主动公开信息100条。\n"


@pytest.mark.parametrize("encoding,prefix", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("gb18030", b""), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
])
def test_encodings(tmp_path, encoding, prefix):
    path = tmp_path / "r.txt"
    path.write_bytes(prefix + REPORT.encode(encoding))
    source = read_source(path)
    assert source.text.lstrip("\ufeff") == REPORT
    report = parse_file(path).reports[0]
    assert report.report_year == 2019 and report.sections[0].title == "总体情况"


@pytest.mark.parametrize("content,problem", [
    (b"", "empty file"),
    (b"   \n\t\n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "image file"),
    (bytes(range(256)) * 4, "binary file"),
    (b"report text \xff\xff\x80\x80 more text", "unreadable encoding"),
])
def test_bad_input_is_one_clear_error(tmp_path, content, problem):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_source(path)
    assert problem in str(err.value) and str(path) in str(err.value)


@pytest.mark.parametrize("command", ["parse", "audit"])
@pytest.mark.parametrize("lang,empty_words,binary_words", [("zh", "空文件", "二进制文件"), ("en", "empty file", "binary file")])
def test_cli_bad_input_exit_2_one_line_no_traceback(tmp_path, command, lang, empty_words, binary_words):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    for path, problem in ((empty, empty_words), (binary, binary_words)):
        proc = subprocess.run([sys.executable, "-m", "auditor.cli", command, str(path), "--lang", lang],
                              capture_output=True, text=True)
        assert proc.returncode == 2
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and str(path) in lines[0] and problem in lines[0]
        assert "Traceback" not in proc.stderr


def test_missing_path_is_usage_error(tmp_path):
    for lang, problem in (("zh", "文件或文件夹不存在"), ("en", "no such file or directory")):
        proc = subprocess.run([sys.executable, "-m", "auditor.cli", "audit", str(tmp_path / "nope.txt"), "--lang", lang],
                              capture_output=True, text=True)
        assert proc.returncode == 2 and proc.stderr == f"auditor: {tmp_path / 'nope.txt'}: {problem}\n"
