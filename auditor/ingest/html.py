"""HTML reader: a report page from a government website, reduced to the report's text.

Site chrome (navigation, breadcrumbs, font-size and print buttons, footer) is dropped; block
elements become lines; tables become one `a | b | c` line per row with row/column spans expanded.
Only the standard library parser is used: it is lenient, so the tree below is built by hand
with the few implicit-close rules that real (often sloppy) government pages need.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from pathlib import Path

from ..errors import InputError
from . import Source
from .grid import GridCell, table_lines
from .text import decode_big5, plausible_text

_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Never hold report text.
_ALWAYS_DROPPED = frozenset(
    "head title script style noscript iframe button select option textarea template svg object".split()
)
# Usually chrome, but a whole page is sometimes wrapped in one of these (ASP.NET pages sit in a
# <form>): dropped only when they do not hold the bulk of the page's text.
_CHROME_TAGS = frozenset("nav header footer form aside".split())
_CHROME_WORDS = frozenset(
    "nav navbar navigation menu menubar breadcrumb breadcrumbs crumb crumbs footer header "
    "share print fontsize toolbar tools sidebar copyright".split()
)
_CHROME_PREFIXES = ("nav", "menu", "breadcrumb", "footer", "sidebar", "toolbar", "copyright", "share")
# "article-header", "news_header": the header of the report itself (its title), not the site's.
_CONTENT_WORDS = frozenset("article content detail news title main text info".split())
_BULK_SHARE = 0.5

_BLOCK = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 li ul ol dl dt dd tr section article main blockquote pre hr "
    "address center caption figure figcaption table tbody thead tfoot".split()
)
_CELL = frozenset(("td", "th"))
# start tag -> (open element it ends, elements the search for one stops at)
_IMPLIED_END = {
    "td": (_CELL, frozenset(("tr", "table"))),
    "th": (_CELL, frozenset(("tr", "table"))),
    "tr": (frozenset(("tr",)), frozenset(("table",))),
    "li": (frozenset(("li",)), frozenset(("ul", "ol"))),
    "p": (frozenset(("p",)), (_BLOCK | _CELL) - {"p", "br"}),
}
# Unclosed inline tags (<font>, <span>) pile up on sloppy pages; deeper elements become siblings
# so that the recursive passes below stay far from Python's recursion limit.
_MAX_DEPTH = 200
_TABLE_SECTIONS = frozenset(("tbody", "thead", "tfoot"))
_LAYOUT_CELL_CHARS = 400
_MAX_SPAN = 1000

_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
# A source line break between two CJK characters renders as nothing (CSS segment-break rule).
_CJK_SEGMENT_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n\s*(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
# <![if !supportLists]> and the like (Word's HTML export): browsers ignore the markers and show
# what lies between; html.parser raises on the ones it does not know, so they go beforehand.
_MARKED_SECTION = re.compile(r"<!\[(?!CDATA\[)[^\]>]*\]?>")
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_GB_FAMILY = frozenset(("gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"))


class _Node:
    __slots__ = ("tag", "attrs", "children", "parent", "depth")

    def __init__(self, tag: str, attrs: dict[str, str], parent: "_Node | None"):
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []
        self.parent = parent
        self.depth = parent.depth + 1 if parent else 0


def read(path: Path, data: bytes) -> Source:
    markup, encoding = decode_html(path, data)
    root = _parse(path, markup)
    _drop_chrome(root)
    text = _render(root)
    if not text:
        raise InputError(path, "no text content in HTML", "网页中没有文字内容")
    return Source(path=str(path), text=text, encoding=encoding, format="html")


# --- decoding ---------------------------------------------------------------------------------


def decode_html(path, data: bytes) -> tuple[str, str]:
    """Return (markup, codec): BOM, then the declared <meta> charset, then UTF-8, then GB18030
    (or Big5, when an undeclared page reads as GB18030 nonsense: see text.py)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict_decode(path, data, codec), codec
    declared = _declared_codec(data)
    for codec in dict.fromkeys(c for c in (declared, "utf-8", "gb18030") if c):
        try:
            markup = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if codec == "gb18030" and declared is None and not plausible_text(markup):
            return decode_big5(data) or (markup, codec)
        return markup, codec
    raise InputError(path, "undecodable HTML: neither the declared charset, UTF-8 nor GB18030",
                     "无法解码的网页：声明的字符集、UTF-8、GB18030 都不适用")


def _strict_decode(path, data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        raise InputError(path, f"undecodable bytes for {codec} at byte {err.start}",
                         f"按 {codec} 解码失败（第 {err.start} 字节）")


def _declared_codec(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    if not match:
        return None
    label = match.group(1).decode("ascii", "ignore").lower()
    if label in _GB_FAMILY:
        return "gb18030"  # the superset: pages labelled GB2312 routinely contain GBK characters
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


# --- tree -------------------------------------------------------------------------------------


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        self._close_implied_by(tag)
        node = _Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in _VOID and node.depth < _MAX_DEPTH:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.current.tag == tag:
            self.current = self.current.parent

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:  # a stray end tag with no open element is ignored
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)

    def _close_implied_by(self, tag: str) -> None:
        """<td>a<td>b, <tr>..<tr>, <p>a<p>b: a start tag ends the open element of its kind."""
        if tag not in _IMPLIED_END:
            return
        closes, stops = _IMPLIED_END[tag]
        node = self.current
        while node is not self.root and node.tag not in stops:
            if node.tag in closes:
                self.current = node.parent
                return
            node = node.parent


def _parse(path, markup: str) -> _Node:
    builder = _TreeBuilder()
    try:
        builder.feed(_MARKED_SECTION.sub("", markup))
        builder.close()
    except (AssertionError, ValueError) as err:  # _markupbase asserts on unknown <![ ... ]> sections
        raise InputError(path, f"malformed HTML ({err})", f"网页格式错误（{err}）")
    return builder.root


# --- chrome removal ---------------------------------------------------------------------------


def _drop_chrome(root: _Node) -> None:
    _remove(root, lambda node: node.tag in _ALWAYS_DROPPED)
    total = len(_plain_text(root))
    _remove(root, lambda node: _looks_like_chrome(node) and len(_plain_text(node)) < _BULK_SHARE * total)


def _remove(node: _Node, doomed) -> None:
    kept = []
    for child in node.children:
        if isinstance(child, _Node):
            if doomed(child):
                continue
            _remove(child, doomed)
        kept.append(child)
    node.children = kept


def _looks_like_chrome(node: _Node) -> bool:
    if node.tag in _CHROME_TAGS:
        return node.tag != "header" or not _has_ancestor(node, "article")
    names = f"{node.attrs.get('id', '')} {node.attrs.get('class', '')}".lower().split()
    return any(_is_chrome_name(name) for name in names)


def _is_chrome_name(name: str) -> bool:
    tokens = [t for t in re.split(r"[-_]+", name) if t]
    chrome = {t for t in tokens + [re.sub(r"[-_]+", "", name)] if t in _CHROME_WORDS or t.startswith(_CHROME_PREFIXES)}
    if chrome == {"header"} and _CONTENT_WORDS.intersection(tokens):
        return False
    return bool(chrome)


def _has_ancestor(node: _Node, tag: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


def _plain_text(node: _Node) -> str:
    parts: list[str] = []
    stack: list[_Node | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
        else:
            stack.extend(reversed(item.children))
    return _SPACES.sub("", "".join(parts))


# --- rendering --------------------------------------------------------------------------------


class _Lines:
    """Accumulates inline text into the current line; `breaks` end it."""

    def __init__(self):
        self.lines: list[str] = []
        self.buffer: list[str] = []

    def add_text(self, text: str) -> None:
        self.buffer.append(text)

    def add_line(self, line: str) -> None:
        self.end_line()
        self.lines.append(line)

    def end_line(self) -> None:
        line = _collapse("".join(self.buffer))
        self.buffer = []
        if line:
            self.lines.append(line)


def _render(root: _Node) -> str:
    out = _Lines()
    _render_node(root, out)
    out.end_line()
    return "\n".join(out.lines) + "\n" if out.lines else ""


def _render_node(node: _Node, out: _Lines) -> None:
    for child in node.children:
        if isinstance(child, str):
            out.add_text(child)
        elif child.tag == "table" and not _is_layout_table(child):
            out.end_line()
            for row in table_rows(child):
                out.add_line(" | ".join(row))
        elif child.tag in _BLOCK or child.tag in _CELL:
            out.end_line()
            _render_node(child, out)
            out.end_line()
        else:
            _render_node(child, out)


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", _CJK_SEGMENT_BREAK.sub("", text)).strip()


# --- tables -----------------------------------------------------------------------------------


def _is_layout_table(table: _Node) -> bool:
    """Old sites lay whole pages out in tables; those are read as ordinary blocks, not rows."""
    for row in _own_rows(table):
        for cell in _own_cells(row):
            if _find_descendant(cell, "table") or len(_plain_text(cell)) > _LAYOUT_CELL_CHARS:
                return True
    return False


def table_rows(table: _Node) -> list[list[str]]:
    """Rows as a flattened page shows them: each merged cell once (see grid.py)."""
    cells: list[GridCell] = []
    rows = _own_rows(table)
    taken: dict[int, list[range]] = {}  # per row, the columns of cells merged down from rows above
    for r, row in enumerate(rows):
        column = 0
        for cell in _own_cells(row):
            column = _free_column(taken.get(r, ()), column)
            rowspan, colspan = min(_span(cell, "rowspan"), len(rows) - r), _span(cell, "colspan")
            cells.append(GridCell(r, column, _cell_text(cell), rowspan))
            for below in range(r + 1, r + rowspan):
                taken.setdefault(below, []).append(range(column, column + colspan))
            column += colspan
    return table_lines(cells)


def _free_column(taken, column: int) -> int:
    moved = True
    while moved:
        moved = False
        for columns in taken:
            if column in columns:
                column, moved = columns.stop, True
    return column


def _own_rows(table: _Node) -> list[_Node]:
    rows = []
    for child in table.children:
        if isinstance(child, _Node):
            if child.tag == "tr":
                rows.append(child)
            elif child.tag in _TABLE_SECTIONS:
                rows.extend(c for c in child.children if isinstance(c, _Node) and c.tag == "tr")
    return rows


def _own_cells(row: _Node) -> list[_Node]:
    return [c for c in row.children if isinstance(c, _Node) and c.tag in _CELL]


def _span(cell: _Node, attr: str) -> int:
    try:
        value = int(cell.attrs.get(attr, "1").strip() or 1)
    except ValueError:
        return 1
    return min(max(value, 1), _MAX_SPAN)


def _cell_text(cell: _Node) -> str:
    parts: list[str] = []
    stack: list[_Node | str] = [cell]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        if item.tag in _BLOCK:
            parts.append(" ")  # inner <br>/<p> read as a space, the cell stays on one line
        stack.extend(reversed(item.children))
    return _collapse("".join(parts))


def _find_descendant(node: _Node, tag: str) -> bool:
    return any(
        isinstance(c, _Node) and (c.tag == tag or _find_descendant(c, tag)) for c in node.children
    )
