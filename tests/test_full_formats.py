"""A complete 2021-format report (tests/fixtures/make_full_fixtures.py) as a government CMS page,
a Word document and a PDF gives the findings of its text version: every rule's status, the failing
rules and the evidence they quote. Its official tables carry their merges, 表三 breaks across a PDF
page with its header rows repeated, and the PDF has a running header; the report's deliberate
defects (replies within 15 working days, 表三's 予以公开 not adding up) are found in every format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.ingest import read_source
from tests.test_formats_agree import audit, quotes

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = (FIXTURES / "full_report.txt").read_text(encoding="utf-8")
METADATA = ("doc_type", "title", "agency", "agency_kind", "year", "edition", "signing_date")


def statuses(report) -> dict:
    return {f["rule"]: f["status"] for f in report["findings"]}


@pytest.fixture(scope="module")
def reference():
    return audit(f"{FIXTURES}/full_report.txt", "--show-na")


@pytest.fixture(scope="module")
def reports():
    return {fmt: audit(f"{FIXTURES}/full_report.{fmt}", "--show-na") for fmt in ("html", "docx", "pdf")}


def test_the_reference_fails_on_its_planted_defects_and_decides_its_tables(reference):
    assert {"TLM01", "TB12"} <= set(quotes(reference))
    assert quotes(reference)["TLM01"] == ["15个工作日"]
    tables = {rule: status for rule, status in statuses(reference).items() if rule.startswith("TB")}
    assert tables and set(tables.values()) == {"pass", "fail"}


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_every_rule_has_the_status_of_the_text_version(reference, reports, fmt):
    report = reports[fmt]
    assert report["format"] == fmt
    expected = statuses(reference)
    if fmt == "html":  # the page's 发布时间 line dates the publication, which TL05 then checks
        assert report["publication_date"] == "2023-01-18" and statuses(report)["TL05"] == "pass"
        expected["TL05"] = "pass"
    assert statuses(report) == expected
    for key in METADATA:
        assert report[key] == reference[key], key


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_failures_quote_the_same_evidence_as_the_text_version(reference, reports, fmt):
    assert quotes(reports[fmt]) == quotes(reference)


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_table_rules_are_decided_in_every_format(reports, fmt):
    tables = {rule: status for rule, status in statuses(reports[fmt]).items() if rule.startswith("TB")}
    assert set(tables.values()) <= {"pass", "fail"}
    assert tables["TB12"] == "fail"


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_word_and_pdf_give_the_reference_text(fmt):
    # PDF: the running header (the agency's name on every page) is dropped, so the paragraph broken
    # by page 1's end is joined whole; 表三, broken inside its merged 三、本年度办理结果 cell, is
    # one table again: the header rows repeated on page 3 are dropped and the merged cell's
    # continuation adds no empty cell. Word: header rows marked to repeat (w:tblHeader) are rows once.
    assert read_source(FIXTURES / f"full_report.{fmt}").text == REFERENCE


def test_the_cms_page_gives_the_reference_lines_in_order():
    extracted = [re.sub(r"\s+", "", line) for line in read_source(FIXTURES / "full_report.html").text.splitlines()]
    wanted = [re.sub(r"\s+", "", line) for line in REFERENCE.splitlines()]
    remaining = iter(extracted)  # a subsequence: the page's chrome lines may lie between
    assert [line for line in wanted if line not in remaining] == []


def test_pdf_pages_of_the_full_report():
    source = read_source(FIXTURES / "full_report.pdf")
    assert [number for _, number in source.pages] == [1, 2, 3, 4]
    line_of = {number: source.text[offset:source.text.index("\n", offset)] for offset, number in source.pages}
    assert line_of[2] == "日内予以答复，未收取任何费用。"  # page 2 starts inside the paragraph of page 1
    assert line_of[3].startswith("（二）部分公开") and line_of[3].endswith("| 1 | 0 | 0 | 0 | 0 | 0 | 1")
