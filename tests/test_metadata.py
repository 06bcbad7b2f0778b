"""Metadata of every seed, as the foundation issue states it."""

from datetime import date

import pytest

from auditor.metadata import agency_kind, edition_for
from auditor.pipeline import parse_file, parse_text
from tests.conftest import example


def only(prefix):
    reports = parse_file(example(prefix)).reports
    assert len(reports) == 1
    return reports[0]


def iso(mention):
    return mention.value.isoformat() if mention else None


@pytest.mark.parametrize("prefix,year,agency,published,signed,sections", [
    ("000", 2011, "衢州市商务局", "2011-03-28", "2012-03-27", 6),
    ("001", 2012, "龙岩市工商行政管理局", None, None, 5),
    ("002", 2016, "浙江省商务厅", "2017-01-30", "2017-02-24", 4),
    ("003", 2012, "自治区商务厅", "2013-02-28", None, 3),
])
def test_single_report_seeds(prefix, year, agency, published, signed, sections):
    report = only(prefix)
    assert report.doc_type == "annual_report"
    assert report.report_year == year and report.agency == agency
    assert iso(report.publication_date) == published and iso(report.signing_date) == signed
    assert len(report.sections) == sections
    assert report.edition == "2007" and report.agency_kind == "department"


def test_seed_001_chrome_is_not_sections():
    report = only("001")
    all_titles = [s.title for top in report.sections for s in top.walk() if hasattr(s, "level")]
    for chrome in ("基本介绍", "相关词条", "热门词条", "联络我们"):
        assert chrome not in report.text
        assert all(chrome not in t for t in all_titles)
    assert report.stated_period.start == date(2012, 1, 1) and report.stated_period.end == date(2012, 12, 31)


def test_seed_004_metadata(seed004):
    guide, *reports = seed004.reports
    assert guide.doc_type == "guide" and guide.agency == "聊城市商务局"
    signed = {r.report_year: iso(r.signing_date) for r in reports}
    assert signed == {2023: None, 2022: None, 2021: "2022-01-10", 2020: "2020-01-25", 2019: "2020-01-30",
                      2018: "2019-01-18", 2017: "2018-01-10", 2016: "2017-02-06"}
    last = reports[-1]
    assert last.title == "市商务局2016年度政务信息公开工作报告"
    assert last.report_year == 2016 and last.report_year_source == "title"
    assert [r.edition for r in reports] == ["2021", "2021", "2021", "2019", "2019", "2007", "2007", "2007"]
    assert reports[0].agency == "聊城市商务局" and reports[2].agency == "聊城市商务和投资促进局"
    assert reports[5].agency is None  # the 2018 report never names itself: nothing is invented
    assert reports[4].title == "聊城市商务和投资促进局2019年政府信息公开工作年度报告"


def test_year_from_statements_in_order_of_appearance():
    report = parse_text("一、总体情况\n截至2020年12月底,主动公开信息130条。\n二、主动公开政府信息情况\n略。\n"
                        "三、收到和处理政府信息公开申请情况\n略。\n").reports[0]
    assert report.report_year == 2020 and report.report_year_source == "statement"


@pytest.mark.parametrize("statement,year", [("截至2018年底,主动公开信息130条。", 2018),
                                            ("现将我局二O一七年度政府信息公开工作情况报告如下:", 2017)])
def test_untitled_report_year_from_the_shared_statements_that_yr01_checks(statement, year):
    from auditor.metadata import year_statement_patterns
    from auditor.ruleset import load_rules

    report = parse_text("一、总体情况\n" + statement + "\n二、主动公开政府信息情况\n略。\n").reports[0]
    assert report.report_year == year and report.report_year_source == "statement"
    assert load_rules()["YR01"].prepared == year_statement_patterns()  # one list, edited in grammar/years.yaml


def test_year_and_date_mentions_carry_spans():
    parsed = parse_file(example("000"))
    report = parsed.reports[0]
    texts = {parsed.text.locate(y.span).text for y in report.years}
    assert "2011年" in texts
    assert any(d.text == "二○一二年三月二十七日" for d in report.dates)
    for mention in report.years:
        assert parsed.text.locate(mention.span).text.endswith("年")


@pytest.mark.parametrize("name,kind", [
    ("聊城市商务局", "department"), ("浙江省商务厅", "department"), ("东昌府区人民政府", "government"),
    ("某县古楼街道办事处", "township"), ("某某镇人民政府", "township"), ("聊城市人民政府办公室", "department"),
    (None, None), ("某某", None),
])
def test_agency_kind(name, kind):
    assert agency_kind(name) == kind


@pytest.mark.parametrize("year,edition", [(2008, "2007"), (2018, "2007"), (2019, "2019"), (2020, "2019"),
                                          (2021, "2021"), (2025, "2021"), (None, None)])
def test_edition(year, edition):
    assert edition_for(year) == edition


def test_metadata_copy_is_what_dataclasses_replace_gives():
    from dataclasses import fields, replace

    from auditor.metadata import _replaced
    from auditor.model import Report, Span

    parsed = only("002")
    report = Report(**{f.name: getattr(parsed, f.name) for f in fields(Report)})  # built by its own __init__
    assert report.sections and report.text
    changes = {"title": "某局2016年政府信息公开年度报告", "report_year": 2015, "agency": None, "span": Span(1, 2)}
    fast, slow = _replaced(report, **changes), replace(report, **changes)
    assert type(fast) is type(slow)
    assert [getattr(fast, f.name) for f in fields(Report)] == [getattr(slow, f.name) for f in fields(Report)]


def test_agency_in_order_of_preference():
    from auditor.metadata import find_agency

    text = ("杭州市商务局2016年政府信息公开工作年度报告\n\n"
            "根据条例,公布宁波市财政局信息公开年度报告。\n\n一、概述\n\n内容。\n")
    report = parse_text(text).reports[0]
    assert report.agency == "杭州市商务局"
    assert find_agency(report, None, None, None)[0] == "宁波市财政局"


@pytest.mark.parametrize("key", ["发布日期", "发布时间", "公开日期"])
def test_publication_date_from_the_page_s_date_line(key):
    text = f"甲县商务局2021年政府信息公开工作年度报告\n{key}：2022-01-25 来源：本局\n一、总体情况\n略。\n甲县商务局\n2022年1月20日\n"
    [report] = parse_text(text).reports
    assert report.publication_date.value == date(2022, 1, 25)
    assert text[report.publication_date.span.start:report.publication_date.span.end] == "2022-01-25"


@pytest.mark.parametrize("content,pointer", [("statements: []\n", "/statements"),
                                             ("statements: ['现将(\\d{4})年']\n", "/statements/0"),
                                             ("statements: ['现将(?P<year>\\d{4}年']\n", "/statements/0")])
def test_a_malformed_years_file_is_a_one_line_error_with_its_pointer(tmp_path, monkeypatch, content, pointer):
    import auditor
    from auditor.errors import RuleFileError
    from auditor.metadata import year_statement_patterns

    (tmp_path / "years.yaml").write_text(content, encoding="utf-8")
    monkeypatch.setattr(auditor, "resource_dir", lambda name: tmp_path)
    year_statement_patterns.cache_clear()
    try:
        with pytest.raises(RuleFileError) as raised:
            year_statement_patterns()
        assert raised.value.pointer == pointer and "years.yaml" in raised.value.message()
    finally:
        year_statement_patterns.cache_clear()
