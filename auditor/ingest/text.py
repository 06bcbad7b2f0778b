"""Plain-text reader: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK."""

from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import InputError
from . import Source

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(path, data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raise InputError for binary or undecodable data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as err:
                raise InputError(path, f"undecodable bytes for {encoding} at byte {err.start}",
                                 f"按 {encoding} 解码失败（第 {err.start} 字节）")
    if b"\x00" in data[:8192]:
        raise InputError(path, "binary file (NUL bytes), not a text report", "二进制文件（含 NUL 字节），不是文本报告")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, encoding
        raise InputError(path, "binary file (control characters), not a text report",
                         "二进制文件（含控制字符），不是文本报告")
    raise InputError(path, "unreadable encoding: neither UTF-8, UTF-16 nor GB18030",
                     "无法识别的编码：不是 UTF-8、UTF-16，也不是 GB18030")


_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0e, 0x20))


def _looks_like_text(text: str) -> bool:
    sample = text[:8192]
    # control characters counted as bytes of the UTF-8 encoding (they are its only bytes below
    # 0x20): deleting bytes is much faster than matching characters
    encoded = sample.encode("utf-8", "surrogatepass")
    controls = len(encoded) - len(encoded.translate(None, _CONTROL_BYTES))
    return controls <= max(2, len(sample) // 200)


def read(path: Path, data: bytes) -> Source:
    text, encoding = decode_bytes(path, data)
    if not text.strip():
        raise InputError(path, "empty file (only whitespace)", "空文件（只有空白字符）")
    return Source(path=str(path), text=text, encoding=encoding, format="txt")
