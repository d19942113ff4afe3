"""Who this installation serves, for the floors below the municipality app (core may not import it).

The municipality app provides its profile in `AppConfig.ready()`:

    site.provide_profile(queries.profile)

and core reads it here (PDF author, API description). Empty values, never another municipality's,
until a profile has been entered.
"""

from .i18n import tr

EMPTY = {"code": "", "name": {}, "service_name": {}, "address": {}, "postal_code": "", "phone": "", "website": "",
         "opening_hours": {}}
_source = None


def provide_profile(get_profile):
    """Register the callable returning the municipality profile (a dict shaped like EMPTY)."""
    global _source
    _source = get_profile


def profile():
    if _source is None:
        return dict(EMPTY)
    return {**EMPTY, **(_source() or {})}


def name(language=None):
    value = profile()["name"]
    return tr(value, language) if value else ""


def for_pages(language=None):
    """The profile as texts in `language` (current by default), for page headers and footers."""
    found = profile()
    return {
        "code": found["code"], "name": tr(found["name"], language), "service_name": tr(found["service_name"], language),
        "address": tr(found["address"], language), "postal_code": found["postal_code"], "phone": found["phone"],
        "phone_link": "".join(ch for ch in found["phone"] if ch.isdigit() or ch == "+"), "website": found["website"],
        "opening_hours": tr(found["opening_hours"], language),
    }


def service_name(language=None):
    value = profile()["service_name"]
    return tr(value, language) if value else ""
