"""Named sections must have content below their heading (text or a table)."""

from ..findings import Evidence, failed, indeterminate, passed
from .common import find_section, meaningful_chars

KIND = "section_nonempty"
MESSAGE_FIELDS = ("empty", "empty_en")  # values a rule message may name
PARAMS_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["sections"],
    "properties": {
        "sections": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}},
        "min_chars": {"type": "integer", "minimum": 1},
    },
}


def _has_content(report, section, min_chars: int) -> bool:
    """At least `min_chars` meaningful characters below the heading; reading stops once found."""
    found = 0
    for block in section.body_blocks:
        if found >= min_chars:
            break
        found += meaningful_chars(report.slice(block.span), at_most=min_chars - found)
    return found >= min_chars


def check(report, rule, ctx):
    min_chars = rule.params.get("min_chars", 2)
    found, empty = [], []
    for term_id in rule.params["sections"]:
        term = ctx.vocabulary.get(term_id)
        if term is None:
            raise ValueError(f"unknown section id {term_id!r}")
        section = find_section(report, term)
        if section is None:
            continue
        found.append((term, section))
        if not _has_content(report, section, min_chars):
            empty.append((term, section))
    if not found:
        return indeterminate("文中未找到这些章节", "none of these sections was found")
    if empty:
        return failed([Evidence(s.heading_span, (t.label, t.label_en)) for t, s in empty],
                      empty="、".join(t.label for t, _ in empty), empty_en=", ".join(t.label_en for t, _ in empty))
    return passed([Evidence(s.heading_span, (t.label, t.label_en)) for t, s in found])
