"""The official 2021 statistical tables (表二/表三/表四, 国办公开办函〔2021〕30号) with their real
labels and merged cells, for tests and fixture generators that render them in several formats.

A table is a list of rows; a row lists its cells left to right as C(text, rows, columns), leaving
out the grid positions that a cell merged from above or from the left covers (as HTML does)."""

from __future__ import annotations


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
T3_HEADER_ROWS = 3
T4_HEADER_ROWS = 3


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


def width(rows) -> int:
    return sum(columns for _, _, columns in rows[0])


def placed(rows):
    """(row, column, text, rowspan, colspan) of every cell, its column found on the full grid."""
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        column = 0
        for text, rowspan, colspan in row:
            while (r, column) in taken:
                column += 1
            taken.update((r + dr, column + dc) for dr in range(rowspan) for dc in range(colspan))
            yield r, column, text, rowspan, colspan
            column += colspan


def flattened(rows) -> list[str]:
    """What a flattened web page shows: a merged cell once, a merged number in every row it covers."""
    lines: list[list[tuple[int, str]]] = [[] for _ in rows]
    for r, column, text, rowspan, _ in placed(rows):
        for row in range(r, r + (rowspan if text.isdigit() else 1)):
            lines[row].append((column, text))
    return [" | ".join(text for _, text in sorted(cells)) for cells in lines]


def docx_table(document, rows):
    """A python-docx table with the merges (gridSpan across, vMerge down)."""
    table = document.add_table(rows=len(rows), cols=width(rows))
    for r, column, text, rowspan, colspan in placed(rows):
        cell = table.cell(r, column)
        if rowspan > 1 or colspan > 1:
            cell = cell.merge(table.cell(r + rowspan - 1, column + colspan - 1))
        cell.text = text
    return table
