"""Word (.docx) reader: body paragraphs and tables in document order.

Tables become one `a | b | c` line per row, merged cells (gridSpan, vMerge) written once, as a
flattened web page shows them (see grid.py). Automatic list numbering is not part of the paragraph text in the
file, so the common label formats (一、 (一) 1. a.) are rebuilt from the numbering part.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from ..errors import InputError
from . import Source
from .grid import GridCell, table_lines

_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent"))
_R, _T, _TAB, _BR, _CR = (qn(t) for t in ("w:r", "w:t", "w:tab", "w:br", "w:cr"))
_VAL = qn("w:val")
# Subtrees whose text is not part of the paragraph's running text.
_SKIPPED = frozenset(
    qn(t) for t in ("w:pPr", "w:rPr", "w:del", "w:txbxContent", "w:instrText", "w:delText")
) | {"{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
_SPACES = re.compile(r"[ \t\u00a0]+")


def read(path: Path, data: bytes) -> Source:
    document = _open(path, data)
    try:
        lines = _document_lines(document)
    except Exception as err:  # malformed XML inside a valid package; the user gets one line
        raise InputError(path, f"cannot extract text from Word document ({_describe(err)})",
                         f"无法从 Word 文档提取文字（{_describe(err)}）")
    text = "\n".join(line for line in lines if line)
    if not text.strip():
        raise InputError(path, "no text content in Word document", "Word 文档中没有文字")
    return Source(path=str(path), text=text + "\n", encoding="utf-8", format="docx")


def _open(path, data: bytes):
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as err:  # python-docx surfaces zip, XML and package errors as many types
        raise InputError(path, f"unreadable Word document ({_describe(err)})", f"无法读取的 Word 文档（{_describe(err)}）")


def _describe(err: Exception) -> str:
    detail = str(err).strip()
    return f"{type(err).__name__}: {detail}" if detail else type(err).__name__


def _document_lines(document) -> list[str]:
    numbering = _Numbering.of(document)
    lines: list[str] = []
    for block in _body_blocks(document.element.body):
        if block.tag == _P:
            label = numbering.label_for(block)  # before the emptiness test: Word counts empty items too
            text = paragraph_text(block)
            if text.strip():
                lines.extend(_clean(line) for line in (label + text).split("\n"))
        else:
            lines.extend(" | ".join(row) for row in table_rows(block))
    return lines


def _body_blocks(container):
    """Paragraphs and tables in document order, looking inside content controls."""
    for child in container:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _body_blocks(content)


def _clean(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


# --- paragraph text ---------------------------------------------------------------------------


def paragraph_text(p) -> str:
    parts: list[str] = []
    _collect_text(p, parts)
    return "".join(parts)


def _collect_text(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIPPED or not isinstance(tag, str):
            continue
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in (_BR, _CR):
            parts.append("\n")
        else:
            _collect_text(child, parts)


# --- tables -----------------------------------------------------------------------------------


def table_rows(tbl) -> list[list[str]]:
    """Rows as a flattened page shows them: each merged cell (gridSpan, vMerge) once (see grid.py)."""
    cells: list[GridCell] = []
    above: dict[int, GridCell] = {}  # by grid column, the cell a vMerge continuation extends
    for r, tr in enumerate(tbl.iterchildren(_TR)):
        column, starts = _grid_before(tr), {}
        for tc in _row_cells(tr):
            if _vmerge(tc) == "continue" and column in above:
                above[column].rows += 1
                starts[column] = above[column]
            else:
                starts[column] = GridCell(r, column, _cell_text(tc))
                cells.append(starts[column])
            column += _grid_span(tc)
        above = starts
    return table_lines(cells)


def _row_cells(tr):
    for child in tr:
        if child.tag == _TC:
            yield child
        elif child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                yield from content.iterchildren(_TC)


def _cell_text(tc) -> str:
    return _clean(" ".join(paragraph_text(p) for p in tc.iter(_P)).replace("\n", " "))


def _property(element, *path: str) -> str | None:
    """w:val of a property element such as ('w:tcPr', 'w:gridSpan'); '' when present without w:val."""
    node = element
    for name in path:
        node = node.find(qn(name))
        if node is None:
            return None
    return node.get(_VAL, "")


def _grid_span(tc) -> int:
    return _small_int(_property(tc, "w:tcPr", "w:gridSpan"), default=1, minimum=1)


def _grid_before(tr) -> int:
    return _small_int(_property(tr, "w:trPr", "w:gridBefore"), default=0)


def _vmerge(tc) -> str | None:
    value = _property(tc, "w:tcPr", "w:vMerge")
    if value is None:
        return None
    return value or "continue"  # a bare <w:vMerge/> continues the cell above


def _small_int(value: str | None, default: int, minimum: int = 0) -> int:
    """An integer attribute, clamped so that a corrupt value cannot blow up a grid."""
    try:
        return min(max(int(value), minimum), 1000)
    except (TypeError, ValueError):
        return default


# --- numbering --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str


class _Numbering:
    """List labels rebuilt from numbering.xml; counters advance as paragraphs are read in order."""

    def __init__(self, nums: dict[str, tuple[str, dict[int, int]]], abstracts: dict[str, dict[int, _Level]], styles):
        self.nums = nums  # numId -> (abstractNumId, {ilvl: startOverride})
        self.abstracts = abstracts  # abstractNumId -> {ilvl: level}
        self.styles = styles  # styleId -> w:style element
        self.counters: dict[str, dict[int, int]] = {}
        self.seen_nums: set[str] = set()

    @classmethod
    def of(cls, document) -> "_Numbering":
        numbering = _numbering_element(document)
        styles = {s.get(qn("w:styleId")): s for s in document.styles.element.iterchildren(qn("w:style"))}
        if numbering is None:
            return cls({}, {}, styles)
        abstracts = {a.get(qn("w:abstractNumId")): _levels(a) for a in numbering.iterchildren(qn("w:abstractNum"))}
        nums = {n.get(qn("w:numId")): _num(n) for n in numbering.iterchildren(qn("w:num"))}
        return cls(nums, abstracts, styles)

    def label_for(self, p) -> str:
        num_id, ilvl = self._num_pr(p)
        if num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstracts.get(abstract_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.seen_nums:
            self.seen_nums.add(num_id)
            for level, start in overrides.items():  # a restarted list: "restart numbering" in Word
                counters[level] = start - 1
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else levels[ilvl].start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        return _fill_label(levels, counters, ilvl)

    def _num_pr(self, p) -> tuple[str | None, int]:
        num_pr = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        style_id = _property(p, "w:pPr", "w:pStyle")
        for _ in range(10):  # follow basedOn, bounded against cycles
            if num_pr is not None or style_id not in self.styles:
                break
            style = self.styles[style_id]
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            style_id = _property(style, "w:basedOn")
        if num_pr is None:
            return None, 0
        return _property(num_pr, "w:numId"), _small_int(_property(num_pr, "w:ilvl"), default=0)


def _numbering_element(document):
    for rel in document.part.rels.values():
        if rel.reltype == RT.NUMBERING and not rel.is_external:
            return getattr(rel.target_part, "element", None)
    return None


def _levels(abstract) -> dict[int, _Level]:
    levels = {}
    for lvl in abstract.iterchildren(qn("w:lvl")):
        ilvl = _small_int(lvl.get(qn("w:ilvl")), default=0)
        start = _small_int(_property(lvl, "w:start"), default=1)
        levels[ilvl] = _Level(start, _property(lvl, "w:numFmt") or "decimal", _property(lvl, "w:lvlText") or "")
    return levels


def _num(num) -> tuple[str, dict[int, int]]:
    overrides = {}
    for override in num.iterchildren(qn("w:lvlOverride")):
        start = _property(override, "w:startOverride")
        if start is not None:
            overrides[_small_int(override.get(qn("w:ilvl")), default=0)] = _small_int(start, default=1)
    return _property(num, "w:abstractNumId"), overrides


def _fill_label(levels: dict[int, _Level], counters: dict[int, int], ilvl: int) -> str:
    level = levels[ilvl]
    if level.fmt == "bullet":
        return ""

    def value(match: re.Match) -> str:
        k = int(match.group(1)) - 1
        ref = levels.get(k)
        if ref is None:
            return ""
        return format_number(counters.get(k, ref.start), ref.fmt)

    return re.sub(r"%([1-9])", value, level.text)


_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def format_number(n: int, fmt: str) -> str:
    """A list counter in one of Word's numFmt styles; unknown styles fall back to decimal."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographDigital") and 0 < n < 100:
        return _chinese(n, _CN_DIGITS, "十")
    if fmt == "chineseLegalSimplified" and 0 < n < 100:
        return _chinese(n, _CN_LEGAL, "拾")
    if fmt == "ideographTraditional" and n > 0:
        return _STEMS[(n - 1) % 10]
    if fmt == "ideographZodiac" and n > 0:
        return _ZODIAC[(n - 1) % 12]
    if fmt in ("lowerLetter", "upperLetter") and n > 0:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        roman = _roman(n)
        return roman if fmt == "lowerRoman" else roman.upper()
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 0 < n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


def _chinese(n: int, digits: str, ten: str) -> str:
    tens, units = divmod(n, 10)
    if tens == 0:
        return digits[units]
    return (digits[tens] if tens > 1 else "") + ten + (digits[units] if units else "")


def _roman(n: int) -> str:
    out = []
    for value, numeral in _ROMAN:
        count, n = divmod(n, value)
        out.append(numeral * count)
    return "".join(out)
