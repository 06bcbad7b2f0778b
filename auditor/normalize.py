"""Normalize extracted text: Traditional → Simplified (OpenCC), full-width ASCII and punctuation
folded to half-width, U+3000 and NBSP to spaces, CRLF to LF, zero-width characters dropped.

The result keeps an offset map back to the original text, so that any span of the normalized
text names the exact original characters (line:column), Traditional input included.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import accumulate

from .model import Span
from .simplify import converter, t2s

_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0xFF5F: 0x28, 0xFF60: 0x29})
_FOLDABLE_CHAR = "[" + "".join(map(chr, sorted(_FOLD))) + "]"
# A run of foldable characters, spelled "one, then any more" rather than "one or more": a
# pattern that starts with a repetition has no first character for the regex engine to skip
# ahead to, and the search then tries to match at every offset of the text (2.5 times the time).
_FOLDABLE = re.compile(_FOLDABLE_CHAR + _FOLDABLE_CHAR + "*")
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_DROP = re.compile("\r\n?|[" + _ZERO_WIDTH + "]")
_NEWLINE = re.compile(r"\r\n|\r|\n")


def to_simplified(text: str) -> str:
    """OpenCC t2s, guaranteed to keep the length (so offsets stay one-to-one).

    Phrase conversion rarely changes length; where it does for a line, that line is converted
    character by character instead."""
    converted = t2s(text)
    if len(converted) == len(text):
        return converted
    lines = text.split("\n")
    out = []
    for line in lines:
        c = converter().convert(line)
        if len(c) != len(line):
            c = "".join(ch2 if len(ch2 := converter().convert(ch)) == 1 else ch for ch in line)
        out.append(c)
    return "\n".join(out)


@dataclass(frozen=True)
class Location:
    line: int
    column: int
    end_line: int
    end_column: int
    text: str  # the original characters


def _line_starts(text: str) -> list[int]:
    if "\r" in text:
        return [0] + [m.end() for m in _NEWLINE.finditer(text)]
    # the usual case, LF only: line lengths, without a match object per line
    return list(accumulate((len(line) + 1 for line in text.split("\n")[:-1]), initial=0))


class Text:
    """Normalized text of one input file with the map back to the original."""

    def __init__(self, original: str, normalized: str, breaks: list[tuple[int, int]], path: str = ""):
        self.original = original
        self.normalized = normalized
        self.path = path
        # breaks: (normalized offset, original offset) where the mapping shifts; ascending
        self._norm_points = [b[0] for b in breaks]
        self._orig_points = [b[1] for b in breaks]
        self._line_starts = _line_starts(original)
        self._shifts = len(breaks) > 1 or breaks[0] != (0, 0)

    def to_original(self, offset: int) -> int:
        if not self._shifts:  # the usual case: normalizing moved nothing
            return offset
        i = bisect.bisect_right(self._norm_points, offset) - 1
        return self._orig_points[i] + (offset - self._norm_points[i])

    def line_col(self, original_offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of an offset in the original text."""
        i = bisect.bisect_right(self._line_starts, original_offset) - 1
        return i + 1, original_offset - self._line_starts[i] + 1

    def locate(self, span: Span) -> Location:
        return Location(*self.position(span))

    def position(self, span: Span) -> tuple[int, int, int, int, str]:
        """The fields of locate(span) as a tuple (line, column, end line, end column, text)."""
        start = self.to_original(span.start)
        end = self.to_original(span.end) if span.end > span.start else start
        return (*self.line_col(start), *self.line_col(end), self.original[start:end])

    def line_of(self, span: Span) -> int:
        return self.line_col(self.to_original(span.start))[0]


def fold_width(text: str) -> str:
    """text.translate(_FOLD), which looks every character up in the dict: only the runs that change are."""
    return _FOLDABLE.sub(lambda m: m.group().translate(_FOLD), text)


def normalize(original: str, path: str = "") -> Text:
    simplified = fold_width(to_simplified(original))
    if not any(ch in simplified for ch in "\r" + _ZERO_WIDTH):  # the usual case; `in` beats the regex
        return Text(original, simplified, [(0, 0)], path)
    pieces: list[str] = []
    breaks = [(0, 0)]
    norm_pos = 0
    last = 0
    for m in _DROP.finditer(simplified):
        pieces.append(simplified[last:m.start()])
        norm_pos += m.start() - last
        replacement = "\n" if m.group().startswith("\r") else ""
        pieces.append(replacement)
        norm_pos += len(replacement)
        last = m.end()
        breaks.append((norm_pos, last))
    pieces.append(simplified[last:])
    return Text(original, "".join(pieces), breaks, path)
