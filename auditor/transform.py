"""Lark tree → report model. One short method per grammar rule; nothing past here sees Lark.

The methods run for every block of every document, so the spans they make skip Span's check
(`_new_span`): their offsets are in order by construction.
"""

from __future__ import annotations

import re

from lark import Transformer

from .dates import parse_date
from .model import Cell, Closing, DateMention, MetaField, Paragraph, Row, Section, Span, Table
from .parsing import LineMap, cn_ordinal

_HEADING = {
    1: re.compile(r"([一二三四五六七八九十]{1,3})[、.]"),
    2: re.compile(r"\([ \t]*([一二三四五六七八九十]{1,3})[ \t]*\)"),
    3: re.compile(r"(\d{1,2})[、.]"),
    4: re.compile(r"\([ \t]*(\d{1,2})[ \t]*\)"),
}
# A heading's title ends at the first sentence mark or blank, if within _MAX_TITLE characters
# (group 1 is the title; the regex looks no further); the rest of the line, blanks after the
# mark skipped, is body.
_MAX_TITLE = 50
_TITLE_END = re.compile(rf"(.{{0,{_MAX_TITLE}}}?)(?:[。;:!?]\s*|[ \t]+(?=\S))", re.DOTALL)
# key:value pairs of a header line; keys are Chinese words, so the 04 of 「04:47」 is not a key
_META_FIELD = re.compile(r"([\u4e00-\u9fff][^\s:]{1,5})[ \t]*:[ \t]*(.*?)(?=[ \t]+[\u4e00-\u9fff][^\s:]{1,5}[ \t]*:|$)")

_new_span = tuple.__new__  # _new_span(Span, (start, end)): a Span without the start <= end check
# A document has a hundred cells or so: they are built by setting their two slots, which costs
# half of calling the frozen dataclass's __init__.
_new_object = object.__new__
_set_cell_text, _set_cell_span = Cell.text.__set__, Cell.span.__set__


class ReportTransformer(Transformer):
    """Embedded in the LALR parser (parsing.report_parser); `lines` is set before each parse.
    Terminals arrive as tokens of Lark's or of parsing._tokens: only .value and .start_pos are read."""

    lines: LineMap

    def __init__(self):
        super().__init__(visit_tokens=False)

    # -- helpers ------------------------------------------------------------------------------
    def _file_span(self, start: int, end: int) -> Span:
        """File span of logical offsets start..end (start <= end)."""
        base = self.lines.offset
        if base is None:
            base = self.lines.base(start)
        return _new_span(Span, (start + base, end + base))

    def _stripped(self, raw: str, start: int) -> tuple[str, Span]:
        """`raw`, which stands at logical offset `start`, without the blanks around it; its file span."""
        right = raw.rstrip()
        text = right.lstrip()
        end = start + len(right)
        return text, self._file_span(end - len(text), end)

    def _paragraph(self, token) -> Paragraph:
        return Paragraph(*self._stripped(token.value, token.start_pos))

    # -- rules --------------------------------------------------------------------------------
    def start(self, children):
        front = children[0]
        return front, [c for c in children[1:] if isinstance(c, Section)]

    def front(self, items):
        return list(items)

    def paragraph(self, children):
        token = children[0]
        return Paragraph(*self._stripped(token.value, token.start_pos))

    def meta(self, children):
        token = children[0]
        fields = []
        for m in _META_FIELD.finditer(token.value):
            start = token.start_pos + m.start()
            fields.append(MetaField(m.group(1), m.group(2).strip(), self._file_span(start, token.start_pos + m.end(2))))
        return tuple(fields) or self._paragraph(token)

    def table(self, children):
        token = children[0]
        rows, pos = [], token.start_pos
        for line in token.value.split("\n"):
            if "|" in line:  # the other lines between rows are blank
                rows.append(self._row(line, pos))
            pos += len(line) + 1
        return Table(tuple(rows), Span(rows[0].span.start, rows[-1].span.end))

    def _row(self, line: str, start: int) -> Row:
        """The row on `line`, which starts at logical offset `start` (a row is never cut: one base)."""
        cells, pos = [], start + self.lines.base(start)
        for raw in line.split("|"):
            text = raw.strip()
            # where the text starts: past the blanks before it (a blank cell: at the cell's end)
            cell_start = pos + raw.find(text) if text else pos + len(raw)
            cell = _new_object(Cell)
            _set_cell_text(cell, text)
            _set_cell_span(cell, _new_span(Span, (cell_start, cell_start + len(text))))
            cells.append(cell)
            pos += len(raw) + 1
        return Row(tuple(cells), self._stripped(line, start)[1])

    def closing(self, children):
        date_token = children[-1]
        text, span = self._stripped(date_token.value, date_token.start_pos)
        date = DateMention(parse_date(text), text, span)
        agency = self._paragraph(children[0]) if len(children) == 2 else None
        start = agency.span.start if agency else date.span.start
        return Closing(agency, date, Span(start, date.span.end))

    def _section(self, level: int, children) -> Section:
        token, body = children[0], _flatten(children[1:]) if len(children) > 1 else []
        raw, start = token.value, token.start_pos
        lead = len(raw) - len(raw.lstrip())
        number_match = _HEADING[level].match(raw, lead)
        number = number_match.group(1)
        ordinal = int(number) if level in (3, 4) else cn_ordinal(number)
        rest_start = number_match.end()
        rest = raw[rest_start:]
        rest_stripped = rest.strip()
        # the stripped rest starts past the blanks after the number (when blank: at the line's end)
        title_start = start + rest_start + (rest.find(rest_stripped) if rest_stripped else len(rest))
        title, title_end, body_start = _split_title(rest_stripped)
        heading_span = self._file_span(start + lead, title_start + title_end if title else start + rest_start)
        if title_end < len(rest_stripped):
            tail = rest_stripped[body_start:]
            tail_start = title_start + body_start
            body.insert(0, Paragraph(tail, self._file_span(tail_start, tail_start + len(tail))))
        if not title and body and isinstance(body[0], Paragraph) and _is_title_like(body[0].text):
            adopted = body.pop(0)
            title, heading_span = adopted.text, Span(heading_span.start, adopted.span.end)
        end = heading_span.end
        for block in body:
            end = max(end, block.span.end)
        return Section(level, number, ordinal, title, heading_span, _new_span(Span, (heading_span.start, end)), tuple(body))

    def section1(self, children):
        return self._section(1, children)

    def section2(self, children):
        return self._section(2, children)

    def section3(self, children):
        return self._section(3, children)

    def section4(self, children):
        return self._section(4, children)


def _flatten(children) -> list:
    out = []
    for child in children:
        if isinstance(child, tuple):  # meta fields inside a section read as a paragraph
            out.append(Paragraph(" ".join(f"{f.key}:{f.value}" for f in child), Span(child[0].span.start, child[-1].span.end)))
        else:
            out.append(child)
    return out


def _split_title(rest: str) -> tuple[str, int, int]:
    """(title, end of title, start of body) within `rest`."""
    m = _TITLE_END.match(rest)
    if m is None:
        return rest, len(rest), len(rest)
    return m.group(1), m.end(1), m.end()


def _is_title_like(text: str) -> bool:
    return len(text) <= 40 and "。" not in text
