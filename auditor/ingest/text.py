"""Plain-text reader: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK, Big5.

Big5 bytes always decode as GB18030 too, to nonsense: Big5's commonest characters land on
GB2312's kana, Greek and Cyrillic rows, its second bytes 0x40-0x7E on rare GBK characters and
private-use code points. So a GB18030 decoding is checked before it is kept: when at least
`_IMPLAUSIBLE_SHARE` of its non-ASCII characters (and `_IMPLAUSIBLE_MIN` of them) are characters
no Chinese report is written in (see `_implausible`), Big5 is tried, and the file is refused as
undecodable if Big5 does not give a plausible text either. Big5 read as GB18030 gives 57-72 %
such characters on the example reports, their GB18030 copies 0 % (Traditional Chinese in GBK
included: its characters are common Big5 ones; so are 〇, ⑪ or ⅰ in dates and numbering), so the
threshold has wide margins both ways.
UTF-8 never reaches this check.
"""

from __future__ import annotations

import codecs
import re
from functools import cache
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
        if not _looks_like_text(text):
            raise InputError(path, "binary file (control characters), not a text report",
                             "二进制文件（含控制字符），不是文本报告")
        if encoding == "utf-8" or plausible_text(text):
            return text, encoding
        big5 = decode_big5(data)
        if big5 is not None:
            return big5
        raise InputError(path, "unreadable encoding: GB18030 gives mostly unlikely characters, and it is not Big5",
                         "无法识别的编码：按 GB18030 解码多为不可能出现的字符，也不是 Big5")
    raise InputError(path, "unreadable encoding: neither UTF-8, UTF-16 nor GB18030",
                     "无法识别的编码：不是 UTF-8、UTF-16，也不是 GB18030")


_IMPLAUSIBLE_SHARE = 0.2  # of the non-ASCII characters (Big5 read as GB18030: over 0.5; GB text: 0)
_IMPLAUSIBLE_MIN = 5  # fewer implausible characters than this are never enough to distrust a decoding


def decode_big5(data: bytes) -> tuple[str, str] | None:
    """(text, codec) if the bytes are plausible Big5 (or its Windows superset cp950)."""
    for encoding in ("big5", "cp950"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return (text, encoding) if _looks_like_text(text) and plausible_text(text) else None
    return None


def plausible_text(text: str) -> bool:
    """Are the text's non-ASCII characters those of a Chinese text (see the module docstring)?"""
    ascii_chars = len(text.encode("ascii", "ignore"))
    non_ascii = len(text) - ascii_chars
    limit = max(_IMPLAUSIBLE_MIN, _IMPLAUSIBLE_SHARE * non_ascii)
    # Simplified Chinese is told by the codec alone, at C speed, without building _implausible():
    # few of its characters are outside GB2312 (Big5 read as GB18030: 60-67 %)
    in_gb2312 = (len(text.encode("gb2312", "ignore")) - ascii_chars) // 2  # two bytes each
    if non_ascii - in_gb2312 < limit:
        return True
    return len(_implausible().findall(text)) < limit


_NOT_CHINESE = "\u0370-\u04ff\u3040-\u30ff\ue000-\uf8ff"  # Greek, Cyrillic, kana, private use


@cache
def _implausible() -> re.Pattern:
    """Matches a character no Chinese report is written in that a GB18030 reading of Big5 gives:
    Greek, Cyrillic, kana and private use, and any character GB18030 writes in two bytes but the
    characters of Simplified (GB2312) and common Traditional Chinese (Big5's first level, which
    also holds its punctuation) and the symbols of GBK (its areas 1 and 5: 〇, ⅰ-ⅹ, ㎡, ‐, ﹑ and
    the like). A character GB18030 writes in four bytes (⑪-⑳, ㊀, ❶, the CJK extensions) is never
    counted: Big5 bytes read as GB18030 are two-byte characters only (Big5's second bytes are never
    the digits that a four-byte sequence's second byte is). Built on the first text that needs it,
    in about 30 ms."""

    def decoded(codec: str, leads, trails) -> set[str]:
        pairs = b"\n".join(bytes((lead, trail)) for lead in leads for trail in trails)
        return {char for char in pairs.decode(codec, "replace").split("\n") if len(char) == 1}

    high = range(0xA1, 0xFF)
    two_byte = decoded("gb18030", range(0x81, 0xFF), (*range(0x40, 0x7F), *range(0x80, 0xFF)))
    allowed = (decoded("gb2312", range(0xA1, 0xF8), high)
               | decoded("big5", range(0xA1, 0xC7), (*range(0x40, 0x7F), *high))
               | decoded("gbk", range(0xA1, 0xAA), high)  # GBK/1: symbols
               | decoded("gbk", range(0xA8, 0xAA), (*range(0x40, 0x7F), *range(0x80, 0xA1))))  # GBK/5
    unlikely = "".join(sorted(two_byte - allowed - {"\ufffd"}))
    return re.compile("[%s%s]" % (_NOT_CHINESE, re.sub(r"[\\\]\[^-]", r"\\\g<0>", unlikely)))


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
