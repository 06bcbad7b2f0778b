"""Output formats on hand-made results: JSON contract, SARIF 2.1.0 validity and mapping, CSV encoding,
HTML self-containment and escaping, the text summary by agency and year."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from auditor.audit import DocumentResult, FileResult
from auditor.cli import OutputOptions
from auditor.findings import Finding, Location, Severity, Status
from auditor.formatters import csv_out, html_out, json_out, sarif, text
from auditor.formatters.common import JsonArrayWriter, json_at
from auditor.ruleset import load_rules
from auditor.schema import load_schema
from tests.snapshots import AS_OF

SARIF_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
HOSTILE = '<script>alert("x")</script> & 「引号」'


def finding(rule="YR01", status=Status.FAIL, severity=Severity.ERROR, locations=None, message="正文称「2015年度」"):
    return Finding(rule=rule, name="year.statements_match_title", category="year", severity=severity,
                   status=status, title="报告自述的年度与报告年度一致", message=message,
                   basis=("《政府信息公开条例》第五十条",), locations=tuple(locations or ()))


def document(source="reports/甲.txt", findings=(), agency="某市商务局", year=2016, title="某市商务局2016年报告"):
    return DocumentResult(source=source, format="txt", segment=1, doc_type="annual_report", title=title,
                          agency=agency, agency_kind="department", year=year, edition="2007",
                          publication_date=date(2017, 1, 30), signing_date=None, findings=tuple(findings))


LOC = Location(12, 5, 12, 11, "2015年度", note="报告年度陈述")
PDF_LOC = Location(3, 1, 3, 4, "二〇一五", page=2)
MIXED = [
    FileResult("reports/甲.txt", (document(findings=[
        finding(locations=[LOC, PDF_LOC]),
        finding("TL01", Status.INDETERMINATE, Severity.WARNING, message="无法判断: 未找到发布日期"),
        finding("FEE01", Status.ERROR, Severity.INFO, message="规则执行出错"),
        finding("STR01", Status.PASS), finding("GD01", Status.NOT_APPLICABLE)]),)),
    FileResult("reports/乙 空白.txt", (document("reports/乙 空白.txt", [finding("STR01", Status.PASS)],
                                              agency=None, year=None),)),
    FileResult("reports/坏.pdf", error="reports/坏.pdf: no text layer (scanned PDF?); OCR is not supported"),
]


def options(lang="zh", show_pass=False, show_na=False, rules=None):
    return OutputOptions(lang=lang, show_pass=show_pass, show_na=show_na, as_of=AS_OF, rules=rules or {})


# ---- JSON -------------------------------------------------------------------------------------

def test_streamed_json_is_what_json_dumps_would_print():
    out = json_out.render(MIXED, options(show_pass=True, show_na=True))
    assert out == json.dumps(json.loads(out), ensure_ascii=False, indent=2) + "\n"
    jsonschema.Draft202012Validator(load_schema("findings.schema.json")).validate(json.loads(out))


def test_empty_batch_json_is_valid():
    out = json_out.render([], options())
    assert json.loads(out)["reports"] == [] and out == json.dumps(json.loads(out), ensure_ascii=False, indent=2) + "\n"


def test_json_summary_by_agency_and_year_counts_each_group_s_documents_and_failures():
    summary = json.loads(json_out.render(MIXED, options()))["summary"]
    assert summary["by_agency_year"] == [
        {"agency": "某市商务局", "year": 2016, "documents": 1, "documents_with_errors": 1, "errors": 1, "warnings": 0,
         "indeterminate": 1},
        {"agency": None, "year": None, "documents": 1, "documents_with_errors": 0, "errors": 0, "warnings": 0,
         "indeterminate": 0}]
    assert sum(g["documents"] for g in summary["by_agency_year"]) == summary["documents"]


def test_json_summary_by_agency_and_year_matches_the_text_summary_on_the_examples():
    from auditor.audit import audit_file
    from auditor.engine import Context
    from auditor.ruleset import load_vocabulary
    from tests import snapshots

    rules, ctx = load_rules(), Context(vocabulary=load_vocabulary(), as_of=AS_OF)
    results = [audit_file(path, rules, ctx) for path in snapshots.example_files()]
    groups = json.loads(json_out.render(results, options()))["summary"]["by_agency_year"]
    out = text.render(results, options())
    table = out[out.index("按机关和年度汇总"):].splitlines()[2:]
    assert len(groups) == len(table) == 13
    for group, line in zip(groups, table):
        assert line.split() == [group["agency"] or "—", str(group["year"] or "—"), str(group["documents"]),
                                str(group["documents_with_errors"]), str(group["errors"]), str(group["warnings"]),
                                str(group["indeterminate"])]


@pytest.mark.parametrize("items", [[], [1], [{"a": [1, 2]}, "b"]])
def test_json_array_writer_matches_json_dumps(items):
    out = io.StringIO()
    out.write('{\n  "x": ')
    writer = JsonArrayWriter(out, 1)
    for item in items:
        writer.add_text(json_at(item, 2))
    writer.close()
    out.write("\n}")
    assert out.getvalue() == json.dumps({"x": items}, indent=2)


# ---- SARIF ------------------------------------------------------------------------------------

def _sarif(results=MIXED, **kwargs):
    log = json.loads(sarif.render(results, options(**kwargs)))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    return log["runs"][0]


def test_sarif_validates_with_every_status_and_the_shipped_rule_catalog():
    run = _sarif(show_pass=True, show_na=True, rules=load_rules())
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == sorted(ids) and "YR01" in ids
    yr01 = run["tool"]["driver"]["rules"][ids.index("YR01")]
    assert yr01["properties"]["basis"] and "依据" in yr01["help"]["text"]
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_maps_statuses_to_kinds_and_levels():
    run = _sarif(show_pass=True, show_na=True)
    got = {(r["ruleId"], r["kind"], r["level"]) for r in run["results"]}
    assert {("YR01", "fail", "error"), ("TL01", "review", "none"), ("FEE01", "review", "none"),
            ("STR01", "pass", "none"), ("GD01", "notApplicable", "none")} <= got


def test_sarif_locations_regions_and_snippets():
    run = _sarif()
    yr01 = next(r for r in run["results"] if r["ruleId"] == "YR01")
    physical = yr01["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "reports/%E7%94%B2.txt"
    assert physical["region"] == {"startLine": 12, "startColumn": 5, "endLine": 12, "endColumn": 11,
                                  "snippet": {"text": "2015年度"}}
    assert yr01["locations"][0]["message"]["text"] == "报告年度陈述"
    related = yr01["relatedLocations"][0]["physicalLocation"]["region"]
    assert related["properties"]["page"] == 2
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_keeps_unreadable_files_and_documents_without_results():
    run = _sarif()
    assert [a["location"]["uri"] for a in run["artifacts"]] == [
        "reports/%E7%94%B2.txt", "reports/%E4%B9%99%20%E7%A9%BA%E7%99%BD.txt", "reports/%E5%9D%8F.pdf"]
    assert run["artifacts"][2]["properties"]["status"] == "unreadable"
    note = run["invocations"][0]["toolExecutionNotifications"][0]
    assert "no text layer" in note["message"]["text"] and note["level"] == "error"
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_of_a_clean_run_is_successful_and_valid():
    run = _sarif(MIXED[:2])
    assert run["invocations"][0]["executionSuccessful"] is True
    assert "toolExecutionNotifications" not in run["invocations"][0]


def test_sarif_absolute_paths_become_file_uris():
    assert sarif.artifact_uri("/data/报告 1.txt") == "file:///data/%E6%8A%A5%E5%91%8A%201.txt"


# ---- CSV --------------------------------------------------------------------------------------

def _csv_rows(rendered: str) -> list[list[str]]:
    data = rendered.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_one_row_per_finding_with_chinese_intact():
    rows = _csv_rows(csv_out.render(MIXED, options()))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["文件", "文档序号"]
    yr01 = next(r for r in body if r[header.index("规则")] == "YR01")
    assert yr01[header.index("原文")] == "2015年度 | 二〇一五" and yr01[header.index("行")] == "12"
    assert yr01[header.index("说明")] == "正文称「2015年度」" and yr01[header.index("状态")] == "不通过"
    assert [r[header.index("状态")] for r in body if r[0] == "reports/乙 空白.txt"] == ["无可显示的结果"]
    unreadable = next(r for r in body if r[0] == "reports/坏.pdf")
    assert unreadable[header.index("状态")] == "无法读取" and "no text layer" in unreadable[header.index("说明")]
    assert len(body) == 3 + 1 + 1  # YR01, TL01, FEE01 shown; one "none" row; one unreadable row


def test_csv_summary_one_row_per_document_in_english():
    rows = _csv_rows(csv_out.render_summary(MIXED, options(lang="en")))
    header, body = rows[0], rows[1:]
    assert len(body) == 3
    first = dict(zip(header, body[0]))
    assert first["failing_rules"] == "YR01" and first["fail"] == "1" and first["pass"] == "1"
    assert first["agency"] == "某市商务局" and first["publication_date"] == "2017-01-30"
    assert dict(zip(header, body[2]))["status"] == "unreadable"


def test_csv_quotes_commas_and_newlines():
    tricky = [FileResult("a,b.txt", (document("a,b.txt", [finding(message='一,二\n"三"')]),))]
    rows = _csv_rows(csv_out.render(tricky, options()))
    assert rows[1][0] == "a,b.txt" and '一,二\n"三"' in rows[1]


# ---- HTML -------------------------------------------------------------------------------------

def test_html_is_self_contained():
    page = html_out.render(MIXED, options())
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)|@import|url\(|<script|<link""", page, re.I)


def test_html_shows_summary_failing_rules_evidence_and_basis():
    page = html_out.render(MIXED, options())
    groups, documents = page[page.index('<table class="groups">'):page.index("<section")].split("</table>")[:2]
    assert documents.count("<tr>") - 1 + documents.count('<tr class="unreadable">') == 3  # minus the header row
    # by agency and year: 甲 (某市商务局, 2016: one document, with one failing error) and 乙 (unknown), header first
    assert re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td>((?:<td class=\"n\">\d+</td>)+)</tr>", groups) == [
        ("某市商务局", "2016", '<td class="n">1</td>' * 3 + '<td class="n">0</td><td class="n">1</td>'),
        ("—", "—", '<td class="n">1</td>' + '<td class="n">0</td>' * 4)]
    assert "12:5" in page and "<q>2015年度</q>" in page and "第 2 页" in page
    assert "《政府信息公开条例》第五十条" in page and "no text layer (scanned PDF?)" in page
    links, anchors = re.findall(r'href="#([^"]+)"', page), re.findall(r'<section id="([^"]+)"', page)
    assert links == anchors and len(set(anchors)) == 3 and "doc-1-1" in anchors  # file 1, document 1


def test_html_escapes_everything():
    hostile = [FileResult(f"{HOSTILE}.txt", (document(f"{HOSTILE}.txt", [finding(
        message=HOSTILE, locations=[Location(1, 1, 1, 5, HOSTILE, note=HOSTILE)])], agency=HOSTILE,
        title=HOSTILE),)), FileResult("x.bin", error=HOSTILE)]
    page = html_out.render(hostile, options())
    assert "<script" not in page and "&lt;script&gt;" in page and "&amp;" in page


def test_html_in_english():
    page = html_out.render(MIXED, options(lang="en"))
    assert '<html lang="en">' in page and "Summary" in page and "Unreadable" in page


# ---- text -------------------------------------------------------------------------------------

def test_text_closes_with_a_summary_by_agency_and_year():
    out = text.render(MIXED, options())
    tail = out[out.index("按机关和年度汇总"):]
    assert "某市商务局" in tail and "2016" in tail and "无法读取: 1" in tail
    assert "by agency and year" in text.render(MIXED, options(lang="en"))


def test_text_single_document_has_no_closing_tables():
    out = text.render(MIXED[:1], options())
    assert "汇总" not in out and out.endswith("\n") and not out.endswith("\n\n")


def test_a_document_that_is_no_report_says_why_nothing_applies():
    from dataclasses import replace

    notice = replace(document(title="会议通知", agency=None, year=None, findings=[finding("STR01", Status.NOT_APPLICABLE)]),
                     doc_type="other", edition=None)
    results = [FileResult("reports/通知.txt", (notice,)), MIXED[1]]
    for lang in ("zh", "en"):
        said = "not recognised as an annual report" if lang == "en" else "未识别为政府信息公开工作年度报告"
        blocks = text.render(results, options(lang)).split("\n\n")
        assert said in blocks[0] and said not in blocks[1]  # a report with nothing failing says something else
        page = html_out.render(results, options(lang))
        assert page.count(said) == 1 and html_out.t("none", lang) in page


def test_the_vendored_sarif_schema_rejects_a_bad_log():
    log = json.loads(sarif.render(MIXED, options()))
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)


class _Mode(str):
    """A str subclass, as str-Enum members are."""


AWKWARD = [float("nan"), float("inf"), -float("inf"), 1.5, -0.0, True, False, None, 0, -7, 10 ** 20, "", "引号\"\\\n\t",
           _Mode("x"), Status.PASS, (), [], {}, (1, "a", [None]), {1: "a", 2.5: "b", False: 1, None: 2, "k": {}},
           {"nested": [{"a": []}, {"b": {"c": [1, [2, [3]]]}}]}]


@pytest.mark.parametrize("level", [0, 1, 3])
def test_indented_encoder_prints_what_json_dumps_prints(level):
    from auditor.formatters.jsontext import dumps_indented

    report = json.loads(json_out.render(MIXED, options(show_pass=True, show_na=True)))
    for value in AWKWARD + [report]:
        expected = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)
        assert dumps_indented(value, level) == expected
    for bad in ({(1, 2): 1}, {"a": object()}):
        with pytest.raises(TypeError):
            dumps_indented(bad)
