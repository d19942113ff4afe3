"""The demo loader sends its cases as the sample residents (an Actor for each), with no fake request."""

import pytest

pytestmark = pytest.mark.django_db


def test_demo_cases_are_sent_by_their_residents(koto, catalog, django_capture_on_commit_callbacks):
    from smartkoto.applications import demo
    from smartkoto.applications.models import Application
    from smartkoto.core.models import AuditRecord
    from smartkoto.identity import demo as identity_demo

    identity_demo.load()
    with django_capture_on_commit_callbacks(execute=False):
        demo.load()
    sent = Application.objects.exclude(status="draft")
    assert sent.count() == len(demo.DEMO)
    assert all(a.applicant_id and a.reference for a in sent)
    submitted = AuditRecord.objects.filter(action="applications.submitted")
    assert submitted.count() == len(demo.DEMO) and set(submitted.values_list("actor_kind", flat=True)) == {"resident"}
