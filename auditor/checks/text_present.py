"""Every pattern of `require` must match within the scope (regex `|` gives alternatives).

A match inside a sentence that one of `ignore_sentences` finds (searched in that sentence alone,
so `^` is the sentence's start) does not count: an overview that lists the report's parts
(「全文包括概述、…收费、减免情况…」) names topics without reporting on them."""

from ..findings import Evidence, failed, passed
from ..patterns import finditer, search
from .common import IF_MISSING_SCHEMA, PATTERNS_SCHEMA, SCOPE_SCHEMA, compile_all, scope_or_outcome, sentence_around

KIND = "text_present"
MESSAGE_FIELDS = ("scope", "scope_en", "missing")  # values a rule message may name
PARAMS_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["require"],
    "properties": {
        "require": PATTERNS_SCHEMA,
        "ignore_sentences": PATTERNS_SCHEMA,
        "scope": SCOPE_SCHEMA,
        "if_scope_missing": IF_MISSING_SCHEMA,
    },
}


def prepare(params):
    compile_all(params["require"], "require")
    compile_all(params.get("ignore_sentences", ()), "ignore_sentences")
    return params


def first_counted(pattern: str, text: str, ignore: list):
    """The first match of `pattern` in `text` whose sentence no `ignore` pattern finds."""
    if not ignore:
        return search(pattern, text)
    for m in finditer(pattern, text):
        left, right = sentence_around(text, m.start(), m.end())
        sentence = text[left:right]
        if not any(search(p, sentence) for p in ignore):
            return m
    return None


def check(report, rule, ctx):
    scope, (where, where_en), missing_scope = scope_or_outcome(report, rule.params, ctx.vocabulary, "indeterminate")
    if missing_scope:
        return missing_scope
    evidence, missing = [], []
    ignore = rule.params.get("ignore_sentences")
    for pattern in rule.params["require"]:
        m = first_counted(pattern, scope.text, ignore)
        if m:
            evidence.append(Evidence(scope.span(m.start(), m.end())))
        else:
            missing.append(pattern)
    if missing:
        return failed(scope=where, scope_en=where_en, missing=" / ".join(missing))
    return passed(evidence, scope=where, scope_en=where_en)
