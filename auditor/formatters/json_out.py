"""JSON output: the contract other tools read (auditor/schema/findings.schema.json)."""

from __future__ import annotations

import json

from .. import __version__
from .common import counts

SCHEMA_VERSION = "1.0"


def _date(mention):
    return mention.value.isoformat() if mention is not None and mention.value is not None else None


def finding_to_dict(f) -> dict:
    return {
        "rule": f.rule, "name": f.name, "category": f.category, "severity": f.severity.value,
        "status": f.status.value, "title": f.title, "message": f.message, "basis": list(f.basis),
        "locations": [{"line": l.line, "column": l.column, "end_line": l.end_line, "end_column": l.end_column,
                       "text": l.text, **({"note": l.note} if l.note else {}),
                       **({"page": l.page} if l.page is not None else {})} for l in f.locations],
        **({"details": f.details} if f.details else {}),
    }


def document_to_dict(doc, findings) -> dict:
    r = doc.report
    return {
        "source": doc.parsed.source.path, "segment": r.segment, "format": doc.parsed.source.format,
        "doc_type": r.doc_type, "title": r.title, "agency": r.agency, "agency_kind": r.agency_kind,
        "year": r.report_year, "edition": r.edition,
        "publication_date": _date(r.publication_date), "signing_date": _date(r.signing_date),
        "counts": counts(doc.findings),
        "findings": [finding_to_dict(f) for f in findings],
    }


def build(results, options) -> dict:
    reports, errors, all_findings = [], [], []
    for result in results:
        if result.error:
            errors.append({"source": result.path, "message": result.error})
            continue
        for doc in result.documents:
            all_findings.extend(doc.findings)
            reports.append(document_to_dict(doc, options.select(doc.findings)))
    summary = {"files": len(results), "unreadable_files": len(errors), "documents": len(reports), **counts(all_findings)}
    return {"tool": {"name": "ogi-auditor", "version": __version__, "schema_version": SCHEMA_VERSION,
                     "as_of": options.as_of.isoformat(), "lang": options.lang},
            "reports": reports, "errors": errors, "summary": summary}


def render(results, options) -> str:
    return json.dumps(build(results, options), ensure_ascii=False, indent=2) + "\n"
