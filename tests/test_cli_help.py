"""--help speaks the user's language: Chinese by default, English with --lang en (help is printed
before options are parsed, so the language comes from the raw arguments)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from auditor.cli import help_lang


@pytest.mark.parametrize("argv,lang", [
    (["auditor", "audit", "--help"], "zh"),
    (["auditor", "audit", "--help", "--lang", "en"], "en"),
    (["auditor", "audit", "--lang=en", "--help"], "en"),
    (["auditor", "audit", "--lang", "zh", "--help"], "zh"),
    (["auditor", "audit", "en", "--help"], "zh"),  # a file named en is no language
])
def test_help_language_comes_from_the_raw_arguments(argv, lang):
    assert help_lang(argv) == lang


def help_text(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", *args, "--help"], capture_output=True, text=True,
                          env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("command,zh,en", [
    ((), "按 YAML 规则审核", "against YAML rules"),
    (("audit",), "退出码", "Exit 1 when"),
    (("rules", "test"), "每个用例都须得到预期的状态", "every case must give its expected status"),
])
def test_help_is_chinese_by_default_and_english_with_lang_en(command, zh, en):
    chinese = help_text(*command)
    assert zh in chinese and en not in chinese
    if command:  # the group itself takes no --lang
        english = help_text(*command, "--lang", "en")
        assert en in english and zh not in english
