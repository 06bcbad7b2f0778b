"""Helpers shared by check kinds: scopes, canonical sections, patterns, field access."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import islice

from ..errors import Problem, chinese
from ..findings import with_reason
from ..model import Report, Section, Span
from ..patterns import compile_pattern, finditer, search

SCOPE_SCHEMA = {"type": "string", "pattern": "^(document|front|closing|title|section:[a-z][a-z0-9_]*)$"}
PATTERNS_SCHEMA = {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}
IF_MISSING_SCHEMA = {"enum": ["pass", "indeterminate", "not_applicable"]}

FIELD_LABELS = {
    "publication_date": ("发布日期", "publication date"),
    "signing_date": ("落款日期", "signing date"),
}


def compile_all(patterns, *where) -> list[str]:
    """Validate patterns at rule-load time; `where` is their path below params."""
    for i, p in enumerate(patterns):
        try:
            compile_pattern(p)
        except ValueError as err:
            raise Problem(str(err), chinese(err), (*where, i)) from None
    return list(patterns)


@dataclass(frozen=True)
class Scope:
    """A region of the document: its text and the file offset where that text starts."""

    text: str
    base: int
    found: bool = True

    def span(self, start: int, end: int) -> Span:
        return Span(self.base + start, self.base + end)


class _PerReport:
    """Memo for the report being audited: every rule asks for the same sections."""

    report = None
    values: dict = {}

    @classmethod
    def get(cls, report, key, compute):
        if cls.report is not report:
            cls.report, cls.values = report, {}
        if key not in cls.values:
            cls.values[key] = compute()
        return cls.values[key]


def _sections_by_level(report: Report) -> list[Section]:
    sections, pending = [], list(report.sections)
    while pending:  # every section at any depth; not Section.walk, which also yields each paragraph and table
        section = pending.pop()
        sections.append(section)
        pending.extend(c for c in section.children if isinstance(c, Section))
    return sorted(sections, key=lambda s: (s.level, s.heading_span.start))


def find_section(report: Report, term) -> Section | None:
    """The first section whose heading names the canonical section `term`; level 1 first."""
    if term is None:
        return None

    def compute():
        for section in _PerReport.get(report, "sections", lambda: _sections_by_level(report)):
            if _title_names(tuple(term.patterns), section.title):
                return section
        return None

    return _PerReport.get(report, ("section", term.id, term.patterns), compute)


@lru_cache(maxsize=8192)
def _title_names(patterns: tuple[str, ...], title: str) -> bool:
    # Headings repeat from report to report, and each search pays for its time bound
    return any(search(p, title) for p in patterns)


def resolve_scope(report: Report, scope: str, vocabulary) -> Scope:
    if scope == "document":
        return Scope(report.text, report.span.start)
    if scope == "title":
        if report.title_span is None:
            return Scope("", report.span.start, found=False)
        return Scope(report.slice(report.title_span), report.title_span.start)
    if scope == "closing":
        if report.closing is None:
            return Scope("", report.span.start, found=False)
        return Scope(report.slice(report.closing.span), report.closing.span.start)
    if scope == "front":
        end = report.sections[0].span.start if report.sections else report.span.end
        return Scope(report.text[:end - report.span.start], report.span.start)
    section = find_section(report, vocabulary.get(scope.split(":", 1)[1]))
    if section is None:
        return Scope("", report.span.start, found=False)
    return Scope(report.slice(section.span), section.span.start)


def scope_or_outcome(report: Report, params: dict, vocabulary, if_missing: str):
    """(scope, labels, None), or (None, labels, outcome) when the scope is not in the document."""
    name = params.get("scope", "document")
    term = vocabulary.get(name[8:]) if name.startswith("section:") else None
    scope = _PerReport.get(report, ("scope", name, term), lambda: resolve_scope(report, name, vocabulary))
    labels = _scope_label(name, term)
    if scope.found:
        return scope, labels, None
    return None, labels, with_reason(params.get("if_scope_missing", if_missing), f"文中未找到{labels[0]}",
                                     f"{labels[1]} not found", scope=labels[0], scope_en=labels[1])


_SCOPE_LABELS = {"document": ("全文", "the document"), "front": ("报告开头", "the opening"),
                 "closing": ("落款", "the signature block"), "title": ("标题", "the title")}


def scope_label(scope: str, vocabulary) -> tuple[str, str]:
    return _scope_label(scope, vocabulary.get(scope.split(":", 1)[1]) if scope.startswith("section:") else None)


@lru_cache(maxsize=1024)
def _scope_label(scope: str, term) -> tuple[str, str]:
    if scope.startswith("section:"):
        return (f"「{term.label}」部分", f"section '{term.label_en}'") if term else (scope, scope)
    return _SCOPE_LABELS[scope]


def all_matches(patterns, scope: Scope):
    for p in patterns:
        yield from finditer(p, scope.text)


def sentence_around(text: str, start: int, end: int, marks: str = "。;!?\n") -> tuple[int, int]:
    left = max(text.rfind(ch, 0, start) for ch in marks) + 1
    rights = [i for i in (text.find(ch, end) for ch in marks) if i >= 0]
    return left, min(rights) if rights else len(text)


_MEANINGFUL = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")


def meaningful_chars(text: str, at_most: int | None = None) -> int:
    """Chinese characters, digits and Latin letters in `text`; counting stops at `at_most`."""
    if at_most is None:
        return len(_MEANINGFUL.findall(text))
    return sum(1 for _ in islice(_MEANINGFUL.finditer(text), max(at_most, 0)))


def field_date(report: Report, name: str):
    """A DateMention for `publication_date` / `signing_date`, or None."""
    mention = getattr(report, name, None)
    return mention if mention is not None and mention.value is not None else None


REFERENCE_ORDER = ("publication_date", "signing_date", "report_written", "as_of")


def reference_date(report: Report, order, as_of: date) -> tuple[date, str]:
    """The date that decides which law was in force for this document, and where it came from."""
    for source in order:
        if source in FIELD_LABELS and field_date(report, source):
            return field_date(report, source).value, source
        if source == "report_written" and report.report_year:
            return date(report.report_year + 1, 1, 1), source
        if source == "as_of":
            return as_of, source
    return as_of, "as_of"
