"""An arithmetic relation over the cells of an aligned statistical table, written in the assertion
language (grammar/expr.lark), optionally for each row, column, block or cell of the template.

Blank cells are not silently zero: `blank: zero` treats blank and "/", "-", "无" as 0, while
`blank: indeterminate` (the default) makes any assertion touching them indeterminate. Cells whose
position is unknown make the assertion indeterminate with the reason. When relations fail, the
cell (or pair of cells) whose change would satisfy every failing relation of that table (this
rule's and its sibling table rules') is named in the message and the details."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache

from ..expr import (CellNumbers, Compiled, Env, ExpressionError, PlainReader, Unknown, as_number, bind_refs, cell_name,
                    cell_number, compare, compile_expression, instance_key, instances, number_fits, parse_domains,
                    resolve_refs, substitute, touched_cells, validate_refs)
from ..findings import Evidence, Outcome, Status
from ..errors import Problem, chinese
from ..tables import Kind, aligned, report_cache

KIND = "table_assertion"
MESSAGE_FIELDS = ("table", "table_en", "count", "failures", "failures_en", "localization", "localization_en")  # values a rule message may name
_GLOBS = {"type": "array", "items": {"type": "string", "minLength": 1}}
PARAMS_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["assert"],
    "properties": {
        "assert": {"type": "string", "minLength": 1},
        "for_each": {"oneOf": [{"type": "string"}, {"type": "array", "minItems": 1, "items": {"type": "string"}}]},
        "only": _GLOBS,
        "except": _GLOBS,
        "blank": {"enum": ["zero", "indeterminate"]},
        "localize": {"type": "boolean"},
    },
}
MAX_LISTED = 5  # failures spelled out in a message
MAX_EVIDENCE = 40
MAX_DETAILED = 40  # instances listed in full in the details
# used per instance: reading an Enum's members costs more than a global
PASS, FAIL, INDETERMINATE = Status.PASS, Status.FAIL, Status.INDETERMINATE


@dataclass(frozen=True)
class Prepared:
    expression: Compiled
    domains: tuple
    only: tuple[str, ...]
    skip: tuple[str, ...]
    blank: str
    localize: bool

    @property
    def table(self) -> str:
        return self.expression.tables[0]


def param_error(key: str, err: Exception) -> Problem:
    """A bad parameter under params.<key>, whose line the loader names."""
    return Problem(f"params.{key}: {err}", f"params.{key}：{chinese(err)}", [key])


def prepare(params) -> Prepared:
    try:
        expression = compile_expression(params["assert"])
        domains = parse_domains(params.get("for_each", ()))
        bound = {v for d in domains for v in d.variables}
        validate_refs(expression, bound)
    except ExpressionError as err:
        raise param_error("assert", err) from None
    except ValueError as err:
        raise param_error("for_each", err) from None
    if not expression.refs:
        raise param_error("assert", Problem("the expression names no table cell", "表达式没有引用任何表格单元格"))
    unused = sorted("$" + v for v in bound - expression.variables)
    if unused:
        raise param_error("for_each", Problem(f"binds {', '.join(unused)} but params.assert does not use it",
                                              f"绑定了 {'、'.join(unused)}，但 params.assert 没有用到"))
    return Prepared(expression, domains, tuple(params.get("only", ())), tuple(params.get("except", ())),
                    params.get("blank", "indeterminate"), params.get("localize", True))


# ---- evaluating a rule's instances ---------------------------------------------------------------


class Site:
    """Where one instance of a rule stands on a layout: its bindings, its references bound to
    template addresses (expr.bind_refs) and its names; the same for every report of the layout."""

    __slots__ = ("_addresses", "_label", "bindings", "key", "plan", "template", "text")

    def __init__(self, p: Prepared, template, bindings: dict, plan):
        self.bindings = bindings
        self.plan = plan
        self.template = template  # of the rule's main table, for labels
        self.key = instance_key(bindings)
        self.text = substitute(p.expression.source, bindings)
        self._label = None
        self._addresses = None

    @property
    def label(self) -> tuple[str, str]:
        if self._label is None:
            self._label = _label(self.template, self.bindings)
        return self._label

    @property
    def addresses(self) -> frozenset:
        """(table, address) of every cell the instance reads."""
        if self._addresses is None:
            self._addresses = frozenset((table, a) for table, addresses, _ in self.plan.refs for a in addresses)
        return self._addresses


class Instance:
    """One evaluation of a rule's assertion (one row, column, block or cell). A plain slotted
    class: hundreds are made per report."""

    __slots__ = ("_cells", "left", "reasons", "right", "rule", "site", "status", "tables")

    def __init__(self, rule, site: Site, tables: dict, status: Status, left=None, right=None, reasons=()):
        self.rule = rule
        self.site = site
        self.tables = tables  # the aligned tables, by id
        self.status = status  # PASS | FAIL | INDETERMINATE
        self.left, self.right = left, right  # numbers of a top-level comparison
        self.reasons = reasons
        self._cells = None

    @property
    def key(self) -> str:
        return self.site.key

    @property
    def text(self) -> str:
        return self.site.text

    @property
    def label(self) -> tuple[str, str]:
        return self.site.label

    @property
    def difference(self):
        if isinstance(self.left, (int, Decimal)) and isinstance(self.right, (int, Decimal)):
            return self.left - self.right
        return None

    @property
    def cells(self) -> tuple:
        """(table, address, PlacedCell) the evaluation read, each once, in reading order."""
        if self._cells is None:
            self._cells = touched_cells(self.site.plan, self.tables)
        return self._cells

    @property
    def addresses(self) -> frozenset:
        return self.site.addresses


@dataclass(frozen=True)
class RuleRun:
    rule: object
    tables: dict  # table id -> Alignment
    sites: tuple[Site, ...] = ()
    # per site: its Instance, or the sides (left, right) of an instance that passed: hundreds of
    # those per report, most never looked at, so their Instances are made on demand
    outcomes: tuple = ()
    missing: tuple[str, ...] = ()  # tables not found

    @cached_property
    def instances(self) -> tuple[Instance, ...]:
        return tuple([o if o.__class__ is Instance else Instance(self.rule, site, self.tables, PASS, *o)
                      for site, o in zip(self.sites, self.outcomes)])

    @cached_property
    def not_passed(self) -> list[Instance]:
        """The instances that failed or are indeterminate, in order."""
        return [o for o in self.outcomes if o.__class__ is Instance and o.status is not PASS]


def _label(template, bindings: dict) -> tuple[str, str]:
    if not bindings:
        return "", ""
    if set(bindings) >= {"row", "col"}:
        zh, en = template.cell_label((bindings.get("block"), bindings["row"], bindings["col"]))
        return f"「{zh}」", f"'{en}'"
    block = template.block(bindings.get("block")) if "block" in bindings else template.blocks[0]
    if "row" in bindings:
        row = block.row(bindings["row"]) or next((b.row(bindings["row"]) for b in template.blocks if b.row(bindings["row"])), None)
        return f"「{row.short}」行", f"row '{row.label_en}'"
    if "col" in bindings:
        col = next(b.column(bindings["col"]) for b in template.blocks if b.column(bindings["col"]))
        return f"「{col.label}」列", f"column '{col.label_en}'"
    return f"「{block.label}」", f"'{block.label_en}'"


def evaluate(compiled: Compiled, env: Env):
    """(outcome, left, right): outcome is True, False or Unknown."""
    if compiled.op is None:
        outcome = compiled.fn(env)
        if not isinstance(outcome, (bool, Unknown)):
            raise TypeError(f"the assertion {compiled.source!r} is a value, not a test")
        return outcome, None, None
    left = as_number(env, compiled.left(env))
    right = as_number(env, compiled.right(env))
    tolerance = as_number(env, compiled.tolerance(env)) if compiled.tolerance else None
    return compare(compiled.op, left, right, tolerance), left, right


def _status(outcome) -> Status:
    return Status.INDETERMINATE if isinstance(outcome, Unknown) else Status.PASS if outcome else Status.FAIL


def _run_instance(rule, p: Prepared, tables: dict, site: Site, overrides=None) -> Instance:
    """One instance by the general evaluator."""
    resolved = resolve_refs(site.plan, tables)
    outcome, left, right = evaluate(p.expression, Env(tables, site.bindings, p.blank, overrides, resolved))
    return Instance(rule, site, tables, _status(outcome),
                    None if isinstance(left, Unknown) else left, None if isinstance(right, Unknown) else right,
                    outcome.reasons if isinstance(outcome, Unknown) else ())


@lru_cache(maxsize=512)
def _sites(p: Prepared, layouts: tuple) -> tuple[Site, ...]:
    """Every instance's site on these templates: the same for every report of the same layouts,
    so a batch computes it once per rule and edition."""
    by_table = dict(zip(p.expression.tables, layouts))
    alignments = {t: _Layout(template) for t, template in by_table.items()}
    return tuple(Site(p, layouts[0], b, bind_refs(p.expression, by_table, b))
                 for b in instances(p.domains, alignments, p.only, p.skip))


@dataclass(frozen=True)
class _Layout:
    """Stands for an alignment where only its template matters (expr.instances)."""

    template: object


def run_rule(report, rule, ctx) -> RuleRun:
    """All instances of a table rule on a report (cached: sibling rules reuse it for localization)."""
    cache = report_cache(report)
    key = ("rule", rule.id, rule.path)
    if key not in cache:
        p: Prepared = rule.prepared
        tables = {t: aligned(report, t, ctx.vocabulary) for t in p.expression.tables}
        missing = tuple(t for t, a in tables.items() if a is None)
        if missing:
            cache[key] = RuleRun(rule, tables, missing=missing)
        else:
            sites = _sites(p, tuple(tables[t].template for t in p.expression.tables))
            cache[key] = RuleRun(rule, tables, sites, _run_all(rule, p, tables, sites, _cell_numbers(cache, tables, p)))
    return cache[key]


def _run_all(rule, p: Prepared, tables: dict, sites, known: CellNumbers | None = None) -> tuple:
    """RuleRun.outcomes: every instance, by the plain form where it has one (a fraction of the
    general evaluator's time: per-cell rules such as TB14 have hundreds of instances per report,
    so this loop is lean)."""
    if not p.expression.plain:
        return tuple([_run_instance(rule, p, tables, site) for site in sites])
    results = PlainReader(p.expression, tables, p.blank, known=known).results([site.plan for site in sites])
    out = []
    for site, result in zip(sites, results):
        if result is None:
            out.append(_run_instance(rule, p, tables, site))
        elif result[0].__class__ is not Unknown and result[0]:
            out.append(result[1:])  # passed: its sides
        else:
            out.append(_plain_instance(rule, site, tables, result))
    return tuple(out)


def _cell_numbers(cache: dict, tables: dict, p: Prepared) -> CellNumbers:
    """The report's CellNumbers of the rule's main table under its blank policy."""
    key = ("cell numbers", p.table, p.blank)
    if key not in cache:
        cache[key] = CellNumbers(tables, p.table, p.blank)
    return cache[key]


def _run_site(rule, p: Prepared, tables: dict, site: Site, reader: PlainReader | None, overrides=None) -> Instance:
    """One instance, by the plain form where it has one."""
    result = reader.result(site.plan) if reader is not None else None
    if result is None:
        return _run_instance(rule, p, tables, site, overrides)
    return _plain_instance(rule, site, tables, result)


def _plain_instance(rule, site: Site, tables: dict, result: tuple) -> Instance:
    """The Instance of a result of the plain form, (outcome, left, right)."""
    outcome, left, right = result  # the sides are numbers or None
    if outcome.__class__ is Unknown:
        return Instance(rule, site, tables, INDETERMINATE, left, right, outcome.reasons)
    return Instance(rule, site, tables, PASS if outcome else FAIL, left, right)


# ---- error localization --------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    table: str
    address: tuple
    label: tuple[str, str]
    reported: str  # the reported text ("" when blank)
    expected: object  # the number that satisfies the failing relations
    placed: object  # PlacedCell


@dataclass(frozen=True)
class Localization:
    failing: tuple[Instance, ...]  # every failing relation of the table, all rules
    explanations: tuple[tuple[Change, ...], ...]  # alternatives, each the fewest changes fixing all

    @property
    def size(self) -> int:
        return len(self.explanations[0]) if self.explanations else 0


def _sibling_runs(report, table: str, rule, ctx) -> list[RuleRun]:
    from ..engine import applicability

    rules = dict(ctx.rules) if ctx.rules else {}
    rules.setdefault(rule.id, rule)
    runs = []
    for other in rules.values():
        if other.kind != KIND or table not in other.prepared.expression.tables or not other.prepared.localize:
            continue
        if applicability(other, report, ctx.as_of) is None:
            runs.append(run_rule(report, other, ctx))
    return [r for r in runs if not r.missing]


def _normal(value):
    return int(value) if value == int(value) else value


class _Localizer:
    """Searches single cells, then pairs, whose new values satisfy every failing relation and
    break none that holds. Relations are re-evaluated with overrides, so any expression works;
    the value to try comes from the relation's difference and the cell's coefficient in it."""

    def __init__(self, runs: list[RuleRun], table: str):
        self.table = table
        self.entries = [(run, inst) for run in runs for inst in run.instances]
        # only arithmetic relations are localized: a failing test (is_blank, fits_type) has no value to solve for
        self.failing = [(run, i) for run, i in self.entries if i.status is FAIL and i.difference is not None]
        self.by_cell: dict = {}  # (table, address) -> indices into entries
        for n, (_, inst) in enumerate(self.entries):
            for address in inst.addresses:
                self.by_cell.setdefault(address, []).append(n)

    def _rerun(self, run: RuleRun, inst: Instance, overrides: dict) -> Instance:
        p = run.rule.prepared
        reader = PlainReader(p.expression, run.tables, p.blank, overrides) if p.expression.plain else None
        return _run_site(run.rule, p, run.tables, inst.site, reader, overrides)

    def _effect(self, overrides: dict) -> tuple[set, bool]:
        """(failing relations fixed, whether a relation that held now fails)."""
        touched = sorted({n for address in overrides for n in self.by_cell.get(address, ())})
        fixed, broke = set(), False
        for run, inst in (self.entries[n] for n in touched):
            after = self._rerun(run, inst, overrides).status
            if inst.status is FAIL and after is PASS:
                fixed.add(id(inst))
            elif inst.status is PASS and after is FAIL:
                broke = True
        return fixed, broke

    def _current(self, run: RuleRun, address, placed):
        return cell_number(Env(run.tables, {}, run.rule.prepared.blank), address[0], address[1], placed)

    def _trial_values(self, address, placed) -> set:
        """Values of the cell that would zero the difference of some failing comparison."""
        values = set()
        for run, inst in self.failing:
            if address not in inst.addresses or inst.difference is None:
                continue
            current = self._current(run, address, placed)
            if isinstance(current, Unknown):
                continue
            bumped = self._rerun(run, inst, {address: current + 1})
            if bumped.difference is None:
                continue
            slope = bumped.difference - inst.difference
            if slope:
                values.add(_normal(current - Decimal(inst.difference) / Decimal(slope)))
        return values

    def candidates(self) -> list[tuple[Change, set, bool]]:
        out = []
        cells = {(t, a): p for _, inst in self.failing for t, a, p in inst.cells if t == self.table}
        for address, placed in sorted(cells.items(), key=lambda kv: _order(kv[1])):
            column = self.entries[0][0].tables[self.table].template.cell_spec(address[1])[2]
            for value in sorted(self._trial_values(address, placed)):
                if not number_fits(value, column.type):
                    continue
                fixed, broke = self._effect({address: value})
                alignment = self.entries[0][0].tables[self.table]
                change = Change(self.table, address[1], cell_name(self.table, alignment, address[1]),
                                placed.value.raw, value, placed)
                out.append((change, fixed, broke))
        return out

    def explain(self) -> Localization:
        failing = tuple(i for _, i in self.failing)
        want = {id(i) for i in failing}
        options = [(c, f) for c, f, broke in self.candidates() if not broke and f]
        singles = tuple((c,) for c, f in options if f == want)
        if singles:
            return Localization(failing, singles)
        pairs = []
        for n, (c1, f1) in enumerate(options):
            for c2, f2 in options[n + 1:]:
                if (c1.table, c1.address) == (c2.table, c2.address) or (f1 | f2) != want:
                    continue
                overrides = {(c1.table, c1.address): c1.expected, (c2.table, c2.address): c2.expected}
                fixed, broke = self._effect(overrides)
                if fixed == want and not broke:
                    pairs.append((c1, c2))
        return Localization(failing, tuple(pairs))


def _order(placed) -> tuple:
    span = placed.span
    return (span.start if span else 1 << 60, span.end if span else 0)


def localize(report, table: str, rule, ctx) -> Localization | None:
    cache = report_cache(report)
    key = ("localization", table, id(ctx.rules) if ctx.rules else rule.id)
    if key not in cache:
        runs = _sibling_runs(report, table, rule, ctx)
        localizer = _Localizer(runs, table)
        cache[key] = localizer.explain() if localizer.failing else None
    return cache[key]


# ---- messages ------------------------------------------------------------------------------------


def _fmt(number) -> str:
    if number is None:
        return "?"
    if isinstance(number, Decimal):
        number = _normal(number)
        return format(number.normalize(), "f") if isinstance(number, Decimal) else str(number)
    return str(number)


def _reported(change: Change) -> tuple[str, str]:
    if change.placed.value.kind in (Kind.BLANK,):
        return "空白", "blank"
    return change.reported, change.reported


def _change_text(change: Change) -> tuple[str, str]:
    rep_zh, rep_en = _reported(change)
    return (f"{change.label[0]} 应为 {_fmt(change.expected)}（报告为 {rep_zh}）",
            f"{change.label[1]} should be {_fmt(change.expected)} (reported {rep_en})")


def _relation_names(failing) -> tuple[str, str]:
    zh = "、".join(f"{i.rule.id}{i.label[0] or ''}" for i in failing)
    en = ", ".join(f"{i.rule.id} {i.label[1]}".strip() for i in failing)
    return zh, en


def localization_text(loc: Localization | None) -> tuple[str, str]:
    if loc is None:
        return "", ""
    n = len(loc.failing)
    names_zh, names_en = _relation_names(loc.failing)
    if not loc.explanations:
        return (f"。没有一个或两个单元格的改动能同时满足全部 {n} 条失败关系（{names_zh}），可能有多处错误",
                f". No change of one or two cells satisfies all {n} failing relations ({names_en}); "
                "there may be several errors")
    texts = [[_change_text(c) for c in option] for option in loc.explanations]
    if len(texts) == 1:
        zh = "、".join(t[0] for t in texts[0])
        en = " and ".join(t[1] for t in texts[0])
        return (f"。定位：{zh}，可同时满足 {n} 条失败关系（{names_zh}）",
                f". Localized: {en} satisfies all {n} failing relations ({names_en})")
    zh = "；或 ".join("、".join(t[0] for t in option) for option in texts)
    en = "; or ".join(" and ".join(t[1] for t in option) for option in texts)
    return (f"。定位：以下任一改动均可同时满足 {n} 条失败关系（{names_zh}）：{zh}",
            f". Localized: any of these satisfies all {n} failing relations ({names_en}): {en}")


def _describe(inst: Instance) -> tuple[str, str]:
    head_zh = inst.label[0] or inst.text
    head_en = inst.label[1] or inst.text
    if inst.difference is not None:
        return (f"{head_zh}：左边 {_fmt(inst.left)}，右边 {_fmt(inst.right)}，相差 {_fmt(inst.difference)}",
                f"{head_en}: left {_fmt(inst.left)}, right {_fmt(inst.right)}, difference {_fmt(inst.difference)}")
    return head_zh, head_en


def _listing(items: list[Instance]) -> tuple[str, str]:
    shown = [_describe(i) for i in items[:MAX_LISTED]]
    more = len(items) - len(shown)
    zh = "；".join(s[0] for s in shown) + (f"；等共 {len(items)} 处" if more else "")
    en = "; ".join(s[1] for s in shown) + (f"; {len(items)} in all" if more else "")
    return zh, en


# ---- details (JSON) ------------------------------------------------------------------------------


def _json_number(value):
    if value is None or isinstance(value, int):
        return value
    value = _normal(value)
    return value if isinstance(value, int) else float(value)


def _cell_detail(table, address, placed, alignments) -> dict:
    name = cell_name(table, alignments[table], address)
    value = placed.value
    return {"ref": ".".join([table] + [k for k in address if k]), "label": name[0], "label_en": name[1],
            "text": value.raw, "kind": value.kind.value, "value": _json_number(value.number),
            "row_placed_by": placed.row_how, "column_placed_by": placed.col_how}


def _instance_detail(inst: Instance, alignments, with_cells: bool) -> dict:
    out = {"key": inst.key, "label": inst.label[0], "expression": inst.text, "status": inst.status.value}
    if inst.left is not None or inst.right is not None:
        out.update(left=_json_number(inst.left), right=_json_number(inst.right),
                   difference=_json_number(inst.difference))
    if inst.reasons:
        out["reasons"] = [r[0] for r in inst.reasons]
    if with_cells:
        out["cells"] = [_cell_detail(t, a, p, alignments) for t, a, p in inst.cells]
    return out


def _localization_detail(loc: Localization | None) -> dict | None:
    if loc is None:
        return None
    return {
        "failing": [f"{i.rule.id}:{i.key}" for i in loc.failing],
        "explained": bool(loc.explanations),
        "changes": [[{"ref": ".".join([c.table] + [k for k in c.address if k]), "label": c.label[0],
                      "reported": c.reported, "expected": _json_number(c.expected)} for c in option]
                    for option in loc.explanations],
    }


def _details(run: RuleRun, table: str, loc=None) -> dict:
    alignment = run.tables[table]
    many = len(run.sites) > MAX_DETAILED
    listed = run.not_passed if many else run.instances
    out = {"table": table, "template": alignment.template.name, "where": alignment.where,
           "checked": len(run.sites),
           "assertions": [_instance_detail(i, run.tables, i.status is FAIL) for i in listed]}
    if loc is not None:
        out["localization"] = _localization_detail(loc)
    return out


# ---- evidence ------------------------------------------------------------------------------------

_KIND_ZH = {"blank": "空白", "text": "不是数字", "unplaced": "无法确定所在列", "missing": "缺少该行", "not_applicable": "不适用标记"}


def _evidence(instances, loc: Localization | None, alignments) -> tuple[Evidence, ...]:
    out, seen = [], set()

    def add(span, note):
        if span is not None and (span.start, span.end) not in seen:
            seen.add((span.start, span.end))
            out.append(Evidence(span, note))

    for option in (loc.explanations if loc and len(loc.explanations) == 1 else ()):
        for c in option:
            add(c.placed.span, (f"{c.label[0]} 应为 {_fmt(c.expected)}", f"{c.label[1]} should be {_fmt(c.expected)}"))
    for inst in instances:
        if len(out) >= MAX_EVIDENCE:
            break
        for table, address, placed in inst.cells:
            name, name_en = cell_name(table, alignments[table], address)
            blank = placed.value.kind == Kind.BLANK
            add(placed.span, (f"{name} = {'空白' if blank else placed.value.raw}",
                              f"{name_en} = {'blank' if blank else placed.value.raw}"))
    return tuple(out[:MAX_EVIDENCE])


def _unknown_rows(instances) -> tuple[Evidence, ...]:
    """The rows whose cells could not be placed (or are blank or not numbers), once each."""
    out, seen = [], set()
    for inst in instances:
        if len(out) >= MAX_EVIDENCE:
            break
        for _, _, placed in inst.cells:
            span = placed.span
            if span is None or placed.value.number is not None:
                continue
            if placed.col_how == "collapsed" and placed.row is not None:
                span = placed.row.span
            if (span.start, span.end) not in seen:
                seen.add((span.start, span.end))
                kind = placed.value.kind.value
                out.append(Evidence(span, tuple(placed.reason) if placed.reason else (_KIND_ZH.get(kind, kind), kind)))
    return tuple(out[:MAX_EVIDENCE])


# ---- the check -----------------------------------------------------------------------------------


def check(report, rule, ctx) -> Outcome:
    p: Prepared = rule.prepared
    run = run_rule(report, rule, ctx)
    values = _table_values(p.table)
    if run.missing:
        # An identity over a table the document lacks does not apply: the table-presence rules
        # report the missing table once, instead of one "cannot decide" per identity.
        names = [_table_values(t) for t in run.missing]
        return Outcome(Status.NOT_APPLICABLE, values=values, reason=(
            f"文中没有{'、'.join(n['table'] for n in names)}（缺表由表格存在性规则报告）",
            f"no {', '.join(n['table_en'] for n in names)} in the document (the table-presence rules report it)"))
    failing = [i for i in run.not_passed if i.status is FAIL]
    unknown = [i for i in run.not_passed if i.status is INDETERMINATE]
    if failing:
        arithmetic = any(i.difference is not None for i in failing)
        loc = localize(report, p.table, rule, ctx) if p.localize and arithmetic else None
        zh, en = _listing(failing)
        lzh, len_ = localization_text(loc)
        values.update(count=len(failing), failures=zh, failures_en=en, localization=lzh, localization_en=len_)
        return Outcome(Status.FAIL, _evidence(failing, loc, run.tables), values, details=_details(run, p.table, loc))
    if unknown:
        reasons = list(dict.fromkeys(r for i in unknown for r in i.reasons))[:2]
        reason = (f"{len(unknown)} 处关系无法判断：" + "；".join(r[0] for r in reasons),
                  f"{len(unknown)} relation(s) undecidable: " + "; ".join(r[1] for r in reasons))
        return Outcome(Status.INDETERMINATE, _unknown_rows(unknown), values, reason, _details(run, p.table))
    if not run.sites:
        return Outcome(Status.INDETERMINATE, values=values, reason=("没有可核对的单元格", "no cells to check"))
    return Outcome(Status.PASS, values=values, details={"table": p.table, "checked": len(run.sites),
                                                        "template": run.tables[p.table].template.name})


def _table_values(table: str) -> dict:
    return dict(_table_names(table))  # a copy: check() adds the counts


@lru_cache(maxsize=64)
def _table_names(table: str) -> dict:
    from ..tables import templates

    t = templates()[table][0]
    return {"table": t.short, "table_en": t.short_en}
