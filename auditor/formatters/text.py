"""Human-readable summary for the terminal: per document, then closing tables (one row per document,
then totals by agency and year)."""

from __future__ import annotations

import unicodedata

from ..errors import display_name
from .common import (DOC_TYPE_LABELS, KIND_LABELS, NOT_A_REPORT, SEVERITY_LABELS, STATUS_LABELS, AgencyYearSummary, Format,
                     counts_dict, label, render_with)

_MARK = {"fail": "✗", "indeterminate": "?", "error": "!", "pass": "✓", "not_applicable": "-"}
_T = {
    "agency": ("机关", "agency"), "year": ("年度", "year"), "edition": ("格式", "edition"),
    "basis": ("依据", "basis"), "at": ("位置", "at"), "unreadable": ("无法读取", "unreadable"),
    "summary": ("汇总", "summary"), "documents": ("份文档", "documents"), "files": ("个文件", "files"),
    "no_title": ("(无标题)", "(untitled)"), "doc": ("文档", "document"),
    "by_agency_year": ("按机关和年度汇总", "by agency and year"),
    "none_apply": ("没有适用的规则", "no rule applies"),
    "not_a_report": NOT_A_REPORT,
    "file_header": (("文件", "#", "年度", "机关", "错误", "警告", "无法判断"),
                    ("file", "#", "year", "agency", "errors", "warnings", "undecided")),
    "group_header": (("机关", "年度", "文档", "有错误的文档", "错误", "警告", "无法判断"),
                     ("agency", "year", "documents", "with errors", "errors", "warnings", "undecided")),
}


def t(key, lang):
    return _T[key][1 if lang == "en" else 0]


def _counts_line(facts, lang) -> str:
    c = counts_dict(facts.by_status, facts.failing)
    parts = [f"{label(STATUS_LABELS, s, lang)} {n}" for s, n in c["by_status"].items() if n and s != "not_applicable"]
    if not parts:
        return t("not_a_report" if facts.doc_type == "other" else "none_apply", lang)
    sev = ", ".join(f"{label(SEVERITY_LABELS, s, lang)} {n}" for s, n in c["failing_by_severity"].items() if n)
    return " · ".join(parts) + (f" ({sev})" if sev else "")


def _finding_lines(f, lang) -> list[str]:
    head = f"  {_MARK[f.status.value]} {f.rule} [{label(SEVERITY_LABELS, f.severity, lang)}] "
    if f.status.value == "pass":  # other statuses name themselves at the start of the message
        head += f"[{label(STATUS_LABELS, f.status, lang)}] "
    lines = [head + f.message]
    for loc in f.locations[:5]:
        quote = loc.text.replace("\n", " ")
        quote = quote if len(quote) <= 60 else quote[:59] + "…"
        page = f" p.{loc.page}" if loc.page else ""
        note = f" ({loc.note})" if loc.note and loc.note != loc.text else ""
        lines.append(f"      {t('at', lang)} {loc.line}:{loc.column}{page}  「{quote}」{note}")
    if len(f.locations) > 5:
        lines.append(f"      … +{len(f.locations) - 5}")
    if f.status.value == "fail":
        lines.append(f"      {t('basis', lang)} {'；'.join(f.basis)}")
    return lines


def document_block(doc, facts, options) -> list[str]:
    lang = options.lang
    title = doc.title or t("no_title", lang)
    lines = [f"{display_name(doc.source)} #{doc.segment}  {label(DOC_TYPE_LABELS, doc.doc_type, lang)}  {title}",
             f"  {t('agency', lang)}: {doc.agency or '—'} ({label(KIND_LABELS, doc.agency_kind, lang)})  "
             f"{t('year', lang)}: {doc.year or '—'}  {t('edition', lang)}: {doc.edition or '—'}",
             f"  {_counts_line(facts, lang)}"]
    for f in options.select(doc.findings):
        lines.extend(_finding_lines(f, lang))
    return lines


def document_row(facts) -> tuple:
    return (display_name(facts.source), str(facts.segment), str(facts.year or "—"), facts.agency or "—", str(facts.errors),
            str(facts.warnings), str(facts.indeterminate))


def unreadable_row(rendered, lang) -> tuple:
    return (display_name(rendered.path), "-", "-", t("unreadable", lang), "-", "-", "-")


def _display_width(text: str) -> int:
    """Terminal columns: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def _table(title: str, header, rows) -> list[str]:
    """A plain aligned table (rich's renderer costs seconds on a batch of thousands of rows)."""
    rows = [tuple(map(str, r)) for r in rows]
    widths = [max(_display_width(c) for c in column) for column in zip(header, *rows)]
    line = lambda cells: "  ".join(_pad(c, w) for c, w in zip(cells, widths)).rstrip()
    total = sum(widths) + 2 * (len(widths) - 1)
    return [_pad(" " * max(0, (total - _display_width(title)) // 2) + title, 0)] + [line(header)] + [line(r) for r in rows]


def closing_table(rows, lang) -> list[str]:
    return _table(t("summary", lang), _T["file_header"][1 if lang == "en" else 0], rows)


def agency_year_table(summary: AgencyYearSummary, lang) -> list[str]:
    lines = _table(t("by_agency_year", lang), _T["group_header"][1 if lang == "en" else 0], summary.rows())
    if summary.unreadable:
        lines.append(f"{t('unreadable', lang)}: {summary.unreadable} {t('files', lang)}")
    return lines


class TextFormat(Format):
    """Streams per-document blocks (the pieces); the closing tables keep one short row per document."""

    def pieces(self, result, facts, index):
        if result.error:
            return (result.error,)
        return ("\n".join(document_block(doc, f, self.options)) for doc, f in zip(result.documents, facts))

    def write(self, files, out):
        lang = self.options.lang
        rows, by_group, started = [], AgencyYearSummary(), False
        for rendered in files:
            by_group.add(rendered)
            rows.extend([unreadable_row(rendered, lang)] if rendered.error else map(document_row, rendered.documents))
            for block in rendered.pieces:
                out.write(("\n" if started else "") + block + "\n")
                started = True
        if len(rows) > 1:
            out.write(("\n" if started else "") + "\n".join(closing_table(rows, lang)) + "\n")
            out.write("\n" + "\n".join(agency_year_table(by_group, lang)) + "\n")
        elif not started:
            out.write("\n")



def render(results, options) -> str:
    return render_with(TextFormat, results, options)
