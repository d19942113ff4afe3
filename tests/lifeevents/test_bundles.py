"""One-stop bundle: shared answers asked once reach every procedure; one application per department, each in its
own inbox; contradictions caught once in the shared step; a failed hand-off never loses the others and is retried."""

import pytest
from django.urls import reverse

from smartkoto.applications import queries as applications
from smartkoto.core.actor import Actor
from smartkoto.lifeevents.models import Bundle, BundlePart, Checklist

from .conftest import BUNDLED, MOVE_IN, SHARED

pytestmark = pytest.mark.django_db


@pytest.fixture
def checklist(client, demo, resident):
    client.force_login(resident)
    client.post(reverse("lifeevents:questions", args=["tennyu"]), MOVE_IN)
    return Checklist.objects.get()


def _applications(bundle):
    return {part.procedure_slug: applications.for_resident(actor=Actor.for_user(bundle.owner)).get(reference=part.application_reference) for part in bundle.parts.all()}


def test_shared_answer_reaches_every_procedure_of_the_bundle(client, checklist, walk_bundle):
    response = walk_bundle(client, checklist)
    bundle = Bundle.objects.get()
    assert response["Location"] == reverse("lifeevents:bundle", args=[bundle.public_id])
    assert bundle.status == "submitted"
    sent = _applications(bundle)
    assert sorted(sent) == sorted(BUNDLED)
    for slug, application in sent.items():
        answers = application.answers
        assert answers["applicant"]["address"] == SHARED["address"], slug
        assert answers["applicant"]["full_name"] == SHARED["full_name"], slug
        assert application.status == "received" and application.reference.startswith("KT-")
    for slug in ("kokuho-kanyu", "nenkin-shutoku"):
        assert sent[slug].answers["event"]["event_date"] == "2026-04-01"
    for slug in ("jido-teate", "kodomo-iryo", "hoiku-nyuen"):
        assert sent[slug].answers["children"][0]["child_name"] == "江東 太郎"
        assert sent[slug].answers["bank"]["account_number"] == "1234567"
    # 5 forms would have asked the applicant's 7 details each; the bundle asked them once.
    assert bundle.fields_saved >= 4 * 7
    page = client.get(reverse("lifeevents:bundle", args=[bundle.public_id])).content.decode()
    for part in bundle.parts.all():
        assert part.application_reference in page


def test_each_department_sees_only_its_own_part(client, checklist, walk_bundle, make_staff):
    walk_bundle(client, checklist)
    bundle = Bundle.objects.get()
    for slug, department in [("kokuho-kanyu", "iryohoken"), ("nenkin-shutoku", "nenkin"), ("jido-teate", "kosodate"), ("hoiku-nyuen", "hoiku")]:
        staff = make_staff(f"worker-{department}", department)
        references = set(applications.inbox(actor=Actor.for_user(staff)).values_list("reference", flat=True))
        expected = {p.application_reference for p in bundle.parts.filter(department_code=department)}
        assert references == expected, department
        assert bundle.parts.get(procedure_slug=slug).application_reference in references
    kosodate = set(applications.inbox(actor=Actor.for_user(make_staff("worker-kosodate-2", "kosodate"))).values_list("procedure__slug", flat=True))
    assert kosodate == {"jido-teate", "kodomo-iryo"}


def test_one_check_page_lists_every_part_and_shared_details_once(client, checklist, walk_bundle):
    client.post(reverse("lifeevents:start_bundle", args=[checklist.public_id]), {"procedures": BUNDLED})
    bundle = Bundle.objects.get()
    shared_page = client.get(reverse("lifeevents:bundle_page", args=[bundle.public_id, "shared"])).content.decode()
    assert shared_page.count('name="address"') == 1
    assert 'value="江東 花子"' in shared_page  # prefilled from the verified profile
    assert 'value="2026-04-01"' in shared_page  # from the checklist's answers


def test_contradicting_answers_are_caught_once_in_the_shared_step(client, checklist):
    client.post(reverse("lifeevents:start_bundle", args=[checklist.public_id]), {"procedures": BUNDLED})
    bundle = Bundle.objects.get()
    url = reverse("lifeevents:bundle_page", args=[bundle.public_id, "shared"])
    data = {**SHARED, "address": "神奈川県川崎市中原区1-2-3", "event_date": "2026-05-01"}
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body
    assert "id_address-error" in body and "id_previous_address-error" in body and "id_event_date-error" in body
    assert 'value="神奈川県川崎市中原区1-2-3"' in body  # what was typed is kept
    bundle.refresh_from_db()
    assert "shared" not in bundle.shared_answers


def test_failed_hand_off_keeps_the_other_parts_and_is_retried(client, checklist, walk_bundle, monkeypatch):
    from smartkoto.applications import services as application_services
    from smartkoto.lifeevents import tasks

    real_submit = application_services.submit
    calls = {"n": 0}

    def flaky(application, *, actor):
        if application.procedure.slug == "nenkin-shutoku" and calls["n"] == 0:
            calls["n"] += 1
            raise ConnectionError("department system down")
        return real_submit(application, actor=actor)

    monkeypatch.setattr(application_services, "submit", flaky)
    # The retry is queued after commit; the test transaction never commits, so it runs only when called below.
    walk_bundle(client, checklist)
    bundle = Bundle.objects.get()
    failed = bundle.parts.get(procedure_slug="nenkin-shutoku")
    assert failed.hand_off == BundlePart.HandOff.FAILED and failed.application_reference == "" and failed.attempts == 1
    assert bundle.parts.filter(hand_off=BundlePart.HandOff.DONE).count() == 4
    assert applications.for_resident(actor=Actor.for_user(bundle.owner)).count() == 4
    page = client.get(reverse("lifeevents:bundle", args=[bundle.public_id])).content.decode()
    assert "retrying" in page or "再試行" in page
    monkeypatch.undo()
    tasks.retry_hand_off.enqueue(failed.pk)
    failed.refresh_from_db()
    assert failed.hand_off == BundlePart.HandOff.DONE and failed.application_reference.startswith("KT-") and failed.attempts == 2
    assert applications.for_resident(actor=Actor.for_user(bundle.owner)).count() == 5
    # A second retry creates nothing twice.
    tasks.retry_hand_off.enqueue(failed.pk)
    assert applications.for_resident(actor=Actor.for_user(bundle.owner)).count() == 5


def test_replayed_send_creates_nothing_twice(client, checklist, walk_bundle):
    walk_bundle(client, checklist)
    bundle = Bundle.objects.get()
    client.post(reverse("lifeevents:bundle_check", args=[bundle.public_id]), {"agree": "on"})
    assert applications.for_resident(actor=Actor.for_user(bundle.owner)).count() == 5


def test_bundle_needs_the_declaration(client, checklist, walk_bundle):
    client.post(reverse("lifeevents:start_bundle", args=[checklist.public_id]), {"procedures": ["nenkin-shutoku", "kokuho-kanyu"]})
    bundle = Bundle.objects.get()
    client.post(reverse("lifeevents:bundle_page", args=[bundle.public_id, "shared"]), SHARED)
    client.post(reverse("lifeevents:bundle_page", args=[bundle.public_id, "kokuho-kanyu--members"]), {"rows": "1"})
    response = client.post(reverse("lifeevents:bundle_check", args=[bundle.public_id]), {})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert applications.for_resident(actor=Actor.for_user(bundle.owner)).count() == 0


def test_a_bundle_never_overwrites_a_draft_the_resident_started_alone(client, checklist, walk_bundle, resident):
    from smartkoto.applications.models import Application
    from smartkoto.procedures import queries as procedures

    client.post(reverse("applications:start", args=["jido-teate"]))
    own_draft = Application.objects.get(applicant=resident, procedure=procedures.get("jido-teate"), status="draft")
    walk_bundle(client, checklist)
    own_draft.refresh_from_db()
    assert own_draft.status == "draft" and own_draft.bundle_id is None
    bundle = Bundle.objects.get()
    sent = Application.objects.get(reference=bundle.parts.get(procedure_slug="jido-teate").application_reference)
    assert sent.pk != own_draft.pk and sent.bundle_id == bundle.public_id


def test_the_case_page_names_the_other_parts_of_the_bundle(client, checklist, walk_bundle, make_staff, staff_login):
    walk_bundle(client, checklist)
    bundle = Bundle.objects.get()
    part = bundle.parts.get(procedure_slug="jido-teate")
    others = {p.application_reference for p in bundle.parts.exclude(pk=part.pk)}
    staff_login(client, make_staff("bundle-worker", "kosodate"))
    page = client.get(reverse("applications_staff:case", args=[part.application_reference])).content.decode()
    assert all(reference in page for reference in others)
    export = client.get(reverse("applications_staff:export")).content.decode()
    assert str(bundle.public_id) in export
