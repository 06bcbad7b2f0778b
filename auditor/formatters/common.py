"""What every output format shares: labels, counts, which findings to show, exit status, and the
split of each format into the part that renders one file and the part that writes the whole.

A format renders each file's result into a RenderedFile (its share of the output as text, plus the
few facts that closing summaries and the exit status need). In a batch with --jobs this happens in
the worker processes, so the parent only writes text and adds up counts."""

from __future__ import annotations

import io
from typing import Iterable, NamedTuple

from ..findings import Severity, Status
from .jsontext import dumps_indented

STATUS_LABELS = {
    "pass": ("通过", "pass"), "fail": ("不通过", "fail"), "indeterminate": ("无法判断", "indeterminate"),
    "error": ("规则出错", "rule error"), "not_applicable": ("不适用", "not applicable"),
}
SEVERITY_LABELS = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info")}
DOC_TYPE_LABELS = {"annual_report": ("年度报告", "annual report"), "guide": ("公开指南", "guide"),
                   "other": ("其他", "other")}
# what a document of type `other` shows instead of findings: every rule is not applicable to it
NOT_A_REPORT = ("未识别为政府信息公开工作年度报告或政府信息公开指南，没有适用的规则",
                "not recognised as an annual report or a disclosure guide: no rule applies")
KIND_LABELS = {"government": ("人民政府", "people's government"), "department": ("政府部门", "department"),
               "township": ("乡镇街道", "township")}


def label(table: dict, key, lang: str) -> str:
    if key is None:
        return "—"
    pair = table.get(key if isinstance(key, str) else key.value)
    return pair[1 if lang == "en" else 0] if pair else str(key)


_STATUSES = tuple((key, Status(key)) for key in STATUS_LABELS)
_SEVERITIES = tuple((key, Severity(key)) for key in SEVERITY_LABELS)


def status_counts(findings) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(findings per status in STATUS_LABELS order, failing findings per severity in SEVERITY_LABELS order)."""
    # list.count compares in C (identity first); hashing an Enum member runs Python code
    statuses = [f.status for f in findings]
    failing = [f.severity for f in findings if f.status == Status.FAIL]
    return tuple(statuses.count(s) for _, s in _STATUSES), tuple(failing.count(s) for _, s in _SEVERITIES)


def counts_dict(by_status, failing) -> dict:
    return {"by_status": dict(zip(STATUS_LABELS, by_status)), "failing_by_severity": dict(zip(SEVERITY_LABELS, failing))}


_ERROR, _WARNING = list(SEVERITY_LABELS).index("error"), list(SEVERITY_LABELS).index("warning")
_INDETERMINATE = list(STATUS_LABELS).index("indeterminate")


class DocumentFacts(NamedTuple):
    """What summaries and the exit status need from one audited document."""

    source: str
    segment: int
    format: str
    doc_type: str
    agency: str | None
    year: int | None
    by_status: tuple[int, ...]  # STATUS_LABELS order
    failing: tuple[int, ...]  # failing findings by severity, SEVERITY_LABELS order

    @property
    def errors(self) -> int:
        return self.failing[_ERROR]

    @property
    def warnings(self) -> int:
        return self.failing[_WARNING]

    @property
    def indeterminate(self) -> int:
        return self.by_status[_INDETERMINATE]

    def fails_at(self, fail_on: str) -> bool:
        """Has a failing finding of severity `fail_on` or above ("never": none reaches it)."""
        if fail_on == "never":
            return False
        rank = Severity(fail_on).rank
        return any(n for n, key in zip(self.failing, SEVERITY_LABELS) if Severity(key).rank >= rank)


def document_facts(doc) -> DocumentFacts:
    return DocumentFacts(doc.source, doc.segment, doc.format, doc.doc_type, doc.agency, doc.year,
                         *status_counts(doc.findings))


class RenderedFile(NamedTuple):
    """One input file as a format renders it: small and plain, as it crosses from a worker process."""

    path: str
    error: str | None  # one-line reason the file could not be read
    documents: tuple[DocumentFacts, ...]
    pieces: tuple[str, ...]  # the file's share of the output, in the format's own units


class Format:
    """A format: `file` renders one FileResult (in whichever process audited it), `write` writes
    the whole output from the rendered files in input order. Subclasses implement `pieces` and
    `write`."""

    def __init__(self, options):
        self.options = options

    def file(self, result, index: int) -> RenderedFile:
        """`result`, the index-th file of the batch, rendered."""
        facts = tuple(map(document_facts, result.documents))
        return RenderedFile(result.path, result.error, facts, tuple(self.pieces(result, facts, index)))

    def pieces(self, result, facts: tuple[DocumentFacts, ...], index: int) -> Iterable[str]:
        raise NotImplementedError

    def write(self, files: Iterable[RenderedFile], out):
        raise NotImplementedError

    def write_results(self, results, out):
        self.write((self.file(result, index) for index, result in enumerate(results)), out)


class Tally:
    """Running totals over a stream of rendered files, so that closing summaries need not keep
    the results themselves."""

    def __init__(self):
        self.files = self.unreadable = self.documents = 0
        self._by_status, self._failing = [0] * len(STATUS_LABELS), [0] * len(SEVERITY_LABELS)

    def add(self, rendered: RenderedFile):
        self.files += 1
        if rendered.error:
            self.unreadable += 1
        for doc in rendered.documents:
            self.documents += 1
            self._by_status = list(map(int.__add__, self._by_status, doc.by_status))
            self._failing = list(map(int.__add__, self._failing, doc.failing))

    def counts(self) -> dict:
        return counts_dict(self._by_status, self._failing)


class AgencyYearSummary:
    """Documents and failing findings per (agency, report year): what a supervisory office reads
    first after a season's batch."""

    def __init__(self):
        self.groups: dict[tuple, list[int]] = {}
        self.unreadable = 0

    def add(self, rendered):
        if rendered.error:
            self.unreadable += 1
        for doc in rendered.documents:
            row = self.groups.setdefault((doc.agency, doc.year), [0, 0, 0, 0, 0])
            for i, n in enumerate((1, 1 if doc.errors else 0, doc.errors, doc.warnings, doc.indeterminate)):
                row[i] += n

    COLUMNS = ("documents", "documents_with_errors", "errors", "warnings", "indeterminate")

    def ordered(self) -> list[tuple]:
        """(agency, year, counts in COLUMNS order) by agency then year, unknown ones last."""
        def unknown_last(key):
            agency, year = key
            return (agency is None, agency or "", year is None, year or 0)

        return [(agency, year, self.groups[(agency, year)]) for agency, year in sorted(self.groups, key=unknown_last)]

    def rows(self) -> list[tuple]:
        return [(agency or "—", str(year or "—"), *map(str, counts)) for agency, year, counts in self.ordered()]

    def records(self) -> list[dict]:
        return [{"agency": agency, "year": year, **dict(zip(self.COLUMNS, counts))}
                for agency, year, counts in self.ordered()]


def visible(findings, show_pass: bool = False, show_na: bool = False):
    hidden = ((Status.PASS,) if not show_pass else ()) + ((Status.NOT_APPLICABLE,) if not show_na else ())
    return [f for f in findings if f.status not in hidden]  # a tuple: `in` compares in C, a set would hash in Python


# ---- streaming helpers ------------------------------------------------------------------------

def render_with(format: type[Format], results, options) -> str:
    """A format's whole output for these FileResults as one string (tests, small runs)."""
    buffer = io.StringIO()
    format(options).write_results(results, buffer)
    return buffer.getvalue()


def json_at(value, level: int) -> str:
    """`value` as json.dumps(indent=2) prints it when nested `level` deep in a larger document."""
    return dumps_indented(value, level)


class JsonArrayWriter:
    """Writes a JSON array item by item, byte-identical to json.dumps(indent=2) of the whole list
    nested `level` deep: `[]` when empty, otherwise one item per indented block."""

    def __init__(self, out, level: int):
        self.out, self.level, self.count = out, level, 0

    def add_text(self, text: str):
        """An item already encoded at level + 1 (json_at(item, level + 1))."""
        self.out.write(("[\n" if self.count == 0 else ",\n") + "  " * (self.level + 1) + text)
        self.count += 1

    def close(self):
        self.out.write("[]" if self.count == 0 else "\n" + "  " * self.level + "]")
