"""PDF page furniture against content: running headers and footers are dropped, but not the title
and first lines of pages that only look alike; a table continued on the next page is joined
without inventing figures for its blank cells.

PDFs are written byte by byte by tests/test_unusable_text.py's `pdf_bytes` (lines of 10.5 pt,
the first one in the top tenth of the page), or pages are built from pdfplumber-like line dicts."""

from __future__ import annotations

from datetime import date

import pytest

from auditor.ingest import read_source
from tests.test_unusable_text import pdf_bytes, wrapped, write

pytest.importorskip("pdfplumber")


# --- running headers and footers --------------------------------------------------------------


def one_page_report(year: int) -> list[str]:
    return wrapped(
        f"青山镇{year}年政府信息公开工作年度报告\n"
        f"根据《中华人民共和国政府信息公开条例》规定，现将青山镇{year}年度政府信息公开工作情况报告如下。"
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。\n"
        f"一、总体情况\n{year}年，本镇主动公开政府信息56条，全年未收到政府信息公开申请。\n"
        "二、主动公开政府信息情况\n本镇通过门户网站主动公开政府信息56条。\n"
        "三、收到和处理政府信息公开申请情况\n本年度未收到政府信息公开申请。\n"
        "四、政府信息公开行政复议、行政诉讼情况\n本年度未发生行政复议和行政诉讼。\n"
        "五、存在的主要问题及改进情况\n公开内容还不够全面。\n"
        "六、其他需要报告的事项\n本年度无其他需要报告的事项。\n"
        f"青山镇人民政府\n{year + 1}年1月20日")


def test_one_page_reports_of_one_agency_keep_their_titles(tmp_path):
    """Three one-page reports of one agency in one PDF, printed with a narrow top margin: each
    title lies in the top tenth of its page, at the same place, and the titles differ only in the
    year. They are no running header: three titled reports, not one untitled document."""
    from auditor.audit import audit_file
    from auditor.engine import Context
    from auditor.ruleset import load_rules, load_vocabulary

    years = [2019, 2020, 2021]
    titles = [f"青山镇{year}年政府信息公开工作年度报告" for year in years]
    path = write(tmp_path, pdf_bytes([{"lines": one_page_report(year)} for year in years]))
    lines = read_source(path).text.splitlines()
    assert [line for line in lines if line in titles] == titles
    assert sum(line.startswith("根据《中华人民共和国政府信息公开条例》") for line in lines) == 3
    result = audit_file(path, load_rules(), Context(vocabulary=load_vocabulary(), as_of=date(2026, 11, 23)))
    assert [(d.doc_type, d.title, d.year) for d in result.documents] == [
        ("annual_report", title, year) for title, year in zip(titles, years)]


def line(text: str, top: float, size: float = 12.0) -> dict:
    return {"text": text, "x0": 72.0, "x1": 72.0 + size * len(text), "top": top, "bottom": top + size,
            "size": size}


def body(top: float, count: int = 20) -> list[dict]:
    """Lines of body text, 12 pt with 8 pt between them."""
    return [line("正文" * 20, top + 20 * i) for i in range(count)]


def drop(pages_lines: list[list[dict]]) -> list[list[str]]:
    from auditor.ingest.pdf import _drop_running_lines, _Page

    pages = [_Page(number, 842.0, lines, []) for number, lines in enumerate(pages_lines, 1)]
    _drop_running_lines(pages)
    return [[d["text"] for d in page.found if d["text"] != "正文" * 20] for page in pages]


def test_a_running_header_is_set_apart_from_the_body():
    """Dropped: a header in the body's size with a wide gap under it, a header in a smaller font
    close to the body, a header with the page number at its end, a footer counting pages.
    Kept: the body's first lines, also identical on every page, and titles differing in a number."""
    pages = [[line("江城市交通运输局", 30), line(f"第 {n} 页（共 3 页）", 810, 9)] + body(80) for n in (1, 2, 3)]
    assert drop(pages) == [[], [], []]
    pages = [[line("江城市交通运输局", 60, 9)] + body(72) for _ in range(3)]
    assert drop(pages) == [[], [], []]
    pages = [[line(f"江城市交通运输局  {n}", 30)] + body(80) for n in (1, 2, 3)]
    assert drop(pages) == [[], [], []]
    pages = [[line("江城市交通运输局", 40), line("（续表）", 60)] + body(80) for _ in range(3)]
    assert drop(pages) == [["江城市交通运输局", "（续表）"]] * 3  # not set apart: body spacing
    pages = [[line("江城市交通运输局", 30, 14), line("机关 " + str(n), 810, 14)] + body(80) for n in (1, 2, 3)]
    assert drop(pages) == [[], [], []]  # larger than the body, and the same on every page
    titles = [[line(f"江城市交通运输局{year}年度报告", 30, 16)] + body(80) for year in (2019, 2020, 2021)]
    assert drop(titles) == [[f"江城市交通运输局{year}年度报告"] for year in (2019, 2020, 2021)]


@pytest.mark.parametrize("title,size", [("{year} 年度青山镇政府信息公开工作年度报告", 12.0),
                                        ("青山镇政府信息公开工作年度报告 {year}", 12.0),
                                        ("{year} 年度青山镇政府信息公开工作年度报告", 18.0)])
def test_titles_set_apart_from_the_body_are_kept(title, size):
    """A title followed by space (set apart like a header) is kept when its year stands apart at
    an end of the line: a year is no page number. (An identical title on every page is a running
    header, in whatever size: a header in a larger font than the body is dropped.)"""
    texts = [title.format(year=year) for year in (2019, 2020, 2021)]
    pages = [[line(text, 30, size)] + body(80) for text in texts]
    assert drop(pages) == [[text] for text in texts]


# --- a table continued on the next page -------------------------------------------------------

HEADER = ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]


def rows(numbers: range) -> list[list[str]]:
    return [[f"第{i}类信息", str(i), str(2 * i), str(3 * i)] for i in numbers]


def test_blank_cells_after_a_page_break_stay_blank(tmp_path):
    """A table broken by the page, its header repeated: one table, and the cells the agency left
    blank in the first row after the break stay blank instead of taking the figures above them."""
    continued = rows(range(5, 8))
    continued[0][1] = continued[0][2] = ""
    text = "本局2022年主动公开政府信息情况如下。"
    path = write(tmp_path, pdf_bytes([
        {"lines": [text], "table": {"top": 620, "rows": [HEADER, *rows(range(1, 5))]}},
        {"lines": ["以上为全部数据。"], "top": 200, "table": {"top": 72, "rows": [HEADER, *continued]}},
    ]))
    lines = read_source(path).text.splitlines()
    start = lines.index(" | ".join(HEADER))
    assert lines[start - 1:] == [
        text, " | ".join(HEADER), "第1类信息 | 1 | 2 | 3", "第2类信息 | 2 | 4 | 6", "第3类信息 | 3 | 6 | 9",
        "第4类信息 | 4 | 8 | 12", "第5类信息 |  |  | 15", "第6类信息 | 6 | 12 | 18", "第7类信息 | 7 | 14 | 21",
        "以上为全部数据。"]
