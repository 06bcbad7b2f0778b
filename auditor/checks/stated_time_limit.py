"""Numbers of 工作日 stated for a subject (replying, extending, proactive disclosure) must equal
the limit of the regime in force on the document's reference date."""

import re
from datetime import date

from ..dates import chinese_number
from ..findings import Evidence, failed, passed, with_reason
from ..patterns import search
from .common import IF_MISSING_SCHEMA, REFERENCE_ORDER, compile_all, reference_date, sentence_around

KIND = "stated_time_limit"
MESSAGE_FIELDS = ("subject", "subject_en", "stated", "limit", "regime", "regime_en", "since", "on")  # values a rule message may name
PARAMS_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["subjects", "regimes"],
    "properties": {
        "subjects": {"type": "array", "minItems": 1, "items": {
            "type": "object", "additionalProperties": False, "required": ["id", "label", "label_en", "keywords"],
            "properties": {"id": {"type": "string"}, "label": {"type": "string"}, "label_en": {"type": "string"},
                           "keywords": {"type": "array", "minItems": 1, "items": {"type": "string"}}}}},
        "ignore": {"type": "array", "items": {"type": "string"}},
        "regimes": {"type": "array", "minItems": 1, "items": {
            "type": "object", "additionalProperties": False, "required": ["from", "name", "limits"],
            "properties": {"from": {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"}, "name": {"type": "string"},
                           "name_en": {"type": "string"},
                           "limits": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}}}}},
        "reference": {"type": "array", "minItems": 1,
                      "items": {"enum": ["publication_date", "signing_date", "report_written", "as_of"]}},
        "if_missing": IF_MISSING_SCHEMA,
    },
}

_LIMIT = re.compile(r"(\d{1,3}|[一二三四五六七八九十]{1,3})[ \t]*个?[ \t]*工作日")


def prepare(params):
    for i, subject in enumerate(params["subjects"]):
        compile_all(subject["keywords"], "subjects", i, "keywords")
    compile_all(params.get("ignore", []), "ignore")
    return params


def _regime(params, on: date):
    regimes = sorted(params["regimes"], key=lambda r: r["from"])
    current = None
    for regime in regimes:
        if date.fromisoformat(regime["from"]) <= on:
            current = regime
    return current


def _subject_of(text, m, params):
    """The subject of a stated limit: keywords in its clause first, then in its sentence."""
    for marks in (",。;!?\n:", "。;!?\n"):
        a, b = sentence_around(text, m.start(), m.end(), marks)
        clause = text[a:b]
        if any(search(p, clause) for p in params.get("ignore", [])):
            return None
        for subject in params["subjects"]:
            if any(search(k, clause) for k in subject["keywords"]):
                return subject
    return None


def check(report, rule, ctx):
    params = rule.params
    on, source = reference_date(report, params.get("reference", REFERENCE_ORDER), ctx.as_of)
    regime = _regime(params, on)
    stated = []
    for m in _LIMIT.finditer(report.text) if "工作日" in report.text else ():
        subject = _subject_of(report.text, m, params)
        if subject and subject["id"] in (regime or {}).get("limits", {}):
            stated.append((subject, chinese_number(m.group(1)), m))
    if regime is None or not stated:
        return with_reason(params.get("if_missing", "not_applicable"), "文中未陈述相关期限", "no time limit stated")
    wrong = [(s, n, m) for s, n, m in stated if n != regime["limits"][s["id"]]]
    details = {"reference_date": on.isoformat(), "reference": source, "regime": regime["name"]}
    if wrong:
        subject, number, m = wrong[0]
        return failed([Evidence(report.slice_span(m.start(), m.end()), (s["label"], s["label_en"])) for s, _, m in wrong], details=details,
                      subject=subject["label"], subject_en=subject["label_en"], stated=number,
                      limit=regime["limits"][subject["id"]], regime=regime["name"],
                      regime_en=regime.get("name_en", regime["name"]), since=regime["from"], on=on.isoformat())
    return passed([Evidence(report.slice_span(m.start(), m.end()), (s["label"], s["label_en"])) for s, _, m in stated],
                  regime=regime["name"], on=on.isoformat())
