"""The report model: frozen dataclasses, every element with its span.

A `Span` is a pair of offsets into the normalized text of the whole input file; `Text.locate`
turns it into line:column of the original file. Rules and checks only ever see these classes.
A document has hundreds of spans and table cells, so those are cheap to build: Span is a named
tuple, the small classes have slots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import NamedTuple, Union


class _Offsets(NamedTuple):
    start: int
    end: int


class Span(_Offsets):
    __slots__ = ()

    def __new__(cls, start: int, end: int):
        if end < start:
            raise ValueError(f"span ends before it starts: {start}..{end}")
        return tuple.__new__(cls, (start, end))


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[Cell, ...]
    span: Span

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(c.text for c in self.cells)


@dataclass(frozen=True, slots=True)
class Table:
    rows: tuple[Row, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class MetaField:
    """A header line field such as 索引号, 发布机构, 发布日期."""

    key: str
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class DateMention:
    value: date
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class YearMention:
    year: int
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Closing:
    """The signature block: an optional agency line and the date line."""

    agency: Paragraph | None
    date: DateMention
    span: Span


Block = Union[Paragraph, Table, "Section", Closing]


@dataclass(frozen=True, slots=True)
class Section:
    level: int  # 1: 一、  2: （一）  3: 1. / 1、  4: （1）
    number: str  # as written: 一, 1, …
    ordinal: int | None  # numeric value of the number
    title: str
    heading_span: Span
    span: Span
    children: tuple[Block, ...] = ()

    @property
    def subsections(self) -> tuple["Section", ...]:
        return tuple(c for c in self.children if isinstance(c, Section))

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(c for c in self.children if isinstance(c, Table))

    def walk(self):
        """This section and every block below it, depth first."""
        yield self
        for child in self.children:
            if isinstance(child, Section):
                yield from child.walk()
            else:
                yield child

    @property
    def body_blocks(self) -> tuple[Block, ...]:
        """Content below the heading, at any depth, headings excluded."""
        return tuple(b for b in self.walk() if not isinstance(b, Section))


@dataclass(frozen=True, slots=True)
class StatedPeriod:
    start: date
    end: date | None
    text: str
    span: Span


@dataclass(frozen=True)
class Report:
    """One document cut from an input file (a file may hold several)."""

    source: str
    segment: int  # 1-based position of the document in its file
    doc_type: str  # annual_report | guide | other
    span: Span
    title: str | None = None
    title_span: Span | None = None
    meta: tuple[MetaField, ...] = ()
    front: tuple[Block, ...] = ()  # everything before the first heading
    sections: tuple[Section, ...] = ()
    closing: Closing | None = None
    # metadata (metadata.py): unknown stays None
    agency: str | None = None
    agency_span: Span | None = None
    agency_kind: str | None = None  # government | department | township
    report_year: int | None = None
    report_year_source: str | None = None  # title | statement
    report_year_span: Span | None = None
    edition: str | None = None  # 2007 | 2019 | 2021
    publication_date: DateMention | None = None
    signing_date: DateMention | None = None
    stated_period: StatedPeriod | None = None
    text: str = field(default="", compare=False, repr=False)  # normalized, chrome blanked

    @cached_property
    def years(self) -> tuple[YearMention, ...]:
        """Every year mention (2016年, 二〇一六年) with its span; computed on first use."""
        from .dates import find_years

        return tuple(YearMention(y, self.text[a:b], self.slice_span(a, b)) for y, a, b in find_years(self.text))

    @cached_property
    def dates(self) -> tuple[DateMention, ...]:
        """Every full date mention with its span; computed on first use."""
        from .dates import find_dates

        return tuple(DateMention(d, self.text[a:b], self.slice_span(a, b)) for d, a, b in find_dates(self.text))

    def slice_span(self, start: int, end: int) -> Span:
        """File span of report.text[start:end]."""
        return Span(self.span.start + start, self.span.start + end)

    def slice(self, span: Span) -> str:
        return self.text[span.start - self.span.start:span.end - self.span.start]

    def walk(self):
        """Every block of the document in reading order, sections included."""
        yield from self.front
        for section in self.sections:
            yield from section.walk()
        if self.closing:
            yield self.closing

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.walk() if isinstance(b, Table))
