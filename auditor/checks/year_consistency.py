"""Years in the report's own statements (or its stated statistical period) must be the report
year. Only statement patterns count, and they are written to leave out citations, document
numbers, plans for next year and last year's finances or report (公布了2021年度部门决算报告). A rule lists its own patterns, or none to use the shared ones
of grammar/years.yaml, with which metadata finds the year of a report whose title names none."""

from datetime import date

from ..dates import chinese_number
from ..findings import Evidence, failed, passed, with_reason
from ..patterns import compile_pattern, finditer
from ..errors import Problem
from ..metadata import year_statement_patterns
from .common import IF_MISSING_SCHEMA, compile_all

KIND = "year_consistency"
MESSAGE_FIELDS = ("found", "stated")  # values a rule message may name
PARAMS_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["source"],
    "properties": {
        "source": {"enum": ["statements", "stated_period"]},
        "statements": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "\\(\\?P<year>"}},
        "if_missing": IF_MISSING_SCHEMA,
    },
}


def prepare(params):
    """The statement patterns to search, checked for their year group."""
    for i, p in enumerate(compile_all(params.get("statements", []), "statements")):
        if "year" not in compile_pattern(p).groupindex:
            raise Problem(f"statement pattern needs a (?P<year>…) group: {p!r}",
                             f"年度表述的正则需要 (?P<year>…) 分组：{p!r}", ("statements", i))
    return tuple(params.get("statements") or year_statement_patterns())


def _missing(rule, zh, en):
    return with_reason(rule.params.get("if_missing", "pass"), zh, en)


def _year_quote_end(text: str, end: int) -> int:
    """Extend a year match over the 年 / 年度 that follows it."""
    for suffix in ("年度", "年"):
        if text.startswith(suffix, end):
            return end + len(suffix)
    return end


def _check_statements(report, rule):
    year = report.report_year
    wrong, right = [], []
    for pattern in rule.prepared:
        for m in finditer(pattern, report.text):
            stated = chinese_number(m.group("year"))
            start, end = m.start("year"), _year_quote_end(report.text, m.end("year"))
            evidence = Evidence(report.slice_span(start, end), m.group(0))
            (right if stated == year else wrong).append((stated, evidence))
    if wrong:
        stated, first = wrong[0]
        return failed([e for _, e in wrong], details={"statements": [e.note for _, e in wrong]},
                      found=report.text[first.span.start - report.span.start:first.span.end - report.span.start],
                      stated=stated)
    if not right:
        return _missing(rule, "文中没有陈述报告年度的语句", "no statement of the report year in the text")
    return passed([e for _, e in right])


def _check_period(report, rule):
    period = report.stated_period
    if period is None:
        return _missing(rule, "文中未陈述统计期限", "no statistical period stated")
    year = report.report_year
    expected_start, expected_end = date(year, 1, 1), date(year, 12, 31)
    if period.start != expected_start or (period.end is not None and period.end != expected_end):
        return failed([Evidence(period.span)], found=period.text,
                      stated=f"{period.start}..{period.end or '?'}")
    return passed([Evidence(period.span)])


def check(report, rule, ctx):
    if rule.params["source"] == "statements":
        return _check_statements(report, rule)
    return _check_period(report, rule)
