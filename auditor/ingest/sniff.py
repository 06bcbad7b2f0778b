"""Tell a file's format from its first bytes, the extension only as a tie-breaker.

Besides the four formats with a reader (txt, html, docx, pdf), the formats agencies also publish
in (Word 97-2003, WPS, OFD, spreadsheets, images, archives) are recognised, so that the user is
told what the file is and what to do with it instead of "binary file".
"""

from __future__ import annotations

import io
import re
import zipfile

_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<div", b"<p>", b"<table")
# Document tags looked for further in, past the long comments and scripts that some CMS pages
# open with: anywhere in a file that opens with markup (a minified page is one line; the whole
# file is searched, a UTF-16 one in its first 64 K characters), at the start of a line in the
# first 64 KB otherwise (a text that mentions <html> in a sentence is no page).
_HTML_DOCUMENT_TAG = re.compile(rb"<(?:!doctype html|html|head|body)[\s>]", re.IGNORECASE)
_HTML_DOCUMENT_TAG_LINE = re.compile(rb"(?m)^[ \t]*<(?:!doctype html|html|head|body)[\s>]")
_HTML_LOOKAHEAD = 65536
_PAGE_SUFFIXES = (".htm", ".html", ".xhtml", ".shtml", ".jsp", ".asp", ".aspx", ".php")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary: Office 97-2003, WPS
_ZIP = b"PK\x03\x04"
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
# Stream names in an OLE directory (UTF-16LE) that tell the application apart.
_OLE_STREAMS = (("WordDocument", "word97"), ("Workbook", "spreadsheet"), ("Book", "spreadsheet"),
                ("PowerPoint Document", "presentation"))
# Member names (or the OpenDocument mimetype) that tell a damaged ZIP-based file apart.
_ZIP_MEMBERS = ((b"word/document.xml", "docx"), (b"OFD.xml", "ofd"), (b"xl/", "spreadsheet"), (b"ppt/", "presentation"),
                (b"mimetypeapplication/vnd.oasis.opendocument", "opendocument"))


def sniff_format(data: bytes, suffix: str = "") -> str:
    """One of txt, html, docx, pdf (read), or a format without a reader (see UNSUPPORTED)."""
    head = data[:4096]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(_ZIP):
        return _zip_format(data)
    if head.startswith(_OLE):
        return _ole_format(data, suffix)
    if head.startswith(_IMAGES) or _is_webp_or_bmp(head):
        return "image"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    return "html" if _looks_like_html(_ascii_view(data), suffix) else "txt"


def _ascii_view(data: bytes) -> bytes:
    """The bytes to look for tags in: UTF-16 text (with its BOM) narrowed to one byte per
    character, so that its tags are seen like UTF-8 ones."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data[:2 * _HTML_LOOKAHEAD].decode("utf-16", "ignore").encode("utf-8", "ignore")
    return data


def _looks_like_html(data: bytes, suffix: str) -> bool:
    opens_with_markup = data[:_HTML_LOOKAHEAD].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    if opens_with_markup and _HTML_DOCUMENT_TAG.search(data):
        return True
    lowered = data[:_HTML_LOOKAHEAD].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix == ".txt" and not opens_with_markup:
        return False  # a text file is a page only if it opens with markup
    start = lowered[:1024]
    if any(lowered.startswith(m) or m in start for m in _HTML_MARKERS):
        return True
    if _HTML_DOCUMENT_TAG_LINE.search(lowered):
        return True
    return suffix in _PAGE_SUFFIXES and b"<" in start


def _is_webp_or_bmp(head: bytes) -> bool:
    # "BM" alone could begin a text; a bitmap's two reserved header fields are zero
    return (head[:4] == b"RIFF" and head[8:12] == b"WEBP") or (head[:2] == b"BM" and head[6:10] == b"\0\0\0\0")


def _zip_format(data: bytes) -> str:
    """By the archive's member names (Word keeps its parts under word/: document.xml, or
    document2.xml as Word for the web names it); a damaged archive by the names its bytes show."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return _damaged_zip_format(data)
    if "[Content_Types].xml" in names:  # Office Open XML: the application by its top folder
        tops = {name.split("/", 1)[0] for name in names}
        for top, fmt in (("word", "docx"), ("xl", "spreadsheet"), ("ppt", "presentation")):
            if top in tops:
                return fmt
    if "OFD.xml" in names:
        return "ofd"
    if "mimetype" in names and _member_starts(archive, "mimetype", b"application/vnd.oasis.opendocument"):
        return "opendocument"
    return "zip"


def _member_starts(archive: zipfile.ZipFile, name: str, prefix: bytes) -> bool:
    try:
        return archive.read(name)[:len(prefix)] == prefix
    except Exception:  # noqa: BLE001 - a damaged member: zipfile and zlib raise many types
        return False


def _damaged_zip_format(data: bytes) -> str:
    # member names sit in the local headers near the start and in the central directory at the end
    near = data[:200000] + data[-65536:]
    for member, fmt in _ZIP_MEMBERS:
        if member in near:
            return fmt
    return "zip"


def _ole_format(data: bytes, suffix: str) -> str:
    if suffix == ".wps":
        return "wps"
    for stream, fmt in _OLE_STREAMS:
        if stream.encode("utf-16-le") + b"\x00\x00" in data:
            return fmt
    return "ole"


# (English, Chinese) one-line problems for the formats without a reader.
UNSUPPORTED: dict[str, tuple[str, str]] = {
    "word97": ("Word 97-2003 document (.doc) is not supported; save it as .docx or PDF",
               "不支持 Word 97-2003 文档（.doc），请另存为 .docx 或 PDF 后再审核"),
    "wps": ("WPS document (.wps) is not supported; save it as .docx or PDF",
            "不支持 WPS 文档（.wps），请另存为 .docx 或 PDF 后再审核"),
    "ole": ("Office 97-2003 file is not supported; save it as .docx or PDF",
            "不支持 Office 97-2003 格式文件，请另存为 .docx 或 PDF 后再审核"),
    "ofd": ("OFD document is not supported; export it as PDF",
            "不支持 OFD 版式文档，请导出为 PDF 后再审核"),
    "spreadsheet": ("spreadsheet (Excel/WPS table), not a report",
                    "电子表格（Excel/WPS 表格），不是报告文本"),
    "presentation": ("presentation (PowerPoint), not a report", "演示文稿（PowerPoint），不是报告文本"),
    "opendocument": ("OpenDocument file is not supported; save it as .docx or PDF",
                     "不支持 OpenDocument 文档，请另存为 .docx 或 PDF 后再审核"),
    "zip": ("ZIP archive; unpack it and audit the folder", "ZIP 压缩包，请解压后审核其文件夹"),
    "image": ("image file: no text to read; OCR is not supported", "图片文件，没有可读的文字，暂不支持文字识别(OCR)"),
    "rtf": ("RTF document is not supported; save it as .docx or PDF",
            "不支持 RTF 文档，请另存为 .docx 或 PDF 后再审核"),
}
