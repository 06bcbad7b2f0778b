"""The assertion language of table rules (grammar/expr.lark).

An expression is parsed once (LALR, cached) and its tree is walked once into small closures; an
evaluation runs those closures over an `Env` (aligned tables, the `for_each` bindings, the blank
policy, optional overrides). No `eval`. Values are int/Decimal, bool, `Unknown` (with the reasons
why the value cannot be known), or `Cells` (what a reference names, before it becomes a number).
Unknown propagates through arithmetic and comparisons; `and`/`or`/`not` follow three-valued logic.
"""

from __future__ import annotations

import itertools
import operator
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache, reduce
from typing import Callable, NamedTuple

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from . import resource_dir
from .errors import Problem
from .tables import Alignment, Kind, PlacedCell, Template, expand, templates


class ExpressionError(Problem):
    """A rule's expression does not parse or names something that does not exist."""

    def __init__(self, message: str, column: int | None = None, zh: str | None = None):
        self.column = column
        super().__init__(f"{message} (column {column})" if column else message,
                         f"{zh or message}（第 {column} 列）" if column else zh)


@lru_cache(maxsize=1)
def expr_parser() -> Lark:
    grammar = (resource_dir("grammar") / "expr.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", maybe_placeholders=True, cache=True)


# ---- values -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unknown:
    reasons: tuple[tuple[str, str], ...]

    def __add__(self, other: "Unknown") -> "Unknown":
        return Unknown(tuple(dict.fromkeys(self.reasons + other.reasons)))


class Cells:
    """What a reference names: (table, address, placed cell) triples (slotted: one per reference
    per evaluation)."""

    __slots__ = ("items", "text")

    def __init__(self, items: tuple, text: str):
        self.items = items
        self.text = text


class Env:
    """What an evaluation sees: aligned tables by id, the for_each bindings ("col" -> "natural"),
    the blank policy (zero | indeterminate), overrides ((table, address) -> number, for error
    localization), and optionally every reference already resolved (`resolve_refs`), by index."""

    __slots__ = ("tables", "bindings", "blank", "overrides", "resolved")

    def __init__(self, tables: dict, bindings: dict | None = None, blank: str = "indeterminate", overrides=None,
                 resolved: tuple | None = None):
        self.tables = tables
        self.bindings = bindings or {}
        self.blank = blank
        self.overrides = overrides
        self.resolved = resolved


def _unknowns(*values) -> Unknown | None:
    found = [v for v in values if v.__class__ is Unknown]
    if len(found) < 2:
        return found[0] if found else None
    return Unknown(tuple(dict.fromkeys([r for u in found for r in u.reasons])))  # as adding them one by one


def cell_name(table: str, alignment: Alignment, address) -> tuple[str, str]:
    return _cell_name(alignment.template, address)


@lru_cache(maxsize=8192)
def _cell_name(t: Template, address) -> tuple[str, str]:
    zh, en = t.cell_label(address) if t.cell_spec(address) else (".".join(k for k in address if k),) * 2
    return f"{t.short} {zh}", f"{t.short_en} {en}"


def cell_number(env: Env, table: str, address, placed: PlacedCell):
    """A cell's number under the blank policy, or Unknown with the reason."""
    if env.overrides and (table, address) in env.overrides:
        return env.overrides[(table, address)]
    value = placed.value
    if value.is_number:
        return value.number
    if value.is_empty and env.blank == "zero":
        return 0
    if value.is_empty or value.kind == Kind.TEXT:
        zh, en = cell_name(table, env.tables[table], address)
        if value.is_empty:
            return Unknown(((f"{zh} 为空白", f"{en} is blank"),))
        return Unknown(((f"{zh} 不是数字（「{value.raw}」）", f"{en} is not a number ('{value.raw}')"),))
    if value.kind == Kind.UNPLACED and env.blank == "zero" and all(c.is_empty or c.number == 0 for c in value.candidates):
        return 0  # every value the cell may hold is zero: its column does not matter
    return _row_unknown(env, table, address, placed)


def _row_unknown(env: Env, table: str, address, placed: PlacedCell) -> Unknown:
    """A placement problem belongs to a row: name the row once, not each of its cells."""
    return _row_unknown_of(env.tables[table].template, address, placed.reason or ("无法确定", "cannot be determined"))


@lru_cache(maxsize=8192)
def _row_unknown_of(template: Template, address, reason: tuple[str, str]) -> Unknown:
    spec = template.cell_spec(address)
    if spec is None:
        return Unknown(((f"{template.short}: {reason[0]}", f"{template.short_en}: {reason[1]}"),))
    block, row, _ = spec
    where = f"{block.label}/" if template.layout == "stacked" else ""
    where_en = f"{block.label_en}/" if template.layout == "stacked" else ""
    return Unknown(((f"{template.short}「{where}{row.short}」行: {reason[0]}",
                     f"{template.short_en} row '{where_en}{row.label_en}': {reason[1]}"),))


def _item_number(env: Env, item: tuple):
    number = item[2].value.number  # set exactly for the number kinds (integer, decimal, zero)
    if number is not None and env.overrides is None:
        return number
    return cell_number(env, *item)


def as_number(env: Env, value):
    if value.__class__ is Cells:
        if len(value.items) != 1:
            raise TypeError(f"{value.text} names {len(value.items)} cells; use sum(), min() or max()")
        return _item_number(env, value.items[0])
    if value.__class__ is bool:
        raise TypeError("a comparison is not a number")
    return value


def _numbers(env: Env, args) -> list:
    out = []
    for a in args:
        if a.__class__ is Cells:
            out.extend([_item_number(env, item) for item in a.items])
        else:
            out.append(as_number(env, a))
    return out


# ---- functions ----------------------------------------------------------------------------------


def _fn_sum(env, args):
    nums = _numbers(env, args)
    return _unknowns(*nums) or sum(nums)


def _fn_min(env, args):
    nums = _numbers(env, args)
    return _unknowns(*nums) or min(nums)


def _fn_max(env, args):
    nums = _numbers(env, args)
    return _unknowns(*nums) or max(nums)


def _fn_abs(env, args):
    n = as_number(env, args[0])
    return n if isinstance(n, Unknown) else abs(n)


def _single_cell(args, name: str):
    if len(args) != 1 or not isinstance(args[0], Cells) or len(args[0].items) != 1:
        raise TypeError(f"{name}() takes one cell")
    return args[0].items[0]


def _unplaced_test(placed: PlacedCell, test, env, table, address):
    """A test over a cell whose column is unknown holds when it holds for every value it may take."""
    outcomes = {test(v) for v in placed.value.candidates}
    if len(outcomes) == 1 and None not in outcomes:
        return outcomes.pop()
    return _row_unknown(env, table, address, placed)


def _fn_is_blank(env, args):
    return _is_blank_of(env, _single_cell(args, "is_blank"))


def _is_blank_of(env, item):
    table, address, placed = item
    if env.overrides and (table, address) in env.overrides:
        return False
    kind = placed.value.kind
    if kind == Kind.UNPLACED:
        return _unplaced_test(placed, lambda v: v.kind == Kind.BLANK, env, table, address)
    if kind == Kind.MISSING:
        return cell_number(env, table, address, placed)  # the Unknown with its reason
    return kind == Kind.BLANK


def _fits(value, column_type: str, blank: str):
    n = value.number
    if n is None:
        if value.is_empty:
            return True if blank == "zero" else None
        return False
    return number_fits(n, column_type)


def _fn_fits_type(env, args):
    """The cell holds what its template column allows (count: integer ≥ 0; amount: ≥ 0; delta: integer)."""
    return _fits_type_of(env, _single_cell(args, "fits_type"))


def _fits_type_of(env, item):
    table, address, placed = item
    column_type = env.tables[table].template.cell_spec(address)[2].type
    if env.overrides and (table, address) in env.overrides:
        from .tables import parse_value
        return bool(_fits(parse_value(str(env.overrides[(table, address)])), column_type, "zero"))
    if placed.value.kind == Kind.UNPLACED:
        return _unplaced_test(placed, lambda v: _fits(v, column_type, env.blank), env, table, address)
    fits = _fits(placed.value, column_type, env.blank)
    return cell_number(env, table, address, placed) if fits is None or placed.value.kind == Kind.MISSING else fits


def _fn_is_number(env, args):
    return _is_number_of(env, _single_cell(args, "is_number"))


def _is_number_of(env, item):
    table, address, placed = item
    if placed.value.kind in (Kind.UNPLACED, Kind.MISSING):
        return _unplaced_test(placed, lambda v: v.is_number, env, table, address) \
            if placed.value.kind == Kind.UNPLACED else cell_number(env, table, address, placed)
    return placed.value.is_number


FUNCTIONS: dict[str, tuple[Callable, int | None]] = {  # name -> (function, number of arguments or None)
    "sum": (_fn_sum, None), "min": (_fn_min, None), "max": (_fn_max, None), "abs": (_fn_abs, 1),
    "is_blank": (_fn_is_blank, 1), "fits_type": (_fn_fits_type, 1), "is_number": (_fn_is_number, 1),
}
_AGGREGATES = {"sum", "min", "max"}


# ---- comparisons and arithmetic -----------------------------------------------------------------

_COMPARE = {
    "==": lambda a, b: a == b, "=": lambda a, b: a == b, "!=": lambda a, b: a != b, "≠": lambda a, b: a != b,
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, "≤": lambda a, b: a <= b,
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "≥": lambda a, b: a >= b,
}


def _divide(a, b):
    return Decimal(a) / Decimal(b) if b != 0 else Unknown((("除数为 0", "division by zero"),))


_ARITH = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "−": lambda a, b: a - b,
    "*": lambda a, b: a * b, "×": lambda a, b: a * b, "/": _divide, "÷": _divide,
}


def compare(op: str, left, right, tolerance=None):
    if left.__class__ is Unknown or right.__class__ is Unknown or tolerance.__class__ is Unknown:
        return _unknowns(left, right, tolerance)
    if tolerance is not None:
        close = abs(left - right) <= tolerance
        return close if op in ("==", "=") else not close
    return _COMPARE[op](left, right)


def _not(value):
    return value if isinstance(value, Unknown) else not value


def _and(values):
    if any(v is False for v in values):
        return False
    return _unknowns(*values) or True


def _or(values):
    if any(v is True for v in values):
        return True
    return _unknowns(*values) or False


# ---- compiling the tree into closures ------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RefSpec:
    table: str
    parts: tuple[str, ...]
    column: int
    text: str
    index: int = 0  # position among the expression's references

    @property
    def variables(self) -> set[str]:
        return {p[1:] for p in self.parts if p.startswith("$")}

    @cached_property
    def is_multi(self) -> bool:
        return any("*" in p for p in self.parts)

    def addresses(self, template: Template, bindings: dict) -> tuple:
        """The template addresses this reference names under `bindings`, in reading order."""
        parts = [bindings[p[1:]] if p[0] == "$" else p for p in self.parts]
        if not template.has_blocks:
            parts = [None] + parts
        return _glob_addresses(template, tuple(parts)) if self.is_multi else (tuple(parts),)


@dataclass(frozen=True)
class Compiled:
    source: str
    fn: Callable
    refs: tuple[RefSpec, ...]
    op: str | None = None  # the top-level comparison, if any: details report both sides
    left: Callable | None = None
    right: Callable | None = None
    tolerance: Callable | None = None
    # the plain form (_PlainCompiler), (values, offsets) -> (outcome, left, right); None when the
    # expression needs the general path (division, a value at the top)
    plain: Callable | None = None
    reads: tuple = ()  # per reference: None (the plain form reads its number) or the test it reads
    plain_sides: tuple = ()  # a top-level comparison's sides in plain form (left, right, tolerance or None)
    side_refs: tuple = ()  # the index of the first reference of the right side, and of the tolerance
    cell_test: tuple | None = None  # (test, negated) for one test of one cell, maybe under `not` (TB14, TB17)

    @cached_property
    def multi(self) -> tuple[bool, ...]:
        return tuple(r.is_multi for r in self.refs)

    @cached_property
    def variables(self) -> set[str]:
        return set().union(*(r.variables for r in self.refs)) if self.refs else set()

    @cached_property
    def tables(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.table for r in self.refs))


def _resolve(ref: RefSpec, env: Env) -> Cells:
    if env.resolved is not None:
        return env.resolved[ref.index]
    alignment = env.tables[ref.table]
    return _cells(ref.table, alignment, ref.addresses(alignment.template, env.bindings), ref.text)


def _cells(table: str, alignment: Alignment, addresses: tuple, text: str) -> Cells:
    items = alignment.items
    if len(addresses) == 1:
        item = items.get(addresses[0])
        return Cells((item or (table, addresses[0], alignment.cell(addresses[0])),), text)
    return Cells(tuple([items.get(a) or (table, a, alignment.cell(a)) for a in addresses]), text)


class Plan(NamedTuple):
    """An instance's references bound to template addresses: the same for every report laid out
    on the same templates (so callers cache it)."""

    refs: tuple  # (table, addresses, text) of each reference
    types: tuple  # the column type of each single-cell reference (None for globs)
    table: str | None  # the one table every reference names (the plain path reads only such plans)
    flat: tuple  # then: every address the references name, in order (a glob names several)
    offsets: tuple  # where each reference's addresses start in `flat`, and its length last


def bind_refs(compiled: Compiled, templates_by_table: dict, bindings: dict) -> Plan:
    refs, types = [], []
    for r in compiled.refs:
        template = templates_by_table[r.table]
        addresses = r.addresses(template, bindings)
        refs.append((r.table, addresses, r.text))
        spec = None if r.is_multi else template.cell_spec(addresses[0])
        types.append(spec[2].type if spec else None)
    if len(compiled.tables) != 1:
        return Plan(tuple(refs), tuple(types), None, (), ())
    offsets = tuple(itertools.accumulate((len(addresses) for _, addresses, _ in refs), initial=0))
    return Plan(tuple(refs), tuple(types), compiled.tables[0], tuple(a for _, addresses, _ in refs for a in addresses),
                offsets)


def resolve_refs(plan: Plan, tables: dict) -> tuple[Cells, ...]:
    """The cells every reference of a bound plan names, on the report's aligned tables."""
    out = []
    for table, addresses, text in plan.refs:
        out.append(_cells(table, tables[table], addresses, text))
    return tuple(out)


# ---- the plain path -----------------------------------------------------------------------------


class CellNumbers:
    """What cell_number gives each cell of one aligned table under a blank policy, without
    overrides, remembered as cells are read: one per report and policy, shared by its rules (a
    collapsed row of zeros reads 0 for every column; TB10, TB11 and TB12 read the same cells)."""

    __slots__ = ("env", "numbers", "table", "unknown")

    def __init__(self, tables: dict, table: str, blank: str):
        self.env = Env(tables, {}, blank)
        self.table = table
        self.numbers = dict(tables[table].numbers_under(blank == "zero"))  # grows as cells are read
        self.unknown = {}

    def read(self, address):
        """A cell's value for cell_number, once numbers.get() has not found it."""
        value = self.unknown.get(address)
        if value is None:
            value = cell_number(self.env, self.table, address, self.env.tables[self.table].cell(address))
            (self.unknown if value.__class__ is Unknown else self.numbers)[address] = value
        return value


class PlainReader:
    """Runs a rule's instances by the plain form, reading each cell as the general evaluator reads
    it: a number reference as cell_number gives it, a test's argument as the test's result (either
    may be an Unknown). One per rule run on a report, or per set of overrides (localization)."""

    __slots__ = ("compiled", "env", "exact", "get", "globs", "known", "number", "numbers", "numbers_only",
                 "overridden", "table", "test", "tests_only")

    def __init__(self, compiled: Compiled, tables: dict, blank: str, overrides: dict | None = None,
                 known: CellNumbers | None = None):
        self.compiled = compiled
        self.env = Env(tables, {}, blank, overrides)
        self.table = compiled.tables[0]
        alignment = tables[self.table]
        self.numbers = alignment.numbers_under(blank == "zero")  # what cell_number gives, where it is a number
        self.exact = alignment.numbers
        self.known = known  # of self.table under `blank`, when the caller shares one
        self.number = (known.numbers if known else self.numbers).get
        self.overridden = {a: v for (t, a), v in overrides.items() if t == self.table} if overrides else {}
        self.get = self._overridden_number if self.overridden else self.number
        self.test = self._overridden_test if self.overridden else self._test
        self.globs = any(compiled.multi)
        self.numbers_only = not any(compiled.reads)
        self.tests_only = None not in compiled.reads  # then no glob either: tests take one cell

    def results(self, plans) -> list:
        """result() of each plan."""
        if self.compiled.cell_test is None:
            return [self.result(plan) for plan in plans]
        # one test of one cell: hundreds of instances per report (TB14), read in one loop
        test, negated = self.compiled.cell_test
        outcomes = [self.test(test, plan.flat[0], plan.types[0]) for plan in plans]
        if negated:
            outcomes = [o if o.__class__ is Unknown else not o for o in outcomes]
        return [(o, None, None) for o in outcomes]

    def result(self, plan: Plan):
        """(outcome, left, right) of an instance as the general evaluator gives them; None when
        it must run (references to several tables, an Unknown number under a test or logic)."""
        if plan.table is None:
            return None
        if self.numbers_only:  # the commonest case: every cell holds a number
            numbers = list(map(self.get, plan.flat))
            if None not in numbers:
                return self.compiled.plain(numbers, plan.offsets)
            return plain_result(self.compiled, plan, *self._fill(numbers, plan.flat))
        if self.tests_only:
            return self.compiled.plain(list(map(self.test, self.compiled.reads, plan.flat, plan.types)), plan.offsets)
        return plain_result(self.compiled, plan, *self.values(plan))

    def values(self, plan: Plan) -> tuple[list, list]:
        """What the plain form reads at each address of plan.flat, and the positions where a
        number reference met an Unknown."""
        out, unknown = [], []
        if not self.globs:  # one address per reference
            for read, address, column_type in zip(self.compiled.reads, plan.flat, plan.types):
                self._read(read, address, column_type, out, unknown)
            return out, unknown
        for read, start, end, column_type in zip(self.compiled.reads, plan.offsets, plan.offsets[1:], plan.types):
            for address in plan.flat[start:end]:
                self._read(read, address, column_type, out, unknown)
        return out, unknown

    def _fill(self, numbers: list, flat: tuple) -> tuple[list, list]:
        """`numbers` with the cells it lacks read by cell_number, and the positions of Unknowns."""
        unknown = []
        for n, number in enumerate(numbers):
            if number is None:
                number = numbers[n] = self._cell_number(flat[n])
                if number.__class__ is Unknown:
                    unknown.append(n)
        return numbers, unknown

    def _read(self, read: str | None, address, column_type, out: list, unknown: list):
        if read is not None:
            out.append(self.test(read, address, column_type))
            return
        number = self.get(address)
        if number is None:
            number = self._cell_number(address)
            if number.__class__ is Unknown:
                unknown.append(len(out))
        out.append(number)

    def _cell_number(self, address):
        if self.known:
            return self.known.read(address)
        return cell_number(self.env, self.table, address, self._placed(address))

    def _test(self, read: str, address, column_type):
        # fits_type reads empty cells as 0 under `blank: zero` as _fits does; is_blank and is_number must see them
        number = (self.numbers if read == "fits_type" else self.exact).get(address)
        if number is None or column_type is None:
            return _CELL_TESTS[read](self.env, (self.table, address, self._placed(address)))
        return number_fits(number, column_type) if read == "fits_type" else read == "is_number"

    def _overridden_number(self, address):
        number = self.overridden.get(address)
        return number if number is not None else self.number(address)

    def _overridden_test(self, read: str, address, column_type):
        if address in self.overridden:  # the general test knows what an override means to it
            return _CELL_TESTS[read](self.env, (self.table, address, self._placed(address)))
        return self._test(read, address, column_type)

    def _placed(self, address) -> PlacedCell:
        return self.env.tables[self.table].cell(address)


def plain_result(compiled: Compiled, plan: Plan, values: list, unknown: list):
    """(outcome, left, right) as the general evaluator gives them, from what PlainReader read
    (`unknown`: the positions of Unknown numbers, in order); None when the general evaluator must
    run (an Unknown number under a test or logic)."""
    if not unknown:
        return compiled.plain(values, plan.offsets)
    if compiled.op is None:
        return None
    # an Unknown makes the side that reads it Unknown, and the comparison
    right_starts, tolerance_starts = (plan.offsets[i] for i in compiled.side_refs)
    left_side, right_side, _ = compiled.plain_sides
    left = None if unknown[0] < right_starts else left_side(values, plan.offsets)
    right = None if any(right_starts <= n < tolerance_starts for n in unknown) else right_side(values, plan.offsets)
    return _unknowns(*[values[n] for n in unknown]), left, right


def touched_cells(plan: Plan, tables: dict) -> tuple:
    """(table, address, placed) of every cell an evaluation of `plan` reads, once each, in reading order."""
    seen = {}
    for table, addresses, _ in plan.refs:
        alignment = tables[table]
        items = alignment.items
        for address in addresses:
            if (table, address) not in seen:
                seen[(table, address)] = items.get(address) or (table, address, alignment.cell(address))
    return tuple(seen.values())


@lru_cache(maxsize=4096)
def _glob_addresses(template: Template, parts: tuple) -> tuple:
    """Addresses of the template that a (block, row, column) pattern with globs names, in order."""
    out = []
    for block in template.blocks:
        if not _part_matches(block.key, parts[0]):
            continue
        for row_key in expand([r.key for r in block.rows], parts[1]):
            for col_key in expand([c.key for c in block.columns], parts[2]):
                out.append((block.key, row_key, col_key))
    return tuple(out)


def _part_matches(key, part) -> bool:
    return key == part or (part is not None and key is not None and bool(expand([key], part)))


class _Compiler:
    def __init__(self, source: str):
        self.source = source
        self.refs: list[RefSpec] = []
        self.ref_index: dict = {}  # id(ref node) -> index, for _PlainCompiler

    def build(self, node):
        if isinstance(node, Token):
            raise ExpressionError(f"unexpected {node!s}", node.column, zh=f"此处不应出现 {node!s}")
        return getattr(self, node.data)(node)

    def number(self, node):
        text = str(node.children[0])
        value = Decimal(text) if "." in text else int(text)
        return lambda env: value

    def ref(self, node):
        table, *parts = node.children
        spec = RefSpec(str(table), tuple(str(p) for p in parts), table.column,
                       ".".join([str(table)] + [str(p) for p in parts]), len(self.refs))
        self.ref_index[id(node)] = spec.index
        self.refs.append(spec)
        return lambda env: _resolve(spec, env)

    def sign(self, node):
        op, operand = node.children
        inner = self.build(operand)
        if op in ("-", "−"):
            return lambda env: _negate(as_number(env, inner(env)))
        return lambda env: as_number(env, inner(env))

    def binop(self, node):
        left, op, right = node.children
        lf, rf, fn = self.build(left), self.build(right), _ARITH[str(op)]

        def run(env):
            a, b = as_number(env, lf(env)), as_number(env, rf(env))
            if a.__class__ is Unknown or b.__class__ is Unknown:
                return _unknowns(a, b)
            return fn(a, b)
        return run

    def compare(self, node):
        left, op, right, *rest = node.children
        lf, rf = self.build(left), self.build(right)
        tf = self.build(rest[1]) if rest else None
        if tf is not None and str(op) not in ("==", "=", "!=", "≠"):
            raise ExpressionError(f"a tolerance (±) goes only with == or !=, not {op}", op.column,
                                      zh=f"容差（±）只能用于 == 或 !=，不能用于 {op}")
        op = str(op)
        return lambda env: compare(op, as_number(env, lf(env)), as_number(env, rf(env)),
                                   as_number(env, tf(env)) if tf else None)

    def and_(self, node):
        parts = [self.build(c) for c in node.children]
        return lambda env: _and([p(env) for p in parts])

    def or_(self, node):
        parts = [self.build(c) for c in node.children]
        return lambda env: _or([p(env) for p in parts])

    def not_(self, node):
        inner = self.build(node.children[0])
        return lambda env: _not(inner(env))

    def call(self, node):
        name, *args = node.children
        args = [a for a in args if a is not None]
        if str(name) not in FUNCTIONS:
            raise ExpressionError(f"unknown function {name}() (known: {', '.join(sorted(FUNCTIONS))})", name.column,
                                  zh=f"未知的函数 {name}()（可用：{'、'.join(sorted(FUNCTIONS))}）")
        fn, arity = FUNCTIONS[str(name)]
        if arity is not None and len(args) != arity:
            raise ExpressionError(f"{name}() takes {arity} argument(s), got {len(args)}", name.column,
                                  zh=f"{name}() 需要 {arity} 个参数，实际 {len(args)} 个")
        if not args:
            raise ExpressionError(f"{name}() needs arguments", name.column, zh=f"{name}() 缺少参数")
        before = len(self.refs)
        built = [self.build(a) for a in args]
        if str(name) not in _AGGREGATES:
            for spec in self.refs[before:]:
                if spec.is_multi:
                    raise ExpressionError(f"{spec.text} names several cells; only sum(), min(), max() take those",
                                          spec.column, zh=f"{spec.text} 指向多个单元格，只能放在 sum()、min()、max() 中")
        return lambda env: fn(env, [b(env) for b in built])


class _NotPlain(Exception):
    """The expression needs the general evaluator."""


_PLAIN_ARITH = {"+": operator.add, "-": operator.sub, "−": operator.sub, "*": operator.mul, "×": operator.mul}
_CELL_TESTS = {"is_blank": _is_blank_of, "fits_type": _fits_type_of, "is_number": _is_number_of}


def number_fits(n, column_type: str) -> bool:
    if column_type == "amount":
        return n >= 0
    integral = n.__class__ is int or n == int(n)
    return integral and n >= 0 if column_type == "count" else integral


class _PlainCompiler:
    """The same tree as closures (values, offsets) over what PlainReader read: values[offsets[i]]
    is reference i's number (values[offsets[i]:offsets[i + 1]] for a glob), or, for a test's
    argument, the test's result. No Cells, no Env. Numbers are never Unknown here (plain_result
    sees to it); test results may be, and the logic passes them on as the general evaluator does.
    Must agree with _Compiler (tests/test_expr.py compares them)."""

    def __init__(self, ref_index: dict, globs: bool):
        self.ref_index = ref_index  # id(ref node) -> reference index, as _Compiler numbered them
        self.globs = globs  # without globs, reference i is values[i]
        self.reads = [None] * len(ref_index)

    def value(self, node):
        """A closure giving a number; tests and comparisons are not values here."""
        method = getattr(self, f"_{node.data}", None) if isinstance(node, Tree) else None
        if method is None:
            raise _NotPlain
        return method(node)

    def _number(self, node):
        text = str(node.children[0])
        value = Decimal(text) if "." in text else int(text)
        return lambda n, o: value

    def _ref(self, node):
        i = self.ref_index[id(node)]
        return (lambda n, o: n[o[i]]) if self.globs else (lambda n, o: n[i])

    def _sign(self, node):
        op, operand = node.children
        inner = self.value(operand)
        return (lambda n, o: -inner(n, o)) if op in ("-", "−") else inner

    def _binop(self, node):
        left, op, right = node.children
        fn = _PLAIN_ARITH.get(str(op))
        if fn is None:  # division may meet a zero divisor: the general path reports it
            raise _NotPlain
        cells = self._cell_sum(node)
        if cells is not None:  # in the order the general evaluator adds them
            return lambda n, o: reduce(operator.add, map(n.__getitem__, cells))
        lf, rf = self.value(left), self.value(right)
        return lambda n, o: fn(lf(n, o), rf(n, o))

    def _cell_sum(self, node) -> list | None:
        """The reference indices of a sum of single cells (t3.$row.natural + t3.$row.commercial +
        ...), which one closure adds up."""
        if self.globs:
            return None
        terms = []
        while isinstance(node, Tree) and node.data == "binop" and str(node.children[1]) == "+":
            terms.append(node.children[2])
            node = node.children[0]
        terms.append(node)
        if not all(isinstance(t, Tree) and t.data == "ref" for t in terms):
            return None
        return [self.ref_index[id(t)] for t in reversed(terms)]

    def _call(self, node):
        name, *args = node.children
        args = [a for a in args if a is not None]
        if str(name) == "abs":
            inner = self.value(args[0])
            return lambda n, o: abs(inner(n, o))
        if str(name) not in _AGGREGATES:
            raise _NotPlain
        aggregate = {"sum": sum, "min": min, "max": max}[str(name)]
        parts = [(self.ref_index[id(a)], True) if _is_glob(a) else (self.value(a), False) for a in args]
        return lambda n, o: aggregate(_flatten_args(parts, n, o))

    def test(self, node):
        """A closure giving True, False or Unknown: a test of one cell, a comparison, not/and/or."""
        if not isinstance(node, Tree):
            raise _NotPlain
        if node.data == "call" and str(node.children[0]) in _CELL_TESTS:
            return self._cell_test(node)
        if node.data == "compare":
            return self._compare(node)
        if node.data == "not_":
            inner = self.test(node.children[0])
            return lambda n, o: _not(inner(n, o))
        if node.data in ("and_", "or_"):
            parts, combine = [self.test(c) for c in node.children], _and if node.data == "and_" else _or
            return lambda n, o: combine([p(n, o) for p in parts])
        raise _NotPlain

    def _cell_test(self, node):
        args = [a for a in node.children[1:] if a is not None]
        if len(args) != 1 or not (isinstance(args[0], Tree) and args[0].data == "ref") or _is_glob(args[0]):
            raise _NotPlain
        self.reads[self.ref_index[id(args[0])]] = str(node.children[0])
        return self._ref(args[0])  # PlainReader put the test's result there

    def _compare(self, node):
        lf, rf, tf = self.sides(node)
        op = str(node.children[1])
        return lambda n, o: compare(op, lf(n, o), rf(n, o), tf(n, o) if tf else None)

    def sides(self, node) -> tuple:
        """The closures of a comparison's left and right sides and tolerance (None without one)."""
        left, _, right, *rest = node.children
        return self.value(left), self.value(right), self.value(rest[1]) if rest else None


def _is_glob(node) -> bool:
    return isinstance(node, Tree) and node.data == "ref" and any("*" in str(p) for p in node.children[1:])


def _flatten_args(parts, n, o) -> list:
    out = []
    for part, glob in parts:
        if glob:
            out.extend(n[o[part]:o[part + 1]])
        else:
            out.append(part(n, o))
    return out


def _plain(tree, ref_index: dict, refs: list, op: str | None) -> dict:
    """Compiled's plain fields; none when the general path is needed."""
    compiler = _PlainCompiler(ref_index, any(r.is_multi for r in refs))
    try:
        if op is None:
            test = compiler.test(tree)
            return {"plain": lambda n, o: (test(n, o), None, None), "reads": tuple(compiler.reads),
                    "cell_test": _one_cell_test(tree)}
        lf, rf, tf = compiler.sides(tree)
    except _NotPlain:
        return {}

    def run(n, o):
        left, right = lf(n, o), rf(n, o)
        return compare(op, left, right, tf(n, o) if tf else None), left, right
    return {"plain": run, "reads": tuple(compiler.reads), "plain_sides": (lf, rf, tf)}


def _one_cell_test(tree) -> tuple[str, bool] | None:
    negated = tree.data == "not_"
    if negated:
        tree = tree.children[0]
    if isinstance(tree, Tree) and tree.data == "call" and str(tree.children[0]) in _CELL_TESTS:
        return str(tree.children[0]), negated
    return None


def _negate(value):
    return value if isinstance(value, Unknown) else -value


def _check_globs(compiler: _Compiler, tree):
    """A glob reference may only stand as an argument of sum/min/max."""
    allowed = set()
    for call in tree.iter_subtrees():
        if call.data == "call" and str(call.children[0]) in _AGGREGATES:
            allowed |= {id(c) for c in call.children[1:] if isinstance(c, Tree) and c.data == "ref"}
    for ref in tree.iter_subtrees():
        if _is_glob(ref) and id(ref) not in allowed:
            raise ExpressionError(f"{'.'.join(map(str, ref.children))} names several cells; wrap it in sum()",
                                  ref.children[0].column,
                                  zh=f"{'.'.join(map(str, ref.children))} 指向多个单元格，请放在 sum() 中")


def parse(source: str) -> Tree:
    try:
        return expr_parser().parse(source)
    except UnexpectedEOF:
        raise ExpressionError("the expression ends too early", len(source) + 1, zh="表达式不完整") from None
    except UnexpectedCharacters as err:
        raise ExpressionError(f"unexpected character {source[err.pos_in_stream]!r}", err.column,
                              zh=f"无法识别的字符 {source[err.pos_in_stream]!r}") from None
    except UnexpectedToken as err:
        if err.token.type == "$END":
            raise ExpressionError("the expression ends too early", len(source) + 1, zh="表达式不完整") from None
        raise ExpressionError(f"unexpected {str(err.token)!r}", err.column,
                              zh=f"此处不应出现 {str(err.token)!r}") from None
    except UnexpectedInput as err:  # pragma: no cover - other lark input errors
        raise ExpressionError(str(err).splitlines()[0], getattr(err, "column", None)) from None


@lru_cache(maxsize=None)
def compile_expression(source: str) -> Compiled:
    tree = parse(source)
    compiler = _Compiler(source)
    _check_globs(compiler, tree)
    if tree.data != "compare":
        fn = compiler.build(tree)
        return Compiled(source, fn, tuple(compiler.refs), **_plain(tree, compiler.ref_index, compiler.refs, None))
    # a top-level comparison keeps its sides apart, so that details can report both values
    left, op, right, *rest = tree.children
    lf = compiler.build(left)
    right_starts = len(compiler.refs)
    rf = compiler.build(right)
    tolerance_starts = len(compiler.refs)
    tf = compiler.build(rest[1]) if rest else None
    op = str(op)
    if tf is not None and op not in ("==", "=", "!=", "≠"):
        raise ExpressionError(f"a tolerance (±) goes only with == or !=, not {op}", tree.children[1].column,
                              zh=f"容差（±）只能用于 == 或 !=，不能用于 {op}")

    def fn(env):
        return compare(op, as_number(env, lf(env)), as_number(env, rf(env)), as_number(env, tf(env)) if tf else None)
    return Compiled(source, fn, tuple(compiler.refs), op, lf, rf, tf, side_refs=(right_starts, tolerance_starts),
                    **_plain(tree, compiler.ref_index, compiler.refs, op))


# ---- checking references against the templates --------------------------------------------------


def _level_keys(ts: tuple[Template, ...], level: int, has_blocks: bool) -> set[str]:
    if has_blocks and level == 0:
        return {b.key for t in ts for b in t.blocks}
    level = level - 1 if has_blocks else level
    if level == 0:
        return {r.key for t in ts for b in t.blocks for r in b.rows}
    return {c.key for t in ts for b in t.blocks for c in b.columns}


def validate_refs(compiled: Compiled, bound: set[str]):
    """Every reference names a table, the right number of parts, and keys some edition has."""
    known = templates()
    for ref in compiled.refs:
        if ref.table not in known:
            raise ExpressionError(f"unknown table {ref.table!r} (templates: {', '.join(known)})", ref.column,
                                  zh=f"未知的表 {ref.table!r}（可用的模板：{'、'.join(known)}）")
        ts = known[ref.table]
        has_blocks = ts[0].has_blocks
        want = 3 if has_blocks else 2
        shape = "table.block.row.column" if has_blocks else "table.row.column"
        if len(ref.parts) != want:
            raise ExpressionError(f"{ref.text}: {ref.table} cells are named {shape}", ref.column,
                                  zh=f"{ref.text}：{ref.table} 的单元格写作 {shape}")
        for level, part in enumerate(ref.parts):
            if part.startswith("$"):
                if part[1:] not in bound:
                    raise ExpressionError(f"{ref.text}: {part} is not bound by for_each (bound: "
                                          f"{', '.join('$' + b for b in sorted(bound)) or 'none'})", ref.column,
                                          zh=f"{ref.text}：{part} 未在 for_each 中绑定（已绑定："
                                             f"{'、'.join('$' + b for b in sorted(bound)) or '无'}）")
                continue
            keys = _level_keys(ts, level, has_blocks)
            if not expand(sorted(keys), part):
                raise ExpressionError(f"{ref.text}: {part!r} is not a key of {ref.table} "
                                      f"(known: {', '.join(sorted(keys))})", ref.column,
                                      zh=f"{ref.text}：{part!r} 不是 {ref.table} 的键（可用：{'、'.join(sorted(keys))}）")


# ---- for_each -----------------------------------------------------------------------------------

_DOMAINS = {"rows": ("row",), "columns": ("col",), "blocks": ("block",), "cells": ("block", "row", "col")}
_FOR_EACH = re.compile(r"^(t[0-9]+)\.(rows|columns|blocks|cells)$")


@dataclass(frozen=True)
class Domain:
    table: str
    kind: str  # rows | columns | blocks | cells

    @property
    def variables(self) -> tuple[str, ...]:
        names = _DOMAINS[self.kind]
        if self.kind == "cells" and not templates()[self.table][0].has_blocks:
            return names[1:]
        return names

    def values(self, template: Template) -> list[tuple[str, ...]]:
        if self.kind == "cells":
            cells = template.addresses()
            return [a[1:] if not template.has_blocks else a for a in cells]
        if self.kind == "blocks":
            return [(b.key,) for b in template.blocks if b.key]
        keys = [r.key for b in template.blocks for r in b.rows] if self.kind == "rows" else \
            [c.key for b in template.blocks for c in b.columns]
        return [(k,) for k in dict.fromkeys(keys)]


def parse_domains(spec) -> tuple[Domain, ...]:
    items = [spec] if isinstance(spec, str) else list(spec)
    domains = []
    for item in items:
        m = _FOR_EACH.match(item.strip())
        if not m:
            raise Problem(f"for_each {item!r}: expected <table>.rows|columns|blocks|cells, e.g. t3.columns",
                          f"for_each {item!r}：应写作 <表>.rows|columns|blocks|cells，例如 t3.columns")
        if m.group(1) not in templates():
            raise Problem(f"for_each {item!r}: unknown table {m.group(1)!r}", f"for_each {item!r}：未知的表 {m.group(1)!r}")
        domain = Domain(m.group(1), m.group(2))
        if domain.kind == "blocks" and not templates()[domain.table][0].has_blocks:
            raise Problem(f"for_each {item!r}: {domain.table} has no blocks", f"for_each {item!r}：{domain.table} 没有分块")
        domains.append(domain)
    names = [v for d in domains for v in d.variables]
    if len(names) != len(set(names)):
        raise Problem(f"for_each binds a variable twice: {', '.join('$' + n for n in names)}",
                      f"for_each 重复绑定了变量：{'、'.join('$' + n for n in names)}")
    return tuple(domains)


def instances(domains: tuple[Domain, ...], alignments: dict, only=(), skip=()) -> tuple[dict, ...]:
    """Every combination of the domains' keys in the aligned tables' layouts, filtered by
    `only`/`except` globs over the instance key (the bound keys joined by dots). Shared: do not
    modify the dicts."""
    layouts = tuple(alignments[d.table].template for d in domains)
    return _instances(domains, layouts, tuple(only), tuple(skip))


@lru_cache(maxsize=1024)
def _instances(domains, layouts, only, skip) -> tuple[dict, ...]:
    if not domains:
        return ({},)
    per_domain = [[dict(zip(d.variables, v)) for v in d.values(t)] for d, t in zip(domains, layouts)]
    out = []
    for combo in itertools.product(*per_domain):
        bindings = {k: v for part in combo for k, v in part.items()}
        key = instance_key(bindings)
        if only and not any(expand([key], p) for p in only):
            continue
        if any(expand([key], p) for p in skip):
            continue
        out.append(bindings)
    return tuple(out)


def instance_key(bindings: dict) -> str:
    return ".".join(bindings[v] for v in ("block", "row", "col") if v in bindings)


_VAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def substitute(source: str, bindings: dict) -> str:
    return _VAR.sub(lambda m: bindings.get(m.group(1), m.group(0)), source)
