"""Reads other apps use about people: residents' verified profiles and staff members. Other apps import
this module, never `identity.models`."""

from smartkoto.core.roles import Role

from .models import AssuranceLevel, ResidentProfile, ServiceAccount, TOTPDevice, User  # noqa: F401  (AssuranceLevel is part of the door)


def resident_by_subject(provider, subject):
    """The resident user signed in through `provider` as `subject`, or None."""
    profile = ResidentProfile.objects.filter(provider=provider, subject=subject).select_related("user").first()
    return profile.user if profile else None


def residents_with_email(email):
    return User.objects.filter(kind=User.Kind.RESIDENT, profile__email__iexact=email)


def staff_member(username):
    return User.objects.filter(kind=User.Kind.STAFF, username=username).first()


def staff_in_department(department_code, *roles):
    """Active staff members of a department (in any of `roles`), for assignment lists."""
    members = User.objects.filter(kind=User.Kind.STAFF, is_active=True, memberships__department__code=department_code)
    if roles:
        members = members.filter(memberships__role__in=[Role(role) for role in roles])
    return members.distinct().order_by("username")


def staff_member_by_id(user_id):
    """An active staff member by primary key (the staff sign-in's pending user), or None."""
    return User.objects.filter(pk=user_id, kind=User.Kind.STAFF, is_active=True).first()


def totp_device(username):
    return TOTPDevice.objects.filter(user__username=username, user__kind=User.Kind.STAFF).first()


def service_account_for_token(token):
    return ServiceAccount.objects.filter(token_hash=ServiceAccount.hash_token(token), revoked_at=None).select_related("department").first()
