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
    from . import text as text_reader

    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(path, "is a directory")
    except OSError as err:
        raise InputError(path, f"cannot read file ({err.strerror or err})")
    if not data.strip():
        raise InputError(path, "empty file")
    fmt = sniff_format(data, path.suffix.lower())
    reader = _READERS.get(fmt)
    if reader is None:
        return text_reader.read(path, data)
    return reader(path, data)


def _load_readers():
    from . import text as text_reader

    readers = {"txt": text_reader.read}
    for name in ("html", "docx", "pdf"):
        try:
            module = __import__(f"{__name__}.{name}", fromlist=["read"])
        except ImportError:
            continue
        readers[name] = module.read
    return readers


class _LazyReaders(dict):
    def get(self, key, default=None):
        if not self:
            self.update(_load_readers())
        return super().get(key, default)


_READERS = _LazyReaders()

__all__ = ["Source", "read_source", "InputError"]
