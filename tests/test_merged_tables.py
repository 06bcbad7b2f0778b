"""The official 2021 tables, with their merged cells (rowspan/colspan in HTML, gridSpan/vMerge in
Word), give the same findings as the text a flattened web page shows: the table identities are
checked, and a planted sum error is found, in every format."""

from __future__ import annotations

from html import escape

import docx
import pytest

from auditor.audit import audit_file
from auditor.engine import Context
from auditor.ingest import read_source
from auditor.ruleset import load_rules, load_vocabulary
from tests.official_tables import T2, T4, docx_table, flattened, t3
from tests.snapshots import AS_OF

AGENCY = "江北区住房和城乡建设局"


def blocks(granted_natural):
    return [
        ("p", f"{AGENCY}2022年政府信息公开工作年度报告"),
        ("p", "本报告依据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》"
              "（国办公开办函〔2021〕30号）要求编制。本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。"),
        ("p", "一、总体情况"), ("p", "2022年，我局全年主动公开政府信息218条，均在20个工作日内予以答复，未收取信息处理费。"),
        ("p", "二、主动公开政府信息情况"), ("table", T2),
        ("p", "三、收到和处理政府信息公开申请情况"), ("table", t3(granted_natural)),
        ("p", "四、政府信息公开行政复议、行政诉讼情况"), ("table", T4),
        ("p", "五、存在的主要问题及改进情况"), ("p", "政策解读形式较为单一。2023年将丰富解读形式。"),
        ("p", "六、其他需要报告的事项"), ("p", "本年度未收取信息处理费。"),
        ("p", AGENCY), ("p", "2023年1月18日"),
    ]


def write_text(path, granted_natural):
    lines = []
    for kind, content in blocks(granted_natural):
        lines.extend(flattened(content) if kind == "table" else [content])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def html_table(rows) -> str:
    cells = ("".join(f'<td rowspan="{rs}" colspan="{cs}"><p><span>{escape(t)}</span></p></td>' for t, rs, cs in row)
             for row in rows)
    return '<table border="1"><tbody>' + "".join(f"<tr>{c}</tr>" for c in cells) + "</tbody></table>"


def write_html(path, granted_natural):
    body = "".join(html_table(content) if kind == "table" else f"<p>{escape(content)}</p>"
                   for kind, content in blocks(granted_natural))
    path.write_text(f'<html><head><meta charset="utf-8"></head><body><div class="content">{body}</div></body></html>',
                    encoding="utf-8")


def write_docx(path, granted_natural):
    document = docx.Document()
    for kind, content in blocks(granted_natural):
        docx_table(document, content) if kind == "table" else document.add_paragraph(content)
    document.save(path)


WRITERS = {"txt": write_text, "html": write_html, "docx": write_docx}


@pytest.fixture(scope="module")
def audit():
    rules, ctx = load_rules(), Context(vocabulary=load_vocabulary(), as_of=AS_OF)

    def statuses(path):
        [document] = audit_file(path, rules, ctx).documents
        return {f.rule: f.status.value for f in document.findings if f.category == "tables"}
    return statuses


@pytest.mark.parametrize("granted_natural", [7, 9])
def test_merged_official_tables_give_the_findings_of_their_flattened_text(tmp_path, audit, granted_natural):
    found = {}
    for fmt, write in WRITERS.items():
        write(tmp_path / f"report.{fmt}", granted_natural)
        found[fmt] = audit(tmp_path / f"report.{fmt}")
    assert found["html"] == found["txt"] and found["docx"] == found["txt"]
    failing = {rule for rule, status in found["txt"].items() if status != "pass" and status != "not_applicable"}
    assert failing == (set() if granted_natural == 7 else {"TB12"})


def test_merged_label_cells_are_written_once_in_docx_and_html(tmp_path):
    for fmt in ("html", "docx"):
        WRITERS[fmt](tmp_path / f"report.{fmt}", 7)
        lines = read_source(tmp_path / f"report.{fmt}").text.splitlines()
        assert "三、本年度办理结果 | （一）予以公开 | 7 | 2 | 0 | 0 | 1 | 0 | 10" in lines
        assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形） | 1 | 0 | 0 | 0 | 0 | 0 | 1" in lines
        assert "行政许可 | 136" in lines and "第二十条第（五）项" in lines
