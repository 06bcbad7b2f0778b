"""Cut a file's normalized text into documents and classify each one.

Web pages glued into one file carry chrome (「字号: 大 中 小」, 「扫码使用手机浏览本页内容」, footers),
sometimes in the middle of a line. Chrome patterns are data (grammar/chrome.yaml). Chrome is
blanked in place, so offsets never move, and separating chrome cuts the file into documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from . import parsing, resource_dir
from .dates import DATE_REGEX_SOURCE
from .patterns import SkippingPattern


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    doc_type: str  # annual_report | guide | other


@dataclass(frozen=True)
class ChromeRules:
    separators: tuple[SkippingPattern, ...]
    # Noise lines: whole lines matching one of the `lines` patterns. Every line but the first
    # starts after a newline, which the regex engine finds fast, unlike a ^ at every position.
    first_noise_line: re.Pattern
    noise_line: re.Pattern  # group 1 is the line
    inline_noise: SkippingPattern  # every inline pattern as one alternation: one pass over the text
    footer_start: tuple[SkippingPattern, ...]
    footer_max_chars: int


@lru_cache(maxsize=1)
def chrome_rules() -> ChromeRules:
    data = yaml.safe_load((resource_dir("grammar") / "chrome.yaml").read_text(encoding="utf-8"))
    compile_all = lambda key: tuple(SkippingPattern(re.compile(p, re.MULTILINE)) for p in data.get(key, []))
    line = r"[ \t]*(?:%s)[ \t]*$" % ("|".join(f"(?:{p})" for p in data.get("lines", [])) or "(?!)")
    inline = "|".join(f"(?:{p})" for p in data.get("inline", [])) or "(?!)"
    return ChromeRules(compile_all("separators"), re.compile(line, re.MULTILINE),
                       re.compile(rf"\n({line})", re.MULTILINE), SkippingPattern(re.compile(inline, re.MULTILINE)),
                       compile_all("footer_start"), int(data.get("footer_max_chars", 400)))


def _noise_spans(rules: ChromeRules, text: str) -> list[tuple[int, int]]:
    first = rules.first_noise_line.match(text)
    spans = [first.span()] if first and first.end() > 0 else []
    spans += [m.span(1) for m in rules.noise_line.finditer(text) if m.end(1) > m.start(1)]
    spans += [m.span() for m in rules.inline_noise.finditer(text) if m.end() > m.start()]
    return spans


_NOT_NEWLINE = re.compile(r"[^\n]")


def blank(text: str, start: int, end: int) -> str:
    """Replace text[start:end] with spaces, keeping newlines."""
    return text[:start] + _NOT_NEWLINE.sub(" ", text[start:end]) + text[end:]


def blank_all(text: str, spans) -> str:
    """Blank many (possibly overlapping) spans in one pass."""
    pieces, pos = [], 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        pieces.append(text[pos:start])
        pieces.append(_NOT_NEWLINE.sub(" ", text[start:end]))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def mask_chrome(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Blank every chrome match; return the masked text and the separator spans."""
    rules = chrome_rules()
    separators = sorted({m.span() for p in rules.separators for m in p.finditer(text) if m.end() > m.start()})
    return blank_all(text, separators + _noise_spans(rules, text)), separators


def _mask_footer(masked: str, start: int, end: int) -> str:
    rules = chrome_rules()
    for pattern in rules.footer_start:
        m = pattern.search(masked, start, end)
        if m and len(masked[m.start():end].strip()) <= rules.footer_max_chars:
            return blank(masked, m.start(), end)
    return masked


_MIN_MEANINGFUL = 20
# matches only if a stretch holds at least _MIN_MEANINGFUL letters, digits or CJK characters
_ENOUGH_CONTENT = re.compile(r"(?:[^\u4e00-\u9fff0-9A-Za-z]*[\u4e00-\u9fff0-9A-Za-z]){%d}" % _MIN_MEANINGFUL)
_DATE_LINE = SkippingPattern(re.compile(r"^[ \t]*(?:" + DATE_REGEX_SOURCE + r")[ \t]*$", re.MULTILINE))
_TITLE_LINE = re.compile(
    r"^[ \t]*[^\n]{0,40}(?:\d{4}|[〇○零一二三四五六七八九]{4})[ \t]?年度?[^\n]{0,30}(?:报告|年报)[ \t]*$", re.MULTILINE)


def _cut_after_closings(masked: str, start: int, end: int) -> list[tuple[int, int]]:
    """A signing date followed by a report title, or by a page's metadata lines and a title,
    starts a new document even without chrome."""
    cuts = [start]
    for m in _DATE_LINE.finditer(masked, start, end):
        following = _BLANKS.match(masked, m.end(), end).end()
        title = _TITLE_LINE.match(masked, _past_header_lines(masked, following, end), end)
        if title and title.start() < end:
            cuts.append(following)
    cuts.append(end)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


_HEADING_LINE = re.compile(r"[^\n]{2,60}(?:报告|年报|指南)")


def _only_a_heading(masked: str, start: int, end: int) -> bool:
    """Text before a separator that is only a title (and the page's date or source line)."""
    lines = [line.strip() for line in masked[start:end].splitlines() if line.strip()]
    return 0 < len(lines) <= 3 and all(len(line) <= 60 for line in lines) and any(
        _HEADING_LINE.fullmatch(line) for line in lines)


_BLANKS = re.compile(r"\s*")


def _past_header_lines(masked: str, pos: int, end: int) -> int:
    """Past the next page's metadata lines (索引号 …) and blanks, which may precede its title."""
    header_line = parsing.header_line()
    while (m := header_line.match(masked, pos, end)) and m.end() > pos:
        pos = _BLANKS.match(masked, m.end(), end).end()
    return pos


def _trim(masked: str, start: int, end: int) -> tuple[int, int]:
    while start < end and masked[start].isspace():
        start += 1
    while end > start and masked[end - 1].isspace():
        end -= 1
    return start, end


_GUIDE = re.compile(r"指南")
_GUIDE_STRONG = SkippingPattern(re.compile(r"(编制|阅读|更新)本《?指南|本《指南》|政府信息公开(工作)?指南"))
_REPORT = re.compile(r"年度报告|工作报告|年报|报告如下|情况报告|公布[^\n。]{0,30}报告")
_TEMPLATE_HEADINGS = re.compile(r"主动公开政府信息(的)?情况|收到和处理政府信息公开申请|行政复议、行政诉讼情况|依申请公开政府信息")


def classify(text: str) -> str:
    head = text[:800]
    if _GUIDE_STRONG.search(head) or (_GUIDE.search(head) and not _REPORT.search(head)):
        return "guide"
    if _REPORT.search(text[:2000]) or len(_TEMPLATE_HEADINGS.findall(text)) >= 2:
        return "annual_report"
    return "other"


def split_documents(text: str) -> tuple[str, list[Segment]]:
    """Return the chrome-masked text and the documents in file order."""
    masked, separators = mask_chrome(text)
    bounds, pos = [], 0
    for start, end in separators:
        bounds.append((pos, start))
        pos = end
    bounds.append((pos, len(text)))
    pieces = []
    for start, end in bounds:
        masked = _mask_footer(masked, start, end)
        pieces.extend(_trim(masked, a, b) for a, b in _cut_after_closings(masked, start, end))
    segments = []
    for a, b in _join_headings(masked, pieces):
        if not _ENOUGH_CONTENT.match(masked, a, b):
            masked = blank(masked, a, b)
            continue
        segments.append(Segment(a, b, classify(masked[a:b])))
    return masked, segments


def _join_headings(masked: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A piece that is only a title (the page's heading above its 字号 widget) starts the next."""
    joined, start = [], None
    for i, (a, b) in enumerate(pieces):
        if i + 1 < len(pieces) and _only_a_heading(masked, a, b):
            start = a if start is None else start
            continue
        joined.append((a if start is None else start, b))
        start = None
    return joined
