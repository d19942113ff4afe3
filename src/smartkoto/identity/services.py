"""What can happen to identities: residents sign in (card or email link), staff sign in with a password
and a TOTP code, residents keep their contact details. Every step is audited.

Every public function takes `actor=` (core.actor.Actor), never an HTTP request: what a sign-in needs of the
request (client address for throttling, request id for the audit log) is on the actor. Signing the user
into the session (`django.contrib.auth.login`) is the view's one HTTP step after a service returned the user.
"""

import hashlib
import secrets
from datetime import timedelta

import pyotp
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkoto.core import audit, throttle
from smartkoto.core.actor import ANONYMOUS, Actor
from smartkoto.core.i18n import tr
from smartkoto.municipality import queries as municipality

from .models import AssuranceLevel, EmailSignInLink, ResidentProfile, TOTPDevice, User
from .permissions import policy
from .providers.base import VerifiedIdentity

EMAIL_LINK_MINUTES = 30
TOTP_ISSUER = "Smart KOTO"  # the platform's name, as staff see it in their authenticator app


# -- residents ------------------------------------------------------------------------------------
def _signed_in(user, actor):
    """The actor the audit log records for `user` who has just proved who they are."""
    return Actor.for_user(user, request_id=actor.request_id, client_address=actor.client_address,
                          session=actor.session, language=actor.language)


@transaction.atomic
def sign_in_resident(identity: VerifiedIdentity, *, actor):
    """Create or refresh the resident behind `identity`; returns the user for the view to sign in.

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
    audit.record("identity.resident_sign_in", actor=_signed_in(user, actor), target=profile,
                 detail={"provider": identity.provider, "assurance_level": profile.assurance_level, "new": created})
    return user


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


class TooManyLinks(Exception):
    """More sign-in links were asked for, for this address or from this client, than allowed per hour."""


def _service_name():
    return tr(municipality.profile()["service_name"]) or tr(municipality.profile()["name"])


def send_email_sign_in_link(email, build_url, *, actor):
    """Email a one-time sign-in link. Says nothing about whether the address is known.

    Limited per email address and per client address, so the form cannot be used to flood a mailbox.
    """
    limit = settings.EMAIL_LINKS_PER_HOUR
    keys = [f"emaillink:to:{_hash(email.lower())}", f"emaillink:ip:{actor.client_address}"]
    taken = []
    for key, key_limit in zip(keys, [limit, limit * 10]):
        if not throttle.take(key, key_limit, 3600):  # one conditional increment: parallel requests cannot overshoot
            for done in taken:
                throttle.give_back(done)
            audit.record("identity.email_link_throttled", actor=actor)
            raise TooManyLinks
        taken.append(key)
    token = secrets.token_urlsafe(32)
    EmailSignInLink.objects.create(email=email.lower(), token_hash=_hash(token),
                                   expires_at=timezone.now() + timedelta(minutes=EMAIL_LINK_MINUTES))
    link = build_url(token)
    send_mail(
        _("Your sign-in link for %(service)s") % {"service": _service_name()},
        _("Open this link within %(minutes)s minutes to sign in:\n\n%(link)s\n\n"
          "If you did not ask for it, you can ignore this email.") % {"minutes": EMAIL_LINK_MINUTES, "link": link},
        None, [email],
    )
    audit.record("identity.email_link_sent", actor=actor, detail={"email_domain": email.split("@")[-1]})


@transaction.atomic
def complete_email_sign_in(token, *, actor):
    """Use a sign-in link once. Returns the user (for the view to sign in), or None if the link is
    unknown, used or expired."""
    link = EmailSignInLink.objects.select_for_update().filter(token_hash=_hash(token)).first()
    if link is None or link.used_at is not None or link.expires_at < timezone.now():
        audit.record("identity.email_link_refused", actor=actor)
        return None
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    identity = VerifiedIdentity(provider="email", subject=link.email, assurance_level=AssuranceLevel.EMAIL)
    user = sign_in_resident(identity, actor=actor)
    profile = user.profile
    if not profile.email:
        profile.email = link.email
        profile.save(update_fields=["email"])
    return user


def update_contact(*, actor, email, phone, preferred_language):
    """The signed-in resident's own contact details."""
    profile = actor.profile
    policy.check(actor, "profile.update", profile)
    profile.email, profile.phone, profile.preferred_language = email, phone, preferred_language
    profile.save(update_fields=["email", "phone", "preferred_language"])
    audit.record("identity.contact_updated", actor=actor, target=profile)
    return profile


def record_sign_in_refused(reason, *, actor):
    audit.record("identity.sign_in_refused", actor=actor, detail={"reason": reason})


def record_sign_out(*, actor):
    """Audit a sign-out (the view then ends the session)."""
    if actor.user is not None:
        audit.record("identity.sign_out", actor=actor)


# -- staff ----------------------------------------------------------------------------------------
class StaffSignInLocked(Exception):
    """Too many failed attempts for this staff ID from this client address (or from this address at all)."""

    def __init__(self, retry_after):
        super().__init__(retry_after)
        self.retry_after = retry_after  # seconds

    @property
    def minutes(self):
        return max(1, -(-self.retry_after // 60))


def _lockouts(username, actor):
    """The two locks a staff sign-in attempt passes: this staff ID from this client address (so a stranger
    elsewhere cannot lock a clerk out of the counter), and this client address across all staff IDs (so
    one machine cannot guess many accounts). Each locks for growing delays."""
    first, longest = settings.STAFF_LOGIN_LOCK_SECONDS, settings.STAFF_LOGIN_MAX_LOCK_SECONDS
    address = actor.client_address or "unknown"
    return [
        throttle.Lockout(f"stafflogin:user:{_hash(username.lower())[:40]}:{address}", settings.STAFF_LOGIN_MAX_FAILURES, first, longest),
        throttle.Lockout(f"stafflogin:ip:{address}", settings.STAFF_LOGIN_MAX_FAILURES_PER_ADDRESS, first, longest),
    ]


def staff_login_locked(username, *, actor):
    """A read-only look, for the form: is this staff ID locked from this client now?"""
    return any(lock.locked() for lock in _lockouts(username, actor))


def _reserve_attempt(username, actor):
    """Take one attempt from every lock before the secret is checked; StaffSignInLocked if any has none left."""
    reserved = []
    for lock in _lockouts(username, actor):
        if not lock.reserve():
            for done in reserved:
                done.refund()
            audit.record("identity.staff_sign_in_locked", actor=_unknown(actor), detail={"username": username[:150]})
            raise StaffSignInLocked(max([lock.retry_after(), 60]))
        reserved.append(lock)
    return reserved


def _count_failure(username, actor, reason, reserved):
    for lock in reserved:
        lock.failed()
    audit.record("identity.staff_sign_in_failed", actor=_unknown(actor), detail={"username": username[:150], "reason": reason})


def _unknown(actor):
    """A failed sign-in is recorded as anonymous (who tried is not known), with the client's address."""
    return Actor(ANONYMOUS, request_id=actor.request_id, client_address=actor.client_address)


def check_staff_password(username, password, *, actor):
    """First factor. Returns the staff user, or None (and counts the failure); StaffSignInLocked when
    no attempt is left: then the password is not even checked."""
    reserved = _reserve_attempt(username, actor)
    user = User.objects.filter(username=username, kind=User.Kind.STAFF, is_active=True).first()
    if user is None or not user.check_password(password):
        _count_failure(username, actor, "password", reserved)
        return None
    for lock in reserved:
        lock.refund()  # a right password is no failure (the second factor is counted on its own)
    return user


def _totp(device):
    return pyotp.TOTP(device.secret)


def provisioning_uri(user, device):
    """The otpauth:// URI an authenticator app scans at enrolment (a pure function, nothing written)."""
    return _totp(device).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def ensure_totp_device(user, *, actor):
    """The staff member's authenticator key, made on their first sign-in (after the password step)."""
    device, _created = TOTPDevice.objects.get_or_create(user=user, defaults={"secret": pyotp.random_base32()})
    return device


def verify_staff_code(user, code, *, actor):
    """Second factor. A code is accepted once (replay refused), within one 30-second step of drift.
    Wrong codes count towards the same locks as wrong passwords (StaffSignInLocked when none is left).

    True when accepted: the view then signs `user` in and marks the session as having passed both factors."""
    reserved = _reserve_attempt(user.username, actor)  # outside the transaction below: counted even if it fails
    if _accept_code(user, code, actor):
        for lock in reserved[:1]:
            lock.clear()  # this staff ID from this address: a fresh start
        for lock in reserved[1:]:
            lock.refund()
        return True
    _count_failure(user.username, actor, "totp", reserved)
    return False


@transaction.atomic
def _accept_code(user, code, actor):
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if device is None or len(code) != 6:
        return False
    totp = _totp(device)
    now = timezone.now().timestamp()
    for drift in (0, -1, 1):
        step = int(now // 30) + drift
        if secrets.compare_digest(totp.at(step * 30), code):
            if step <= device.last_used_step:
                return False
            device.last_used_step = step
            if device.confirmed_at is None:
                device.confirmed_at = timezone.now()
            device.save(update_fields=["last_used_step", "confirmed_at"])
            audit.record("identity.staff_sign_in", actor=_signed_in(user, actor))
            return True
    return False
