"""Audit files: parse each, run the rules on every document, keep one result per input file."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .engine import Context, audit_report
from .errors import AuditorError
from .findings import Finding
from .metadata import edition_for
from .model import Report
from .pipeline import ParsedFile, parse_file


@dataclass(frozen=True)
class DocumentResult:
    parsed: ParsedFile
    report: Report
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class FileResult:
    path: str
    documents: tuple[DocumentResult, ...] = ()
    error: str | None = None  # one-line reason the file could not be read


def apply_overrides(report: Report, year: int | None, agency_kind: str | None) -> Report:
    if year is not None:
        report = replace(report, report_year=year, report_year_source="override", edition=edition_for(year)
                         if report.doc_type == "annual_report" else report.edition)
    if agency_kind is not None:
        report = replace(report, agency_kind=agency_kind)
    return report


def audit_file(path, rules, ctx: Context, year: int | None = None, agency_kind: str | None = None) -> FileResult:
    try:
        parsed = parse_file(path)
    except AuditorError as err:
        return FileResult(str(path), error=str(err))
    if not parsed.reports:
        return FileResult(str(path), error=f"{path}: no document found (only page chrome or too little text)")
    documents = []
    for report in parsed.reports:
        report = apply_overrides(report, year, agency_kind)
        documents.append(DocumentResult(parsed, report, tuple(audit_report(parsed, report, rules, ctx))))
    return FileResult(str(path), tuple(documents))
