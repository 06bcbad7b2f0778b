"""A date field against deadline expressions (`Y+1-03-31`, `Y+1-01-31 + 5 working days`, on the
official Chinese calendar with 调休 make-up workdays), or against another date field."""

from ..dates import parse_deadline
from ..findings import Evidence, failed, passed, with_reason
from .common import FIELD_LABELS, IF_MISSING_SCHEMA, field_date

KIND = "date_deadline"
MESSAGE_FIELDS = ("field", "field_en", "date", "limit")  # values a rule message may name
_FIELD = {"enum": sorted(FIELD_LABELS)}
PARAMS_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["fields"],
    "properties": {
        "fields": {"type": "array", "minItems": 1, "items": _FIELD},
        "use": {"enum": ["first", "each"]},
        "not_after": {"type": "string"},
        "not_before": {"type": "string"},
        "not_before_field": _FIELD,
        "if_missing": IF_MISSING_SCHEMA,
    },
    "anyOf": [{"required": ["not_after"]}, {"required": ["not_before"]}, {"required": ["not_before_field"]}],
}


def prepare(params):
    for key in ("not_after", "not_before"):
        if key in params:
            parse_deadline(params[key], 2000)  # raises ValueError on a malformed expression
    return params


def _violations(report, mention, dates, params):
    """(what was violated, limit text) pairs for one field's date."""
    year = report.report_year
    out = []
    if "not_after" in params and mention.value > (limit := parse_deadline(params["not_after"], year)):
        out.append(("not_after", limit.isoformat()))
    if "not_before" in params and mention.value < (limit := parse_deadline(params["not_before"], year)):
        out.append(("not_before", limit.isoformat()))
    other = params.get("not_before_field")
    if other and dates[other] and mention.value < dates[other].value:
        out.append(("not_before_field", dates[other].value.isoformat()))
    return out


def check(report, rule, ctx):
    params = rule.params
    dates = {name: field_date(report, name) for name in FIELD_LABELS}
    available = [(n, dates[n]) for n in params["fields"] if dates[n]]
    other = params.get("not_before_field")
    if not available or (other and not dates[other]):
        missing = [FIELD_LABELS[n] for n in params["fields"] + ([other] if other else []) if not dates[n]]
        zh, en = "或".join(m[0] for m in missing), " or ".join(m[1] for m in missing)
        return with_reason(params.get("if_missing", "indeterminate"), f"文中没有{zh}", f"no {en} found")
    if params.get("use", "first") == "first":
        available = available[:1]
    for name, mention in available:
        problems = _violations(report, mention, dates, params)
        if problems:
            kind, limit = problems[0]
            evidence = [Evidence(mention.span, FIELD_LABELS[name])]
            if kind == "not_before_field":
                evidence.append(Evidence(dates[other].span, FIELD_LABELS[other]))
            return failed(evidence, details={"field": name, "date": mention.value.isoformat(), "limit": limit, "violates": kind},
                          field=FIELD_LABELS[name][0], field_en=FIELD_LABELS[name][1], date=mention.value.isoformat(),
                          limit=limit)
    name, mention = available[0]
    return passed([Evidence(m.span, FIELD_LABELS[n]) for n, m in available],
                  field=FIELD_LABELS[name][0], field_en=FIELD_LABELS[name][1], date=mention.value.isoformat())
