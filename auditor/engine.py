"""Run rules over documents: one finding per (document, rule). A check that raises yields
status `error` for that rule only; the run goes on."""

from __future__ import annotations

import bisect
import string
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from operator import attrgetter

from .checks import KINDS
from .checks.common import REFERENCE_ORDER, reference_date
from .findings import SEVERITIES, Finding, Location, Outcome, Status, new_finding
from .model import Report
from .patterns import PatternError
from .pipeline import ParsedFile
from .ruleset import Rule, in_range


@dataclass(frozen=True)
class Context:
    vocabulary: dict
    as_of: date = field(default_factory=date.today)
    lang: str = "zh"
    # The rule set being run (set by audit_report): table rules localize errors across sibling rules.
    rules: dict = field(default_factory=dict, compare=False, repr=False)


_LABELS = {
    "doc_type": ("文档类型", "document type"), "report_year": ("报告年度", "report year"),
    "edition": ("报告格式版本", "report format edition"), "agency_kind": ("机关类型", "agency kind"),
}


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _date_matches(on: date, spec: str) -> bool:
    spec = spec.strip()
    op = spec[:2] if spec[:2] in (">=", "<=") else spec[:1]
    limit = date.fromisoformat(spec[len(op):].strip())
    return {">=": on >= limit, "<=": on <= limit, ">": on > limit, "<": on < limit}[op]


_OUT_OF_SCOPE = {key: Outcome(Status.NOT_APPLICABLE, reason=(f"{zh}不在适用范围", f"{en} out of scope"))
                 for key, (zh, en) in _LABELS.items()}
_OTHER_DOC_TYPE = Outcome(Status.NOT_APPLICABLE, reason=("不适用于此类文档", "does not apply to this document type"))
_OTHER_PERIOD = Outcome(Status.NOT_APPLICABLE, reason=("文档日期不在适用期间", "document date outside the rule's period"))
_MATCHERS = (("report_year", attrgetter("report_year"), in_range),
             ("edition", attrgetter("edition"), lambda v, s: v in _as_list(s)),
             ("agency_kind", attrgetter("agency_kind"), lambda v, s: v in _as_list(s)))


class _Selector:
    """A rule's applies_to, read once: only the tests it asks for, in the order they are made."""

    def __init__(self, applies_to: dict):
        self.applies_to = applies_to
        self.doc_types = _as_list(applies_to["doc_type"]) if "doc_type" in applies_to else None
        self.tests = tuple((key, value_of, matches, applies_to[key]) for key, value_of, matches in _MATCHERS
                           if key in applies_to)
        self.in_force_on = applies_to.get("in_force_on")


_SELECTORS: dict[int, _Selector] = {}


def _selector(applies_to: dict) -> _Selector:
    selector = _SELECTORS.get(id(applies_to))
    if selector is None or selector.applies_to is not applies_to:  # keyed by id: the dict is unhashable
        if len(_SELECTORS) > 4096:  # rule sets loaded over and over (tests) must not pile up
            _SELECTORS.clear()
        selector = _SELECTORS[id(applies_to)] = _Selector(applies_to)
    return selector


def applicability(rule: Rule, report: Report, as_of: date) -> Outcome | None:
    """None when the rule applies; otherwise a not_applicable or indeterminate outcome."""
    sel = _selector(rule.applies_to)
    if sel.doc_types is not None and report.doc_type not in sel.doc_types:
        return _OTHER_DOC_TYPE
    unknown = []
    for key, value_of, matches, spec in sel.tests:
        value = value_of(report)
        if value is None:
            unknown.append(key)
        elif not matches(value, spec):
            return _OUT_OF_SCOPE[key]
    if sel.in_force_on is not None and not _date_matches(reference_date(report, REFERENCE_ORDER, as_of)[0],
                                                         sel.in_force_on):
        return _OTHER_PERIOD
    if unknown:
        return _unknown_facts(tuple(unknown))
    return None


@lru_cache(maxsize=None)
def _unknown_facts(keys: tuple[str, ...]) -> Outcome:
    """The indeterminate outcome when these facts of a document are unknown; one shared object each."""
    zh = "、".join(_LABELS[k][0] for k in keys)
    en = ", ".join(_LABELS[k][1] for k in keys)
    return Outcome(Status.INDETERMINATE, reason=(f"{zh}未知，无法判断是否适用（可用 --year / --agency-kind 指定）",
                                                 f"{en} unknown, cannot tell whether the rule applies (see --year / --agency-kind)"))


class _Defaults(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _base_values(report: Report) -> dict:
    return {"year": report.report_year or "?", "agency": report.agency or "?", "title": report.title or "",
            "edition": report.edition or "?", "doc_type": report.doc_type}


_PREFIXES = {Status.INDETERMINATE: ("无法判断", "Cannot decide"), Status.ERROR: ("规则执行出错", "Rule error"),
             Status.NOT_APPLICABLE: ("不适用", "Not applicable")}


def render_message(rule: Rule, outcome: Outcome, report: Report, lang: str) -> str:
    en = lang == "en"
    if outcome.status == Status.PASS:
        return rule.title_en if en else rule.title
    if outcome.status != Status.FAIL:
        return _status_message(outcome.status, tuple(outcome.reason or ("", "")), en)
    values = _Defaults(_base_values(report))
    for key, value in outcome.values.items():
        values[key] = value
    if en:  # message_en templates use the *_en variants where a check provides them
        values.update({k[:-3]: v for k, v in outcome.values.items() if k.endswith("_en")})
    return _fill(rule.message_en if en else rule.message, values)


@lru_cache(maxsize=1024)
def _status_message(status: Status, reason: tuple[str, str], en: bool) -> str:
    # The same few reasons recur in every document: one string each, which also pickles once per file.
    reason = reason[1 if en else 0]
    prefix = _PREFIXES[status][1 if en else 0]
    return f"{prefix}: {reason}" if reason else prefix


def _fill(template: str, values: _Defaults) -> str:
    try:
        return template.format_map(values)  # what string.Formatter().vformat does, in C
    except Exception:  # noqa: BLE001 - a positional {} field, say: Formatter raises its own error, as it always did
        return string.Formatter().vformat(template, (), values)


class _Locator:
    """Line, column and page of evidence in one parsed file."""

    def __init__(self, parsed: ParsedFile, lang: str):
        self.text, self.lang, self.pages = parsed.text, lang, parsed.source.pages
        self.page_starts = [p[0] for p in self.pages or ()]

    def page_of(self, original_offset: int) -> int:
        i = bisect.bisect_right(self.page_starts, original_offset) - 1
        return self.pages[max(i, 0)][1]

    def location(self, evidence) -> Location:
        loc = self.text.locate(evidence.span)
        page = self.page_of(self.text.to_original(evidence.span.start)) if self.pages else None
        return Location(loc.line, loc.column, loc.end_line, loc.end_column, loc.text, evidence.note_in(self.lang), page)


def locate(parsed: ParsedFile, evidence, lang: str = "zh") -> Location:
    return _Locator(parsed, lang).location(evidence)


def run_rule(rule: Rule, report: Report, ctx: Context) -> Outcome:
    gate = applicability(rule, report, ctx.as_of)
    if gate is not None:
        return gate
    return _checked(rule, report, ctx)


def _checked(rule: Rule, report: Report, ctx: Context) -> Outcome:
    try:
        return KINDS[rule.kind].check(report, rule, ctx)
    except PatternError as err:
        return Outcome(Status.ERROR, reason=(str(err), str(err)))
    except Exception as err:  # a broken check or rule must not stop the audit
        text = f"{type(err).__name__}: {err}"
        return Outcome(Status.ERROR, reason=(text, text))


def audit_report(parsed: ParsedFile, report: Report, rules: dict[str, Rule], ctx: Context) -> list[Finding]:
    findings = []
    if ctx.rules is not rules:
        ctx = replace(ctx, rules=rules)
    locator = _Locator(parsed, ctx.lang)
    for rule in rules.values():
        gate = applicability(rule, report, ctx.as_of)
        if gate is not None:
            findings.append(_gated_finding(rule, gate, ctx.lang))
        else:
            outcome = _checked(rule, report, ctx)
            findings.append(_finding(rule, outcome, render_message(rule, outcome, report, ctx.lang),
                                     tuple(map(locator.location, outcome.evidence)), ctx.lang))
    return findings


def _finding(rule: Rule, outcome: Outcome, message: str, locations: tuple, lang: str) -> Finding:
    return new_finding(rule.id, rule.name, rule.category, SEVERITIES[rule.severity], outcome.status,
                       rule.title_en if lang == "en" else rule.title, message, rule.basis, locations,
                       dict(outcome.details))


_GATED: dict[tuple, tuple] = {}


def _gated_finding(rule: Rule, gate: Outcome, lang: str) -> Finding:
    """The finding of a rule that does not apply. Its outcome is one of a few shared verdicts
    (applicability) that carry no evidence and name no report value, so its finding is the same
    in every document: built once."""
    key = (id(rule), id(gate), lang)  # by id: rules are unhashable
    entry = _GATED.get(key)
    if entry is None or entry[0] is not rule or entry[1] is not gate:
        if len(_GATED) > 4096:  # rule sets loaded over and over (tests) must not pile up
            _GATED.clear()
        entry = _GATED[key] = (rule, gate, _finding(rule, gate, render_message(rule, gate, None, lang), (), lang))
    return entry[2]
