"""Statistical tables (表二/表三/表四): typed cell values, the official templates, and alignment.

Templates are data (grammar/templates/*.yaml, validated by schema/template.schema.json). A parsed
table is placed onto the template of its layout: rows by label where a label is present, by
position where extraction lost it; columns by position. Every cell records how it was placed,
and a cell that cannot be placed unambiguously holds an UNPLACED/MISSING value with the reason,
so that assertions over it are indeterminate instead of guessed.

Alignment runs once per (report, table) and is cached on the report object's identity.
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
import weakref
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from functools import cached_property, lru_cache, partial
from itertools import chain
from operator import add, attrgetter
from pathlib import Path
from typing import NamedTuple

from . import resource_dir
from .errors import Problem
from .model import Cell, Report, Row, Span, Table

# ---- cell values ------------------------------------------------------------------------------


class Kind(str, Enum):
    INTEGER = "integer"
    DECIMAL = "decimal"
    ZERO = "zero"
    BLANK = "blank"
    NA = "not_applicable"  # "/", "-", "—", "无"
    TEXT = "text"  # not a number
    UNPLACED = "unplaced"  # the row has values, but which column holds which is unknown
    MISSING = "missing"  # the template row is not in the table, or its row cannot be identified


@dataclass(frozen=True)
class Value:
    kind: Kind
    number: int | Decimal | None = None
    raw: str = ""
    candidates: tuple["Value", ...] = ()  # UNPLACED: what the cell may hold

    @property
    def is_number(self) -> bool:
        return self.number is not None  # set exactly for integer, decimal and zero

    @property
    def is_empty(self) -> bool:
        return self.kind in _EMPTY_KINDS


# Kinds as module constants: a member looked up on the Enum class (Kind.BLANK) takes the slow attribute
# path of a metaclass with __getattr__ (5x a global on Python 3.11)
_EMPTY_KINDS = (Kind.BLANK, Kind.NA)
_BLANK_KIND = Kind.BLANK
BLANK = Value(Kind.BLANK)
MISSING = Value(Kind.MISSING)
_NA_MARKS = frozenset({"/", "\\", "-", "--", "—", "——", "–", "－", "无", "不适用"})
_NUMBER = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:件|个|项|次|宗|起|人次|人|条|万元|元)?")


@lru_cache(maxsize=8192)
def parse_value(raw: str) -> Value:
    text = re.sub(r"\s+", "", raw).replace("−", "-")
    if not text:
        return BLANK
    if text in _NA_MARKS:
        return Value(Kind.NA, raw=raw)
    m = _NUMBER.fullmatch(text)
    if m is None:
        return Value(Kind.TEXT, raw=raw)
    sign, whole, frac = m.groups()
    whole = whole.replace(",", "")
    number = Decimal(f"{sign}{whole}.{frac}") if frac is not None else int(sign + whole)
    if number == 0:
        return Value(Kind.ZERO, 0 if frac is None else number, raw)
    return Value(Kind.INTEGER if frac is None else Kind.DECIMAL, number, raw)


# ---- label normalization ------------------------------------------------------------------------

_NUMBERING = re.compile(r"^(?:\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}[、.]|\(\d{1,2}\)|\d{1,2}[.、](?!\d))")
_NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=16384)
def label_key(text: str) -> str:
    """Comparable form of a label: NFKC, no spaces, no leading numbering, no punctuation."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    for _ in range(3):  # 三、(一)予以公开
        m = _NUMBERING.match(t)
        if not m:
            break
        t = t[m.end():]
    return _NOT_WORD.sub("", t)


# ---- templates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    label_en: str
    type: str  # count | amount | delta
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str
    short: str
    label_en: str
    groups: tuple[str, ...]  # innermost group first, then its ancestors
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    key: str | None  # None for a single-block template
    label: str
    label_en: str
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: tuple[RowSpec, ...]

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def row(self, key: str) -> RowSpec | None:
        return next((r for r in self.rows if r.key == key), None)


Address = tuple  # (block key | None, row key, column key)


@dataclass(frozen=True)
class Slot:
    """One row of the physical table as the template lays it out."""

    block: str | None  # the block whose rows these are (None: single or side by side)
    row: RowSpec
    columns: tuple[tuple[str | None, Column], ...]  # (block key, column), left to right

    @cached_property
    def addresses(self) -> tuple[Address, ...]:
        """The address of each cell of this row, left to right."""
        return tuple((block or self.block, self.row.key, col.key) for block, col in self.columns)


@dataclass(frozen=True)
class Matcher:
    """Longest-alias prefix matching of normalized labels to targets."""

    entries: tuple[tuple[str, tuple], ...]  # (alias, target), longest alias first
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def match(self, key: str) -> tuple[tuple, str] | tuple[None, None]:
        found = self.memo.get(key)
        return found if found is not None else remember(self.memo, key, self._longest_alias(key))

    def _longest_alias(self, key: str) -> tuple[tuple, str] | tuple[None, None]:
        return next(((target, alias) for alias, target in self.entries if key.startswith(alias)), (None, None))


def remember(memo: dict, key, value):
    """memo[key] = value, returning value; the memo stops growing at 50,000 entries (labels repeat
    from report to report, but a batch must not grow memory without bound). Callers look the key
    up first themselves: the lookup is the hot path."""
    if len(memo) < 50000:
        memo[key] = value
    return value


def _matcher(pairs) -> Matcher:
    unique = {(a, t) for a, t in pairs if len(a) >= 2}
    return Matcher(tuple(sorted(unique, key=lambda p: (-len(p[0]), p[0], p[1]))))


@dataclass(frozen=True)
class Template:
    table: str
    editions: tuple[str, ...]
    title: str
    title_en: str
    short: str
    short_en: str
    section: str
    layout: str  # single | stacked | side_by_side
    blocks: tuple[Block, ...]
    groups: dict = field(compare=False)  # key -> (label, aliases)
    header_aliases: tuple[str, ...] = ()
    path: str = ""

    @property
    def name(self) -> str:
        return f"{self.table}@{'/'.join(self.editions)}"

    @property
    def has_blocks(self) -> bool:
        return self.layout != "single"

    def block(self, key: str | None) -> Block | None:
        return next((b for b in self.blocks if b.key == key), None)

    def cell_spec(self, address: Address) -> tuple[Block, RowSpec, Column] | None:
        return self.specs.get(address)

    @cached_property
    def specs(self) -> dict:
        """Address -> (block, row, column) for every cell of the template."""
        return {(b.key, r.key, c.key): (b, r, c) for b in self.blocks for r in b.rows for c in b.columns}

    def addresses(self) -> list[Address]:
        return list(self.specs)

    def cell_label(self, address: Address) -> tuple[str, str]:
        """How messages name a cell: 自然人/予以公开, 行政复议/总计, 第二十条第（一）项/规章/本年制发件数."""
        block, row, column = self.cell_spec(address)
        if self.layout == "single":
            return f"{column.label}/{row.short}", f"{column.label_en}/{row.label_en}"
        if self.layout == "side_by_side" and len(block.rows) == 1:
            return f"{block.label}/{column.label}", f"{block.label_en}/{column.label_en}"
        return f"{block.label}/{row.short}/{column.label}", f"{block.label_en}/{row.label_en}/{column.label_en}"

    @cached_property
    def slots(self) -> tuple[Slot, ...]:
        return _slots(self)

    @cached_property
    def row_matcher(self) -> Matcher:
        return _row_matcher(self)

    @cached_property
    def header_matcher(self) -> Matcher:
        return _header_matcher(self)

    @cached_property
    def _label_memo(self) -> dict:
        return {}

    @cached_property
    def _edition_label_memo(self) -> dict:
        return {}

    def names_label(self, key: str) -> bool:
        """Whether a normalized label names a row, group, block or column of this template."""
        found = self._label_memo.get(key)
        if found is not None:
            return found
        return remember(self._label_memo, key,
                        bool(self.row_matcher.match(key)[0] or self.header_matcher.match(key)[0]))

    def names_edition_label(self, key: str) -> bool:
        """Whether a normalized label names something only this edition of the table has."""
        found = self._edition_label_memo.get(key)
        if found is not None:
            return found
        distinct = distinct_aliases(self)
        return remember(self._edition_label_memo, key, self.row_matcher.match(key)[1] in distinct
                        or self.header_matcher.match(key)[1] in distinct)

    @cached_property
    def _label_targets_memo(self) -> dict:
        return {}

    def label_targets(self, keys: tuple[str, ...]) -> tuple:
        """_label_targets of a row's first label keys (labels repeat: worked out once per template)."""
        found = self._label_targets_memo.get(keys)
        if found is None:
            found = remember(self._label_targets_memo, keys, _label_targets(keys, self))
        return found

    @lru_cache(maxsize=64)
    def slots_in_block(self, block: str | None) -> tuple[int, ...]:
        return tuple(i for i, s in enumerate(self.slots) if block is None or s.block == block)

    @lru_cache(maxsize=256)
    def slots_in_group(self, block: str | None, group: str) -> tuple[int, ...]:
        return tuple(i for i in self.slots_in_block(block) if group in self.slots[i].row.groups)

    @lru_cache(maxsize=256)
    def slot_weights(self, anchor: str, slots: tuple[int, ...]) -> dict:
        """{slot: weight} a row may take (shared between rows: never modified)."""
        return {i: _WEIGHT[anchor] for i in slots}

    @cached_property
    def _row_weights_memo(self) -> dict:
        return {}

    def row_weights(self, anchor: str, block: str | None, target) -> dict:
        """slot_weights of a data row of `block` anchored by its label (target: its slot), its group's
        label (target: the group) or neither (bare, unknown_label); worked out once per template."""
        key = (anchor, block, target)
        found = self._row_weights_memo.get(key)
        if found is None:
            slots = ((target,) if anchor == "label" else self.slots_in_group(block, target) if anchor == "group"
                     else self.slots_in_block(block))
            found = self._row_weights_memo[key] = self.slot_weights(anchor, slots)
        return found

    def __hash__(self):
        return hash((self.table, self.editions, self.path))


def _slots(t: Template) -> tuple[Slot, ...]:
    if t.layout == "stacked":
        return tuple(Slot(b.key, r, tuple((b.key, c) for c in b.columns)) for b in t.blocks for r in b.rows)
    columns = tuple((b.key, c) for b in t.blocks for c in b.columns)
    return tuple(Slot(None, r, columns) for r in t.blocks[0].rows)


def _row_matcher(t: Template) -> Matcher:
    pairs = [(a, ("row", i)) for i, s in enumerate(t.slots) for a in s.row.aliases]
    pairs += [(a, ("group", g)) for g, (_, aliases) in t.groups.items() for a in aliases]
    if t.layout == "stacked":
        pairs += [(a, ("block", b.key)) for b in t.blocks for a in b.aliases]
    return _matcher(pairs)


def _header_matcher(t: Template) -> Matcher:
    pairs = [(a, ("column", c.key)) for b in t.blocks for c in b.columns for a in c.aliases]
    pairs += [(a, ("header",)) for a in t.header_aliases]
    if t.layout == "side_by_side":
        pairs += [(a, ("block", b.key)) for b in t.blocks for a in b.aliases]
    return _matcher(pairs)


def _aliases(item: dict) -> tuple[str, ...]:
    keys = [label_key(item["label"])] + [label_key(a) for a in item.get("aliases", ())]
    return tuple(dict.fromkeys(k for k in keys if k))


def _columns(items) -> tuple[Column, ...]:
    return tuple(Column(c["key"], c["label"], c["label_en"], c.get("type", "count"), _aliases(c)) for c in items)


def _rows(items, groups: dict) -> tuple[RowSpec, ...]:
    out = []
    for r in items:
        chain, g = [], r.get("group")
        while g:
            chain.append(g)
            g = groups[g].get("parent")
        out.append(RowSpec(r["key"], r["label"], r.get("short", label_key(r["label"])), r["label_en"], tuple(chain),
                           _aliases(r)))
    return tuple(out)


def template_from_dict(data: dict, path: str = "") -> Template:
    groups = {g["key"]: g for g in data.get("groups", ())}
    for g in groups.values():
        if g.get("parent") and g["parent"] not in groups:
            raise Problem(f"group {g['key']!r}: unknown parent {g['parent']!r}",
                          f"分组 {g['key']!r}：未知的上级分组 {g['parent']!r}")
    top_columns = _columns(data.get("columns", ()))
    top_rows = _rows(data.get("rows", ()), groups)
    if data["layout"] == "single":
        blocks = (Block(None, data["title"], data["title_en"], (), top_columns, top_rows),)
    else:
        blocks = tuple(Block(b["key"], b["label"], b["label_en"], _aliases(b),
                             _columns(b["columns"]) if "columns" in b else top_columns,
                             _rows(b["rows"], groups) if "rows" in b else top_rows) for b in data.get("blocks", ()))
    if not blocks or any(not b.columns or not b.rows for b in blocks):
        raise Problem("every block needs columns and rows (a single layout: top-level columns and rows)",
                      "每个分块都需要 columns 和 rows（单一布局时写在顶层）")
    return Template(data["table"], tuple(data["editions"]), data["title"], data["title_en"], data["short"],
                    data["short_en"], data["section"], data["layout"], blocks,
                    {k: (g["label"], _aliases(g)) for k, g in groups.items()},
                    tuple(label_key(a) for a in data.get("header_labels", ())), path)


def load_template(path: Path) -> Template:
    from .errors import RuleFileError, chinese
    from .ruleset import load_validated_yaml

    data = load_validated_yaml(path, "template.schema.json")
    try:
        return template_from_dict(data, str(path))
    except ValueError as err:
        raise RuleFileError(path, str(err), zh=chinese(err))


@lru_cache(maxsize=None)
def templates() -> dict[str, tuple[Template, ...]]:
    """Shipped templates by table id (t2, t3, t4), each a tuple over editions."""
    by_table: dict[str, list[Template]] = {}
    for path in sorted((resource_dir("grammar") / "templates").glob("*.yaml")):
        t = load_template(path)
        by_table.setdefault(t.table, []).append(t)
    return {k: tuple(v) for k, v in sorted(by_table.items())}


def _all_aliases(t: Template) -> set[str]:
    out = {a for s in t.slots for a in s.row.aliases} | set(t.header_aliases)
    out |= {a for _, aliases in t.groups.values() for a in aliases}
    out |= {a for b in t.blocks for a in b.aliases}
    out |= {a for b in t.blocks for c in b.columns for a in c.aliases}
    return out


@lru_cache(maxsize=None)
def distinct_aliases(t: Template) -> frozenset[str]:
    """Labels of this template that the other editions of the same table do not use."""
    others = set()
    for other in templates().get(t.table, ()):
        if other is not t:
            others |= _all_aliases(other)
    return frozenset(_all_aliases(t) - others)


def expand(names, pattern: str) -> list[str]:
    """Keys among `names` matching a key or a glob (`denied_*`, `*`)."""
    if "*" not in pattern:
        return [n for n in names if n == pattern]
    return [n for n in names if fnmatch.fnmatchcase(n, pattern)]


# ---- per-report cache -------------------------------------------------------------------------

_REPORT_CACHE: dict[int, tuple] = {}


def report_cache(report: Report) -> dict:
    """A dict living as long as `report` (keyed by identity: reports are immutable)."""
    key = id(report)
    entry = _REPORT_CACHE.get(key)
    if entry is not None and entry[0]() is report:
        return entry[1]
    store: dict = {}
    _REPORT_CACHE[key] = (weakref.ref(report, lambda _, k=key: _REPORT_CACHE.pop(k, None)), store)
    return store


# ---- finding the table in the report ----------------------------------------------------------


@lru_cache(maxsize=16384)
def _templates_naming(key: str) -> tuple[str, ...]:
    """Names of the shipped templates in which a normalized label names a row, group, block or column."""
    return tuple(t.name for ts in templates().values() for t in ts if t.names_label(key))


def _facts(report: Report, tables: tuple[Table, ...]) -> tuple[RowFacts, ...]:
    cache = report_cache(report).setdefault("facts", {})
    key = tuple(id(t) for t in tables)
    if key not in cache:
        cache[key] = tuple(f for t in tables for f in (cache.get((id(t),)) or row_facts((t,))))
    return cache[key]


def _best_table_id(facts: tuple[RowFacts, ...]) -> tuple[str | None, int]:
    keys = [k for f in facts for k in f.keys if k]
    hits = Counter(chain.from_iterable(map(_templates_naming, keys)))  # template name -> labels it names
    scores = {tid: max(hits[t.name] for t in ts) for tid, ts in templates().items()}
    best = max(scores.values(), default=0)
    winners = [tid for tid, s in scores.items() if s == best]
    return (winners[0] if len(winners) == 1 and best > 0 else None), best


def _section_tables(report: Report, section_id: str, vocabulary) -> list[Table] | None:
    from .checks.common import find_section

    section = find_section(report, vocabulary.get(section_id)) if vocabulary else None
    if section is None:
        return None
    return [b for b in section.body_blocks if isinstance(b, Table)]


def locate_tables(report: Report, table_id: str, vocabulary) -> tuple[tuple[Table, ...], str]:
    """The parsed tables holding `table_id`, and where they were found (section | document | '')."""
    kinds = report_cache(report).setdefault("table_ids", {})

    def best(table):
        if id(table) not in kinds:
            kinds[id(table)] = _best_table_id(_facts(report, (table,)))
        return kinds[id(table)]

    in_section = _section_tables(report, templates()[table_id][0].section, vocabulary) or []
    own = tuple(t for t in in_section if best(t)[0] in (table_id, None))
    if own:
        return own, "section"
    # outside its section a table is taken only on clear evidence: several of its labels
    elsewhere = tuple(t for t in report.tables if best(t)[0] == table_id and best(t)[1] >= 3)
    return (elsewhere, "document") if elsewhere else ((), "")


# ---- rows: labels and values ----------------------------------------------------------------


@dataclass(slots=True)
class ParsedRow:
    """A source row as the alignment saw it (one per template tried; align_to sets slot and how)."""

    row: Row
    role: str  # data | header | heading | other
    labels: tuple[Cell, ...]
    label_keys: tuple[str, ...]  # label_key of each label cell
    values: tuple[Cell, ...]  # the cells after the labels, trailing blanks dropped
    raw_values: tuple[Cell, ...]  # the same with trailing blanks
    value_kinds: tuple[Kind, ...]  # the kind of each value
    parsed_values: tuple[Value, ...]  # the Value of each raw value
    weights: dict = field(default_factory=dict)  # slot index -> weight (data rows)
    anchor: str = ""  # label | group | bare | unknown_label
    block: str | None = None  # heading rows: the block they open
    slot: int | None = None
    how: str = ""  # label | group | position | ambiguous | skipped


# One letter per kind, so that a row's kinds read as a string ("tzzi": a label, two zeros, a number)
_KIND_CODE = {Kind.INTEGER: "i", Kind.DECIMAL: "d", Kind.ZERO: "z", Kind.NA: "n", Kind.BLANK: "b", Kind.TEXT: "t"}
_VALUE_CODES = frozenset("idzn")


@lru_cache(maxsize=16384)
def _read_cell(text: str) -> tuple[Value, Kind, str, str]:
    """(value, its kind, label_key for text or "", kind code) of a cell's text: texts repeat from
    row to row and report to report, so each is read once."""
    value = parse_value(text)
    return value, value.kind, label_key(text) if value.kind is Kind.TEXT else "", _KIND_CODE[value.kind]


@lru_cache(maxsize=4096)
def _split_row(codes: str) -> tuple[tuple[int, ...], int, int, bool]:
    """(indices of the leading label cells, index where the values start, index just after the
    last cell that is not blank, whether the label cells are the first cells) of a row by its kind
    codes: rows of a layout repeat their shape."""
    first_value = next((i for i, c in enumerate(codes) if c in _VALUE_CODES), len(codes))
    label_at = tuple(i for i in range(first_value) if codes[i] == "t")
    return (label_at, (label_at[-1] + 1 if label_at else 0), len(codes.rstrip("b")),
            label_at == tuple(range(len(label_at))))


class RowFacts(NamedTuple):
    """What alignment needs from a source row, whatever the template (computed once per row)."""

    row: Row
    cells: tuple[Cell, ...]
    label_at: tuple[int, ...]  # indices of the leading label cells
    start: int  # index where the values start
    keys: tuple[str, ...]  # label_key of each cell ("" for values and blanks)
    kinds: tuple[Kind, ...]  # the kind of each cell's value
    end: int  # index just after the last cell that is not blank
    values: tuple[Value, ...]  # each cell's value
    labels: tuple[Cell, ...]  # the cells at label_at
    label_keys: tuple[str, ...]  # their keys


_TEXT = attrgetter("text")
_row_facts = partial(tuple.__new__, RowFacts)  # without the named tuple's Python __new__: one per row


def _row_fact(row: Row, cells: tuple[Cell, ...]) -> RowFacts:
    read = tuple(map(_read_cell, map(_TEXT, cells)))
    values, kinds, keys, codes = zip(*read) if read else ((), (), (), ())
    label_at, start, end, leading = _split_row("".join(codes))
    if leading:
        labels, label_keys = cells[:len(label_at)], keys[:len(label_at)]
    else:
        labels, label_keys = tuple([cells[i] for i in label_at]), tuple([keys[i] for i in label_at])
    return _row_facts((row, cells, label_at, start, keys, kinds, end, values, labels, label_keys))


def row_facts(tables: tuple[Table, ...]) -> tuple[RowFacts, ...]:
    """Rows' facts; a leading empty cell that every row of a table has (`| a | b |`) is dropped."""
    out = []
    for table in tables:
        lead = all(r.cells and not r.cells[0].text for r in table.rows)
        out.extend(_row_fact(row, row.cells[1:] if lead else row.cells) for row in table.rows)
    return tuple(out)


_WEIGHT = {"label": 4, "group": 2, "bare": 1, "unknown_label": 1}


def _label_targets(keys: tuple[str, ...], template: Template) -> tuple:
    """(the last row label, the last group label, the first block label, the position of the last
    recognised label) among a row's first two label keys."""
    match = template.row_matcher.match
    row_t = group_t = block_t = last = None
    for position, key in enumerate(keys[:2]):
        target = match(key)[0]
        if target:
            last = position
            if target[0] == "row":
                row_t = target
            elif target[0] == "group":
                group_t = target
            elif block_t is None:
                block_t = target
    return row_t, group_t, block_t, last


_NO_TARGETS = (None, None, None, None)


def _read_labels(f: RowFacts, template: Template) -> tuple[tuple, int]:
    """(_label_targets of the row's first labels, how many of its label cells are labels): a word
    after a recognised label is a value in words ("若干"), not more label."""
    if not f.label_at:
        return _NO_TARGETS, 0
    targets = template.label_targets(f.label_keys[:2])
    last = targets[3]
    if last is not None and f.label_at[last] < f.label_at[-1] and len(f.keys[f.label_at[last] + 1]) <= 4:
        return targets, last + 1
    return targets, len(f.label_at)


def _classify(f: RowFacts, template: Template, current_block) -> ParsedRow:
    (row_t, group_t, block_t, _), kept = _read_labels(f, template)
    start, labels, label_keys = f.start, f.labels, f.label_keys
    if kept < len(f.label_at):
        start, labels, label_keys = f.label_at[kept - 1] + 1, labels[:kept], label_keys[:kept]
    end = max(start, f.end)
    row, cells = f.row, f.cells
    values, raw_values = cells[start:end], cells[start:]
    value_kinds, parsed_values = f.kinds[start:end], f.values[start:]
    if not values and row_t is None:
        role = "heading" if block_t else "header" if labels else "other"
        return ParsedRow(row, role, labels, label_keys, values, raw_values, value_kinds, parsed_values,
                         block=block_t[1] if block_t else None)
    block = block_t[1] if block_t else current_block
    if row_t:
        anchor, target = "label", row_t[1]
    elif group_t:
        anchor, target = "group", group_t[1]
    else:
        anchor, target = ("unknown_label" if labels else "bare"), None
    return ParsedRow(row, "data", labels, label_keys, values, raw_values, value_kinds, parsed_values,
                     template.row_weights(anchor, block, target), anchor)


def _parsed_rows(facts: tuple[RowFacts, ...], template: Template) -> list[ParsedRow]:
    out, block = [], None
    for f in facts:
        parsed = _classify(f, template, block)
        if parsed.role == "heading":
            block = parsed.block or block
        elif parsed.role == "data" and parsed.anchor == "label":
            block = template.slots[next(iter(parsed.weights))].block
        out.append(parsed)
    return out


# ---- row alignment: monotone, best weight, unique placements only ------------------------------


# Score rows hold, for each j, the best total weight with the rows so far and j slots (before j in
# prefix order, from j on in suffix order); they never decrease as slots are added. A row's next
# score row is the previous one raised wherever placing the row in some slot t does better; a
# raise carries on to the following slots until a score at least as high is met. Only the slots a
# row may take are visited: most rows may take one.


def _prefix_scores(weights: list[dict], n: int) -> list[list[int]]:
    """f[i][j]: best weight placing rows before i into slots before j."""
    f = [[0] * (n + 1)]
    for w in weights:
        prev = f[-1]
        cur = prev[:]
        for t, wt in w.items():
            score, j = prev[t] + wt, t + 1
            while j <= n and cur[j] < score:
                cur[j] = score
                j += 1
        f.append(cur)
    return f


def _suffix_scores(weights: list[dict], n: int) -> list[list[int]]:
    """b[i][j]: best weight placing rows from i on into slots from j on."""
    b = [[0] * (n + 1)]
    for w in reversed(weights):
        nxt = b[-1]
        cur = nxt[:]
        for t, wt in w.items():
            score, j = nxt[t + 1] + wt, t
            while j >= 0 and cur[j] < score:
                cur[j] = score
                j -= 1
        b.append(cur)
    b.reverse()
    return b


def align_rows(weights: list[dict], n: int) -> list[tuple[int | None, set[int]]]:
    """For each data row: (the slot it takes in every best alignment, or None; the slots it may take).

    An alignment maps rows to template slots in order, each slot at most once; a row may stay
    unplaced. Best = largest total weight (a labelled row outweighs rows placed by position). A
    row is placed only when every best alignment puts it in the same slot: never a guess."""
    only = [next(iter(w)) if len(w) == 1 else None for w in weights]
    if None not in only and all(a < b for a, b in zip(only, only[1:])):
        # every row has one slot and they ascend: placing them all is the only best alignment
        return [(slot, {slot}) for slot in only]
    f, b = _prefix_scores(weights, n), _suffix_scores(weights, n)
    best = f[len(weights)][n]
    out = []
    for i, w in enumerate(weights):
        before, after = f[i], b[i + 1]
        possible = {t for t, wt in w.items() if before[t] + wt + after[t + 1] == best}
        can_skip = best in map(add, before, after)
        out.append((next(iter(possible)) if len(possible) == 1 and not can_skip else None, possible))
    return out


# ---- cells --------------------------------------------------------------------------------------


class PlacedCell(NamedTuple):
    """A template cell's value and where it came from (a named tuple: hundreds per report)."""

    value: Value
    cell: Cell | None = None  # the source cell (None: the row has no cell there, or no row)
    row: Row | None = None
    row_how: str = "missing"  # label | group | position | ambiguous | missing
    col_how: str = ""  # position | blank_row | collapsed
    reason: tuple[str, str] | None = None  # why the value is unknown (UNPLACED / MISSING)

    @property
    def span(self) -> Span | None:
        return self.cell.span if self.cell is not None else self.row.span if self.row is not None else None


# PlacedCell(...) runs the named tuple's __new__, a Python function; a table has hundreds of cells
_placed = partial(tuple.__new__, PlacedCell)


def _keeps_blanks(rows: list[ParsedRow]) -> bool:
    """A blank cell between two values shows that this table keeps its empty cells in place."""
    for r in rows:
        kinds = r.value_kinds
        if _BLANK_KIND not in kinds:
            continue
        filled = [i for i, k in enumerate(kinds) if k is not _BLANK_KIND]
        if filled and _BLANK_KIND in kinds[filled[0]:filled[-1]]:
            return True
    return False


def _collapsed(values, n: int, line_hint: str) -> tuple[Value, tuple[str, str]]:
    found = tuple(dict.fromkeys(parse_value(c.text) for c in values))
    candidates = found + ((BLANK,) if len(values) < n and BLANK not in found else ())
    zh = (f"该行有 {len(values)} 个数值而模板有 {n} 列（空白单元格可能在提取时被合并），无法确定各数值所在的列"
          if len(values) < n else f"该行有 {len(values)} 个数值，多于模板的 {n} 列，无法确定各数值所在的列")
    en = (f"the row has {len(values)} values for {n} template columns (blank cells may have collapsed in "
          f"extraction); which column holds which value is unknown" if len(values) < n else
          f"the row has {len(values)} values, more than the {n} template columns; their columns are unknown")
    return Value(Kind.UNPLACED, raw=" | ".join(c.text for c in values), candidates=candidates), (
        f"{line_hint}{zh}", f"{line_hint}{en}")


def _place_cells(slot: Slot, parsed: ParsedRow, how: str, keeps_blanks: bool) -> dict:
    addresses, row = slot.addresses, parsed.row
    n, values, raw = len(addresses), parsed.values, parsed.raw_values
    if len(values) == n or (len(values) < n <= len(raw) and keeps_blanks):
        source = raw[:n] if len(values) < n else values
        return {a: _placed((value, cell, row, how, "position", None))
                for a, cell, value in zip(addresses, source, parsed.parsed_values)}
    if not values:
        return {a: _placed((BLANK, raw[i] if i < len(raw) else None, row, how, "blank_row", None))
                for i, a in enumerate(addresses)}
    value, reason = _collapsed(values, n, "")
    return {a: _placed((value, None, row, how, "collapsed", reason)) for a in addresses}


def _unplaced_slot(slot: Slot, status: str, rows: list[Row]) -> dict:
    label = slot.row.label
    if status == "ambiguous":
        reason = (f"表中无法确定哪一行是「{label}」（无标签的行多于或少于可对应的位置）",
                  f"which row of the table is '{slot.row.label_en}' cannot be told (unlabelled rows do not fit the gaps)")
    else:
        reason = (f"表中没有「{label}」行", f"the table has no row '{slot.row.label_en}'")
    row = rows[0] if len(rows) == 1 else None
    return {a: _placed((MISSING, None, row, status, "", reason)) for a in slot.addresses}


# ---- alignment ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alignment:
    template: Template
    tables: tuple[Table, ...]
    where: str  # section | document
    rows: tuple[ParsedRow, ...]
    claimed: dict = field(compare=False)  # slot index -> rows that may but need not be in it
    keeps_blanks: bool = False
    score: tuple = ()  # (edition-specific labels, rows placed, -ambiguous rows): picks the layout
    edition_evidence: tuple[Cell, ...] = ()  # label cells only this layout uses

    @cached_property
    def cells(self) -> dict:
        """Address -> PlacedCell for every cell of the template (built on first use)."""
        slots = self.template.slots
        out = {}
        for r in self.rows:
            if r.slot is not None:
                out.update(_place_cells(slots[r.slot], r, r.how, self.keeps_blanks))
        for t, slot in enumerate(slots):
            if slot.addresses[0] not in out:
                out.update(_unplaced_slot(slot, "ambiguous" if t in self.claimed else "missing", self.claimed.get(t, [])))
        return out

    @cached_property
    def numbers(self) -> dict:
        """Address -> number of every cell that holds one (integer, decimal or zero)."""
        return {address: placed.value.number for address, placed in self.cells.items()
                if placed.value.number is not None}

    @cached_property
    def numbers_blank_zero(self) -> dict:
        """The same, with blank and not-applicable cells ("/", "-", "无") as 0."""
        out = dict(self.numbers)
        out.update(dict.fromkeys([address for address, placed in self.cells.items() if placed.value.is_empty], 0))
        return out

    def numbers_under(self, blank_zero: bool) -> dict:
        return self.numbers_blank_zero if blank_zero else self.numbers

    @cached_property
    def items(self) -> dict:
        """Address -> (table id, address, PlacedCell): what an assertion's reference resolves to."""
        table = self.template.table
        return {address: (table, address, placed) for address, placed in self.cells.items()}

    def cell(self, address: Address) -> PlacedCell:
        found = self.cells.get(address)
        if found is not None:
            return found
        name = ".".join(k for k in address if k)
        return PlacedCell(MISSING, reason=(f"模板中没有单元格 {name}", f"no cell {name}"))

    @property
    def placed_rows(self) -> int:
        return sum(1 for r in self.rows if r.slot is not None)

    @property
    def ambiguous_rows(self) -> int:
        return sum(1 for r in self.rows if r.role == "data" and r.how == "ambiguous")


def _edition_hits(facts: tuple[RowFacts, ...], template: Template) -> tuple[Cell, ...]:
    """Label cells that name a row or column only this edition of the table has (the rows' labels
    as _classify reads them, without reading the rest of the rows)."""
    specific = template.names_edition_label
    out = []
    for f in facts:
        if any(map(specific, f.label_keys)):  # seldom: then whether those cells are labels here
            kept = _read_labels(f, template)[1]
            out.extend(cell for cell, key in zip(f.labels[:kept], f.label_keys[:kept]) if specific(key))
    return tuple(out)


_HOW_PLACED = {"label": "label", "group": "group"}  # how a placed row got its slot, by its anchor (else by position)


def align_to(tables: tuple[Table, ...], template: Template, where: str = "section", facts=None,
             parsed: list[ParsedRow] | None = None, edition_hits: tuple[Cell, ...] | None = None) -> Alignment:
    """Place the rows of `tables` on `template` (`parsed`: its rows as _parsed_rows read them, and
    `edition_hits`: _edition_hits of its rows' facts, if already computed; `parsed` is completed in place)."""
    facts = facts if facts is not None else row_facts(tables)
    parsed = parsed if parsed is not None else _parsed_rows(facts, template)
    data = [i for i, r in enumerate(parsed) if r.role == "data"]
    placements = align_rows([parsed[i].weights for i in data], len(template.slots))
    claimed = {}
    for i, (slot_index, possible) in zip(data, placements):
        r = parsed[i]
        if slot_index is not None:
            r.slot, r.how = slot_index, _HOW_PLACED.get(r.anchor, "position")
        else:
            r.how = "ambiguous" if possible else "skipped"
            for t in possible:
                claimed.setdefault(t, []).append(r.row)
    hits = edition_hits if edition_hits is not None else _edition_hits(facts, template)
    placed = sum(1 for r in parsed if r.slot is not None)
    ambiguous = sum(1 for r in parsed if r.how == "ambiguous")
    return Alignment(template, tables, where, tuple(parsed), claimed, _keeps_blanks([parsed[i] for i in data]),
                     (len(hits), placed, -ambiguous), hits)


def choose(alignments: list[Alignment], edition: str | None) -> Alignment:
    """Best-scoring layout; on a tie the layout of the report's own edition."""
    best = max(a.score for a in alignments)
    tied = [a for a in alignments if a.score == best]
    return next((a for a in tied if edition in a.template.editions), tied[0])


def _cached(report: Report, key: tuple, compute):
    cache = report_cache(report)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _located(report: Report, table_id: str, vocabulary) -> tuple[tuple[Table, ...], str, tuple]:
    """(tables, where they were found, their rows' facts) of `table_id` in the report."""
    def compute():
        tables, where = locate_tables(report, table_id, vocabulary)
        return tables, where, _facts(report, tables) if tables else ()
    return _cached(report, ("located", table_id), compute)


def _edition_evidence(report: Report, table_id: str, template: Template, vocabulary) -> tuple[Cell, ...]:
    """The table's label cells that only this template's edition uses."""
    return _cached(report, ("edition_hits", table_id, template.name),
                   lambda: _edition_hits(_located(report, table_id, vocabulary)[2], template))


def alignment_for(report: Report, table_id: str, template: Template, vocabulary) -> Alignment | None:
    """The report's `table_id` placed on one template (cached per report); None without the table."""
    def compute():
        tables, where, facts = _located(report, table_id, vocabulary)
        if not tables:
            return None
        return align_to(tables, template, where, facts, _parsed_rows(facts, template),
                        _edition_evidence(report, table_id, template, vocabulary))
    return _cached(report, ("alignment", table_id, template.name), compute)


def alternatives(report: Report, table_id: str, vocabulary) -> dict[str, Alignment]:
    """Alignment against every edition's template, by template name (for the edition rules)."""
    options = {t.name: alignment_for(report, table_id, t, vocabulary) for t in templates()[table_id]}
    return {name: a for name, a in options.items() if a is not None}


def aligned(report: Report, table_id: str, vocabulary) -> Alignment | None:
    """The report's `table_id` aligned to the best-fitting template (cached per report)."""
    return _cached(report, ("aligned", table_id), lambda: _align_report(report, table_id, vocabulary))


def _align_report(report: Report, table_id: str, vocabulary) -> Alignment | None:
    """Only the templates with the most edition-specific labels are aligned in full: the score
    compares those labels first, so no other template can win."""
    if table_id not in templates() or not _located(report, table_id, vocabulary)[0]:
        return None
    options = templates()[table_id]
    hits = [len(_edition_evidence(report, table_id, t, vocabulary)) for t in options]
    best = max(hits)
    return choose([alignment_for(report, table_id, t, vocabulary) for t, h in zip(options, hits) if h == best],
                  report.edition)
