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


@dataclass(frozen=True)
class Given:
    """An input that is no file: its bytes, read already (standard input), and the name shown for
    it. A batch passes it where a path would go; `str()` gives the name."""

    name: str
    data: bytes = b""
    error: OSError | None = None  # reading it failed

    def __str__(self) -> str:
        return self.name


def read_source(path: str | Path | Given) -> Source:
    if isinstance(path, Given):
        if path.error is not None:
            raise InputError(path.name, *_cannot_read(path.error, "input", "输入"))
        return read_bytes(path.data, path.name)
    path = Path(path)
    try:
        data = _regular_file_bytes(path)
    except OSError as err:
        raise InputError(path, *_cannot_read(err, "file", "文件"))
    return read_bytes(data, path)


def read_bytes(data: bytes, name: str | Path, suffix: str | None = None) -> Source:
    """A document from its bytes; `name` is what the Source and errors call it. The format is
    sniffed from the content (the suffix, by default the name's, only tells apart a few legacy
    formats)."""
    from .sniff import sniff_format

    if not data.strip():
        raise InputError(name, "empty file", "空文件")
    fmt = sniff_format(data, (Path(name).suffix if suffix is None else suffix).lower())
    return _reader(name, fmt)(name, data)


def _regular_file_bytes(path: Path) -> bytes:
    """Only a regular file is read: a pipe would block the batch and a device may never end."""
    import os
    import stat

    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        os.listdir(path)  # reached only when listing the folder failed: that error is the one to tell
        raise InputError(path, "is a directory", "是一个文件夹")
    if not stat.S_ISREG(mode):
        raise InputError(path, "not a regular file (a pipe, a device…)", "不是普通文件（管道、设备等）")
    return path.read_bytes()


def _cannot_read(err: OSError, what: str, what_zh: str) -> tuple[str, str]:
    import errno
    import os
    import stat

    from ..errors import os_error

    english, chinese = os_error(err)
    if err.errno != errno.ENOENT and err.filename is not None:
        try:  # a folder that cannot be listed is named a folder
            if stat.S_ISDIR(os.stat(err.filename).st_mode):
                what, what_zh = "folder", "文件夹"
        except OSError:
            pass
    return f"cannot read {what} ({english})", f"无法读取{what_zh}（{chinese}）"


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


__all__ = ["Given", "Source", "read_bytes", "read_source", "InputError"]
