"""PDF reader: the text layer in reading order, ruled tables as `a | b | c` rows.

Text inside a ruled table is replaced by the table's rows, placed at the table's vertical
position. Lines a paragraph was wrapped into are joined back (one paragraph per line, as the
rest of the pipeline expects), also across a page break. Page numbers in the top or bottom
margin are dropped. There is no OCR: a PDF of page images is refused.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from ..errors import InputError
from . import Source
from .grid import GridCell, table_lines

# pdfminer logs every repaired defect of a damaged file as a warning; the user gets one line
# from us instead (or nothing, when the text came out anyway).
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_MARGIN_BAND = 0.1  # share of the page height, top and bottom, where page numbers live
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–─_\s]*\d{1,4}[-—–─_\s]*|第\s*\d+\s*页(?:\s*[,\uff0c/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$"
)
# A line starting like this opens a new paragraph even when it is not indented.
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[(\uff08][一二三四五六七八九十百\d]+[)\uff09]|\d+[、.\uff0e](?!\d)|"
    r"第[一二三四五六七八九十百\d]+[章节条部分]|表[一二三四五六七八九十\d]|附件)"
)
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_EPSILON = 0.5


@dataclass(frozen=True)
class _Line:
    text: str
    page: int
    top: float
    height: float = 0.0
    is_table_row: bool = False
    indented: bool = False
    reaches_right: bool = False


def read(path: Path, data: bytes) -> Source:
    pages = _extract_pages(path, data)
    if not any(pages):
        raise InputError(path, "no text layer (scanned PDF?); OCR is not supported",
                         "没有文字层（扫描件？），暂不支持文字识别(OCR)")
    text, page_starts = _assemble(pages)
    return Source(path=str(path), text=text, encoding="utf-8", format="pdf", pages=page_starts)


def _extract_pages(path, data: bytes) -> list[list[_Line]]:
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [_page_lines(page, number) for number, page in enumerate(pdf.pages, 1)]
    except Exception as err:  # pdfminer raises a zoo of types for damaged or encrypted files
        raise InputError(path, *_describe_failure(err))


def _describe_failure(err: Exception) -> tuple[str, str]:
    # pdfplumber wraps pdfminer's PDFPasswordIncorrect and friends in its own exception type.
    related = [e for e in (err, err.__cause__, *err.args) if isinstance(e, Exception)]
    if any("Password" in type(e).__name__ or "Encrypt" in type(e).__name__ for e in related):
        return "encrypted PDF (a password is required to open it)", "加密的 PDF（需要密码才能打开）"
    detail = f"{type(err).__name__}{': ' + str(err).strip() if str(err).strip() else ''}"
    return f"unreadable PDF ({detail})", f"无法读取的 PDF（{detail}）"


# --- one page ---------------------------------------------------------------------------------


def _page_lines(page, number: int) -> list[_Line]:
    tables = [table for table in page.find_tables() if is_data_table(table)]
    boxes = [table.bbox for table in tables]
    outside = page.filter(lambda obj: not _inside_any(obj, boxes)) if boxes else page
    text_lines = [
        d for d in outside.extract_text_lines(return_chars=False, strip=True)
        if d["text"].strip() and not _is_page_number(d, page.height)
    ]
    lines = _text_lines(text_lines, number)
    for table in tables:
        top = table.bbox[1]
        for i, row in enumerate(table_rows(table)):
            lines.append(_Line(" | ".join(row), number, top + i * 1e-3, is_table_row=True))
    return sorted(lines, key=lambda line: line.top)


def is_data_table(table) -> bool:
    """A ruled box with one row or one column is a frame or a rule, not a table of figures."""
    return len({cell[0] for cell in table.cells}) >= 2 and len({cell[1] for cell in table.cells}) >= 2


def _inside_any(obj: dict, boxes: list[tuple]) -> bool:
    if "x0" not in obj or "top" not in obj:
        return False
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _is_page_number(line: dict, page_height: float) -> bool:
    in_margin = line["bottom"] < page_height * _MARGIN_BAND or line["top"] > page_height * (1 - _MARGIN_BAND)
    return in_margin and bool(_PAGE_NUMBER.match(line["text"].strip()))


def _text_lines(found: list[dict], number: int) -> list[_Line]:
    """Lines with the geometry that paragraph joining needs: indented? running to the right margin?"""
    if not found:
        return []
    left = min(d["x0"] for d in found)
    right = max(d["x1"] for d in found)
    lines = []
    for d in found:
        height = max(d["bottom"] - d["top"], 1.0)
        lines.append(_Line(
            text=d["text"].strip(), page=number, top=d["top"], height=height,
            indented=d["x0"] > left + height / 2,
            reaches_right=d["x1"] >= right - 1.5 * height,
        ))
    return lines


# --- tables -----------------------------------------------------------------------------------


def table_rows(table) -> list[list[str]]:
    """Rows of a pdfplumber table as a flattened page shows them: each merged cell once (see grid.py)."""
    xs = sorted({cell[0] for cell in table.cells})
    tops = sorted({cell[1] for cell in table.cells})
    cells = []
    for row, texts in zip(table.rows, table.extract()):
        for cell, text in zip(row.cells, texts):
            if cell is None:
                continue
            rows, columns = _covered(tops, cell[1], cell[3]), _covered(xs, cell[0], cell[2])
            if rows and columns:
                cells.append(GridCell(rows[0], columns[0], _cell_text(text), len(rows)))
    return table_lines(cells)


def _covered(starts: list[float], low: float, high: float) -> range:
    indexes = [i for i, s in enumerate(starts) if low - _EPSILON <= s < high - _EPSILON]
    return range(indexes[0], indexes[-1] + 1) if indexes else range(0)


def _cell_text(text: str | None) -> str:
    lines = [part.strip() for part in (text or "").splitlines() if part.strip()]
    joined = ""
    for line in lines:
        joined = joined + _glue(joined, line) + line if joined else line
    return re.sub(r"\s+", " ", joined)


# --- assembling pages -------------------------------------------------------------------------


def _assemble(pages: list[list[_Line]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Join wrapped lines into paragraphs; return the text and where each page starts in it."""
    pieces: list[str] = []
    length = 0
    starts: list[int | None] = []
    previous: _Line | None = None
    for lines in pages:
        start = None
        for line in lines:
            if previous is not None:
                separator = _separator(previous, line)
                pieces.append(separator)
                length += len(separator)
            if start is None:
                start = length
            pieces.append(line.text)
            length += len(line.text)
            previous = line
        starts.append(start)
    text = "".join(pieces) + "\n"
    return text, _fill_empty_pages(starts, len(text))


def _separator(previous: _Line, line: _Line) -> str:
    return _glue(previous.text, line.text) if _continues(previous, line) else "\n"


def _continues(previous: _Line, line: _Line) -> bool:
    """Is `line` the wrapped continuation of `previous`'s paragraph?"""
    if previous.is_table_row or line.is_table_row:
        return False
    if not previous.reaches_right or line.indented or _HEADING_START.match(line.text):
        return False
    if line.page == previous.page and line.top - (previous.top + previous.height) > previous.height:
        return False  # a blank line's worth of space separates paragraphs
    return True


def _glue(left: str, right: str) -> str:
    """What goes between two wrapped pieces: nothing in CJK text, a space between Latin words."""
    return " " if _ASCII_WORD.match(left[-1]) and _ASCII_WORD.match(right[0]) else ""


def _fill_empty_pages(starts: list[int | None], end: int) -> tuple[tuple[int, int], ...]:
    """A page without text starts where the next page with text does (or at the end)."""
    filled: list[int] = []
    following = end
    for start in reversed(starts):
        following = start if start is not None else following
        filled.append(following)
    filled.reverse()
    return tuple((offset, number) for number, offset in enumerate(filled, 1))
