"""The benchmark corpus generator: deterministic, and its defects are defects the auditor finds."""

from __future__ import annotations

import random

from auditor.audit import audit_file
from auditor.engine import Context
from auditor.ruleset import load_rules, load_vocabulary
from bench.make_corpus import _TABLE_NUMBER, inject, make_corpus
from tests.snapshots import AS_OF, EXAMPLES

TABLE_REPORT = EXAMPLES / "004_641c8d857bc9cae3.txt"  # 2019-2023 reports with statistical tables


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.txt"))}


def test_same_seed_same_corpus(tmp_path):
    make_corpus(tmp_path / "a", 30, seed=3)
    make_corpus(tmp_path / "b", 30, seed=3)
    first = _files(tmp_path / "a")
    assert len(first) == 30 and first == _files(tmp_path / "b")
    make_corpus(tmp_path / "c", 30, seed=4)
    assert _files(tmp_path / "c") != first


def _failing_table_sums(path, rules, ctx) -> set:
    table_presence = {"TB01", "TB02", "TB03"}
    return {(d.year, f.rule) for d in audit_file(path, rules, ctx).documents for f in d.findings
            if f.rule.startswith("TB") and f.rule not in table_presence and f.status.value == "fail"}


def test_a_changed_table_number_breaks_the_table_sums(tmp_path):
    rules, ctx = load_rules(), Context(vocabulary=load_vocabulary(), as_of=AS_OF)
    text = TABLE_REPORT.read_text(encoding="utf-8")
    before = _failing_table_sums(TABLE_REPORT, rules, ctx)
    broken = 0
    for seed in range(8):
        changed = inject(text, "number_changed", 2021, random.Random(seed))
        numbers = [m.group(1) for m in _TABLE_NUMBER.finditer(text)], [m.group(1) for m in _TABLE_NUMBER.finditer(changed)]
        assert sum(a != b for a, b in zip(*numbers)) == 1 and len(changed) >= len(text)  # one number, raised
        path = tmp_path / f"changed_{seed}.txt"
        path.write_text(changed, encoding="utf-8")
        broken += bool(_failing_table_sums(path, rules, ctx) - before)
    assert broken >= 4  # most table cells take part in a sum; some (a lone total) do not
