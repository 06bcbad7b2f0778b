"""Tell a file's format from its first bytes, the extension only as a tie-breaker."""

_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<div", b"<p>", b"<table")


def sniff_format(data: bytes, suffix: str = "") -> str:
    head = data[:4096]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and b"word/" in data[:200000]:
        return "docx"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    start = lowered[:1024]
    if any(lowered.startswith(m) or m in start for m in _HTML_MARKERS):
        return "html"
    if suffix in (".htm", ".html", ".xhtml") and b"<" in head:
        return "html"
    return "txt"
