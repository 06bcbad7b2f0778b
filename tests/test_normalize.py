import random

import opencc

from auditor.model import Span
from auditor.normalize import _FOLD, fold_width, normalize
from tests.conftest import EXAMPLES, example


def test_traditional_round_trip_every_character():
    original = example("001").read_text(encoding="utf-8")
    text = normalize(original)
    assert "龙岩市工商行政管理局" in text.normalized and "龍" not in text.normalized
    # phrase conversion (規劃 → 规划) keeps one character per character, so every offset maps
    # to the character it came from
    assert len(text.normalized) == len(original)
    assert all(text.to_original(i) == i for i in range(len(original)))
    expected = opencc.OpenCC("t2s").convert(original)
    for i in range(len(original)):
        assert text.normalized[i] == expected[i] or ord(expected[i]) - 0xFEE0 == ord(text.normalized[i])


def test_span_maps_back_to_traditional_characters():
    original = example("001").read_text(encoding="utf-8")
    text = normalize(original)
    start = text.normalized.index("龙岩市工商行政管理局2012年度")
    loc = text.locate(Span(start, start + 10))
    assert loc.text == "龍巖市工商行政管理局"
    assert (loc.line, loc.column) == (original[:original.index("龍巖")].count("\n") + 1, 1)


def test_fullwidth_folding_and_offsets():
    original = "第一行\r\n（一）主动公开：２０１９年\u3000完\r\n"
    text = normalize(original)
    assert text.normalized == "第一行\n(一)主动公开:2019年 完\n"
    i = text.normalized.index("2019")
    loc = text.locate(Span(i, i + 5))
    assert loc.text == "２０１９年"
    assert (loc.line, loc.column, loc.end_column) == (2, 9, 14)


def test_zero_width_characters_dropped_but_located():
    original = "前\u200b言\ufeff二、总体情况"
    text = normalize(original)
    assert text.normalized == "前言二、总体情况"
    i = text.normalized.index("二")
    assert text.locate(Span(i, i + 1)).column == 5


def test_fold_width_is_translate_on_real_and_scrambled_text():
    texts = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.txt"))]
    rng = random.Random(7)
    alphabet = [chr(c) for c in _FOLD] + list("ab 1，。\n中文\uff00\uff61\u3001")
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40))) for _ in range(500)]
    assert any(text != text.translate(_FOLD) for text in texts)
    for text in texts:
        assert fold_width(text) == text.translate(_FOLD)
