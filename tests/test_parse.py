"""Structure recovered by grammar/report.lark, on real seeds and hand-made broken variants."""

import random

from auditor.model import Closing, Paragraph, Section, Table
from auditor.pipeline import parse_text
from tests.conftest import example


def one(text):
    reports = parse_text(text).reports
    assert len(reports) == 1
    return reports[0]


def titles(sections):
    return [(s.number, s.title) for s in sections]


def test_seed_004_tables_and_empty_sections(seed004):
    by_year = {r.report_year: r for r in seed004.reports[1:]}
    for year in (2023, 2020, 2019):
        tables = by_year[year].tables
        assert len(tables) == 3, year
        assert all(len(t.rows) >= 4 for t in tables)
    rows_2023 = [row.texts for row in by_year[2023].tables[1].rows]
    assert ("二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0", "", "", "") in rows_2023
    for year in (2022, 2021):
        sections = {s.number: s for s in by_year[year].sections}
        for number in "二三四":
            assert sections[number].children == (), (year, number)


def test_table_rows_that_start_like_headings_are_rows(seed004):
    report_2023 = seed004.reports[1]
    assert [s.number for s in report_2023.sections] == list("一二三四五六")
    section_3 = report_2023.sections[2]
    table = section_3.children[0]
    assert isinstance(table, Table)
    assert table.rows[-1].cells[0].text == "四、结转下年度继续办理"


def test_flattened_one_line_report(seed004):
    report_2017 = seed004.reports[7]
    assert titles(report_2017.sections) == [("一", "高度重视,组织有力"), ("二", "创新方式,畅通渠道"),
                                           ("三", "强化管理,常抓不懈"), ("四", "存在的主要问题及下步工作打算")]
    line = seed004.text.line_of(report_2017.sections[0].heading_span)
    assert all(seed004.text.line_of(s.heading_span) == line for s in report_2017.sections)
    assert seed004.text.locate(report_2017.sections[1].heading_span).text == "二、创新方式,畅通渠道"


def test_bare_heading_number_takes_the_next_line_as_title(seed004):
    report_2018 = seed004.reports[6]
    assert ("二", "创新方式,畅通渠道") in titles(report_2018.sections)


def test_item_number_before_a_year(tmp_path):
    report = one("某局2012年度政府信息公开年度报告\n二、政府信息主动公开情况\n3.2012年,本局新增发布主动公开信息235条。\n")
    item = report.sections[0].children[0]
    assert isinstance(item, Section) and item.level == 3 and item.ordinal == 3
    assert item.title.startswith("2012年")


def test_enumerations_are_not_headings():
    report = one("某局2016年政府信息公开工作报告\n一、主要做法\n一是加强领导。二是完善制度。\n第一,提高认识。\n")
    assert len(report.sections) == 1
    assert all(isinstance(c, Paragraph) for c in report.sections[0].children)


def test_headings_without_numbers_stay_paragraphs():
    report = one("某局2016年度政务信息公开工作报告\n一、高度重视\n略。\n创新方式,畅通渠道\n略。\n三、强化管理\n略。\n")
    assert [s.number for s in report.sections] == ["一", "三"]
    assert "创新方式,畅通渠道" in [c.text for c in report.sections[0].children]


def test_no_title_report_still_parses():
    report = one("2018年,我局认真落实条例,现将我单位2018年度政府信息公开情况报告如下:\n一、高度重视\n略。\n2019年1月18日\n")
    assert report.title is None and report.report_year == 2018 and report.report_year_source == "statement"
    assert report.signing_date.value.isoformat() == "2019-01-18"


def test_levels_nest_and_skip():
    report = one("某局2011年政府信息公开工作年度报告\n一、概述\n(一)组织\n1、人员\n(1)细则\n正文\n2、制度\n二、主动公开\n1.网站\n正文\n")
    first, second = report.sections
    assert [s.level for s in first.walk() if isinstance(s, Section)] == [1, 2, 3, 4, 3]
    assert [s.level for s in second.walk() if isinstance(s, Section)] == [1, 3]


def test_heading_title_and_body_on_one_line():
    report = one("某局2023年政府信息公开工作年度报告\n一、总体情况\n(一)主动公开方面。2023年,本局主动公开信息1086条。\n")
    sub = report.sections[0].children[0]
    assert sub.title == "主动公开方面"
    assert sub.children[0].text.startswith("2023年,本局")


def test_signature_block_with_chinese_numerals():
    original = example("000").read_text(encoding="utf-8")
    report = parse_text(original).reports[0]
    assert isinstance(report.closing, Closing)
    assert report.closing.date.value.isoformat() == "2012-03-27"
    assert report.closing.date.text == "二○一二年三月二十七日"


def test_parse_is_total_on_shuffled_and_garbled_text():
    lines = "\n".join(p.read_text(encoding="utf-8") for p in sorted(example("004").parent.glob("*.txt"))).splitlines()
    rng = random.Random(7)
    for _ in range(25):
        sample = rng.sample(lines, 40)
        sample = [l[: rng.randint(0, len(l))] if rng.random() < 0.3 else l for l in sample]
        sample += ["|", "一、", "(一)", "1.", "二○一二年三月二十七日", "某局", "索引号:", "||||", "3.2012"]
        rng.shuffle(sample)
        for report in parse_text("\n".join(sample)).reports:
            assert report.span.end >= report.span.start


def test_own_lexing_yields_exactly_larks_tokens():
    """parsing._tokens lexes with the grammar's terminals, for speed; Lark's own lexer is the
    reference (this also catches a lark release that changes what _scanner reads)."""
    from auditor.parsing import _tokens, logical_lines, report_parser

    texts = [p.read_text(encoding="utf-8") for p in sorted(example("004").parent.glob("*.txt"))]
    rng = random.Random(11)
    lines = "\n".join(texts).splitlines()
    texts += ["\n".join(rng.sample(lines, 30) + ["", "  | a |", "\t", "x|y", "二○一二年三月二十七日"]) for _ in range(20)]
    # blanks where a token could start: first, last, alone, before a row or a heading
    texts += ["", "\n", " ", "\f\n \t\n", "  a | b\n c", " 一、概述\n\t(二)x\n  \n", "正文\n\n \t\f\n", "\n\n | |\n\n"]
    parser = report_parser()
    for text in texts:
        logical = logical_lines(text, 0).text + "\n"
        theirs = [(t.type, str(t), t.start_pos) for t in parser.lex(logical)]
        assert [(t.type, t.value, t.start_pos) for t in _tokens(logical)] == theirs


def test_an_agency_line_above_a_period_is_a_paragraph():
    """SIGN_AGENCY looks ahead for a date line; a period such as 2021年1月1日至12月31日 passes that
    look but is no date line. The grammar stays total: the agency line is a paragraph."""
    text = "某市某区2021年政府信息公开工作年度报告\n\n一、总体情况\n本报告统计期限为：\n某区人民政府办公室\n2021年1月1日至12月31日\n"
    report = parse_text(text).reports[0]
    body = [b.text for b in report.sections[0].children if isinstance(b, Paragraph)]
    assert body == ["本报告统计期限为:", "某区人民政府办公室", "2021年1月1日至12月31日"] and report.closing is None


def test_a_parse_error_names_line_and_column(monkeypatch):
    """The own LALR loop must not cost the position in Lark's message should it ever reject a token."""
    import lark
    import pytest

    from auditor import parsing

    real = parsing.report_parser()

    class RejectingDriver:
        def parse(self, tokens):
            raise lark.exceptions.UnexpectedToken(tokens[0], set())

    class LarkReportingAt:
        options = real.options

        def parse(self, text):
            raise lark.exceptions.UnexpectedCharacters(text, 5, 2, 3)

    monkeypatch.setattr(parsing, "_driver", lambda: RejectingDriver())
    monkeypatch.setattr(parsing, "report_parser", lambda: LarkReportingAt())
    text = "一、总体情况\n正文。\n"
    with pytest.raises(lark.exceptions.UnexpectedInput) as err:
        parsing.parse_document(text, 0, len(text))
    assert err.value.line == 2 and err.value.column == 3
