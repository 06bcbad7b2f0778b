"""Parse one document with grammar/report.lark (LALR, built once) into the report model.

Before the grammar sees the text, headings that stand inside a flattened line
("…报告如下: 一、概述 … 二、主动公开政府信息情况 …") are cut onto logical lines of their own. The
grammar reads the logical lines; `LineMap` maps its positions back to offsets of the file text.
The lines are lexed here with the grammar's own terminals and fed to Lark's LALR parser.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from lark import Lark, Token
from lark.exceptions import UnexpectedInput

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

    def base(self, start: int) -> int:
        """What to add to logical offset `start` to get a file offset."""
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


def logical_lines(text: str, base: int) -> LineMap:
    """Split `text` (starting at file offset `base`) into logical lines."""
    cuts, last, pos = [], 0, 0
    for line in text.split("\n"):
        line_cuts, last = _inline_cuts(line, last)
        cuts.extend(pos + cut for cut in line_cuts)
        pos += len(line) + 1
    if not cuts:
        return LineMap(text, (0,), (base,))
    # each cut adds a newline: past the k-th cut, logical offsets run k ahead of the file's
    pieces = [text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)])]
    logical_starts = (0,) + tuple(cut + k for k, cut in enumerate(cuts, 1))
    return LineMap("\n".join(pieces), logical_starts, (base,) + tuple(base + cut for cut in cuts))


@lru_cache(maxsize=1)
def _scanner() -> tuple[re.Pattern, frozenset[str]]:
    """The grammar's terminals as one regex, alternatives in the order Lark's basic lexer tries
    them, and the ignored terminals. Lexing with it directly skips Lark's per-token line and
    column bookkeeping, which nothing here reads and which cost more than the matching."""
    lexer = report_parser().parser.lexer
    assert not lexer.user_callbacks and all(t.pattern.type == "re" for t in lexer.terminals)
    alternatives = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in lexer.terminals)
    return re.compile(alternatives, lexer.g_regex_flags), lexer.ignore_types


def _tokens(text: str):
    """The tokens Lark's basic lexer yields for `text` (type, value, start_pos only); None if some
    character matches no terminal (never, the grammar being total)."""
    scanner, ignored = _scanner()
    tokens, pos, end = [], 0, len(text)
    while pos < end:
        m = scanner.match(text, pos)
        if m is None:
            return None
        if m.lastgroup not in ignored:
            tokens.append(Token(m.lastgroup, m.group(), pos))
        pos = m.end()
    return tokens


def parse_document(masked_text: str, start: int, end: int):
    """Parse masked_text[start:end] (a document); return (front, sections) of the model."""
    lines = logical_lines(masked_text[start:end], start)
    parser = report_parser()
    parser.options.transformer.lines = lines
    text = lines.text + "\n"
    tokens = _tokens(text)
    if tokens is None:
        return parser.parse(text)  # Lark reports the unexpected character
    session = parser.parse_interactive()
    try:
        for token in tokens:
            session.feed_token(token)
        return session.feed_eof(tokens[-1] if tokens else None)
    except UnexpectedInput:  # never, the grammar being total; Lark's own parse says where (line, column)
        return parser.parse(text)
