"""Human-readable summary for the terminal: per document, then a closing table."""

from __future__ import annotations

from .common import DOC_TYPE_LABELS, KIND_LABELS, SEVERITY_LABELS, STATUS_LABELS, counts, label

_MARK = {"fail": "✗", "indeterminate": "?", "error": "!", "pass": "✓", "not_applicable": "-"}
_T = {
    "agency": ("机关", "agency"), "year": ("年度", "year"), "edition": ("格式", "edition"),
    "basis": ("依据", "basis"), "at": ("位置", "at"), "unreadable": ("无法读取", "unreadable"),
    "summary": ("汇总", "summary"), "documents": ("份文档", "documents"), "files": ("个文件", "files"),
    "no_title": ("(无标题)", "(untitled)"), "doc": ("文档", "document"),
}


def t(key, lang):
    return _T[key][1 if lang == "en" else 0]


def _counts_line(doc, lang) -> str:
    c = counts(doc.findings)
    parts = [f"{label(STATUS_LABELS, s, lang)} {n}" for s, n in c["by_status"].items() if n and s != "not_applicable"]
    sev = ", ".join(f"{label(SEVERITY_LABELS, s, lang)} {n}" for s, n in c["failing_by_severity"].items() if n)
    return " · ".join(parts) + (f" ({sev})" if sev else "")


def _finding_lines(f, lang) -> list[str]:
    head = f"  {_MARK[f.status.value]} {f.rule} [{label(SEVERITY_LABELS, f.severity, lang)}] "
    if f.status.value != "fail":
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


def document_block(doc, options) -> list[str]:
    r, lang = doc.report, options.lang
    title = r.title or t("no_title", lang)
    lines = [f"{doc.parsed.source.path} #{r.segment}  {label(DOC_TYPE_LABELS, r.doc_type, lang)}  {title}",
             f"  {t('agency', lang)}: {r.agency or '—'} ({label(KIND_LABELS, r.agency_kind, lang)})  "
             f"{t('year', lang)}: {r.report_year or '—'}  {t('edition', lang)}: {r.edition or '—'}",
             f"  {_counts_line(doc, lang)}"]
    for f in options.select(doc.findings):
        lines.extend(_finding_lines(f, lang))
    return lines


def closing_table(results, lang) -> list[str]:
    header = ("文件", "#", "年度", "机关", "错误", "警告", "无法判断") if lang != "en" else \
        ("file", "#", "year", "agency", "errors", "warnings", "undecided")
    rows = []
    for result in results:
        if result.error:
            rows.append((result.path, "-", "-", t("unreadable", lang), "-", "-", "-"))
            continue
        for doc in result.documents:
            c = counts(doc.findings)
            rows.append((doc.parsed.source.path, str(doc.report.segment), str(doc.report.report_year or "—"),
                         doc.report.agency or "—", str(c["failing_by_severity"]["error"]),
                         str(c["failing_by_severity"]["warning"]), str(c["by_status"]["indeterminate"])))
    from rich.console import Console
    from rich.table import Table
    import io

    table = Table(*header, title=t("summary", lang), box=None, show_edge=False, pad_edge=False)
    for row in rows:
        table.add_row(*row)
    buffer = io.StringIO()
    Console(file=buffer, width=160, force_terminal=False, color_system=None).print(table)
    return buffer.getvalue().rstrip("\n").splitlines()


def render(results, options) -> str:
    lang = options.lang
    out = []
    for result in results:
        if result.error:
            out.append(f"{result.error}")
            out.append("")
            continue
        for doc in result.documents:
            out.extend(document_block(doc, options))
            out.append("")
    documents = sum(len(r.documents) for r in results)
    if documents + sum(1 for r in results if r.error) > 1:
        out.extend(closing_table(results, lang))
    return "\n".join(out).rstrip("\n") + "\n"
