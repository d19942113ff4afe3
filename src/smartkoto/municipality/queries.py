"""Reads other apps use: the municipality profile, departments, offices and the calendar. Other apps
import this module (and `calendar`), never `municipality.models`."""

from smartkoto.core.i18n import tr

from . import calendar  # noqa: F401  (is_open, closure_reason, business_days, add_business_days)
from .models import Department, Municipality, Office


def municipality():
    """The municipality this installation serves (None before the profile is entered)."""
    return Municipality.objects.first()


def profile():
    """The municipality's profile as plain values, for receipts, letters, DCAT and page footers.

    Falls back to empty values (never another ward's) when the profile has not been entered yet.
    """
    found = municipality()
    if found is None:
        return {"code": "", "name": {}, "service_name": {}, "address": {}, "postal_code": "", "phone": "", "website": "",
                "opening_hours": {}}
    return {"code": found.code, "name": found.name, "service_name": found.service_name, "address": found.address,
            "postal_code": found.postal_code, "phone": found.phone, "website": found.website,
            "opening_hours": found.opening_hours}


def name(language=None):
    """The municipality's name in `language` (current language by default)."""
    return tr(profile()["name"], language) if profile()["name"] else ""


def departments():
    return Department.objects.all()


def department(code):
    return Department.objects.filter(code=code).first()


def department_codes():
    return list(Department.objects.values_list("code", flat=True))


def ledger_department_codes():
    """The departments that keep the ledger of every department's payments (会計管理室 in most wards)."""
    return list(Department.objects.filter(keeps_ledger=True).values_list("code", flat=True))


def offices(kind=None):
    found = Office.objects.all()
    return found.filter(kind=kind) if kind else found


def office(code):
    return Office.objects.filter(code=code).first()


OfficeKind = Office.Kind
