"""The business calendar (開庁日): weekends, national holidays with substitute holidays, the year-end
closure 12/29–1/3, and exceptions the administrators enter."""

from datetime import date

import pytest
from django.utils import translation

from smartkoto.municipality import calendar
from smartkoto.municipality.models import CalendarException, Office

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day, name", [
    (date(2025, 2, 11), "建国記念の日"),
    (date(2025, 1, 13), "成人の日"),
    (date(2025, 2, 24), "振替休日"),  # 天皇誕生日 2/23 fell on a Sunday
    (date(2025, 5, 5), "こどもの日"),
    (date(2025, 5, 6), "振替休日"),  # 憲法記念日 5/3 Saturday, みどりの日 5/4 Sunday
    (date(2025, 11, 24), "振替休日"),
    (date(2026, 5, 6), "振替休日"),  # 憲法記念日 5/3 Sunday
    (date(2026, 9, 22), "国民の休日"),  # between 敬老の日 and 秋分の日
])
def test_national_holidays_including_substitute_holidays_are_closed(day, name):
    assert day.weekday() < 5  # all are weekdays: only the holiday closes them
    with translation.override("ja"):
        assert calendar.closure_reason(day) == name
    assert not calendar.is_open(day)


def test_holiday_names_follow_the_page_language():
    with translation.override("en"):
        assert calendar.closure_reason(date(2025, 5, 6)) == "Substitute Holiday"


@pytest.mark.parametrize("day", [date(2025, 12, 29), date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)])
def test_year_end_closure(day):
    assert not calendar.is_open(day)
    with translation.override("en"):
        assert calendar.closure_reason(day) == "Year-end and New Year closure"


def test_days_around_the_year_end_closure_are_open():
    assert calendar.is_open(date(2025, 12, 26))  # Friday
    assert calendar.is_open(date(2026, 1, 5))  # Monday


def test_weekends_are_closed_and_ordinary_weekdays_open():
    assert not calendar.is_open(date(2025, 6, 7))  # Saturday
    assert not calendar.is_open(date(2025, 6, 8))  # Sunday
    for day in range(9, 14):
        assert calendar.is_open(date(2025, 6, day))
    with translation.override("en"):
        assert calendar.closure_reason(date(2025, 6, 7)) == "Weekend"


def test_exception_opens_a_saturday_for_every_office():
    saturday = date(2025, 3, 29)  # 休日開庁 for the moving season
    CalendarException.objects.create(date=saturday, is_open=True, reason={"ja": "休日開庁", "en": "Weekend opening"})
    assert calendar.is_open(saturday)


def test_exception_closes_a_weekday_with_its_reason_in_the_page_language():
    day = date(2025, 6, 11)
    CalendarException.objects.create(date=day, is_open=False, reason={"ja": "システム更新", "en": "System upgrade"})
    assert not calendar.is_open(day)
    with translation.override("ja"):
        assert calendar.closure_reason(day) == "システム更新"
    with translation.override("en"):
        assert calendar.closure_reason(day) == "System upgrade"


def test_office_exception_overrides_the_ward_wide_rule_for_that_office_only(koto):
    saturday = date(2025, 3, 29)
    toyosu = Office.objects.get(code="toyosu")
    honchosha = Office.objects.get(code="honchosha")
    CalendarException.objects.create(date=saturday, office=toyosu, is_open=True, reason={"ja": "休日開庁"})
    assert calendar.is_open(saturday, office=toyosu)
    assert not calendar.is_open(saturday, office=honchosha)
    assert not calendar.is_open(saturday)


def test_ward_wide_closure_applies_to_every_office_unless_the_office_has_its_own(koto):
    day = date(2025, 6, 11)
    toyosu = Office.objects.get(code="toyosu")
    CalendarException.objects.create(date=day, is_open=False, reason={"ja": "停電"})
    assert not calendar.is_open(day, office=toyosu)
    CalendarException.objects.create(date=day, office=toyosu, is_open=True, reason={"ja": "通常開庁"})
    assert calendar.is_open(day, office=toyosu)


def test_add_business_days_skips_golden_week():
    # 2025-04-30 Wed; 5/1 Thu and 5/2 Fri open; 5/3–5/6 closed (Sat, Sun, こどもの日, 振替休日).
    assert calendar.add_business_days(date(2025, 4, 30), 1) == date(2025, 5, 1)
    assert calendar.add_business_days(date(2025, 4, 30), 2) == date(2025, 5, 2)
    assert calendar.add_business_days(date(2025, 4, 30), 3) == date(2025, 5, 7)
    # 2026: 4/29 Wed 昭和の日, 5/4–5/6 Mon–Wed holidays
    assert calendar.add_business_days(date(2026, 4, 28), 1) == date(2026, 4, 30)
    assert calendar.add_business_days(date(2026, 5, 1), 1) == date(2026, 5, 7)


def test_add_business_days_across_the_year_end():
    assert calendar.add_business_days(date(2025, 12, 26), 1) == date(2026, 1, 5)


def test_business_days_lists_the_next_open_days():
    assert calendar.business_days(date(2025, 5, 2), 3) == [date(2025, 5, 2), date(2025, 5, 7), date(2025, 5, 8)]
