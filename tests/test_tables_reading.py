"""How table rows are read for alignment: the shortcuts (row shapes, memos, sparse score passes)
against the plain definitions they stand for."""

import random

import pytest

from auditor.pipeline import parse_text
from auditor.tables import (Kind, _best_table_id, _edition_hits, _parsed_rows, _prefix_scores, _split_row,
                            _suffix_scores, align_rows, parse_value, row_facts, templates)
from tests.conftest import SEED_004
from tests.test_tables import random_weights

# ---- row shapes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("codes,label_at,start,end,leading", [
    ("tzzz", (0,), 1, 4, True),
    ("ttiib", (0, 1), 2, 4, True),
    ("btbtzb", (1, 3), 4, 5, False),  # a blank before and between the labels
    ("tbbb", (0,), 1, 1, True),  # a label and blanks: no values
    ("zztz", (), 0, 4, True),  # text after the first value is a value
    ("", (), 0, 0, True),
    ("bbb", (), 0, 0, True),
    ("tnt", (0,), 1, 3, True),  # "/" is a value
])
def test_a_row_splits_by_its_kind_codes(codes, label_at, start, end, leading):
    assert _split_row(codes) == (label_at, start, end, leading)


def _plain_facts(row):
    """What row_facts computes, by its definition."""
    kinds = [parse_value(c.text).kind for c in row.cells]
    first_value = next((i for i, k in enumerate(kinds) if k in (Kind.INTEGER, Kind.ZERO, Kind.DECIMAL, Kind.NA)),
                       len(kinds))
    label_at = tuple(i for i in range(first_value) if kinds[i] is Kind.TEXT)
    end = len(kinds)
    while end and kinds[end - 1] is Kind.BLANK:
        end -= 1
    return label_at, (label_at[-1] + 1 if label_at else 0), end, tuple([row.cells[i] for i in label_at])


@pytest.fixture(scope="module")
def seed_tables():
    parsed = parse_text(SEED_004.read_text(encoding="utf-8"))
    return [t for r in parsed.reports for t in r.tables]


def test_row_facts_agree_with_their_definition(seed_tables):
    rows = [(t, row) for t in seed_tables for row in t.rows]
    assert len(rows) > 100
    for table, row in rows:
        (f,) = [f for f in row_facts((table,)) if f.row is row]
        if len(f.cells) == len(row.cells):  # no leading empty column dropped
            assert (f.label_at, f.start, f.end, f.labels) == _plain_facts(row)
            assert f.label_keys == tuple(f.keys[i] for i in f.label_at)


# ---- label matching -----------------------------------------------------------------------------


def test_the_best_table_counts_each_templates_labels(seed_tables):
    for table in seed_tables:
        facts = row_facts((table,))
        keys = [k for f in facts for k in f.keys if k]
        scores = {tid: max(sum(1 for k in keys if t.names_label(k)) for t in ts) for tid, ts in templates().items()}
        best = max(scores.values())
        winners = [tid for tid, s in scores.items() if s == best]
        assert _best_table_id(facts) == ((winners[0] if len(winners) == 1 and best > 0 else None), best)


def test_edition_hits_are_the_labels_the_classified_rows_hold(seed_tables):
    found = 0
    for table in seed_tables:
        facts = row_facts((table,))
        for templates_of_table in templates().values():
            for t in templates_of_table:
                parsed = _parsed_rows(facts, t)
                expected = tuple(c for r in parsed for c, k in zip(r.labels, r.label_keys) if t.names_edition_label(k))
                assert _edition_hits(facts, t) == expected
                found += len(expected)
    assert found  # the seed has edition-specific labels


def test_a_word_after_a_label_is_not_an_edition_label():
    # "本年增减" (2019 only) is a label in a header row, but a value in words after the row label 规章
    t2_2019 = next(t for t in templates()["t2"] if "2019" in t.editions)
    text = ("某市某局2020年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
            "信息内容 | 本年增减 |\n规章 | 本年增减 | 0 |\n")
    report = parse_text(text).reports[0]
    facts = row_facts(tuple(report.tables))
    hits = _edition_hits(facts, t2_2019)
    assert hits == (facts[0].cells[1],)
    assert [c.text for r in _parsed_rows(facts, t2_2019) for c in r.labels] == ["信息内容", "本年增减", "规章"]


# ---- row alignment scores -----------------------------------------------------------------------


def _plain_prefix(weights, n):
    f = [[0] * (n + 1)]
    for w in weights:
        cur = [0]
        for j in range(1, n + 1):
            cur.append(max(cur[j - 1], f[-1][j], f[-1][j - 1] + w[j - 1] if j - 1 in w else 0))
        f.append(cur)
    return f


def _plain_suffix(weights, n):
    b = [[0] * (n + 1)]
    for w in reversed(weights):
        cur = [0] * (n + 1)
        for j in range(n - 1, -1, -1):
            cur[j] = max(cur[j + 1], b[-1][j], b[-1][j + 1] + w[j] if j in w else 0)
        b.append(cur)
    return b[::-1]


@pytest.mark.parametrize("seed", range(200))
def test_scores_agree_with_the_recurrence(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 26)
    weights = random_weights(rng, n, rng.randint(0, 40))
    assert _prefix_scores(weights, n) == _plain_prefix(weights, n)
    assert _suffix_scores(weights, n) == _plain_suffix(weights, n)


def test_rows_sharing_one_weight_dict_are_placed_apart():
    bare = {t: 1 for t in range(3)}
    assert align_rows([bare, bare, bare], 3) == [(0, {0}), (1, {1}), (2, {2})]
    assert align_rows([bare, bare], 3) == [(None, {0, 1}), (None, {1, 2})]
