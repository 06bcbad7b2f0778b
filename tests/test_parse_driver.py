"""parsing._LalrDriver runs Lark's parse table in a loop of its own; Lark's own parser, with the same
grammar and transformer, is the reference: same model, on real documents and on line salads."""

import random
from pathlib import Path

import pytest

from auditor import parsing
from auditor.ingest import read_source
from auditor.normalize import normalize
from auditor.split import split_documents
from tests.conftest import EXAMPLES, ROOT

FIXTURES = ROOT / "tests" / "fixtures"


def _documents(path: Path) -> list[str]:
    masked, segments = split_documents(normalize(read_source(path).text, str(path)).normalized)
    return [masked[s.start:s.end] for s in segments]


def _example_documents() -> list[str]:
    paths = sorted(EXAMPLES.glob("*.txt")) + sorted(FIXTURES.glob("report.*"))
    return [doc for path in paths for doc in _documents(path)]


def _line_salads(documents: list[str], count: int, seed: int) -> list[str]:
    """Lines of real documents shuffled, cut short, doubled and mixed with bare tokens."""
    lines = "\n".join(documents).splitlines()
    bare = ["", "|", "一、", "(一)", "1.", "(1)", "二○一二年三月二十七日", "2019年1月18日", "某局", "某区人民政府办公室",
            "索引号:", "||||", "3.2012", " \t", "一、总体情况 | 1 |", "  | a |"]
    rng = random.Random(seed)
    salads = []
    for _ in range(count):
        sample = rng.sample(lines, rng.randint(0, 60)) + rng.sample(bare, rng.randint(0, len(bare)))
        sample = [line[:rng.randint(0, len(line))] if rng.random() < 0.3 else line for line in sample]
        sample += rng.sample(sample, min(len(sample), 5))
        rng.shuffle(sample)
        salads.append("\n".join(sample))
    return salads


def _driver_and_lark(document: str):
    lines = parsing.logical_lines(document, 0)
    parser = parsing.report_parser()
    parser.options.transformer.lines = lines
    text = lines.text + "\n"
    return parsing._driver().parse(parsing._tokens(text)), parser.parse(text)


@pytest.mark.parametrize("kind", ["examples", "salads"])
def test_the_own_lalr_loop_builds_what_lark_builds(kind):
    documents = _example_documents()
    if kind == "salads":
        documents = _line_salads(documents, 300, seed=3)
    assert documents
    for document in documents:
        ours, larks = _driver_and_lark(document)
        assert ours == larks, document[:200]


def test_empty_and_blank_documents_parse():
    for document in ["", "\n", " \t\n\n", "|", "正文"]:
        ours, larks = _driver_and_lark(document)
        assert ours == larks


def test_the_inline_heading_prefilter_misses_no_cut():
    """logical_lines skips the line by line search when _ANY_INLINE_H1 finds nothing: it must
    find something wherever that search would cut."""
    documents = _example_documents()
    documents += _line_salads(documents, 300, seed=5)
    documents += ["某局报告如下: 一、概述 略。 二、主动公开 略;三、依申请公开", "正文。十一、x", "a\n二、b 三、c"]
    cut = 0
    for document in documents:
        if parsing._cuts(document):
            cut += 1
            assert parsing._ANY_INLINE_H1.search(document), document[:200]
    assert cut >= 3
