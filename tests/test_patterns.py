"""User patterns: the shortcuts in auditor.patterns must find exactly what a plain search finds,
and a pattern that backtracks catastrophically must still be stopped."""

import random
import re

import pytest
import regex

from auditor import patterns, split
from auditor.patterns import PatternError, SkippingPattern, finditer, match_starts, search
from auditor.split import chrome_rules
from tests.conftest import EXAMPLES

TEXT = ("一、总体情况\n本机关依申请公开政府信息,未收取任何费用;收取复印费用0元。\n"
        "现将2020年度政府信息公开工作年度报告如下。统计期限为2020年1月1日至12月31日。\n"
        "工作机构为办公室,办公时间:工作日。检索、复制、邮寄等成本费已取消。ab xab aab\n")

PATTERNS = [
    "依申请|公开申请|申请公开", "a|ab", "ab|a", "费用|收取", "缺少的词", "收费|收取[^。\n]{0,12}费|费用|减免",
    "(工作机构|受理机构)[^。\n]{0,6}(为|是|:)", "截[至止](?P<year>\\d{4})年", "现将[^。\n]{0,30}?(?P<year>\\d{4})年度?",
    "检索费|(检索|复制|邮寄)[、,和及与]*(检索|复制|邮寄)?[、,和及与]*(检索|复制|邮寄)?等?成本费(用)?",
    "(?<=本)机关", "^一、", "\\b[a-z]+\\b", "a?b", "(?i)AB", "(?:总体){e<=1}", "[[:alpha:]]+", "(?:a|b)+",
    "[年[:digit:]]+", "[x[:alpha:]]",
]


def _plain(source, text):
    return regex.compile(source, regex.MULTILINE | regex.V0)


def _key(m):
    return None if m is None else (m.span(), m.group(0), m.groups())


@pytest.mark.parametrize("source", PATTERNS)
def test_search_and_finditer_find_what_a_plain_search_finds(source):
    plain = _plain(source, TEXT)
    for start in (0, 5, 40):
        text = TEXT[start:]
        assert _key(search(source, text)) == _key(plain.search(text))
        assert [_key(m) for m in finditer(source, text)] == [_key(m) for m in plain.finditer(text)]
    assert _key(search(source, TEXT, 10, 60)) == _key(plain.search(TEXT, 10, 60))
    assert [_key(m) for m in finditer(source, TEXT, 10, 60)] == [_key(m) for m in plain.finditer(TEXT, 10, 60)]


def test_a_choice_of_plain_strings_takes_the_first_listed_at_the_first_offset():
    assert search("a|ab", "xab").group() == "a"
    assert search("ab|a", "xab").group() == "ab"
    assert search("乙|甲", "甲乙").group() == "甲"
    assert search("乙|丙", "甲") is None
    assert patterns._plan("乙|丙").plain and not patterns._plan("乙|丙+").plain


@pytest.mark.parametrize("source, starts", [
    ("收费|收取[^。]{0,12}费|费用", ("收费", "收取", "费用")),
    ("(工作机构|受理机构)[^。]{0,6}为", ("工作机构", "受理机构")),
    ("截[至止](?P<year>\\d{4})年", ("截",)),
    ("[至止]年", ("至", "止")),
    ("https?://", ("http",)),
    ("(?:ab)+c", ("ab",)),
])
def test_match_starts(source, starts):
    assert match_starts(source) == starts


@pytest.mark.parametrize("source", [
    "a?b", "a*b", "[^a]b", ".b", "\\db",  # a match may begin elsewhere
    "(?<=x)a", "(?<!x)a", "^a", "a$", "\\ba", "(a)\\1",  # matching depends on the text around it
    "(?i)a", "(?x)a b", "(?:ab){e<=1}", "[[:alpha:]]a", "\\p{Han}a", "a|",  # read differently, or not at all, by re
    "[年[:digit:]]", "[x[:alpha:]]", "[x[:^digit:]]+", "[x[=a=]]", "[x[.a.]]",  # a POSIX class after other members
])
def test_no_match_starts_when_unsure(source):
    assert match_starts(source) is None


@pytest.mark.parametrize("source", ["x(a|aa)+b", "(a|aa)+b", ".(a|aa)+b"])
def test_catastrophic_backtracking_is_stopped(source, monkeypatch):
    monkeypatch.setattr(patterns, "TIMEOUT_SECONDS", 0.05)
    text = "x" + "a" * 40
    with pytest.raises(PatternError, match="took longer"):
        search(source, text)
    with pytest.raises(PatternError, match="took longer"):
        list(finditer(source, text))


# ---- SkippingPattern: the application's own `re` patterns -------------------------------------

SKIPPING = [
    ("^[ \t]*字号:[ \t]*$", re.MULTILINE), ("(?:浏览次数|点击数):[ \t]*\\d*|字体(?:大小)?:[ \t]*(?:\\[[^\\]\n]*\\])?", 0),
    ("^a+", re.MULTILINE), ("^(?:a\n)+b", re.MULTILINE), ("^a|b", re.MULTILINE), ("^a$", re.MULTILINE),
    ("(?:ab)+c", 0), ("[至止]年", 0), ("a(?<=ba)", 0), ("ab|a", 0), ("a\nb?", re.MULTILINE),
    ("(编制|阅读)本《?指南|本《指南》|政府信息公开(工作)?指南", 0), ("a*", 0), ("^", re.MULTILINE), ("(?<=a)b", 0), ("(?i)ab", 0), ("ab", re.IGNORECASE), ("^ab", 0),
]


def _scrambled_texts():
    rng = random.Random(11)
    texts = [TEXT, *(path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.txt")))]
    alphabet = list("aab b\n\n字号: 至止年c\t浏览次数点击数[x]") + ["字号:", "ab", "\na", "字体大小: [x]", "编制本", "指南", "政府信息公开工作"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30))) for _ in range(400)]
    return texts


@pytest.mark.parametrize("source, flags", SKIPPING)
def test_skipping_pattern_finds_what_re_finds(source, flags):
    pattern = re.compile(source, flags)
    skipping = SkippingPattern(pattern)
    for text in _scrambled_texts():
        bounds = [(0, len(text)), (1, len(text)), (3, len(text) - 2), (len(text) // 2, len(text))]
        for pos, endpos in bounds:
            assert _key(skipping.search(text, pos, endpos)) == _key(pattern.search(text, pos, endpos))
            assert [_key(m) for m in skipping.finditer(text, pos, endpos)] == \
                [_key(m) for m in pattern.finditer(text, pos, endpos)]
        assert [_key(m) for m in skipping.finditer(text)] == [_key(m) for m in pattern.finditer(text)]


def test_skipping_pattern_skips_for_the_chrome_and_date_line_patterns():
    rules = chrome_rules()
    for skipping in (*rules.separators, rules.inline_noise, *rules.footer_start, split._DATE_LINE, split._GUIDE_STRONG):
        assert skipping.finder is not None, skipping.pattern.pattern
    unsure = ["a*", "^", "(?<=a)b", "(?i)ab", "^ab", "^a|b"]
    assert all(SkippingPattern(re.compile(s, re.MULTILINE if s != "^ab" else 0)).finder is None for s in unsure)
