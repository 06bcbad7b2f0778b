"""Files whose text cannot be used are refused with a one-line error, never audited as an empty
document: PDFs whose fonts have no Unicode mapping, scans carrying a small text stamp, and Big5
text (read as Big5, not as GB18030 mojibake).

The PDFs are written here byte by byte (`pdf_bytes`): pages of text in a CID font whose glyph
numbers are the characters' code points, with a ToUnicode map for the characters it should map
(none: pdfplumber gives `(cid:N)` for every glyph, as for a Type0/Identity-H font without one),
optionally over a full-page image, as a scanner writes its pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.ingest import read_source

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parent.parent / "reports_examples"
TRADITIONAL = EXAMPLES / "001_7cc49b8b1d99bd2e.txt"
REPORT = (FIXTURES / "report.txt").read_text(encoding="utf-8")
PAGE = (595, 842)
SIZE = 10.5
PER_LINE = 42  # full-width glyphs between margins of 72 points
LINES_PER_PAGE = 50


# --- writing PDFs -----------------------------------------------------------------------------


def pdf_bytes(pages: list[dict], mapped: set[str] | None = None) -> bytes:
    """A PDF of `pages`, each {"lines": [str], "font": "F1" | "F2", "image": bool, "stamp": str,
    "top": float, "table": {"top": float, "rows": [[str]]}}.

    F1 is a CID font (Identity-H) whose ToUnicode maps the characters in `mapped`
    (every character drawn in it when None); F2 is the same font without ToUnicode. "image" puts
    an 8x8 grey image scaled over the whole page under the text; "stamp" writes a line of ASCII
    in Helvetica at the foot of the page. The lines start "top" points under the top of the page
    (80); "table" draws a ruled table of one-line cells there, its texts in F1 (`_TABLE`)."""
    drawn = {char for page in pages for line in page.get("lines", ()) for char in line}
    drawn |= {char for page in pages for row in page.get("table", {}).get("rows", ()) for cell in row for char in cell}
    mapped = drawn if mapped is None else mapped
    objects: dict[int, bytes] = {}
    descendant = b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song /DW 1000 " \
                 b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
    objects[3] = descendant
    objects[4] = _stream(_to_unicode(sorted(mapped)))
    objects[5] = b"<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H " \
                 b"/DescendantFonts [3 0 R] /ToUnicode 4 0 R >>"
    objects[6] = b"<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H /DescendantFonts [3 0 R] >>"
    objects[7] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    objects[8] = _stream(bytes(range(0x80, 0xC0)) * 2, b"/Type /XObject /Subtype /Image /Width 8 /Height 8 "
                                                     b"/ColorSpace /DeviceGray /BitsPerComponent 8")
    resources = b"<< /Font << /F1 5 0 R /F2 6 0 R /H 7 0 R >> /XObject << /Im 8 0 R >> >>"
    kids = []
    for page in pages:
        number = max(objects) + 1
        objects[number + 1] = _stream(_content(page))
        objects[number] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R /Resources %s >>" % (
            *PAGE, number + 1, resources)
        kids.append(b"%d 0 R" % number)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out, offsets = bytearray(b"%PDF-1.4\n"), {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offsets[number] for number in sorted(objects))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data)


def _to_unicode(chars: list[str]) -> bytes:
    pairs = [b"<%04X> <%04X>" % (ord(char), ord(char)) for char in chars]
    blocks = [b"%d beginbfchar\n%s\nendbfchar" % (len(chunk), b"\n".join(chunk))
              for chunk in (pairs[i:i + 100] for i in range(0, len(pairs), 100))]
    return b"\n".join([
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange", *blocks,
        b"endcmap CMapName currentdict /CMap defineresource pop end end"])


def _content(page: dict) -> bytes:
    parts = []
    if page.get("image"):
        parts.append(b"q %d 0 0 %d 0 0 cm /Im Do Q" % PAGE)
    font = page.get("font", "F1").encode()
    for i, line in enumerate(page.get("lines", ())):
        parts.append(_text(font, 72, PAGE[1] - page.get("top", 80) - i * SIZE * 1.5, line))
    if page.get("table"):
        parts.append(_table(page["table"]))
    if page.get("stamp"):
        parts.append(b"BT /H 8 Tf 420 24 Td (%s) Tj ET" % page["stamp"].encode("ascii"))
    return b"\n".join(parts)


_TABLE = {"left": 72, "widths": (150, 100, 100, 100), "row": 20}  # points


def _table(table: dict) -> bytes:
    """A table ruled on every side of every cell (the rows' texts in F1), its top `table["top"]`
    points under the top of the page."""
    xs = [_TABLE["left"]]
    for width in _TABLE["widths"]:
        xs.append(xs[-1] + width)
    ys = [PAGE[1] - table["top"] - i * _TABLE["row"] for i in range(len(table["rows"]) + 1)]
    rules = [b"%d %.1f m %d %.1f l" % (xs[0], y, xs[-1], y) for y in ys]
    rules += [b"%d %.1f m %d %.1f l" % (x, ys[0], x, ys[-1]) for x in xs]
    texts = [_text(b"F1", x + 4, y - 14.5, cell) for row, y in zip(table["rows"], ys) for cell, x in zip(row, xs) if cell]
    return b"\n".join([b"0.6 w", *rules, b"S", *texts])


def _text(font: bytes, x: float, y: float, text: str) -> bytes:
    glyphs = "".join("%04X" % ord(char) for char in text).encode()
    return b"BT /%s %.1f Tf %.1f %.1f Td <%s> Tj ET" % (font, SIZE, x, y, glyphs)


def wrapped(text: str) -> list[str]:
    """The text's paragraphs cut into lines of PER_LINE characters."""
    return [paragraph[i:i + PER_LINE] for paragraph in text.splitlines() if paragraph.strip()
            for i in range(0, len(paragraph), PER_LINE)]


def paged(lines: list[str], per_page: int = LINES_PER_PAGE, **page) -> list[dict]:
    return [{"lines": lines[i:i + per_page], **page} for i in range(0, len(lines), per_page)]


def write(tmp_path, data: bytes, name: str = "r.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refusal(path: Path) -> InputError:
    with pytest.raises(InputError) as err:
        read_source(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)
    return err.value


# --- fonts without Unicode mapping ------------------------------------------------------------


@pytest.fixture(scope="module")
def report_lines() -> list[str]:
    pytest.importorskip("pdfplumber")
    return wrapped(REPORT)


def test_the_mapped_pdf_reads_as_the_report(tmp_path, report_lines):
    """The generator's baseline: with every glyph mapped, the report's lines come out."""
    text = read_source(write(tmp_path, pdf_bytes(paged(report_lines)))).text
    assert "(cid:" not in text
    assert "一、总体情况" in text.splitlines() and "二、主动公开政府信息情况" in text.splitlines()


def test_pdf_without_unicode_mapping_is_refused(tmp_path, report_lines):
    err = refusal(write(tmp_path, pdf_bytes(paged(report_lines, font="F2"))))
    assert "text layer cannot be extracted (fonts without Unicode mapping)" in str(err)
    assert "文字层无法提取（字体没有 Unicode 映射）" in err.message("zh")


def test_one_unmapped_page_among_many_is_refused_naming_it(tmp_path, report_lines):
    """A page whose text is lost would read as missing sections: the file is refused, even when
    the lost page is too small a share of the whole to refuse it for."""
    pages = paged(report_lines * 4, per_page=10)
    pages[2]["font"] = "F2"
    glyphs = [sum(len(line) for line in page["lines"]) for page in pages]
    assert glyphs[2] < 0.1 * sum(glyphs)  # too few to refuse the file for on their own
    err = refusal(write(tmp_path, pdf_bytes(pages)))
    assert "on page 3" in str(err) and "第 3 页" in err.message("zh")


def test_a_few_unmapped_glyphs_are_dropped_and_the_text_kept(tmp_path, report_lines):
    """Glyphs without a mapping scattered in good text (a bullet, a rare character) are dropped:
    the text is the mapped one without them."""
    rare = "况"
    drawn = {char for line in report_lines for char in line}
    assert 3 <= sum(line.count(rare) for line in report_lines) <= 20
    reference = read_source(write(tmp_path, pdf_bytes(paged(report_lines)), "mapped.pdf")).text
    text = read_source(write(tmp_path, pdf_bytes(paged(report_lines), mapped=drawn - {rare}))).text
    assert "(cid:" not in text
    assert text == reference.replace(rare, "")


# --- scans with a text stamp ------------------------------------------------------------------

STAMPS = {
    "scanner app": {"stamp": "Scanned by CamScanner"},
    "website footer": {"stamp": "http://www.example.gov.cn/xxgk/zfxxgkndbg/2022/0120/report.pdf"},
    "Chinese stamp": {"lines": ["扫描全能王 创建"]},
}


@pytest.mark.parametrize("stamp", STAMPS.values(), ids=STAMPS)
@pytest.mark.parametrize("count", [1, 4])
def test_scan_carrying_a_text_stamp_is_refused(tmp_path, stamp, count):
    pytest.importorskip("pdfplumber")
    err = refusal(write(tmp_path, pdf_bytes([{"image": True, **stamp}] * count)))
    assert "almost no text layer (scanned PDF?)" in str(err)
    assert "几乎没有文字层（扫描件？），暂不支持文字识别(OCR)" in err.message("zh")


def test_scan_with_a_titled_cover_page_is_refused(tmp_path, report_lines):
    """A typed title on the first page of a scanned report is still almost no text."""
    pages = [{"image": True, "lines": report_lines[:1]}] + [{"image": True, **STAMPS["scanner app"]}] * 5
    assert "almost no text layer" in str(refusal(write(tmp_path, pdf_bytes(pages))))


@pytest.mark.parametrize("count", [None, 5], ids=["whole report", "its first five lines"])
def test_text_over_page_images_is_read(tmp_path, report_lines, count):
    """Pages printed over a full-page image (letterhead, watermark, a scan with its recognised
    text) are read, even a page shorter than any real report (about a hundred characters)."""
    shown = report_lines[:count]
    text = read_source(write(tmp_path, pdf_bytes(paged(shown, image=True, stamp="Scanned by CamScanner")))).text
    assert "一、总体情况" in text.splitlines()


def test_little_text_without_images_is_no_scan(tmp_path, report_lines):
    """A PDF of a few words and no image is read (and audited as what it is)."""
    text = read_source(write(tmp_path, pdf_bytes([{"lines": report_lines[:1]}]))).text
    assert text.strip() == report_lines[0]


# --- Big5 text --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def audit():
    from auditor.audit import audit_file
    from auditor.engine import Context
    from auditor.ruleset import load_rules, load_vocabulary

    rules, ctx = load_rules(), Context(vocabulary=load_vocabulary(), as_of=date(2026, 11, 23))

    def statuses(path: Path) -> list[tuple]:
        result = audit_file(path, rules, ctx)
        assert result.error is None
        return [(d.doc_type, d.title, d.year, sorted((f.rule, f.status.value) for f in d.findings))
                for d in result.documents]
    return statuses


def test_big5_report_is_read_as_big5_and_audited_as_its_utf8_original(tmp_path, audit):
    original = TRADITIONAL.read_text(encoding="utf-8")
    path = write(tmp_path, original.encode("big5"), "big5.txt")
    source = read_source(path)
    assert (source.encoding, source.text) == ("big5", original)
    expected = audit(TRADITIONAL)
    assert expected[0][0] == "annual_report" and any(status == "fail" for _, status in expected[0][3])
    assert audit(path) == expected


def test_big5_web_page_without_a_charset_is_read_as_big5(tmp_path, audit):
    markup = (FIXTURES / "report.html").read_bytes().decode("gb18030")
    traditional = opencc_s2t(markup.replace('<meta charset="gb18030">', ""))
    path = write(tmp_path, traditional.encode("big5", "replace"), "page.htm")
    assert read_source(path).encoding == "big5"
    assert audit(path) == audit(FIXTURES / "report.html")


def opencc_s2t(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def test_cp950_only_characters_are_read_as_cp950(tmp_path):
    text = "本局網站全年發佈信息１２０條，費用０€。\n" * 5  # the euro sign is in cp950, not in big5
    source = read_source(write(tmp_path, text.encode("cp950"), "cp950.txt"))
    assert (source.encoding, source.text) == ("cp950", text)


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.txt")))
@pytest.mark.parametrize("codec", ["gb18030", "gbk"])
def test_gb_copies_of_the_examples_stay_gb18030(tmp_path, name, codec):
    """Simplified and Traditional Chinese in GBK/GB18030 are never taken for Big5."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    if codec == "gbk":  # GBK lacks the no-break space and the bullet some examples hold
        text = text.replace("\xa0", " ").replace("\u2022", "\u00b7")
    source = read_source(write(tmp_path, text.encode(codec), name))
    assert (source.encoding, source.text) == ("gb18030", text)


def test_utf8_traditional_chinese_stays_utf8():
    source = read_source(TRADITIONAL)
    assert source.encoding == "utf-8" and "龍巖市" in source.text


def test_text_in_neither_gb18030_nor_big5_is_unreadable(tmp_path):
    """Japanese in Shift-JIS decodes as GB18030 to kana-strewn nonsense: refused, not audited."""
    text = "日本語のテキストです。これは報告書ではありません。ひらがなとカタカナ。\n" * 5
    err = refusal(write(tmp_path, text.encode("shift_jis"), "sjis.txt"))
    assert "unreadable encoding" in str(err) and "无法识别的编码" in err.message("zh")


def test_a_few_rare_characters_keep_a_short_gb_text_gb18030(tmp_path):
    text = "某局2021年报告：主动公开信息100条。㮾下镇、䶮、𠀾。\n"
    source = read_source(write(tmp_path, text.encode("gb18030"), "rare.txt"))
    assert (source.encoding, source.text) == ("gb18030", text)


def test_gb_report_dense_in_numbering_symbols_stays_gb18030(tmp_path):
    """〇 in dates, circled and parenthesised numbers, small Roman numerals and GBK punctuation
    are common in reports but missing from GB2312 (some from GBK: GB18030 writes them in four bytes,
    which Big5 read as GB18030 never gives); a report dense in them is no Big5 mojibake."""
    items = "⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㊀㊁❶❷"
    lines = ["二〇二二年政府信息公开工作年度报告", "（统计期限：二〇二二年一月一日至二〇二二年十二月三十一日）"]
    lines += [f"{item}ⅰ‐ⅲ﹑二〇二〇年至二〇二二年：{n}条" for n, item in enumerate(items, 1)]
    text = "\n".join(lines) + "\n"
    non_gb2312 = [char for char in text if ord(char) > 127 and not char.encode("gb2312", "ignore")]
    assert len(non_gb2312) > 0.3 * sum(ord(char) > 127 for char in text)  # far over the 20 % limit
    source = read_source(write(tmp_path, text.encode("gb18030"), "numbered.txt"))
    assert (source.encoding, source.text) == ("gb18030", text)
