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
from .errors import chinese
from .findings import SEVERITIES, Finding, Location, Outcome, Status, new_finding, new_location
from .memo import Memo
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


_SELECTORS = Memo()


def _selector(applies_to: dict) -> _Selector:
    return _SELECTORS.of(applies_to, (), _Selector)


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
    # The same few reasons recur in every document: one string each.
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
        page = self.page_of(self.text.to_original(evidence.span.start)) if self.pages else None
        return new_location(*self.text.position(evidence.span), evidence.note_in(self.lang), page)


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
        return Outcome(Status.ERROR, reason=(chinese(err), str(err)))
    except Exception as err:  # a broken check or rule must not stop the audit
        text = f"{type(err).__name__}: {err}"
        return Outcome(Status.ERROR, reason=(text, text))


def audit_report(parsed: ParsedFile, report: Report, rules: dict[str, Rule], ctx: Context) -> list[Finding]:
    findings = []
    if ctx.rules is not rules:
        ctx = replace(ctx, rules=rules)
    locator = _Locator(parsed, ctx.lang)
    for rule, gated in _gates(rules, ctx.lang).for_report(report, ctx.as_of):
        if gated is not None:
            findings.append(gated)
            continue
        outcome = _checked(rule, report, ctx)
        message = render_message(rule, outcome, report, ctx.lang)
        if outcome.evidence or outcome.details:
            findings.append(_finding(rule, outcome, message, tuple(map(locator.location, outcome.evidence)), ctx.lang))
        else:
            findings.append(_plain_finding(rule, outcome, message, ctx.lang))
    return findings


def _finding(rule: Rule, outcome: Outcome, message: str, locations: tuple, lang: str) -> Finding:
    return new_finding(rule.id, rule.name, rule.category, SEVERITIES[rule.severity], outcome.status,
                       rule.title_en if lang == "en" else rule.title, message, rule.basis, locations,
                       dict(outcome.details))


_PLAIN = Memo()


def _plain_finding(rule: Rule, outcome: Outcome, message: str, lang: str) -> Finding:
    """A finding without evidence or details is fixed by its rule, status and message: passes and
    the usual indeterminate verdicts repeat in every document, so each is built once."""
    return _PLAIN.of(rule, (outcome.status, message, lang), lambda _: _finding(rule, outcome, message, (), lang))


class _Gates:
    """Which rules of a rule set apply to a document, and the finding of each that does not.

    Applicability reads only a few facts of a document (type, year, edition, agency kind, and on
    which side of each rule's in_force_on date it falls), and a batch holds few distinct
    combinations of them: the verdicts are worked out once per combination."""

    def __init__(self, rules: dict[str, Rule], lang: str):
        self.rules, self.lang = rules, lang
        self.periods = tuple(sorted({r.applies_to["in_force_on"] for r in rules.values() if "in_force_on" in r.applies_to}))
        self.by_facts = Memo()

    def for_report(self, report: Report, as_of: date) -> tuple:
        """(rule, None) for each rule that applies, (rule, its finding) for each that does not."""
        on = reference_date(report, REFERENCE_ORDER, as_of)[0] if self.periods else None
        facts = (report.doc_type, report.report_year, report.edition, report.agency_kind,
                 tuple(_date_matches(on, spec) for spec in self.periods))
        gates = self.by_facts.get(facts)
        if gates is None:
            gates = self.by_facts.put(facts, tuple(self._gate(rule, report, as_of) for rule in self.rules.values()))
        return gates

    def _gate(self, rule: Rule, report: Report, as_of: date) -> tuple:
        gate = applicability(rule, report, as_of)
        if gate is None:
            return rule, None
        return rule, _finding(rule, gate, render_message(rule, gate, None, self.lang), (), self.lang)


_GATES = Memo()


def _gates(rules: dict[str, Rule], lang: str) -> _Gates:
    return _GATES.of(rules, (lang,), lambda _: _Gates(rules, lang))
