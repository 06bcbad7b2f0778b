"""What every output format shares: labels, counts, which findings to show, exit status."""

from __future__ import annotations

import io
import json
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
    by_status, failing = Counter(), Counter()
    _count_into(by_status, failing, findings)
    return _counts_dict(by_status, failing)


def _count_into(by_status: Counter, failing: Counter, findings):
    for f in findings:
        by_status[f.status.value] += 1
        if f.status == Status.FAIL:
            failing[f.severity.value] += 1


def _counts_dict(by_status: Counter, failing: Counter) -> dict:
    return {"by_status": {s: by_status.get(s, 0) for s in STATUS_LABELS},
            "failing_by_severity": {s: failing.get(s, 0) for s in SEVERITY_LABELS}}


class Tally:
    """Running totals over a stream of file results, so that closing summaries need not keep
    the results themselves."""

    def __init__(self):
        self.files = self.unreadable = self.documents = 0
        self._by_status, self._failing = Counter(), Counter()

    def add(self, result):
        self.files += 1
        if result.error:
            self.unreadable += 1
        for doc in result.documents:
            self.documents += 1
            _count_into(self._by_status, self._failing, doc.findings)

    def counts(self) -> dict:
        return _counts_dict(self._by_status, self._failing)


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


# ---- streaming helpers ------------------------------------------------------------------------

def render_with(write, results, options) -> str:
    """A formatter's whole output as one string (tests, small runs); `write` streams to a file."""
    buffer = io.StringIO()
    write(results, options, buffer)
    return buffer.getvalue()


def json_at(value, level: int) -> str:
    """`value` as json.dumps(indent=2) prints it when nested `level` deep in a larger document."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)


class JsonArrayWriter:
    """Writes a JSON array item by item, byte-identical to json.dumps(indent=2) of the whole list
    nested `level` deep: `[]` when empty, otherwise one item per indented block."""

    def __init__(self, out, level: int):
        self.out, self.level, self.count = out, level, 0

    def add(self, item):
        pad = "  " * (self.level + 1)
        self.out.write(("[\n" if self.count == 0 else ",\n") + pad + json_at(item, self.level + 1))
        self.count += 1

    def close(self):
        self.out.write("[]" if self.count == 0 else "\n" + "  " * self.level + "]")
