"""Parse one document with grammar/report.lark (LALR, built once) into the report model.

Before the grammar sees the text, headings that stand inside a flattened line
("…报告如下: 一、概述 … 二、主动公开政府信息情况 …") are cut onto logical lines of their own. The
grammar reads the logical lines; `LineMap` maps its positions back to offsets of the file text.
The lines are lexed here with the grammar's own terminals and parsed by `_LalrDriver`, a plain
loop over the parse table Lark builds from the grammar.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from lark import Lark
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.grammar import Rule
from lark.parsers.lalr_analysis import Shift

from . import resource_dir
from .model import Span


@lru_cache(maxsize=1)
def report_parser() -> Lark:
    """The LALR parser with the transformer embedded: the model is built while parsing, with no
    intermediate tree. The transformer reads the current document's LineMap from `lines`."""
    from .transform import ReportTransformer

    grammar = (resource_dir("grammar") / "report.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="basic", propagate_positions=False, maybe_placeholders=False, cache=True,
                transformer=ReportTransformer())


@lru_cache(maxsize=1)
def header_line() -> re.Pattern:
    """A page's metadata line (索引号, 发布机构, 发布日期 …), as the grammar's META terminal knows it."""
    return re.compile(r"[ \t]*(?:" + report_parser().get_terminal("META").pattern.value + r")[ \t]*(?:\n|$)")


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_ordinal(numeral: str) -> int | None:
    """一→1, 十→10, 十二→12, 二十→20, 二十三→23 (heading numbers only)."""
    if not numeral:
        return None
    if "十" not in numeral:
        return _CN_DIGITS.get(numeral) if len(numeral) == 1 else None
    tens, _, ones = numeral.partition("十")
    value = (_CN_DIGITS.get(tens, 0) if tens else 1) * 10
    return value + (_CN_DIGITS.get(ones, 0) if ones else 0)


_LINE_H1 = re.compile(r"[ \t]*([一二三四五六七八九十]{1,3})[、.]")
# A numeral run after a sentence end or a blank; the lookbehind sits after the first numeral so
# that the regex engine can skip ahead to numerals instead of trying every position.
_INLINE_H1 = re.compile(r"([一二三四五六七八九十](?<=[\s。:;!?」”)][一二三四五六七八九十])[一二三四五六七八九十]{0,2})、")


@dataclass(frozen=True)
class LineMap:
    """Logical-line text handed to the grammar, and the way back to file offsets: the logical
    start of the text and of every piece cut off a line, with the file offset of each."""

    text: str
    logical_starts: tuple[int, ...]
    file_starts: tuple[int, ...]
    offset: int | None = None  # what base() always is when nothing was cut (most documents)

    def base(self, start: int) -> int:
        """What to add to logical offset `start` to get a file offset."""
        if self.offset is not None:
            return self.offset
        i = bisect.bisect_right(self.logical_starts, start) - 1
        return self.file_starts[i] - self.logical_starts[i]

    def span(self, start: int, end: int) -> Span:
        base = self.base(start)
        return Span(start + base, end + base)


def _inline_cuts(line: str, last: int) -> tuple[list[int], int]:
    """Positions in `line` where a next-in-sequence 一、/二、… heading starts; the last number."""
    cuts = []
    if "|" in line:
        return cuts, last
    head = _LINE_H1.match(line)
    if head:
        last = cn_ordinal(head.group(1)) or last
    if "、" not in line:
        return cuts, last
    for m in _INLINE_H1.finditer(line, head.end() if head else 0):
        value = cn_ordinal(m.group(1))
        if value == last + 1:
            cuts.append(m.start())
            last = value
    return cuts, last


# Every place _inline_cuts could cut, and more (it also skips table lines and numbers out of
# sequence), in one pass over the text: a 、 after one to three numerals after a blank or a
# sentence end. The blank is no newline: at the start of a line, _inline_cuts sees nothing before
# the numeral. The 、 comes first in the regex so that the search can skip ahead to it.
_BLANK_OR_MARK, _NUMERAL = r"(?:[^\S\n]|[。:;!?」”)])", "[一二三四五六七八九十]"
_ANY_INLINE_H1 = re.compile(rf"、(?:(?<={_BLANK_OR_MARK}{_NUMERAL}、)|(?<={_BLANK_OR_MARK}{_NUMERAL}{_NUMERAL}、)"
                            rf"|(?<={_BLANK_OR_MARK}{_NUMERAL}{_NUMERAL}{_NUMERAL}、))")


def _cuts(text: str) -> list[int]:
    """Offsets in `text` where an inline heading starts a logical line."""
    cuts, last, pos = [], 0, 0
    for line in text.split("\n"):
        line_cuts, last = _inline_cuts(line, last)
        if line_cuts:
            cuts.extend(pos + cut for cut in line_cuts)
        pos += len(line) + 1
    return cuts


def logical_lines(text: str, base: int) -> LineMap:
    """Split `text` (starting at file offset `base`) into logical lines."""
    cuts = _cuts(text) if _ANY_INLINE_H1.search(text) else []
    if not cuts:
        return LineMap(text, (0,), (base,), base)
    # each cut adds a newline: past the k-th cut, logical offsets run k ahead of the file's
    pieces = [text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)])]
    logical_starts = (0,) + tuple(cut + k for k, cut in enumerate(cuts, 1))
    return LineMap("\n".join(pieces), logical_starts, (base,) + tuple(base + cut for cut in cuts))


@lru_cache(maxsize=1)
def _scanner() -> tuple[re.Pattern, re.Pattern, frozenset[str]]:
    """The grammar's terminals as one regex, alternatives in the order Lark's basic lexer tries
    them; the same for a newline, with the ignored blanks that start there; the ignored terminals.
    Lexing with them directly skips Lark's per-token line and column bookkeeping, which nothing
    here reads and which cost more than the matching.

    Every token ends before a newline (or at the end) and only the blanks match at one, so from a
    newline Lark's lexer skips the blanks and matches the next token: the second regex does both
    in one match. Its lookahead takes all the blanks (the backreference consumes them), so no
    terminal backtracks into them."""
    lexer = report_parser().parser.lexer
    assert not lexer.user_callbacks and all(t.pattern.type == "re" for t in lexer.terminals)
    ignored = lexer.ignore_types

    def alternatives(terminals):
        return "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals)

    blanks = "|".join(t.pattern.to_regexp() for t in lexer.terminals if t.name in ignored)
    tokens = alternatives(t for t in lexer.terminals if t.name not in ignored)
    after_newline = f"(?=(?P<_BLANKS>(?:{blanks})*))(?P=_BLANKS)(?:{tokens})"
    flags = lexer.g_regex_flags
    return re.compile(alternatives(lexer.terminals), flags), re.compile(after_newline, flags), ignored


class _Token(NamedTuple):
    """The part of a Lark token that the parser and the transformer read; cheaper to build."""

    type: str
    value: str
    start_pos: int


_new_token = tuple.__new__  # _new_token(_Token, (type, value, start_pos)), past the generated __new__


def _tokens(text: str) -> list[_Token] | None:
    """The tokens Lark's basic lexer yields for `text`; None if some character matches no
    terminal (never, the grammar being total)."""
    scanner, after_newline, ignored = _scanner()
    tokens, pos, end = [], 0, len(text)
    while pos < end:
        m = after_newline.match(text, pos) if text[pos] == "\n" else None
        if m is None:  # not at a newline, or only blanks left
            m = scanner.match(text, pos)
            if m is None:
                return None
        kind, stop = m.lastgroup, m.end()
        if kind not in ignored:
            start = m.start(kind)
            tokens.append(_new_token(_Token, (kind, text[start:stop], start)))
        pos = stop
    return tokens


class _LalrDriver:
    """Lark's LALR(1) table for the grammar, run by a loop of its own that calls the transformer's
    rule methods directly on each reduction: Lark's interactive parser costs more per token than
    the whole table walk (a state object, a chain of tree-builder wrappers per reduction).

    The children each method receives are exactly those Lark's tree builder would hand it: rules
    named with a leading "_" (the grammar's `*` repetitions) are inlined into their parent."""

    def __init__(self, lark: Lark):
        parser = lark.parser.parser.parser  # frontend → LALR_Parser → _Parser
        table, transformer = parser.parse_table, lark.options.transformer
        if any(isinstance(key, str) for key in parser.callbacks):
            raise NotImplementedError("terminal callbacks")
        self.start_state = table.start_states["start"]
        self.end_state = table.end_states["start"]
        # per state: symbol → next state (a shift, or the goto after a reduction) or _Reduction
        self.actions = [{} for _ in range(len(table.states))]
        for state, row in table.states.items():
            for symbol, (action, arg) in row.items():
                self.actions[state][symbol] = arg if action is Shift else _reduction(arg, transformer)

    def parse(self, tokens: list[_Token]):
        """The transformer's value for `start`; UnexpectedToken where the table has no action."""
        actions, end_state = self.actions, self.end_state
        states, values = [self.start_state], []
        for token in tokens + [_END]:
            kind = token.type
            while True:
                action = actions[states[-1]].get(kind)
                if action.__class__ is int:
                    break
                if action is None:
                    raise UnexpectedToken(token, {s for s in actions[states[-1]] if s.isupper()})
                size, symbol, build = action
                if size:
                    children = values[-size:]
                    del values[-size:], states[-size:]
                else:
                    children = []
                value = build(children)
                goto = actions[states[-1]][symbol]
                if goto == end_state:  # `start` reduced, which only $END lets happen
                    return value
                states.append(goto)
                values.append(value)
            states.append(action)
            values.append(token)
        raise AssertionError("unreachable: $END always ends at `start`")


_END = _Token("$END", "", -1)


class _Reduction(NamedTuple):
    size: int  # children popped
    symbol: str  # the rule's origin, for the goto
    build: Callable[[list], Any]  # children → value


def _reduction(rule: Rule, transformer) -> _Reduction:
    """What reducing `rule` does, as Lark's tree builder would: drop filtered-out terminals, splice
    in the children of inlined rules; an inlined rule's value is its children list."""
    if rule.alias or rule.options.expand1 or rule.options.keep_all_tokens or rule.options.template_source:
        raise NotImplementedError(f"rule options of {rule}")
    keep = tuple((i, _is_inlined(symbol)) for i, symbol in enumerate(rule.expansion)
                 if not (symbol.is_term and symbol.filter_out))
    splice = _splicer(keep, len(rule.expansion))
    if _is_inlined(rule.origin):
        build = splice or _as_is
    else:
        method = getattr(transformer, rule.origin.name)
        build = (lambda children: method(splice(children))) if splice else method
    return _Reduction(len(rule.expansion), rule.origin.name, build)


def _is_inlined(symbol) -> bool:
    return not symbol.is_term and symbol.name.startswith("_")


def _as_is(children: list) -> list:
    return children


def _append_to_first(children: list) -> list:
    """A left-recursive repetition (`items: items item`) grows its list in place."""
    items = children[0]
    items.append(children[1])
    return items


def _splicer(keep: tuple[tuple[int, bool], ...], size: int) -> Callable[[list], list] | None:
    """None when the children pass as they are."""
    if keep == tuple((i, False) for i in range(size)):
        return None
    if keep == ((0, True), (1, False)):
        return _append_to_first

    def splice(children: list) -> list:
        out = []
        for i, inlined in keep:
            if inlined:
                out.extend(children[i])
            else:
                out.append(children[i])
        return out

    return splice


@lru_cache(maxsize=1)
def _driver() -> _LalrDriver:
    return _LalrDriver(report_parser())


def parse_document(masked_text: str, start: int, end: int):
    """Parse masked_text[start:end] (a document); return (front, sections) of the model."""
    lines = logical_lines(masked_text[start:end], start)
    parser = report_parser()
    parser.options.transformer.lines = lines
    text = lines.text + "\n"
    tokens = _tokens(text)
    if tokens is not None:
        try:
            return _driver().parse(tokens)
        except UnexpectedInput:  # never, the grammar being total
            pass
    return parser.parse(text)  # Lark's own parse says where (line, column)
