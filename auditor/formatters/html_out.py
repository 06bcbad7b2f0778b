"""One self-contained HTML page: a summary (totals, a table by agency and year, a row per
document), then per document the rules it fails (and what could not be decided) with quoted
evidence, line:column and legal basis.

Inline CSS only, no scripts, fonts or images, so the file opens offline and can be mailed as is.
Every piece of report text is escaped. Documents are written to a spooled temporary file as they
arrive and copied after the summary table, which is only known at the end; the summary keeps one
short row per document."""

from __future__ import annotations

import shutil
import tempfile
from html import escape

from .. import __version__
from ..errors import display_name
from .common import (DOC_TYPE_LABELS, KIND_LABELS, NOT_A_REPORT, SEVERITY_LABELS, STATUS_LABELS, AgencyYearSummary, Format, Tally,
                     label, render_with)

_T = {
    "title": ("政府信息公开年度报告审计结果", "Government information disclosure report audit"),
    "summary": ("汇总", "Summary"), "file": ("文件", "File"), "doc_type": ("类型", "Type"),
    "agency": ("机关", "Agency"), "year": ("年度", "Year"), "edition": ("格式版本", "Edition"),
    "errors": ("错误", "Errors"), "warnings": ("警告", "Warnings"), "undecided": ("无法判断", "Undecided"),
    "unreadable": ("无法读取", "Unreadable"), "rule": ("规则", "Rule"), "severity": ("严重程度", "Severity"),
    "status": ("状态", "Status"), "message": ("说明", "Finding"), "evidence": ("原文", "Evidence"),
    "basis": ("依据", "Basis"), "none": ("无可显示的问题。", "Nothing to show."),
    "not_a_report": NOT_A_REPORT,
    "totals": ("{files} 个文件，{documents} 份文档，{unreadable} 个无法读取；审计日期 {as_of}",
               "{files} files, {documents} documents, {unreadable} unreadable; audit date {as_of}"),
    "page": ("第 {page} 页", "page {page}"), "untitled": ("(无标题)", "(untitled)"),
    "by_agency_year": ("按机关和年度汇总", "By agency and year"), "documents": ("文档", "Documents"),
    "with_errors": ("有错误的文档", "With errors"),
}

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em auto;max-width:72em;
 padding:0 1em;color:#222;line-height:1.5}
table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td.n{text-align:right}
table.findings td:nth-child(-n+3){white-space:nowrap}
tr.unreadable td{background:#fff4e5}
.fail.error{color:#b00020;font-weight:bold}.fail.warning{color:#a15c00}.review{color:#555}
q{background:#fffbd6;quotes:"「" "」"}
.loc{color:#666;font-family:monospace;margin-right:.5em}
section{border-top:2px solid #ddd;margin-top:1.5em}
.meta{color:#555}
.basis{font-size:.9em;color:#444}
"""


def t(key: str, lang: str) -> str:
    return _T[key][1 if lang == "en" else 0]


def _anchor(index: int, segment: int | None = None) -> str:
    """The index-th file of the batch (from 0), or its segment-th document: stable per file, so
    each file's part of the page is rendered on its own."""
    return f"doc-{index + 1}" if segment is None else f"doc-{index + 1}-{segment}"


def _cell(value, numeric: bool = False) -> str:
    return f'<td class="n">{escape(str(value))}</td>' if numeric else f"<td>{escape(str(value))}</td>"


def summary_row(facts, index: int, lang: str) -> str:
    link = f'<td><a href="#{_anchor(index, facts.segment)}">{escape(display_name(facts.source))} #{facts.segment}</a></td>'
    return ("<tr>" + link + _cell(label(DOC_TYPE_LABELS, facts.doc_type, lang)) + _cell(facts.agency or "—")
            + _cell(facts.year or "—") + _cell(facts.errors, True) + _cell(facts.warnings, True)
            + _cell(facts.indeterminate, True) + "</tr>")


def unreadable_row(result, index: int, lang: str) -> str:
    link = f'<td><a href="#{_anchor(index)}">{escape(display_name(result.path))}</a></td>'
    return f'<tr class="unreadable">{link}<td colspan="6">{escape(t("unreadable", lang))}</td></tr>'


def _evidence(f, lang: str) -> str:
    items = []
    for loc in f.locations:
        page = f" {t('page', lang).format(page=loc.page)}" if loc.page else ""
        note = f" ({escape(loc.note)})" if loc.note and loc.note != loc.text else ""
        items.append(f'<li><span class="loc">{loc.line}:{loc.column}{escape(page)}</span>'
                     f"<q>{escape(loc.text)}</q>{note}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def finding_row(f, lang: str) -> str:
    status = f.status.value
    css = f"fail {f.severity.value}" if status == "fail" else "review"
    return (f'<tr class="{css}">' + _cell(f.rule) + _cell(label(SEVERITY_LABELS, f.severity, lang))
            + _cell(label(STATUS_LABELS, f.status, lang))
            + f"<td>{escape(f.message)}{_evidence(f, lang)}</td>"
            + f'<td class="basis">{"<br>".join(escape(b) for b in f.basis)}</td></tr>')


def document_section(doc, index: int, options) -> str:
    lang = options.lang
    title = escape(doc.title or t("untitled", lang))
    meta = (f"{escape(t('agency', lang))}: {escape(doc.agency or '—')} "
            f"({escape(label(KIND_LABELS, doc.agency_kind, lang))}) · {escape(t('year', lang))}: {doc.year or '—'}"
            f" · {escape(t('edition', lang))}: {escape(doc.edition or '—')}")
    shown = options.select(doc.findings)
    header = "".join(f"<th>{escape(t(k, lang))}</th>" for k in ("rule", "severity", "status", "message", "basis"))
    rows = "".join(finding_row(f, lang) for f in shown)
    body = (f'<table class="findings"><tr>{header}</tr>{rows}</table>' if shown
            else f"<p>{escape(t('not_a_report' if doc.doc_type == 'other' else 'none', lang))}</p>")
    return (f'<section id="{_anchor(index, doc.segment)}"><h2>{escape(display_name(doc.source))} #{doc.segment} · {title}</h2>'
            f'<p class="meta">{meta}</p>{body}</section>\n')


def unreadable_section(result, index: int, lang: str) -> str:
    return (f'<section id="{_anchor(index)}"><h2>{escape(display_name(result.path))}</h2>'
            f'<p class="unreadable">{escape(t("unreadable", lang))}: {escape(result.error)}</p></section>\n')


def _head(lang: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{"en" if lang == "en" else "zh-CN"}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="generator" content="ogi-auditor {escape(__version__)}">\n'
            f"<title>{escape(t('title', lang))}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            f"<h1>{escape(t('title', lang))}</h1>\n")


def _header_row(keys, lang: str) -> str:
    return "<tr>" + "".join(f"<th>{escape(t(k, lang))}</th>" for k in keys) + "</tr>"


def _agency_year_table(groups: AgencyYearSummary, lang: str) -> str:
    header = _header_row(("agency", "year", "documents", "with_errors", "errors", "warnings", "undecided"), lang)
    rows = ("<tr>" + _cell(agency) + _cell(year) + "".join(_cell(n, True) for n in counts) + "</tr>"
            for agency, year, *counts in groups.rows())
    return (f"<h3>{escape(t('by_agency_year', lang))}</h3>\n"
            f'<table class="groups">\n{header}\n' + "\n".join(rows) + "\n</table>\n")


def _summary_table(rows: list[str], tally: Tally, groups: AgencyYearSummary, options) -> str:
    lang = options.lang
    header = _header_row(("file", "doc_type", "agency", "year", "errors", "warnings", "undecided"), lang)
    totals = t("totals", lang).format(files=tally.files, documents=tally.documents, unreadable=tally.unreadable,
                                      as_of=options.as_of.isoformat())
    return (f"<h2>{escape(t('summary', lang))}</h2>\n<p>{escape(totals)}</p>\n"
            + (_agency_year_table(groups, lang) if groups.groups else "")
            + f"<table>\n{header}\n" + "\n".join(rows) + "\n</table>\n")


class HtmlFormat(Format):
    """Pieces: the file's summary rows, then its sections."""

    def pieces(self, result, facts, index):
        lang = self.options.lang
        if result.error:
            return unreadable_row(result, index, lang), unreadable_section(result, index, lang)
        return ("\n".join(summary_row(f, index, lang) for f in facts),
                "".join(document_section(doc, index, self.options) for doc in result.documents))

    def write(self, files, out):
        rows, tally, groups = [], Tally(), AgencyYearSummary()
        with tempfile.SpooledTemporaryFile(max_size=4 << 20, mode="w+", encoding="utf-8") as sections:
            for rendered in files:
                tally.add(rendered)
                groups.add(rendered)
                summary_rows, document_sections = rendered.pieces
                rows.append(summary_rows)
                sections.write(document_sections)
            out.write(_head(self.options.lang) + _summary_table(rows, tally, groups, self.options))
            sections.seek(0)
            shutil.copyfileobj(sections, out)
        out.write("</body>\n</html>\n")



def render(results, options) -> str:
    return render_with(HtmlFormat, results, options)
