"""Rule tests: run each rule's <ID>.cases.yaml (like Semgrep's rule tests).

A case is an inline document (`text:`) or a report file (`report:`, `segment:`), the expected
status, and for failures a fragment of the expected evidence. `auditor rules test DIR` runs them
for any rule directory, so supervisors can test the rules they write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from .audit import apply_overrides
from .engine import Context, locate, render_message, run_rule
from .errors import RuleFileError, chinese, pick
from .pipeline import parse_file, parse_text
from .ruleset import _load_yaml, _validate, default_rule_dir, load_rule, load_vocabulary, rule_files
from .schema import load_schema

DEFAULT_AS_OF = date(2026, 1, 1)


@dataclass(frozen=True)
class CaseResult:
    rule: str
    case: str
    ok: bool
    detail: str


def cases_path(rule_path: Path) -> Path:
    return rule_path.with_name(rule_path.stem + ".cases.yaml")


def load_cases_for(rule_path: Path) -> list[dict]:
    path = cases_path(Path(rule_path))
    if not path.is_file():
        raise RuleFileError(rule_path, f"no test cases: {path.name} is missing beside the rule",
                            zh=f"没有测试用例：规则旁缺少 {path.name}")
    data, node = _load_yaml(path)
    _validate(path, data, node, load_schema("cases.schema.json"))
    return data["cases"]


def _document(case: dict, base: Path):
    if "text" in case:
        parsed = parse_text(case["text"], f"<case {case['name']}>")
    else:
        parsed = parse_file(base / case["report"])
    index = case.get("segment", 1)
    if not 1 <= index <= len(parsed.reports):
        raise ValueError(f"document #{index} not found ({len(parsed.reports)} in the case)")
    report = apply_overrides(parsed.reports[index - 1], case.get("year"), case.get("agency_kind"))
    return parsed, report


def run_case(rule, case: dict, base: Path, vocabulary, rules=None, lang: str = "zh") -> CaseResult:
    """Run one case; `rules` is the rule set the rule belongs to (table rules localize errors
    across their siblings). A case's `message` is matched against the Chinese message."""
    as_of = date.fromisoformat(case["as_of"]) if "as_of" in case else DEFAULT_AS_OF
    ctx = Context(vocabulary=vocabulary, as_of=as_of, rules=rules or {rule.id: rule})
    result = partial(CaseResult, rule.id, case["name"])
    try:
        parsed, report = _document(case, base)
    except Exception as err:
        return result(False, pick(lang, f"无法读取用例：{chinese(err)}", f"cannot read the case: {err}"))
    outcome = run_rule(rule, report, ctx)
    got, expected = outcome.status.value, case["expect"]
    message, shown = render_message(rule, outcome, report, "zh"), render_message(rule, outcome, report, lang)
    if got != expected:
        return result(False, pick(lang, f"期望 {expected}，实际 {got}：{shown}", f"expected {expected}, got {got}: {shown}"))
    quotes = [locate(parsed, e).text for e in outcome.evidence]
    if "evidence" in case and not any(case["evidence"] in q for q in quotes):
        return result(False, pick(lang, f"证据 {case['evidence']!r} 不在 {quotes} 之中",
                                  f"evidence {case['evidence']!r} not among {quotes}"))
    if "message" in case and case["message"] not in message:
        return result(False, pick(lang, f"提示中没有 {case['message']!r}：{message}", f"message lacks {case['message']!r}: {message}"))
    return result(True, f"{got}: {shown}")


def run_directory(directory=None, lang: str = "zh") -> list[CaseResult]:
    directory = Path(directory) if directory else default_rule_dir()
    extra = [] if directory.resolve() == default_rule_dir().resolve() else [directory]
    vocabulary = load_vocabulary(extra)
    rules = {rule.id: rule for rule in map(load_rule, rule_files(directory))}
    results = []
    for path in rule_files(directory):
        for case in load_cases_for(path):
            results.append(run_case(rules[path.stem], case, path.parent, vocabulary, rules, lang))
    return results
