"""Files in formats without a reader are named for what they are, with what to do, in one line;
in a batch they are reported like any unreadable file and the others are audited."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.ingest import InputError, read_source
from auditor.ingest.sniff import sniff_format

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = Path(__file__).parent.parent / "reports_examples" / "000_2e13bb19681690b4.txt"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole_file(stream: str) -> bytes:
    """A compound file whose directory names `stream` (UTF-16LE, NUL-terminated), as Office writes it."""
    entry = stream.encode("utf-16-le") + b"\x00\x00"
    return OLE_MAGIC + bytes(504) + entry.ljust(128, b"\x00") + "政府信息公开".encode("utf-16-le") + bytes(300)


def zip_file(*members: tuple[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members:
            archive.writestr(name, text)
    return buffer.getvalue()


CASES = {
    "old.doc": (ole_file("WordDocument"), "Word 97-2003 document", "Word 97-2003 文档"),
    "report.wps": (ole_file("WordDocument"), "WPS document", "WPS 文档"),
    "stats.xls": (ole_file("Workbook"), "spreadsheet", "电子表格"),
    "slides.ppt": (ole_file("PowerPoint Document"), "presentation", "演示文稿"),
    "unknown.bin": (ole_file("Other"), "Office 97-2003 file", "Office 97-2003"),
    "stats.xlsx": (zip_file(("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<w/>")), "spreadsheet", "电子表格"),
    "report.ofd": (zip_file(("OFD.xml", "<ofd:OFD/>"), ("Doc_0/Document.xml", "<d/>")), "OFD document", "OFD 版式文档"),
    "report.odt": (zip_file(("mimetype", "application/vnd.oasis.opendocument.text")), "OpenDocument", "OpenDocument"),
    "reports.zip": (zip_file(("a.txt", "年度报告")), "ZIP archive", "ZIP 压缩包"),
    "scan.png": (b"\x89PNG\r\n\x1a\n" + bytes(64), "image file", "图片文件"),
    "scan.jpg": (b"\xff\xd8\xff\xe0" + bytes(64), "image file", "图片文件"),
    "scan.tif": (b"II*\x00" + bytes(64), "image file", "图片文件"),
    "scan.bmp": (b"BM" + struct.pack("<I", 70) + bytes(64), "image file", "图片文件"),
    "report.rtf": (rb"{\rtf1\ansi\ansicpg936 \'d5\'fe\'b8\'ae}", "RTF document", "RTF 文档"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unsupported_format_is_named_in_both_languages(tmp_path, name):
    data, english, chinese = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as raised:
        read_source(path)
    assert english in raised.value.message("en")
    assert chinese in raised.value.message("zh")
    assert str(path) in raised.value.message("zh")
    assert "\n" not in raised.value.message("zh")


def test_format_comes_from_content_not_extension(tmp_path):
    assert sniff_format(CASES["old.doc"][0], ".txt") == "word97"
    assert sniff_format(CASES["report.ofd"][0], ".pdf") == "ofd"
    assert sniff_format((FIXTURES / "report.docx").read_bytes(), ".zip") == "docx"
    assert sniff_format((FIXTURES / "report.pdf").read_bytes(), ".doc") == "pdf"


@pytest.mark.parametrize("text", ["BM公司政府信息公开工作年度报告\n", "BMW 2021年报告\n", "{rtf} 不是 RTF\n"])
def test_text_that_begins_like_a_signature_is_still_text(tmp_path, text):
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    assert read_source(path).format == "txt"


def test_batch_reports_each_unsupported_file_and_audits_the_rest(tmp_path):
    for name in ("old.doc", "report.ofd", "scan.png"):
        (tmp_path / name).write_bytes(CASES[name][0])
    (tmp_path / "good.txt").write_bytes(EXAMPLE.read_bytes())
    result = CliRunner().invoke(app, ["audit", str(tmp_path), "--format", "json", "--fail-on", "never"])
    assert result.exit_code == 2  # unreadable input: the audit is incomplete
    output = json.loads(result.stdout)
    errors = {Path(e["source"]).name: e["message"] for e in output["errors"]}
    assert sorted(errors) == ["old.doc", "report.ofd", "scan.png"]
    assert [Path(r["source"]).name for r in output["reports"]] == ["good.txt"]
    assert output["summary"]["files"] == 4
    assert "Word 97-2003" in errors["old.doc"]
    assert "OFD" in errors["report.ofd"]
    assert "Traceback" not in result.output


HTML_PAGE = (FIXTURES / "report.html").read_bytes()
LONG_HEAD = b"<!-- " + b"x" * 1900 + b" -->\n" + b"<script>var a = 1;</script>\n" * 150


def failing_rules(path: Path) -> tuple[str, list[str]]:
    result = CliRunner().invoke(app, ["audit", str(path), "--format", "json", "--fail-on", "never"])
    (report,) = json.loads(result.stdout)["reports"]
    return report["format"], sorted(f["rule"] for f in report["findings"] if f["status"] == "fail")


@pytest.mark.parametrize("name", ["page.shtml", "page.jsp", "page.txt", "page"])
def test_page_that_opens_with_long_comments_and_scripts_is_read_as_html(tmp_path, name):
    page = tmp_path / name
    page.write_bytes(LONG_HEAD + HTML_PAGE)
    plain = tmp_path / "plain.html"
    plain.write_bytes(HTML_PAGE)
    assert failing_rules(page) == failing_rules(plain)
    assert failing_rules(page)[0] == "html"


def test_utf16_page_without_extension_is_read_as_html(tmp_path):
    markup = HTML_PAGE.decode("gb18030")  # its meta still says gb18030: the BOM wins, as in browsers
    page = tmp_path / "page"
    page.write_bytes(b"\xff\xfe" + markup.encode("utf-16-le"))
    plain = tmp_path / "plain.html"
    plain.write_bytes(HTML_PAGE)
    assert failing_rules(page) == failing_rules(plain)


def test_zip_with_a_word_folder_is_an_archive_not_a_word_document():
    data = zip_file(("docs/word/readme.txt", "说明"), ("docs/report.txt", "年度报告"))
    assert sniff_format(data, ".zip") == "zip"


def test_a_tag_mentioned_deep_in_a_text_does_not_make_it_a_page():
    text = "一、总体情况\n" + "说明文字。\n" * 2000 + "<p> <div> <table>\n"
    assert sniff_format(text.encode("utf-8"), ".txt") == "txt"


@pytest.mark.parametrize("name", ["report.txt", "report"])
def test_a_report_that_mentions_page_tags_in_its_sentences_is_text(tmp_path, name):
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(len(lines) // 2, '网站改用 HTML5 标准（<html lang="zh-CN"> 声明），并规范 <body> 与 <head> 标签。\n')
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    assert read_source(path).format == "txt"


def renamed_main_part(docx: bytes, new_name: str) -> bytes:
    """The Word file with word/document.xml renamed (as Word for the web names it) and the
    references to it updated."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename).replace(b"/word/document.xml", f"/word/{new_name}".encode())
            data = data.replace(b'Target="word/document.xml"', f'Target="word/{new_name}"'.encode())
            name = f"word/{new_name}" if item.filename == "word/document.xml" else item.filename
            if item.filename == "word/_rels/document.xml.rels":
                name = f"word/_rels/{new_name}.rels"
            target.writestr(name, data)
    return out.getvalue()


def test_a_word_file_whose_main_part_is_not_document_xml_is_read_as_word(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(renamed_main_part((FIXTURES / "report.docx").read_bytes(), "document2.xml"))
    source = read_source(path)
    assert source.format == "docx" and "总体情况" in source.text


@pytest.mark.parametrize("name", ["page", "page.txt"])
@pytest.mark.parametrize("head", [b"<script>" + b"var a = 1;" * 240 + b"</script>",  # minified: one line
                                  b"<!-- " + b"x" * 100_000 + b" -->\n"])  # past the first 64 KB
def test_a_page_that_opens_with_markup_is_html_wherever_its_document_tags_are(tmp_path, name, head):
    page = tmp_path / name
    page.write_bytes(head + HTML_PAGE.replace(b"\n", b""))
    assert read_source(page).format == "html"
