"""User-supplied regular expressions: compiled once, always run with a time bound.

Rules are data written by users, so a pattern may backtrack catastrophically; the `regex`
module's timeout turns that into an error finding for that rule instead of a hung audit.

The timeout is costly, though: with it `regex` checks the clock as it scans, which makes a search
several times slower. So a search first skips, by plain substring search, to where a match can
begin (when every match of the pattern begins with one of a few known strings), and a pattern that
is nothing but a choice of plain strings runs without a timeout: it cannot backtrack beyond the
length of its strings, so its time is bounded by the text's length anyway.

The application's own `re` patterns (chrome, date lines) get the same skipping from
`SkippingPattern`: `re` skips ahead by itself only to a literal prefix or to a set of first
characters it can read off the pattern's start, and otherwise tries to match at every offset."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

import regex

from .errors import Problem

TIMEOUT_SECONDS = 0.5


class PatternError(Problem):
    """A rule's regular expression does not compile, or ran past its time bound."""


@lru_cache(maxsize=4096)
def compile_pattern(source: str) -> "regex.Pattern":
    try:
        return regex.compile(source, regex.MULTILINE | regex.V0)
    except regex.error as err:
        raise PatternError(f"invalid regular expression {source!r}: {err}", f"正则表达式无效 {source!r}：{err}") from None


@dataclass(frozen=True)
class _Plan:
    pattern: "regex.Pattern"
    starts: tuple[str, ...] | None  # every match begins with one of these strings; None: not known
    plain: bool  # the pattern is exactly the choice between `starts`: no timeout needed


_SPECIAL = frozenset("\\.^$*+?{}[]()|#")


@lru_cache(maxsize=4096)
def _plan(source: str) -> _Plan:
    pattern = compile_pattern(source)
    choices = source.split("|")
    if all(choices) and not _SPECIAL.intersection(source.replace("|", "")):
        return _Plan(pattern, tuple(choices), True)
    return _Plan(pattern, match_starts(source), False)


def _where(plan: _Plan, text: str, pos: int, endpos: int | None) -> tuple[int, int | None, bool] | None:
    """(start, endpos, untimed) for the search: from the first offset where a match can begin when
    the pattern's starts are known, untimed for a plain choice of strings; None when no match can
    begin. Unusual bounds (negative, past the end) are left to `regex` as given."""
    end = len(text) if endpos is None else endpos
    if plan.starts is None or not 0 <= pos <= end <= len(text):
        return pos, end, False
    start = _first_start(plan.starts, text, pos, end)
    return (start, end, plan.plain) if start >= 0 else None


def _first_start(starts: tuple[str, ...], text: str, pos: int, end: int) -> int:
    """The first offset in text[pos:end] where one of `starts` occurs, or -1."""
    first = -1
    for s in starts:
        limit = end if first < 0 else min(end, first - 1 + len(s))  # only occurrences before `first`
        i = text.find(s, pos, limit)
        if i >= 0:
            first = i
    return first


def _too_slow(source: str) -> PatternError:
    return PatternError(f"pattern {source!r} took longer than {TIMEOUT_SECONDS}s (catastrophic backtracking?)",
                        f"正则表达式 {source!r} 运行超过 {TIMEOUT_SECONDS} 秒（可能是灾难性回溯）")


def finditer(source: str, text: str, pos: int = 0, endpos: int | None = None):
    plan = _plan(source)
    where = _where(plan, text, pos, endpos)
    if where is None:
        return
    start, end, untimed = where
    if untimed:
        yield from plan.pattern.finditer(text, start, end)
        return
    try:
        yield from plan.pattern.finditer(text, start, end, timeout=TIMEOUT_SECONDS)
    except TimeoutError:
        raise _too_slow(source) from None


def search(source: str, text: str, pos: int = 0, endpos: int | None = None):
    plan = _plan(source)
    where = _where(plan, text, pos, endpos)
    if where is None:
        return None
    start, end, untimed = where
    if untimed:  # the first of the strings found at the first offset, as a search would
        return plan.pattern.match(text, start, end)
    try:
        return plan.pattern.search(text, start, end, timeout=TIMEOUT_SECONDS)
    except TimeoutError:
        raise _too_slow(source) from None


# Reading a pattern's structure with the standard library's parser: it reads what `regex` reads in
# version 0 for everything allowed below; what it reads differently (a fuzzy `{e<=1}` it takes for
# plain characters, a POSIX class `[[:alpha:]]` it takes for a set and warns about) is refused.
try:
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # Python < 3.11
    import sre_constants as _sre
    import sre_parse as _sre_parse

_POSITION_FREE = {_sre.LITERAL, _sre.NOT_LITERAL, _sre.IN, _sre.ANY, _sre.BRANCH, _sre.SUBPATTERN,
                  _sre.MAX_REPEAT, _sre.MIN_REPEAT}
_BRACES = {ord("{"), ord("}"), ord("[")}
_POSIX_CLASS = re.compile(r"\[[:=.]")  # [:alpha:], [=a=], [.a.]: sets in `regex`, plain characters to re


def match_starts(source: str) -> tuple[str, ...] | None:
    """Strings one of which begins every match of `source`, or None when that is not certain.

    Only for patterns whose matching at an offset ignores the text before it (no anchors, word
    boundaries, lookarounds or back references), so that a search may start at the first of
    these strings and find what a search from the beginning finds."""
    if _POSIX_CLASS.search(source):  # re warns about one only where it opens a set ([[:alpha:]]), not in [x[:alpha:]]
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parsed = _sre_parse.parse(source)
    except (re.error, Warning, RecursionError):
        return None
    if parsed.state.flags != re.UNICODE or not _position_free(parsed.data, _BRACES):
        return None
    return _distinct_starts(parsed.data)


def _distinct_starts(items) -> tuple[str, ...] | None:
    starts = _starts(items)
    return tuple(dict.fromkeys(starts)) if starts else None


def _position_free(items, refused_literals=frozenset()) -> bool:
    for op, av in items:
        if op not in _POSITION_FREE or (op is _sre.LITERAL and av in refused_literals):
            return False
        if op is _sre.BRANCH and not all(_position_free(alt.data, refused_literals) for alt in av[1]):
            return False
        if op is _sre.SUBPATTERN and (av[1] or av[2] or not _position_free(av[3].data, refused_literals)):
            return False
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and not _position_free(av[2].data, refused_literals):
            return False
    return True


def _starts(items) -> list[str] | None:
    """Non-empty strings one of which begins every match of the parsed sequence `items`."""
    if not items:
        return None
    op, av = items[0]
    if op is _sre.LITERAL:
        run = []
        for op2, av2 in items:
            if op2 is not _sre.LITERAL:
                break
            run.append(chr(av2))
        return ["".join(run)]
    if op is _sre.IN and all(kind is _sre.LITERAL for kind, _ in av):
        return [chr(ch) for _, ch in av]
    if op is _sre.SUBPATTERN:
        return _starts(av[3].data)
    if op is _sre.BRANCH:
        found = [_starts(alt.data) for alt in av[1]]
        return None if None in found else [s for alt in found for s in alt]
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and av[0] >= 1:
        return _starts(av[2].data)
    return None


class SkippingPattern:
    """A compiled `re` pattern whose search and finditer find what the pattern's own do, skipping
    ahead to where a match can begin when `re` cannot: to one of the strings that begin every
    match (`match_starts`), or for a pattern that starts with ^ (MULTILINE) to the starts of lines,
    found as newlines, each of which `re` finds at once. Patterns that never match the empty
    string only: then a finditer is a search from the end of each match."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        # every match begins `shift` characters after a match of `finder`; None: no shortcut
        self.finder, self.shift = _candidate_finder(pattern)

    def search(self, text: str, pos: int = 0, endpos: int | None = None):
        endpos = len(text) if endpos is None else endpos
        if self.finder is None:
            return self.pattern.search(text, pos, endpos)
        return self._next(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None):
        endpos = len(text) if endpos is None else endpos
        if self.finder is None:
            yield from self.pattern.finditer(text, pos, endpos)
            return
        while (m := self._next(text, pos, endpos)) is not None:
            yield m
            pos = m.end()

    def _next(self, text: str, pos: int, endpos: int):
        start = pos - self.shift
        if start < 0:  # the first line, which no newline comes before
            m = self.pattern.match(text, pos, endpos)
            if m is not None:
                return m
            start = 0
        while (candidate := self.finder.search(text, start, endpos)) is not None:
            m = self.pattern.match(text, candidate.start() + self.shift, endpos)
            if m is not None:
                return m
            start = candidate.start() + 1
        return None


def _candidate_finder(pattern: re.Pattern) -> tuple[re.Pattern | None, int]:
    if pattern.flags & ~(re.UNICODE | re.MULTILINE | re.DOTALL):
        return None, 0
    parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
    if parsed.getwidth()[0] == 0 or parsed.state.flags != pattern.flags:  # empty matches, or inline flags
        return None, 0
    first = parsed.data[0] if parsed.data else None
    if first == (_sre.AT, _sre.AT_BEGINNING) and pattern.flags & re.MULTILINE and pattern.pattern.startswith("^"):
        return re.compile("\n(?:" + pattern.pattern[1:] + ")", pattern.flags), 1
    starts = _distinct_starts(parsed.data) if _position_free(parsed.data) else None
    if starts is None:
        return None, 0
    return re.compile("|".join(map(re.escape, starts))), 0
