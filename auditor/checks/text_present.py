"""Every pattern of `require` must match within the scope (regex `|` gives alternatives)."""

from ..findings import Evidence, Status, Outcome, failed, indeterminate, passed
from .common import IF_MISSING_SCHEMA, PATTERNS_SCHEMA, SCOPE_SCHEMA, compile_all, resolve_scope, scope_label

KIND = "text_present"
PARAMS_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["require"],
    "properties": {
        "require": PATTERNS_SCHEMA,
        "scope": SCOPE_SCHEMA,
        "if_scope_missing": IF_MISSING_SCHEMA,
    },
}


def prepare(params):
    compile_all(params["require"], "require")
    return params


def check(report, rule, ctx):
    scope_name = rule.params.get("scope", "document")
    scope = resolve_scope(report, scope_name, ctx.vocabulary)
    where, where_en = scope_label(scope_name, ctx.vocabulary)
    if not scope.found:
        status = rule.params.get("if_scope_missing", "indeterminate")
        return Outcome(Status(status), reason=(f"文中未找到{where}", f"{where_en} not found"),
                       values={"scope": where, "scope_en": where_en})
    from ..patterns import search

    evidence, missing = [], []
    for pattern in rule.params["require"]:
        m = search(pattern, scope.text)
        if m:
            evidence.append(Evidence(scope.span(m.start(), m.end())))
        else:
            missing.append(pattern)
    if missing:
        return failed(scope=where, scope_en=where_en, missing=" / ".join(missing))
    return passed(evidence, scope=where, scope_en=where_en)
