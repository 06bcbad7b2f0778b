"""A statistical table (t2, t3, t4) stands in its section; with `match_edition`, it is also laid
out on the template of the report's edition (2019 for report years 2019–2020, 2021 after)."""

from __future__ import annotations

from ..errors import Problem
from ..findings import Evidence, Outcome, Status, failed, indeterminate, passed
from ..tables import aligned, alternatives, templates

KIND = "table_present"
MESSAGE_FIELDS = ("table", "table_en", "section", "section_en", "found", "expected", "labels")  # values a rule message may name
PARAMS_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["table"],
    "properties": {
        "table": {"type": "string", "pattern": "^t[0-9]+$"},
        "match_edition": {"type": "boolean"},
    },
}


def prepare(params):
    if params["table"] not in templates():
        raise Problem(f"params.table: unknown table {params['table']!r} (templates: {', '.join(templates())})",
                      f"params.table：未知的表 {params['table']!r}（可用的模板：{'、'.join(templates())}）")
    return params


def _values(table: str, ctx) -> dict:
    t = templates()[table][0]
    term = ctx.vocabulary.get(t.section)
    return {"table": t.short, "table_en": t.short_en,
            "section": term.label if term else t.section, "section_en": term.label_en if term else t.section}


def check(report, rule, ctx) -> Outcome:
    table = rule.params["table"]
    values = _values(table, ctx)
    alignment = aligned(report, table, ctx.vocabulary)
    if alignment is None:
        if rule.params.get("match_edition"):  # the edition of a missing table: the presence rule reports it
            return Outcome(Status.NOT_APPLICABLE, values=values,
                           reason=(f"文中没有{values['table']}", f"no {values['table_en']} in the document"))
        return failed(**values)
    if alignment.placed_rows == 0:
        return indeterminate(f"找到表格，但无法与{values['table']}的模板对应", f"a table was found but does not fit "
                             f"the {values['table_en']} template", **values)
    first_row = alignment.tables[0].rows[0]
    away = alignment.where != "section"
    evidence = [Evidence(first_row.span, (values["table"] + ("（不在应在的部分）" if away else ""),
                                          values["table_en"] + (" (outside its section)" if away else "")))]
    if not rule.params.get("match_edition"):
        return passed(evidence, **values)
    return _edition(report, table, alignment, values, evidence, ctx.vocabulary)


def _edition(report, table, alignment, values, evidence, vocabulary) -> Outcome:
    expected = report.edition
    found = alignment.template
    if expected in found.editions:
        return passed(evidence, edition=expected, **values)
    if not any(expected in t.editions for t in templates()[table]):
        return indeterminate(f"没有 {expected} 版的{values['table']}模板", f"no {expected} template of "
                             f"{values['table_en']}", **values)
    own = next(a for a in alternatives(report, table, vocabulary).values() if expected in a.template.editions)
    cells = alignment.edition_evidence or _rows_only_in(alignment, own)
    quoted = "、".join(f"「{c.text}」" for c in cells[:3])
    return Outcome(Status.FAIL, tuple(Evidence(c.span, (f"{'/'.join(found.editions)} 版格式", f"{'/'.join(found.editions)} layout")) for c in cells[:10]),
                   dict(values, found="/".join(found.editions), expected=expected, labels=quoted or "—"),
                   details={"table": table, "found": found.name, "expected": own.template.name,
                            "scores": {found.name: list(alignment.score), own.template.name: list(own.score)}})


def _rows_only_in(alignment, other) -> list:
    """Label cells of rows placed on slots that the other layout lacks (e.g. 2019 （六）其他处理)."""
    keys = {(s.block, s.row.key) for s in other.template.slots}
    out = []
    for r in alignment.rows:
        if r.slot is None:
            continue
        slot = alignment.template.slots[r.slot]
        if (slot.block, slot.row.key) not in keys:
            out.extend(r.labels[-1:] or [r.row.cells[0]])
    return out
