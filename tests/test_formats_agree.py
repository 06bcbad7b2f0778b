"""The same report as text, HTML, DOCX and PDF gives the same findings."""

import json
import subprocess
import sys

import pytest

FIXTURES = "tests/fixtures"


def audit(path, *options) -> dict:
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", "audit", path, "--format", "json", "--show-pass",
                           "--fail-on", "never", "--as-of", "2026-11-23", *options], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    [report] = json.loads(proc.stdout)["reports"]
    return report


def quotes(report) -> dict:
    return {f["rule"]: [l["text"] for l in f["locations"]] for f in report["findings"]
            if f["status"] == "fail" and f["locations"]}


@pytest.fixture(scope="module")
def reference():
    return audit(f"{FIXTURES}/report.txt")


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_same_failing_rules_as_the_text_version(reference, fmt):
    report = audit(f"{FIXTURES}/report.{fmt}")
    assert report["format"] == fmt

    def not_passing(r):
        return {f["rule"]: f["status"] for f in r["findings"] if f["status"] not in ("pass", "not_applicable")}

    assert not_passing(report) == not_passing(reference)
    assert "fail" in not_passing(reference).values()  # the comparison covers failures
    # located failures quote the same text in every format (the fixture's deliberate defects)
    assert quotes(report) == quotes(reference)
    assert {"YR01", "YR02", "TLM01"} <= set(quotes(reference))
    # the page's 发布日期 line may add a passing date rule; nothing else differs
    passing = {f["rule"] for f in report["findings"] if f["status"] == "pass"}
    assert passing - {f["rule"] for f in reference["findings"] if f["status"] == "pass"} <= {"TL05"}
    for key in ("year", "agency", "edition", "signing_date", "doc_type"):
        assert report[key] == reference[key], key


def test_pdf_evidence_names_its_page(reference):
    report = audit(f"{FIXTURES}/report.pdf")
    pages = [loc.get("page") for f in report["findings"] for loc in f["locations"]]
    assert pages and all(isinstance(p, int) and p >= 1 for p in pages)
    assert max(pages) >= 2  # evidence after the page break points at page 2
