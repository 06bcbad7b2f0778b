"""Run rules over documents: one finding per (document, rule). A check that raises yields
status `error` for that rule only; the run goes on."""

from __future__ import annotations

import bisect
import string
from dataclasses import dataclass, field, replace
from datetime import date

from .checks import KINDS
from .checks.common import REFERENCE_ORDER, reference_date
from .findings import Finding, Location, Outcome, Severity, Status
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
_MATCHERS = (("report_year", lambda r: r.report_year, in_range),
             ("edition", lambda r: r.edition, lambda v, s: v in _as_list(s)),
             ("agency_kind", lambda r: r.agency_kind, lambda v, s: v in _as_list(s)))


def applicability(rule: Rule, report: Report, as_of: date) -> Outcome | None:
    """None when the rule applies; otherwise a not_applicable or indeterminate outcome."""
    sel = rule.applies_to
    if "doc_type" in sel and report.doc_type not in _as_list(sel["doc_type"]):
        return _OTHER_DOC_TYPE
    unknown = []
    for key, value_of, matches in _MATCHERS:
        if key not in sel:
            continue
        value = value_of(report)
        if value is None:
            unknown.append(key)
        elif not matches(value, sel[key]):
            return _OUT_OF_SCOPE[key]
    if "in_force_on" in sel and not _date_matches(reference_date(report, REFERENCE_ORDER, as_of)[0], sel["in_force_on"]):
        return _OTHER_PERIOD
    if unknown:
        zh = "、".join(_LABELS[k][0] for k in unknown)
        en = ", ".join(_LABELS[k][1] for k in unknown)
        return Outcome(Status.INDETERMINATE, reason=(f"{zh}未知，无法判断是否适用（可用 --year / --agency-kind 指定）",
                                                      f"{en} unknown, cannot tell whether the rule applies (see --year / --agency-kind)"))
    return None


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
        reason = (outcome.reason or ("", ""))[1 if en else 0]
        prefix = _PREFIXES[outcome.status][1 if en else 0]
        return f"{prefix}: {reason}" if reason else prefix
    values = _Defaults(_base_values(report))
    for key, value in outcome.values.items():
        values[key] = value
    if en:  # message_en templates use the *_en variants where a check provides them
        values.update({k[:-3]: v for k, v in outcome.values.items() if k.endswith("_en")})
    return string.Formatter().vformat(rule.message_en if en else rule.message, (), values)


def _page_of(parsed: ParsedFile, original_offset: int) -> int | None:
    pages = parsed.source.pages
    if not pages:
        return None
    i = bisect.bisect_right([p[0] for p in pages], original_offset) - 1
    return pages[max(i, 0)][1]


def locate(parsed: ParsedFile, evidence, lang: str = "zh") -> Location:
    loc = parsed.text.locate(evidence.span)
    return Location(loc.line, loc.column, loc.end_line, loc.end_column, loc.text, evidence.note_in(lang),
                    _page_of(parsed, parsed.text.to_original(evidence.span.start)))


def run_rule(rule: Rule, report: Report, ctx: Context) -> Outcome:
    gate = applicability(rule, report, ctx.as_of)
    if gate is not None:
        return gate
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
    for rule in rules.values():
        outcome = run_rule(rule, report, ctx)
        locations = tuple(locate(parsed, e, ctx.lang) for e in outcome.evidence)
        details = dict(outcome.details)
        findings.append(Finding(
            rule=rule.id, name=rule.name, category=rule.category, severity=Severity(rule.severity),
            status=outcome.status, title=rule.title_en if ctx.lang == "en" else rule.title,
            message=render_message(rule, outcome, report, ctx.lang), basis=rule.basis, locations=locations,
            details=details))
    return findings
