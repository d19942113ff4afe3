"""Who may do what (lifeevents.permissions): auditors read pre-entries and never write; other departments and DX
administrators do not open a resident's pre-entry; residents and guests reach only their own checklists, bundles
and pre-entries. Every refusal is a 403, changes nothing and leaves an `access.refused` audit record."""

import pytest
from django.urls import reverse

from smartkoto.core import workflow as lifecycle
from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.core.roles import Role
from smartkoto.lifeevents import services
from smartkoto.lifeevents.models import Bundle, BundlePart, Checklist, CounterToken, PreEntry
from smartkoto.lifeevents.permissions import policy
from smartkoto.lifeevents.workflow import BUNDLE, HAND_OFF, PRE_ENTRY

from .conftest import BUNDLED, MOVE_IN, SHARED

pytestmark = pytest.mark.django_db


def _refused(action):
    return AuditRecord.objects.filter(action="access.refused", detail__action=f"lifeevents.{action}").count()


def _unchanged(entry, status="ready"):
    entry.refresh_from_db()
    assert entry.status == status and entry.identity_checked_at is None
    assert not CounterToken.objects.filter(pre_entry=entry, used_at__isnull=False).exists()


def _staff_writes(client, entry, code):
    """Every write of the counter, each answered 403."""
    assert client.post(reverse("lifeevents_staff:counter"), {"code": code}).status_code == 403
    assert client.post(reverse("lifeevents_staff:entry", args=[entry.public_id]), {"document": "passport"}).status_code == 403
    assert client.get(reverse("lifeevents_staff:entry_step", args=[entry.public_id, "event"])).status_code == 403
    assert client.post(reverse("lifeevents_staff:entry_step", args=[entry.public_id, "event"]),
                       {"event_date": "2026-05-05", "previous_address": "x", "details": ""}).status_code == 403
    assert client.get(reverse("lifeevents_staff:entry_pdf", args=[entry.public_id])).status_code == 403
    assert client.post(reverse("lifeevents_staff:retry")).status_code == 403


def test_auditor_reads_a_pre_entry_but_every_write_is_refused(client, pre_entry, make_staff, staff_login):
    entry, code = pre_entry
    answers = dict(PreEntry.objects.get(pk=entry.pk).answers)
    staff_login(client, make_staff("auditor", "kumin", Role.AUDITOR))
    assert client.get(reverse("lifeevents_staff:counter")).status_code == 200
    page = client.get(reverse("lifeevents_staff:entry", args=[entry.public_id]))
    assert page.status_code == 200 and "コウトウ ハナコ" in page.content.decode()
    assert 'data-testid="confirm-identity"' not in page.content.decode() and 'data-testid="correct-' not in page.content.decode()
    _staff_writes(client, entry, code)
    _unchanged(entry)
    assert PreEntry.objects.get(pk=entry.pk).answers == answers
    assert _refused("token.redeem") == 1 and _refused("pre_entry.serve") == 4 and _refused("bundle.retry_failed") == 1
    assert client.get(reverse("lifeevents_staff:interview")).status_code == 200
    assert client.post(reverse("lifeevents_staff:interview"), {"procedure": "tennyu", "card_code": ""}).status_code == 403
    assert not PreEntry.objects.filter(interview_by__username="auditor").exists() and _refused("interview.start") == 1


def test_other_department_cannot_open_or_change_a_pre_entry(client, pre_entry, make_staff, staff_login):
    entry, code = pre_entry
    staff_login(client, make_staff("hoiku-manager", "hoiku", Role.DEPARTMENT_MANAGER))
    assert client.get(reverse("lifeevents_staff:entry", args=[entry.public_id])).status_code == 403
    assert client.post(reverse("lifeevents_staff:entry", args=[entry.public_id]), {"document": "passport"}).status_code == 403
    assert client.get(reverse("lifeevents_staff:entry_pdf", args=[entry.public_id])).status_code == 403
    assert client.post(reverse("lifeevents_staff:entry_step", args=[entry.public_id, "event"]), {"event_date": "2026-05-05"}).status_code == 403
    _unchanged(entry)
    assert _refused("pre_entry.read") == 4
    assert AuditRecord.objects.filter(action="access.refused", department_code="kumin").count() == 4


def test_dx_admin_does_not_see_or_serve_residents_pre_entries(client, pre_entry, make_staff, staff_login):
    entry, code = pre_entry
    staff_login(client, make_staff("dx", "dx", Role.DX_ADMIN))
    assert client.get(reverse("lifeevents_staff:entry", args=[entry.public_id])).status_code == 403
    assert client.post(reverse("lifeevents_staff:counter"), {"code": code}).status_code == 403
    assert client.post(reverse("lifeevents_staff:interview"), {"procedure": "tennyu"}).status_code == 403
    _unchanged(entry)
    assert not PreEntry.objects.filter(interview_by__username="dx").exists()
    assert _refused("pre_entry.read") == 1 and _refused("token.redeem") == 1 and _refused("interview.start") == 1


def test_counter_clerk_of_the_department_serves_the_pre_entry(pre_entry, make_staff):
    entry, code = pre_entry
    clerk = Actor.for_user(make_staff("clerk", "kumin", Role.COUNTER_CLERK))
    assert policy.can(clerk, "pre_entry.serve", entry) and policy.can(clerk, "pre_entry.read", entry)
    assert services.redeem(code, actor=clerk).pk == entry.pk
    entry.refresh_from_db()
    assert entry.status == PreEntry.Status.AT_COUNTER


def test_residents_and_guests_reach_only_their_own_pre_entries(client, pre_entry, make_resident):
    entry, _code = pre_entry
    client.force_login(make_resident())
    urls = [reverse("lifeevents:pre_entry_step", args=[entry.public_id, "event"]), reverse("lifeevents:pre_entry_check", args=[entry.public_id]),
            reverse("lifeevents:pre_entry_code", args=[entry.public_id])]
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"event_date": "2026-05-05"}).status_code == 403, url
    client.logout()
    for url in urls:
        assert client.post(url).status_code == 403, url
    entry.refresh_from_db()
    assert entry.answers["event"]["event_date"] == "2026-04-01" and CounterToken.objects.filter(pre_entry=entry).count() == 1
    assert _refused("pre_entry.fill") == 9


def test_a_guests_pre_entry_belongs_to_its_browser_only(client, demo):
    from django.test import Client

    response = client.post(reverse("lifeevents:pre_entry_start", args=["tennyu"]))
    entry = PreEntry.objects.get()
    assert entry.owner is None and client.get(response["Location"]).status_code == 200
    other = Client()
    assert other.get(response["Location"]).status_code == 403
    assert other.post(response["Location"], {"full_name": "x"}).status_code == 403
    entry.refresh_from_db()
    assert "applicant" not in entry.answers


def test_a_residents_bundle_is_refused_to_another_resident(client, demo, resident, make_resident):
    client.force_login(resident)
    client.post(reverse("lifeevents:questions", args=["tennyu"]), MOVE_IN)
    checklist = Checklist.objects.get()
    client.post(reverse("lifeevents:start_bundle", args=[checklist.public_id]), {"procedures": BUNDLED})
    bundle = Bundle.objects.get()
    client.force_login(make_resident())
    assert client.post(reverse("lifeevents:bundle_page", args=[bundle.public_id, "shared"]), SHARED).status_code == 403
    assert client.post(reverse("lifeevents:bundle_check", args=[bundle.public_id]), {"agree": "on"}).status_code == 403
    assert client.get(reverse("lifeevents:bundle", args=[bundle.public_id])).status_code == 403
    assert client.post(reverse("lifeevents:start_bundle", args=[checklist.public_id]), {"procedures": BUNDLED}).status_code == 403
    bundle.refresh_from_db()
    assert bundle.status == Bundle.Status.DRAFT and bundle.shared_answers == {} and Bundle.objects.count() == 1
    assert _refused("bundle.view") == 3 and _refused("checklist.view") == 1


def test_services_refuse_without_a_request_too(demo, resident, make_resident, make_staff):
    """The policy is in the services: a task or command acting for the wrong person is refused as well."""
    from smartkoto.core.permissions import Forbidden
    from smartkoto.lifeevents import queries

    life_event = queries.get("tennyu", actor=Actor.system("test"))
    checklist = services.make_checklist(life_event, MOVE_IN, actor=Actor.for_user(resident))
    with pytest.raises(Forbidden):
        services.tick(checklist, checklist.items.first().pk, True, actor=Actor.for_user(make_resident()))
    with pytest.raises(Forbidden):
        services.start_bundle(checklist, ["kokuho-kanyu"], actor=Actor.for_user(make_staff("clerk", "kumin", Role.COUNTER_CLERK)))
    with pytest.raises(Forbidden):
        services.issue_card_token(actor=Actor.system("test"))
    assert not checklist.items.filter(done_at__isnull=False).exists() and not Bundle.objects.exists()


WALKS = [(BUNDLE, Bundle.Status.values), (HAND_OFF, BundlePart.HandOff.values), (PRE_ENTRY, PreEntry.Status.values)]
PARTIES = [lifecycle.RESIDENT, lifecycle.STAFF, lifecycle.SYSTEM, lifecycle.PAYMENT, lifecycle.PROVIDER, lifecycle.SERVICE]


@pytest.mark.parametrize("table, states", WALKS, ids=[w.name for w, _s in WALKS])
def test_every_move_of_the_lifeevents_tables(table, states):
    """Every (from, to, party): allowed exactly when the table says so; `apply` refuses the rest."""
    from types import SimpleNamespace

    allowed = refused = 0
    for current in states:
        for target in states:
            for party in PARTIES:
                obj = SimpleNamespace(**{table.field: current})
                if party in table.transitions.get((current, target), ()):
                    table.apply(obj, target, by=party)
                    assert getattr(obj, table.field) == target
                    allowed += 1
                else:
                    with pytest.raises(lifecycle.TransitionNotAllowed):
                        table.apply(obj, target, by=party)
                    assert getattr(obj, table.field) == current
                    refused += 1
    assert allowed == sum(len(parties) for parties in table.transitions.values()) and refused > 0
    assert table.name in lifecycle.registered()
