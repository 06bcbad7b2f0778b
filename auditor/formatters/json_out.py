"""JSON output: the contract other tools read (auditor/schema/findings.schema.json)."""

from __future__ import annotations

from .. import __version__
from .common import AgencyYearSummary, Format, JsonArrayWriter, Tally, counts_dict, json_at, render_with

SCHEMA_VERSION = "1.1"  # 1.1: summary.by_agency_year


def _date(value):
    return value.isoformat() if value is not None else None


def finding_to_dict(f) -> dict:
    return {
        "rule": f.rule, "name": f.name, "category": f.category, "severity": f.severity.value,
        "status": f.status.value, "title": f.title, "message": f.message, "basis": list(f.basis),
        "locations": [{"line": l.line, "column": l.column, "end_line": l.end_line, "end_column": l.end_column,
                       "text": l.text, **({"note": l.note} if l.note else {}),
                       **({"page": l.page} if l.page is not None else {})} for l in f.locations],
        **({"details": f.details} if f.details else {}),
    }


def document_to_dict(doc, findings, facts) -> dict:
    return {
        "source": doc.source, "segment": doc.segment, "format": doc.format,
        "doc_type": doc.doc_type, "title": doc.title, "agency": doc.agency, "agency_kind": doc.agency_kind,
        "year": doc.year, "edition": doc.edition,
        "publication_date": _date(doc.publication_date), "signing_date": _date(doc.signing_date),
        "counts": counts_dict(facts.by_status, facts.failing),
        "findings": [finding_to_dict(f) for f in findings],
    }


def tool_info(options) -> dict:
    return {"name": "ogi-auditor", "version": __version__, "schema_version": SCHEMA_VERSION,
            "as_of": options.as_of.isoformat(), "lang": options.lang}


class JsonFormat(Format):
    """Streams the JSON document: each report is written as its file's result arrives."""

    def pieces(self, result, facts, index):
        # each report encoded as it sits in the "reports" array, two levels deep
        select = self.options.select
        return (json_at(document_to_dict(doc, select(doc.findings), f), 2) for doc, f in zip(result.documents, facts))

    def write(self, files, out):
        tally, groups, errors = Tally(), AgencyYearSummary(), []
        out.write('{\n  "tool": ' + json_at(tool_info(self.options), 1) + ',\n  "reports": ')
        reports = JsonArrayWriter(out, 1)
        for rendered in files:
            tally.add(rendered)
            groups.add(rendered)
            if rendered.error:
                errors.append({"source": rendered.path, "message": rendered.error})
            for piece in rendered.pieces:
                reports.add_text(piece)
        reports.close()
        summary = {"files": tally.files, "unreadable_files": tally.unreadable, "documents": tally.documents,
                   **tally.counts(), "by_agency_year": groups.records()}
        out.write(',\n  "errors": ' + json_at(errors, 1) + ',\n  "summary": ' + json_at(summary, 1) + "\n}\n")



def render(results, options) -> str:
    return render_with(JsonFormat, results, options)
