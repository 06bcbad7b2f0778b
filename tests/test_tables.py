"""Statistical tables: cell typing, templates as data, alignment onto the official layouts (issue 4)."""

from dataclasses import replace
from decimal import Decimal

import pytest

from auditor.errors import RuleFileError
from auditor.pipeline import parse_text
from auditor.ruleset import load_vocabulary
from auditor.tables import (BLANK, Kind, align_rows, aligned, distinct_aliases, label_key, load_template,
                            parse_value, templates)


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary()


def _report(seed004, year):
    return next(r for r in seed004.reports if r.doc_type == "annual_report" and r.report_year == year)


# ---- cell values --------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,kind,number", [
    ("12", Kind.INTEGER, 12), ("0", Kind.ZERO, 0), ("0.35", Kind.DECIMAL, Decimal("0.35")),
    ("1,234", Kind.INTEGER, 1234), ("5件", Kind.INTEGER, 5), ("-2", Kind.INTEGER, -2), ("−2", Kind.INTEGER, -2),
    ("", Kind.BLANK, None), ("  ", Kind.BLANK, None), ("/", Kind.NA, None), ("-", Kind.NA, None),
    ("—", Kind.NA, None), ("无", Kind.NA, None), ("若干", Kind.TEXT, None), ("3人次以上", Kind.TEXT, None),
])
def test_cell_values_are_typed(raw, kind, number):
    value = parse_value(raw)
    assert value.kind == kind and value.number == number


def test_labels_compare_without_numbering_spaces_or_punctuation():
    assert label_key("三、本年度办理结果") == label_key("本年度办理结果")
    assert label_key("(一)予以公开") == label_key("（一）予以公开") == "予以公开"
    assert label_key("3.危及“三安全一稳定”") == "危及三安全一稳定"
    assert label_key("结果 维持") == "结果维持"
    assert label_key("第二十条第(一)项") == "第二十条第一项"


# ---- templates ----------------------------------------------------------------------------------

def test_templates_cover_both_editions():
    editions = {tid: sorted(e for t in ts for e in t.editions) for tid, ts in templates().items()}
    assert editions == {"t2": ["2019", "2021"], "t3": ["2019", "2021"], "t4": ["2019", "2021"]}
    t3_2021 = next(t for t in templates()["t3"] if "2021" in t.editions)
    assert len(t3_2021.slots) == 25 and len(t3_2021.blocks[0].columns) == 7
    t3_2019 = next(t for t in templates()["t3"] if "2019" in t.editions)
    assert len(t3_2019.slots) == 23  # （六）其他处理 is one row
    assert [len(s.columns) for s in templates()["t4"][0].slots] == [15]


def test_edition_specific_labels():
    t2_2019 = next(t for t in templates()["t2"] if "2019" in t.editions)
    t2_2021 = next(t for t in templates()["t2"] if "2021" in t.editions)
    assert {"本年新制作数量", "规范性文件", "政府集中采购"} <= distinct_aliases(t2_2019)
    assert {"本年制发件数", "行政规范性文件", "本年收费金额单位万元"} <= distinct_aliases(t2_2021)
    assert "行政许可" not in distinct_aliases(t2_2019) | distinct_aliases(t2_2021)


def test_a_template_is_validated_by_its_schema(tmp_path):
    bad = tmp_path / "t9.yaml"
    bad.write_text("table: t9\neditions: ['2021']\ntitle: 表九\ntitle_en: Table 9\nshort: 表九\nshort_en: T9\n"
                   "section: requests\nlayout: single\ncolumns: [{key: a, label: 甲}]\nrows: [{key: r, label: 乙, label_en: r}]\n",
                   encoding="utf-8")
    with pytest.raises(RuleFileError, match="t9.yaml.*label_en"):
        load_template(bad)


# ---- row alignment ------------------------------------------------------------------------------

def test_a_bare_row_fills_a_gap_of_one():
    bare = {i: 1 for i in range(3)}
    assert align_rows([{0: 4}, bare, {2: 4}], 3) == [(0, {0}), (1, {1}), (2, {2})]


def test_a_bare_row_in_a_gap_of_two_is_ambiguous():
    bare = {i: 1 for i in range(4)}
    placed = align_rows([{0: 4}, bare, {3: 4}], 4)
    assert placed[1] == (None, {1, 2})
    assert placed[0][0] == 0 and placed[2][0] == 3


def test_a_labelled_row_outweighs_a_bare_one():
    bare = {i: 1 for i in range(2)}
    assert align_rows([bare, {0: 4}], 2)[1][0] == 0


# ---- alignment on seed 004 ----------------------------------------------------------------------

def _best_alignments(weights, n):
    """Every monotone partial assignment of rows to slots with the largest total weight (brute force)."""
    best, found = -1, []

    def walk(i, next_slot, chosen, total):
        nonlocal best, found
        if i == len(weights):
            if total > best:
                best, found = total, [tuple(chosen)]
            elif total == best:
                found.append(tuple(chosen))
            return
        walk(i + 1, next_slot, chosen + [None], total)
        for slot, wt in weights[i].items():
            if slot >= next_slot:
                walk(i + 1, slot + 1, chosen + [slot], total + wt)

    walk(0, 0, [], 0)
    return found


def random_weights(rng, n: int, rows: int) -> list[dict]:
    """Slot weights of `rows` rows over `n` slots, as rows of real tables give them: one labelled
    slot, a run of slots, a scattering of weights, or any slot at all."""
    out = []
    for _ in range(rows):
        kind = rng.random()
        if kind < 0.5:
            out.append({rng.randrange(n): 4})
        elif kind < 0.7:
            lo = rng.randrange(n)
            out.append({t: 2 for t in range(lo, rng.randint(lo + 1, n))})
        elif kind < 0.8:
            out.append({t: rng.choice((1, 2, 4)) for t in rng.sample(range(n), rng.randint(1, n))})
        else:
            out.append({t: 1 for t in range(n)})
    return out


@pytest.mark.parametrize("seed", range(300))
def test_row_alignment_agrees_with_brute_force(seed):
    """A row is placed exactly when every best alignment puts it in the same slot; `possible`
    holds the slots it takes in some best alignment."""
    import random

    rng = random.Random(seed)
    n = rng.randint(1, 6)
    weights = random_weights(rng, n, rng.randint(1, 6))
    best = _best_alignments(weights, n)
    for i, (slot, possible) in enumerate(align_rows(weights, n)):
        taken = {b[i] for b in best}
        assert possible == taken - {None}
        assert slot == (next(iter(taken)) if len(taken) == 1 and None not in taken else None)


def test_2023_bare_rows_are_placed_by_position(seed004, vocabulary):
    t3 = aligned(_report(seed004, 2023), "t3", vocabulary)
    assert t3.template.name == "t3@2021" and t3.where == "section"
    how = {r.row.cells[0].text: r.how for r in t3.rows if r.role == "data"}
    assert how["3"] == "position"  # 一、本年新收 lost its label
    assert how["二、上年结转政府信息公开申请数量"] == "label"
    assert how["(五)不予处理"] == "group"  # （五）1 under its group label
    cell = t3.cell((None, "new", "natural"))
    assert (cell.value.number, cell.row_how, cell.col_how) == (3, "position", "position")
    assert t3.cell((None, "partial", "total")).row_how == "position"
    assert t3.cell((None, "granted", "natural")).value.number == 2
    assert t3.cell((None, "rejected_complaint", "total")).row_how == "group"
    assert all(r.slot is not None for r in t3.rows if r.role == "data")


def test_2023_cells_keep_their_spans(seed004, vocabulary):
    t3 = aligned(_report(seed004, 2023), "t3", vocabulary)
    cell = t3.cell((None, "granted", "natural"))
    located = seed004.text.locate(cell.span)
    assert (located.line, located.column, located.text) == (116, 23, "2")


def test_2020_collapsed_rows_hold_unplaced_values(seed004, vocabulary):
    t3 = aligned(_report(seed004, 2020), "t3", vocabulary)
    assert t3.template.name == "t3@2019"
    new = t3.cell((None, "new", "natural"))
    assert new.value.kind == Kind.UNPLACED and new.col_how == "collapsed"
    assert set(new.value.candidates) == {parse_value("5"), BLANK}
    assert "无法确定各数值所在的列" in new.reason[0]
    assert {t3.cell((None, "results_total", c)).value.kind for c in ("natural", "total")} == {Kind.BLANK}
    assert t3.cell((None, "partial", "total")).col_how == "blank_row"


def test_2019_layouts_are_recognised(seed004, vocabulary):
    report = _report(seed004, 2019)
    assert aligned(report, "t2", vocabulary).template.name == "t2@2019"
    t4 = aligned(report, "t4", vocabulary)
    assert t4.cell(("suit_after_review", "cases", "total")).value.kind == Kind.ZERO
    assert t4.cell(("review", "cases", "upheld")).row_how == "position"


@pytest.mark.parametrize("year", [2022, 2021])
def test_reports_without_tables_align_nothing(seed004, vocabulary, year):
    assert all(aligned(_report(seed004, year), t, vocabulary) is None for t in ("t2", "t3", "t4"))


def test_alignment_is_cached_per_report_object(seed004, vocabulary):
    report = _report(seed004, 2023)
    first = aligned(report, "t3", vocabulary)
    assert aligned(report, "t3", vocabulary) is first
    assert aligned(replace(report, report_year=2020), "t3", vocabulary) is not first


T3_HEAD = "申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n"


def _doc(table: str, year: int = 2023) -> str:
    return (f"某市某局{year}年政府信息公开工作年度报告\n一、总体情况\n正文。\n三、收到和处理政府信息公开申请情况\n"
            f"{table}\n四、政府信息公开行政复议、行政诉讼情况\n无。\n")


def test_blank_cells_kept_in_place_are_read_by_position(vocabulary):
    # "| 3 | | 3 |" shows this table keeps its empty cells, so a short row's trailing blanks are real
    text = _doc(T3_HEAD + "一、本年新收政府信息公开申请数量 | 3 | | | | | | 3 |\n"
                          "二、上年结转政府信息公开申请数量 | 1 | | | | | | |\n")
    report = parse_text(text).reports[0]
    t3 = aligned(report, "t3", vocabulary)
    assert t3.keeps_blanks
    assert t3.cell((None, "carried", "natural")).value.number == 1
    assert t3.cell((None, "carried", "total")).value.kind == Kind.BLANK


def test_without_that_evidence_a_short_row_is_not_guessed(vocabulary):
    text = _doc(T3_HEAD + "一、本年新收政府信息公开申请数量 | 3 | 3 | | | | | |\n")
    t3 = aligned(parse_text(text).reports[0], "t3", vocabulary)
    assert not t3.keeps_blanks
    assert t3.cell((None, "new", "total")).value.kind == Kind.UNPLACED


def test_a_word_after_the_label_is_a_value(vocabulary):
    text = _doc(T3_HEAD + "一、本年新收政府信息公开申请数量 | 若干 | 0 | 0 | 0 | 0 | 0 | 3 |\n")
    t3 = aligned(parse_text(text).reports[0], "t3", vocabulary)
    assert t3.cell((None, "new", "natural")).value.kind == Kind.TEXT


def test_missing_rows_are_missing_not_zero(vocabulary):
    text = _doc(T3_HEAD + "一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n")
    t3 = aligned(parse_text(text).reports[0], "t3", vocabulary)
    cell = t3.cell((None, "carry_forward", "total"))
    assert cell.value.kind == Kind.MISSING and "没有" in cell.reason[0]
