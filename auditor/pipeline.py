"""File → documents: ingest, normalize, split, parse, metadata. No rules here."""

from __future__ import annotations

from dataclasses import dataclass

from .ingest import Source, read_source
from .metadata import with_metadata
from .model import Closing, MetaField, Paragraph, Report, Section, Span
from .normalize import Text, normalize
from .parsing import parse_document
from .split import split_documents


@dataclass(frozen=True)
class ParsedFile:
    source: Source
    text: Text
    reports: tuple[Report, ...]


def _split_front(front: list) -> tuple[tuple[MetaField, ...], tuple]:
    meta, blocks = [], []
    for item in front:
        (meta.extend if isinstance(item, tuple) else blocks.append)(item)
    return tuple(meta), tuple(blocks)


def _strip_last_closing(blocks: tuple) -> tuple[tuple, Closing | None]:
    """Take the document's final signature block out of the tree (it may sit inside the last
    section). Short lines after it (a stray 附件 line) do not stop it from being final."""
    if not blocks:
        return blocks, None
    *body, last = blocks
    if isinstance(last, Closing):
        return tuple(body), last
    if isinstance(last, Section):
        children, closing = _strip_last_closing(last.children)
        if closing:
            end = max([last.heading_span.end] + [c.span.end for c in children])
            return tuple(body) + (Section(last.level, last.number, last.ordinal, last.title, last.heading_span,
                                          Span(last.span.start, end), children),), closing
    if isinstance(last, Paragraph) and len(last.text) <= 30:
        rest, closing = _strip_last_closing(tuple(body))
        return (rest + (last,), closing) if closing else (blocks, None)
    return blocks, None


def build_report(path: str, masked: str, segment, index: int) -> Report:
    front, sections = parse_document(masked, segment.start, segment.end)
    meta, front_blocks = _split_front(front)
    if sections:
        sections, closing = _strip_last_closing(tuple(sections))
    else:
        front_blocks, closing = _strip_last_closing(front_blocks)
    report = Report(source=path, segment=index, doc_type=segment.doc_type, span=Span(segment.start, segment.end),
                    meta=meta, front=front_blocks, sections=tuple(sections), closing=closing,
                    text=masked[segment.start:segment.end])
    return with_metadata(report)


def parse_source(source: Source) -> ParsedFile:
    text = normalize(source.text, source.path)
    masked, segments = split_documents(text.normalized)
    reports = tuple(build_report(source.path, masked, seg, i) for i, seg in enumerate(segments, 1))
    return ParsedFile(source, text, reports)


def parse_file(path) -> ParsedFile:
    return parse_source(read_source(path))


def parse_text(original: str, path: str = "<text>") -> ParsedFile:
    return parse_source(Source(path=path, text=original, encoding="utf-8", format="txt"))
