"""PDF reader: the text layer in reading order, ruled tables as `a | b | c` rows.

Text inside a ruled table is replaced by the table's rows, placed at the table's vertical
position. Lines a paragraph was wrapped into are joined back (one paragraph per line, as the
rest of the pipeline expects), also across a page break. Page numbers in the top or bottom
margin are dropped, and so are running headers and footers, which would otherwise be glued into a
paragraph broken by the page: a line in the top or bottom tenth of the page, set apart from the
body (in a smaller font than the body text, or further from the body than the body's lines are
from each other), that recurs at the same place on at least half of the pages. It must recur as
it is, but for its numbers if it counts pages (第 3 页, Page 3, - 3 -) and for a number at either
end: the title and first line of each of several one-page reports of one agency, printed with a
narrow top margin, differ in their year only and are no running header. A table that ends a page
and goes on at the top of the next one, its header rows repeated there, is read as one table: the
repeated rows are dropped, and a cell merged down across the break is written as if the page did
not break it, when the merge can be seen (see `_join_continued_tables`): an empty cell after the
break is never filled with a number from the previous page unless that number's cell covers more
than one row there, so a number merged over the last row of a page only leaves its continuation
empty rather than risk inventing a figure for a cell the agency left blank.

A PDF whose text cannot be used is refused rather than audited as an empty document:
- glyphs of fonts without a Unicode mapping (a Type0/Identity-H font without ToUnicode) come out
  of pdfplumber as `(cid:N)`. The file is refused when more than `_UNMAPPED_SHARE` (a tenth) of
  its glyphs are such, or when one page has more than half of its glyphs (and at least
  `_UNMAPPED_PAGE_MIN`) unmapped, since a page's lost text reads as missing sections. Fewer,
  scattered ones (a bullet, a rare character of a name) are dropped and the text kept.
- there is no OCR: a PDF of page images is refused, also when a scanner app or a website stamped
  a line of text on its pages. "Almost no text" is fewer than `_SCAN_CJK_PER_PAGE` (20) CJK
  characters and fewer than `_SCAN_CHARS_PER_PAGE` (200) characters of any kind per page on
  average, with at least half of the pages covered by images over at least half of their area.
  A real report, even of one page, has hundreds of CJK characters; a stamp such as "Scanned by
  CamScanner", 扫描全能王 or a URL has a few dozen characters at most.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

import pdfplumber

from ..errors import InputError
from . import Source
from .grid import GridCell, is_number, table_lines

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
_SAME_PLACE = 2.0  # points: a running header or footer is printed at one place on every page
_SMALLER = 0.5  # points: a font this much smaller than the body's sets a margin line apart
_UNMAPPED = re.compile(r"\(cid:\d+\)")  # how pdfminer writes a glyph it has no character for
_UNMAPPED_SHARE = 0.1  # of the document's glyphs: more are refused, fewer dropped
_UNMAPPED_PAGE_MIN = 20  # glyphs: a page with fewer unmapped glyphs is never refused alone
_SCAN_CJK_PER_PAGE = 20
_SCAN_CHARS_PER_PAGE = 200
_SCAN_IMAGE_COVER = 0.5  # share of a page's area covered by images for it to count as an image page
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@dataclass(frozen=True)
class _Line:
    text: str
    page: int
    top: float
    height: float = 0.0
    is_table_row: bool = False
    indented: bool = False
    reaches_right: bool = False


@dataclass
class _Table:
    """A ruled table of one page: its cells' boxes and texts, and the grid they lie on."""

    top: float
    bottom: float
    left: float
    right: float
    boxes: list[tuple[tuple[float, float, float, float], str]]
    columns: list[float]  # where grid columns start
    row_tops: list[float]  # where grid rows start
    cells: list[GridCell] = field(default_factory=list)

    def lines(self) -> list[list[str]]:
        return table_lines(self.cells)


@dataclass
class _Page:
    number: int
    height: float
    found: list[dict]  # text lines outside tables, as pdfplumber gives them
    tables: list[_Table]
    glyphs: int = 0  # characters drawn on the page, spaces aside
    unmapped: int = 0  # of which without a Unicode mapping, `(cid:N)`
    cjk: int = 0  # of which Chinese characters
    imaged: bool = False  # images cover most of the page


def read(path: Path, data: bytes) -> Source:
    pages = _extract_pages(path, data)
    _refuse_unmapped(path, pages)
    if not any(page.found or any(table.cells for table in page.tables) for page in pages):
        raise InputError(path, "no text layer (scanned PDF?); OCR is not supported",
                         "没有文字层（扫描件？），暂不支持文字识别(OCR)")
    _refuse_scan(path, pages)
    _drop_running_lines(pages)
    _join_continued_tables(pages)
    text, page_starts = _assemble([_page_lines(page) for page in pages])
    return Source(path=str(path), text=text, encoding="utf-8", format="pdf", pages=page_starts)


def _extract_pages(path, data: bytes) -> list[_Page]:
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [_read_page(page, number) for number, page in enumerate(pdf.pages, 1)]
    except Exception as err:  # pdfminer raises a zoo of types for damaged or encrypted files
        raise InputError(path, *_describe_failure(err))


def _refuse_unmapped(path, pages: list[_Page]) -> None:
    """Refuse a PDF whose text is mostly, or on one page, glyphs without a Unicode mapping."""
    problem = ("text layer cannot be extracted{} (fonts without Unicode mapping)",
               "文字层无法提取{}（字体没有 Unicode 映射）")
    if sum(page.unmapped for page in pages) > _UNMAPPED_SHARE * sum(page.glyphs for page in pages):
        raise InputError(path, problem[0].format(""), problem[1].format(""))
    for page in pages:
        if page.unmapped >= _UNMAPPED_PAGE_MIN and page.unmapped * 2 > page.glyphs:
            raise InputError(path, problem[0].format(f" on page {page.number}"),
                             problem[1].format(f"（第 {page.number} 页）"))


def _refuse_scan(path, pages: list[_Page]) -> None:
    """Refuse page images that carry almost no text: a scan with a stamp (see the module docstring)."""
    count = len(pages)
    if (sum(page.imaged for page in pages) * 2 >= count
            and sum(page.cjk for page in pages) < _SCAN_CJK_PER_PAGE * count
            and sum(page.glyphs for page in pages) < _SCAN_CHARS_PER_PAGE * count):
        raise InputError(path, "almost no text layer (scanned PDF?); OCR is not supported",
                         "几乎没有文字层（扫描件？），暂不支持文字识别(OCR)")


def _describe_failure(err: Exception) -> tuple[str, str]:
    # pdfplumber wraps pdfminer's PDFPasswordIncorrect and friends in its own exception type.
    related = [e for e in (err, err.__cause__, *err.args) if isinstance(e, Exception)]
    if any("Password" in type(e).__name__ or "Encrypt" in type(e).__name__ for e in related):
        return "encrypted PDF (a password is required to open it)", "加密的 PDF（需要密码才能打开）"
    detail = f"{type(err).__name__}{': ' + str(err).strip() if str(err).strip() else ''}"
    return f"unreadable PDF ({detail})", f"无法读取的 PDF（{detail}）"


# --- one page ---------------------------------------------------------------------------------


def _read_page(page, number: int) -> _Page:
    tables = [table for table in page.find_tables() if is_data_table(table)]
    boxes = [table.bbox for table in tables]
    outside = page.filter(lambda obj: not _inside_any(obj, boxes)) if boxes else page
    drawn = [char["text"] for char in page.chars]
    unmapped = sum(text.startswith("(cid:") for text in drawn)
    found = [
        _sized(d) for d in outside.extract_text_lines(return_chars=True, strip=True)
        if d["text"].strip() and not _is_page_number(d, page.height)
    ]
    if unmapped:
        found = [{**d, "text": text} for d in found if (text := _mapped(d["text"]).strip())]
    return _Page(number, page.height, found, [_table(table) for table in tables],
                 glyphs=sum(not text.isspace() for text in drawn), unmapped=unmapped,
                 cjk=len(_CJK.findall("".join(drawn))), imaged=_imaged(page))


def _sized(line: dict) -> dict:
    """The line without its characters, with the font size most of them have."""
    chars = line.pop("chars", None) or []
    sizes = Counter(round(char["size"], 1) for char in chars if char.get("size") and not char["text"].isspace())
    return {**line, "size": sizes.most_common(1)[0][0]} if sizes else line


def _mapped(text: str) -> str:
    """The text without the glyphs that have no Unicode mapping."""
    return _UNMAPPED.sub("", text) if "(cid:" in text else text


def _imaged(page) -> bool:
    """Do images cover at least _SCAN_IMAGE_COVER of the page (as a scanned page's image does)?"""
    left, top, right, bottom = page.bbox
    area = 0.0
    for image in page.images:
        width = min(image["x1"], right) - max(image["x0"], left)
        height = min(image["bottom"], bottom) - max(image["top"], top)
        area += max(width, 0) * max(height, 0)
    return area >= _SCAN_IMAGE_COVER * (right - left) * (bottom - top)


def _page_lines(page: _Page) -> list[_Line]:
    lines = _text_lines(page.found, page.number)
    for table in page.tables:
        for i, row in enumerate(table.lines()):
            lines.append(_Line(" | ".join(row), page.number, table.top + i * 1e-3, is_table_row=True))
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
    return _margin(line, page_height) is not None and bool(_PAGE_NUMBER.match(line["text"].strip()))


def _margin(line: dict, page_height: float) -> tuple[str, float] | None:
    """('top' or 'bottom', distance from that edge) for a line in the top or bottom margin band."""
    if line["bottom"] < page_height * _MARGIN_BAND:
        return "top", line["top"]
    if line["top"] > page_height * (1 - _MARGIN_BAND):
        return "bottom", page_height - line["bottom"]
    return None


def _drop_running_lines(pages: list[_Page]) -> None:
    """Drop running headers and footers (see the module docstring): a margin line set apart from
    the body that recurs at the same place on at least half of the pages (two at least), such as
    the agency's name over every page or 第 N 页 共 M 页 in a wording the page-number pattern
    does not know."""
    size, spacing = _body_size(pages), _line_spacing(pages)
    margins = {}  # id of a line in the margin and set apart -> (its key, its distance from the edge)
    for page in pages:
        for line in page.found:
            margin = _margin(line, page.height)
            if margin is not None and _set_apart(line, margin[0], page, size, spacing):
                margins[id(line)] = _running_key(line, margin[0]), margin[1]
    places: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for page in pages:
        for line in page.found:
            if id(line) in margins:
                key, offset = margins[id(line)]
                places.setdefault(key, []).append((page.number, offset))
    needed = max(2, -(-len(pages) // 2))

    def running(line: dict) -> bool:
        if id(line) not in margins:
            return False
        key, offset = margins[id(line)]
        return len({number for number, other in places[key] if abs(other - offset) <= _SAME_PLACE}) >= needed

    for page in pages:
        page.found = [line for line in page.found if not running(line)]


_COUNTER = re.compile(r"页|page|^[\d\W_]+$", re.IGNORECASE)  # a margin line that counts pages
# a page number beside a running header: up to three digits, so that a year (2019 年度…报告) is text
_EDGE_NUMBER = re.compile(r"^\d{1,3}(?=\s)|(?<=\s)\d{1,3}$")


def _running_key(line: dict, side: str) -> tuple[str, str]:
    """What recurs of a running line: its text, with the numbers masked in a page counter
    (第 3 页, Page 3 of 9, - 3 -) and a number set apart at either end, not in other text: the
    titles of one agency's reports for several years differ only in their numbers."""
    text = line["text"].strip()
    text = re.sub(r"\d+", "#", text) if _COUNTER.search(text) else _EDGE_NUMBER.sub("#", text)
    return side, re.sub(r"\s+", "", text)


def _set_apart(line: dict, side: str, page: _Page, body_size: float | None, spacing: float) -> bool:
    """Is a margin line set apart from the body, as a running header or footer is: in a smaller
    font than the body text, or further from the nearest text or table towards the body than the
    body's lines are from each other? A report's title and first lines at the top of a page set
    with a narrow margin are not."""
    size = line.get("size")
    if size and body_size and size < body_size - _SMALLER:
        return True
    if side == "top":
        edges = [d["top"] for d in page.found if d is not line and d["top"] >= line["bottom"] - _EPSILON]
        edges += [table.top for table in page.tables if table.top >= line["bottom"] - _EPSILON]
        gap = min(edges) - line["bottom"] if edges else float("inf")
    else:
        edges = [d["bottom"] for d in page.found if d is not line and d["bottom"] <= line["top"] + _EPSILON]
        edges += [table.bottom for table in page.tables if table.bottom <= line["top"] + _EPSILON]
        gap = line["top"] - max(edges) if edges else float("inf")
    return gap > spacing + _EPSILON


def _body_size(pages: list[_Page]) -> float | None:
    """The font size of most of the text outside tables."""
    sizes = Counter()
    for page in pages:
        for line in page.found:
            if line.get("size"):
                sizes[line["size"]] += len(line["text"])
    return sizes.most_common(1)[0][0] if sizes else None


def _line_spacing(pages: list[_Page]) -> float:
    """The usual space between one line of the body and the next (the median of the spaces under a
    line smaller than twice its height), or the usual line height when no lines are that close."""
    gaps, heights = [], []
    for page in pages:
        lines = sorted(page.found, key=lambda d: d["top"])
        for upper, lower in zip(lines, lines[1:]):
            height, gap = upper["bottom"] - upper["top"], lower["top"] - upper["bottom"]
            heights.append(height)
            if 0 <= gap < 2 * height:
                gaps.append(gap)
    return median(gaps) if gaps else median(heights) if heights else 0.0


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


def _table(table) -> _Table:
    boxes = [(cell, _cell_text(text)) for row, texts in zip(table.rows, table.extract())
             for cell, text in zip(row.cells, texts) if cell is not None]
    columns = sorted({cell[0] for cell in table.cells})
    row_tops = sorted({cell[1] for cell in table.cells})
    x0, top, x1, bottom = table.bbox
    return _Table(top, bottom, x0, x1, boxes, columns, row_tops, _grid_cells(boxes, columns, row_tops))


def _grid_cells(boxes, columns: list[float], row_tops: list[float]) -> list[GridCell]:
    """The cells on the grid: rows and columns they cover, each merged cell once (see grid.py)."""
    cells = []
    for (x0, top, x1, bottom), text in boxes:
        rows, covered = _covered(row_tops, top, bottom), _covered(columns, x0, x1)
        if rows and covered:
            cells.append(GridCell(rows[0], covered[0], text, len(rows)))
    return cells


def _covered(starts: list[float], low: float, high: float) -> range:
    indexes = [i for i, s in enumerate(starts) if low - _EPSILON <= s < high - _EPSILON]
    return range(indexes[0], indexes[-1] + 1) if indexes else range(0)


def _cell_text(text: str | None) -> str:
    lines = [part.strip() for part in _mapped(text or "").splitlines() if part.strip()]
    joined = ""
    for line in lines:
        joined = joined + _glue(joined, line) + line if joined else line
    return re.sub(r"\s+", " ", joined)


def _join_continued_tables(pages: list[_Page]) -> None:
    """A table broken by a page break, whose header rows repeat at the top of the next page, is
    read as one table: the repeated header rows are dropped, and a cell merged down across the
    break (empty in the continued part, as Word prints it) is written once, above, if a label,
    and in every row if a number (see grid.py).

    An empty cell first after the break is taken for the rest of the cell above it only when that
    cell is seen to be merged down: it covers more than one row on its own page, or, for a label,
    the empty cell covers more than one row on its page. Otherwise it is an empty cell, as
    agencies leave them, and stays one: a cell merged over the last row of a page only looks like
    any other cell there, and writing its number into the next page's empty cell would invent a
    figure (a merged label so cut is still found by the empty merged cell under it, as Word prints
    it)."""
    head = continued = None  # the first part of the table last continued, and its latest part
    for previous, page in zip(pages, pages[1:]):
        last, first = _last_table(previous), _first_table(page)
        if last is None or first is None:
            continue
        start = head if last is continued else last
        if _continue(start, last, first):
            head, continued = start, first


def _continue(head: _Table, last: _Table, table: _Table) -> bool:
    """Read `table` as the continuation of `last` (whose first part is `head`) if it is one."""
    if abs(head.left - table.left) > _SAME_PLACE or abs(head.right - table.right) > _SAME_PLACE:
        return False
    head_lines, lines = head.lines(), table.lines()
    repeated = 0
    while repeated < min(len(head_lines), len(lines)) and head_lines[repeated] == lines[repeated]:
        repeated += 1
    if repeated == 0 or repeated == len(lines):
        return False
    columns = _merged_positions(last.columns + table.columns)
    above = _grid_cells(last.boxes, columns, last.row_tops)
    cells = _grid_cells(table.boxes, columns, table.row_tops)
    shown = sorted({row for cell in cells if cell.text for row in range(cell.row, cell.row + _rows_shown(cell))})
    if repeated >= len(shown):
        return False
    body = shown[repeated]  # the first row after the repeated header rows
    reaching = {cell.column: cell for cell in above if cell.row + cell.rows == len(last.row_tops)}
    kept = []
    for cell in cells:
        if cell.row < body:
            continue
        merged = reaching.get(cell.column) if cell.row == body and not cell.text else None
        if merged is not None and is_number(merged.text):
            if merged.rows > 1:  # a number merged down: it stands for the continued rows too
                cell.text = merged.text
        elif merged is not None and (merged.rows > 1 or cell.rows > 1):
            continue  # the rest of a label merged down: written once, above
        kept.append(cell)
    table.cells = kept
    return True


def _rows_shown(cell: GridCell) -> int:
    return cell.rows if is_number(cell.text) else 1


def _merged_positions(positions: list[float]) -> list[float]:
    merged: list[float] = []
    for position in sorted(positions):
        if not merged or position - merged[-1] > _EPSILON:
            merged.append(position)
    return merged


def _last_table(page: _Page) -> _Table | None:
    """The table that ends the page, with no text below it."""
    if not page.tables:
        return None
    table = max(page.tables, key=lambda t: t.bottom)
    return table if all(line["top"] < table.bottom for line in page.found) else None


def _first_table(page: _Page) -> _Table | None:
    """The table that starts the page, with no text above it."""
    if not page.tables:
        return None
    table = min(page.tables, key=lambda t: t.top)
    return table if all(line["bottom"] > table.top for line in page.found) else None


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
