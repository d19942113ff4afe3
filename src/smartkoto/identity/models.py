"""Who is who: residents (住民) with their verified profile, staff (職員) with roles per department.

The individual number (マイナンバー) has no field here and never will: residents are linked by the
provider's pseudonymous subject.
"""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AssuranceLevel(models.IntegerChoices):
    """How sure we are of who the resident is. Each procedure declares the level it needs."""

    GUEST = 0, _("guest (not signed in)")
    EMAIL = 1, _("email address confirmed")
    CARD = 2, _("My Number card")


from smartkoto.core.roles import Role  # noqa: E402  (the enum lives in core so the Actor can use it)


class User(AbstractUser):
    class Kind(models.TextChoices):
        RESIDENT = "resident", _("resident")
        STAFF = "staff", _("staff")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RESIDENT)

    def staff_memberships(self):
        if self.kind != self.Kind.STAFF:
            return StaffMembership.objects.none()
        return self.memberships.select_related("department")

    def staff_roles(self):
        """{(Role, department code)} — what core.actor.Actor checks policies against."""
        if self.kind != self.Kind.STAFF:
            return set()
        return {(Role(role), code) for role, code in self.memberships.values_list("role", "department__code")}

    @property
    def resident_profile(self):
        return getattr(self, "profile", None)


class ResidentProfile(models.Model):
    """The verified profile: the four basic facts (基本4情報) with their source, plus contact details."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    provider = models.CharField(_("sign-in provider"), max_length=40)
    subject = models.CharField(_("pseudonymous subject"), max_length=255)
    assurance_level = models.PositiveSmallIntegerField(_("assurance level"), choices=AssuranceLevel.choices)
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    full_name_kana = models.CharField(_("name in kana"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=16, blank=True)
    facts_source = models.CharField(_("source of the basic facts"), max_length=40, blank=True)
    facts_verified_at = models.DateTimeField(_("basic facts verified at"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=8, default="ja")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "subject"], name="one_profile_per_subject")]

    def __str__(self):
        return self.full_name or self.email or self.subject

    @property
    def is_card_verified(self):
        return self.assurance_level >= AssuranceLevel.CARD


class StaffMembership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey("municipality.Department", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "department", "role"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} {self.role} {self.department.code}"


class TOTPDevice(models.Model):
    """A staff member's authenticator app (RFC 6238). `last_used_step` refuses a replayed code."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)


class ServiceAccount(models.Model):
    """A system that calls our JSON APIs (a core system, an RPA robot). Only a hash of its token is kept."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    department = models.ForeignKey("municipality.Department", null=True, blank=True, on_delete=models.PROTECT)
    scopes = models.JSONField(_("scopes"), default=list)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("service account")
        verbose_name_plural = _("service accounts")

    def __str__(self):
        return self.name

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, name, scopes, department=None):
        """Create an account and return (account, token). The token is shown once and never stored."""
        token = "skt_" + secrets.token_urlsafe(32)
        account = cls.objects.create(name=name, scopes=list(scopes), department=department, token_hash=cls.hash_token(token))
        return account, token

    def has_scope(self, scope):
        return self.revoked_at is None and scope in self.scopes


class EmailSignInLink(models.Model):
    """A one-time sign-in link for residents without a card (assurance level EMAIL)."""

    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
