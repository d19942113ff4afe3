"""Lobby kiosks (発券機) are browsers a clerk has enrolled for one office: a signed, long-lived cookie.

Only enrolled kiosks issue tickets, so nobody can take numbers from home and jam the queue (the
lesson of the 2021 booking sites that accepted fake entries). Residents follow the queue on the
congestion page from anywhere.
"""

from django.conf import settings
from django.core import signing

COOKIE = "sk_kiosk"
SALT = "smartkoto.counters.kiosk"
MAX_AGE = 400 * 24 * 3600  # browsers cap cookies at 400 days


def enrolled_office(request):
    """The office code this browser is a kiosk for, or None."""
    try:
        return request.get_signed_cookie(COOKIE, salt=SALT, max_age=MAX_AGE)
    except (KeyError, signing.BadSignature):
        return None


def is_kiosk_for(request, office):
    return enrolled_office(request) == office.code


def enrol(response, office):
    response.set_signed_cookie(COOKIE, office.code, salt=SALT, max_age=MAX_AGE, httponly=True,
                               samesite="Lax", secure=settings.PRODUCTION)
    return response


def cookie_value(office_code):
    """The cookie's value for `office_code` (tests and kiosk provisioning scripts)."""
    return signing.get_cookie_signer(salt=COOKIE + SALT).sign(office_code)
