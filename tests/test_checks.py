"""Check kinds configured the way a supervisor would, beyond the shipped rules' own cases."""

from datetime import date

import pytest

from auditor.engine import Context, run_rule
from auditor.findings import Status
from auditor.pipeline import parse_text
from auditor.ruleset import Rule, load_vocabulary


def make_rule(kind, params, applies_to=None) -> Rule:
    from auditor.checks import KINDS

    check = KINDS[kind]
    prepared = check.prepare(params) if hasattr(check, "prepare") else params
    return Rule(id="T01", name="test.rule", category="timeliness", title="t", title_en="t", severity="error",
                applies_to=applies_to or {"doc_type": "annual_report"}, basis=("b",), kind=kind, params=params,
                message="{field} {date} > {limit}", message_en="m", path="<test>", prepared=prepared)


def run(rule, text):
    report = parse_text(text).reports[0]
    return run_rule(rule, report, Context(vocabulary=load_vocabulary(), as_of=date(2026, 1, 1)))


def report_signed(day: str) -> str:
    return f"某市某局2019年政府信息公开工作年度报告\n一、总体情况\n略。\n某市某局\n{day}\n"


# 2020 Spring Festival: 01-24 … 02-02 off (extended), so the 4th working day after 01-20 is
# 01-21, 01-22, 01-23, then 02-03.
@pytest.mark.parametrize("signed,status", [("2020年2月3日", "pass"), ("2020年2月4日", "fail")])
def test_deadline_in_working_days_on_the_official_calendar(signed, status):
    rule = make_rule("date_deadline", {"fields": ["signing_date"], "not_after": "Y+1-01-20 + 4 working days"})
    assert run(rule, report_signed(signed)).status == Status(status)


def test_make_up_workday_counts():
    # 2019-02-02 (Saturday) was a make-up workday before the 2019 Spring Festival
    rule = make_rule("date_deadline", {"fields": ["signing_date"], "not_after": "Y-02-01 + 1 working days"},
                     {"doc_type": "annual_report"})
    text = "某市某局2019年政府信息公开工作年度报告\n一、总体情况\n略。\n2019年2月2日\n"
    assert run(rule, text).status == Status.PASS
    assert run(rule, text.replace("2019年2月2日", "2019年2月3日")).status == Status.FAIL


def test_text_absent_unless_excuses_a_sentence():
    rule = make_rule("text_absent", {"patterns": ["检索费"], "unless": ["不收取|取消"]}, {"doc_type": "guide"})
    guide = "某局政府信息公开指南\n编制本指南。\n一、收费\n本机关已取消检索费。\n"
    assert run(rule, guide).status == Status.PASS
    assert run(rule, guide.replace("已取消", "收取")).status == Status.FAIL


def test_section_nonempty_counts_tables_as_content():
    rule = make_rule("section_nonempty", {"sections": ["proactive"]})
    text = "某局2021年政府信息公开工作年度报告\n二、主动公开政府信息情况\n规章 | 0 | 0 | 0\n三、收到和处理政府信息公开申请情况\n"
    assert run(rule, text).status == Status.PASS
    assert run(rule, text.replace("规章 | 0 | 0 | 0\n", "")).status == Status.FAIL


def test_a_section_scope_follows_the_vocabulary_of_each_audit():
    # the scope is memoized per report: a different vocabulary must not get the other's section
    from dataclasses import replace as changed

    rule = make_rule("text_present", {"require": ["甲事项"], "scope": "section:other"})
    report = parse_text("某市某局2019年政府信息公开工作年度报告\n一、其他需要报告的事项\n甲事项。\n"
                        "二、另一部分\n乙事项。\n").reports[0]
    vocabulary = load_vocabulary()
    elsewhere = dict(vocabulary, other=changed(vocabulary["other"], patterns=("另一部分",)))
    ctx = Context(vocabulary=vocabulary, as_of=date(2026, 1, 1))
    assert run_rule(rule, report, ctx).status == Status.PASS
    assert run_rule(rule, report, changed(ctx, vocabulary=elsewhere)).status == Status.FAIL
    assert run_rule(rule, report, ctx).status == Status.PASS


def test_missing_scope_takes_the_status_the_rule_names():
    rule = make_rule("text_present", {"require": ["甲"], "scope": "closing", "if_scope_missing": "not_applicable"})
    outcome = run(rule, "某市某局2019年政府信息公开工作年度报告\n一、总体情况\n略。\n")
    assert outcome.status == Status.NOT_APPLICABLE and outcome.values["scope"] == "落款"
    assert outcome.reason == ("文中未找到落款", "the signature block not found")
