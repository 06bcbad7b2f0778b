"""Merged table cells, written the way a report's table reads when a web page is flattened to text
(the form of the seed reports, which the table aligner is built on).

A cell merged across columns is one value or one label, so it is written once. A cell merged down
rows is written in its first row when it is a label (a group heading such as 三、本年度办理结果
over the rows of its block), but in every row it covers when it is a number, which then stands for
each of those rows. Positions a cell covers are left out, not blanked: a blank cell would read as
an empty figure."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


@dataclass
class GridCell:
    row: int
    column: int
    text: str
    rows: int = 1  # how many rows the cell covers, from its own


def is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text.strip()))


def table_lines(cells: list[GridCell]) -> list[list[str]]:
    """The rows of a table given its cells (in any order); rows left without text are dropped."""
    rows: dict[int, list[tuple[int, str]]] = {}
    for cell in cells:
        covered = cell.rows if is_number(cell.text) else 1
        for row in range(cell.row, cell.row + covered):
            rows.setdefault(row, []).append((cell.column, cell.text))
    ordered = ([text for _, text in sorted(rows[r])] for r in sorted(rows))
    return [row for row in ordered if any(row)]
