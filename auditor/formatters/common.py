"""What every output format shares: labels, counts, which findings to show, exit status."""

from __future__ import annotations

import io
from collections import Counter

from ..findings import Finding, Severity, Status
from .jsontext import dumps_indented

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


_STATUSES = tuple((key, Status(key)) for key in STATUS_LABELS)
_SEVERITIES = tuple((key, Severity(key)) for key in SEVERITY_LABELS)


def counts(findings) -> dict:
    # list.count compares in C (identity first); hashing an Enum member runs Python code
    statuses = [f.status for f in findings]
    failing = [f.severity for f in findings if f.status == Status.FAIL]
    return {"by_status": {key: statuses.count(status) for key, status in _STATUSES},
            "failing_by_severity": {key: failing.count(severity) for key, severity in _SEVERITIES}}


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
            c = counts(doc.findings)
            self._by_status.update(c["by_status"])
            self._failing.update(c["failing_by_severity"])

    def counts(self) -> dict:
        return {"by_status": {s: self._by_status.get(s, 0) for s in STATUS_LABELS},
                "failing_by_severity": {s: self._failing.get(s, 0) for s in SEVERITY_LABELS}}


def visible(findings, show_pass: bool = False, show_na: bool = False):
    hidden = ((Status.PASS,) if not show_pass else ()) + ((Status.NOT_APPLICABLE,) if not show_na else ())
    return [f for f in findings if f.status not in hidden]  # a tuple: `in` compares in C, a set would hash in Python


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
    return dumps_indented(value, level)


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
