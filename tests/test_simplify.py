"""OpenCC t2s is skipped only for texts it would leave unchanged."""

import json
import random

import pytest

from auditor import simplify
from tests.conftest import EXAMPLES


def test_changing_chars_of_characters_and_phrases():
    entries = [("龍", "龙"), ("著", "著"), ("看著", "看着"), ("深沈", "深沉"), ("瞭解", "了解"), ("於是乎", "于是"),
               ("公里", "公里")]
    assert simplify.changing_chars(entries) == {"龍", "著", "沈", "瞭", "於", "是", "乎"}


@pytest.fixture(scope="module")
def dictionary_entries():
    found = simplify._installation()
    assert found is not None, "the opencc package ships t2s.json and the opencc_dict tool"
    share, tool, _ = found
    return [e for d in simplify._config_dictionaries(share) for e in simplify._read_entries(simplify._dump(tool, d))]


@pytest.fixture(scope="module")
def check():
    chars = simplify._load_changing_chars()
    assert chars, "the characters could be worked out from the installed dictionaries"
    return simplify.changing_pattern(chars)


def test_every_key_opencc_would_change_is_caught(dictionary_entries, check):
    converter = simplify.converter()
    changing = [k for k, v in dictionary_entries if converter.convert(f"本机关{k}。") != f"本机关{k}。"]
    assert len(changing) > 4000  # the dictionaries were read: thousands of characters and phrases convert
    assert [k for k in changing if check.search(f"本机关{k}。") is None] == []


def test_skipped_texts_are_what_opencc_returns(dictionary_entries, check):
    converter = simplify.converter()
    examples = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(EXAMPLES.glob("*.txt"))]
    rng = random.Random(5)
    # the characters of the Simplified examples and of every dictionary key, shuffled into texts
    pool = "".join(t for t in examples if check.search(t) is None) + "".join(k for k, _ in dictionary_entries)
    texts = examples + ["".join(rng.choice(pool) for _ in range(rng.randint(1, 30))) for _ in range(20000)]
    skipped = [t for t in texts if check.search(t) is None]
    assert len(skipped) > 1000
    assert [t for t in skipped if converter.convert(t) != t] == []


class _Counting:
    def __init__(self, real):
        self.real, self.calls = real, 0

    def convert(self, text):
        self.calls += 1
        return self.real.convert(text)


def test_simplified_text_is_not_converted_once_the_check_is_built(monkeypatch):
    counting = _Counting(simplify.converter())
    monkeypatch.setattr(simplify, "converter", lambda: counting)
    monkeypatch.setattr(simplify, "CHECK_FROM_TEXT", 2)
    simplifier = simplify._Simplifier()
    assert simplifier("本机关2019年度报告") == "本机关2019年度报告" and counting.calls == 1  # before the check
    assert simplifier("本机关2019年度报告") == "本机关2019年度报告" and counting.calls == 1  # skipped
    assert simplifier("龍巖市2012年度報告") == "龙岩市2012年度报告" and counting.calls == 2


def test_without_the_dictionary_tool_every_text_is_converted(monkeypatch):
    counting = _Counting(simplify.converter())
    monkeypatch.setattr(simplify, "converter", lambda: counting)
    monkeypatch.setattr(simplify, "CHECK_FROM_TEXT", 1)
    monkeypatch.setattr(simplify, "_installation", lambda: None)
    simplifier = simplify._Simplifier()
    assert simplifier("本机关") == "本机关" and simplifier("本机关") == "本机关"
    assert counting.calls == 2


def test_characters_are_cached_per_installation(tmp_path, monkeypatch):
    monkeypatch.setenv("OGI_AUDITOR_CACHE", str(tmp_path))
    chars = simplify._load_changing_chars()
    cached = json.loads((tmp_path / simplify.CACHE_FILE).read_text(encoding="utf-8"))
    assert cached["chars"] == chars
    # a cache written for other dictionaries is not believed
    (tmp_path / simplify.CACHE_FILE).write_text(json.dumps({"key": "other", "chars": ""}), encoding="utf-8")
    assert simplify._load_changing_chars() == chars
    # nor does an unwritable cache stop it
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("OGI_AUDITOR_CACHE", str(blocker / "cache"))
    assert simplify._load_changing_chars() == chars


def test_a_lone_surrogate_goes_to_opencc_before_and_after_the_check_is_built(check):
    assert check.search("报告\ud800") is not None
    assert simplify.changing_pattern("").search("\udfff") is not None
    assert simplify.changing_pattern("").search("本机关") is None
