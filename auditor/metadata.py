"""Document metadata: title, agency, agency kind, report year, edition, publication and signing
dates, stated statistical period, every year and date mention. Unknown stays None: nothing is
invented."""

from __future__ import annotations

import re
from dataclasses import fields
from functools import lru_cache

from .dates import find_dates, find_month_days, find_years, parse_date
from .model import Closing, DateMention, Paragraph, Report, Span, StatedPeriod

_AGENCY_SUFFIX = r"(?:局|厅|委员会|委|办公室|办公厅|人民政府|政府|办事处|中心|院|署|站|所|处|馆|会|公司|办)"
_AGENCY_OK = re.compile(r"^[\u4e00-\u9fff()]{2,30}" + _AGENCY_SUFFIX + r"$")
_YEAR = r"(\d{4}|[〇○零Oo一二三四五六七八九]{4})"
_TITLE = re.compile(r"(报告|年报|指南)$|政府信息公开[^。]{0,10}报告")

_AGENCY_STATEMENTS = [
    re.compile(r"公布(?:\d{4}年度?)?([\u4e00-\u9fff()]{2,30}?)(?:政府)?信息公开(?:工作)?年度报告"),
    re.compile(r"获取([\u4e00-\u9fff()]{2,30}?)\(以下简称"),
]
_TOWNSHIP = re.compile(r"(乡|镇|街道)(人民政府|政府|办事处)$|街道办事处$")
_GOVERNMENT = re.compile(r"(人民政府|政府)$")
_DEPARTMENT = re.compile(_AGENCY_SUFFIX + "$")
_TITLE_PUNCTUATION = re.compile(r"[,:;。!?]")
_YEAR_AT_START = re.compile(_YEAR)
_AGENCY_BEFORE_YEAR = re.compile(r"(.{2,30}?)" + _YEAR + "年")
_AGENCY_PREFIX = re.compile(r"^(关于|中共)")
_PERIOD = re.compile(
    r"统计[^。\n]{0,10}?(?:自|从|为)?[ \t]*(\d{4}年\d{1,2}月\d{1,2}日)[ \t]*起?[ \t]*(?:至|到|-|—|~)[ \t]*"
    r"(\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日)")


def edition_for(year: int | None) -> str | None:
    if year is None:
        return None
    if year <= 2018:
        return "2007"
    return "2019" if year <= 2020 else "2021"


def agency_kind(agency: str | None) -> str | None:
    if not agency:
        return None
    if _TOWNSHIP.search(agency):
        return "township"
    if _GOVERNMENT.search(agency):
        return "government"
    if _DEPARTMENT.search(agency):
        return "department"
    return None


def _year_value(text: str) -> int | None:
    found = find_years(text + "年")
    return found[0][0] if found else None


def _doc_span(report: Report, start: int, end: int) -> Span:
    return Span(report.span.start + start, report.span.start + end)


def find_title(report: Report) -> tuple[str | None, Span | None]:
    paragraphs = [b for b in report.front[:10] if isinstance(b, Paragraph)]
    for i, p in enumerate(paragraphs):
        if len(p.text) <= 60 and _TITLE.search(p.text) and not _TITLE_PUNCTUATION.search(p.text):
            prev = paragraphs[i - 1] if i else None
            if prev and _YEAR_AT_START.match(p.text) and _AGENCY_OK.match(prev.text):
                return prev.text + p.text, Span(prev.span.start, p.span.end)
            return p.text, p.span
    return None, None


def find_report_year(report: Report, title: str | None, title_span: Span | None):
    if title:
        years = find_years(title)
        if years:
            year, a, b = years[0]
            offset = report.slice(title_span).find(title[a:b]) if title_span else -1
            span = Span(title_span.start + offset, title_span.start + offset + (b - a)) if offset >= 0 else title_span
            return year, "title", span
    best = None
    for pattern in year_statements():
        m = pattern.search(report.text)
        if m and (best is None or m.start() < best.start()):
            best = m
    if best:
        return _year_value(best.group("year")), "statement", _doc_span(report, best.start("year"), best.end("year"))
    return None, None, None


@lru_cache(maxsize=1)
def year_statement_patterns() -> tuple[str, ...]:
    """The report's own statements of the year it covers (grammar/years.yaml), shared with YR01."""
    import yaml

    from . import resource_dir

    from .errors import RuleFileError

    path = resource_dir("grammar") / "years.yaml"
    statements = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("statements")
    if not isinstance(statements, list) or not statements:
        raise RuleFileError(path, "needs a list of statement patterns", zh="需要年度表述正则的列表", pointer="/statements")
    for i, pattern in enumerate(statements):
        try:
            groups = re.compile(pattern).groupindex if isinstance(pattern, str) else {}
        except re.error as err:
            raise RuleFileError(path, f"bad pattern: {err}", zh=f"正则有误：{err}", pointer=f"/statements/{i}")
        if "year" not in groups:
            raise RuleFileError(path, "a statement pattern needs a (?P<year>…) group",
                                zh="年度表述的正则需要 (?P<year>…) 分组", pointer=f"/statements/{i}")
    return tuple(statements)


@lru_cache(maxsize=1)
def year_statements() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in year_statement_patterns())


def find_agency(report: Report, title: str | None, title_span: Span | None, closing: Closing | None):
    for name, span in _agency_candidates(report, title, title_span, closing):
        name = _AGENCY_PREFIX.sub("", name.strip())
        if _AGENCY_OK.match(name):
            return name, span
    return None, None


def _agency_candidates(report: Report, title: str | None, title_span: Span | None, closing: Closing | None):
    """(name, span) in order of preference; lazily, as the title's usually settles it."""
    if title:
        m = _AGENCY_BEFORE_YEAR.match(title)
        if m:
            yield m.group(1), title_span
    for pattern in _AGENCY_STATEMENTS:
        m = pattern.search(report.text)
        if m:
            yield m.group(1), _doc_span(report, m.start(1), m.end(1))
    if closing and closing.agency:
        yield closing.agency.text, closing.agency.span
    for field in report.meta:
        if field.key == "发布机构" and field.value:
            yield field.value.split()[0], field.span


_PUBLICATION_KEYS = ("发布日期", "发布时间", "公开日期")


def find_publication_date(report: Report) -> DateMention | None:
    for field in report.meta:
        if field.key in _PUBLICATION_KEYS:
            found = find_dates(field.value)
            if found:
                value, a, b = found[0]
                offset = report.slice(field.span).find(field.value)
                start = field.span.start + max(offset, 0) + a
                return DateMention(value, field.value[a:b], Span(start, start + (b - a)))
    return None


def find_stated_period(report: Report) -> StatedPeriod | None:
    m = _PERIOD.search(report.text)
    if not m:
        return None
    start = parse_date(m.group(1))
    end_text = m.group(2)
    end = parse_date(end_text)
    if end is None and start is not None:
        md = find_month_days(end_text)
        if md:
            try:
                end = start.replace(month=md[0][0], day=md[0][1])
            except ValueError:
                end = None
    if start is None:
        return None
    return StatedPeriod(start, end, m.group(0), _doc_span(report, m.start(), m.end()))


def with_metadata(report: Report) -> Report:
    title, title_span = find_title(report)
    year, year_source, year_span = find_report_year(report, title, title_span)
    agency, agency_span = find_agency(report, title, title_span, report.closing)
    closing_date = report.closing.date if report.closing and report.closing.date.value else None
    return _replaced(
        report,
        title=title, title_span=title_span,
        report_year=year, report_year_source=year_source, report_year_span=year_span,
        edition=edition_for(year) if report.doc_type == "annual_report" else None,
        agency=agency, agency_span=agency_span, agency_kind=agency_kind(agency),
        publication_date=find_publication_date(report),
        signing_date=closing_date,
        stated_period=find_stated_period(report),
    )


_REPORT_FIELDS = tuple(f.name for f in fields(Report))


def _replaced(report: Report, **changes) -> Report:
    """dataclasses.replace(report, **changes) without the frozen __init__, which sets each of the
    twenty-odd fields by a separate object.__setattr__ (Report has no __post_init__)."""
    new = object.__new__(Report)
    new.__dict__.update({name: getattr(report, name) for name in _REPORT_FIELDS}, **changes)
    return new
