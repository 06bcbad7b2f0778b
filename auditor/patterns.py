"""User-supplied regular expressions: compiled once, always run with a time bound.

Rules are data written by users, so a pattern may backtrack catastrophically; the `regex`
module's timeout turns that into an error finding for that rule instead of a hung audit."""

from __future__ import annotations

from functools import lru_cache

import regex

TIMEOUT_SECONDS = 0.5


class PatternError(ValueError):
    pass


@lru_cache(maxsize=4096)
def compile_pattern(source: str) -> "regex.Pattern":
    try:
        return regex.compile(source, regex.MULTILINE | regex.V0)
    except regex.error as err:
        raise PatternError(f"invalid regular expression {source!r}: {err}") from None


def finditer(source: str, text: str, pos: int = 0, endpos: int | None = None):
    pattern = compile_pattern(source)
    try:
        yield from pattern.finditer(text, pos, len(text) if endpos is None else endpos, timeout=TIMEOUT_SECONDS)
    except TimeoutError:
        raise PatternError(f"pattern {source!r} took longer than {TIMEOUT_SECONDS}s (catastrophic backtracking?)")


def search(source: str, text: str, pos: int = 0, endpos: int | None = None):
    pattern = compile_pattern(source)
    try:
        return pattern.search(text, pos, len(text) if endpos is None else endpos, timeout=TIMEOUT_SECONDS)
    except TimeoutError:
        raise PatternError(f"pattern {source!r} took longer than {TIMEOUT_SECONDS}s (catastrophic backtracking?)")
