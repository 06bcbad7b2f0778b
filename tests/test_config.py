"""auditor.yaml: disable, severity and params overrides, profiles, and their errors."""

from datetime import date

import pytest

from auditor.config import apply_config, load_config, profile
from auditor.engine import Context, run_rule
from auditor.errors import RuleFileError
from auditor.findings import Status
from auditor.pipeline import parse_text
from auditor.ruleset import load_rules, load_vocabulary

TOWNSHIP_REPORT = ("某某镇人民政府2022年政府信息公开工作年度报告\n一、总体情况\n略。\n"
                   "某某镇人民政府\n2023年2月25日\n")


def write(tmp_path, text):
    path = tmp_path / "auditor.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def status(rules, rule_id, text):
    report = parse_text(text).reports[0]
    return run_rule(rules[rule_id], report, Context(load_vocabulary(), date(2026, 1, 1))).status


def test_local_deadline_through_params(tmp_path):
    shipped = load_rules()
    assert status(shipped, "TL04", TOWNSHIP_REPORT) == Status.PASS
    config = load_config(write(tmp_path, 'extends: default\nparams:\n  TL04: {not_after: "Y+1-02-20"}\n'))
    local = apply_config(shipped, config)
    assert status(local, "TL04", TOWNSHIP_REPORT) == Status.FAIL
    assert local["TL04"].params["fields"] == shipped["TL04"].params["fields"]


def test_disable_and_severity(tmp_path):
    config = load_config(write(tmp_path, "disable: [STR05]\nseverity: {TL05: error}\nfail_on: warning\n"))
    rules = apply_config(load_rules(), config)
    assert "STR05" not in rules and rules["TL05"].severity == "error" and config.fail_on == "warning"


def test_strict_profile():
    rules = apply_config(load_rules(), profile("strict"))
    assert {rules[r].severity for r in ("STR05", "STR11", "FEE02", "TL05")} == {"error"}
    assert profile("strict").fail_on == "warning"


def test_extra_rule_dirs_are_relative_to_the_config(tmp_path):
    (tmp_path / "local").mkdir()
    config = load_config(write(tmp_path, "rules: [local]\n"))
    assert config.rule_dirs == ((tmp_path / "local").resolve(),)


@pytest.mark.parametrize("text,words,zh_words,line", [
    ("severity: {TL05: fatal}\n", "'fatal' is not one of", "'fatal' 不是允许的值", 1),
    ("colour: red\n", "unknown key 'colour'", "未知的键 'colour'", 1),
    ("extends: lenient\n", "unknown profile 'lenient'", "未知的配置方案 'lenient'", 1),
    ('params:\n  TL04: {not_after: "next March"}\n', "malformed deadline", "截止日期写法有误 'next March'", 2),
    ("params:\n  TL04: {bogus: 1}\n", "unknown key 'bogus'", "未知的键 'bogus'", 2),
    ("disable: [ZZ99]\n", "no rule 'ZZ99'", "没有要配置的规则 'ZZ99'", 1),
])
def test_config_errors_name_the_file_and_line(tmp_path, text, words, zh_words, line):
    path = write(tmp_path, text)
    with pytest.raises(RuleFileError) as err:
        apply_config(load_rules(), load_config(path))
    assert words in str(err.value) and str(err.value) == err.value.message("en")
    assert zh_words in err.value.message("zh")
    for message in (err.value.message("en"), err.value.message("zh")):
        assert message.startswith(f"{path}:{line}: ")


def run_cli(*args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "auditor.cli", *map(str, args)], capture_output=True, text=True)


SEED_002 = "reports_examples/002_e4dc1900c1ebf750.txt"  # only warnings fail on this report


def test_strict_profile_fails_the_run_on_warnings():
    assert run_cli("audit", SEED_002).returncode == 0
    strict = run_cli("audit", SEED_002, "--profile", "strict")
    assert strict.returncode == 1 and "[错误]" in strict.stdout
    assert run_cli("audit", SEED_002, "--profile", "strict", "--fail-on", "never").returncode == 0


def test_config_on_the_command_line(tmp_path):
    path = write(tmp_path, "extends: default\ndisable: [STR05, TL05]\n")
    proc = run_cli("audit", SEED_002, "--config", path, "--show-na", "--show-pass", "--format", "json")
    import json

    rules = {f["rule"] for f in json.loads(proc.stdout)["reports"][0]["findings"]}
    assert proc.returncode == 0 and "STR05" not in rules and "TL05" not in rules and "YR01" in rules


def test_bad_config_is_one_line_exit_2(tmp_path):
    path = write(tmp_path, "severity: {TL05: fatal}\n")
    proc = run_cli("audit", SEED_002, "--config", path)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and str(path) in proc.stderr
    assert "Traceback" not in proc.stderr


def test_rules_doc_lists_every_rule_with_its_basis():
    doc = run_cli("rules", "doc").stdout
    for rule_id, rule in load_rules().items():
        assert f"### {rule_id} {rule.title}" in doc and rule.basis[0] in doc
    assert "### YR01 The report's own statements name the report year" in run_cli("rules", "doc", "--lang", "en").stdout
