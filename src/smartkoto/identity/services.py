"""What can happen to identities: residents sign in (card or email link), staff sign in with a password
and a TOTP code, residents keep their contact details. Every step is audited."""

import hashlib
import secrets
from datetime import timedelta

import pyotp
from django.conf import settings
from django.contrib.auth import login
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkoto.core import audit

from .models import AssuranceLevel, EmailSignInLink, ResidentProfile, TOTPDevice, User
from .providers.base import VerifiedIdentity

EMAIL_LINK_MINUTES = 30
TOTP_ISSUER = "Smart KOTO"


# -- residents ------------------------------------------------------------------------------------
@transaction.atomic
def sign_in_resident(request, identity: VerifiedIdentity):
    """Create or refresh the resident behind `identity` and sign them in.

    The basic facts are replaced by what the provider verified just now; contact details are kept.
    """
    profile = ResidentProfile.objects.select_related("user").filter(provider=identity.provider, subject=identity.subject).first()
    if profile is None:
        user = User.objects.create(username=f"r-{secrets.token_hex(8)}", kind=User.Kind.RESIDENT)
        user.set_unusable_password()
        user.save()
        profile = ResidentProfile(user=user, provider=identity.provider, subject=identity.subject)
        created = True
    else:
        user = profile.user
        created = False
    profile.assurance_level = max(identity.assurance_level, profile.assurance_level or 0) if not created else identity.assurance_level
    if identity.assurance_level >= AssuranceLevel.CARD:
        profile.full_name = identity.full_name
        profile.address = identity.address
        profile.postal_code = identity.postal_code
        profile.birth_date = identity.birth_date
        profile.sex = identity.sex
        profile.facts_source = identity.provider
        profile.facts_verified_at = timezone.now()
    profile.save()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    audit.record("identity.resident_sign_in", request=request, user=user, target=profile,
                 detail={"provider": identity.provider, "assurance_level": profile.assurance_level, "new": created})
    return user


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


class TooManyLinks(Exception):
    """More sign-in links were asked for, for this address or from this client, than allowed per hour."""


def send_email_sign_in_link(request, email, build_url):
    """Email a one-time sign-in link. Says nothing about whether the address is known.

    Limited per email address and per client address, so the form cannot be used to flood a mailbox.
    """
    limit = settings.EMAIL_LINKS_PER_HOUR
    keys = [f"emaillink:to:{_hash(email.lower())}", f"emaillink:ip:{audit.client_ip(request)}"]
    limits = [limit, limit * 10]
    if any((cache.get(key) or 0) >= key_limit for key, key_limit in zip(keys, limits)):
        audit.record("identity.email_link_throttled", request=request)
        raise TooManyLinks
    for key in keys:
        cache.add(key, 0, 3600)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, 3600)
    token = secrets.token_urlsafe(32)
    EmailSignInLink.objects.create(email=email.lower(), token_hash=_hash(token),
                                   expires_at=timezone.now() + timedelta(minutes=EMAIL_LINK_MINUTES))
    link = build_url(token)
    send_mail(
        _("Your sign-in link for Koto City online services"),
        _("Open this link within %(minutes)s minutes to sign in:\n\n%(link)s\n\n"
          "If you did not ask for it, you can ignore this email.") % {"minutes": EMAIL_LINK_MINUTES, "link": link},
        None, [email],
    )
    audit.record("identity.email_link_sent", request=request, detail={"email_domain": email.split("@")[-1]})


@transaction.atomic
def complete_email_sign_in(request, token):
    """Use a sign-in link once. Returns the user, or None if the link is unknown, used or expired."""
    link = EmailSignInLink.objects.select_for_update().filter(token_hash=_hash(token)).first()
    if link is None or link.used_at is not None or link.expires_at < timezone.now():
        audit.record("identity.email_link_refused", request=request)
        return None
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    identity = VerifiedIdentity(provider="email", subject=link.email, assurance_level=AssuranceLevel.EMAIL)
    user = sign_in_resident(request, identity)
    profile = user.profile
    if not profile.email:
        profile.email = link.email
        profile.save(update_fields=["email"])
    return user


def update_contact(request, profile, *, email, phone, preferred_language):
    profile.email, profile.phone, profile.preferred_language = email, phone, preferred_language
    profile.save(update_fields=["email", "phone", "preferred_language"])
    audit.record("identity.contact_updated", request=request, target=profile)


# -- staff ----------------------------------------------------------------------------------------
def _throttle_keys(username, request):
    return [f"stafflogin:user:{username.lower()}", f"stafflogin:ip:{audit.client_ip(request)}"]


def _throttle_limits():
    return [settings.STAFF_LOGIN_MAX_FAILURES,
            getattr(settings, "STAFF_LOGIN_MAX_FAILURES_PER_ADDRESS", settings.STAFF_LOGIN_MAX_FAILURES * 10)]


def staff_login_locked(username, request):
    return any((cache.get(key) or 0) >= limit for key, limit in zip(_throttle_keys(username, request), _throttle_limits()))


def _count_failure(username, request, reason):
    for key in _throttle_keys(username, request):
        cache.add(key, 0, settings.STAFF_LOGIN_LOCK_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, settings.STAFF_LOGIN_LOCK_SECONDS)
    audit.record("identity.staff_sign_in_failed", request=request, actor_kind="anonymous", detail={"username": username[:150], "reason": reason})


def _clear_failures(username, request):
    for key in _throttle_keys(username, request):
        cache.delete(key)


def check_staff_password(request, username, password):
    """First factor. Returns the staff user, or None (and counts the failure)."""
    user = User.objects.filter(username=username, kind=User.Kind.STAFF, is_active=True).first()
    if user is None or not user.check_password(password):
        _count_failure(username, request, "password")
        return None
    return user


def totp_for(device):
    return pyotp.TOTP(device.secret)


def provisioning_uri(user, device):
    return totp_for(device).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def ensure_totp_device(user):
    device, _created = TOTPDevice.objects.get_or_create(user=user, defaults={"secret": pyotp.random_base32()})
    return device


@transaction.atomic
def verify_staff_code(request, user, code):
    """Second factor. A code is accepted once (replay refused), within one 30-second step of drift."""
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if device is None or len(code) != 6:
        _count_failure(user.username, request, "totp")
        return False
    totp = totp_for(device)
    now = timezone.now().timestamp()
    for drift in (0, -1, 1):
        step = int(now // 30) + drift
        if secrets.compare_digest(totp.at(step * 30), code):
            if step <= device.last_used_step:
                break
            device.last_used_step = step
            if device.confirmed_at is None:
                device.confirmed_at = timezone.now()
            device.save(update_fields=["last_used_step", "confirmed_at"])
            _clear_failures(user.username, request)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session["mfa_verified"] = True
            audit.record("identity.staff_sign_in", request=request, user=user)
            return True
    _count_failure(user.username, request, "totp")
    return False
