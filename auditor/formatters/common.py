"""What every output format shares: labels, counts, which findings to show, exit status."""

from __future__ import annotations

from collections import Counter

from ..findings import Finding, Severity, Status

STATUS_LABELS = {
    "pass": ("通过", "pass"), "fail": ("不通过", "fail"), "indeterminate": ("无法判断", "indeterminate"),
    "error": ("规则出错", "rule error"), "not_applicable": ("不适用", "not applicable"),
}
SEVERITY_LABELS = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info")}
DOC_TYPE_LABELS = {"annual_report": ("年度报告", "annual report"), "guide": ("公开指南", "guide"),
                   "other": ("其他", "other")}
KIND_LABELS = {"government": ("人民政府", "people's government"), "department": ("政府部门", "department"),
               "township": ("乡镇街道", "township")}


def label(table: dict, key, lang: str) -> str:
    if key is None:
        return "—"
    pair = table.get(key if isinstance(key, str) else key.value)
    return pair[1 if lang == "en" else 0] if pair else str(key)


def counts(findings) -> dict:
    by_status = Counter(f.status.value for f in findings)
    failing = Counter(f.severity.value for f in findings if f.status == Status.FAIL)
    return {"by_status": {s: by_status.get(s, 0) for s in STATUS_LABELS},
            "failing_by_severity": {s: failing.get(s, 0) for s in SEVERITY_LABELS}}


def visible(findings, show_pass: bool = False, show_na: bool = False):
    hidden = set()
    if not show_pass:
        hidden.add(Status.PASS)
    if not show_na:
        hidden.add(Status.NOT_APPLICABLE)
    return [f for f in findings if f.status not in hidden]


def reaches(finding: Finding, fail_on: str) -> bool:
    if fail_on == "never" or finding.status != Status.FAIL:
        return False
    return finding.severity.rank >= Severity(fail_on).rank
