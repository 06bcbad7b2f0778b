"""Issue 4's acceptance list: table rules on seed 004 and on deliberately broken copies of it."""

import json
import subprocess
import sys
from datetime import date

import pytest

from auditor.audit import apply_overrides
from auditor.engine import Context, audit_report
from auditor.pipeline import parse_text
from tests.conftest import SEED_004

TABLE_RULES = [f"TB{n:02d}" for n in (1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19)]
SEED_TEXT = SEED_004.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def audit(default_rules):
    rules, vocabulary = default_rules
    ctx = Context(vocabulary=vocabulary, as_of=date(2026, 1, 1))

    def run(text: str, year: int, override: int | None = None) -> dict:
        parsed = parse_text(text, "<seed 004 copy>")
        report = next(r for r in parsed.reports if r.report_year == year)
        report = apply_overrides(report, override, None)
        return {f.rule: f for f in audit_report(parsed, report, rules, ctx) if f.rule.startswith("TB")}
    return run


def _changed(old: str, new: str, text: str = SEED_TEXT) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_all_table_rules_are_shipped(default_rules):
    rules, _ = default_rules
    assert [r for r in rules if r.startswith("TB")] == TABLE_RULES


def test_2023_every_table_rule_passes(audit):
    findings = audit(SEED_TEXT, 2023)
    assert {rule: f.status.value for rule, f in findings.items()} == {rule: "pass" for rule in TABLE_RULES}


@pytest.mark.parametrize("year", [2020, 2019])
def test_2020_2019_blank_results_total_fails_and_collapsed_balances_are_indeterminate(audit, year):
    findings = audit(SEED_TEXT, year)
    assert findings["TB17"].status.value == "fail"
    assert "（七）总计有 7 个单元格空白" in findings["TB17"].message
    assert {loc.text for loc in findings["TB17"].locations} == {""}  # the blank cells themselves
    for rule in ("TB10", "TB11", "TB12"):
        assert findings[rule].status.value == "indeterminate", (rule, findings[rule].message)
        assert "无法确定各数值所在的列" in findings[rule].message
    assert findings["TB10"].message.count("「本年新收」行") == 1  # one reason per row, not per cell
    assert findings["TB05"].status.value == "pass" and findings["TB13"].status.value == "pass"


@pytest.mark.parametrize("year", [2022, 2021])
def test_2022_2021_tables_are_missing(audit, year):
    findings = audit(SEED_TEXT, year)
    for rule, part in (("TB01", "二、主动公开政府信息情况"), ("TB02", "三、收到和处理政府信息公开申请情况"),
                       ("TB03", "四、政府信息公开行政复议、行政诉讼情况")):
        assert findings[rule].status.value == "fail" and part in findings[rule].message
    # not a second failure for the same cause, nor a "cannot decide" per identity
    assert findings["TB10"].status.value == "not_applicable" and "表三" in findings["TB10"].message


GRANTED_4 = ("三、本年度办理结果 | (一)予以公开 | 2 | 0", "三、本年度办理结果 | (一)予以公开 | 4 | 0")
NEW_5 = ("\n3 | 0 | 0 | 0 | 0 | 0 | 3 |", "\n5 | 0 | 0 | 0 | 0 | 0 | 3 |")


def test_granted_2_to_4_fails_row_and_column_sums_and_names_the_cell(audit):
    findings = audit(_changed(*GRANTED_4), 2023)
    assert findings["TB10"].status.value == "pass"  # （七）总计 is stated: the balance holds
    for rule in ("TB11", "TB12"):
        f = findings[rule]
        assert f.status.value == "fail"
        assert "表三 自然人/予以公开 应为 2（报告为 4），可同时满足 2 条失败关系" in f.message
        first = f.locations[0]
        assert (first.line, first.column, first.text) == (116, 23, "4")
        assert f.details["localization"]["changes"] == [[{"ref": "t3.granted.natural", "label": "表三 自然人/予以公开",
                                                          "reported": "4", "expected": 2}]]
    assert "「予以公开」行：左边 2，右边 4，相差 -2" in findings["TB11"].message
    assert "「自然人」列：左边 3，右边 5，相差 -2" in findings["TB12"].message


def test_new_3_to_5_fails_balance_and_row_sum_and_names_the_cell(audit):
    findings = audit(_changed(*NEW_5), 2023)
    assert findings["TB12"].status.value == "pass"
    for rule in ("TB10", "TB11"):
        assert findings[rule].status.value == "fail"
        assert "表三 自然人/本年新收 应为 3（报告为 5）" in findings[rule].message
        assert (findings[rule].locations[0].line, findings[rule].locations[0].text) == (114, "5")


def test_two_errors_are_localized_as_a_pair(audit):
    text = _changed(*GRANTED_4)
    text = _changed("四、结转下年度继续办理 | 0 | 0 | 0", "四、结转下年度继续办理 | 0 | 1 | 0", text)
    f = audit(text, 2023)["TB11"]
    assert f.status.value == "fail"
    assert "表三 自然人/予以公开 应为 2（报告为 4）、表三 商业企业/结转下年度 应为 0（报告为 1）" in f.message
    assert "可同时满足 4 条失败关系" in f.message


def test_when_no_small_change_explains_the_failures_it_says_so(audit):
    text = SEED_TEXT
    for old, new in (GRANTED_4, ("四、结转下年度继续办理 | 0 | 0 | 0", "四、结转下年度继续办理 | 0 | 1 | 0"),
                     ("(四)无法提供 | 1.本机关不掌握相关政府信息 | 1 | 0 | 0", "(四)无法提供 | 1.本机关不掌握相关政府信息 | 1 | 0 | 7")):
        text = _changed(old, new, text)
    f = audit(text, 2023)["TB11"]
    assert "没有一个或两个单元格的改动能同时满足全部" in f.message
    assert f.details["localization"]["explained"] is False


def test_details_carry_each_assertion_with_both_sides(audit):
    f = audit(_changed(*GRANTED_4), 2023)["TB11"]
    granted = next(a for a in f.details["assertions"] if a["key"] == "granted")
    assert granted["expression"].startswith("t3.granted.total == t3.granted.natural + ")
    assert (granted["left"], granted["right"], granted["difference"], granted["status"]) == (2, 4, -2, "fail")
    assert {"ref": "t3.granted.natural", "text": "4", "row_placed_by": "label", "column_placed_by": "position"}.items() \
        <= next(c for c in granted["cells"] if c["ref"] == "t3.granted.natural").items()
    assert f.details["template"] == "t3@2021" and f.details["checked"] == 25


def _document(year_from: int, year_to: int) -> str:
    """Seed 004's report for `year_from`, retitled as a report for `year_to`."""
    lines = SEED_TEXT.split("\n")
    start = {2020: 194, 2023: 86}[year_from]
    end = {2020: 262, 2023: 156}[year_from]
    return "\n".join(lines[start:end]).replace(f"{year_from}年", f"{year_to}年")


def test_a_2022_report_on_the_2019_layout_fails_the_edition_rules(audit):
    findings = audit(_document(2020, 2022), 2022)
    assert findings["TB04"].status.value == "fail"
    assert "表二按 2019 版格式填写" in findings["TB04"].message and "2022 年度报告应使用 2021 版格式" in findings["TB04"].message
    assert "本年新制作数量" in {loc.text for loc in findings["TB04"].locations}
    assert findings["TB05"].status.value == "fail" and findings["TB05"].locations[0].text == "(六)其他处理"


def test_a_2020_report_on_the_2021_layout_fails_the_edition_rules(audit):
    findings = audit(SEED_TEXT, 2023, override=2020)
    assert findings["TB04"].status.value == "fail" and "应使用 2019 版格式" in findings["TB04"].message
    assert findings["TB05"].status.value == "fail"
    assert findings["TB10"].status.value == "pass"  # the arithmetic is still checked on the layout found


# ---- a supervisor's own identity, as YAML only --------------------------------------------------

SUPERVISOR_RULE = """\
id: XT01
name: local.partial_within_new
category: tables
title: 表三 部分公开不得超过本年新收
title_en: Table 3 partly granted does not exceed new requests
severity: warning
applies_to: {doc_type: annual_report, report_year: ">=2019"}
basis: ["某省政务公开办 审核要点 (示例)"]
kind: table_assertion
params:
  for_each: t3.columns
  assert: t3.partial.$col <= t3.new.$col
  blank: zero
message: "{table}部分公开超过本年新收：{failures}"
message_en: "{table_en}: partly granted exceeds new requests: {failures_en}"
"""
TABLE = """\
某局2023年政府信息公开工作年度报告
三、收到和处理政府信息公开申请情况
申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |
一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |
(二)部分公开 | {partial} | 0 | 0 | 0 | 0 | 0 | {partial} |
四、政府信息公开行政复议、行政诉讼情况
无。
"""


def _cases(*pairs) -> str:
    out = ["cases:"]
    for name, partial, expect in pairs:
        out += [f"  - name: {name}", f"    expect: {expect}", "    text: |"]
        out += ["      " + line for line in TABLE.format(partial=partial).splitlines()]
    return "\n".join(out) + "\n"


def _rules_test(folder, *options):
    return subprocess.run([sys.executable, "-m", "auditor.cli", "rules", "test", str(folder), *options],
                          capture_output=True, text=True)


def test_a_supervisor_adds_an_identity_as_yaml_only(tmp_path):
    (tmp_path / "XT01.yaml").write_text(SUPERVISOR_RULE, encoding="utf-8")
    (tmp_path / "XT01.cases.yaml").write_text(_cases(("within", 1, "pass"), ("exceeds", 5, "fail")), encoding="utf-8")
    proc = _rules_test(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 个用例通过，0 个失败" in proc.stdout


def test_a_wrong_case_expectation_is_reported(tmp_path):
    (tmp_path / "XT01.yaml").write_text(SUPERVISOR_RULE, encoding="utf-8")
    (tmp_path / "XT01.cases.yaml").write_text(_cases(("within", 1, "pass"), ("claims a failure", 2, "fail")),
                                              encoding="utf-8")
    proc = _rules_test(tmp_path)
    assert proc.returncode == 1 and "FAIL XT01 claims a failure: 期望 fail，实际 pass" in proc.stdout
    proc = _rules_test(tmp_path, "--lang", "en")
    assert proc.returncode == 1 and "FAIL XT01 claims a failure: expected fail, got pass" in proc.stdout


def test_a_bad_expression_is_a_one_line_rule_file_error(tmp_path):
    (tmp_path / "XT01.yaml").write_text(SUPERVISOR_RULE.replace("<= t3.new.$col", "<= t3.new.$col)"),
                                        encoding="utf-8")
    (tmp_path / "XT01.cases.yaml").write_text(_cases(("within", 1, "pass"), ("exceeds", 5, "fail")), encoding="utf-8")
    proc = _rules_test(tmp_path)
    assert proc.returncode == 2
    [line] = proc.stderr.strip().splitlines()  # the line of `assert:`
    assert "XT01.yaml:12: params.assert：此处不应出现 ')'（第 31 列）（位置 /params/assert）" in line
    [line] = _rules_test(tmp_path, "--lang", "en").stderr.strip().splitlines()
    assert "XT01.yaml:12: params.assert: unexpected ')' (column 31) at /params/assert" in line


# ---- through the CLI ----------------------------------------------------------------------------

def test_json_output_locates_the_cells(tmp_path):
    copy = tmp_path / "seed004_granted4.txt"
    copy.write_text(_changed(*GRANTED_4), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", "audit", str(copy), "--format", "json",
                           "--fail-on", "never", "--as-of", "2026-01-01"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    report = next(r for r in json.loads(proc.stdout)["reports"] if r["year"] == 2023)
    f = next(f for f in report["findings"] if f["rule"] == "TB12")
    assert f["locations"][0] == {**f["locations"][0], "line": 116, "column": 23, "text": "4",
                                 "note": "表三 自然人/予以公开 应为 2"}
    natural = next(a for a in f["details"]["assertions"] if a["key"] == "natural")
    assert (natural["left"], natural["right"], natural["difference"]) == (3, 5, -2)


def test_parse_shows_aligned_grids_with_placements():
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", "parse", str(SEED_004)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "═ 表三 收到和处理政府信息公开申请情况 → template t3@2021" in out
    row = next(line for line in out.splitlines() if line.strip().startswith("本年新收  L114"))
    assert row.split("|")[1].strip() == "3" and row.rstrip().endswith("by position")
    assert next(line for line in out.splitlines() if "不予处理/信访举报投诉  L129" in line).endswith("by group+position")
    assert "by label, columns unknown (5 | 5)" in out
    assert "═ 表四 政府信息公开行政复议、行政诉讼情况 → template t4@2019/2021" in out
