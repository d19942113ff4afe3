"""Reads other apps use: the municipality profile, departments, offices and the calendar. Other apps
import this module (and `calendar`), never `municipality.models`.

The profile and the department codes are read on nearly every page, and change a few times a year: each
process remembers them for `REMEMBER_SECONDS`, and forgets them at once (and again at commit) when a
municipality, department or office is saved or deleted in this process. Another process sees such a change
within `REMEMBER_SECONDS` (a bulk `update()` fires no signal either).
"""

import copy
import time

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from smartkoto.core.i18n import tr

from . import calendar  # noqa: F401  (is_open, closure_reason, business_days, add_business_days)
from .models import CalendarException, Department, Municipality, Office


def municipality():
    """The municipality this installation serves (None before the profile is entered)."""
    return Municipality.objects.first()


REMEMBER_SECONDS = 30
_remembered = {}


def _remember(key, compute, pick=None):
    """A copy of what `compute()` returned (or of `pick(it)`), remembered for REMEMBER_SECONDS."""
    now = time.monotonic()
    hit = _remembered.get(key)
    if hit is None or hit[0] <= now:
        hit = _remembered[key] = (now + REMEMBER_SECONDS, compute())
    return copy.deepcopy(hit[1] if pick is None else pick(hit[1]))


def forget():
    """Drop what this process remembers (after a change, and between tests)."""
    _remembered.clear()


@receiver(post_save, sender=Municipality, dispatch_uid="municipality-forget-saved-profile")
@receiver(post_save, sender=Department, dispatch_uid="municipality-forget-saved-department")
@receiver(post_save, sender=Office, dispatch_uid="municipality-forget-saved-office")
@receiver(post_delete, sender=Municipality, dispatch_uid="municipality-forget-deleted-profile")
@receiver(post_delete, sender=Department, dispatch_uid="municipality-forget-deleted-department")
@receiver(post_delete, sender=Office, dispatch_uid="municipality-forget-deleted-office")
@receiver(post_save, sender=CalendarException, dispatch_uid="municipality-forget-saved-calendar-exception")
@receiver(post_delete, sender=CalendarException, dispatch_uid="municipality-forget-deleted-calendar-exception")
def _changed(**kwargs):
    # Now, and at commit: a request that read the old rows between the save and the commit may have
    # remembered them again.
    forget()
    transaction.on_commit(forget, robust=True)


def calendar_exception(day, office=None):
    """(is_open, reason) of the exception for `day` at `office` (else for every office), or None. The few
    exception rows are read in one query and remembered: a 14-business-day deadline asks about 20 days."""
    office_id = getattr(office, "pk", office)

    def pick(table):
        return table.get((day, office_id)) or table.get((day, None))

    return _remember("calendar_exceptions", lambda: {
        (row.date, row.office_id): (row.is_open, row.reason) for row in CalendarException.objects.order_by("-pk")
    }, pick=pick)


def profile():
    """The municipality's profile as plain values, for receipts, letters, DCAT and page footers.

    Falls back to empty values (never another ward's) when the profile has not been entered yet.
    """
    return _remember("profile", _profile)


def _profile():
    found = municipality()
    if found is None:
        return {"code": "", "name": {}, "service_name": {}, "address": {}, "postal_code": "", "phone": "", "website": "",
                "opening_hours": {}}
    return {"code": found.code, "name": found.name, "service_name": found.service_name, "address": found.address,
            "postal_code": found.postal_code, "phone": found.phone, "website": found.website,
            "opening_hours": found.opening_hours}


def name(language=None):
    """The municipality's name in `language` (current language by default)."""
    found = profile()["name"]
    return tr(found, language) if found else ""


def departments():
    return Department.objects.all()


def department(code):
    """The department with this code, or None (all departments are read in one query and remembered)."""
    return _remember("departments", lambda: {found.code: found for found in Department.objects.all()},
                     pick=lambda by_code: by_code.get(code))


def department_codes():
    return _remember("department_codes", lambda: list(Department.objects.values_list("code", flat=True)))


def ledger_department_codes():
    """The departments that keep the ledger of every department's payments (会計管理室 in most wards)."""
    return _remember("ledger_department_codes",
                     lambda: list(Department.objects.filter(keeps_ledger=True).values_list("code", flat=True)))


def offices(kind=None):
    found = Office.objects.all()
    return found.filter(kind=kind) if kind else found


def office(code):
    """The office with this code, or None (all offices are read in one query and remembered)."""
    return _remember("offices", lambda: {found.code: found for found in Office.objects.all()},
                     pick=lambda by_code: by_code.get(code))


OfficeKind = Office.Kind
