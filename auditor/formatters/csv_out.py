"""CSV for spreadsheets: `csv` has one row per finding, `csv-summary` one row per document.

UTF-8 with a BOM, because Excel reads BOM-less CSV in the system code page and garbles Chinese.
Every input file appears: an unreadable file as one row with status `unreadable`, and a document
with nothing to show (all rules passed, say) as one row with status `none` and empty rule columns,
so that a file never silently drops out of a spreadsheet."""

from __future__ import annotations

import csv
import io

from .common import DOC_TYPE_LABELS, KIND_LABELS, SEVERITY_LABELS, STATUS_LABELS, Format, label, render_with

BOM = "\ufeff"

# (zh, en) per column; cells are localised labels, rule ids and numbers stay as they are
_DOCUMENT = [("文件", "file"), ("文档序号", "segment"), ("格式", "format"), ("文档类型", "doc_type"),
             ("标题", "title"), ("机关", "agency"), ("机关类型", "agency_kind"), ("年度", "year"),
             ("格式版本", "edition")]
_FINDING = [("规则", "rule"), ("规则名", "name"), ("类别", "category"), ("严重程度", "severity"),
            ("状态", "status"), ("说明", "message"), ("行", "line"), ("列", "column"), ("止行", "end_line"),
            ("止列", "end_column"), ("页", "page"), ("原文", "evidence"), ("依据", "basis")]
_SUMMARY = [("发布日期", "publication_date"), ("签署日期", "signing_date"), ("状态", "status"),
            ("通过", "pass"), ("不通过", "fail"), ("无法判断", "indeterminate"), ("规则出错", "rule_error"),
            ("不适用", "not_applicable"), ("错误", "failing_errors"), ("警告", "failing_warnings"),
            ("提示", "failing_info"), ("不通过的规则", "failing_rules"), ("说明", "message")]
_EXTRA_STATUS = {"none": ("无可显示的结果", "none"), "unreadable": ("无法读取", "unreadable"),
                 "ok": ("已审计", "audited")}


def _header(columns, lang) -> list[str]:
    return [pair[1 if lang == "en" else 0] for pair in columns]


def _status(key: str, lang: str) -> str:
    return label(_EXTRA_STATUS if key in _EXTRA_STATUS else STATUS_LABELS, key, lang)


def _document_cells(doc, lang) -> list:
    return [doc.source, doc.segment, doc.format, label(DOC_TYPE_LABELS, doc.doc_type, lang), doc.title or "",
            doc.agency or "", label(KIND_LABELS, doc.agency_kind, lang) if doc.agency_kind else "",
            doc.year or "", doc.edition or ""]


def _unreadable_cells(result) -> list:
    return [result.path] + [""] * (len(_DOCUMENT) - 1)


def _finding_cells(f, lang) -> list:
    first = f.locations[0] if f.locations else None
    position = [first.line, first.column, first.end_line, first.end_column, first.page or ""] if first else [""] * 5
    evidence = " | ".join(loc.text.replace("\n", " ") for loc in f.locations)
    return [f.rule, f.name, f.category, label(SEVERITY_LABELS, f.severity, lang), _status(f.status.value, lang),
            f.message, *position, evidence, "；".join(f.basis)]


def _message_only_cells(status: str, message: str, lang: str) -> list:
    cells = [""] * len(_FINDING)
    cells[4], cells[5] = _status(status, lang), message
    return cells


def finding_rows(result, options):
    lang = options.lang
    if result.error:
        yield _unreadable_cells(result) + _message_only_cells("unreadable", result.error, lang)
        return
    for doc in result.documents:
        shown = options.select(doc.findings)
        if not shown:
            yield _document_cells(doc, lang) + _message_only_cells("none", "", lang)
        for f in shown:
            yield _document_cells(doc, lang) + _finding_cells(f, lang)


def summary_rows(result, facts, options):
    lang = options.lang
    if result.error:
        counts_and_failing = len(STATUS_LABELS) + len(SEVERITY_LABELS) + 1
        yield (_unreadable_cells(result) + ["", "", _status("unreadable", lang)] + [""] * counts_and_failing
               + [result.error])
        return
    for doc, f in zip(result.documents, facts):
        failing = " ".join(finding.rule for finding in doc.findings if finding.status.value == "fail")
        dates = [d.isoformat() if d else "" for d in (doc.publication_date, doc.signing_date)]
        yield _document_cells(doc, lang) + dates + [_status("ok", lang), *f.by_status, *f.failing, failing, ""]


def _csv_text(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


class CsvFormat(Format):
    """One row per finding (one per document with nothing to show, one per unreadable file)."""

    columns = _DOCUMENT + _FINDING

    def rows(self, result, facts):
        return finding_rows(result, self.options)

    def pieces(self, result, facts, index):
        return (_csv_text(self.rows(result, facts)),)

    def write(self, files, out):
        out.write(BOM + _csv_text([_header(self.columns, self.options.lang)]))
        for rendered in files:
            out.write(*rendered.pieces)


class CsvSummaryFormat(CsvFormat):
    """One row per document (one per unreadable file)."""

    columns = _DOCUMENT + _SUMMARY

    def rows(self, result, facts):
        return summary_rows(result, facts, self.options)


def render(results, options) -> str:
    return render_with(CsvFormat, results, options)


def render_summary(results, options) -> str:
    return render_with(CsvSummaryFormat, results, options)
