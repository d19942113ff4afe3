"""Sessions are written at most once a minute, and an unattended session still expires SESSION_COOKIE_AGE after
its last use (core.middleware.IdleSessionMiddleware)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smartkoto.core.middleware import IdleSessionMiddleware

pytestmark = pytest.mark.django_db


def _session_writes(captured):
    return [q["sql"] for q in captured.captured_queries
            if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]


def test_signed_in_page_views_within_a_minute_do_not_write_the_session(resident_client):
    assert resident_client.get("/my/profile/").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        for path in ("/my/profile/", "/applications/", "/payments/", "/my/profile/"):
            assert resident_client.get(path).status_code == 200
    assert _session_writes(captured) == []


def test_a_session_in_use_gets_a_new_idle_deadline_once_a_minute(resident_client):
    resident_client.get("/my/profile/")
    session = resident_client.session
    session[IdleSessionMiddleware.KEY] -= settings.SESSION_REFRESH_SECONDS + 1  # the last refresh was over a minute ago
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(seconds=30))  # nearly idle for SESSION_COOKIE_AGE
    with CaptureQueriesContext(connection) as captured:
        assert resident_client.get("/my/profile/").status_code == 200
    assert len(_session_writes(captured)) == 1
    deadline = Session.objects.get().expire_date
    assert deadline > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_an_unattended_session_signs_itself_out(resident_client):
    assert resident_client.get("/my/profile/").status_code == 200
    # Nothing happened for SESSION_COOKIE_AGE: the stored session's deadline has passed.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = resident_client.get("/my/profile/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_a_cookie_naming_an_expired_session_does_not_start_a_new_one(client):
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    assert client.get("/").status_code == 200
    assert client.get("/procedures/").status_code == 200
    assert Session.objects.count() == 0


def test_an_anonymous_visitor_without_a_session_gets_none(client):
    client.get("/")
    client.get("/counters/")
    assert Session.objects.count() == 0 and settings.SESSION_COOKIE_NAME not in client.cookies
