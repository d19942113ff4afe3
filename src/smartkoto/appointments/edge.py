"""The windows dates must fall in (issue 11). Dates are parsed, single parameters read and problem details
answered with `smartkoto.core.http`."""

from datetime import timedelta

STAFF_WINDOW = timedelta(days=366)
"""Staff calendars and day pages: one year back and one year ahead of today."""


def staff_window(today):
    return today - STAFF_WINDOW, today + STAFF_WINDOW
