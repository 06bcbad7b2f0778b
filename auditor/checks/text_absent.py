"""No pattern may match within the scope, unless its sentence also matches `unless`."""

from ..findings import Evidence, Outcome, Status, failed, passed
from ..patterns import search
from .common import (IF_MISSING_SCHEMA, PATTERNS_SCHEMA, SCOPE_SCHEMA, all_matches, compile_all, resolve_scope,
                     scope_label, sentence_around)

KIND = "text_absent"
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
    scope_name = rule.params.get("scope", "document")
    scope = resolve_scope(report, scope_name, ctx.vocabulary)
    where, where_en = scope_label(scope_name, ctx.vocabulary)
    if not scope.found:
        status = rule.params.get("if_scope_missing", "not_applicable")
        return Outcome(Status(status), reason=(f"文中未找到{where}", f"{where_en} not found"))
    unless = rule.params.get("unless", [])
    hits = [m for m in all_matches(rule.params["patterns"], scope) if not _excused(scope.text, m, unless)]
    hits.sort(key=lambda m: m.start())
    if hits:
        return failed([Evidence(scope.span(m.start(), m.end())) for m in hits[:MAX_EVIDENCE]],
                      found=hits[0].group(0), count=len(hits), scope=where, scope_en=where_en)
    return passed(scope=where, scope_en=where_en)
