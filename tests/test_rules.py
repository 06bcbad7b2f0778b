"""Rule files: schema validation, per-rule cases (like Semgrep's rule tests), user rule folders."""

import subprocess
import sys
from pathlib import Path

import pytest

from auditor.casetest import load_cases_for, run_case
from auditor.errors import RuleFileError
from auditor.ruleset import default_rule_dir, load_rule, load_vocabulary, rule_files

RULE_FILES = rule_files(default_rule_dir())


def _case_params():
    for path in RULE_FILES:
        for case in load_cases_for(path):
            yield pytest.param(path, case, id=f"{path.stem}:{case['name']}")


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary()


@pytest.fixture(scope="module")
def shipped_rules():
    from auditor.ruleset import load_rules

    return load_rules()


@pytest.mark.parametrize("path,case", list(_case_params()))
def test_rule_case(path, case, vocabulary, shipped_rules):
    result = run_case(shipped_rules[path.stem], case, path.parent, vocabulary, shipped_rules)
    assert result.ok, result.detail


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_every_rule_has_a_passing_and_a_failing_case(path):
    expected = {case["expect"] for case in load_cases_for(path)}
    assert {"pass", "fail"} <= expected, f"{path.name}: cases must include pass and fail, have {expected}"


def test_rules_cover_every_category_of_issue_3():
    categories = {load_rule(p).category for p in RULE_FILES}
    assert {"structure", "year", "timeliness", "time_limit", "fees", "guide"} <= categories


GOOD_RULE = """\
id: XX01
name: local.new_media
category: structure
title: 报告政务新媒体情况
title_en: Reports on government new media
severity: warning
applies_to: {doc_type: annual_report, report_year: ">=2019"}
basis: ["地方要求 (示例)"]
kind: text_present
params:
  require: ["政务新媒体"]
message: 未提及政务新媒体
message_en: Government new media are not mentioned
"""
GOOD_CASES = """\
cases:
  - name: mentions new media
    text: |
      某局2021年政府信息公开工作年度报告
      一、总体情况
      加强政务新媒体管理。
    expect: pass
  - name: no new media
    text: |
      某局2021年政府信息公开工作年度报告
      一、总体情况
      加强网站管理。
    expect: fail
"""


def write_rule(folder: Path, text: str, cases: str = GOOD_CASES, name: str = "XX01") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    (folder / f"{name}.cases.yaml").write_text(cases, encoding="utf-8")
    return folder / f"{name}.yaml"


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "auditor.cli", *map(str, args)], capture_output=True, text=True)


@pytest.mark.parametrize("mutation,pointer,line,words,zh_words", [
    (("severity: warning", "severity: fatal"), "/severity", 6, "fatal", "'fatal' 不是允许的值（可选：error、warning、info）"),
    (("kind: text_present", "kind: text_present\ncolour: red"), "/colour", 10, "unknown key 'colour'", "未知的键 'colour'"),
    (('  require: ["政务新媒体"]', '  require: ["政务新媒体"]\n  scope: section:Bad'), "/params/scope", 12, "does not match",
     "'section:Bad' 不符合格式"),
    (('  require: ["政务新媒体"]', '  require: ["政务(新媒体"]'), "/params/require/0", 11, "invalid regular expression",
     "正则表达式无效 '政务(新媒体'"),
    (("category: structure", "category: misc"), "/category", 3, "misc", "'misc' 不是允许的值"),
    (('report_year: ">=2019"}', 'report_year: ">=2019", in_force_on: ">= 2023-02-30"}'), "/applies_to/in_force_on", 7,
     "day is out of range", "in_force_on 不是有效日期"),
    (("severity: warning\n", ""), "", 1, "'severity' is a required property", "缺少必需的键 'severity'"),
    (("title: 报告政务新媒体情况", "title: [报告]"), "/title", 4, "is not of type 'string'", "['报告'] 应为字符串，而不是列表"),
])
def test_malformed_rule_is_one_line_with_file_line_and_pointer(tmp_path, mutation, pointer, line, words, zh_words):
    path = write_rule(tmp_path / "bad", GOOD_RULE.replace(*mutation))
    with pytest.raises(RuleFileError) as err:
        load_rule(path)
    where = f"{path}:{line}:"
    message = str(err.value)
    assert message.startswith(where) and words in message
    assert message.endswith(f"at {pointer or '/'}")
    proc = run_cli("audit", "reports_examples/000_2e13bb19681690b4.txt", "--rules", tmp_path / "bad")
    assert proc.returncode == 2 and proc.stderr.startswith(f"auditor: {where} ") and proc.stderr.count("\n") == 1
    assert zh_words in proc.stderr and proc.stderr.endswith(f"（位置 {pointer or '/'}）\n")
    proc = run_cli("audit", "reports_examples/000_2e13bb19681690b4.txt", "--rules", tmp_path / "bad", "--lang", "en")
    assert proc.returncode == 2 and proc.stderr == f"auditor: {message}\n"


def test_invalid_yaml_names_the_line(tmp_path):
    path = write_rule(tmp_path / "bad", GOOD_RULE.replace("title: 报告政务新媒体情况", "title: [unclosed"))
    with pytest.raises(RuleFileError) as err:
        load_rule(path)
    assert "invalid YAML" in str(err.value) and str(err.value).startswith(f"{path}:")


def test_id_must_match_file_name(tmp_path):
    path = write_rule(tmp_path / "r", GOOD_RULE, name="XX02")
    with pytest.raises(RuleFileError, match="does not match the file name"):
        load_rule(path)


def test_user_rule_folder_is_used_by_audit_and_rules_test(tmp_path):
    folder = tmp_path / "my_rules" / "local"
    write_rule(folder, GOOD_RULE)
    proc = run_cli("rules", "test", tmp_path / "my_rules")
    assert proc.returncode == 0 and "2 个用例通过，0 个失败" in proc.stdout
    proc = run_cli("audit", "reports_examples/004_641c8d857bc9cae3.txt", "--rules", tmp_path / "my_rules",
                   "--fail-on", "never", "--format", "json")
    assert proc.returncode == 0
    import json

    findings = {(r["year"], f["rule"]): f["status"] for r in json.loads(proc.stdout)["reports"] for f in r["findings"]}
    assert findings[(2023, "XX01")] == "fail" and findings[(2022, "XX01")] == "fail"
    assert (2016, "XX01") not in findings  # not applicable to a 2016 report, hidden by default


def test_user_rule_overrides_shipped_rule_by_id(tmp_path):
    shipped = Path(default_rule_dir() / "structure" / "STR05.yaml").read_text(encoding="utf-8")
    folder = tmp_path / "override"
    write_rule(folder, shipped.replace("severity: warning", "severity: info"), name="STR05",
               cases=(default_rule_dir() / "structure" / "STR05.cases.yaml").read_text(encoding="utf-8"))
    proc = run_cli("audit", "reports_examples/000_2e13bb19681690b4.txt", "--rules", folder, "--format", "json",
                   "--fail-on", "never")
    import json

    [report] = json.loads(proc.stdout)["reports"]
    assert [f["severity"] for f in report["findings"] if f["rule"] == "STR05"] == ["info"]


def test_failing_user_case_is_reported(tmp_path):
    folder = tmp_path / "wrong"
    write_rule(folder, GOOD_RULE, cases=GOOD_CASES.replace("expect: fail", "expect: pass"))
    proc = run_cli("rules", "test", folder, "--lang", "en")
    assert proc.returncode == 1 and "1 passed, 1 failed" in proc.stdout and "expected pass, got fail" in proc.stdout


def test_rules_validate_and_list():
    proc = run_cli("rules", "validate")
    assert proc.returncode == 0 and f"{len(RULE_FILES)}/{len(RULE_FILES)} 个规则文件有效" in proc.stdout
    listing = run_cli("rules", "list").stdout.splitlines()
    assert len(listing) == len(RULE_FILES) and listing[0].split()[0] <= listing[-1].split()[0]


def test_runaway_user_pattern_is_an_error_for_that_rule_only(tmp_path):
    rule = GOOD_RULE.replace('  require: ["政务新媒体"]', "  require: ['(一|一一)+$']")
    write_rule(tmp_path / "slow", rule)
    report = tmp_path / "r.txt"
    report.write_text("某局2021年政府信息公开工作年度报告\n一、总体情况\n" + "一" * 40 + "二\n", encoding="utf-8")
    import json

    for lang, said in (("zh", "运行超过 0.5 秒"), ("en", "took longer than 0.5s")):
        proc = run_cli("audit", report, "--rules", tmp_path / "slow", "--format", "json", "--fail-on", "never",
                       "--lang", lang)
        [doc] = json.loads(proc.stdout)["reports"]
        by_rule = {f["rule"]: f for f in doc["findings"]}
        assert by_rule["XX01"]["status"] == "error" and said in by_rule["XX01"]["message"]
        assert by_rule["STR10"]["status"] == "fail"  # the other rules still ran


def test_unknown_message_placeholder_is_a_rule_error(tmp_path):
    path = write_rule(tmp_path / "typo", GOOD_RULE.replace("message: 未提及政务新媒体", "message: 缺少{nonexistent}"))
    with pytest.raises(RuleFileError) as err:
        load_rule(path)
    assert str(err.value).startswith(f"{path}:12:") and "unknown placeholder {nonexistent}" in str(err.value)
    assert str(err.value).endswith("at /message")
