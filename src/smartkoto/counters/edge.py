"""The windows dates must fall in (issue 11). Dates are parsed, single parameters read and problem details
answered with `smartkoto.core.http`."""

from datetime import timedelta

HISTORY = timedelta(days=3653)
"""Figures and the congestion history reach ten years back, up to today."""
MAX_SPAN_DAYS = 366


def history_window(today):
    return today - HISTORY, today
