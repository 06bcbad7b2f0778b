import re

import pytest

from auditor.model import Paragraph
from auditor.pipeline import parse_text
from auditor.split import split_documents


def test_seed_004_nine_documents_in_file_order(seed004):
    kinds = [r.doc_type for r in seed004.reports]
    years = [r.report_year for r in seed004.reports]
    assert kinds == ["guide"] + ["annual_report"] * 8
    assert years == [None, 2023, 2022, 2021, 2020, 2019, 2018, 2017, 2016]
    starts = [r.span.start for r in seed004.reports]
    assert starts == sorted(starts)


def test_page_chrome_never_becomes_content(seed004):
    chrome = re.compile(r"字号|扫码使用|大 中 小|网站主办单位|网站标识码")
    for report in seed004.reports:
        for block in report.walk():
            if isinstance(block, Paragraph):
                assert not chrome.search(block.text), block.text[:40]
        assert not chrome.search(report.text)


def test_chrome_in_the_middle_of_a_line_is_cut(seed004):
    report_2023 = seed004.reports[1]
    first = report_2023.front[0]
    assert first.text.startswith("根据《中华人民共和国政府信息公开条例》")
    # the paragraph's location is after 「大 中 小」 on the same line of the original
    loc = seed004.text.locate(first.span)
    assert loc.text.startswith("根据") and loc.column == 6


def test_documents_cut_after_a_signing_date_followed_by_a_title():
    text = ("甲县商务局2018年政府信息公开工作年度报告\n一、主动公开情况\n略。\n甲县商务局\n2019年1月20日\n"
            "甲县商务局2019年政府信息公开工作年度报告\n一、总体情况\n略。\n2020年1月15日\n")
    reports = parse_text(text).reports
    assert [r.report_year for r in reports] == [2018, 2019]
    assert [r.signing_date.value.isoformat() for r in reports] == ["2019-01-20", "2020-01-15"]


def test_a_title_with_a_space_before_its_year_s_unit_also_starts_the_next_document():
    text = ("2018 年度甲县商务局政府信息公开工作年度报告\n一、主动公开情况\n略。\n甲县商务局\n2019年1月20日\n"
            "2019 年度甲县商务局政府信息公开工作年度报告\n一、总体情况\n略。\n2020年1月15日\n")
    assert [r.report_year for r in parse_text(text).reports] == [2018, 2019]


def test_a_page_s_metadata_lines_between_a_signing_date_and_the_next_title_start_the_next_document():
    text = ("甲县商务局2018年政府信息公开工作年度报告\n一、主动公开情况\n略。\n甲县商务局\n2019年1月20日\n"
            "索引号: 0001/2020-01\n发布机构: 甲县商务局 生成日期: 2020-01-16\n"
            "甲县商务局2019年政府信息公开工作年度报告\n一、总体情况\n略。\n2020年1月15日\n")
    reports = parse_text(text).reports
    assert [r.report_year for r in reports] == [2018, 2019]
    assert reports[1].text.lstrip().startswith("索引号")
    assert "索引号" not in reports[0].text


@pytest.mark.parametrize("widget", ["字号:大 中 小", "发布日期:2022-01-25 来源:本局 字号:[大 中 小]"])
def test_a_title_above_the_font_size_widget_stays_with_its_report(widget):
    text = ("甲县商务局2021年政府信息公开工作年度报告\n" + widget + "\n本报告依据《条例》编制。\n一、总体情况\n略。\n"
            "二、主动公开政府信息情况\n略。\n甲县商务局\n2022年1月20日\n")
    [report] = parse_text(text).reports
    assert report.title == "甲县商务局2021年政府信息公开工作年度报告" and len(report.sections) == 2


@pytest.mark.parametrize("breadcrumb", ["首页 > 政务公开 > 年度报告", "首页>>政务公开>>政府信息公开年度报告",
                                        "首页/政务公开/政府信息公开年报", "首页 → 年报 → 2021年政府信息公开年度报告",
                                        "当前位置:政务公开 » 年报 » 2021年政府信息公开年度报告",
                                        "网站首页 > 政务公开 > 年度报告", "当前位置 首页 > 政务公开 > 年度报告",
                                        "当前位置 网站首页 > 政务公开 > 年度报告", "当前位置 > 政务公开 > 年报"])
def test_a_breadcrumb_ending_in_a_report_s_name_is_chrome_not_the_title(breadcrumb):
    text = (breadcrumb + "\n甲县商务局2021年政府信息公开工作年度报告\n一、总体情况\n略。\n甲县商务局\n2022年1月20日\n")
    [report] = parse_text(text).reports
    assert report.title == "甲县商务局2021年政府信息公开工作年度报告" and report.report_year == 2021


@pytest.mark.parametrize("line", ["办理流程为受理 → 答复。", "申请 → 受理 → 审查 → 答复", "获取程序:提出申请>受理登记>审查>作出答复",
                                  "(一)依申请公开办理流程:申请>>受理>>办理>>答复", "提出申请»受理»答复"])
def test_a_procedure_drawn_with_arrows_is_content(line):
    text = "甲县商务局2021年政府信息公开工作年度报告\n一、总体情况\n" + line + "\n"
    [report] = parse_text(text).reports
    assert line in report.text


def test_chrome_only_segments_are_not_documents():
    masked, segments = split_documents("字号:\n大 中 小扫码使用手机浏览本页内容\n字号:\n大 中 小\n打印 关闭\n")
    assert segments == []


def test_site_footer_is_chrome():
    text = ("某局2019年政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息100条,依申请公开2件。\n"
            "网站主办单位:某市某局 地址:某路6号\n网站标识码:3715000045\n")
    report = parse_text(text).reports[0]
    assert "网站" not in report.text.replace("网站主动", "")


def test_classification():
    guide = parse_text("为便于公民获取本机关政府信息,编制本指南。\n一、信息分类和编排体系\n略。\n").reports[0]
    other = parse_text("关于召开全市商务工作会议的通知\n各县市区商务主管部门:\n定于下周召开全市商务工作会议,请准时参加会议。\n").reports[0]
    report = parse_text("一、总体情况\n略。\n二、主动公开政府信息情况\n略。\n三、收到和处理政府信息公开申请情况\n略。\n").reports[0]
    assert (guide.doc_type, other.doc_type, report.doc_type) == ("guide", "other", "annual_report")


def test_noise_lines_first_consecutive_and_spanning_lines_are_blanked():
    from auditor.split import mask_chrome

    text = ("打印\n关闭\n首页\n正文第一段，打印本页不是噪声。\n基本介绍\n• 机构\n• 职能\n分享:\n"
            "浏览次数: 12 正文第二段\n|  |\n返回顶部")
    masked, _ = mask_chrome(text)
    kept = [line.strip() for line in masked.split("\n")]
    assert kept == ["", "", "", "正文第一段，打印本页不是噪声。", "", "", "", "", "正文第二段", "", ""]
    assert len(masked) == len(text)
