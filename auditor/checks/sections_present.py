"""Required sections, named by canonical ids of the vocabulary; `mode: order` checks their order."""

from ..findings import Evidence, failed, indeterminate, passed
from .common import find_section

KIND = "sections_present"
MESSAGE_FIELDS = ("missing", "missing_en", "section", "section_en", "before", "before_en")  # values a rule message may name
PARAMS_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["sections"],
    "properties": {
        "sections": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}},
        "mode": {"enum": ["presence", "order"]},
    },
}


def check(report, rule, ctx):
    params = rule.params
    terms = [ctx.vocabulary.get(i) for i in params["sections"]]
    unknown = [i for i, t in zip(params["sections"], terms) if t is None]
    if unknown:
        raise ValueError(f"unknown section id(s) {unknown} (see grammar/sections.yaml)")
    found = [(t, find_section(report, t)) for t in terms]
    if params.get("mode", "presence") == "presence":
        missing = [t for t, s in found if s is None]
        if missing:
            return failed(missing="、".join(t.label for t in missing), missing_en=", ".join(t.label_en for t in missing))
        return passed([Evidence(s.heading_span, (t.label, t.label_en)) for t, s in found])
    present = [(t, s) for t, s in found if s is not None]
    if len(present) < 2:
        return indeterminate("可比较顺序的章节不足两个", "fewer than two of the sections are present")
    for (t1, s1), (t2, s2) in zip(present, present[1:]):
        if s2.heading_span.start < s1.heading_span.start:
            return failed([Evidence(s2.heading_span, (t2.label, t2.label_en)), Evidence(s1.heading_span, (t1.label, t1.label_en))],
                          section=t2.label, section_en=t2.label_en, before=t1.label, before_en=t1.label_en)
    return passed([Evidence(s.heading_span, (t.label, t.label_en)) for t, s in present])
