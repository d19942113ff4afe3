"""The business calendar (開庁日): weekdays, less national holidays (with substitute holidays, from the
maintained `holidays` package), less the year-end closure 12/29–1/3, adjusted by CalendarException rows.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from smartkoto.core.i18n import tr

YEAR_END = {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}


@lru_cache(maxsize=64)
def _national_holidays(year, language="ja"):
    return holidays.country_holidays("JP", years=year, language=language)


def national_holiday_name(day: date, language=None):
    """The holiday's name in the page language (Japanese, or English for any other language)."""
    language = language or get_language() or "ja"
    return _national_holidays(day.year, "ja" if language.startswith("ja") else "en_US").get(day)


def closure_reason(day: date, office=None):
    """Why the office is closed on `day`, or None when it is open."""
    from .queries import calendar_exception

    exception = calendar_exception(day, office)
    if exception is not None:
        is_open, reason = exception
        return None if is_open else (tr(reason) or _("Closed"))
    if (day.month, day.day) in YEAR_END:
        return _("Year-end and New Year closure")
    if name := national_holiday_name(day):
        return name
    if day.weekday() >= 5:
        return _("Weekend")
    return None


def is_open(day: date, office=None) -> bool:
    return closure_reason(day, office) is None


def business_days(start: date, count: int, office=None):
    """The next `count` open days from `start` (inclusive)."""
    days, day = [], start
    while len(days) < count:
        if is_open(day, office):
            days.append(day)
        day += timedelta(days=1)
    return days


def add_business_days(start: date, count: int, office=None) -> date:
    """The open day `count` business days after `start` (for processing deadlines)."""
    day, added = start, 0
    while added < count:
        day += timedelta(days=1)
        if is_open(day, office):
            added += 1
    return day
