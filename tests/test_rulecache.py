"""The cache of validated rules: hits skip validation, any edit is validated again."""

import subprocess
import sys

import pytest

from auditor.errors import RuleFileError
from auditor.ruleset import load_rules
from tests.test_rules import GOOD_RULE, write_rule


def test_second_start_does_not_import_jsonschema(tmp_path):
    env_code = ("import sys; from auditor.ruleset import load_rules, load_vocabulary; load_rules(); load_vocabulary(); "
                "print('jsonschema' in sys.modules)")
    first = subprocess.run([sys.executable, "-c", env_code], capture_output=True, text=True,
                           env={**__import__("os").environ, "OGI_AUDITOR_CACHE": str(tmp_path)})
    second = subprocess.run([sys.executable, "-c", env_code], capture_output=True, text=True,
                            env={**__import__("os").environ, "OGI_AUDITOR_CACHE": str(tmp_path)})
    assert first.stdout.strip() == "True" and second.stdout.strip() == "False", first.stderr + second.stderr


def test_an_edited_rule_is_validated_again(tmp_path, monkeypatch):
    monkeypatch.setenv("OGI_AUDITOR_CACHE", str(tmp_path / "cache"))
    path = write_rule(tmp_path / "rules", GOOD_RULE)
    assert "XX01" in load_rules([tmp_path / "rules"])
    path.write_text(GOOD_RULE.replace("severity: warning", "severity: fatal"), encoding="utf-8")
    with pytest.raises(RuleFileError, match="fatal"):
        load_rules([tmp_path / "rules"])


def test_unwritable_cache_is_ignored(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("OGI_AUDITOR_CACHE", str(blocker / "cache"))
    assert len(load_rules()) > 20
