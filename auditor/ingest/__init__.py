"""Read a report file into text. One reader per format; the format is sniffed from content."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError


@dataclass(frozen=True)
class Source:
    """Extracted text of one input file, before normalization.

    `text` is what findings point into: for plain text it is the file itself, decoded; for other
    formats it is the extracted text (tables as `a | b | c` rows, one line each).
    `pages` lists (offset in text, page number) for paged formats, ascending; empty otherwise.
    """

    path: str
    text: str
    encoding: str
    format: str  # txt | html | docx | pdf
    pages: tuple[tuple[int, int], ...] = field(default_factory=tuple)


def read_source(path: str | Path) -> Source:
    from .sniff import sniff_format

    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(path, "is a directory", "是一个文件夹")
    except OSError as err:
        raise InputError(path, f"cannot read file ({err.strerror or err})", f"无法读取文件（{err.strerror or err}）")
    if not data.strip():
        raise InputError(path, "empty file", "空文件")
    fmt = sniff_format(data, path.suffix.lower())
    return _reader(path, fmt)(path, data)


_READER_MODULES = {"txt": "text", "html": "html", "docx": "docx", "pdf": "pdf"}


def _reader(path, fmt: str):
    """Import only the reader this file needs: PDF and DOCX libraries are slow to import."""
    import importlib

    from .sniff import UNSUPPORTED

    if fmt in UNSUPPORTED:
        raise InputError(path, *UNSUPPORTED[fmt])

    try:
        return importlib.import_module(f"{__name__}.{_READER_MODULES[fmt]}").read
    except ImportError as err:
        raise InputError(path, f"cannot read {fmt.upper()} files here: {err}", f"此处无法读取 {fmt.upper()} 文件：{err}")


__all__ = ["Source", "read_source", "InputError"]
