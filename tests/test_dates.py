import re
from datetime import date

import pytest

from auditor.dates import (
    DATE_REGEX_SOURCE,
    add_calendar_days,
    add_working_days,
    chinese_number,
    find_dates,
    find_month_days,
    find_years,
    is_working_day,
    parse_date,
    parse_deadline,
    working_days_between,
)


@pytest.mark.parametrize(
    "text, value",
    [
        ("十", 10),
        ("十二", 12),
        ("二十七", 27),
        ("三十一", 31),
        ("六", 6),
        ("二〇一七", 2017),
        ("二○一二", 2012),
        ("二零一六", 2016),
        ("二O一五", 2015),
        ("二o一九", 2019),
        ("12", 12),
        ("2017", 2017),
    ],
)
def test_chinese_number(text, value):
    assert chinese_number(text) == value


@pytest.mark.parametrize("text", ["", "年", "十十", "O", "二十七日", "abc"])
def test_chinese_number_rejects_non_numbers(text):
    assert chinese_number(text) is None


@pytest.mark.parametrize(
    "text, value",
    [
        ("二○一二年三月二十七日", date(2012, 3, 27)),
        ("二〇一七年二月六日", date(2017, 2, 6)),
        ("二〇一七年十二月三十一日", date(2017, 12, 31)),
        ("2017年2月24日", date(2017, 2, 24)),
        ("2017 年 2 月 6 日", date(2017, 2, 6)),
        ("  2017年02月06日\n", date(2017, 2, 6)),
        ("2017-01-30", date(2017, 1, 30)),
        ("2017-1-30", date(2017, 1, 30)),
        ("2017/01/30", date(2017, 1, 30)),
        ("2017.01.30", date(2017, 1, 30)),
        ("2011-03-28 04:47", date(2011, 3, 28)),
    ],
)
def test_parse_date(text, value):
    assert parse_date(text) == value


@pytest.mark.parametrize(
    "text",
    ["2019年2月30日", "2017-13-01", "2017年2月", "2017年", "今天2017年2月6日", "2017-01-301", "2017-01/30", ""],
)
def test_parse_date_rejects(text):
    assert parse_date(text) is None


def test_date_regex_source_matches_each_form_whole():
    for text in ["二○一二年三月二十七日", "2017 年 2 月 6 日", "2017-1-30", "2017/01/30", "2017.01.30"]:
        assert re.fullmatch(DATE_REGEX_SOURCE, text), text
    assert re.fullmatch(DATE_REGEX_SOURCE, "2017年2月") is None
    assert re.compile(DATE_REGEX_SOURCE).groups == 0


def test_date_regex_source_embeds():
    line = re.compile(r"^[ \t]*(?:" + DATE_REGEX_SOURCE + r")[ \t]*$", re.MULTILINE)
    found = [m.group().strip() for m in line.finditer("某某市人民政府\n  2018年3月30日 \n正文2018年")]
    assert found == ["2018年3月30日"]


def test_find_dates_with_offsets():
    text = "本报告于二○一二年三月二十七日发布,2017年2月24日更新。"
    assert find_dates(text) == [
        (date(2012, 3, 27), 4, 15),
        (date(2017, 2, 24), 18, 28),
    ]
    assert text[4:15] == "二○一二年三月二十七日"
    assert text[18:28] == "2017年2月24日"


def test_find_dates_ignores_time_of_day():
    text = "发布时间:2011-03-28 04:47"
    assert find_dates(text) == [(date(2011, 3, 28), 5, 15)]


def test_find_dates_period_without_second_year():
    text = "统计期限自2023年1月1日起至12月31日止"
    assert find_dates(text) == [(date(2023, 1, 1), 5, 14)]


def test_find_dates_skips_impossible_date():
    assert find_dates("2019年2月30日和2019年3月1日") == [(date(2019, 3, 1), 11, 20)]


@pytest.mark.parametrize("text", ["12017年1月1日", "2017-01-301", "编号12017-01-30", "2017/01/3012"])
def test_find_dates_rejects_glued_digits(text):
    assert find_dates(text) == []


def test_find_years():
    text = "现将我单位2015年度政府信息公开情况报告如下"
    assert find_years(text) == [(2015, 5, 10)]
    assert text[5:10] == "2015年"


def test_find_years_chinese_and_in_dates():
    text = "二○一六年度报告,2017年2月6日发布"
    assert find_years(text) == [(2016, 0, 5), (2017, 9, 14)]
    assert (text[0:5], text[9:14]) == ("二○一六年", "2017年")


def test_find_years_skips_document_numbers_glued_digits_and_out_of_range():
    assert find_years("闽工商综〔2012〕134号") == []
    assert find_years("依据[2012]5号和【2016】7号文件") == []
    assert find_years("12016年") == []
    assert find_years("共1800年") == []


def test_find_month_days():
    text = "统计期限自2023年1月1日起至12月31日止"
    assert find_month_days(text) == [(12, 31, 16, 22)]
    assert text[16:22] == "12月31日"


def test_find_month_days_chinese_and_impossible():
    assert find_month_days("于三月二十七日前,2月30日") == [(3, 27, 1, 7)]
    assert find_month_days("二〇一七年二月六日") == []


def test_statutory_calendar():
    assert is_working_day(date(2019, 2, 2))  # Saturday made up for the Spring Festival
    assert not is_working_day(date(2019, 2, 4))  # Spring Festival eve
    assert not is_working_day(date(2019, 2, 9))  # ordinary Saturday
    assert is_working_day(date(2019, 2, 11))
    for day in range(1, 7):
        assert not is_working_day(date(2023, 10, day)), day
    assert is_working_day(date(2023, 10, 7))
    assert is_working_day(date(2023, 10, 8))


def test_add_working_days_across_2020_spring_festival():
    # 2020-01-23 Thursday; the (extended) holiday ran 01-24..02-02.
    assert add_working_days(date(2020, 1, 23), 1) == date(2020, 2, 3)
    assert add_working_days(date(2020, 1, 23), 3) == date(2020, 2, 5)
    assert add_working_days(date(2020, 2, 3), -1) == date(2020, 1, 23)
    assert add_working_days(date(2020, 1, 25), 0) == date(2020, 1, 25)


def test_working_days_between():
    assert working_days_between(date(2020, 1, 23), date(2020, 2, 3)) == 1
    assert working_days_between(date(2023, 9, 28), date(2023, 10, 8)) == 2  # 9-29..10-06 holiday, 10-07 and 10-08 made up
    assert working_days_between(date(2019, 1, 1), date(2019, 1, 31)) == 22
    assert working_days_between(date(2020, 2, 3), date(2020, 1, 23)) == 0
    assert working_days_between(date(2020, 2, 3), date(2020, 2, 3)) == 0


def test_add_calendar_days():
    assert add_calendar_days(date(2019, 12, 31), 1) == date(2020, 1, 1)
    assert add_calendar_days(date(2020, 3, 1), -1) == date(2020, 2, 29)


@pytest.mark.parametrize(
    "expr, year, value",
    [
        ("Y+1-03-31", 2018, date(2019, 3, 31)),
        ("Y+1-01-31", 2018, date(2019, 1, 31)),
        ("Y-12-31", 2018, date(2018, 12, 31)),
        ("Y+1-01-01", 2022, date(2023, 1, 1)),
        ("Y+1-03-31 + 5 days", 2018, date(2019, 4, 5)),
        ("Y+1-01-01 - 1 days", 2018, date(2018, 12, 31)),
        ("Y-01-23 + 1 working days", 2020, date(2020, 2, 3)),
        ("Y-02-03 - 1 working days", 2020, date(2020, 1, 23)),
        ("Y+1-09-28 + 3 working days", 2022, date(2023, 10, 9)),
    ],
)
def test_parse_deadline(expr, year, value):
    assert parse_deadline(expr, year) == value


@pytest.mark.parametrize(
    "expr",
    ["", "Y+1", "2019-03-31", "Y+1-03-31 + 20 weeks", "Y+1-13-01", "Y+1-02-30", "Y+x-03-31", "Y+1-03-31 20 days"],
)
def test_parse_deadline_rejects_malformed(expr):
    with pytest.raises(ValueError, match="malformed deadline"):
        parse_deadline(expr, 2018)


def test_only_ascii_digits_are_arabic_numbers():
    from auditor.dates import chinese_number

    assert chinese_number(" 2017 ") == 2017 and chinese_number("07") == 7
    assert chinese_number("٣") is None and chinese_number("２０１７") is None and chinese_number("") is None
