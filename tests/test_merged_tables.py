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
from tests.snapshots import AS_OF

AGENCY = "江北区住房和城乡建设局"


def C(text, rows=1, columns=1):
    return (text, rows, columns)


def numbers(*values):
    return [C(str(v)) for v in values]


ZERO = numbers(0, 0, 0, 0, 0, 0, 0)
T2 = [
    [C("第二十条第（一）项", 1, 4)],
    [C("信息内容"), C("本年制发件数"), C("本年废止件数"), C("现行有效件数")],
    [C("规章"), *numbers(0, 0, 0)],
    [C("行政规范性文件"), *numbers(2, 1, 9)],
    [C("第二十条第（五）项", 1, 4)],
    [C("信息内容"), C("本年处理决定数量", 1, 3)],
    [C("行政许可"), C("136", 1, 3)],
    [C("第二十条第（六）项", 1, 4)],
    [C("信息内容"), C("本年处理决定数量", 1, 3)],
    [C("行政处罚"), C("21", 1, 3)],
    [C("行政强制"), C("0", 1, 3)],
    [C("第二十条第（八）项", 1, 4)],
    [C("信息内容"), C("本年收费金额（单位：万元）", 1, 3)],
    [C("行政事业性收费"), C("0", 1, 3)],
]


def t3(granted_natural: int):
    """表三; 予以公开 by 自然人 must be 7 for (七)总计 to be the sum of (一) to (六)."""
    return [
        [C("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), C("申请人情况", 1, 7)],
        [C("自然人", 2), C("法人或其他组织", 1, 5), C("总计", 2)],
        [C("商业企业"), C("科研机构"), C("社会公益组织"), C("法律服务机构"), C("其他")],
        [C("一、本年新收政府信息公开申请数量", 1, 3), *numbers(12, 3, 0, 0, 1, 0, 16)],
        [C("二、上年结转政府信息公开申请数量", 1, 3), *numbers(1, 0, 0, 0, 0, 0, 1)],
        [C("三、本年度办理结果", 22), C("（一）予以公开", 1, 2), *numbers(granted_natural, 2, 0, 0, 1, 0, granted_natural + 3)],
        [C("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2), *numbers(1, 0, 0, 0, 0, 0, 1)],
        [C("（三）不予公开", 8), C("1.属于国家秘密"), *ZERO],
        *([C(label), *ZERO] for label in ("2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
                                          "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷",
                                          "8.属于行政查询事项")),
        [C("（四）无法提供", 3), C("1.本机关不掌握相关政府信息"), *numbers(2, 1, 0, 0, 0, 0, 3)],
        [C("2.没有现成信息需要另行制作"), *ZERO],
        [C("3.补正后申请内容仍不明确"), *ZERO],
        [C("（五）不予处理", 5), C("1.信访举报投诉类申请"), *ZERO],
        *([C(label), *ZERO] for label in ("2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                                          "5.要求行政机关确认或重新出具已获取信息")),
        [C("（六）其他处理", 3), C("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"), *ZERO],
        [C("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"), *ZERO],
        [C("3.其他"), *ZERO],
        [C("（七）总计", 1, 2), *numbers(10, 3, 0, 0, 1, 0, 14)],
        [C("四、结转下年度继续办理", 1, 3), *numbers(3, 0, 0, 0, 0, 0, 3)],
    ]


T4 = [
    [C("行政复议", 1, 5), C("行政诉讼", 1, 10)],
    [C("结果维持", 2), C("结果纠正", 2), C("其他结果", 2), C("尚未审结", 2), C("总计", 2),
     C("未经复议直接起诉", 1, 5), C("复议后起诉", 1, 5)],
    [C(x) for x in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2],
    numbers(1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
]


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


def flattened(rows) -> list[str]:
    """What a flattened web page shows: a merged cell once, a merged number in every row it covers."""
    taken: dict[int, list] = {}
    lines = []
    for r, row in enumerate(rows):
        out = list(taken.pop(r, []))
        for text, rowspan, _ in row:
            out.append(text)
            if rowspan > 1 and text.isdigit():
                for below in range(r + 1, r + rowspan):
                    taken.setdefault(below, []).append(text)
        lines.append(" | ".join(out))
    return lines


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


def docx_table(document, rows):
    width = sum(columns for _, _, columns in rows[0])
    table = document.add_table(rows=len(rows), cols=width)
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        column = 0
        for text, rowspan, colspan in row:
            while (r, column) in taken:
                column += 1
            taken.update((r + dr, column + dc) for dr in range(rowspan) for dc in range(colspan))
            cell = table.cell(r, column)
            if rowspan > 1 or colspan > 1:
                cell = cell.merge(table.cell(r + rowspan - 1, column + colspan - 1))
            cell.text = text
            column += colspan


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
