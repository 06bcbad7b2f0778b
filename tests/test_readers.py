"""HTML, Word and PDF readers against the fixtures made by tests/fixtures/make_fixtures.py."""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.ingest import Source, read_source

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = (FIXTURES / "report.txt").read_text(encoding="utf-8").splitlines()
HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
TABLE_TITLE = "第二十条第\uff08一\uff09项"
TABLE_ROWS = [
    TABLE_TITLE,  # colspan=4 / gridSpan: a merged cell is written once
    "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数",
    "规章 | 0 | 0 | 0",
    "行政规范性文件 | 3 | 0 | 12",  # the 0 is a number merged down from the row above (rowspan / vMerge)
]
SIGNATURE_DATE = "2022年1月20日"
REPORTS = ["report.html", "report.docx", "report.pdf"]
LIBRARY = {"report.docx": "docx", "report.pdf": "pdfplumber"}


def read_fixture(name: str) -> Source:
    if name in LIBRARY:
        pytest.importorskip(LIBRARY[name])
    return read_source(FIXTURES / name)


def lines_of(source: Source) -> list[str]:
    return [line for line in source.text.splitlines() if line.strip()]


def without_spaces(lines) -> set[str]:
    return {re.sub(r"\s+", "", line) for line in lines if line.strip()}


# --- all three formats ------------------------------------------------------------------------


@pytest.mark.parametrize("name", REPORTS)
def test_six_headings_are_lines_in_order(name):
    lines = lines_of(read_fixture(name))
    positions = [lines.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)


@pytest.mark.parametrize("name", REPORTS)
def test_table_rows_come_out_with_merged_cells_once(name):
    lines = lines_of(read_fixture(name))
    start = lines.index(TABLE_ROWS[0])
    assert lines[start:start + len(TABLE_ROWS)] == TABLE_ROWS
    assert lines[start - 1] == HEADINGS[1]
    assert lines[start + len(TABLE_ROWS)] == HEADINGS[2]


@pytest.mark.parametrize("name", REPORTS)
def test_headings_and_signature_date_of_the_reference_are_lines(name):
    extracted = without_spaces(lines_of(read_fixture(name)))
    reference = without_spaces(REFERENCE)
    wanted = without_spaces(HEADINGS + [SIGNATURE_DATE])
    assert wanted <= reference
    assert wanted <= extracted


@pytest.mark.parametrize("name", REPORTS)
def test_every_reference_line_is_extracted_whole(name):
    # Paragraphs stay one line each: HTML source wrapping, PDF line wrapping and the PDF page
    # break inside a paragraph are all undone.
    extracted = set(lines_of(read_fixture(name)))
    assert [line for line in REFERENCE if line not in extracted] == []


@pytest.mark.parametrize("name, fmt", [("report.html", "html"), ("report.docx", "docx"), ("report.pdf", "pdf")])
def test_source_names_format_and_path(name, fmt):
    source = read_fixture(name)
    assert source.format == fmt
    assert source.path == str(FIXTURES / name)
    assert source.text.endswith("\n") and "\n\n" not in source.text


# --- HTML -------------------------------------------------------------------------------------


def read_html(tmp_path, data: bytes, name: str = "page.html") -> Source:
    path = tmp_path / name
    path.write_bytes(data)
    return read_source(path)


def test_html_site_chrome_is_dropped():
    text = read_fixture("report.html").text
    for chrome in ("字号", "打印", "关闭", "版权所有", "网站标识码", "当前位置", "首页", "互动交流", "人民政府门户网站", "_hmt"):
        assert chrome not in text
    assert lines_of(read_fixture("report.html"))[0] == REFERENCE[0]  # the <h1>, not the <title>


def test_html_gb18030_page_is_decoded_from_its_meta_charset():
    data = (FIXTURES / "report.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    source = read_fixture("report.html")
    assert source.encoding == "gb18030"
    assert REFERENCE[1] in source.text  # full-width punctuation and 〔〕 survive


@pytest.mark.parametrize(
    "data, encoding",
    [
        ("\ufeff<p>政府信息公开</p>".encode("utf-8"), "utf-8-sig"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>政府信息公开</p>'.encode("gbk"), "gb18030"),
        ('<meta charset="utf-8"><p>政府信息公开</p>'.encode("utf-8"), "utf-8"),
        ("<p>政府信息公开</p>".encode("gb18030"), "gb18030"),  # no declaration: UTF-8 fails, GB18030 fits
        ('<meta charset="utf-8"><p>政府信息公开</p>'.encode("gbk"), "gb18030"),  # a wrong declaration
    ],
)
def test_html_charset_detection(tmp_path, data, encoding):
    source = read_html(tmp_path, data)
    assert source.text == "政府信息公开\n"
    assert source.encoding == encoding


def test_html_undecodable_bytes_raise_input_error(tmp_path):
    with pytest.raises(InputError, match="undecodable"):
        read_html(tmp_path, b"<html><body><p>\x81\x30\xff\xfe</p></body></html>")


def test_html_without_text_raises_input_error(tmp_path):
    with pytest.raises(InputError, match="no text content in HTML"):
        read_html(tmp_path, b"<html><head><title>T</title></head><body><script>var a;</script></body></html>")


def test_html_merged_cells_are_written_once_and_merged_numbers_in_every_row(tmp_path):
    page = (
        "<table><tr><th rowspan=3>A</th><th colspan=2>B<br>C</th></tr>"
        "<tr><td>1<td rowspan=2>2</tr><tr><td>3</td></tr><tr><td colspan=3>D</td></tr></table>"
    )
    assert read_html(tmp_path, page.encode()).text.splitlines() == [
        "A | B C",
        "1 | 2",
        "3 | 2",
        "D",
    ]


def test_html_whole_page_form_and_layout_table_are_kept(tmp_path):
    paragraph = "本机关全年主动公开政府信息。" * 40
    page = (
        '<body><form id="form1"><div class="nav">首页</div><table><tr><td>'
        f"<p>一、总体情况</p><p>{paragraph}</p>"
        "<table><tr><td>规章</td><td>0</td></tr></table></td></tr></table></form></body>"
    )
    assert read_html(tmp_path, page.encode()).text.splitlines() == ["一、总体情况", paragraph, "规章 | 0"]


def test_html_header_of_the_article_is_content_the_site_header_is_not(tmp_path):
    page = (
        '<body><header><div class="logo">江城市人民政府</div></header>'
        '<div class="article-header"><h1>2021年政府信息公开工作年度报告</h1></div>'
        "<article><header><p>发布日期:2022-01-20</p></header><p>一、总体情况</p></article></body>"
    )
    assert read_html(tmp_path, page.encode()).text.splitlines() == [
        "2021年政府信息公开工作年度报告",
        "发布日期:2022-01-20",
        "一、总体情况",
    ]


def test_html_unclosed_cells_and_deep_nesting(tmp_path):
    page = b"<table><tr><td><p>a<td>b<tr><td>c<td><p>d<p>e</table><p>" + b"<font>" * 3000 + b"deep"
    assert read_html(tmp_path, page).text.splitlines() == ["a | b", "c | d e", "deep"]


def test_html_unknown_marked_section_is_ignored(tmp_path):
    page = b"<p><![if !supportLists]>1.<![endif]>text</p><![foo bar]><p>more</p>"
    assert read_html(tmp_path, page).text == "1.text\nmore\n"


# --- Word -------------------------------------------------------------------------------------


def test_docx_rebuilds_automatic_chinese_numbering():
    with zipfile.ZipFile(FIXTURES / "report.docx") as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert "\uff08一\uff09主动" not in body and "主动公开方面" in body  # the label is numbering only
    lines = lines_of(read_fixture("report.docx"))
    assert "\uff08一\uff09主动公开方面。" in lines
    assert "\uff08二\uff09依申请公开方面。" in lines


@pytest.mark.parametrize(
    "number, fmt, label",
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "chineseCounting", "十一"),
        (21, "chineseCounting", "二十一"),
        (3, "ideographTraditional", "丙"),
        (2, "lowerLetter", "b"),
        (4, "upperRoman", "IV"),
        (12, "decimal", "12"),
        (7, "somethingNew", "7"),
    ],
)
def test_docx_number_formats(number, fmt, label):
    pytest.importorskip("docx")
    from auditor.ingest.docx import format_number

    assert format_number(number, fmt) == label


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x00\x00garbage word/document.xml",  # sniffed as docx, not a zip
        (FIXTURES / "report.docx").read_bytes()[:12000],  # truncated
    ],
)
def test_corrupt_docx_raises_input_error(tmp_path, data):
    pytest.importorskip("docx")
    path = tmp_path / "broken.docx"
    path.write_bytes(data)
    with pytest.raises(InputError, match="Word document"):
        read_source(path)


def test_zip_header_with_garbage_raises_input_error(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(7, 40)))
    with pytest.raises(InputError):
        read_source(path)


def test_docx_reader_refuses_a_zip_that_is_not_a_word_document(tmp_path):
    pytest.importorskip("docx")
    from auditor.ingest import docx as docx_reader

    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/readme.txt", "not a document")
    with pytest.raises(InputError, match="unreadable Word document"):
        docx_reader.read(path, path.read_bytes())


# --- PDF --------------------------------------------------------------------------------------


def test_pdf_pages_point_at_where_each_page_starts():
    source = read_fixture("report.pdf")
    assert len(source.pages) == 2
    assert source.pages[0] == (0, 1)
    offset, number = source.pages[1]
    assert number == 2
    # Page 2 starts inside the paragraph continued from page 1, which is joined into one line.
    assert source.text[offset - 1] != "\n"
    line_start = source.text.rfind("\n", 0, offset) + 1
    line = source.text[line_start:source.text.index("\n", offset)]
    assert line.startswith("全年共收到") and line in REFERENCE


def test_pdf_one_cell_frames_are_not_tables():
    pytest.importorskip("pdfplumber")
    from types import SimpleNamespace

    from auditor.ingest.pdf import is_data_table

    frame = SimpleNamespace(cells=[(50, 50, 545, 790)])
    ruled_header = SimpleNamespace(cells=[(50, 50, 545, 100), (50, 100, 545, 790)])
    table = SimpleNamespace(cells=[(0, 0, 50, 20), (50, 0, 100, 20), (0, 20, 50, 40), (50, 20, 100, 40)])
    assert not is_data_table(frame) and not is_data_table(ruled_header)
    assert is_data_table(table)


def test_pdf_page_numbers_are_dropped():
    assert not [line for line in lines_of(read_fixture("report.pdf")) if re.fullmatch(r"-\s*\d+\s*-", line)]


def test_scanned_pdf_raises_no_text_layer():
    pytest.importorskip("pdfplumber")
    with pytest.raises(InputError, match="no text layer"):
        read_source(FIXTURES / "scanned.pdf")


def test_password_protected_pdf_raises_input_error():
    pytest.importorskip("pdfplumber")
    with pytest.raises(InputError, match="encrypted PDF"):
        read_source(FIXTURES / "encrypted.pdf")


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4\nnot really a pdf\n", (FIXTURES / "report.pdf").read_bytes()[:2000]],
)
def test_corrupt_pdf_raises_input_error(tmp_path, data):
    pytest.importorskip("pdfplumber")
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(InputError, match="PDF"):
        read_source(path)


# --- not reports ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["binary.bin", "empty.txt"])
def test_binary_and_empty_files_raise_input_error(name):
    with pytest.raises(InputError):
        read_source(FIXTURES / name)


@pytest.mark.parametrize("name", REPORTS)
def test_damaged_copies_give_a_source_or_input_error_only(tmp_path, name):
    if name in LIBRARY:
        pytest.importorskip(LIBRARY[name])
    original = (FIXTURES / name).read_bytes()
    rng = random.Random(name)
    damaged = [original[: len(original) * k // 6] for k in range(1, 6)]
    for _ in range(8):
        data = bytearray(original)
        for position in rng.sample(range(len(data)), 20):
            data[position] = rng.randrange(256)
        damaged.append(bytes(data))
    for i, data in enumerate(damaged):
        path = tmp_path / f"{i}{Path(name).suffix}"
        path.write_bytes(data)
        try:
            assert isinstance(read_source(path), Source)
        except InputError:
            pass


def _pdf_line(text, top, height=10.0):
    return {"text": text, "x0": 72.0, "x1": 72.0 + 10 * len(text), "top": top, "bottom": top + height}


def test_pdf_running_headers_and_footers_are_dropped():
    pytest.importorskip("pdfplumber")
    from auditor.ingest.pdf import _drop_running_lines, _Page

    def page(number, *lines):
        return _Page(number, 842.0, list(lines), [])

    pages = [
        page(1, _pdf_line("江城市交通运输局", 38), _pdf_line("江城市交通运输局", 80), _pdf_line("正文", 400),
             _pdf_line("交通运输局 第1页", 800)),
        page(2, _pdf_line("江城市交通运输局", 38), _pdf_line("正文", 400), _pdf_line("交通运输局 第2页", 800)),
        page(3, _pdf_line("江城市交通运输局", 39.5), _pdf_line("正文", 400), _pdf_line("交通运输局 第3页", 801)),
    ]
    _drop_running_lines(pages)
    # the same name at another place (a title under the header) and body lines stay
    assert [[(d["text"], d["top"]) for d in p.found] for p in pages] == [
        [("江城市交通运输局", 80), ("正文", 400)], [("正文", 400)], [("正文", 400)]]
    single = [page(1, _pdf_line("江城市交通运输局", 38), _pdf_line("正文", 400))]
    _drop_running_lines(single)
    assert len(single[0].found) == 2  # one page: nothing runs


def _pdf_table(top, rows, left=72.0, width=40.0, height=20.0):
    """A _Table from rows of (text, rowspan) cells, one column each."""
    from auditor.ingest.pdf import _grid_cells, _Table

    boxes, taken = [], set()
    for r, row in enumerate(rows):
        column = 0
        for text, rowspan in row:
            while (r, column) in taken:
                column += 1
            taken.update((r + k, column) for k in range(rowspan))
            box = (left + column * width, top + r * height, left + (column + 1) * width, top + (r + rowspan) * height)
            boxes.append((box, text))
            column += 1
    columns = sorted({box[0] for box, _ in boxes})
    row_tops = sorted({box[1] for box, _ in boxes})
    return _Table(top, top + len(rows) * height, left, max(box[2] for box, _ in boxes), boxes, columns, row_tops,
                  _grid_cells(boxes, columns, row_tops))


def test_pdf_table_continued_on_the_next_page_is_one_table():
    pytest.importorskip("pdfplumber")
    from auditor.ingest.pdf import _join_continued_tables, _Page

    header = [("项目", 1), ("件数", 1), ("金额", 1)]
    # 甲类 (a label) and 7 (a number) are merged down over both rows of page 1 and on: the break
    # falls inside them; the header repeats
    first = _pdf_table(600, [header, [("甲类", 3), ("1", 1), ("7", 3)], [("5", 1)]])
    second = _pdf_table(72, [header, [("", 1), ("2", 1), ("", 1)], [("乙类", 1), ("3", 1), ("0", 1)]])
    pages = [_Page(1, 842.0, [_pdf_line("正文", 100)], [first]), _Page(2, 842.0, [_pdf_line("正文", 200)], [second])]
    _join_continued_tables(pages)
    assert first.lines() == [["项目", "件数", "金额"], ["甲类", "1", "7"], ["5", "7"]]
    assert second.lines() == [["2", "7"], ["乙类", "3", "0"]]


def _continued(last_row, next_rows):
    """The lines of a table's continuation on page 2, after page 1 ends with `last_row`."""
    from auditor.ingest.pdf import _join_continued_tables, _Page

    header = [("项目", 1), ("件数", 1), ("金额", 1)]
    first = _pdf_table(600, [header, last_row])
    second = _pdf_table(72, [header, *next_rows])
    pages = [_Page(1, 842.0, [_pdf_line("正文", 100)], [first]), _Page(2, 842.0, [_pdf_line("正文", 200)], [second])]
    _join_continued_tables(pages)
    return second.lines()


def test_pdf_blank_cells_after_a_page_break_stay_blank():
    """Cells left blank first after the break are not filled from the row above it, which may be
    merged down only in appearance: a cell covering the last row of a page looks the same, merged
    or not, and a blank cell of 表三 would become a figure of the table sums."""
    pytest.importorskip("pdfplumber")
    assert _continued([("甲类", 1), ("1", 1), ("7", 1)], [[("", 1), ("", 1), ("6", 1)], [("乙类", 1), ("3", 1), ("0", 1)]]) \
        == [["", "", "6"], ["乙类", "3", "0"]]
    # two tables with one header back to back across a page break: the second's blank stays
    assert _continued([("甲类", 1), ("1", 1), ("7", 1)], [[("乙类", 1), ("", 1), ("4", 1)]]) == [["乙类", "", "4"]]
    # the empty cell merged down at the top of the continuation, under a label (Word's rest of a
    # merged label cut by the break, as in full_report.pdf): written once, above; under a number
    # covering one row, it stays an empty cell
    assert _continued([("甲类", 1), ("1", 1), ("7", 1)], [[("", 2), ("2", 1), ("", 2)], [("3", 1)]]) \
        == [["2", ""], ["3"]]


def test_pdf_table_at_the_top_of_a_page_without_the_header_is_left_alone():
    pytest.importorskip("pdfplumber")
    from auditor.ingest.pdf import _join_continued_tables, _Page

    first = _pdf_table(600, [[("项目", 1), ("件数", 1)], [("甲类", 1), ("1", 1)]])
    second = _pdf_table(72, [[("", 1), ("件数", 1)], [("乙类", 1), ("3", 1)]])
    pages = [_Page(1, 842.0, [], [first]), _Page(2, 842.0, [_pdf_line("正文", 200)], [second])]
    _join_continued_tables(pages)
    assert second.lines() == [["", "件数"], ["乙类", "3"]]
