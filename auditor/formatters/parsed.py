"""Render the recovered structure of parsed files (`auditor parse`): a tree or JSON."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..errors import display_name
from ..model import Closing, Paragraph, Report, Section, Span, Table
from ..normalize import Text
from ..pipeline import ParsedFile
from .jsontext import dumps_indented


def _loc(text: Text, span: Span | None) -> dict | None:
    if span is None:
        return None
    loc = text.locate(span)
    return {"line": loc.line, "column": loc.column, "end_line": loc.end_line, "end_column": loc.end_column}


def _date(text: Text, mention) -> dict | None:
    if mention is None or mention.value is None:
        return None
    return {"value": mention.value.isoformat(), "text": mention.text, "location": _loc(text, mention.span)}


def _block(text: Text, block) -> dict:
    if isinstance(block, Section):
        return {"type": "section", "level": block.level, "number": block.number, "title": block.title,
                "location": _loc(text, block.heading_span), "children": [_block(text, c) for c in block.children]}
    if isinstance(block, Table):
        return {"type": "table", "location": _loc(text, block.span),
                "rows": [[c.text for c in row.cells] for row in block.rows]}
    if isinstance(block, Closing):
        return {"type": "closing", "agency": block.agency.text if block.agency else None,
                "date": _date(text, block.date)}
    return {"type": "paragraph", "location": _loc(text, block.span), "text": block.text}


def report_to_dict(text: Text, report: Report) -> dict:
    period = report.stated_period
    return {
        "segment": report.segment,
        "doc_type": report.doc_type,
        "location": _loc(text, report.span),
        "title": report.title,
        "agency": report.agency,
        "agency_kind": report.agency_kind,
        "year": report.report_year,
        "year_source": report.report_year_source,
        "edition": report.edition,
        "publication_date": _date(text, report.publication_date),
        "signing_date": _date(text, report.signing_date),
        "stated_period": None if period is None else {
            "start": period.start.isoformat(), "end": period.end.isoformat() if period.end else None,
            "location": _loc(text, period.span)},
        "meta": [{"key": f.key, "value": f.value} for f in report.meta],
        "front": [_block(text, b) for b in report.front],
        "sections": [_block(text, s) for s in report.sections],
        "closing": _block(text, report.closing) if report.closing else None,
        "years": [{"year": y.year, "location": _loc(text, y.span)} for y in report.years],
        "dates": [{"value": d.value.isoformat(), "location": _loc(text, d.span)} for d in report.dates],
    }


def parsed_to_dict(parsed: ParsedFile) -> dict:
    return {"source": parsed.source.path, "format": parsed.source.format, "encoding": parsed.source.encoding,
            "documents": [report_to_dict(parsed.text, r) for r in parsed.reports]}


def render_json(parsed_files: list[ParsedFile]) -> str:
    return dumps_indented([parsed_to_dict(p) for p in parsed_files])


def _short(s: str, width: int = 40) -> str:
    return s if len(s) <= width else s[:width - 1] + "…"


def summary_line(parsed: ParsedFile, report: Report) -> str:
    return (f"{display_name(parsed.source.path)} #{report.segment} {report.doc_type} year={report.report_year or '?'} "
            f"edition={report.edition or '-'} agency={report.agency or '?'} "
            f"sections={len(report.sections)} title={report.title or '(无标题)'}")


def _tree_lines(text: Text, block, depth: int, grids=None):
    pad = "  " * depth
    if isinstance(block, Section):
        yield f"{pad}L{text.line_of(block.heading_span)} §{block.level} {block.number} {block.title}"
        for child in block.children:
            yield from _tree_lines(text, child, depth + 1, grids)
    elif isinstance(block, Table):
        yield f"{pad}L{text.line_of(block.span)} table {len(block.rows)} rows"
        for row in block.rows:
            yield f"{pad}  L{text.line_of(row.span)} | " + " | ".join(c.text for c in row.cells)
        for alignment in (grids or {}).get(id(block), ()):
            yield from (pad + "  " + line for line in _grid_lines(text, alignment))
    elif isinstance(block, Closing):
        who = block.agency.text + " " if block.agency else ""
        yield f"{pad}L{text.line_of(block.span)} closing: {who}{block.date.text}"
    elif isinstance(block, Paragraph):
        yield f"{pad}L{text.line_of(block.span)} ¶ {_short(block.text)}"


def render_tree(parsed: ParsedFile) -> str:
    out = [f"{display_name(parsed.source.path)} ({parsed.source.format}, {parsed.source.encoding}): {len(parsed.reports)} document(s)"]
    for report in parsed.reports:
        text = parsed.text
        out.append(f"── #{report.segment} {report.doc_type}  L{text.line_of(report.span)}")
        fields = [("title", report.title), ("agency", report.agency), ("agency_kind", report.agency_kind),
                  ("year", f"{report.report_year} ({report.report_year_source})" if report.report_year else None),
                  ("edition", report.edition),
                  ("published", report.publication_date.value if report.publication_date else None),
                  ("signed", report.signing_date.value if report.signing_date else None),
                  ("period", f"{report.stated_period.start}..{report.stated_period.end}" if report.stated_period else None)]
        for key, value in fields:
            out.append(f"   {key:<12}{value if value is not None else '—'}")
        for f in report.meta:
            out.append(f"   meta {f.key}: {f.value}")
        grids = _aligned_tables(report)
        for block in report.front:
            out.extend(_tree_lines(text, block, 2, grids))
        for section in report.sections:
            out.extend(_tree_lines(text, section, 2, grids))
        if report.closing:
            out.extend(_tree_lines(text, report.closing, 2))
    return "\n".join(out)


# ---- aligned statistical tables (表二/表三/表四) as grids ----------------------------------------

_HOW = {"label": "by label", "group": "by group+position", "position": "by position", "ambiguous": "ambiguous",
        "missing": "missing"}


@lru_cache(maxsize=1)
def _vocabulary():
    from ..ruleset import load_vocabulary

    return load_vocabulary()


def _aligned_tables(report: Report) -> dict:
    """Alignments keyed by the id of the last source table they cover (the grid goes after it)."""
    from ..tables import aligned, templates

    if report.doc_type != "annual_report":
        return {}
    out: dict = {}
    for table_id in templates():
        alignment = aligned(report, table_id, _vocabulary())
        if alignment is not None:
            out.setdefault(id(alignment.tables[-1]), []).append(alignment)
    return out


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - _width(s))
    return fill + s if right else s + fill


def _shown(placed) -> str:
    from ..tables import Kind

    kind = placed.value.kind
    if kind in (Kind.UNPLACED, Kind.MISSING):
        return "?"
    return "·" if kind == Kind.BLANK else placed.value.raw


def _grid_lines(text: Text, alignment) -> list[str]:
    t = alignment.template
    hits, rows, ambiguous = alignment.score
    lines = [f"═ {t.title} → template {t.name} ({alignment.where}; {hits} edition-specific labels, "
             f"{rows} rows placed, {-ambiguous} ambiguous)  · blank  ? unknown"]
    for block in t.blocks:
        slots = [s for s in t.slots if t.layout != "stacked" or s.block == block.key]
        lines.extend(_block_grid(text, alignment, block, slots))
    return lines


def _block_grid(text: Text, alignment, block, slots) -> list[str]:
    t = alignment.template
    key = block.key if t.has_blocks else None
    cells = [[alignment.cell((key, s.row.key, c.key)) for c in block.columns] for s in slots]
    heads = [c.label for c in block.columns]
    widths = [max([_width(h)] + [_width(_shown(row[i])) for row in cells]) for i, h in enumerate(heads)]
    lefts = [f"{s.row.short}  L{text.line_of(row[0].row.span)}" if row[0].row is not None else f"{s.row.short}  —"
             for s, row in zip(slots, cells)]
    title = block.label if t.has_blocks else ""
    left_w = max([_width(title)] + [_width(x) for x in lefts]) + 1
    out = [f"  {_pad(title, left_w)}| " + " | ".join(_pad(h, w) for h, w in zip(heads, widths)) + " | placed"]
    for left, row in zip(lefts, cells):
        how = _HOW.get(row[0].row_how, row[0].row_how)
        if row[0].col_how == "collapsed":
            how += f", columns unknown ({row[0].value.raw})"
        values = " | ".join(_pad(_shown(p), w, right=True) for p, w in zip(row, widths))
        out.append(f"  {_pad(left, left_w)}| {values} | {how}")
    return out
