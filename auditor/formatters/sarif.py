"""SARIF 2.1.0, for code-scanning dashboards and other tools that read static-analysis logs.

Mapping (the statuses map onto SARIF's own `kind` values):
- fail → kind `fail`, level from the rule's severity (error → error, warning → warning, info → note);
- indeterminate and error (the rule could not decide, or raised) → kind `review`, level `none`
  (SARIF requires level `none` for any kind but `fail`); `properties.status` keeps which one;
- pass and not_applicable (only with --show-pass / --show-na) → kinds `pass` and `notApplicable`.
The first piece of evidence is the result's location, the others are relatedLocations. Columns count
Unicode code points (`columnKind`), as everywhere else in the auditor.

Every input file is listed in `run.artifacts` (one per file, in input order); a file that could not be
read is also a `toolExecutionNotifications` entry of the invocation, whose `executionSuccessful` is
false then, as the exit code is 2. No timestamps, so the same input gives the same bytes."""

from __future__ import annotations

import os
from pathlib import PurePath
from urllib.parse import quote

from .. import __version__
from .common import Format, JsonArrayWriter, json_at, render_with

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_KIND = {"fail": "fail", "indeterminate": "review", "error": "review", "pass": "pass",
         "not_applicable": "notApplicable"}
_BASIS = ("依据", "Basis")


def artifact_uri(path: str) -> str:
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri()
    return quote(pure.as_posix(), safe="/")


class RuleCatalog:
    """reportingDescriptors in a stable order (by id); a rule met only in a finding (no catalog
    given) is described from the finding and appended. Appending works only in the process that
    writes the log: a worker of a batch that appended would hand out indexes the log never lists."""

    def __init__(self, rules: dict, lang: str):
        self.lang, self.home = lang, os.getpid()
        self.descriptors = [self._from_rule(rules[i]) for i in sorted(rules)]
        self.index = {d["id"]: n for n, d in enumerate(self.descriptors)}

    def _text(self, zh: str, en: str) -> str:
        return (en or zh) if self.lang == "en" else zh

    def _descriptor(self, id, name, title, help_text, severity, category, basis, tags=()) -> dict:
        basis_line = f"{_BASIS[self.lang == 'en']}: {'；'.join(basis)}" if basis else ""
        return {
            "id": id, "name": name, "shortDescription": {"text": title},
            "fullDescription": {"text": help_text or title},
            "help": {"text": "\n".join(t for t in (help_text or title, basis_line) if t)},
            "defaultConfiguration": {"level": _LEVEL[severity]},
            "properties": {"category": category, "severity": severity, "basis": list(basis),
                           **({"tags": list(tags)} if tags else {})},
        }

    def _from_rule(self, rule) -> dict:
        return self._descriptor(rule.id, rule.name, self._text(rule.title, rule.title_en),
                                self._text(rule.help, rule.help_en), rule.severity, rule.category,
                                rule.basis, rule.tags)

    def index_of(self, finding) -> int:
        if finding.rule not in self.index:
            if os.getpid() != self.home:
                raise RuntimeError(f"SARIF: rule {finding.rule} is not among the options' rules; a batch with "
                                   "several jobs needs OutputOptions(rules=...) to hold every rule it runs")
            self.index[finding.rule] = len(self.descriptors)
            self.descriptors.append(self._descriptor(finding.rule, finding.name, finding.title, "",
                                                     finding.severity.value, finding.category, finding.basis))
        return self.index[finding.rule]


def _region(loc) -> dict:
    region = {"startLine": loc.line, "startColumn": loc.column, "endLine": loc.end_line,
              "endColumn": loc.end_column, "snippet": {"text": loc.text}}
    if loc.page is not None:
        region["properties"] = {"page": loc.page}
    return region


def _location(artifact: dict, loc=None) -> dict:
    location = {"physicalLocation": {"artifactLocation": artifact, **({"region": _region(loc)} if loc else {})}}
    if loc is not None and loc.note:
        location["message"] = {"text": loc.note}
    return location


def result_to_dict(f, doc, artifact: dict, rule_index: int) -> dict:
    status = f.status.value
    result = {"ruleId": f.rule, "ruleIndex": rule_index, "kind": _KIND[status],
              "level": _LEVEL[f.severity.value] if status == "fail" else "none",
              "message": {"text": f.message}}
    first, *others = f.locations or (None,)
    result["locations"] = [_location(artifact, first)]
    if others:
        result["relatedLocations"] = [{"id": n, **_location(artifact, loc)} for n, loc in enumerate(others, 1)]
    result["properties"] = {"status": status, "category": f.category, "severity": f.severity.value,
                            "basis": list(f.basis), "segment": doc.segment, "docType": doc.doc_type,
                            "agency": doc.agency, "year": doc.year}
    return result


def _artifact(path: str, index: int) -> dict:
    return {"uri": artifact_uri(path), "index": index}


def _artifact_entry(rendered) -> dict:
    formats = sorted({d.format for d in rendered.documents})
    return {"location": {"uri": artifact_uri(rendered.path)}, "roles": ["analysisTarget"],
            "properties": {"status": "unreadable" if rendered.error else "audited",
                           "documents": len(rendered.documents), **({"format": formats[0]} if formats else {})}}


def _notification(rendered, artifact: dict) -> dict:
    return {"level": "error", "message": {"text": rendered.error},
            "descriptor": {"id": "unreadable-file"},
            "locations": [{"physicalLocation": {"artifactLocation": artifact}}]}


class SarifFormat(Format):
    # Rule indexes come from the catalog of options.rules, which every process of a batch holds
    # alike; a finding of a rule outside it (possible only when calling the formatter directly
    # with fewer rules) is appended to this process's catalog.
    def __init__(self, options):
        super().__init__(options)
        self.catalog = RuleCatalog(options.rules, options.lang)

    def pieces(self, result, facts, index):
        artifact, index_of = _artifact(result.path, index), self.catalog.index_of
        # each result encoded as it sits in the run's "results" array, four levels deep
        return (json_at(result_to_dict(f, doc, artifact, index_of(f)), 4)
                for doc in result.documents for f in self.options.select(doc.findings))

    def write(self, files, out):
        options, artifacts, notifications = self.options, [], []
        out.write('{\n  "$schema": "' + SCHEMA_URI + '",\n  "version": "2.1.0",\n  "runs": [\n    {\n      "results": ')
        stream = JsonArrayWriter(out, 3)
        for index, rendered in enumerate(files):
            artifacts.append(_artifact_entry(rendered))
            if rendered.error:
                notifications.append(_notification(rendered, _artifact(rendered.path, index)))
            for piece in rendered.pieces:
                stream.add_text(piece)
        stream.close()
        tool = {"driver": {"name": "ogi-auditor", "version": __version__, "semanticVersion": __version__,
                           "language": _language(options.lang),
                           "rules": self.catalog.descriptors}}
        invocation = {"executionSuccessful": not notifications,
                      **({"toolExecutionNotifications": notifications} if notifications else {}),
                      "properties": {"asOf": options.as_of.isoformat(), "lang": options.lang}}
        for key, value in (("tool", tool), ("artifacts", artifacts), ("invocations", [invocation]),
                           ("columnKind", "unicodeCodePoints")):
            out.write(f',\n      "{key}": ' + json_at(value, 3))
        out.write("\n    }\n  ]\n}\n")



def _language(lang: str) -> str:
    return "en-US" if lang == "en" else "zh-CN"


def render(results, options) -> str:
    return render_with(SarifFormat, results, options)
