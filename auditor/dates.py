"""Dates in report text, and working days on the official Chinese calendar.

Text reaching this module is already normalized (Simplified Chinese, half-width ASCII), so only
the forms below need recognizing:

    二○一二年三月二十七日   二〇一七年二月六日   2017年2月6日   2017 年 2 月 6 日
    2017-01-30   2017-1-30   2017/01/30   2017.01.30

Zero in a Chinese-numeral year may be written 〇, ○ (U+25CB), 零, 0 or the letter O/o.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from .errors import Problem


FIRST_YEAR, LAST_YEAR = 1949, 2100

_ZERO = "〇○零Oo0"
_DIGIT_VALUE = {ch: 0 for ch in _ZERO}
_DIGIT_VALUE.update({ch: i for i, ch in enumerate("一二三四五六七八九", start=1)})
_DIGIT_VALUE.update({str(i): i for i in range(10)})

_CN_1_9 = "一二三四五六七八九"
_YEAR = f"[0-9{_CN_1_9}〇○零Oo]{{4}}"
_MONTH = f"(?:[0-9]{{1,2}}|十[一二]?|[{_CN_1_9}])"
_DAY = f"(?:[0-9]{{1,2}}|[二三]?十[{_CN_1_9}]?|[{_CN_1_9}])"
# [ \t] rather than \s: callers match dates line by line and a date must not swallow a newline.
_SP = "[ \t]*"
_CJK_DATE = f"{_YEAR}{_SP}年{_SP}{_MONTH}{_SP}月{_SP}{_DAY}{_SP}[日号]"
_MONTH_DAY = f"{_MONTH}{_SP}月{_SP}{_DAY}{_SP}[日号]"
_SEPARATED_DATE = "[0-9]{4}(?:-[0-9]{1,2}-[0-9]{1,2}|/[0-9]{1,2}/[0-9]{1,2}|\\.[0-9]{1,2}\\.[0-9]{1,2})(?![0-9])"

DATE_REGEX_SOURCE = f"(?:{_CJK_DATE}|{_SEPARATED_DATE})"
"""Exactly one date in any supported form; no groups that capture, no lookbehind, so it can be
embedded anywhere. It does not check what precedes the date: embedders that scan free text should
reject a date glued to a preceding digit themselves (as `find_dates` does)."""

_NOT_AFTER_DIGIT = "(?<![0-9〇○零])"
_DATE_IN_TEXT = re.compile(_NOT_AFTER_DIGIT + DATE_REGEX_SOURCE)
_YEAR_IN_TEXT = re.compile(f"{_NOT_AFTER_DIGIT}({_YEAR}){_SP}年")
_MONTH_DAY_IN_TEXT = re.compile(f"(?<![0-9〇○零十{_CN_1_9}]){_MONTH_DAY}")
_NUMBER_TOKEN = re.compile(f"[0-9{_CN_1_9}〇○零Oo十]+")
_TRAILING_TIME = re.compile(r"\s+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?$")
_TENS = re.compile(f"([{_CN_1_9}]?)十([{_CN_1_9}]?)")


def chinese_number(s: str) -> int | None:
    """Value of an Arabic number, a Chinese number up to 99 ("二十七"), or a Chinese number read
    digit by digit ("二〇一七"); None if `s` is none of these."""
    s = s.strip()
    if s.isascii() and s.isdigit():  # [0-9]+
        return int(s)
    if m := _TENS.fullmatch(s):
        tens, units = m.groups()
        return _DIGIT_VALUE[tens or "一"] * 10 + (_DIGIT_VALUE[units] if units else 0)
    return _digit_by_digit(s)


def _digit_by_digit(s: str) -> int | None:
    # Alone, a letter O is a letter; it reads as zero only among other numerals.
    if not s or any(ch not in _DIGIT_VALUE for ch in s) or set(s) <= {"O", "o"}:
        return None
    value = 0
    for ch in s:
        value = value * 10 + _DIGIT_VALUE[ch]
    return value


def _date_of(matched: str) -> date | None:
    """The date in text matched by DATE_REGEX_SOURCE, None if impossible or out of range."""
    year, month, day = (chinese_number(t) for t in _NUMBER_TOKEN.findall(matched))
    if year is None or month is None or day is None or not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(s: str) -> date | None:
    """The date that the whole of `s` (stripped, a trailing time of day ignored) spells."""
    s = _TRAILING_TIME.sub("", s.strip())
    if not re.fullmatch(DATE_REGEX_SOURCE, s):
        return None
    return _date_of(s)


def find_dates(text: str) -> list[tuple[date, int, int]]:
    """Every possible full date in `text` as (date, start, end), in order."""
    found = []
    for m in _DATE_IN_TEXT.finditer(text):
        if (d := _date_of(m.group())) is not None:
            found.append((d, m.start(), m.end()))
    return found


def find_years(text: str) -> list[tuple[int, int, int]]:
    """Every "2016年" / "二〇一六年" as (year, start, end); the span ends after 年 (a following 度
    is not included). Years in full dates count; "〔2012〕" in a document number does not."""
    found = []
    for m in _YEAR_IN_TEXT.finditer(text):
        year = chinese_number(m.group(1))
        if year is not None and FIRST_YEAR <= year <= LAST_YEAR:
            found.append((year, m.start(), m.end()))
    return found


def find_month_days(text: str) -> list[tuple[int, int, int, int]]:
    """Every "12月31日" that has no year of its own, as (month, day, start, end)."""
    in_full_dates = [(m.start(), m.end()) for m in _DATE_IN_TEXT.finditer(text)]
    found = []
    for m in _MONTH_DAY_IN_TEXT.finditer(text):
        if any(start <= m.start() < end for start, end in in_full_dates):
            continue
        month, day = (chinese_number(t) for t in _NUMBER_TOKEN.findall(m.group()))
        if _is_possible_month_day(month, day):
            found.append((month, day, m.start(), m.end()))
    return found


def _is_possible_month_day(month: int | None, day: int | None) -> bool:
    if month is None or day is None:
        return False
    try:
        date(2000, month, day)  # a leap year, so 2月29日 is possible
    except ValueError:
        return False
    return True


@lru_cache(maxsize=None)
def _calendar(year: int):
    import holidays  # slow to import; only working-day arithmetic needs it

    return holidays.China(years=year)


def is_working_day(d: date) -> bool:
    """Official working day: not a weekend or statutory holiday, or a 调休 make-up day."""
    return _calendar(d.year).is_working_day(d)


def add_calendar_days(start: date, n: int) -> date:
    return start + timedelta(days=n)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (before it when n < 0); `start` itself never counts."""
    step = timedelta(days=1 if n > 0 else -1)
    d = start
    for _ in range(abs(n)):
        d += step
        while not is_working_day(d):
            d += step
    return d


def working_days_between(start: date, end: date) -> int:
    """Number of working days in (start, end]; 0 if end <= start."""
    return sum(is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


_DEADLINE = re.compile(
    r"Y\s*(?:([+-])\s*([0-9]+))?\s*-\s*([0-9]{1,2})\s*-\s*([0-9]{1,2})"
    r"(?:\s*([+-])\s*([0-9]+)\s*(working\s+days?|days?))?"
)


@lru_cache(maxsize=1024)  # every document of a year asks for the same few deadlines
def parse_deadline(expr: str, year: int) -> date:
    """Evaluate a rule deadline such as "Y+1-03-31 + 20 working days" for report year `year`:
    Y[±k]-MM-DD, optionally followed by ± N days or ± N working days."""
    m = _DEADLINE.fullmatch(expr.strip())
    if not m:
        raise Problem(f"malformed deadline {expr!r}: expected Y[+k|-k]-MM-DD [+|- N days|working days], "
                      'e.g. "Y+1-03-31 + 20 working days"',
                      f"截止日期写法有误 {expr!r}：应写作 Y[+k|-k]-MM-DD [+|- N days|working days]，"
                      '例如 "Y+1-03-31 + 20 working days"')
    year_sign, year_offset, month, day, sign, amount, unit = m.groups()
    if year_offset:
        year += int(year_offset) if year_sign == "+" else -int(year_offset)
    try:
        base = date(year, int(month), int(day))
    except ValueError as err:
        raise Problem(f"malformed deadline {expr!r}: {err} (for year {year})",
                      f"截止日期写法有误 {expr!r}：{year} 年没有这一天") from None
    if not amount:
        return base
    n = int(amount) if sign == "+" else -int(amount)
    if unit.startswith("working"):
        return add_working_days(base, n)
    return add_calendar_days(base, n)
