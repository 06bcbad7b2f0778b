"""Lark tree → report model. One short method per grammar rule; nothing past here sees Lark."""

from __future__ import annotations

import re

from lark import Token, Transformer

from .dates import parse_date
from .model import Cell, Closing, DateMention, MetaField, Paragraph, Row, Section, Span, Table
from .parsing import LineMap, cn_ordinal

_HEADING = {
    1: re.compile(r"([一二三四五六七八九十]{1,3})[、.]"),
    2: re.compile(r"\([ \t]*([一二三四五六七八九十]{1,3})[ \t]*\)"),
    3: re.compile(r"(\d{1,2})[、.]"),
    4: re.compile(r"\([ \t]*(\d{1,2})[ \t]*\)"),
}
# A heading's title ends at the first sentence mark or blank; the rest of the line is body.
_TITLE_END = re.compile(r"[。;:!?]|[ \t]+(?=\S)")
_MAX_TITLE = 50
# key:value pairs of a header line; keys are Chinese words, so the 04 of 「04:47」 is not a key
_META_FIELD = re.compile(r"([\u4e00-\u9fff][^\s:]{1,5})[ \t]*:[ \t]*(.*?)(?=[ \t]+[\u4e00-\u9fff][^\s:]{1,5}[ \t]*:|$)")


class ReportTransformer(Transformer):
    """Embedded in the LALR parser (parsing.report_parser); `lines` is set before each parse."""

    lines: LineMap

    def __init__(self):
        super().__init__(visit_tokens=False)

    # -- helpers ------------------------------------------------------------------------------
    def _span(self, text: str, start: int) -> Span:
        """File span of `text`, which stands at logical offset `start`, blanks around it excluded."""
        stripped = text.rstrip()
        lead = len(stripped) - len(stripped.lstrip())
        return self.lines.span(start + lead, start + len(stripped))

    def _paragraph(self, token: Token) -> Paragraph:
        return Paragraph(str(token).strip(), self._span(token, token.start_pos))

    # -- rules --------------------------------------------------------------------------------
    def start(self, children):
        front = children[0]
        return front, [c for c in children[1:] if isinstance(c, Section)]

    def front(self, items):
        return list(items)

    def paragraph(self, children):
        return self._paragraph(children[0])

    def meta(self, children):
        token = children[0]
        fields = []
        for m in _META_FIELD.finditer(str(token)):
            start = token.start_pos + m.start()
            fields.append(MetaField(m.group(1), m.group(2).strip(),
                                    self.lines.span(start, token.start_pos + m.end(2))))
        return tuple(fields) or self._paragraph(token)

    def table(self, children):
        token = children[0]
        rows, pos = [], token.start_pos
        for line in token.split("\n"):
            if "|" in line:  # the other lines between rows are blank
                rows.append(self._row(line, pos))
            pos += len(line) + 1
        return Table(tuple(rows), Span(rows[0].span.start, rows[-1].span.end))

    def _row(self, line: str, start: int) -> Row:
        """The row on `line`, which starts at logical offset `start`."""
        base = self.lines.base(start)
        cells, pos = [], start + base
        for raw in line.split("|"):
            text = raw.strip()
            cell_start = pos + len(raw) - len(raw.lstrip())
            cells.append(Cell(text, Span(cell_start, cell_start + len(text))))
            pos += len(raw) + 1
        return Row(tuple(cells), self._span(line, start))

    def closing(self, children):
        date_token = children[-1]
        text = str(date_token).strip()
        date = DateMention(parse_date(text), text, self._span(date_token, date_token.start_pos))
        agency = self._paragraph(children[0]) if len(children) == 2 else None
        start = agency.span.start if agency else date.span.start
        return Closing(agency, date, Span(start, date.span.end))

    def _section(self, level: int, children) -> Section:
        token, body = children[0], _flatten(children[1:])
        raw = str(token)
        lead = len(raw) - len(raw.lstrip())
        number_match = _HEADING[level].match(raw, lead)
        number = number_match.group(1)
        ordinal = int(number) if level in (3, 4) else cn_ordinal(number)
        rest_start = number_match.end()
        rest = raw[rest_start:]
        rest_lead = len(rest) - len(rest.lstrip())
        title, title_end, body_start = _split_title(rest.strip())
        heading_end = token.start_pos + rest_start + rest_lead + title_end if title else token.start_pos + number_match.end()
        heading_span = self.lines.span(token.start_pos + lead, heading_end)
        if title_end < len(rest.strip()):
            tail_start = token.start_pos + rest_start + rest_lead + body_start
            tail = raw[rest_start + rest_lead + body_start:].rstrip()
            body.insert(0, Paragraph(tail, self.lines.span(tail_start, tail_start + len(tail))))
        if not title and body and isinstance(body[0], Paragraph) and _is_title_like(body[0].text):
            adopted = body.pop(0)
            title, heading_span = adopted.text, Span(heading_span.start, adopted.span.end)
        end = max([heading_span.end] + [_end(b) for b in body])
        return Section(level, number, ordinal, title, heading_span, Span(heading_span.start, end), tuple(body))

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
    m = _TITLE_END.search(rest)
    if m is None or m.start() > _MAX_TITLE:
        return rest, len(rest), len(rest)
    body_start = m.end()
    while body_start < len(rest) and rest[body_start].isspace():
        body_start += 1
    return rest[:m.start()], m.start(), body_start


def _is_title_like(text: str) -> bool:
    return len(text) <= 40 and "。" not in text


def _end(block) -> int:
    return block.span.end
