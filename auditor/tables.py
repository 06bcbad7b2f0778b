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
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from functools import cached_property, lru_cache
from pathlib import Path

from . import resource_dir
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
        return self.kind in (Kind.INTEGER, Kind.DECIMAL, Kind.ZERO)

    @property
    def is_empty(self) -> bool:
        return self.kind in (Kind.BLANK, Kind.NA)


BLANK = Value(Kind.BLANK)
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


@dataclass(frozen=True)
class Matcher:
    """Longest-alias prefix matching of normalized labels to targets."""

    entries: tuple[tuple[str, tuple], ...]  # (alias, target), longest alias first
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def match(self, key: str) -> tuple[tuple, str] | tuple[None, None]:
        found = self.memo.get(key)
        if found is None:
            found = next(((target, alias) for alias, target in self.entries if key.startswith(alias)), (None, None))
            if len(self.memo) < 50000:
                self.memo[key] = found
        return found


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
            raise ValueError(f"group {g['key']!r}: unknown parent {g['parent']!r}")
    top_columns = _columns(data.get("columns", ()))
    top_rows = _rows(data.get("rows", ()), groups)
    if data["layout"] == "single":
        blocks = (Block(None, data["title"], data["title_en"], (), top_columns, top_rows),)
    else:
        blocks = tuple(Block(b["key"], b["label"], b["label_en"], _aliases(b),
                             _columns(b["columns"]) if "columns" in b else top_columns,
                             _rows(b["rows"], groups) if "rows" in b else top_rows) for b in data.get("blocks", ()))
    if not blocks or any(not b.columns or not b.rows for b in blocks):
        raise ValueError("every block needs columns and rows (a single layout: top-level columns and rows)")
    return Template(data["table"], tuple(data["editions"]), data["title"], data["title_en"], data["short"],
                    data["short_en"], data["section"], data["layout"], blocks,
                    {k: (g["label"], _aliases(g)) for k, g in groups.items()},
                    tuple(label_key(a) for a in data.get("header_labels", ())), path)


def load_template(path: Path) -> Template:
    from .errors import RuleFileError
    from .ruleset import load_validated_yaml

    data = load_validated_yaml(path, "template.schema.json")
    try:
        return template_from_dict(data, str(path))
    except ValueError as err:
        raise RuleFileError(path, str(err))


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


def _label_hits(keys: list[str], template: Template) -> int:
    return sum(1 for k in keys if template.row_matcher.match(k)[0] or template.header_matcher.match(k)[0])


def _facts(report: Report, tables: tuple[Table, ...]) -> tuple[RowFacts, ...]:
    cache = report_cache(report).setdefault("facts", {})
    key = tuple(id(t) for t in tables)
    if key not in cache:
        cache[key] = tuple(f for t in tables for f in (cache.get((id(t),)) or row_facts((t,))))
    return cache[key]


def _best_table_id(facts: tuple[RowFacts, ...]) -> tuple[str | None, int]:
    keys = [k for f in facts for k in f.keys if k]
    scores = {tid: max(_label_hits(keys, t) for t in ts) for tid, ts in templates().items()}
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


@dataclass
class ParsedRow:
    """A source row as the alignment saw it (one per template tried; align_to sets slot and how)."""

    row: Row
    role: str  # data | header | heading | other
    labels: tuple[Cell, ...]
    values: tuple[Cell, ...]  # the cells after the labels, trailing blanks dropped
    raw_values: tuple[Cell, ...]  # the same with trailing blanks
    weights: dict = field(default_factory=dict)  # slot index -> weight (data rows)
    anchor: str = ""  # label | group | bare | unknown_label
    slot: int | None = None
    how: str = ""  # label | group | position | ambiguous | skipped
    block: str | None = None  # heading rows: the block they open


_VALUE_KINDS = frozenset({Kind.INTEGER, Kind.DECIMAL, Kind.ZERO, Kind.NA})


def _split_row(kinds: list[Kind]) -> tuple[list[int], int]:
    """(indices of the leading label cells, index where the values start)."""
    first_value = next((i for i, k in enumerate(kinds) if k in _VALUE_KINDS), len(kinds))
    text_before = [i for i in range(first_value) if kinds[i] == Kind.TEXT]
    return text_before, (text_before[-1] + 1 if text_before else 0)


def _strip_trailing_blanks(cells: tuple[Cell, ...]) -> tuple[Cell, ...]:
    end = len(cells)
    while end and parse_value(cells[end - 1].text).kind == Kind.BLANK:
        end -= 1
    return cells[:end]


@dataclass(frozen=True)
class RowFacts:
    """What alignment needs from a source row, whatever the template (computed once per row)."""

    row: Row
    cells: tuple[Cell, ...]
    label_at: tuple[int, ...]  # indices of the leading label cells
    start: int  # index where the values start
    keys: tuple[str, ...]  # label_key of each cell ("" for values and blanks)


def row_facts(tables: tuple[Table, ...]) -> tuple[RowFacts, ...]:
    """Rows' facts; a leading empty cell that every row of a table has (`| a | b |`) is dropped."""
    out = []
    for table in tables:
        lead = all(r.cells and not r.cells[0].text for r in table.rows)
        for row in table.rows:
            cells = row.cells[1:] if lead else row.cells
            kinds = [parse_value(c.text).kind for c in cells]
            label_at, start = _split_row(kinds)
            keys = tuple(label_key(c.text) if k == Kind.TEXT else "" for c, k in zip(cells, kinds))
            out.append(RowFacts(row, cells, tuple(label_at), start, keys))
    return tuple(out)


_WEIGHT = {"label": 4, "group": 2, "bare": 1, "unknown_label": 1}


def _classify(f: RowFacts, template: Template, current_block) -> ParsedRow:
    cells, label_at, start = f.cells, f.label_at, f.start
    matched = [(i, t) for i in label_at[:2] if (t := template.row_matcher.match(f.keys[i])[0])]
    if matched and matched[-1][0] < label_at[-1] and len(f.keys[matched[-1][0] + 1]) <= 4:
        start = matched[-1][0] + 1  # a word after a recognised label is a value in words ("若干"), not more label
    labels = tuple(cells[i] for i in label_at if i < start)
    raw_values = cells[start:]
    values = _strip_trailing_blanks(raw_values)
    targets = [t for _, t in matched]
    row_t = next((t for t in reversed(targets) if t[0] == "row"), None)
    group_t = next((t for t in reversed(targets) if t[0] == "group"), None)
    block_t = next((t for t in targets if t[0] == "block"), None)
    if not values and row_t is None:
        role = "heading" if block_t else "header" if labels else "other"
        return ParsedRow(f.row, role, labels, values, raw_values, block=block_t[1] if block_t else None)
    slots = template.slots
    block = block_t[1] if block_t else current_block
    in_block = [i for i, s in enumerate(slots) if block is None or s.block == block]
    if row_t:
        anchor, allowed = "label", [row_t[1]]
    elif group_t:
        anchor, allowed = "group", [i for i in in_block if group_t[1] in slots[i].row.groups]
    else:
        anchor, allowed = ("unknown_label" if labels else "bare"), in_block
    return ParsedRow(f.row, "data", labels, values, raw_values, {i: _WEIGHT[anchor] for i in allowed}, anchor)


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


def _prefix_scores(weights: list[dict], n: int) -> list[list[int]]:
    f = [[0] * (n + 1)]
    for w in weights:
        prev, cur, left = f[-1], [0] * (n + 1), 0
        for j in range(1, n + 1):
            best = prev[j] if prev[j] > left else left
            wt = w.get(j - 1)
            if wt is not None and prev[j - 1] + wt > best:
                best = prev[j - 1] + wt
            cur[j] = left = best
        f.append(cur)
    return f


def _suffix_scores(weights: list[dict], n: int) -> list[list[int]]:
    b = [[0] * (n + 1)]
    for w in reversed(weights):
        nxt, cur, right = b[0], [0] * (n + 1), 0
        for j in range(n - 1, -1, -1):
            best = nxt[j] if nxt[j] > right else right
            wt = w.get(j)
            if wt is not None and nxt[j + 1] + wt > best:
                best = nxt[j + 1] + wt
            cur[j] = right = best
        b.insert(0, cur)
    return b


def align_rows(weights: list[dict], n: int) -> list[tuple[int | None, set[int]]]:
    """For each data row: (the slot it takes in every best alignment, or None; the slots it may take).

    An alignment maps rows to template slots in order, each slot at most once; a row may stay
    unplaced. Best = largest total weight (a labelled row outweighs rows placed by position). A
    row is placed only when every best alignment puts it in the same slot: never a guess."""
    f, b = _prefix_scores(weights, n), _suffix_scores(weights, n)
    best = f[len(weights)][n]
    out = []
    for i, w in enumerate(weights):
        possible = {t for t, wt in w.items() if f[i][t] + wt + b[i + 1][t + 1] == best}
        can_skip = any(f[i][j] + b[i + 1][j] == best for j in range(n + 1))
        out.append((next(iter(possible)) if len(possible) == 1 and not can_skip else None, possible))
    return out


# ---- cells --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacedCell:
    value: Value
    cell: Cell | None = None  # the source cell (None: the row has no cell there, or no row)
    row: Row | None = None
    row_how: str = "missing"  # label | group | position | ambiguous | missing
    col_how: str = ""  # position | blank_row | collapsed
    reason: tuple[str, str] | None = None  # why the value is unknown (UNPLACED / MISSING)

    @property
    def span(self) -> Span | None:
        return self.cell.span if self.cell is not None else self.row.span if self.row is not None else None


def _keeps_blanks(rows: list[ParsedRow]) -> bool:
    """A blank cell between two values shows that this table keeps its empty cells in place."""
    for r in rows:
        kinds = [parse_value(c.text).kind for c in r.values]
        filled = [i for i, k in enumerate(kinds) if k != Kind.BLANK]
        if filled and any(kinds[i] == Kind.BLANK for i in range(filled[0], filled[-1])):
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
    n = len(slot.columns)
    values = parsed.values
    out = {}
    if len(values) == n or (len(values) < n <= len(parsed.raw_values) and keeps_blanks):
        source = parsed.raw_values[:n] if len(values) < n else values
        for (block, col), cell in zip(slot.columns, source):
            out[(block or slot.block, slot.row.key, col.key)] = PlacedCell(parse_value(cell.text), cell, parsed.row,
                                                                            how, "position")
        return out
    if not values:
        for i, (block, col) in enumerate(slot.columns):
            cell = parsed.raw_values[i] if i < len(parsed.raw_values) else None
            out[(block or slot.block, slot.row.key, col.key)] = PlacedCell(BLANK, cell, parsed.row, how, "blank_row")
        return out
    value, reason = _collapsed(values, n, "")
    for block, col in slot.columns:
        out[(block or slot.block, slot.row.key, col.key)] = PlacedCell(value, None, parsed.row, how, "collapsed", reason)
    return out


def _unplaced_slot(slot: Slot, status: str, rows: list[Row]) -> dict:
    label = slot.row.label
    if status == "ambiguous":
        reason = (f"表中无法确定哪一行是「{label}」（无标签的行多于或少于可对应的位置）",
                  f"which row of the table is '{slot.row.label_en}' cannot be told (unlabelled rows do not fit the gaps)")
    else:
        reason = (f"表中没有「{label}」行", f"the table has no row '{slot.row.label_en}'")
    row = rows[0] if len(rows) == 1 else None
    return {(block or slot.block, slot.row.key, col.key): PlacedCell(Value(Kind.MISSING), None, row, status, "", reason)
            for block, col in slot.columns}


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
            key = (slot.columns[0][0] or slot.block, slot.row.key, slot.columns[0][1].key)
            if key not in out:
                out.update(_unplaced_slot(slot, "ambiguous" if t in self.claimed else "missing", self.claimed.get(t, [])))
        return out

    def cell(self, address: Address) -> PlacedCell:
        found = self.cells.get(address)
        if found is not None:
            return found
        name = ".".join(k for k in address if k)
        return PlacedCell(Value(Kind.MISSING), reason=(f"模板中没有单元格 {name}", f"no cell {name}"))

    @property
    def placed_rows(self) -> int:
        return sum(1 for r in self.rows if r.slot is not None)

    @property
    def ambiguous_rows(self) -> int:
        return sum(1 for r in self.rows if r.role == "data" and r.how == "ambiguous")


def _edition_hits(parsed: list[ParsedRow], facts: tuple[RowFacts, ...], template: Template) -> list[Cell]:
    distinct = distinct_aliases(template)
    hits = []
    for r, f in zip(parsed, facts):
        for cell in r.labels:
            key = label_key(cell.text)
            if template.row_matcher.match(key)[1] in distinct or template.header_matcher.match(key)[1] in distinct:
                hits.append(cell)
    return hits


def align_to(tables: tuple[Table, ...], template: Template, where: str = "section", facts=None) -> Alignment:
    facts = facts if facts is not None else row_facts(tables)
    parsed = _parsed_rows(facts, template)
    data = [i for i, r in enumerate(parsed) if r.role == "data"]
    placements = align_rows([parsed[i].weights for i in data], len(template.slots))
    claimed = {}
    for i, (slot_index, possible) in zip(data, placements):
        r = parsed[i]
        if slot_index is not None:
            r.slot, r.how = slot_index, {"label": "label", "group": "group"}.get(r.anchor, "position")
        else:
            r.how = "ambiguous" if possible else "skipped"
            for t in possible:
                claimed.setdefault(t, []).append(r.row)
    hits = _edition_hits(parsed, facts, template)
    placed = sum(1 for r in parsed if r.slot is not None)
    ambiguous = sum(1 for r in parsed if r.how == "ambiguous")
    return Alignment(template, tables, where, tuple(parsed), claimed, _keeps_blanks([parsed[i] for i in data]),
                     (len(hits), placed, -ambiguous), tuple(hits))


def choose(alignments: list[Alignment], edition: str | None) -> Alignment:
    """Best-scoring layout; on a tie the layout of the report's own edition."""
    best = max(a.score for a in alignments)
    tied = [a for a in alignments if a.score == best]
    return next((a for a in tied if edition in a.template.editions), tied[0])


def aligned(report: Report, table_id: str, vocabulary) -> Alignment | None:
    """The report's `table_id` aligned to the best-fitting template (cached per report)."""
    cache = report_cache(report)
    key = ("aligned", table_id)
    if key not in cache:
        cache[key] = _align_report(report, table_id, vocabulary)
    return cache[key]


def alternatives(report: Report, table_id: str, vocabulary) -> dict[str, Alignment]:
    """Alignment against every edition's template, by template name (for the edition rules)."""
    cache = report_cache(report)
    key = ("alternatives", table_id)
    if key not in cache:
        tables, where = locate_tables(report, table_id, vocabulary)
        facts = _facts(report, tables) if tables else ()
        cache[key] = {t.name: align_to(tables, t, where, facts) for t in templates()[table_id]} if tables else {}
    return cache[key]


def _align_report(report: Report, table_id: str, vocabulary) -> Alignment | None:
    if table_id not in templates():
        return None
    options = alternatives(report, table_id, vocabulary)
    return choose(list(options.values()), report.edition) if options else None
