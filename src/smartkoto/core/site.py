"""Who this installation serves, for the floors below the municipality app (core may not import it).

The municipality app provides its profile in `AppConfig.ready()`:

    site.provide_profile(queries.profile)

and core reads it here (PDF author, API description). Empty values, never another municipality's,
until a profile has been entered.
"""

from .i18n import tr

EMPTY = {"code": "", "name": {}, "service_name": {}, "address": {}, "postal_code": "", "phone": "", "website": ""}
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


def service_name(language=None):
    value = profile()["service_name"]
    return tr(value, language) if value else ""
