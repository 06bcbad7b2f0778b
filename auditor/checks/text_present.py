"""Every pattern of `require` must match within the scope (regex `|` gives alternatives)."""

from ..findings import Evidence, failed, passed
from ..patterns import search
from .common import IF_MISSING_SCHEMA, PATTERNS_SCHEMA, SCOPE_SCHEMA, compile_all, scope_or_outcome

KIND = "text_present"
MESSAGE_FIELDS = ("scope", "scope_en", "missing")  # values a rule message may name
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
    scope, (where, where_en), missing_scope = scope_or_outcome(report, rule.params, ctx.vocabulary, "indeterminate")
    if missing_scope:
        return missing_scope
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
