"""A few demo applications so the back office has cases to show: from the development provider's sample residents,
each started and sent as that resident (an `Actor` for them; no fake requests)."""

from smartkoto.core.actor import Actor
from smartkoto.identity import queries as identity
from smartkoto.procedures import queries as procedures

from . import services
from .models import Application

DEMO = [
    # resident subject, procedure, answers beyond the applicant step
    ("dev-koto-hanako", "juminhyo", {"certificate": {"copies": 2, "purpose": "work", "scope": "me", "delivery": "mail"}}),
    ("dev-fukagawa-taro", "kaigo-hokensho", {"reissue": {"reason": "lost"}}),
    ("dev-kameido-sakura", "kokuho-kakuninsho", {"reissue": {"reason": "damaged"}}),
    ("dev-koto-hanako", "ichiji-hoiku", {"children": [{"child_name": "江東 陽葵", "child_kana": "コウトウ ヒマリ", "child_birth": "2023-05-05"}],
                                         "bank": {"bank_name": "江東信用金庫", "branch_name": "東陽町支店", "account_number": "1234567"}}),
]


def load():
    if Application.objects.exclude(status="draft").exists():
        return
    for subject, slug, extra in DEMO:
        resident = identity.resident_by_subject("development", subject)
        procedure = procedures.get(slug)
        if resident is None or procedure is None:
            continue
        actor = Actor.for_user(resident)
        profile = resident.profile
        application = services.start(procedure, actor=actor)
        answers = {"applicant": {"full_name": profile.full_name, "full_name_kana": "コウトウ", "birth_date": str(profile.birth_date or ""),
                                 "postal_code": profile.postal_code, "address": profile.address, "phone": "03-3647-9111", "email": profile.email}}
        answers.update(extra)
        application.answers = answers
        application.save(update_fields=["answers"])
        services.submit(application, actor=actor)
