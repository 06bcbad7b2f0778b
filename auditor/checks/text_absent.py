"""No pattern may match within the scope, unless its sentence also matches `unless`."""

from ..findings import Evidence, failed, passed
from ..patterns import search
from .common import (IF_MISSING_SCHEMA, PATTERNS_SCHEMA, SCOPE_SCHEMA, all_matches, compile_all, scope_or_outcome,
                     sentence_around)

KIND = "text_absent"
MESSAGE_FIELDS = ("found", "count", "scope", "scope_en")  # values a rule message may name
MAX_EVIDENCE = 10
PARAMS_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["patterns"],
    "properties": {
        "patterns": PATTERNS_SCHEMA,
        "unless": PATTERNS_SCHEMA,
        "scope": SCOPE_SCHEMA,
        "if_scope_missing": IF_MISSING_SCHEMA,
    },
}


def prepare(params):
    compile_all(params["patterns"], "patterns")
    compile_all(params.get("unless", []), "unless")
    return params


def _excused(text, m, unless) -> bool:
    a, b = sentence_around(text, m.start(), m.end())
    return any(search(p, text[a:b]) for p in unless)


def check(report, rule, ctx):
    scope, (where, where_en), missing_scope = scope_or_outcome(report, rule.params, ctx.vocabulary, "not_applicable")
    if missing_scope:
        return missing_scope
    unless = rule.params.get("unless", [])
    hits = [m for m in all_matches(rule.params["patterns"], scope) if not _excused(scope.text, m, unless)]
    hits.sort(key=lambda m: m.start())
    if hits:
        return failed([Evidence(scope.span(m.start(), m.end())) for m in hits[:MAX_EVIDENCE]],
                      found=hits[0].group(0), count=len(hits), scope=where, scope_en=where_en)
    return passed(scope=where, scope_en=where_en)
