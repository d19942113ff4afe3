"""Schemathesis over the platform's own OpenAPI document (issue 11): requests generated from every documented
operation — valid and invalid parameters and bodies — as an anonymous caller and with a service token holding
every scope. Whatever is sent, the platform never answers 5xx.

Derandomized (the same requests every run) and bounded: a few dozen examples per operation.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError, close_old_connections, transaction
from hypothesis import HealthCheck, given, settings

from smartkoto.core import openapi

EXAMPLES = 30
SCOPES = ["cases:read", "payments:read", "payments:write", "opendata:write"]


@pytest.fixture
def api_schema(koto):
    from smartkoto.appointments import demo as appointments
    from smartkoto.procedures import demo as procedures

    procedures.load()
    appointments.load()
    schema = schemathesis.openapi.from_dict(openapi.document())
    schema.app = get_wsgi_application()
    # in-process WSGI calls inside the test's transaction: keep Django from closing that connection after each
    # request (as django.test.Client does)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schema
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(koto):
    from smartkoto.identity.models import ServiceAccount

    _account, value = ServiceAccount.issue("schemathesis", SCOPES)
    return value


def test_no_documented_operation_answers_5xx(api_schema, token):
    calls, failures = 0, []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10, "the OpenAPI document lists the platform's operations"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            nonlocal calls
            for headers in ({}, {"Authorization": f"Bearer {token}"}):
                calls += 1
                try:
                    # each request in its own savepoint, as each is its own transaction in production; a request
                    # that leaves the database transaction broken (PostgreSQL) is reported, not carried forward
                    with transaction.atomic():
                        response = case.call(headers=headers)
                except DatabaseError as error:
                    failures.append(f"{case.method} {case.formatted_path} {case.query} left the transaction broken: {error}")
                    continue
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path} {case.query} {headers and 'token' or 'anonymous'} -> "
                                    f"{response.status_code}: {response.text[:300]}")

        run()
    print(f"\nschemathesis: {len(operations)} operations, {calls} requests, {len(failures)} server errors")
    assert not failures, "\n".join(failures[:20])
