"""Demo staff (password + TOTP) and the sample residents of the development provider.

Every demo staff member has the password DEMO_PASSWORD and a fixed TOTP key, so the demo can be
signed in with any authenticator app, or with `smartkoto totp USERNAME` which prints the current code.
"""

import base64
import hashlib

from django.utils import timezone

from smartkoto.municipality import queries as municipality

from .devprovider.residents import SAMPLE_RESIDENTS
from .models import AssuranceLevel, ResidentProfile, Role, StaffMembership, TOTPDevice, User

DEMO_PASSWORD = "koto-demo-2026"

STAFF = [
    # username, family, given, [(department, role)], what they do
    ("dx-admin", "デジタル", "推進", [("dx", Role.DX_ADMIN)], "DX administrator (all departments, settings)"),
    ("auditor", "監査", "一郎", [("dx", Role.AUDITOR)], "auditor (audit log, read-only)"),
    ("kumin-clerk", "窓口", "花子", [("kumin", Role.COUNTER_CLERK)], "counter clerk, Residents Section"),
    ("kumin-case", "審査", "次郎", [("kumin", Role.CASE_WORKER)], "case worker, Residents Section"),
    ("kumin-manager", "区民", "課長", [("kumin", Role.DEPARTMENT_MANAGER), ("kumin", Role.CASE_WORKER)], "manager, Residents Section"),
    ("kosodate-case", "子育", "三郎", [("kosodate", Role.CASE_WORKER), ("hoiku", Role.CASE_WORKER)], "case worker, Child-rearing and Childcare"),
    ("seiso-case", "清掃", "四郎", [("seiso", Role.CASE_WORKER)], "case worker, Waste Collection Office"),
    ("kaikei-staff", "会計", "五郎", [("kaikei", Role.CASE_WORKER), ("kaikei", Role.DEPARTMENT_MANAGER)], "accounting office"),
]


def demo_totp_secret(username):
    return base64.b32encode(hashlib.sha256(f"smartkoto-demo-totp:{username}".encode()).digest()[:20]).decode()


def load():
    for username, family, given, memberships, _what in STAFF:
        user, _created = User.objects.get_or_create(username=username, defaults={"kind": User.Kind.STAFF})
        user.kind = User.Kind.STAFF
        user.last_name, user.first_name = family, given
        user.is_staff = any(role == Role.DX_ADMIN for _dept, role in memberships)
        user.is_superuser = user.is_staff
        user.set_password(DEMO_PASSWORD)
        user.save()
        for code, role in memberships:
            StaffMembership.objects.get_or_create(user=user, department=municipality.department(code), role=role)
        TOTPDevice.objects.update_or_create(user=user, defaults={"secret": demo_totp_secret(username), "confirmed_at": timezone.now()})
    for person in SAMPLE_RESIDENTS:
        if ResidentProfile.objects.filter(provider="development", subject=person["sub"]).exists():
            continue
        user = User.objects.create(username=f"r-{person['sub']}", kind=User.Kind.RESIDENT)
        ResidentProfile.objects.create(
            user=user, provider="development", subject=person["sub"], assurance_level=AssuranceLevel.CARD,
            full_name=person["name"], address=person["address"]["formatted"], postal_code=person["address"]["postal_code"],
            birth_date=person["birthdate"], sex=person["gender"], facts_source="development", facts_verified_at=timezone.now(),
            email=f"{person['sub']}@example.jp",
        )
